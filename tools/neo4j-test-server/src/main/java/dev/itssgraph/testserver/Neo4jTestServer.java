package dev.itssgraph.testserver;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.internal.helpers.HostnamePort;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * A throw-away Neo4j 5.26 Community server for tests: the embedded DBMS with
 * only the Bolt connector, on loopback.
 *
 * <p>Contract with whoever starts it (tests/support/neo4j_server.py):
 * <ul>
 *   <li>stdout carries exactly one line, {@code NEO4J_READY bolt://127.0.0.1:PORT},
 *       printed once Bolt accepts connections (and the password, if any, is set);
 *       everything else anyone prints goes to stderr;</li>
 *   <li>any startup failure: a message on stderr and a non-zero exit;</li>
 *   <li>SIGTERM, SIGINT or EOF on stdin: clean shutdown, then exit.</li>
 * </ul>
 */
public final class Neo4jTestServer {

    private static final String HOST = "127.0.0.1";
    private static final String USER = "neo4j";
    private static final Duration DB_START_TIMEOUT = Duration.ofMinutes(3);

    private static final Object LIFECYCLE = new Object();
    private static DatabaseManagementService dbms;
    private static boolean stopped;

    private Neo4jTestServer() {}

    /** Parsed command line. */
    private static final class Options {
        int port = 0;
        Path data;
        String password;
        long pageCacheBytes = 256L << 20;
        boolean watchStdin = true;
        Path plugins;
    }

    public static void main(String[] args) {
        // Keep stdout for the READY line alone: anything Neo4j or a library
        // prints to System.out lands on stderr instead.
        PrintStream ready = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        System.setOut(System.err);

        Options opts;
        try {
            opts = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("neo4j-test-server: " + e.getMessage());
            System.err.println(usage());
            System.exit(2);
            return;
        }

        try {
            boolean tempHome = opts.data == null;
            Path home = tempHome
                    ? Files.createTempDirectory("neo4j-test-server-")
                    : Files.createDirectories(opts.data.toAbsolutePath());
            // Neo4j's own logs (debug.log, security.log) go under <home>/logs.
            System.err.println("neo4j-test-server: home " + home + (tempHome ? " (temporary)" : ""));

            // Registered before the DBMS exists, so a signal during startup
            // still deletes the temp dir; shutdown() is idempotent.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                shutdown();
                if (tempHome) {
                    deleteTree(home);
                }
            }, "neo4j-test-server-shutdown"));

            if (opts.watchStdin) {
                watchStdin();
            }

            int port = start(home, opts);
            ready.println("NEO4J_READY bolt://" + HOST + ":" + port);
            ready.flush();
        } catch (Throwable t) {
            System.err.println("neo4j-test-server: startup failed: " + t);
            t.printStackTrace(System.err);
            System.err.flush();
            System.exit(1);
            return;
        }

        // Nothing left for main to do; the exit comes from a signal or stdin EOF.
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts the DBMS and returns the Bolt port it actually bound. */
    private static int start(Path home, Options opts) throws IOException {
        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(HOST, opts.port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(GraphDatabaseSettings.auth_enabled, opts.password != null)
                // Tests pick their own passwords; Neo4j's default minimum is 8.
                .setConfig(GraphDatabaseSettings.auth_minimum_password_length, 1)
                .setConfig(GraphDatabaseSettings.pagecache_memory, opts.pageCacheBytes)
                // The default preallocates 256 MiB transaction-log files per
                // database; a test server needs neither the disk nor the wait.
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold, 16L << 20)
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "false")
                // No phoning home: the network here is closed and it would only add noise.
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                // Bolt's shutdown otherwise idles ~10 s waiting for connections
                // and Netty's quiet period; a test server has nothing to drain.
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0);
        if (opts.plugins != null) {
            // procedure jars, loaded as a server loads its plugins/ directory
            builder.setConfig(GraphDatabaseSettings.plugin_dir, opts.plugins.toAbsolutePath());
        }

        DatabaseManagementService service = builder.build();
        synchronized (LIFECYCLE) {
            if (stopped) {
                // A signal arrived while build() was running.
                service.shutdown();
                throw new IllegalStateException("stopped during startup");
            }
            dbms = service;
        }

        GraphDatabaseService system = service.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        GraphDatabaseService neo4j = service.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        for (GraphDatabaseService db : new GraphDatabaseService[] {system, neo4j}) {
            if (!db.isAvailable(DB_START_TIMEOUT.toMillis())) {
                throw new IllegalStateException("database '" + db.databaseName() + "' did not become available");
            }
        }

        if (opts.password != null) {
            setPassword(system, opts.password);
        }

        // With port 0 the OS chose; Neo4j records the bound address here.
        HostnamePort bound = ((GraphDatabaseAPI) system).getDependencyResolver()
                .resolveDependency(ConnectorPortRegister.class)
                .getLocalAddress(ConnectorType.BOLT);
        if (bound == null) {
            throw new IllegalStateException("Bolt connector did not register a listen address");
        }
        int port = bound.getPort();
        awaitAccepting(port);
        return port;
    }

    /**
     * Sets the neo4j user's password through the system database, the same
     * path as {@code ALTER USER} from a client, and clears the
     * change-on-first-login flag so drivers can run queries straight away.
     */
    private static void setPassword(GraphDatabaseService system, String password) {
        try {
            system.executeTransactionally(
                    "ALTER USER " + USER + " SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
        } catch (RuntimeException e) {
            // Re-using a --data dir with the same password: Neo4j refuses to
            // "change" a password to itself, which is the state we want anyway.
            if (!String.valueOf(e.getMessage()).contains("cannot be the same")) {
                throw e;
            }
            system.executeTransactionally("ALTER USER " + USER + " SET PASSWORD CHANGE NOT REQUIRED");
        }
    }

    /** Confirms with a real TCP connect that the Bolt socket is accepting. */
    private static void awaitAccepting(int port) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(HOST, port), 1000);
                return;
            } catch (IOException e) {
                last = e;
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        throw new IllegalStateException("Bolt port " + port + " is not accepting connections", last);
    }

    /**
     * The parent holds our stdin open; when it dies (even by SIGKILL) the pipe
     * reaches EOF and we exit, so no orphaned JVM outlives a test run.
     */
    private static void watchStdin() {
        Thread t = new Thread(() -> {
            InputStream in = System.in;
            byte[] buf = new byte[256];
            try {
                while (in.read(buf) >= 0) {
                    // Input is ignored; only EOF matters.
                }
            } catch (IOException ignored) {
                // A broken stdin means the parent is gone too.
            }
            System.err.println("neo4j-test-server: stdin closed, shutting down");
            System.exit(0);
        }, "neo4j-test-server-stdin");
        t.setDaemon(true);
        t.start();
    }

    private static void shutdown() {
        DatabaseManagementService service;
        synchronized (LIFECYCLE) {
            if (stopped) {
                return;
            }
            stopped = true;
            service = dbms;
            dbms = null;
        }
        if (service != null) {
            try {
                service.shutdown();
            } catch (RuntimeException e) {
                System.err.println("neo4j-test-server: error during shutdown: " + e);
            }
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    System.err.println("neo4j-test-server: could not delete " + p + ": " + e);
                }
            });
        } catch (IOException e) {
            System.err.println("neo4j-test-server: could not delete " + root + ": " + e);
        }
    }

    private static Options parse(String[] args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--port":
                    o.port = parsePort(value(args, ++i, a));
                    break;
                case "--data":
                    o.data = Paths.get(value(args, ++i, a));
                    break;
                case "--password":
                    o.password = value(args, ++i, a);
                    if (o.password.isEmpty()) {
                        throw new IllegalArgumentException("--password must not be empty");
                    }
                    break;
                case "--pagecache":
                    o.pageCacheBytes = parseBytes(value(args, ++i, a));
                    break;
                case "--plugins":
                    o.plugins = Paths.get(value(args, ++i, a));
                    break;
                case "--no-stdin-watch":
                    o.watchStdin = false;
                    break;
                case "--help":
                case "-h":
                    System.err.println(usage());
                    System.exit(0);
                    break;
                default:
                    throw new IllegalArgumentException("unknown argument: " + a);
            }
        }
        return o;
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    private static int parsePort(String s) {
        try {
            int p = Integer.parseInt(s);
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--port must be 0..65535, got: " + s);
        }
    }

    /** Accepts a byte count with an optional k/m/g suffix, e.g. 256m. */
    static long parseBytes(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        long mult = 1;
        if (!t.isEmpty()) {
            char last = t.charAt(t.length() - 1);
            int shift = last == 'k' ? 10 : last == 'm' ? 20 : last == 'g' ? 30 : 0;
            if (shift > 0) {
                mult = 1L << shift;
                t = t.substring(0, t.length() - 1);
            }
        }
        try {
            long n = Long.parseLong(t);
            if (n <= 0) {
                throw new NumberFormatException();
            }
            return Math.multiplyExact(n, mult);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("--pagecache must be a positive size like 256m, got: " + s);
        }
    }

    private static String usage() {
        return String.join("\n",
                "usage: java [-Xmx512m] -jar neo4j-test-server.jar [options]",
                "  --port N          Bolt port on 127.0.0.1 (0 = any free port; default 0)",
                "  --data DIR        DBMS home/data directory (default: fresh temp dir, deleted on exit)",
                "  --password PW     enable auth for user neo4j with this password (default: auth off)",
                "  --pagecache SIZE  page cache size, e.g. 256m (default 256m)",
                "  --plugins DIR     load procedure jars from DIR (the server's plugins/ directory)",
                "  --no-stdin-watch  do not exit on stdin EOF (for running with </dev/null)",
                "Prints 'NEO4J_READY bolt://127.0.0.1:PORT' on stdout when ready.");
    }
}
