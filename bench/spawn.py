"""Run one command and report its wall time and peak RSS exactly (used by bench/measure.py).

    python -S bench/spawn.py RESULT.json STDOUT_FILE CMD [ARG...]

Why a wrapper: Linux keeps a process's peak RSS across ``exec``, so a command spawned straight
from the benchmark harness (a big process) would report the harness's size as its own peak.
Spawned from this small process, the command's ``ru_maxrss`` (which includes the peak of every
child it waited for) is its own, floored by this wrapper's ~10 MB. Wall time runs from the
spawn to the command's exit; CPU time (user + system) is the command's and its waited-for
children's. Standard library only; stdin is closed, stderr inherited.
"""

import json
import os
import sys
import time

result_path, stdout_path, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
out = os.open(stdout_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
devnull = os.open(os.devnull, os.O_RDONLY)
start = time.perf_counter()
pid = os.posix_spawnp(cmd[0], cmd, os.environ,
                      file_actions=[(os.POSIX_SPAWN_DUP2, out, 1), (os.POSIX_SPAWN_DUP2, devnull, 0)])
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
with open(result_path, "w") as fh:
    json.dump({"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "maxrss_kb": usage.ru_maxrss,
               "rc": os.waitstatus_to_exitcode(status)}, fh)
