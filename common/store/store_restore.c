/* store_restore.c: putting a backup back in place of a hall's SQLite file,
 * and telling who holds that file open.
 *
 * A restore must never leave a hall with no database, a damaged one, or
 * one its programs cannot read: the backup is copied beside the database
 * first, and that copy (never the backup itself, which stays as it was)
 * is checked (integrity_check, a hall's tables, a schema not newer than
 * ours) and migrated to our schema.  Only then is the database replaced,
 * by a rename (atomic: any reader sees the old file or the new one), and
 * the replaced file kept under a name of its own.
 *
 * Who holds the file: every SQLite connection to a database in WAL mode
 * (all of the hall's are) holds a shared POSIX lock on byte 128 of the
 * -shm file (the "DMS" lock of SQLite's unix VFS) for as long as it is
 * open, and the kernel names its process.  That sees every program on
 * this PC with the file open, whether or not it writes heartbeats (the
 * CLI's `events --follow`, `qhall serve`), and nothing that has exited:
 * a heartbeat a few seconds old would also stop a restore after a crash,
 * which is when one is needed.  A SQLite database is one PC's file, so
 * there is no holder on another machine to miss. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qh/clock.h"
#include "qh/path.h"
#include "qh/store.h"
#include "store_internal.h"

enum { SHM_DMS_BYTE = 128 };

int qh_sqlite_holder(const char *path, char *who, size_t n)
{
    char shm[4200];
    if (who && n)
        who[0] = '\0';
    if ((size_t)snprintf(shm, sizeof shm, "%s-shm", path) >= sizeof shm)
        return QH_E_USAGE;
    int fd = open(shm, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return errno == ENOENT ? 0 : QH_E_IO;
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET,
                       .l_start = SHM_DMS_BYTE, .l_len = 1};
    int rc = fcntl(fd, F_GETLK, &fl);
    close(fd);
    if (rc < 0)
        return QH_E_IO;
    if (fl.l_type == F_UNLCK)
        return 0;
    if (who && n) {
        char p[64], comm[64] = "";
        snprintf(p, sizeof p, "/proc/%d/comm", (int)fl.l_pid);
        FILE *f = fopen(p, "re");
        if (f) {
            if (fgets(comm, sizeof comm, f))
                comm[strcspn(comm, "\n")] = '\0';
            fclose(f);
        }
        snprintf(who, n, "%d%s%s%s", (int)fl.l_pid, *comm ? " (" : "", comm, *comm ? ")" : "");
    }
    return fl.l_pid > 0 ? (int)fl.l_pid : 1;
}

/* Copy the bytes of from into the open fd, then fsync it. */
static int copy_into(const char *from, int fd, char *err, size_t errlen)
{
    char buf[65536];
    int in = open(from, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return qh_err(err, errlen, QH_E_IO, "%s: %s", from, strerror(errno));
    int rc = 0;
    for (;;) {
        ssize_t got = read(in, buf, sizeof buf);
        if (got == 0)
            break;
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            rc = qh_err(err, errlen, QH_E_IO, "%s: %s", from, strerror(errno));
            break;
        }
        for (ssize_t off = 0; off < got;) {
            ssize_t put = write(fd, buf + off, (size_t)(got - off));
            if (put < 0 && errno == EINTR)
                continue;
            if (put < 0) {
                rc = qh_err(err, errlen, QH_E_IO, "write: %s", strerror(errno));
                goto out;
            }
            off += put;
        }
    }
    if (rc == 0 && fsync(fd) < 0)
        rc = qh_err(err, errlen, QH_E_IO, "fsync: %s", strerror(errno));
out:
    close(in);
    return rc;
}

/* The first column of sql's first row as text into out ("" if none): 0,
 * or the SQLite result code. */
static int text_of(sqlite3 *db, const char *sql, char *out, size_t n)
{
    sqlite3_stmt *st;
    out[0] = '\0';
    int src = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (src)
        return src;
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        const unsigned char *v = sqlite3_column_text(st, 0);
        snprintf(out, n, "%s", v ? (const char *)v : "");
        src = 0;
    } else if (src == SQLITE_DONE) {
        src = 0;
    }
    sqlite3_finalize(st);
    return src;
}

