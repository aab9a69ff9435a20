#!/usr/bin/env python3
"""The man pages as built (assets/man/, the ctest man_pages).

usage: man_pages.py MANDIR QHALL QHALL-KIOSK QHALL-COUNTER QHALL-DISPLAY

Each page in MANDIR (build/assets/man) must render with `man -l` and not
one warning of groff's (every warning on: -ww), and have NAME, SYNOPSIS
and DESCRIPTION.  Then --help of every program must match its page:
every option the program's usage lists (--[a-z-]+) is in its page in
bold, as an option is written there; and every command `qhall help`
lists (in Chinese and in English) is in bold in the COMMANDS section of
qhall(1).  hall.ini(5) has a section for every section the INI parser
takes and every key of it in bold there (read from the parser's tables
in common/conf/conf.c, $QHALL_SRC).  The direction is usage <= page: a page may document more (a
command another part of the tree adds), never less.

Both checks are first run on pages broken on purpose (a copy with an
undefined macro and a bad escape; a copy with one option taken out):
a check that cannot fail proves nothing, so if either passes a broken
page the test fails.

Pages not built (scdoc missing at configure time, QH_MAN=OFF) or no
`man` here: exit 77, a skip, never a pass.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

SKIP = 77
PAGES = {
    "qhall.1": "qhall",
    "qhall-kiosk.1": "qhall-kiosk",
    "qhall-counter.1": "qhall-counter",
    "qhall-display.1": "qhall-display",
    "hall.ini.5": None,
}
SECTIONS = ("NAME", "SYNOPSIS", "DESCRIPTION")

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


def env():
    e = dict(os.environ)
    # A locale every Debian has (man-db warns without one), no pager, and
    # nothing from the developer's environment.
    e.update(LC_ALL="C.UTF-8", LANG="C.UTF-8", MANPAGER="cat", PAGER="cat",
             MANWIDTH="80", SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    for k in ("QHALL_DB", "QHALL_LANG", "MANOPT", "MANROFFOPT", "MAN_KEEP_FORMATTING"):
        e.pop(k, None)
    return e


def warnings(page):
    """What man -l (groff with every warning on) says on stderr."""
    e = env()
    e["MANROFFOPT"] = "-ww"
    p = subprocess.run(["man", "--warnings=w", "-l", page], env=e,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = p.stderr.decode("utf-8", "replace").strip()
    if p.returncode != 0:
        out += "\n(man exited %d)" % p.returncode
    return out, p.stdout.decode("utf-8", "replace")


def roff_text(path):
    with open(path, encoding="utf-8") as f:
        return f.read().replace("\\&", "")


def bold(roff):
    """Every bold span of the roff, as scdoc writes them (\\fB...\\fR)."""
    return set(re.findall(r"\\fB(.*?)\\f[RP]", roff))


def section(roff, name):
    m = re.search(r"^\.SH \"?%s\"?\n(.*?)(?=^\.SH |\Z)" % re.escape(name), roff,
                  re.S | re.M)
    return m.group(1) if m else ""


def usage_of(argv):
    """The usage a program prints for --help (stdout and stderr)."""
    p = subprocess.run(argv, env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=60)
    if p.returncode != 0:
        fail("%s: exit %d" % (" ".join(argv), p.returncode))
    return (p.stdout + p.stderr).decode("utf-8", "replace")


def options_in(text):
    return sorted(set(re.findall(r"(?<![A-Za-z0-9-])--[a-z][a-z-]*", text)))


def commands_in(help_text):
    """The command names of `qhall help`: each synopsis line is two spaces
    and the name, one word or two ("staff add"); a second word in
    lower-case letters is part of the name, anything else is an argument."""
    names = set()
    for line in help_text.splitlines():
        m = re.match(r"^  ([a-z][a-z-]*)(?: ([a-z]+))?(?:\s|$)", line)
        if m:
            names.add(m.group(1) + (" " + m.group(2) if m.group(2) else ""))
    return sorted(names)


def missing_options(roff, opts):
    b = bold(roff)
    return [o for o in opts if o not in b]


def missing_commands(roff, cmds):
    b = bold(section(roff, "COMMANDS"))
    return [c for c in cmds if c not in b]


def ini_tables(conf_c):
    """The sections and keys the INI parser accepts, from its tables in
    common/conf/conf.c: each `static const struct key NAME_keys[]` lists
    one section's keys ({ "key", K_... }); NAME is the section, except
    queue and window, whose sections are [queue X] and [window N].  The
    sections without a key table ([quota]: its keys are item codes) come
    from the table of sections a file has once ({"quota", &x->w.quota, ...})."""
    with open(conf_c, encoding="utf-8") as f:
        src = f.read()
    tables = {}
    for m in re.finditer(r"static const struct key (\w+)_keys\[\] = \{(.*?)\n\};", src, re.S):
        name = {"queue": "queue X", "window": "window N"}.get(m.group(1), m.group(1))
        tables[name] = re.findall(r'\{\s*"([a-z_]+)",\s*K_', m.group(2))
    for name in re.findall(r'\{"([a-z]+)", &x->w\.\w+, SEC_', src):
        tables.setdefault(name, [])
    return tables


def missing_ini(roff, tables):
    miss = []
    for sec, keys in sorted(tables.items()):
        body = section(roff, "[%s]" % sec)
        if not body:
            miss.append("[%s]" % sec)
            continue
        b = bold(body)
        # "*weight_cases*, *weight_speed*": one term may name several keys
        words = set()
        for t in b:
            words.update(w.strip() for w in re.split(r"[ ,]+", t))
        miss += ["[%s] %s" % (sec, k) for k in keys if k not in words]
    return miss


def check_ini(roff):
    """hall.ini(5) has every section and key the parser accepts."""
    conf_c = os.path.join(os.environ.get("QHALL_SRC", ""), "common/conf/conf.c")
    if not os.path.exists(conf_c):
        fail("hall.ini.5: no %s to read the INI's keys from (QHALL_SRC)" % conf_c)
        return
    tables = ini_tables(conf_c)
    nkeys = sum(len(k) for k in tables.values())
    # The parser has had [hall] [queue X] [window N] [printer] [kiosk]
    # [display] [rating] [web] [quota]; finding fewer means the tables
    # were not read, and an empty check would pass anything.
    if len(tables) < 9 or nkeys < 40 or "hall" not in tables:
        fail("hall.ini.5: read only %d sections, %d keys from %s: %s" %
             (len(tables), nkeys, conf_c, sorted(tables)))
        return
    cut = re.sub(r"\\fBrecall_limit\\fR", "recall_limit", roff)
    if missing_ini(cut, {"hall": ["recall_limit", "name"]}) != ["[hall] recall_limit"]:
        fail("the INI check does not notice recall_limit taken out of hall.ini(5)")
    miss = missing_ini(roff, tables)
    if miss:
        fail("hall.ini.5: sections and keys of the INI parser not in the page: " +
             ", ".join(miss))
    else:
        print("ok: hall.ini.5 has the %d sections and %d keys of the INI parser"
              % (len(tables), nkeys))


def main():
    if len(sys.argv) != 6:
        print(__doc__.strip().splitlines()[2])
        return 2
    mandir = sys.argv[1]
    progs = dict(zip(("qhall", "qhall-kiosk", "qhall-counter", "qhall-display"),
                     sys.argv[2:]))
    built = [p for p in PAGES if os.path.exists(os.path.join(mandir, p))]
    if not built:
        print("skip: no man pages in %s (scdoc not found at configure time, "
              "or QH_MAN=OFF)" % mandir)
        return SKIP
    if not shutil.which("man"):
        print("skip: no man here (man-db, in .ci/deps)")
        return SKIP
    for p in PAGES:
        if p not in built:
            fail("%s: not built in %s" % (p, mandir))
    tmp = tempfile.mkdtemp(prefix="man_pages-")
    try:
        # The checks on pages broken on purpose: each must catch its fault.
        if "qhall.1" in built:
            broken = os.path.join(tmp, "broken.1")
            with open(os.path.join(mandir, "qhall.1"), encoding="utf-8") as f:
                text = f.read()
            with open(broken, "w", encoding="utf-8") as f:
                f.write(text + ".XY not a macro\n\\qbad escape\n")
            w, _ = warnings(broken)
            if "XY" not in w or "escape" not in w:
                fail("the warning check passes a broken page (man -l said: %r)" % w)
            else:
                print("ok: a broken page is caught: " + w.splitlines()[0])
            cut = text.replace("\\fB--json\\fR", "json")
            if missing_options(cut, ["--json", "--db"]) != ["--json"]:
                fail("the option check does not notice --json taken out of qhall(1)")
            else:
                print("ok: a page without --json is caught")
            cut = re.sub(r"\\fBstaff pin\\fR", "staff pin", text)
            if missing_commands(cut, ["staff pin", "staff add"]) != ["staff pin"]:
                fail("the command check does not notice staff pin taken out of qhall(1)")
            else:
                print("ok: a page without staff pin is caught")

        for page in built:
            path = os.path.join(mandir, page)
            w, shown = warnings(path)
            if w:
                fail("%s: man -l warns:\n%s" % (page, w))
            else:
                print("ok: %s renders without warnings" % page)
            lines = {l.strip() for l in shown.splitlines()}
            for s in SECTIONS:
                if s not in lines:
                    fail("%s: no %s section" % (page, s))
            roff = roff_text(path)
            prog = PAGES[page]
            if page == "hall.ini.5":
                check_ini(roff)
            if not prog:
                continue
            argv = [progs[prog], "--help"]
            usages = [usage_of(argv)]
            if prog == "qhall":
                usages += [usage_of([progs[prog], "help"]),
                           usage_of([progs[prog], "--lang", "en", "help"])]
            opts = options_in("\n".join(usages))
            if not opts:
                fail("%s --help lists no options" % prog)
            miss = missing_options(roff, opts)
            if miss:
                fail("%s: options of %s --help not in the page: %s" %
                     (page, prog, " ".join(miss)))
            else:
                print("ok: %s has the %d options of %s --help" % (page, len(opts), prog))
            if prog == "qhall":
                cmds = sorted(set(commands_in(usages[1]) + commands_in(usages[2])))
                if len(cmds) < 10:
                    fail("qhall help: only %d commands found: %s" % (len(cmds), cmds))
                miss = missing_commands(roff, cmds)
                if miss:
                    fail("qhall.1: commands of qhall help not in COMMANDS: %s" %
                         ", ".join(miss))
                else:
                    print("ok: qhall.1 has the %d commands of qhall help" % len(cmds))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
