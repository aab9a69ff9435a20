/* staff.c: staff members, their PINs, logging in and out, and the lock-out
 * of wrong PINs.  Each call is one operation (op.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "qh/auth.h"
#include "qh/buf.h"
#include "qh/clock.h"
#include "qh/hall.h"
#include "qh/store.h"
#include "qh/text.h"
#include "qh/ticket.h"
#include "op.h"

#define LOCK_AFTER 5            /* wrong PINs in a row on one device */
#define LOCK_ALL_AFTER 15       /* wrong PINs on all devices together */
#define LOCK_MINUTES_DEFAULT 15
#define LOCK_MAX_MINUTES (24 * 60)

/* ---- PINs and the lock-out ---- */

/* One lock-out for every program that takes a PIN (counter login and
 * unlock, the kiosk's admin screen, qhall login), kept in the database so
 * a restart forgets nothing.  Each wrong PIN counts twice: for the staff
 * member on this device (the store's actor, "kiosk:1", "counter:3"), and
 * for the staff member on all devices together.  LOCK_AFTER in a row on
 * one device lock that device only: a guesser at a kiosk cannot keep a
 * clerk out of their own counter.  LOCK_ALL_AFTER on all devices lock the
 * account everywhere: going from device to device buys no tries.  Each
 * lock lasts staff.lock_minutes, doubled at each further lock without a
 * right PIN in between, up to a day.  A right PIN once the lock has ended
 * clears this device's count and the account's. */
static int lock_minutes(struct qh_store *s)
{
    char v[16];
    if (qh_store_setting_get(s, "staff.lock_minutes", v, sizeof v) > 0 && atoi(v) > 0)
        return atoi(v) < LOCK_MAX_MINUTES ? atoi(v) : LOCK_MAX_MINUTES;
    return LOCK_MINUTES_DEFAULT;
}

struct pin_cand {
    struct qh_staff_row st;
    struct qh_login_lock dev, all;   /* this device's count, all devices' */
    int tried;                       /* not locked: the PIN was compared */
    int ok;                          /* and matched st.pin_hash */
};

struct pin_set {
    const char *pin;
    struct pin_cand *c;
    int n, cap, rc;
    const struct pin_set *before;    /* checked outside the lock, or NULL */
};

static int pin_push(struct pin_set *ps, const struct qh_staff_row *st)
{
    if (ps->n == ps->cap) {
        int cap = ps->cap ? ps->cap * 2 : 4;
        struct pin_cand *c = realloc(ps->c, (size_t)cap * sizeof *c);
        if (!c)
            return ps->rc = QH_E_NOMEM;
        ps->c = c;
        ps->cap = cap;
    }
    memset(&ps->c[ps->n], 0, sizeof ps->c[ps->n]);
    ps->c[ps->n++].st = *st;
    return 0;
}

static int pin_push_admin(const struct qh_staff_row *st, void *ud)
{
    return !strcmp(st->role, "admin") && pin_push(ud, st) < 0;
}

static int64_t locked_until(const struct pin_cand *c)
{
    return c->dev.locked_until > c->all.locked_until ? c->dev.locked_until
                                                     : c->all.locked_until;
}

/* The staff member named (NULL: every admin), their counts, and whether
 * the PIN is theirs, for those not locked at now: a locked account's PIN
 * is not compared at all, so taps on a locked pad cost no hashing.
 * argon2id takes a tenth of a second, so this runs first outside the
 * write lock, and again inside it (before: the first run), where a hash
 * compared then and not changed since is not compared twice.  Only
 * pin_settle(), inside the lock, acts on what this found. */
