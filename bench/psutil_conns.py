#!/usr/bin/env python3
"""psutil side of `pskit-bench conns`: times psutil's connection listing.

Usage: psutil_conns.py REPS SERVER_PID ONE_PID
Prints JSON lines {"tool", "secs", "socks"}: for each tool one untimed warm-up call,
then REPS calls timed with time.perf_counter() inside the started interpreter:
  psutil          net_connections('tcp')
  psutil-process  Process(SERVER_PID).net_connections('tcp')
  psutil-one      Process(ONE_PID).net_connections('tcp')   (a process with one socket)
"""
import json
import sys
import time

try:
    import psutil
except ImportError:
    sys.exit("psutil is not installed: pip install psutil==7.2.2")

reps, server, one = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
tools = [
    ("psutil", lambda: psutil.net_connections("tcp")),
    ("psutil-process", lambda p=psutil.Process(server): p.net_connections("tcp")),
    ("psutil-one", lambda p=psutil.Process(one): p.net_connections("tcp")),
]
for name, call in tools:
    call()
    for _ in range(reps):
        t0 = time.perf_counter()
        n = len(call())
        secs = time.perf_counter() - t0
        print(json.dumps({"tool": name, "secs": secs, "socks": n}), flush=True)
