/* store_pg_hall.c: the PostgreSQL backend's plain tables: the service
 * catalogue, the windows' logins and pauses, staff, the lock-out of wrong
 * PINs, appointments, ratings and heartbeats (store_pg.c has the
 * connection and the hall).  What a caller may meet as an answer (a staff
 * ID or an appointment code taken) is asked with ON CONFLICT, never left
 * to a constraint: a failed statement would abort the transaction. */
#include <stdlib.h>
#include <string.h>

#include "qh/buf.h"
#include "qh/clock.h"
#include "store_pg_internal.h"

/* ---- services ---- */

static const char Q_SERVICE_PUT[] =
    "INSERT INTO service(code, name, queue, promised_days, materials, initials)"
    " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (code) DO UPDATE SET"
    " name = excluded.name, queue = excluded.queue,"
    " promised_days = excluded.promised_days, materials = excluded.materials,"
    " initials = excluded.initials";
static const char Q_SERVICE_CLEAR[] = "DELETE FROM service";
#define SERVICE_COLS "code, name, queue, promised_days, materials, initials"
static const char Q_SERVICE_GET[] =
    "SELECT " SERVICE_COLS " FROM service WHERE code = $1";
static const char Q_SERVICE_EACH[] =
    "SELECT " SERVICE_COLS " FROM service ORDER BY code COLLATE \"C\"";
static const char Q_SERVICE_EACH_QUEUE[] =
    "SELECT " SERVICE_COLS " FROM service WHERE queue = $1"
    " ORDER BY code COLLATE \"C\"";
static const char Q_SERVICE_COUNT[] = "SELECT count(*) FROM service";
static const char Q_SERVICE_COUNT_QUEUE[] =
    "SELECT count(*) FROM service WHERE queue = $1";

static void read_service(const PGresult *r, int row, void *out)
{
    struct qh_service *sv = out;
    memset(sv, 0, sizeof *sv);
    qh_pg_text(r, row, 0, sv->code, sizeof sv->code);
    qh_pg_text(r, row, 1, sv->name, sizeof sv->name);
    qh_pg_text(r, row, 2, sv->queue, sizeof sv->queue);
    sv->promised_days = (int)qh_pg_int(r, row, 3);
    qh_pg_text(r, row, 4, sv->materials, sizeof sv->materials);
    qh_pg_text(r, row, 5, sv->initials, sizeof sv->initials);
}

int qh_pg_service_put(struct qh_store_be *s, const struct qh_service *sv,
                      char *err, size_t errlen)
{
    struct qh_pg_args a = {0};
    a_str(&a, sv->code);
    a_str(&a, sv->name);
    a_str(&a, sv->queue);
    a_int(&a, sv->promised_days);
    a_str(&a, sv->materials);
    a_str(&a, sv->initials);
    return qh_pg_cmd(s, Q_SERVICE_PUT, &a, NULL, "service", err, errlen);
}

int qh_pg_service_clear(struct qh_store_be *s, char *err, size_t errlen)
{
    return qh_pg_cmd(s, Q_SERVICE_CLEAR, NULL, NULL, "service", err, errlen);
}

int qh_pg_service_get(struct qh_store_be *s, const char *code,
                      struct qh_service *out)
{
    struct qh_pg_args a = {0};
    a_str(&a, code);
    return qh_pg_one(s, Q_SERVICE_GET, &a, read_service, out, "service");
}

int qh_pg_service_each(struct qh_store_be *s, const char *queue,
                       int (*fn)(const struct qh_service *, void *), void *ud)
{
    struct qh_pg_args a = {0};
    int rc, n = 0;
    if (queue)
        a_str(&a, queue);
    PGresult *r = qh_pg_exec(s, queue ? Q_SERVICE_EACH_QUEUE : Q_SERVICE_EACH, a.n,
                             a.v, &rc, "services", NULL, 0);
    if (!r)
        return rc;
    struct qh_service sv;
    for (int i = 0; i < PQntuples(r); i++) {
        read_service(r, i, &sv);
        n++;
        if (fn(&sv, ud))
            break;
    }
    PQclear(r);
    return n;
}

