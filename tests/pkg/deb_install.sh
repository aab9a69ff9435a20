#!/usr/bin/env bash
# deb_install.sh [DIR]: install the built package (DIR/qhall_*.deb, default
# /src/extra) on this machine and check it as the README says: the user
# qhall, /var/lib/qhall (0750), /etc/qhall/hall.ini a conffile; the
# programs' --version, `qhall init` and a short day as the user qhall on
# /var/lib/qhall/qhall.db, the display's screenshot; then an edit of
# /etc/qhall/hall.ini that survives installing the package again.
#
# It changes the machine (packages, a user): it runs as root on a new
# root made for it, with CI=true, as `make deb-test` does:
#   FRESH_COPY=DIR ../shared/fresh-machine 'bash tests/pkg/deb_install.sh'
#
# deb_install.sh --contents DIR: only what needs no installing (the ctest
# deb_contents): the control fields and scripts, the files, and the
# programs of the package unpacked (dpkg-deb -x) into a temporary
# directory, run from there.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mode=install
if [ "${1:-}" = --contents ]; then
    mode=contents
    shift
fi
dir=${1:-/src/extra}
if [ "$mode" = install ] && { [ "$(id -u)" -ne 0 ] || [ "${CI:-}" != true ]; }; then
    echo "deb_install.sh: installs the package and adds a user: only as root on a machine made" \
         "for it (CI=true, e.g. ../shared/fresh-machine); --contents DIR checks without" >&2
    exit 2
fi
# shellcheck source=pkglib.bash
. "$here/pkglib.bash"

debs=("$dir"/qhall_*.deb)
[ -f "${debs[0]}" ] || { bad "no qhall_*.deb in $dir"; pkg_finish; }
expect_eq "${#debs[@]}" 1 "packages in $dir"
DEB=$(cd "$(dirname "${debs[0]}")" && pwd)/$(basename "${debs[0]}")

# ---- the package as a file ----
expect_eq "$(dpkg-deb -f "$DEB" Package)" qhall "Package"
version=$(dpkg-deb -f "$DEB" Version)
# The release the programs must print: the package's version, which is
# the project's (QHALL_RELEASE when the build says what it is).
if [ -n "${QHALL_RELEASE:-}" ]; then expect_eq "$version" "$QHALL_RELEASE" "Version"; fi
QHALL_RELEASE=$version
depends=$(dpkg-deb -f "$DEB" Depends)
# From dpkg-shlibdeps, and the data the programs open at run time.
for d in adduser fonts-noto-cjk espeak-ng-data libc6 libsqlite3-0 libpq5 libsdl2-2.0-0 \
         libsdl2-ttf-2.0-0 libfontconfig1 libespeak-ng1 libcups2; do
    case ", $depends," in
    *", $d"[\ ,]*) pass ;;
    *) bad "Depends lacks $d: $depends" ;;
    esac
done
expect_eq "$(dpkg-deb -I "$DEB" conffiles)" /etc/qhall/hall.ini "conffiles"
expect_in "$(dpkg-deb -I "$DEB" postinst)" "adduser --quiet --system --group --home /var/lib/qhall" \
    "postinst makes the user"
expect_in "$(dpkg-deb -I "$DEB" postinst)" "chmod 0750 /var/lib/qhall" "postinst: the data directory"
files=$(dpkg-deb -c "$DEB" | awk '{print $6}')
for f in ./usr/bin/qhall ./usr/bin/qhall-kiosk ./usr/bin/qhall-counter ./usr/bin/qhall-display \
         ./usr/share/qhall/chime.wav ./etc/qhall/hall.ini; do
    expect_in "$files" "$f" "the package's files"
