/* pgtest.c: databases on the test run's private PostgreSQL server (see
 * pgtest.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "qh/err.h"
#include "pgtest.h"

#define PG_USER "qhall"
/* PostgreSQL cuts identifiers at 63 bytes. */
#define PG_NAME_MAX 63

int tu_pg_wanted(void)
{
    const char *s = getenv("QHALL_TEST_STORE");
    return s && !strcmp(s, "pg");
}

int tu_pg_is_uri(const char *name)
{
    return !strncmp(name, "postgresql://", 13) || !strncmp(name, "postgres://", 11);
}

static int sock_dir(const char **dir, char *err, size_t errlen)
{
    *dir = getenv("QHALL_TEST_PG");
    if (!*dir || !**dir)
        return qh_err(err, errlen, QH_E_USAGE,
                      "QHALL_TEST_PG is not set: run the PostgreSQL variants through"
                      " ctest (fixture pg), or start a server with"
                      " `tests/pg/server.sh start DIR` and export QHALL_TEST_PG=DIR");
    return 0;
}

/* libpq's messages end in a newline; err holds one line. */
static int chomp(char *err, int rc)
{
    size_t n = err ? strlen(err) : 0;
    while (n > 0 && (err[n - 1] == '\n' || err[n - 1] == ' '))
        err[--n] = '\0';
    return rc;
}

/* DROP ... IF EXISTS says "does not exist, skipping" as a notice. */
static void quiet(void *ud, const char *msg)
{
    (void)ud;
    (void)msg;
}

/* A connection to the maintenance database postgres, as user on the
 * server at host (a socket directory). */
static PGconn *connect_admin(const char *host, const char *user, char *err, size_t errlen)
{
    const char *const keys[] = {"host", "user", "dbname", "connect_timeout",
                                "application_name", NULL};
    const char *const vals[] = {host, user, "postgres", "10", "qhall-test", NULL};
    PGconn *c = PQconnectdbParams(keys, vals, 0);
    if (!c) {
        qh_err(err, errlen, QH_E_NOMEM, "PostgreSQL: out of memory");
        return NULL;
    }
    if (PQstatus(c) != CONNECTION_OK) {
        chomp(err, qh_err(err, errlen, QH_E_IO, "PostgreSQL at %s: %s", host,
                          PQerrorMessage(c)));
        PQfinish(c);
        return NULL;
    }
    PQsetNoticeProcessor(c, quiet, NULL);
    return c;
}

/* Run one statement that returns no rows. */
static int exec(PGconn *c, const char *sql, char *err, size_t errlen)
{
    PGresult *r = PQexec(c, sql);
    int ok = r && (PQresultStatus(r) == PGRES_COMMAND_OK ||
                   PQresultStatus(r) == PGRES_TUPLES_OK);
    if (!ok)
        chomp(err, qh_err(err, errlen, QH_E_DB, "%s: %s", sql, PQerrorMessage(c)));
    PQclear(r);
    return ok ? 0 : QH_E_DB;
}

int tu_pg_check(char *err, size_t errlen)
{
    const char *dir;
    int rc = sock_dir(&dir, err, errlen);
    if (rc < 0)
        return rc;
    PGconn *c = connect_admin(dir, PG_USER, err, errlen);
    if (!c)
        return QH_E_IO;
    rc = exec(c, "SELECT 1", err, errlen);
    PQfinish(c);
    return rc;
}

/* The database, host and user a URI names. */
struct target {
    char db[PG_NAME_MAX + 1];
    char host[512];
    char user[64];
};

static int parse_uri(const char *uri, struct target *t, char *err, size_t errlen)
{
    char *msg = NULL;
    PQconninfoOption *opts = PQconninfoParse(uri, &msg);
    if (!opts) {
        int rc = chomp(err, qh_err(err, errlen, QH_E_PARSE, "%s: %s", uri,
                                   msg ? msg : "out of memory"));
        PQfreemem(msg);
        return rc;
    }
    memset(t, 0, sizeof *t);
    for (PQconninfoOption *o = opts; o->keyword; o++) {
        if (!o->val)
            continue;
        if (!strcmp(o->keyword, "dbname"))
            snprintf(t->db, sizeof t->db, "%s", o->val);
        else if (!strcmp(o->keyword, "host"))
            snprintf(t->host, sizeof t->host, "%s", o->val);
        else if (!strcmp(o->keyword, "user"))
            snprintf(t->user, sizeof t->user, "%s", o->val);
    }
    PQconninfoFree(opts);
    if (!*t->db || !*t->host)
        return qh_err(err, errlen, QH_E_PARSE, "%s: names no database or no host", uri);
    if (!*t->user)
        snprintf(t->user, sizeof t->user, "%s", PG_USER);
    return 0;
}