int qh_pg_service_count(struct qh_store_be *s, const char *queue)
{
    struct qh_pg_args a = {0};
    if (queue)
        a_str(&a, queue);
    return qh_pg_count(s, queue ? Q_SERVICE_COUNT_QUEUE : Q_SERVICE_COUNT, &a, "services");
}

/* ---- windows ---- */

static const char Q_WIN_GET[] =
    "SELECT number, staff, login_at, paused, pause_reason, paused_at"
    " FROM win WHERE number = $1 AND configured = 1";
static const char Q_WIN_PUT[] =
    "UPDATE win SET staff = $2, login_at = $3, paused = $4, pause_reason = $5,"
    " paused_at = $6 WHERE number = $1";
static const char Q_WIN_OF_STAFF[] =
    "SELECT number FROM win WHERE staff = $1 AND configured = 1"
    " ORDER BY number LIMIT 1";

static void read_window(const PGresult *r, int row, void *ud)
{
    struct qh_window_row *out = ud;
    memset(out, 0, sizeof *out);
    out->number = (int)qh_pg_int(r, row, 0);
    qh_pg_text(r, row, 1, out->staff, sizeof out->staff);
    out->login_at = qh_pg_int(r, row, 2);
    out->paused = (int)qh_pg_int(r, row, 3);
    qh_pg_text(r, row, 4, out->pause_reason, sizeof out->pause_reason);
    out->paused_at = qh_pg_int(r, row, 5);
}

int qh_pg_window_get(struct qh_store_be *s, int number,
                     struct qh_window_row *out)
{
    struct qh_pg_args a = {0};
    a_int(&a, number);
    return qh_pg_one(s, Q_WIN_GET, &a, read_window, out, "window");
}

int qh_pg_window_put(struct qh_store_be *s, const struct qh_window_row *w,
                     char *err, size_t errlen)
{
    struct qh_pg_args a = {0};
    a_int(&a, w->number);
    a_str(&a, w->staff);
    a_int(&a, w->login_at);
    a_int(&a, w->paused);
    a_str(&a, w->pause_reason);
    a_int(&a, w->paused_at);
    return qh_pg_cmd(s, Q_WIN_PUT, &a, NULL, "window", err, errlen);
}

int qh_pg_window_of_staff(struct qh_store_be *s, const char *staff)
{
    struct qh_pg_args a = {0};
    a_str(&a, staff);
    return qh_pg_count(s, Q_WIN_OF_STAFF, &a, "window");
}

/* ---- staff ---- */

#define STAFF_COLS "id, name, role, pin_hash, coalesce(pin_short, -1), created_at"
/* A taken ID is an answer, not a fault: nothing inserted. */
static const char Q_STAFF_INSERT[] =
    "INSERT INTO staff(id, name, role, pin_hash, pin_short, created_at)"
    " VALUES ($1, $2, $3, $4, nullif($5::integer, -1), $6)"
    " ON CONFLICT (id) DO NOTHING";
static const char Q_STAFF_GET[] = "SELECT " STAFF_COLS " FROM staff WHERE id = $1";
static const char Q_STAFF_UPDATE[] =
    "UPDATE staff SET name = $2, role = $3, pin_hash = $4,"
    " pin_short = nullif($5::integer, -1) WHERE id = $1";
static const char Q_STAFF_ALL[] =
    "SELECT " STAFF_COLS " FROM staff ORDER BY id COLLATE \"C\"";

static void read_staff(const PGresult *r, int row, void *out)
{
    struct qh_staff_row *st = out;
    memset(st, 0, sizeof *st);
    qh_pg_text(r, row, 0, st->id, sizeof st->id);
    qh_pg_text(r, row, 1, st->name, sizeof st->name);
    qh_pg_text(r, row, 2, st->role, sizeof st->role);
    qh_pg_text(r, row, 3, st->pin_hash, sizeof st->pin_hash);
    st->pin_short = (int)qh_pg_int(r, row, 4);
    st->created_at = qh_pg_int(r, row, 5);
}

