/* store_pg_rows.c: a hall's rows in and out of a PostgreSQL database, for
 * qh_store_copy (store_api.c): a hall that began on one PC's file moves to
 * the server, and the server's hall is backed up into a file.
 *
 * Rows stream out in libpq's single-row mode, so a year of events is never
 * one result in memory, and go in through one statement prepared per
 * table.  The foreign keys are DEFERRABLE (appointments and tickets refer
 * to each other) and deferred for the copy's transaction; at the end the
 * sequences move past the ids copied in.  Table and column names come from
 * store_api.c's fixed list, never from input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "qh/record.h"
#include "store_pg.h"
#include "store_pg_rows.h"

/* What this connection's copy has prepared: one statement a table, named
 * for the copy (rows_begin starts a new one), so a name is never prepared
 * twice, and no statement is tried to learn whether it exists (a failed
 * statement would abort the copy's transaction). */
struct rows_state {
    unsigned copy;
    int n;
    char table[QH_STORE_TABLES][32];
};

static int fail(struct qh_store_be *s, PGresult *r, const char *what,
                char *err, size_t errlen)
{
    PGconn *db = qh_pg_conn(s);
    const char *msg = r ? PQresultErrorMessage(r) : PQerrorMessage(db);
    int rc = PQstatus(db) == CONNECTION_BAD ? QH_E_IO : QH_E_DB;
    int len = (int)strcspn(msg, "\n");
    if (r)
        PQclear(r);
    return qh_err(err, errlen, rc, "%s: %.*s", what, len, msg);
}

int qh_pg_rows_each(struct qh_store_be *s, const char *table, const char *cols,
                    int (*fn)(int n, const char *const *vals, void *),
                    void *ud, char *err, size_t errlen)
{
    PGconn *db = qh_pg_conn(s);
    char sql[1024];
    const char *vals[32];
    PGresult *r;
    int n = 0, rc = 0, stop = 0;
    snprintf(sql, sizeof sql, "SELECT %s FROM %s ORDER BY 1, 2", cols, table);
    if (!PQsendQueryParams(db, sql, 0, NULL, NULL, NULL, NULL, 0) ||
        !PQsetSingleRowMode(db))
        return fail(s, NULL, table, err, errlen);
    /* Every result is read to the end, even after a stop or a failure: the
     * connection is then ready for the next statement. */
    while ((r = PQgetResult(db))) {
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_SINGLE_TUPLE && !stop && rc == 0) {
            int nc = PQnfields(r);
            if (nc > (int)(sizeof vals / sizeof vals[0])) {
                rc = qh_err(err, errlen, QH_E_DB, "%s: too many columns", table);
            } else {
                for (int i = 0; i < nc; i++)
                    vals[i] = PQgetisnull(r, 0, i) ? NULL : PQgetvalue(r, 0, i);
                n++;
                stop = fn(nc, vals, ud);
            }
        } else if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK && rc == 0) {
            rc = fail(s, r, table, err, errlen);
            continue;
        }
        PQclear(r);
    }
    return rc < 0 ? rc : n;
}

int qh_pg_rows_count(struct qh_store_be *s, const char *table, int64_t *out,
                     char *err, size_t errlen)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    PGresult *r = PQexec(qh_pg_conn(s), sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        return fail(s, r, table, err, errlen);
    *out = qh_pg_int(r, 0, 0);
    PQclear(r);
    return 0;
}

int qh_pg_rows_begin(struct qh_store_be *s, char *err, size_t errlen)
{
    struct rows_state *st = qh_pg_rows(s);
    if (!st) {
        if (!(st = calloc(1, sizeof *st)))
            return qh_err(err, errlen, QH_E_NOMEM, "out of memory");
        qh_pg_rows_set(s, st, free);
    }
    st->copy++;
    st->n = 0;
    PGresult *r = PQexec(qh_pg_conn(s), "SET CONSTRAINTS ALL DEFERRED");
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        return fail(s, r, "copy", err, errlen);
    PQclear(r);
    return 0;
}

int qh_pg_rows_put(struct qh_store_be *s, const char *table, const char *cols,
                   int n, const char *const *vals, char *err, size_t errlen)
{
    PGconn *db = qh_pg_conn(s);
    struct rows_state *st = qh_pg_rows(s);
    char name[64];
    PGresult *r;
    int known = 0;
    if (!st)
        return qh_err(err, errlen, QH_E_STATE, "copy: rows_put before rows_begin");
    snprintf(name, sizeof name, "copy%u_%s", st->copy, table);
    for (int i = 0; i < st->n && !known; i++)
        known = !strcmp(st->table[i], table);
    if (!known) {
        if (st->n == QH_STORE_TABLES)
            return qh_err(err, errlen, QH_E_STATE, "copy: too many tables");
        char sql[1024];
        int len = snprintf(sql, sizeof sql, "INSERT INTO %s(%s) VALUES (",
                           table, cols);
        for (int i = 0; i < n && len < (int)sizeof sql - 8; i++)
            len += snprintf(sql + len, sizeof sql - (size_t)len, "%s$%d",
                            i ? ", " : "", i + 1);
        snprintf(sql + len, sizeof sql - (size_t)len, ")");
        r = PQprepare(db, name, sql, 0, NULL);
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            return fail(s, r, table, err, errlen);
        PQclear(r);
        snprintf(st->table[st->n++], sizeof st->table[0], "%s", table);
    }
    r = PQexecPrepared(db, name, n, vals, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        return fail(s, r, table, err, errlen);
    PQclear(r);
    return 0;
}

int qh_pg_rows_end(struct qh_store_be *s, char *err, size_t errlen)
{
    static const char sql[] =
        "SELECT setval('event_id_seq',"
        "  coalesce((SELECT max(id) FROM event), 0) + 1, false),"
        " setval(pg_get_serial_sequence('appointment', 'id'),"
        "  coalesce((SELECT max(id) FROM appointment), 0) + 1, false),"
        " setval(pg_get_serial_sequence('rating', 'id'),"
        "  coalesce((SELECT max(id) FROM rating), 0) + 1, false),"
        " setval(pg_get_serial_sequence('followup', 'id'),"
        "  coalesce((SELECT max(id) FROM followup), 0) + 1, false)";
    PGresult *r = PQexec(qh_pg_conn(s), sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        return fail(s, r, "copy", err, errlen);
    PQclear(r);
    return 0;
}