/* sql, a format whose one %s is the name of uri's database (quoted as an
 * identifier, or as a string if literal), run on its server. */
static int on_server(const char *uri, const char *sql, int literal,
                     char *err, size_t errlen)
{
    struct target t;
    int rc = parse_uri(uri, &t, err, errlen);
    if (rc < 0)
        return rc;
    PGconn *c = connect_admin(t.host, t.user, err, errlen);
    if (!c)
        return QH_E_IO;
    char *name = literal ? PQescapeLiteral(c, t.db, strlen(t.db))
                         : PQescapeIdentifier(c, t.db, strlen(t.db));
    if (!name) {
        rc = chomp(err, qh_err(err, errlen, QH_E_PARSE, "%s: %s", t.db, PQerrorMessage(c)));
    } else {
        char q[512];
        snprintf(q, sizeof q, sql, name);
        rc = exec(c, q, err, errlen);
        PQfreemem(name);
    }
    PQfinish(c);
    return rc;
}

int tu_pg_fresh(const char *tag, char *uri, size_t n, char *err, size_t errlen)
{
    static int seq;
    const char *dir;
    int rc = sock_dir(&dir, err, errlen);
    if (rc < 0)
        return rc;
    char suffix[32], name[PG_NAME_MAX + 1];
    snprintf(suffix, sizeof suffix, "_%d_%d", (int)getpid(), seq++);
    /* qh_ + tag (cut to fit) + suffix, in the characters an unquoted
     * identifier keeps as they are. */
    size_t room = PG_NAME_MAX - 3 - strlen(suffix), len = 0;
    memcpy(name, "qh_", 3);
    for (const char *p = tag; *p && len < room; p++, len++) {
        char ch = *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p;
        name[3 + len] = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ? ch : '_';
    }
    snprintf(name + 3 + len, sizeof name - 3 - len, "%s", suffix);
    /* The socket directory as a URI's query value: percent-encode all
     * but the characters a path is usually made of. */
    char host[3 * 512 + 1];
    size_t h = 0;
    for (const unsigned char *p = (const unsigned char *)dir; *p; p++) {
        if (h + 4 > sizeof host)
            return qh_err(err, errlen, QH_E_USAGE, "QHALL_TEST_PG=%s: too long", dir);
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
            (*p >= '0' && *p <= '9') || strchr("/._-", *p))
            host[h++] = (char)*p;
        else
            h += (size_t)snprintf(host + h, sizeof host - h, "%%%02X", *p);
    }
    host[h] = '\0';
    if ((size_t)snprintf(uri, n, "postgresql:///%s?host=%s&user=" PG_USER, name, host) >= n)
        return qh_err(err, errlen, QH_E_USAGE, "%s: URI too long", name);
    /* Gone, so that the name is a database that does not exist yet (the
     * server's data outlived an earlier run that had this pid). */
    return tu_pg_drop(uri, err, errlen);
}

int tu_pg_create(const char *uri, char *err, size_t errlen)
{
    return on_server(uri, "CREATE DATABASE %s", 0, err, errlen);
}

int tu_pg_drop(const char *uri, char *err, size_t errlen)
{
    return on_server(uri, "DROP DATABASE IF EXISTS %s WITH (FORCE)", 0, err, errlen);
}

int tu_pg_sql(const char *uri, const char *sql, long long *out, char *err, size_t errlen)
{
    PGconn *c = PQconnectdb(uri);
    int rc = 0;
    if (out)
        *out = 0;
    if (!c || PQstatus(c) != CONNECTION_OK) {
        rc = chomp(err, qh_err(err, errlen, QH_E_IO, "%s: %s", uri,
                               c ? PQerrorMessage(c) : "out of memory"));
        PQfinish(c);
        return rc;
    }
    PQsetNoticeProcessor(c, quiet, NULL);
    PGresult *r = PQexec(c, sql);
    if (!r || (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK))
        rc = chomp(err, qh_err(err, errlen, QH_E_DB, "%s: %s", sql, PQerrorMessage(c)));
    else if (out && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
        *out = atoll(PQgetvalue(r, 0, 0));
    PQclear(r);
    PQfinish(c);
    return rc;
}

int tu_pg_terminate(const char *uri, char *err, size_t errlen)
{
    /* pg_terminate_backend returns before the session is gone unless
     * given a timeout: wait (as the store's commit-outcome path does). */
    return on_server(uri, "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity"
                     " WHERE datname = %s AND pid <> pg_backend_pid()", 1, err, errlen);
}
