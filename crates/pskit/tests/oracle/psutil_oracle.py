"""psutil 7.2.2 as a test oracle for pskit.

Prints, as one JSON document, what psutil answers for the PIDs given (or every PID),
in pskit's wire format: namedtuples as objects, enums as their values, OS strings as
text when they are valid UTF-8 and as byte arrays otherwise. A method that raises is
recorded as {"__error__": "<ExceptionClass>"}.

usage: psutil_oracle.py [--as-uid UID] COMMAND ...
       (--as-uid: started as root, drop to UID, group nogroup, once psutil is imported,
       so that psutil sees /proc as that user while root's Python installation is used)
       psutil_oracle.py procs [PID ...]      per-process getters
       psutil_oracle.py rlimits PID          every RLIMIT_* of one process
       psutil_oracle.py conns KIND [PID ...] net_connections(KIND) system-wide, and
                                             Process(PID).net_connections(KIND) for each
                                             PID (its pconn rows get "pid": PID)
       psutil_oracle.py family PID           children (direct, recursive), parent,
                                             parents, pid_exists, memory_percent of every
                                             memtype, memory_maps(grouped=False), and
                                             whether PID is in pids()
"""
import enum
import json
import os
import sys

try:
    import psutil
except ImportError:
    sys.exit("psutil is not installed: run `pip install psutil==7.2.2`")

if psutil.__version__ != "7.2.2":
    sys.exit(f"psutil {psutil.__version__} found, the oracle needs 7.2.2: pip install psutil==7.2.2")

GETTERS = [
    "ppid", "name", "exe", "cmdline", "environ", "status", "create_time", "cwd",
    "username", "uids", "gids", "terminal", "nice", "ionice", "cpu_affinity", "cpu_num",
    "cpu_times", "memory_info", "memory_full_info", "memory_maps", "io_counters",
    "num_ctx_switches", "num_fds", "num_threads", "threads", "open_files",
]


def wire(v):
    """Converts a psutil value to pskit's JSON wire format."""
    if isinstance(v, str):
        raw = os.fsencode(v)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return list(raw)
    if isinstance(v, enum.Enum):
        return v.value
    if isinstance(v, tuple) and hasattr(v, "_asdict"):
        return {k: wire(x) for k, x in v._asdict().items()}
    if isinstance(v, (list, tuple)):
        return [wire(x) for x in v]
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            key = os.fsencode(k).decode("utf-8", "replace")
            out[key] = wire(x)
        return out
    return v


def procs(pids):
    result = {}
    for pid in pids:
        try:
            p = psutil.Process(pid)
        except psutil.Error as e:
            result[str(pid)] = {"__error__": type(e).__name__}
            continue
        entry = {}
        for name in GETTERS:
            try:
                entry[name] = wire(getattr(p, name)())
            except psutil.Error as e:
                entry[name] = {"__error__": type(e).__name__}
            except NotImplementedError:
                entry[name] = {"__error__": "NotImplementedError"}
            except OSError as e:
                entry[name] = {"__error__": "OSError:" + str(e.errno)}
        try:
            entry["memory_percent"] = p.memory_percent()
        except psutil.Error as e:
            entry["memory_percent"] = {"__error__": type(e).__name__}
        result[str(pid)] = entry
    return result


def rlimits(pid):
    p = psutil.Process(pid)
    out = {}
    for name in dir(psutil):
        if name.startswith("RLIMIT_"):
            out[name[len("RLIMIT_"):]] = list(p.rlimit(getattr(psutil, name)))
    return out


def conns(kind, pids):
    doc = {"system": wire(psutil.net_connections(kind)), "procs": {}}
    for pid in pids:
        try:
            rows = [dict(wire(c), pid=pid) for c in psutil.Process(pid).net_connections(kind)]
        except psutil.Error as e:
            rows = {"__error__": type(e).__name__}
        doc["procs"][str(pid)] = rows
    return doc


MEMTYPES = ["rss", "vms", "shared", "text", "lib", "data", "dirty", "uss", "pss", "swap"]


def family(pid):
    p = psutil.Process(pid)
    return {
        "children": sorted(c.pid for c in p.children()),
        "children_recursive": sorted(c.pid for c in p.children(recursive=True)),
        "parent": p.parent().pid if p.parent() else None,
        "parents": [q.pid for q in p.parents()],
        "pid_exists": psutil.pid_exists(pid),
        "in_pids": pid in psutil.pids(),
        "memory_percent": {m: p.memory_percent(m) for m in MEMTYPES},
        "memory_maps": wire(p.memory_maps(grouped=False)),
    }


def main():
    if sys.argv[1] == "--as-uid":
        uid = int(sys.argv[2])
        os.setgroups([])
        os.setgid(65534)
        os.setuid(uid)
        del sys.argv[1:3]
    cmd = sys.argv[1]
    if cmd == "conns":
        json.dump(conns(sys.argv[2], [int(a) for a in sys.argv[3:]]), sys.stdout)
        return
    args = [int(a) for a in sys.argv[2:]]
    if cmd == "procs":
        doc = procs(args or psutil.pids())
        doc["__oracle_pid__"] = os.getpid()
    elif cmd == "rlimits":
        doc = rlimits(args[0])
    elif cmd == "family":
        doc = family(args[0])
    else:
        sys.exit(f"unknown command {cmd}")
    json.dump(doc, sys.stdout)


main()