/* The copy at tmp is a sound hall database of a schema we can open:
 * 0, else the refusal (the backup named as the user gave it). */
static int check_copy(const char *tmp, const char *backup, enum qh_lang lang,
                      int *version, char *err, size_t errlen)
{
    sqlite3 *db = NULL;
    char found[512];
    int rc = 0;
    int src = sqlite3_open_v2(tmp, &db, SQLITE_OPEN_READWRITE, NULL);
    if (!src)
        src = text_of(db, "PRAGMA integrity_check", found, sizeof found);
    if (src || strcmp(found, "ok")) {
        rc = qh_err(err, errlen, QH_E_CORRUPT, "%s: %s%s",
                    backup, QH_TR(lang, "备份已损坏或不是数据库，未恢复：",
                                  "the backup is damaged or not a database; nothing restored: "),
                    src ? (db ? sqlite3_errmsg(db) : sqlite3_errstr(src)) : found);
        goto out;
    }
    if ((src = text_of(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'"
                           " AND name IN ('ticket', 'event', 'setting')", found, sizeof found)) ||
        strcmp(found, "3")) {
        rc = qh_err(err, errlen, QH_E_PARSE, "%s: %s", backup,
                    QH_TR(lang, "不是 qhall 的数据库，未恢复", "not a qhall database; nothing restored"));
        goto out;
    }
    text_of(db, "PRAGMA user_version", found, sizeof found);
    *version = atoi(found);
    if (*version > qh_sqlite_schema_latest())
        rc = qh_err(err, errlen, QH_E_STATE,
                    QH_TR(lang, "%s：备份的数据库结构为第 %d 版，比本程序（第 %d 版）新，未恢复："
                                "请用新版 qhall 恢复",
                          "%s: the backup's schema version %d is newer than this qhall (%d);"
                          " nothing restored: restore it with the newer qhall"),
                    backup, *version, qh_sqlite_schema_latest());
out:
    sqlite3_close(db);
    return rc;
}

/* A fresh name beside path: path.restore-XXXXXX, created 0600. */
static int temp_beside(const char *path, char *out, size_t n, char *err, size_t errlen)
{
    if ((size_t)snprintf(out, n, "%s.restore-XXXXXX", path) >= n)
        return qh_err(err, errlen, QH_E_USAGE, "database path too long");
    int fd = mkstemp(out);
    if (fd < 0)
        return qh_err(err, errlen, QH_E_IO, "%s: %s", out, strerror(errno));
    if (fchmod(fd, 0600) < 0) {
        int rc = qh_err(err, errlen, QH_E_IO, "%s: %s", out, strerror(errno));
        close(fd);
        unlink(out);
        return rc;
    }
    return fd;
}

static void unlink_companions(const char *path)
{
    static const char *const sfx[] = {"-wal", "-shm", "-journal"};
    char p[4200];
    for (size_t i = 0; i < sizeof sfx / sizeof *sfx; i++) {
        snprintf(p, sizeof p, "%s%s", path, sfx[i]);
        unlink(p);
    }
}

/* Fold the live database's -wal into it, so that the file kept is whole;
 * SQLite removes the -wal when the last connection closes. */
static void fold_wal(const char *path)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK)
        sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
    sqlite3_close(db);
}