int qh_pg_staff_add(struct qh_store_be *s, const struct qh_staff_row *st,
                    char *err, size_t errlen)
{
    struct qh_pg_args a = {0};
    int64_t changed = 0;
    a_str(&a, st->id);
    a_str(&a, st->name);
    a_str(&a, st->role);
    a_str(&a, st->pin_hash);
    a_int(&a, st->pin_short);
    a_int(&a, st->created_at);
    int rc = qh_pg_cmd(s, Q_STAFF_INSERT, &a, &changed, "staff", err, errlen);
    if (rc == 0 && changed != 1)
        rc = QH_E_EXISTS;
    if (rc == QH_E_EXISTS)
        return qh_err(err, errlen, rc, QH_TR(qh_pg_lang(s), "工号 %s 已存在",
                      "staff ID %s already exists"), st->id);
    return rc;
}

int qh_pg_staff_get(struct qh_store_be *s, const char *id,
                    struct qh_staff_row *out)
{
    struct qh_pg_args a = {0};
    a_str(&a, id);
    return qh_pg_one(s, Q_STAFF_GET, &a, read_staff, out, "staff");
}

int qh_pg_staff_update(struct qh_store_be *s, const struct qh_staff_row *st,
                       char *err, size_t errlen)
{
    struct qh_pg_args a = {0};
    a_str(&a, st->id);
    a_str(&a, st->name);
    a_str(&a, st->role);
    a_str(&a, st->pin_hash);
    a_int(&a, st->pin_short);
    return qh_pg_cmd(s, Q_STAFF_UPDATE, &a, NULL, "staff", err, errlen);
}

int qh_pg_staff_each(struct qh_store_be *s,
                     int (*fn)(const struct qh_staff_row *, void *), void *ud)
{
    int rc, n = 0;
    PGresult *r = qh_pg_exec(s, Q_STAFF_ALL, 0, NULL, &rc, "staff", NULL, 0);
    if (!r)
        return rc;
    struct qh_staff_row st;
    for (int i = 0; i < PQntuples(r); i++) {
        read_staff(r, i, &st);
        n++;
        if (fn(&st, ud))
            break;
    }
    PQclear(r);
    return n;
}

/* ---- staff photos ---- */

static const char Q_PHOTO_PUT[] =
    "INSERT INTO staff_photo(staff, mime, data, updated_at) VALUES ($1, $2, $3, $4)"
    " ON CONFLICT (staff) DO UPDATE SET mime = excluded.mime, data = excluded.data,"
    " updated_at = excluded.updated_at";
static const char Q_PHOTO_DEL[] = "DELETE FROM staff_photo WHERE staff = $1";
static const char Q_PHOTO_GET[] =
    "SELECT mime, data, updated_at FROM staff_photo WHERE staff = $1";

int qh_pg_staff_photo_put(struct qh_store_be *s, const struct qh_staff_photo *p,
                          char *err, size_t errlen)
{
    struct qh_pg_args a = {0};
    a_str(&a, p->staff);
    if (!p->b64)
        return qh_pg_cmd(s, Q_PHOTO_DEL, &a, NULL, "staff photo", err, errlen);
    a_str(&a, p->mime);
    a_str(&a, p->b64);
    a_int(&a, p->updated_at);
    return qh_pg_cmd(s, Q_PHOTO_PUT, &a, NULL, "staff photo", err, errlen);
}

int qh_pg_staff_photo_get(struct qh_store_be *s, const char *staff,
                          struct qh_staff_photo *out)
{
    int rc;
    const char *v[1] = {staff};
    memset(out, 0, sizeof *out);
    snprintf(out->staff, sizeof out->staff, "%s", staff);
    PGresult *r = qh_pg_exec(s, Q_PHOTO_GET, 1, v, &rc, "staff photo", NULL, 0);
    if (!r)
        return rc;
    rc = QH_E_NOTFOUND;
    if (PQntuples(r) > 0) {
        qh_pg_text(r, 0, 0, out->mime, sizeof out->mime);
        out->updated_at = qh_pg_int(r, 0, 2);
        rc = (out->b64 = strdup(PQgetvalue(r, 0, 1))) ? 0 : QH_E_NOMEM;
    }
    PQclear(r);
    return rc;
}

/* ---- login lock-out ---- */

static const char Q_LOCK_GET[] =
    "SELECT failed, strikes, locked_until FROM login_lock"
    " WHERE staff = $1 AND device = $2";
