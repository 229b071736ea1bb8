"""Opens one of each kind of socket pskit lists and holds them until stdin closes.

usage: socket_holder.py DIR
Creates, on loopback only: TCP listening + connected pairs over IPv4, IPv6 and
IPv4-mapped IPv6; UDP bound and connected over IPv4 and IPv6; UNIX stream (listening and
connected) and datagram sockets bound under DIR, an abstract seqpacket listener, an
unbound socketpair, one socket duplicated onto a second descriptor, and one socket
shared with a grandchild (`sleep` holding it). Prints one JSON line describing them
(pids, ports, paths), then waits.
"""
import json
import os
import socket
import subprocess
import sys

keep = []
ports = {}


def tcp_pair(name, family, bind, connect_family=None, connect=None):
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.bind((bind, 0))
    listener.listen(8)
    port = listener.getsockname()[1]
    client = socket.socket(connect_family or family, socket.SOCK_STREAM)
    client.connect((connect or bind, port))
    accepted, _ = listener.accept()
    keep.extend([listener, client, accepted])
    ports[name] = port


def udp_pair(name, family, bind):
    server = socket.socket(family, socket.SOCK_DGRAM)
    server.bind((bind, 0))
    client = socket.socket(family, socket.SOCK_DGRAM)
    client.connect(server.getsockname()[:2])
    keep.extend([server, client])
    ports[name] = server.getsockname()[1]


directory = sys.argv[1]
tcp_pair("tcp4", socket.AF_INET, "127.0.0.1")
udp_pair("udp4", socket.AF_INET, "127.0.0.1")
ipv6 = socket.has_ipv6 and os.path.exists("/proc/net/tcp6")
if ipv6:
    tcp_pair("tcp6", socket.AF_INET6, "::1")
    tcp_pair("tcp6_mapped", socket.AF_INET6, "::ffff:127.0.0.1", socket.AF_INET, "127.0.0.1")
    udp_pair("udp6", socket.AF_INET6, "::1")

stream_path = os.path.join(directory, "stream.sock")
unix_listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
unix_listener.bind(stream_path)
unix_listener.listen(8)
unix_client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
unix_client.connect(stream_path)
unix_accepted, _ = unix_listener.accept()
dgram_path = os.path.join(directory, "dgram.sock")
unix_dgram = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
unix_dgram.bind(dgram_path)
abstract = "\0pskit-test-%d" % os.getpid()
unix_seqpacket = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
unix_seqpacket.bind(abstract)
unix_seqpacket.listen(1)
keep.extend([unix_listener, unix_client, unix_accepted, unix_dgram, unix_seqpacket])
keep.extend(socket.socketpair())

# One socket on two descriptors of this process, one shared with a grandchild.
dup_listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
dup_listener.bind(("127.0.0.1", 0))
dup_listener.listen(1)
dup_fd = os.dup(dup_listener.fileno())
ports["dup"] = dup_listener.getsockname()[1]
shared = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
shared.bind(("127.0.0.1", 0))
ports["shared"] = shared.getsockname()[1]
grandchild = subprocess.Popen(
    ["sleep", "1000"], pass_fds=[shared.fileno()], stdin=subprocess.DEVNULL
)
keep.extend([dup_listener, shared])

print(json.dumps({
    "pid": os.getpid(),
    "grandchild": grandchild.pid,
    "ipv6": ipv6,
    "ports": ports,
    "stream_path": stream_path,
    "dgram_path": dgram_path,
    "abstract": "@" + abstract[1:],
    "dup_fds": sorted([dup_listener.fileno(), dup_fd]),
    "shared_fd": shared.fileno(),
}), flush=True)
sys.stdin.read()
grandchild.kill()
grandchild.wait()