static int pin_collect(struct qh_store *s, const char *staff, const char *pin,
                       int64_t now, const struct pin_set *before, struct pin_set *ps)
{
    const char *dev = qh_store_actor(s);
    struct qh_staff_row st;
    memset(ps, 0, sizeof *ps);
    ps->pin = pin ? pin : "";
    ps->before = before;
    if (staff) {
        int rc = qh_store_staff_get(s, staff, &st);
        if (rc == QH_E_NOTFOUND)
            return 0;
        if (rc < 0)
            return rc;
        pin_push(ps, &st);
    } else {
        int rc = qh_store_staff_each(s, pin_push_admin, ps);
        if (rc < 0)
            return rc;
    }
    if (ps->rc < 0)
        return ps->rc;
    for (int i = 0; i < ps->n; i++) {
        struct pin_cand *c = &ps->c[i];
        int rc;
        if (((rc = qh_store_login_lock_get(s, c->st.id, dev, &c->dev)) < 0 &&
             rc != QH_E_NOTFOUND) ||
            ((rc = qh_store_login_lock_get(s, c->st.id, QH_LOCK_ALL, &c->all)) < 0 &&
             rc != QH_E_NOTFOUND))
            return rc;
        if (locked_until(c) > now)
            continue;
        int known = 0;
        for (int j = 0; before && j < before->n && !known; j++)
            if (before->c[j].tried && !strcmp(before->c[j].st.id, c->st.id) &&
                !strcmp(before->c[j].st.pin_hash, c->st.pin_hash)) {
                c->ok = before->c[j].ok;
                known = 1;
            }
        c->tried = 1;
        if (!known) {
            rc = qh_auth_verify(c->st.pin_hash, ps->pin);
            if (rc < 0 && rc != QH_E_AUTH)
                return rc;
            c->ok = rc == 0;
        }
    }
    return 0;
}

/* One more wrong PIN on row l: at `after` in a row it locks.  The
 * minutes locked, 0 if it did not lock. */
static int lock_bump(struct op *o, struct qh_login_lock *l, int after)
{
    if (++l->failed < after)
        return 0;
    int64_t min = lock_minutes(o->s);
    for (int i = 0; i < l->strikes && min < LOCK_MAX_MINUTES; i++)
        min *= 2;
    if (min > LOCK_MAX_MINUTES)
        min = LOCK_MAX_MINUTES;
    l->failed = 0;
    l->strikes++;
    l->locked_until = o->now + min * 60000;
    return (int)min;
}

static int locked_msg(struct op *o, int64_t until, char *err, size_t errlen)
{
    return qh_err(err, errlen, QH_E_LOCKED,
                  T("尝试次数过多，请 %d 分钟后再试",
                    "too many wrong PINs: try again in %d minutes"),
                  (int)((until - o->now + 59999) / 60000));
}

/* Inside the write lock: this try's verdict.  A candidate locked here or
 * on all devices is not tried at all (its PIN is not even compared), so
 * while locked a right PIN and a wrong one get the same answer.  The
 * index of the staff member the PIN belongs to, or QH_E_LOCKED (all
 * locked: nothing written), or QH_E_AUTH/QH_E_LOCKED with *written set
 * (the counts and a login_failed event per staff member tried, to be
 * committed), or a store error. */
