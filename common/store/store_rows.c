/* store_rows.c: a hall's rows in and out of a SQLite file, for
 * qh_store_copy (store_api.c): a hall moved to a server, or a server's hall
 * backed up into a file.
 *
 * Rows come in as the hall's tables hold them everywhere; what this
 * backend keeps for its own speed is rebuilt from them at the end
 * (qh_sqlite_rows_end): every copied ticket that waits is in lane 1, the
 * general one, so day_seq's correction is the waiting count less the
 * numbers each queue gave, and each ticket links its issued event.  The
 * file is new (qh_store_copy copies only into a blank store), so day_seq
 * starts empty.  The
 * table and column names come from store_api.c's fixed list, never from
 * input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store_internal.h"

struct rows_stmt {
    sqlite3_stmt *put;
    char table[32];
};

static void rows_fini(void *p)
{
    struct rows_stmt *r = p;
    if (!r)
        return;
    sqlite3_finalize(r->put);
    free(r);
}

static int fail(struct qh_store_be *s, const char *what, char *err,
                size_t errlen)
{
    sqlite3 *db = qh_sqlite_db(s);
    int src = sqlite3_extended_errcode(db);
    int rc = (src & 0xff) == SQLITE_BUSY ? QH_E_BUSY
             : (src & 0xff) == SQLITE_CORRUPT ? QH_E_CORRUPT
             : (src & 0xff) == SQLITE_FULL || (src & 0xff) == SQLITE_IOERR ? QH_E_IO
                                                                         : QH_E_DB;
    return qh_err(err, errlen, rc, "%s: %s", what, sqlite3_errmsg(db));
}

int qh_sqlite_rows_each(struct qh_store_be *s, const char *table,
                        const char *cols,
                        int (*fn)(int n, const char *const *vals, void *),
                        void *ud, char *err, size_t errlen)
{
    char sql[1024];
    const char *vals[32];
    sqlite3_stmt *st = NULL;
    int n = 0, src;
    snprintf(sql, sizeof sql, "SELECT %s FROM %s ORDER BY 1, 2", cols, table);
    if (sqlite3_prepare_v2(qh_sqlite_db(s), sql, -1, &st, NULL))
        return fail(s, table, err, errlen);
    int ncols = sqlite3_column_count(st);
    if (ncols > (int)(sizeof vals / sizeof vals[0])) {
        sqlite3_finalize(st);
        return qh_err(err, errlen, QH_E_DB, "%s: too many columns", table);
    }
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < ncols; i++)
            vals[i] = (const char *)sqlite3_column_text(st, i);
        n++;
        if (fn(ncols, vals, ud))
            break;
    }
    int rc = src == SQLITE_ROW || src == SQLITE_DONE ? n : fail(s, table, err, errlen);
    sqlite3_finalize(st);
    return rc;
}

int qh_sqlite_rows_count(struct qh_store_be *s, const char *table,
                         int64_t *out, char *err, size_t errlen)
{
    char sql[128];
    sqlite3_stmt *st = NULL;
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    if (sqlite3_prepare_v2(qh_sqlite_db(s), sql, -1, &st, NULL))
        return fail(s, table, err, errlen);
    int rc = 0;
    if (sqlite3_step(st) == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    else
        rc = fail(s, table, err, errlen);
    sqlite3_finalize(st);
    return rc;
}

int qh_sqlite_rows_begin(struct qh_store_be *s, char *err, size_t errlen)
{
    /* Appointments and tickets refer to each other: the keys are checked
     * at commit, when both are in. */
    if (sqlite3_exec(qh_sqlite_db(s), "PRAGMA defer_foreign_keys = ON", NULL,
                     NULL, NULL))
        return fail(s, "copy", err, errlen);
    return 0;
}

int qh_sqlite_rows_put(struct qh_store_be *s, const char *table,
                       const char *cols, int n, const char *const *vals,
                       char *err, size_t errlen)
{
    struct rows_stmt *r = qh_sqlite_rows(s);
    if (!r || strcmp(r->table, table)) {
        char sql[1024];
        int len;
        if (!(r = calloc(1, sizeof *r)))
            return qh_err(err, errlen, QH_E_NOMEM, "out of memory");
        snprintf(r->table, sizeof r->table, "%s", table);
        /* A new queue is given a key by a trigger (migration 5): the
         * copied key is the one its tickets' ids pack, so it wins. */
        len = snprintf(sql, sizeof sql, "INSERT %sINTO %s(%s) VALUES (",
                       strcmp(table, "queue_key") ? "" : "OR REPLACE ", table,
                       cols);
        for (int i = 0; i < n && len < (int)sizeof sql - 8; i++)
            len += snprintf(sql + len, sizeof sql - (size_t)len, "%s?%d",
                            i ? ", " : "", i + 1);
        snprintf(sql + len, sizeof sql - (size_t)len, ")");
        qh_sqlite_rows_set(s, r, rows_fini);
        if (sqlite3_prepare_v2(qh_sqlite_db(s), sql, -1, &r->put, NULL))
            return fail(s, table, err, errlen);
    }
    sqlite3_reset(r->put);
    for (int i = 0; i < n; i++) {
        if (vals[i])
            sqlite3_bind_text(r->put, i + 1, vals[i], -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(r->put, i + 1);
    }
    int src = sqlite3_step(r->put);
    sqlite3_clear_bindings(r->put);
    if (src != SQLITE_DONE) {
        int rc = fail(s, table, err, errlen);
        sqlite3_reset(r->put);
        return rc;
    }
    return 0;
}

int qh_sqlite_rows_end(struct qh_store_be *s, char *err, size_t errlen)
{
    static const char sql[] =
        "UPDATE ticket SET issued_event = coalesce((SELECT min(e.id)"
        "  FROM event e WHERE e.ticket = ticket.id AND e.type = 'issued'), 0);"
        "INSERT INTO day_seq(day, queue, waiting, head)"
        "  SELECT day, queue, sum(n), 1 FROM"
        "  (SELECT day, queue, count(*) AS n FROM ticket WHERE state = 0"
        "   GROUP BY day, queue UNION ALL"
        "   SELECT day, origin, -max(seq) FROM ticket GROUP BY day, origin)"
        "  GROUP BY day, queue;";
    qh_sqlite_rows_set(s, NULL, NULL);
    if (sqlite3_exec(qh_sqlite_db(s), sql, NULL, NULL, NULL))
        return fail(s, "copy", err, errlen);
    return 0;
}