static const char Q_LOCK_PUT[] =
    "INSERT INTO login_lock(staff, device, failed, strikes, locked_until)"
    " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (staff, device) DO UPDATE SET"
    " failed = excluded.failed, strikes = excluded.strikes,"
    " locked_until = excluded.locked_until";
static const char Q_LOCK_CLEAR[] =
    "DELETE FROM login_lock WHERE staff = $1 AND ($2::text IS NULL OR device = $2)";
static const char Q_LOCK_EACH[] =
    "SELECT device, failed, strikes, locked_until FROM login_lock WHERE staff = $1"
    " ORDER BY device <> '" QH_LOCK_ALL "', device COLLATE \"C\"";

static void read_lock(const PGresult *r, int row, void *out)
{
    struct qh_login_lock *l = out;
    l->failed = (int)qh_pg_int(r, row, 0);
    l->strikes = (int)qh_pg_int(r, row, 1);
    l->locked_until = qh_pg_int(r, row, 2);
}

int qh_pg_login_lock_get(struct qh_store_be *s, const char *staff,
                         const char *device, struct qh_login_lock *out)
{
    struct qh_pg_args a = {0};
    memset(out, 0, sizeof *out);
    snprintf(out->staff, sizeof out->staff, "%s", staff);
    snprintf(out->device, sizeof out->device, "%s", device);
    a_str(&a, staff);
    a_str(&a, device);
    return qh_pg_one(s, Q_LOCK_GET, &a, read_lock, out, "login lock");
}

int qh_pg_login_lock_put(struct qh_store_be *s, const struct qh_login_lock *l,
                         char *err, size_t errlen)
{
    struct qh_pg_args a = {0};
    a_str(&a, l->staff);
    a_str(&a, l->device);
    a_int(&a, l->failed);
    a_int(&a, l->strikes);
    a_int(&a, l->locked_until);
    return qh_pg_cmd(s, Q_LOCK_PUT, &a, NULL, "login lock", err, errlen);
}

int qh_pg_login_lock_clear(struct qh_store_be *s, const char *staff,
                           const char *device, char *err, size_t errlen)
{
    struct qh_pg_args a = {0};
    int64_t changed = 0;
    a_str(&a, staff);
    if (device)
        a_str(&a, device);
    else
        a_null(&a);
    int rc = qh_pg_cmd(s, Q_LOCK_CLEAR, &a, &changed, "login lock", err, errlen);
    return rc < 0 ? rc : (int)changed;
}

int qh_pg_login_lock_each(struct qh_store_be *s, const char *staff,
                          int (*fn)(const struct qh_login_lock *, void *),
                          void *ud)
{
    struct qh_pg_args a = {0};
    int rc, n = 0;
    a_str(&a, staff);
    PGresult *r = qh_pg_exec(s, Q_LOCK_EACH, a.n, a.v, &rc, "login lock", NULL, 0);
    if (!r)
        return rc;
    struct qh_login_lock l;
    for (int i = 0; i < PQntuples(r); i++) {
        memset(&l, 0, sizeof l);
        snprintf(l.staff, sizeof l.staff, "%s", staff);
        qh_pg_text(r, i, 0, l.device, sizeof l.device);
        l.failed = (int)qh_pg_int(r, i, 1);
        l.strikes = (int)qh_pg_int(r, i, 2);
        l.locked_until = qh_pg_int(r, i, 3);
        n++;
        if (fn(&l, ud))
            break;
    }
    PQclear(r);
    return n;
}

/* ---- appointments ---- */

static const char Q_APPT_INSERT[] =
    "INSERT INTO appointment(code, service, slot_at, name, ticket, created_at)"
    " VALUES ($1, $2, $3, $4, NULL, $5) ON CONFLICT (code) DO NOTHING RETURNING id";
static const char Q_APPT_GET[] =
    "SELECT id, code, service, slot_at, name, coalesce(ticket, 0), created_at"
    " FROM appointment WHERE code = $1";
static const char Q_APPT_UPDATE[] =
    "UPDATE appointment SET ticket = nullif($2::bigint, 0) WHERE id = $1";

