#!/usr/bin/env python3
"""notify_recv.py SOCKET LOG: systemd's side of sd_notify, for notify.sh.

Binds an AF_UNIX datagram socket at SOCKET (as systemd's NOTIFY_SOCKET)
and appends each line of each datagram to LOG as "<monotonic s> <line>",
flushed at once, until killed.  The socket exists before this prints
"ready" on stdout, so a program started after that line cannot miss it."""
import os
import socket
import sys
import time

path, log = sys.argv[1], sys.argv[2]
if os.path.exists(path):
    os.unlink(path)
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
out = open(log, "a", buffering=1)
print("ready", flush=True)
while True:
    data = s.recv(4096)
    now = time.monotonic()
    for line in data.decode("utf-8", "replace").splitlines():
        out.write("%.3f %s\n" % (now, line))