done
case $files in
*./usr/local/*|*./build*|*/src/*) bad "the package holds files outside /usr, /etc and /lib: $files" ;;
*) pass ;;
esac

if [ "$mode" = contents ]; then
    dpkg-deb -x "$DEB" "$T/root"
    check_layout "$T/root" /usr /etc/qhall
    check_programs "$T/root/usr/bin" "$T/root/usr/share/qhall" "$T/hall.db"
    pkg_finish
    exit 1                      # not reached: pkg_finish exits
fi

# ---- installed ----
export DEBIAN_FRONTEND=noninteractive
run apt-get install -y -q "$DEB"
expect_rc 0 "apt-get install $DEB"
expect_eq "$(dpkg-query -W -f='${Status} ${Version}' qhall)" "install ok installed $version" \
    "the package is installed"
IFS=: read -r _ _ uid gid _ home shell < <(getent passwd qhall) || true
if [ -n "${uid:-}" ] && [ "$uid" -lt 1000 ]; then pass; else bad "no system user qhall (uid ${uid:-none})"; fi
expect_eq "$(getent group qhall | cut -d: -f3)" "${gid:-}" "the group qhall is the user's"
expect_eq "${home:-}" /var/lib/qhall "qhall's home"
expect_eq "${shell:-}" /usr/sbin/nologin "qhall's shell"
expect_eq "$(stat -c '%a %U %G' /var/lib/qhall)" "750 qhall qhall" "/var/lib/qhall"
expect_in "$(dpkg-query -W -f='${Conffiles}' qhall)" "/etc/qhall/hall.ini" "the conffile is known to dpkg"
check_layout "" /usr /etc/qhall

# The screenshot goes where the user qhall may write.
chown qhall:qhall "$T"
DB=/var/lib/qhall/qhall.db
check_programs /usr/bin /usr/share/qhall "$DB" runuser -u qhall --
expect_eq "$(stat -c '%U' "$DB")" qhall "the database belongs to qhall"

# An edited hall.ini survives installing the package again (dpkg keeps a
# changed conffile; the package's copy did not change, so it asks nothing).
echo "; edited by the hall $$" >>/etc/qhall/hall.ini
run dpkg -i "$DEB"
expect_rc 0 "dpkg -i again"
expect_in "$(tail -n 1 /etc/qhall/hall.ini)" "; edited by the hall $$" "the edited hall.ini is kept"
expect_eq "$(stat -c '%a %U %G' /var/lib/qhall)" "750 qhall qhall" "/var/lib/qhall after reinstalling"
cd /
run runuser -u qhall -- qhall --db "$DB" check
expect_rc 0 "the database after reinstalling"

# The units, where systemd looks for them, naming the installed programs.
for u in qhall-display.service qhall-kiosk.service qhall-counter@.service qhall-pad@.service \
         qhall-serve.service qhall-backup.service qhall-backup.timer; do
    expect_file "/lib/systemd/system/$u"
done
expect_in "$(cat /lib/systemd/system/qhall-backup.service)" "/usr/bin/qhall backup --rotate" \
    "the nightly backup runs the installed qhall"
[ -f /usr/share/man/man1/qhall.1.gz ] && pass || bad "no man page qhall(1)"

# Upgrades: a database of every released schema, opened by the installed
# programs, migrated and checked, its tickets and events all kept (the
# opening may add events of its own: a new day expires the old one's).
run apt-get install -y -q sqlite3
expect_rc 0 "sqlite3, to read the databases from outside"
for f in "$here"/../upgrade/fixtures/sqlite-*.db; do
    v=$(basename "$f" .db)
    up=/var/lib/qhall/$v.db
    install -m 0600 -o qhall -g qhall "$f" "$up"
    last=$(sqlite3 "$up" "SELECT max(id) FROM event")
    before=$(sqlite3 "$up" "SELECT count(*) FROM ticket; SELECT count(*) FROM event" | tr '\n' ' ')
    run runuser -u qhall -- qhall --db "$up" status
    expect_rc 0 "$v: opened (and migrated) by the installed qhall"
    run runuser -u qhall -- qhall --db "$up" check
    expect_rc 0 "$v: check after the upgrade"
    after=$(sqlite3 "$up" "SELECT count(*) FROM ticket; SELECT count(*) FROM event WHERE id <= $last" |
            tr '\n' ' ')
    expect_eq "$after" "$before" "$v: every ticket and event kept"
    rm -f "$up" "$up-wal" "$up-shm"
done

# Back up as the nightly job does, then restore: the hall comes back.
run runuser -u qhall -- qhall --db "$DB" backup --rotate /var/lib/qhall/backup --keep 30
expect_rc 0 "backup --rotate"
bk=$(ls /var/lib/qhall/backup/qhall-*.db 2>/dev/null | tail -n 1)
expect_eq "$(stat -c '%a %U' "${bk:-/none}" 2>/dev/null)" "600 qhall" "the backup: 0600, qhall's"
tickets=$(sqlite3 "$DB" "SELECT count(*) FROM ticket")
run runuser -u qhall -- qhall --db "$DB" issue --queue A
expect_rc 0 "a number after the backup"
run runuser -u qhall -- qhall --db "$DB" restore "$bk"
expect_rc 0 "restore the backup"
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM ticket")" "$tickets" "the hall as it was backed up"
run runuser -u qhall -- qhall --db "$DB" check
expect_rc 0 "check after the restore"

# doctor on the installed hall: no 错误 (no printer or sound here: 警告).
run runuser -u qhall -- env QHALL_DB="$DB" qhall doctor
expect_rc 0 "qhall doctor: no error"
expect_in "$OUT" "正常" "qhall doctor says what is fine"
cd - >/dev/null
pkg_finish
