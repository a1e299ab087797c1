"""Results of bench/run.py as Markdown tables (printed, and saved beside the JSON).

Example:
    >>> secs(0.00004), secs(0.0031), secs(0.49), secs(12.345), times(19.04), times(None)
    ('0.04 ms', '3.1 ms', '0.49 s', '12.3 s', '19×', '–')
"""

from __future__ import annotations


def secs(value: float | None) -> str:
    if value is None:
        return "–"
    if value < 0.001:
        return f"{value * 1000:.2f} ms"
    if value < 0.1:
        return f"{value * 1000:.1f} ms" if value < 0.01 else f"{value * 1000:.0f} ms"
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def times(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.1f}×" if value < 10 else f"{value:.0f}×"


def wc(entry: dict) -> str:
    """Wall and CPU time of a measurement, e.g. ``0.49 s / 0.31 s``."""
    return f"{secs(entry['wall_s'])} / {secs(entry.get('cpu_s'))}"


def mb(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f} MB"


def load(record: dict | None) -> str:
    if not record:
        return ""
    start, end = record["loadavg_start"], record["loadavg_end"]
    return (f"load average {start[0]:.2f} / {start[1]:.2f} / {start[2]:.2f} at start, "
            f"{end[0]:.2f} / {end[1]:.2f} / {end[2]:.2f} at end ({record['elapsed_s']:.0f} s)")


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def estate_text(name: str, entry: dict) -> str:
    params = entry["params"]
    out = [f"### {name}: {params['cis']:,} CIs, {params['relations']:,} relations "
           f"({params['relations_per_ci']} per CI; {params['generator']})", ""]
    impact = entry.get("impact")
    if impact:
        rows = []
        for label, e in impact.items():
            if label.startswith("_"):
                continue
            rows.append([f"{label}: `{e['probe']}` ({e['type']})", f"{e['itss']['reached']:,}",
                         f"{e['naive_cte']['reached']:,}", wc(e["itss"]), mb(e["itss"]["peak_rss_mb"]),
                         wc(e["naive_cte"]), mb(e["naive_cte"]["peak_rss_mb"]),
                         f"{times(e['itss_vs_naive'])} / {times(e.get('itss_vs_naive_cpu'))}",
                         secs(e["limit_csr_bfs"]["wall_s"]), times(e["itss_vs_limit"])])
        out += ["Cold `itss impact PROBE` (table output) vs a fresh Python process running a naive recursive "
                "CTE over the same failure-flow edges (bare ids) vs an in-memory CSR breadth-first search "
                "(graph preloaded). Medians of wall / CPU time; peak RSS of the process.", "",
                _table(["probe", "itss reached", "naive reached", "itss impact wall / cpu", "peak",
                        "naive CTE process wall / cpu", "peak", "itss ÷ CTE wall / cpu", "CSR limit",
                        "itss ÷ limit"], rows), "", load(impact.get("_group")), ""]
    loaded = entry.get("load")
    if loaded:
        il, raw, first = loaded["itss_load"], loaded["raw_executemany"], loaded["first_query"]
        serial = loaded.get("itss_load_serial")  # absent from runs before it was measured
        rows = [["`itss load` (validation, staging, history)", wc(il), mb(il["peak_rss_mb"]),
                 f"{il['rows_per_s']:,}",
                 f"{times(loaded['load_vs_raw'])} / {times(loaded.get('load_vs_raw_cpu'))} raw"],
                *([[f"`itss load --workers 1` (no staging workers; default {loaded.get('workers')} on this machine)",
                     wc(serial), mb(serial["peak_rss_mb"]), f"{serial['rows_per_s']:,}",
                     f"{times(loaded['serial_vs_raw'])} / {times(loaded.get('serial_vs_raw_cpu'))} raw"]]
                  if serial else []),
                ["raw `executemany` loader (no checks)", wc(raw), mb(raw["peak_rss_mb"]),
                 f"{raw['rows_per_s']:,}", ""],
                [f"first query after the load (`itss impact {first['probe']}`)", wc(first),
                 mb(first["peak_rss_mb"]), "", ""]]
        out += [f"Loads into a fresh store, {len(il['walls_s'])} each (median wall, largest peak RSS of the "
                f"process tree); store {loaded['db_mb']:.0f} MB, closure index {loaded['index_mb']:.0f} MB, "
                f"raw store {loaded['raw_db_mb']:.0f} MB.", "",
                _table(["", "wall / cpu", "peak RSS", "rows/s (wall)", "ratio wall / cpu"], rows), "",
                load(loaded.get("_group")), ""]
    neo = entry.get("neo4j")
    if neo:
        ld = neo["load"]
        rows = []
        for label, e in neo["impact"].items():
            naive = e["naive_varlength_cypher"]
            naive_text = (f"{secs(naive['wall_s'])} ({naive['reached']:,})" if naive.get("wall_s") is not None
                          else f"> {naive['timed_out_after_s']:.0f} s")
            same = "yes" if all(e["same_answer"].values()) else "NO: " + ", ".join(
                k for k, v in e["same_answer"].items() if not v)
            default = (f"{wc(e['neo4j_default'])} ({times(e['default_vs_embedded'])})"
                       if "neo4j_default" in e else "—")  # (results of earlier stops have none)
            rows.append([f"{label}: `{e['probe']}`", wc(e["embedded"]), default,
                         f"{wc(e['neo4j_procedures'])} ({times(e['procedures_vs_embedded'])})",
                         f"{wc(e['neo4j_plain_cypher'])} ({times(e['plain_vs_embedded'])})",
                         naive_text, same])
        out += [f"Neo4j 5.26 (test launcher, heap {neo['heap']}, page cache {neo['pagecache']}, procedures "
                f"installed): `itss load` {params['cis'] + params['relations']:,} rows in {secs(ld['wall_s'])} = "
                f"**{ld['rows_per_s']:,} rows/s** (client peak {mb(ld['client_peak_rss_mb'])}, server RSS "
                f"{mb(ld['server_rss_mb_after'])} after). Cold `itss impact` (table), medians of wall / client CPU "
                f"(the server's CPU is not in it); ratios of wall time:", "",
                _table(["probe", "embedded", "Neo4j (the client's index ≤ 2M CIs)", "Neo4j + procedures (server walks)",
                        "Neo4j, plain Cypher",
                        "naive var-length Cypher (reached)", "same table"], rows), "", load(neo.get("_group")), ""]
    questions = entry.get("questions")
    if questions:
        rows = [[label, q.get("target") or " ".join(q.get("symptoms", [])), secs(q["cold_cli_s"])]
                for label, q in questions.items() if isinstance(q, dict) and "cold_cli_s" in q]
        out += [_table(["question", "on", "cold CLI"], rows), "", load(questions.get("_group")), ""]
    return "\n".join(out)