static int pin_settle(struct op *o, struct pin_set *ps, int window, int any_admin,
                      int *written, char *err, size_t errlen)
{
    const char *dev = qh_store_actor(o->s);
    int rc, open = 0, who = -1;
    int64_t soonest = 0;
    *written = 0;
    for (int i = 0; i < ps->n; i++) {
        struct pin_cand *c = &ps->c[i];
        int64_t until = locked_until(c);
        if (!c->tried) {
            if (!soonest || until < soonest)
                soonest = until;
            continue;
        }
        open++;
        if (c->ok && who < 0)
            who = i;
    }
    if (who >= 0) {
        struct pin_cand *c = &ps->c[who];
        int pin_short = qh_auth_pin_short(ps->pin);
        if ((rc = qh_store_login_lock_clear(o->s, c->st.id, dev, err, errlen)) < 0 ||
            (rc = qh_store_login_lock_clear(o->s, c->st.id, QH_LOCK_ALL, err, errlen)) < 0)
            return rc;
        /* The hash cannot say how long a PIN is: a right one can. */
        if (c->st.pin_short != pin_short) {
            c->st.pin_short = pin_short;
            if ((rc = qh_store_staff_update(o->s, &c->st, err, errlen)) < 0)
                return rc;
        }
        return who;
    }
    if (ps->n && !open)
        return locked_msg(o, soonest, err, errlen);
    /* A wrong PIN: it counts for everyone it was tried against. */
    for (int i = 0; i < ps->n; i++) {
        struct pin_cand *c = &ps->c[i];
        if (!c->tried)
            continue;
        int dev_min = lock_bump(o, &c->dev, LOCK_AFTER);
        int all_min = lock_bump(o, &c->all, LOCK_ALL_AFTER);
        struct qh_buf b;
        qh_op_detail(o, &b);
        qh_json_str(&b, "device", dev);
        qh_json_int(&b, "failed", dev_min ? LOCK_AFTER : c->dev.failed);
        if (dev_min)
            qh_json_int(&b, "locked_minutes", dev_min);
        if (all_min)
            qh_json_int(&b, "locked_all_minutes", all_min);
        if ((rc = qh_store_login_lock_put(o->s, &c->dev, err, errlen)) < 0 ||
            (rc = qh_store_login_lock_put(o->s, &c->all, err, errlen)) < 0) {
            qh_buf_fini(&b);
            return rc;
        }
        if ((rc = qh_op_event(o, "login_failed", NULL, window, c->st.id, &b, err, errlen)) < 0)
            return rc;
        int64_t until = locked_until(c);
        if (until > o->now) {
            if (!soonest || until < soonest)
                soonest = until;
            open--;
        }
    }
    /* No admin at all: the try is still on record. */
    if (!ps->n && any_admin) {
        struct qh_buf b;
        qh_op_detail(o, &b);
        qh_json_str(&b, "device", dev);
        if ((rc = qh_op_event(o, "login_failed", NULL, window, NULL, &b, err, errlen)) < 0)
            return rc;
    }
    *written = ps->n || any_admin;
    if (ps->n && !open)
        return locked_msg(o, soonest, err, errlen);
    return qh_err(err, errlen, QH_E_AUTH, "%s",
                  any_admin ? T("PIN 不正确", "wrong PIN")
                            : T("工号或密码错误", "wrong staff ID or PIN"));
}

/* End a transaction whose PIN was refused: what pin_settle() wrote
 * stays, so the count survives the refusal. */
static int qh_op_end_refused(struct op *o, int rc, int written, char *err, size_t errlen)
{
    if (!written)
        return qh_op_end(o, rc, err, errlen);
    char msg[QH_ERRLEN];
    snprintf(msg, sizeof msg, "%s", err ? err : "");
    int crc = qh_op_end(o, 0, err, errlen);
    if (crc < 0)
        return crc;
    return qh_err(err, errlen, rc, "%s", msg);
}

/* pin_collect() outside the write lock, then qh_op_begin() and
 * pin_collect() again inside it; on failure no transaction is left open.
 * The caller frees first->c and ps->c either way. */
static int pin_begin(struct op *o, struct qh_store *s, const char *staff,
                     const char *pin, struct pin_set *first, struct pin_set *ps,
                     char *err, size_t errlen)
{
    memset(ps, 0, sizeof *ps);
    int rc = pin_collect(s, staff, pin, qh_store_now(s), NULL, first);
    if (rc < 0)
        return qh_staff_read_err(s, rc, err, errlen);
    if ((rc = qh_op_begin(o, s, err, errlen)) < 0)
        return rc;
    if ((rc = pin_collect(s, staff, pin, o->now, first, ps)) < 0)
        return qh_op_end(o, qh_staff_read_err(s, rc, err, errlen), err, errlen);
    return 0;
}

int qh_staff_verify(struct qh_store *s, const char *staff, const char *pin,
                    int window, char *who, size_t wholen, char *err, size_t errlen)
{
    struct op ob = {.lang = qh_store_lang(s)}, *o = &ob;
    struct pin_set first, ps;
    int written = 0;
    int rc = pin_begin(o, s, staff, pin, &first, &ps, err, errlen);
    if (rc < 0)
        goto done;
    int i = pin_settle(o, &ps, window, !staff, &written, err, errlen);
    if (i < 0) {
        rc = qh_op_end_refused(o, i, written, err, errlen);
        goto done;
    }
    if (who)
        snprintf(who, wholen, "%s", ps.c[i].st.id);
    rc = qh_op_end(o, 0, err, errlen);
done:
    free(first.c);
    free(ps.c);
    return rc;
}