static int fsync_dir(const char *path)
{
    char dir[4200];
    qh_path_dir(path, dir, sizeof dir);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

int qh_sqlite_restore(const char *path, const char *backup, int force, enum qh_lang lang,
                      char *kept, size_t keptlen, char *err, size_t errlen)
{
    char tmp[4200], who[128], keep[4200];
    struct stat st;
    int rc, version = 0;
    if (kept && keptlen)
        kept[0] = '\0';
    if (stat(backup, &st) < 0 || !S_ISREG(st.st_mode))
        return qh_err(err, errlen, QH_E_NOTFOUND, "%s: %s", backup,
                      QH_TR(lang, "没有这个备份文件", "no such backup file"));
    if (st.st_size == 0)
        return qh_err(err, errlen, QH_E_PARSE, "%s: %s", backup,
                      QH_TR(lang, "备份是空文件，未恢复", "the backup is empty; nothing restored"));
    if (!force && (rc = qh_sqlite_holder(path, who, sizeof who)) != 0)
        return rc < 0 ? qh_err(err, errlen, rc, "%s-shm: %s", path, strerror(errno))
                      : qh_err(err, errlen, QH_E_STATE,
                               QH_TR(lang,
                                     "%s 正被程序使用（进程 %s），未恢复：请先停止使用它的程序"
                                     "（systemctl stop 'qhall-*'），或加 --force",
                                     "%s is in use (process %s); nothing restored: stop the"
                                     " programs that use it first (systemctl stop 'qhall-*'),"
                                     " or give --force"),
                               path, who);
    if ((rc = qh_sqlite_check_perms(path, lang, err, errlen)) < 0)
        return rc;
    int fd = temp_beside(path, tmp, sizeof tmp, err, errlen);
    if (fd < 0)
        return fd;
    rc = copy_into(backup, fd, err, errlen);
    close(fd);
    if (rc < 0 || (rc = check_copy(tmp, backup, lang, &version, err, errlen)) < 0)
        goto fail;
    /* An older schema is brought to ours here, on the copy, so that the
     * programs started after the restore find it ready. */
    struct qh_store_be *be = NULL;
    if ((rc = qh_sqlite_open(&be, tmp, QH_STORE_EXISTING | (lang == QH_LANG_EN ? QH_STORE_EN : 0),
                             err, errlen)) < 0)
        goto fail;
    qh_sqlite_close(be);
    if ((fd = open(tmp, O_RDWR | O_CLOEXEC)) < 0 || fsync(fd) < 0) {
        rc = qh_err(err, errlen, QH_E_IO, "%s: %s", tmp, strerror(errno));
        if (fd >= 0)
            close(fd);
        goto fail;
    }
    close(fd);
    if (lstat(path, &st) == 0) {
        char stamp[16];
        qh_clock_stamp(qh_clock_now(), stamp);
        fold_wal(path);
        if ((size_t)snprintf(keep, sizeof keep, "%s.before-restore-%s", path, stamp) >=
            sizeof keep) {
            rc = qh_err(err, errlen, QH_E_USAGE, "database path too long");
            goto fail;
        }
        /* A second name for the file being replaced: it stays whole
         * whatever happens next. */
        if (link(path, keep) < 0) {
            rc = qh_err(err, errlen, errno == EEXIST ? QH_E_EXISTS : QH_E_IO, "%s: %s",
                        keep, strerror(errno));
            goto fail;
        }
        chmod(keep, 0600);
        if (kept && keptlen)
            snprintf(kept, keptlen, "%s", keep);
    }
    /* The old -wal and -shm belong to the file being replaced: a program
     * opening the new one must not replay them into it. */
    unlink_companions(path);
    if (rename(tmp, path) < 0) {
        rc = qh_err(err, errlen, QH_E_IO, "%s: %s", path, strerror(errno));
        goto fail;
    }
    fsync_dir(path);
    return version;
fail:
    unlink(tmp);
    unlink_companions(tmp);
    return rc;
}

int qh_sqlite_probe(const char *path, enum qh_lang lang, struct qh_db_probe *out,
                    char *err, size_t errlen)
{
    struct stat st;
    char v[32];
    sqlite3 *db = NULL;
    memset(out, 0, sizeof *out);
    out->latest = qh_sqlite_schema_latest();
    if (stat(path, &st) < 0 || st.st_size == 0)
        return qh_err(err, errlen, QH_E_NOTFOUND, "%s: %s", path,
                      st.st_size == 0 && errno != ENOENT
                          ? QH_TR(lang, "数据库是空文件，尚未初始化（请运行 qhall init）",
                                  "the database is an empty file, not set up yet (run qhall init)")
                          : QH_TR(lang, "没有这个数据库", "no such database"));
    int src = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
    if (!src && !(src = text_of(db, "PRAGMA user_version", v, sizeof v))) {
        out->version = atoi(v);
        src = text_of(db, "PRAGMA quick_check", out->found, sizeof out->found);
    }
    if (src)
        snprintf(out->found, sizeof out->found, "%s",
                 db ? sqlite3_errmsg(db) : sqlite3_errstr(src));
    out->integrity = !src && !strcmp(out->found, "ok");
    sqlite3_close(db);
    return 0;
}
