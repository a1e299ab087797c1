"""Where a Python command's memory goes: RSS over time, with the code running at each moment.

    python bench/memtrace.py OUT.txt PROGRAM [ARG...]     # e.g. .venv/bin/itss impact X --store db

Runs PROGRAM (a Python script, such as the ``itss`` entry point) in this process and samples,
every 10 ms from a thread, the resident set size (``/proc/self/statm``) and the main thread's
stack. Writes to OUT.txt a timeline (a line whenever RSS moved by 16 MB or more, naming the
innermost ``itss_graph`` frame and the frame below it) and the whole stack at the peak. The
sampling thread costs a little time; the memory figures are the program's own.
"""

from __future__ import annotations

import os
import runpy
import sys
import threading
import time
import traceback

INTERVAL_S = 0.01
STEP_BYTES = 16 * 2**20
PAGE = os.sysconf("SC_PAGE_SIZE")


def rss() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * PAGE


def where(frame) -> str:
    """The innermost itss_graph frame (and what it called), or the innermost frame."""
    stack = traceback.extract_stack(frame)
    ours = [i for i, f in enumerate(stack) if "itss_graph" in f.filename]
    if not ours:
        f = stack[-1]
        return f"{os.path.basename(f.filename)}:{f.lineno} {f.name}"
    f = stack[ours[-1]]
    text = f"{f.filename.split('itss_graph/')[-1]}:{f.lineno} {f.name}"
    if ours[-1] + 1 < len(stack):
        g = stack[ours[-1] + 1]
        text += f" -> {os.path.basename(g.filename)}:{g.lineno} {g.name}"
    return text


def main() -> None:
    out_path, program, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    main_thread = threading.main_thread().ident
    start = time.perf_counter()
    timeline: list[tuple[float, int, str]] = []
    peak = {"rss": 0, "stack": ""}
    done = threading.Event()

    def sample() -> None:
        last = -STEP_BYTES
        while not done.is_set():
            now = rss()
            frame = sys._current_frames().get(main_thread)
            if frame is not None:
                if abs(now - last) >= STEP_BYTES:
                    timeline.append((time.perf_counter() - start, now, where(frame)))
                    last = now
                if now > peak["rss"]:
                    peak["rss"] = now
                    peak["stack"] = "".join(traceback.format_stack(frame))
            done.wait(INTERVAL_S)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    sys.argv = [program, *args]
    code = 0
    try:
        runpy.run_path(program, run_name="__main__")
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    finally:
        done.set()
        sampler.join()
        with open(out_path, "w") as fh:
            fh.write(f"{program} {' '.join(args)}\n")
            fh.write(f"peak RSS {peak['rss'] / 2**20:.0f} MB (sampled every {INTERVAL_S * 1000:.0f} ms); "
                     f"{time.perf_counter() - start:.1f} s\n\n{'time s':>7} {'RSS MB':>7}  running\n")
            for t, r, w in timeline:
                fh.write(f"{t:7.2f} {r / 2**20:7.0f}  {w}\n")
            fh.write(f"\nstack at the peak:\n{peak['stack']}")
    sys.exit(code)


if __name__ == "__main__":
    main()