int qh_staff_unlock(struct qh_store *s, const char *staff, char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    struct qh_staff_row st;
    int rc = qh_op_begin(o, s, err, errlen);
    if (rc < 0)
        return rc;
    if ((rc = qh_store_staff_get(s, staff, &st)) < 0) {
        rc = rc == QH_E_NOTFOUND
             ? qh_err(err, errlen, rc, T("没有工号 %s", "no staff ID %s"), staff)
             : qh_staff_read_err(s, rc, err, errlen);
        goto out;
    }
    if ((rc = qh_store_login_lock_clear(s, staff, NULL, err, errlen)) <= 0)
        goto out;
    int n = rc;
    struct qh_buf b;
    qh_op_detail(o, &b);
    qh_json_int(&b, "rows", n);
    if ((rc = qh_op_event(o, "staff_unlocked", NULL, 0, staff, &b, err, errlen)) == 0)
        rc = n;
out:
    return qh_op_end(o, rc, err, errlen);
}

int qh_staff_set_pin(struct qh_store *s, const char *staff, const char *pin,
                     char *err, size_t errlen)
{
    struct op ob = {.lang = qh_store_lang(s)}, *o = &ob;
    struct qh_staff_row st;
    char hash[QH_AUTH_HASHLEN];
    int rc = qh_store_staff_get(s, staff, &st);
    if (rc == QH_E_NOTFOUND)
        return qh_err(err, errlen, rc, T("没有工号 %s", "no staff ID %s"), staff);
    if (rc < 0)
        return qh_staff_read_err(s, rc, err, errlen);
    if ((rc = qh_auth_pin_valid_for(pin, st.role, o->lang, err, errlen)) < 0 ||
        (rc = qh_auth_hash(pin, hash, err, errlen)) < 0)
        return rc;
    if ((rc = qh_op_begin(o, s, err, errlen)) < 0)
        return rc;
    if ((rc = qh_store_staff_get(s, staff, &st)) < 0) {
        rc = qh_staff_read_err(s, rc, err, errlen);
        goto out;
    }
    memcpy(st.pin_hash, hash, sizeof st.pin_hash);
    st.pin_short = qh_auth_pin_short(pin);
    if ((rc = qh_store_staff_update(s, &st, err, errlen)) < 0)
        goto out;
    rc = qh_op_event(o, "staff_pin_changed", NULL, 0, staff, NULL, err, errlen);
out:
    return qh_op_end(o, rc, err, errlen);
}

/* ---- staff ---- */

static int qh_op_logout_locked(struct op *o, struct qh_window_row *wr, const char *why,
                         char *err, size_t errlen)
{
    struct qh_buf b;
    qh_op_detail(o, &b);
    qh_json_int(&b, "minutes", (o->now - wr->login_at) / 60000);
    if (why)
        qh_json_str(&b, "reason", why);
    char staff[QH_STAFF_LEN];
    memcpy(staff, wr->staff, sizeof staff);
    wr->staff[0] = '\0';
    wr->login_at = 0;
    int rc = qh_store_window_put(o->s, wr, err, errlen);
    if (rc < 0) {
        qh_buf_fini(&b);
        return rc;
    }
    return qh_op_event(o, "logout", NULL, wr->number, staff, &b, err, errlen);
}

int qh_staff_login(struct qh_store *s, int window, const char *staff,
                   const char *pin, char *err, size_t errlen)
{
    struct op ob = {.lang = qh_store_lang(s)}, *o = &ob;
    struct pin_set first, ps;
    const struct qh_window_conf *wc;
    struct qh_window_row wr;
    int written = 0;
    if (!staff)
        staff = "";     /* NULL would mean any admin to pin_collect() */
    int rc = pin_begin(o, s, staff, pin, &first, &ps, err, errlen);
    if (rc < 0)
        goto done;
    if ((rc = qh_op_window_conf(o, window, &wc, &wr, err, errlen)) < 0)
        goto out;
    int i = pin_settle(o, &ps, window, 0, &written, err, errlen);
    if (i < 0) {
        rc = qh_op_end_refused(o, i, written, err, errlen);
        goto done;
    }
    struct qh_staff_row st = ps.c[i].st;
    /* One person, one window: logging in elsewhere ends the other session;
     * a window taken over ends its previous staff's session. */
    int other = qh_store_window_of_staff(s, staff);
    if (other < 0) {
        rc = qh_store_fail(s, other, err, errlen);
        goto out;
    }
    if (other && other != window) {
        struct qh_window_row owr;
        if (qh_store_window_get(s, other, &owr) == 0 &&
            (rc = qh_op_logout_locked(o, &owr, "moved", err, errlen)) < 0)
            goto out;
    }
    if (wr.staff[0] && strcmp(wr.staff, staff) &&
        (rc = qh_op_logout_locked(o, &wr, "replaced", err, errlen)) < 0)
        goto out;
    snprintf(wr.staff, sizeof wr.staff, "%s", staff);
    wr.login_at = o->now;
    if ((rc = qh_store_window_put(s, &wr, err, errlen)) < 0)
        goto out;
    struct qh_buf b;
    qh_op_detail(o, &b);
    qh_json_str(&b, "name", st.name);
    qh_json_str(&b, "role", st.role);
    rc = qh_op_event(o, "login", NULL, window, staff, &b, err, errlen);
out:
    rc = qh_op_end(o, rc, err, errlen);
done:
    free(first.c);
    free(ps.c);
    return rc;
}