int qh_pg_appointment_add(struct qh_store_be *s, struct qh_appointment *ap,
                          char *err, size_t errlen)
{
    struct qh_pg_args a = {0};
    int rc;
    a_str(&a, ap->code);
    a_str(&a, ap->service);
    a_int(&a, ap->slot_at);
    a_str(&a, ap->name);
    a_int(&a, ap->created_at);
    PGresult *r = qh_pg_exec(s, Q_APPT_INSERT, a.n, a.v, &rc, "appointment", err, errlen);
    if (r && PQntuples(r) != 1)
        rc = QH_E_EXISTS;
    else if (r)
        ap->id = qh_pg_int(r, 0, 0);
    PQclear(r);
    if (rc == QH_E_EXISTS)
        return qh_err(err, errlen, rc, QH_TR(qh_pg_lang(s), "预约码 %s 已存在",
                      "appointment code %s already exists"), ap->code);
    return rc;
}

static void read_appointment(const PGresult *r, int row, void *ud)
{
    struct qh_appointment *out = ud;
    memset(out, 0, sizeof *out);
    out->id = qh_pg_int(r, row, 0);
    qh_pg_text(r, row, 1, out->code, sizeof out->code);
    qh_pg_text(r, row, 2, out->service, sizeof out->service);
    out->slot_at = qh_pg_int(r, row, 3);
    qh_pg_text(r, row, 4, out->name, sizeof out->name);
    out->ticket = qh_pg_int(r, row, 5);
    out->created_at = qh_pg_int(r, row, 6);
}

int qh_pg_appointment_get(struct qh_store_be *s, const char *code,
                          struct qh_appointment *out)
{
    struct qh_pg_args a = {0};
    a_str(&a, code);
    return qh_pg_one(s, Q_APPT_GET, &a, read_appointment, out, "appointment");
}

int qh_pg_appointment_update(struct qh_store_be *s,
                             const struct qh_appointment *ap,
                             char *err, size_t errlen)
{
    struct qh_pg_args a = {0};
    a_int(&a, ap->id);
    a_int(&a, ap->ticket);
    return qh_pg_cmd(s, Q_APPT_UPDATE, &a, NULL, "appointment", err, errlen);
}

/* ---- ratings ---- */

/* The ticket's flag with the row, in one statement; only the flag, as
 * the phone page's role may write no other column of a ticket. */
static const char Q_RATING_INSERT[] =
    "WITH t AS (UPDATE ticket SET rated = 1 WHERE id = $1 AND rated = 0 RETURNING id)"
    " INSERT INTO rating(ticket, score, reason, win, staff, service, at,"
    " channel, device, entered_by)"
    " SELECT t.id, $2, $3, $4, $5, $6, $7, $8, $9, $10 FROM t";

int qh_pg_rating_add(struct qh_store_be *s, const struct qh_rating_row *rt,
                     char *err, size_t errlen)
{
    struct qh_pg_args a = {0};
    a_int(&a, rt->ticket);
    a_int(&a, rt->score);
    a_str(&a, rt->reason);
    a_int(&a, rt->window);
    a_str(&a, rt->staff);
    a_str(&a, rt->service);
    a_int(&a, rt->at);
    a_str(&a, rt->channel);
    a_str(&a, rt->device);
    a_str(&a, rt->by);
    int64_t n = 0;
    int rc = qh_pg_cmd(s, Q_RATING_INSERT, &a, &n, "rating", err, errlen);
    if (rc == 0 && n != 1)
        rc = qh_err(err, errlen, QH_E_STATE, "%s", qh_strerror(QH_E_STATE));
    return rc;
}

static const char Q_RATING_OF_TICKET[] =
    "SELECT id, ticket, score, reason, win, staff, service, at, channel, device, entered_by, appeal, appeal_reason, appeal_at, decided_by, decision_reason, decided_at"
    " FROM rating WHERE ticket = $1 ORDER BY id DESC LIMIT 1";
/* Filing and deciding write apart: the counter's role may file only
 * (assets/postgresql-roles.sql). */
static const char Q_RATING_APPEAL[] =
    "UPDATE rating SET appeal = $2, appeal_reason = $3, appeal_at = $4"
    " WHERE id = $1";
static const char Q_RATING_DECIDE[] =
    "UPDATE rating SET appeal = $2, decided_by = $3, decision_reason = $4,"
    " decided_at = $5 WHERE id = $1";

