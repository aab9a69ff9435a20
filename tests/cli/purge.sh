#!/usr/bin/env bash
# purge.sh: `qhall purge [--days N]` erases the personal free text older
# than [privacy] keep_days (default 365): appointment names, rating
# reasons, finish and transfer notes, follow-up reasons, in the tables
# and in the event log, in one operation with its `purged` event; what is
# newer stays, and the report and the scorecard of the purged days are
# the same before and after.  [privacy] keep_days is read from the hall
# INI with file:line errors.
source "$(dirname "$0")/testlib.bash"

setup_db
printf '246813\n' | q staff add adm --name 管理员 --role admin >/dev/null
printf '1234\n' | q staff add w01 --name 王芳 >/dev/null

# a_day DAY TAG: a short day with every kind of free text, each carrying TAG.
a_day() {
    local day=$1 tag=$2 n
    NOW=${day}T08:30:00+08:00
    run appointment add --service T-A1 --at "${day}T10:00" --name "预约人$tag"
    expect_rc 0 "appointment on $day"
    NOW=${day}T09:00:00+08:00
    printf '1234\n' | q login --window 1 --staff w01 >/dev/null
    n=$(q issue --queue A)
    q issue --queue A >/dev/null
    q call --window 1 >/dev/null
    q start --window 1 >/dev/null
    NOW=${day}T09:10:00+08:00
    run finish --window 1 --outcome failed --note "缺户口簿$tag"
    expect_rc 0 "finish with a note on $day"
    rate_entry "$n" 1 --reason "态度差$tag"
    expect_rc 0 "a rating with a reason on $day"
    q call --window 1 >/dev/null
    run transfer --window 1 --to-queue B --note "转综合$tag"
    expect_rc 0 "transfer with a note on $day"
    q logout --window 1 >/dev/null
}
# texts TAG: how many rows still hold a text with TAG, table by table.
texts() {
    echo "$(db_sql "SELECT count(*) FROM appointment WHERE name LIKE '%$1%'")" \
         "$(db_sql "SELECT count(*) FROM rating WHERE reason LIKE '%$1%'")" \
         "$(db_sql "SELECT count(*) FROM followup WHERE reason LIKE '%$1%'")" \
         "$(db_sql "SELECT count(*) FROM event WHERE detail LIKE '%$1%'")"
}

a_day 2025-06-02 旧
a_day 2026-11-24 新
old=$(texts 旧)
expect_eq "$old" "1 1 2 3" "the old day holds its texts (names, reasons, follow-ups, events)"
expect_eq "$(texts 新)" "$old" "so does the recent one"
events_before=$(db_sql "SELECT count(*) FROM event")

NOW=2026-11-25T08:00:00+08:00
run --json report --day 2025-06-02
report_before=$OUT
pycheck "the old day has its figures" 'd["arrived"] == 2 and d["failed"] == 1 and d["rated"] == 1'
run --json scorecard --month 2025-06
score_before=$OUT
run report --day 2025-06-02
report_text_before=$OUT

run --json purge
expect_rc 0 "purge"
pycheck "it says the first day kept and what it erased" \
    'd["before"] == "2025-11-25" and d["appointments"] == 1 and d["ratings"] == 1
     and d["followups"] == 2 and d["events"] == 3'
expect_eq "$(texts 旧)" "0 0 0 0" "the old texts are gone everywhere"
expect_eq "$(texts 新)" "$old" "the recent ones stay"
expect_eq "$(db_sql "SELECT count(*) FROM event")" "$((events_before + 1))" \
    "no event is removed; one purged event is added"
expect_eq "$(db_sql "SELECT count(*) FROM event WHERE type = 'purged' AND detail LIKE '%\"events\":3%'")" 1 \
    "the purged event carries the counts"
expect_eq "$(db_sql "SELECT count(*) FROM appointment")" 2 "appointments stay, without names"

run --json report --day 2025-06-02
expect_eq "$OUT" "$report_before" "the day's report is the same"
run --json scorecard --month 2025-06
expect_eq "$OUT" "$score_before" "the month's scorecard is the same"
run report --day 2025-06-02
expect_eq "$OUT" "$report_text_before" "the report in words is the same"
run check
expect_rc 0 "check passes after the purge"
# The log is still append-only for everyone else.
case $STORE in
sqlite) RC=0; sqlite3 "$DB" "UPDATE event SET detail = '{}' WHERE id = 1" 2>"$T/e" || RC=$? ;;
pg) RC=0; psql_on "$DB" "UPDATE event SET detail = '{}' WHERE id = 1" 2>"$T/e" || RC=$? ;;
esac
[ "$RC" != 0 ] && grep -q append-only "$T/e" && pass || bad "the event log is writable after a purge"

run --json purge
pycheck "a second purge finds nothing more" \
    'd["appointments"] == 0 and d["ratings"] == 0 and d["followups"] == 0 and d["events"] == 0'
run --lang en purge --days 1
expect_rc 0 "purge --days 1"
expect_in "$OUT" "erased the personal data before 2026-11-24" "in English, with the day"
expect_eq "$(texts 新)" "$old" "--days 1 keeps yesterday"
run purge --days 0
expect_rc 2 "--days 0 is bad usage"

# ---- [privacy] keep_days in the hall INI ----
sed 's/^keep_days = 365$/keep_days = 0/' "$QHALL_SRC/assets/hall.ini" >"$T/bad.ini"
line=$(grep -n '^keep_days' "$T/bad.ini" | cut -d: -f1)
DB2=$(new_db bad)
RC=0; OUT=$(QHALL_NOW=$NOW "$QHALL_BIN" --db "$DB2" init --config "$T/bad.ini" 2>"$T/stderr") || RC=$?
expect_rc 2 "keep_days = 0 is refused"
expect_in "$(cat "$T/stderr")" "$T/bad.ini:$line:" "with file and line"
expect_in "$(cat "$T/stderr")" "keep_days" "naming the key"
sed 's/^keep_days = 365$/keep_days = 1/' "$QHALL_SRC/assets/hall.ini" >"$T/one.ini"
run init --config "$T/one.ini" --force
expect_rc 0 "a hall that keeps one day"
run --json purge
pycheck "the hall's keep_days is the default of purge" 'd["before"] == "2026-11-24"'
finish
