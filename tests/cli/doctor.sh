#!/usr/bin/env bash
# doctor.sh: `qhall doctor` on a healthy hall (exit 0, every check there,
# the printer ready on a private cupsd), then what it finds wrong: a
# database others can read (警告 with the chmod to run, the file left as
# it was), one others can write, a printer the hall names that is not
# there, a damaged file, a missing one, an older and a newer schema (错误
# and exit 1 for each error).  On PostgreSQL: the server's clock against
# this PC's, and no file checks.
source "$(dirname "$0")/testlib.bash"

ALL='{"font","audio","database","permissions","integrity","schema","printer","disk","clock"}'
[ "$STORE" = pg ] && ALL='{"font","audio","database","integrity","schema","printer","clock"}'
level_of() { jget "[x['level'] for x in d['checks'] if x['check'] == '$1'][0]"; }

setup_db
if [ -x /usr/sbin/cupsd ]; then
    C=$(mktemp -d /tmp/qhcli-XXXXXX)
    at_exit 'bash "$QHALL_SRC/tests/cups/stop.sh" "$C"; rm -rf "$C"'
    bash "$QHALL_SRC/tests/cups/start.sh" "$C" >/dev/null
    export CUPS_SERVER=$C/cups.sock
else
    skipped "no /usr/sbin/cupsd (Debian package cups): the printer is only looked for"
    export CUPS_SERVER=$T/no-cups.sock
fi

# ---- healthy ----
run --json doctor
expect_rc 0 "doctor on a healthy hall"
pycheck "every check is there, in order" "set(x['check'] for x in d['checks']) == $ALL"
pycheck "no errors" 'd["healthy"] is True and d["errors"] == 0'
pycheck "each finding has its level and words" \
    'all(x["level"] in ("ok", "warn", "error") and x["what"] and x["finding"] for x in d["checks"])'
pycheck "ok findings have nothing to do, the others say what" \
    'all((x["todo"] is None) == (x["level"] == "ok") for x in d["checks"])'
expect_eq "$(level_of font)" ok "the Chinese font is found"
pycheck "it names the font file" \
    "[x for x in d['checks'] if x['check'] == 'font'][0]['finding'].split(' ')[0].endswith(('.ttc', '.ttf', '.otf'))"
expect_eq "$(level_of schema)" ok "the schema is current"
expect_eq "$(level_of integrity)" ok "the database is sound"
[ -n "${C:-}" ] && expect_eq "$(level_of printer)" ok "the default printer (slips) is ready"
run doctor
expect_rc 0 "doctor in words"
expect_in "$OUT" "正常  中文字体: " "a Chinese line per check"
expect_in "$OUT" "正常  结构版本: " "the schema line"
expect_in "$OUT" "时钟: " "the clock line"
expect_in "$OUT" "时钟由 QHALL_NOW 固定" "a fixed clock is said"
run --lang en doctor
expect_in "$OUT" "ok  schema: " "English with --lang en"

if [ "$STORE" = pg ]; then
    # The server's clock: without QHALL_NOW, against this PC's.
    raw --db "$DB" --json doctor
    expect_rc 0 "doctor on a server"
    pycheck "the server's clock is compared" \
        "[x for x in d['checks'] if x['check'] == 'clock'][0]['finding'].startswith('服务器时钟与本机相差')"
    expect_eq "$(level_of clock)" ok "the private server's clock agrees with this PC's"
    # The nightly rotation on a server writes SQLite files, as backup FILE does.
    run issue --queue A
    run --json backup --rotate "$T/bk" --keep 2
    expect_rc 0 "backup --rotate on a server"
    f=$(jget 'd["backup"]')
    expect_eq "$(sqlite3 "$f" 'SELECT count(*) FROM ticket')" 1 "the rotation's file is the hall as a SQLite file"
    expect_eq "$(stat -c %a "$f") $(stat -c %a "$T/bk")" "600 700" "0600 in 0700"
    finish
    exit 0
fi

# ---- the file's permissions ----
chmod 0644 "$DB"
run doctor
expect_rc 0 "a world-readable database is a warning"
expect_in "$OUT" "警告  文件权限: $DB 为 0644" "it says the mode"
expect_in "$OUT" "— chmod 600 $DB" "and the chmod to run"
expect_eq "$(stat -c %a "$DB")" 644 "doctor changes nothing"
chmod 0646 "$DB"
run --json doctor
expect_rc 1 "a world-writable database is an error"
expect_eq "$(level_of permissions)" error "permissions error"
chmod 0600 "$DB"

# ---- a printer the hall names that is not there ----
sed 's/^name =$/name = nosuch/' "$QHALL_SRC/assets/hall.ini" >"$T/hall.ini"
MISS=$(new_db missing-printer)
DB0=$DB; DB=$MISS
run init --config "$T/hall.ini"
expect_rc 0 "a hall that names printer nosuch"
run doctor
expect_rc 1 "a missing printer the hall names is an error"
expect_in "$OUT" "错误  打印机: nosuch" "the printer line names it"
DB=$DB0
CUPS_SERVER=$T/no-cups.sock run --json doctor
pycheck "no CUPS and no printer named: a warning only" \
    "[x for x in d['checks'] if x['check'] == 'printer'][0]['level'] == 'warn'"

# ---- a damaged file ----
cp "$DB" "$T/damaged.db"
pages=$(($(stat -c %s "$T/damaged.db") / 4096))
dd if=/dev/urandom of="$T/damaged.db" bs=4096 seek=2 count=$((pages - 3)) conv=notrunc 2>/dev/null
RC=0; OUT=$(QHALL_NOW=$NOW "$QHALL_BIN" --db "$T/damaged.db" --json doctor 2>"$T/stderr") || RC=$?
expect_rc 1 "a damaged database: exit 1"
expect_eq "$(level_of integrity)" error "integrity error"
pycheck "it says to restore" "'qhall restore' in [x for x in d['checks'] if x['check'] == 'integrity'][0]['todo']"

# ---- missing, older, newer ----
RC=0; OUT=$(QHALL_NOW=$NOW "$QHALL_BIN" --db "$T/none.db" doctor 2>"$T/stderr") || RC=$?
expect_rc 1 "no database: exit 1"
expect_in "$OUT" "错误  数据库: " "the database line says so"
[ ! -e "$T/none.db" ] && pass || bad "doctor created a database"
cp "$QHALL_SRC/tests/upgrade/fixtures/sqlite-3.db" "$T/old.db"
RC=0; OUT=$(QHALL_NOW=$NOW "$QHALL_BIN" --db "$T/old.db" doctor 2>"$T/stderr") || RC=$?
expect_in "$OUT" "警告  结构版本: 第 3 版，本程序为第" "an older schema is a warning"
expect_in "$OUT" "qhall status" "with how to upgrade"
expect_eq "$(sqlite3 "$T/old.db" 'PRAGMA user_version')" 3 "doctor did not upgrade it"
cp "$DB" "$T/new.db"
sqlite3 "$T/new.db" "PRAGMA user_version = 99"
RC=0; OUT=$(QHALL_NOW=$NOW "$QHALL_BIN" --db "$T/new.db" doctor 2>"$T/stderr") || RC=$?
expect_rc 1 "a newer schema: exit 1"
expect_in "$OUT" "错误  结构版本: 第 99 版" "a newer schema is an error"
finish