def markdown(results: dict) -> str:
    meta = results["run"]
    machine = meta["machine"]
    out = [f"# Benchmark {meta.get('label') or ''} {meta['started']}".replace("  ", " "), "",
           f"commit `{meta['git_commit'][:12]}` ({meta['git_branch']}{', uncommitted changes' if meta['git_dirty'] else ''});"
           f" {machine['cpus']} CPUs, {machine['memory_gb']} GB, Python {machine['python']}, SQLite "
           f"{machine['sqlite']}; load average at start {meta['loadavg_at_start']}"
           + (f", at end {meta['loadavg_at_end']}" if meta.get("loadavg_at_end") else ""), ""]
    cli = results.get("cli")
    if cli:
        rows = [[f"`{label}`", wc(v), mb(v["peak_rss_mb"])]
                for label, v in cli.items() if not label.startswith("_")]
        out += ["## Command-line start", "", _table(["command", "median wall / cpu", "peak RSS"], rows), "",
                load(cli.get("_group")), ""]
    formats = results.get("formats")
    if formats:
        rows = []
        for kind in ("xlsx", "yaml", "json"):
            f = formats.get(kind)
            if not f:
                continue
            info = formats["files"][kind]
            rows.append([f"{kind} ({info['records']:,} records, {info['mb']} MB)",
                         f"{f['peer']['what']}: {wc(f['peer'])}",
                         f"{wc(f['reader'])} ({times(f['reader_vs_peer'])} / {times(f.get('reader_vs_peer_cpu'))})",
                         f"{wc(f['load'])} ({times(f['load_vs_peer'])} / {times(f.get('load_vs_peer_cpu'))}), "
                         f"{mb(f['load']['peak_rss_mb'])}"])
        out += ["## Readers (fresh processes, medians of wall / CPU time; ratios to the peer, wall / CPU)", "",
                _table(["input", "peer", "itss reader alone", "`itss load` into a fresh store"], rows), "",
                load(formats.get("_group")), ""]
    if results.get("estates"):
        out += ["## Estates", ""]
        for name, entry in results["estates"].items():
            out.append(estate_text(name, entry))
    return "\n".join(out)