static void read_rating(const PGresult *r, int row, void *ud)
{
    struct qh_rating_row *out = ud;
    memset(out, 0, sizeof *out);
    out->id = qh_pg_int(r, row, 0);
    out->ticket = qh_pg_int(r, row, 1);
    out->score = (int)qh_pg_int(r, row, 2);
    qh_pg_text(r, row, 3, out->reason, sizeof out->reason);
    out->window = (int)qh_pg_int(r, row, 4);
    qh_pg_text(r, row, 5, out->staff, sizeof out->staff);
    qh_pg_text(r, row, 6, out->service, sizeof out->service);
    out->at = qh_pg_int(r, row, 7);
    qh_pg_text(r, row, 8, out->channel, sizeof out->channel);
    qh_pg_text(r, row, 9, out->device, sizeof out->device);
    qh_pg_text(r, row, 10, out->by, sizeof out->by);
    qh_pg_text(r, row, 11, out->appeal, sizeof out->appeal);
    qh_pg_text(r, row, 12, out->appeal_reason, sizeof out->appeal_reason);
    out->appeal_at = qh_pg_int(r, row, 13);
    qh_pg_text(r, row, 14, out->decided_by, sizeof out->decided_by);
    qh_pg_text(r, row, 15, out->decision_reason, sizeof out->decision_reason);
    out->decided_at = qh_pg_int(r, row, 16);
}

int qh_pg_rating_of_ticket(struct qh_store_be *s, int64_t ticket,
                           struct qh_rating_row *out)
{
    struct qh_pg_args a = {0};
    a_int(&a, ticket);
    return qh_pg_one(s, Q_RATING_OF_TICKET, &a, read_rating, out, "rating");
}

int qh_pg_rating_appeal(struct qh_store_be *s, const struct qh_rating_row *rt,
                        char *err, size_t errlen)
{
    struct qh_pg_args a = {0};
    int decide = rt->decided_at != 0;
    a_int(&a, rt->id);
    a_str(&a, rt->appeal);
    if (decide) {
        a_str(&a, rt->decided_by);
        a_str(&a, rt->decision_reason);
        a_int(&a, rt->decided_at);
    } else {
        a_str(&a, rt->appeal_reason);
        a_int(&a, rt->appeal_at);
    }
    return qh_pg_cmd(s, decide ? Q_RATING_DECIDE : Q_RATING_APPEAL, &a, NULL, "rating",
                     err, errlen);
}

/* ---- heartbeats ---- */

static const char Q_HEARTBEAT_PUT[] =
    "INSERT INTO heartbeat(name, kind, at, info) VALUES ($1, $2, $3, $4)"
    " ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, at = excluded.at,"
    " info = excluded.info";
static const char Q_HEARTBEAT_ALL[] =
    "SELECT name, kind, at, info FROM heartbeat ORDER BY name COLLATE \"C\"";

int qh_pg_heartbeat(struct qh_store_be *s, const struct qh_heartbeat *hb,
                    char *err, size_t errlen)
{
    struct qh_pg_args a = {0};
    a_str(&a, hb->name);
    a_str(&a, hb->kind);
    a_int(&a, hb->at);
    a_str(&a, hb->info);
    return qh_pg_cmd(s, Q_HEARTBEAT_PUT, &a, NULL, "heartbeat", err, errlen);
}

int qh_pg_heartbeat_each(struct qh_store_be *s,
                         int (*fn)(const struct qh_heartbeat *, void *),
                         void *ud)
{
    int rc, n = 0;
    PGresult *r = qh_pg_exec(s, Q_HEARTBEAT_ALL, 0, NULL, &rc, "heartbeat", NULL, 0);
    if (!r)
        return rc;
    struct qh_heartbeat hb;
    for (int i = 0; i < PQntuples(r); i++) {
        memset(&hb, 0, sizeof hb);
        qh_pg_text(r, i, 0, hb.name, sizeof hb.name);
        qh_pg_text(r, i, 1, hb.kind, sizeof hb.kind);
        hb.at = qh_pg_int(r, i, 2);
        qh_pg_text(r, i, 3, hb.info, sizeof hb.info);
        n++;
        if (fn(&hb, ud))
            break;
    }
    PQclear(r);
    return n;
}

