#!/usr/bin/env python3
"""psutil side of pskit-bench: times psutil in one interpreter and prints JSON lines.

Usage:
    psutil_scan.py check                 print psutil's version (exit 2 if missing)
    psutil_scan.py procscan REPS         1 "first" call, then REPS steady calls of
                                         process_iter(ATTRS)
    psutil_scan.py uss REPS              1 first + REPS steady passes of
                                         memory_full_info() over every process
    psutil_scan.py serve MODE            MODE is procscan or uss: one timed call per
                                         line read from stdin (the first is "-first"),
                                         so the caller can interleave psutil with its
                                         own tools call by call
    psutil_scan.py small REPS CALLS      REPS batches of CALLS calls of each
                                         system-wide function and of two getters of
                                         its own Process() (one line per batch:
                                         {"func": ..., "secs": ...})

Each line: {"tool": ..., "secs": ..., "procs": ...}. Timing is time.perf_counter()
around the call, inside the already started interpreter (perf-anchors method).
"""
import json
import sys
import time

try:
    import psutil
except ImportError:
    sys.stderr.write(
        "\n" + "!" * 72 + "\n"
        "!! pskit-bench: psutil is not installed for " + sys.executable + "\n"
        "!! Install it with:  pip install psutil==7.2.2\n"
        + "!" * 72 + "\n\n"
    )
    sys.exit(2)

ATTRS = [
    "pid", "ppid", "name", "status", "username", "create_time",
    "cpu_times", "memory_info", "num_threads", "cmdline",
]


def procscan():
    infos = [p.info for p in psutil.process_iter(ATTRS)]
    return len(infos)


def uss():
    n = 0
    for p in psutil.process_iter():
        try:
            p.memory_full_info()
        except (psutil.NoSuchProcess, psutil.ZombieProcess):
            continue
        except psutil.AccessDenied:
            pass
        n += 1
    return n


SMALL = [
    ("cpu_times", lambda: psutil.cpu_times()),
    ("virtual_memory", lambda: psutil.virtual_memory()),
    ("disk_io_counters(perdisk=True)", lambda: psutil.disk_io_counters(perdisk=True)),
    ("net_io_counters(pernic=True)", lambda: psutil.net_io_counters(pernic=True)),
    ("net_if_addrs", lambda: psutil.net_if_addrs()),
    ("net_if_stats", lambda: psutil.net_if_stats()),
    ("swap_memory", lambda: psutil.swap_memory()),
    ("boot_time", lambda: psutil.boot_time()),
    ("Process.memory_info", lambda: ME.memory_info()),
    ("Process.cpu_times", lambda: ME.cpu_times()),
]
ME = psutil.Process()


def small(reps, calls):
    for name, fn in SMALL:
        fn()  # warm-up: imports and first-call caches
        for _ in range(reps):
            t0 = time.perf_counter()
            for _ in range(calls):
                fn()
            dt = time.perf_counter() - t0
            sys.stdout.write(json.dumps({"func": name, "secs": dt}) + "\n")
    sys.stdout.flush()


def emit(tool, secs, procs):
    sys.stdout.write(json.dumps({"tool": tool, "secs": secs, "procs": procs}) + "\n")
    sys.stdout.flush()


MODES = {"procscan": (procscan, "psutil"), "uss": (uss, "psutil-uss")}


def serve(mode):
    fn, name = MODES[mode]
    first = True
    for _ in sys.stdin:
        t0 = time.perf_counter()
        n = fn()
        dt = time.perf_counter() - t0
        emit(name + "-first" if first else name, dt, n)
        first = False


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    mode = sys.argv[1]
    if mode == "check":
        print(psutil.__version__)
        return
    if mode == "serve":
        serve(sys.argv[2])
        return
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    if mode == "small":
        small(reps, int(sys.argv[3]))
        return
    fn, name = MODES[mode]
    for i in range(reps + 1):
        t0 = time.perf_counter()
        n = fn()
        dt = time.perf_counter() - t0
        emit(name + "-first" if i == 0 else name, dt, n)


if __name__ == "__main__":
    main()
