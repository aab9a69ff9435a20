#!/usr/bin/env python3
"""layering.py BUILD SRC: the floors of common/ hold (common/README.md).

The build already refuses most of it (include directories, the
--no-undefined floor links); this test says it again from the outside,
also in the sanitizer build where the floor links are skipped, and
checks what no link can see:

  1. every call between the compiled objects points down the floors or
     stays inside one, and no two modules call each other in a circle;
  2. no file above core includes a store header, and only the store's
     backends include sqlite3.h (SQLite) and libpq-fe.h (PostgreSQL);
  3. no circle among the project's headers.

It reads the object files with nm and the sources as text; it changes
nothing.  Exit 0 when all holds, 1 with one line per breach."""

import collections
import glob
import os
import re
import subprocess
import sys

FLOORS = ["qh_base", "qh_conf", "qh_store", "qh_core",
          "qh_ui", "qh_print", "qh_audio", "qh_app", "qh_web",
          "kiosk_model", "counter_model", "display_model",
          "kiosk_core", "counter_core", "display_core", "qhall_cli"]
# What each library may call besides itself.
MAY = {
    "qh_base": set(),
    "qh_conf": {"qh_base"},
    "qh_store": {"qh_conf", "qh_base"},
    "qh_core": {"qh_store", "qh_conf", "qh_base"},
    "qh_ui": {"qh_base"},
    "qh_print": {"qh_ui", "qh_core", "qh_conf", "qh_base"},
    "qh_audio": {"qh_ui", "qh_core", "qh_conf", "qh_base"},
    "qh_app": {"qh_ui", "qh_core", "qh_conf", "qh_base"},
    "qh_web": {"qh_print", "qh_core", "qh_conf", "qh_base"},
}
MEDIA_UP = {"qh_core", "qh_conf", "qh_base"}
for m in ("kiosk_model", "counter_model", "display_model"):
    MAY[m] = set(MEDIA_UP)
for p in ("kiosk", "counter", "display"):
    MAY[p + "_core"] = {p + "_model", "qh_ui", "qh_print", "qh_audio", "qh_app"} | MEDIA_UP
MAY["qhall_cli"] = {"qh_web", "qh_print", "qh_ui"} | MEDIA_UP


def nm(obj):
    out = subprocess.run(["nm", "-P", obj], capture_output=True, text=True,
                         check=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        f = line.split()
        if len(f) < 2:
            continue
        if f[1] in "TDBRV":
            defined.add(f[0])
        elif f[1] == "U":
            undefined.add(f[0])
    return defined, undefined


def objects(build):
    """(library, module) -> object file, for the libraries above: the
    members of each archive (so a stale object of a file that moved is
    not read), and every object of the CLI."""
    found = {}
    for lib in FLOORS:
        members = None
        archives = glob.glob(os.path.join(build, "**", "lib" + lib + ".a"), recursive=True)
        if archives:
            members = set(subprocess.run(["ar", "t", archives[0]], capture_output=True,
                                         text=True, check=True).stdout.split())
        for o in glob.glob(os.path.join(build, "**", "CMakeFiles", lib + ".dir",
                                        "**", "*.c.o"), recursive=True):
            if members is None or os.path.basename(o) in members:
                found[(lib, os.path.basename(o)[:-4])] = o
    return found


def cycles(graph):
    """The strongly connected components with more than one node."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def main():
    build, src = sys.argv[1], sys.argv[2]
    bad = []

    objs = objects(build)
    for lib in ("qh_base", "qh_conf", "qh_store", "qh_core", "qhall_cli"):
        if not any(k[0] == lib for k in objs):
            bad.append(f"no objects of {lib} under {build}: is it built?")
    syms = {k: nm(o) for k, o in objs.items()}
    owner = {}
    for k, (defined, _) in syms.items():
        for s in defined:
            owner.setdefault(s, k)
    graph = collections.defaultdict(set)
    for k, (_, undefined) in syms.items():
        for s in undefined:
            o = owner.get(s)
            if not o or o == k:
                continue
            graph[k].add(o)
            if o[0] != k[0] and o[0] not in MAY[k[0]]:
                bad.append(f"{k[0]}/{k[1]}.c calls {s} of {o[0]}/{o[1]}.c: "
                           f"{k[0]} may not call {o[0]}")
    for comp in cycles(graph):
        bad.append("modules call each other in a circle: " +
                   " -> ".join(f"{l}/{m}.c" for l, m in comp))

    # Includes, from the sources.
    inc = re.compile(r'^\s*#\s*include\s*[<"]([^">]+)[">]', re.M)
    files = [f for f in glob.glob(os.path.join(src, "**", "*.[ch]"), recursive=True)
             if "/build" not in os.path.relpath(f, src).split(os.sep)[0]
             and not os.path.relpath(f, src).startswith(("build", "."))]
    public = {}
    for f in files:
        rel = os.path.relpath(f, src)
        if "/include/qh/" in rel:
            public["qh/" + os.path.basename(rel)] = rel
    hgraph = collections.defaultdict(set)
    for f in files:
        rel = os.path.relpath(f, src)
        text = open(f, encoding="utf-8", errors="replace").read()
        for h in inc.findall(text):
            store_ok = rel.startswith(("common/store/", "common/core/", "tests/"))
            if h in ("qh/store.h", "qh/watch.h", "store_internal.h") and not store_ok:
                bad.append(f"{rel} includes {h}: only core and the store's tests may")
            if h == "sqlite3.h" and not rel.startswith(("common/store/", "tests/")):
                bad.append(f"{rel} includes sqlite3.h: only the SQLite backend may")
            if h == "libpq-fe.h" and not rel.startswith(
                    ("common/store/store_pg", "common/store/watch_pg", "tests/")):
                bad.append(f"{rel} includes libpq-fe.h: only the PostgreSQL backend may")
            if not rel.endswith(".h"):
                continue
            local = os.path.normpath(os.path.join(os.path.dirname(rel), h))
            target = public.get(h) or (local if os.path.exists(os.path.join(src, local)) else None)
            if target and target != rel:
                hgraph[rel].add(target)
    for comp in cycles(hgraph):
        bad.append("headers include each other in a circle: " + " -> ".join(comp))

    for line in bad:
        print("layering:", line)
    if not bad:
        print(f"layering: {len(objs)} objects, {sum(len(v) for v in graph.values())} "
              f"calls between modules, all downwards, no circle")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