int qh_staff_logout(struct qh_store *s, int window, char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    const struct qh_window_conf *wc;
    struct qh_window_row wr;
    int rc = qh_op_begin(o, s, err, errlen);
    if (rc < 0)
        return rc;
    if ((rc = qh_op_window_conf(o, window, &wc, &wr, err, errlen)) < 0)
        goto out;
    if (!wr.staff[0]) {
        rc = qh_err(err, errlen, QH_E_STATE,
                    T("%d号窗口没有人登录", "nobody is logged in at window %d"), window);
        goto out;
    }
    if ((rc = qh_op_window_empty(o, window, err, errlen)) < 0)
        goto out;
    rc = qh_op_logout_locked(o, &wr, NULL, err, errlen);
out:
    return qh_op_end(o, rc, err, errlen);
}

static int valid_id(const char *id)
{
    size_t n = strlen(id);
    if (n < 1 || n >= QH_STAFF_LEN)
        return 0;
    for (const char *p = id; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
            return 0;
    return 1;
}

int qh_staff_add(struct qh_store *s, const char *id, const char *name,
                 const char *role, const char *pin, char *err, size_t errlen)
{
    struct op ob = {.lang = qh_store_lang(s)}, *o = &ob;
    struct qh_staff_row st;
    int rc;
    memset(&st, 0, sizeof st);
    if (!id || !valid_id(id))
        return qh_err(err, errlen, QH_E_PARSE,
                      T("工号应为1-31个字母、数字、_ 或 -，而不是「%s」",
                        "a staff ID is 1-31 letters, digits, _ or -, not \"%s\""),
                      id ? id : "");
    if (!name || !*name)
        return qh_err(err, errlen, QH_E_PARSE, "%s",
                      T("请填写姓名", "a name is required"));
    if ((rc = qh_text_check(QH_TEXT_NAME, name, o->lang, err, errlen)) < 0)
        return rc;
    if (!role || !*role)
        role = "staff";
    if (strcmp(role, "staff") && strcmp(role, "admin"))
        return qh_err(err, errlen, QH_E_PARSE,
                      T("角色应为 staff 或 admin，而不是「%s」",
                        "role must be staff or admin, not \"%s\""), role);
    if ((rc = qh_auth_pin_valid_for(pin, role, o->lang, err, errlen)) < 0 ||
        (rc = qh_auth_hash(pin, st.pin_hash, err, errlen)) < 0)
        return rc;
    st.pin_short = qh_auth_pin_short(pin);
    snprintf(st.id, sizeof st.id, "%s", id);
    snprintf(st.name, sizeof st.name, "%s", name);
    snprintf(st.role, sizeof st.role, "%s", role);
    if ((rc = qh_op_begin(o, s, err, errlen)) < 0)
        return rc;
    st.created_at = o->now;
    if ((rc = qh_store_staff_add(s, &st, err, errlen)) < 0)
        goto out;
    struct qh_buf b;
    qh_op_detail(o, &b);
    qh_json_str(&b, "name", name);
    qh_json_str(&b, "role", role);
    rc = qh_op_event(o, "staff_added", NULL, 0, id, &b, err, errlen);
out:
    return qh_op_end(o, rc, err, errlen);
}

