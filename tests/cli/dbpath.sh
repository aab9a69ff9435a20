#!/usr/bin/env bash
# dbpath.sh: where the database is, and its first use.  --db wins over
# $QHALL_DB, which wins over $XDG_STATE_HOME/qhall/qhall.db (default
# ~/.local/state); a database without a hall gets the default hall and the
# sample catalogue on first use, by any command but init.
source "$(dirname "$0")/testlib.bash"

export QHALL_NOW=$NOW

# ~/.local/state by default, made on first use with the sample catalogue
raw issue --service XK001
expect_rc 0 "issue on a brand-new default database"
expect_out A001 "the sample catalogue's XK001 is in queue A"
[ -f "$HOME/.local/state/qhall/qhall.db" ] && pass || bad "no database under ~/.local/state/qhall"
raw --json status
pycheck "the default hall" \
    'd["hall"] == "L镇政务服务中心" and [w["number"] for w in d["windows"]] == [1, 2, 3, 4, 5]
     and d["queues"][0]["waiting"] == 1'
raw --json events
pycheck "first use initialised the hall and imported the catalogue once" \
    '[e["type"] for e in L][:1] == ["hall_init"] and len([e for e in L if e["type"] == "hall_init"]) == 1
     and any(e.get("count") == 393 for e in L)'

# $XDG_STATE_HOME
XDG_STATE_HOME=$T/xdg raw issue --queue B
expect_out B001 "a fresh database under XDG_STATE_HOME"
[ -f "$T/xdg/qhall/qhall.db" ] && pass || bad "no database under \$XDG_STATE_HOME/qhall"

# $QHALL_DB over XDG, --db over $QHALL_DB
XDG_STATE_HOME=$T/xdg QHALL_DB=$T/env.db raw issue --queue B
expect_out B001 "QHALL_DB names its own database"
QHALL_DB=$T/env.db raw --db "$T/opt.db" issue --queue B
expect_out B001 "--db names its own database"
QHALL_DB=$T/env.db raw issue --queue B
expect_out B002 "QHALL_DB is used again"
[ -f "$T/opt.db" ] && pass || bad "--db did not create its file"

# --db after the command works as well
raw status --db "$T/opt.db" --json
pycheck "--db after the command" 'd["queues"][1]["waiting"] == 1'

# English everywhere with --lang en or QHALL_LANG=en
QHALL_LANG=en raw --db "$T/opt.db" status
expect_in "$OUT" "Public services" "QHALL_LANG=en gives English names"
raw --db "$T/opt.db" --lang zh status
expect_in "$OUT" "公共服务" "--lang zh before the command"
# --lang given twice is refused, not decided by its order (exit 2)
raw --db "$T/opt.db" --lang en status --lang zh
expect_rc 2 "--lang given twice exits 2"
expect_in "$ERR" "--lang" "the refusal names --lang"

finish
