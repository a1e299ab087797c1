"""The broker: a resident process that answers the CLI's read-only questions on Neo4j.

A cold ``itss impact ID --neo4j-uri bolt://…`` spends most of its time importing the ``neo4j``
driver and connecting, not answering. When the store is Neo4j and the command only reads, the
cold process (:mod:`~itss_graph.cli.broker.client`, imported by :mod:`itss_graph.cli.main`,
no driver, click or numpy) forwards its arguments, directory, environment and whether its
streams are terminals over a Unix-domain socket to a broker
(:mod:`~itss_graph.cli.broker.server`) that keeps the driver imported and connected, runs the
same command line in-process (:mod:`~itss_graph.cli.broker.session`) and streams back stdout,
stderr and the exit status. :mod:`~itss_graph.cli.broker.place` decides which commands go
there and which broker (one per user, URI, Neo4j user, database, password and package) and
where its socket lives; :mod:`~itss_graph.cli.broker.wire` is the framing of both directions.

``ITSS_BROKER=0`` or ``[broker] enabled = false`` in the config file turns it off;
``itss broker status|stop`` (:mod:`itss_graph.cli.broker_cmd`) shows and stops brokers.
"""
