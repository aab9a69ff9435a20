/* maint.c: keeping a hall's database for years (qh/hall.h, maintenance):
 * backups that rotate, a restore, what `qhall doctor` asks of the
 * database before it opens it, and the purge of personal free text.  The files themselves are the store's
 * business; what is here is the policy: which names a rotation owns and
 * how many it keeps. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "op.h"
#include "qh/clock.h"
#include "qh/hall.h"
#include "qh/store.h"

enum { STAMP_LEN = 15 };                /* YYYYMMDD-HHMMSS */

/* 1 for a name a rotation made: qhall-YYYYMMDD-HHMMSS.db exactly, so
 * that nothing else an administrator keeps in the directory is ever
 * deleted. */
static int rotation_name(const char *name)
{
    static const char pre[] = "qhall-", post[] = ".db";
    size_t n = strlen(name), lp = sizeof pre - 1, ls = sizeof post - 1;
    if (n != lp + STAMP_LEN + ls || strncmp(name, pre, lp) || strcmp(name + n - ls, post))
        return 0;
    for (size_t i = 0; i < STAMP_LEN; i++) {
        char ch = name[lp + i];
        if (i == 8 ? ch != '-' : (ch < '0' || ch > '9'))
            return 0;
    }
    return 1;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* dir exists as a directory private to its owner (0700), made so if it
 * is ours. */
static int private_dir(const char *dir, enum qh_lang lang, char *err, size_t errlen)
{
    struct stat st;
    if (mkdir(dir, 0700) < 0 && errno != EEXIST)
        return qh_err(err, errlen, QH_E_IO, "%s: %s", dir, strerror(errno));
    if (stat(dir, &st) < 0)
        return qh_err(err, errlen, QH_E_IO, "%s: %s", dir, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return qh_err(err, errlen, QH_E_USAGE, "%s: %s", dir,
                      QH_TR(lang, "不是目录", "not a directory"));
    if ((st.st_mode & 077) && st.st_uid == geteuid() && chmod(dir, 0700) < 0)
        return qh_err(err, errlen, QH_E_IO, "%s: %s", dir, strerror(errno));
    return 0;
}

int qh_hall_backup_rotate(struct qh_store *s, const char *dir, int keep,
                          char *path, size_t pathlen, int *removed,
                          char *err, size_t errlen)
{
    enum qh_lang lang = qh_hall_lang(s);
    char stamp[16];
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc;
    *removed = 0;
    if (path && pathlen)
        path[0] = '\0';
    if (keep < 1)
        return qh_err(err, errlen, QH_E_USAGE, "--keep: %s",
                      QH_TR(lang, "至少保留 1 份", "keep at least 1"));
    if ((rc = private_dir(dir, lang, err, errlen)) < 0)
        return rc;
    qh_clock_stamp(qh_hall_now(s), stamp);
    if ((size_t)snprintf(path, pathlen, "%s/qhall-%s.db", dir, stamp) >= pathlen)
        return qh_err(err, errlen, QH_E_USAGE, "%s: %s", dir,
                      QH_TR(lang, "路径太长", "path too long"));
    if ((rc = qh_store_backup(s, path, err, errlen)) < 0)
        return rc;
    /* The new file is written: whatever fails from here leaves it. */
    DIR *d = opendir(dir);
    if (!d)
        return qh_err(err, errlen, QH_E_IO, "%s: %s", dir, strerror(errno));
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!rotation_name(e->d_name))
            continue;
        if (n == cap) {
            size_t nc = cap ? 2 * cap : 64;
            char **more = realloc(names, nc * sizeof *names);
            if (!more) {
                rc = qh_err(err, errlen, QH_E_NOMEM, "out of memory");
                goto out;
            }
            names = more;
            cap = nc;
        }
        if (!(names[n] = strdup(e->d_name))) {
            rc = qh_err(err, errlen, QH_E_NOMEM, "out of memory");
            goto out;
        }
        n++;
    }
    qsort(names, n, sizeof *names, by_name);
    /* By name is by time; the file just written stays even when the
     * clock was set back below older names. */
    const char *mine = strrchr(path, '/') + 1;
    for (size_t i = 0, left = n; left > (size_t)keep && i < n; i++) {
        char old[4096];
        if (!strcmp(names[i], mine))
            continue;
        left--;
        snprintf(old, sizeof old, "%s/%s", dir, names[i]);
        if (unlink(old) < 0 && errno != ENOENT) {
            rc = qh_err(err, errlen, QH_E_IO, "%s: %s", old, strerror(errno));
            goto out;
        }
        (*removed)++;
    }
out:
    closedir(d);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

/* The restored hall's log says it was restored, from what and where the
 * file it replaced went: the history before that event is the backup's,
 * and a dispute about the hours in between is settled from the kept
 * file. */
int qh_hall_restore(const char *db, const char *backup, int force, enum qh_lang lang,
                    char *kept, size_t keptlen, char *err, size_t errlen)
{
    struct qh_store *s = NULL;
    struct op ob, *o = &ob;
    int version = qh_store_restore(db, backup, force, lang, kept, keptlen, err, errlen);
    if (version < 0)
        return version;
    int rc = qh_store_open(&s, db, QH_STORE_EXISTING | (lang == QH_LANG_EN ? QH_STORE_EN : 0),
                           err, errlen);
    if (rc < 0 || !qh_store_has_hall(s))
        goto out;
    qh_store_set_actor(s, "cli");
    if ((rc = qh_op_begin(o, s, err, errlen)) < 0)
        goto out;
    struct qh_buf b;
    qh_op_detail(o, &b);
    qh_json_str(&b, "from", backup);
    qh_json_str(&b, "kept", kept && *kept ? kept : NULL);
    qh_json_int(&b, "backup_schema", version);
    rc = qh_op_event(o, "restored", NULL, 0, "", &b, err, errlen);
    rc = qh_op_end(o, rc, err, errlen);
out:
    qh_store_close(s);
    return rc < 0 ? rc : version;
}

int qh_hall_holder(const char *db, char *who, size_t n)
{
    return qh_store_holder(db, who, n);
}

int qh_hall_probe(const char *db, enum qh_lang lang, struct qh_db_probe *out,
                  char *err, size_t errlen)
{
    return qh_store_probe(db, lang, out, err, errlen);
}

int qh_hall_purge(struct qh_store *s, int days, char before_day[11],
                  struct qh_purge_counts *out, char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    int64_t before;
    memset(out, 0, sizeof *out);
    int rc = qh_op_begin(o, s, err, errlen);
    if (rc < 0)
        return rc;
    if (days <= 0)
        days = o->hall->privacy.keep_days;
    /* Whole service days: everything before the midnight that starts the
     * oldest day kept, in the hall's time zone. */
    qh_clock_day_str(qh_clock_day_num(o->day) - days, before_day);
    if ((rc = qh_clock_day_start(o->hall->timezone, before_day, &before)) < 0) {
        rc = qh_err(err, errlen, QH_E_STATE, "%s: %s", before_day, "day");
        goto out;
    }
    if ((rc = qh_store_purge(s, before, out, err, errlen)) < 0)
        goto out;
    struct qh_buf b;
    qh_op_detail(o, &b);
    qh_json_str(&b, "before", before_day);
    qh_json_int(&b, "days", days);
    qh_json_int(&b, "appointments", out->appointments);
    qh_json_int(&b, "ratings", out->ratings);
    qh_json_int(&b, "followups", out->followups);
    qh_json_int(&b, "events", out->events);
    rc = qh_op_event(o, "purged", NULL, 0, "", &b, err, errlen);
out:
    return qh_op_end(o, rc, err, errlen);
}
