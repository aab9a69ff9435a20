/* catalog.c: the hall given to a database, and the service catalogue
 * replaced whole.  Each call is one operation (op.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qh/csv.h"
#include "qh/buf.h"
#include "qh/clock.h"
#include "qh/store.h"
#include "qh/text.h"
#include "qh/ticket.h"
#include "op.h"

/* ---- hall and catalogue ---- */

int qh_hall_init(struct qh_store *s, const struct qh_hall_conf *c, int force,
                 char *err, size_t errlen)
{
    struct op ob = {.s = s, .lang = qh_store_lang(s)}, *o = &ob;
    int rc = qh_conf_validate(c, "hall", err, errlen);
    if (rc < 0)
        return rc;
    if ((rc = qh_store_begin(s, err, errlen)) < 0)
        return rc;
    o->now = qh_store_now(s);
    if (qh_store_has_hall(s) && !force) {
        rc = qh_err(err, errlen, QH_E_EXISTS, "%s",
                    T("数据库已有大厅配置（用 --force 覆盖）",
                      "the database already has a hall (use --force to replace it)"));
        goto out;
    }
    /* A database with history but no hall to read is not new: it may be
     * damaged, and a default hall over it would hand out numbers that
     * exist already.  Only a blank one is set up unasked. */
    if (!force && (rc = qh_store_is_blank(s, err, errlen)) <= 0) {
        if (rc == 0)
            rc = qh_err(err, errlen, QH_E_STATE, "%s",
                        T("数据库里已有数据却没有可读的大厅配置，不会自动初始化"
                          "（请运行 qhall check；确需重建请用 qhall init --force）",
                          "the database holds data but no hall that can be read: it is"
                          " not set up again by itself (run qhall check; to rebuild"
                          " the hall use qhall init --force)"));
        goto out;
    }
    if ((rc = qh_store_hall_save(s, c, err, errlen)) < 0)
        goto out;
    o->hall = qh_store_hall(s);
    qh_clock_day(c->timezone, o->now, o->day);
    char last[16] = "";
    if ((rc = qh_store_setting_get(s, "day", last, sizeof last)) < 0) {
        rc = qh_err(err, errlen, rc, "day: %s", qh_strerror(rc));
        goto out;
    }
    if (rc == 0 && (rc = qh_store_setting_set(s, "day", o->day, err, errlen)) < 0)
        goto out;
    struct qh_buf b;
    qh_op_detail(o, &b);
    qh_json_str(&b, "hall", c->name);
    qh_json_int(&b, "queues", c->nqueues);
    qh_json_int(&b, "windows", c->nwindows);
    rc = qh_op_event(o, "hall_init", NULL, 0, NULL, &b, err, errlen);
out:
    return qh_op_end(o, rc, err, errlen);
}

int qh_hall_set_base_url(struct qh_store *s, const char *url, char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    int rc = qh_conf_url_check(url, err, errlen);
    if (rc < 0)
        return rc;
    if ((rc = qh_op_begin(o, s, err, errlen)) < 0)
        return rc;
    if (!strcmp(o->hall->web.base_url, url))
        return qh_op_end(o, 0, err, errlen);
    struct qh_hall_conf *c = malloc(sizeof *c);
    if (!c)
        return qh_op_end(o, qh_err(err, errlen, QH_E_NOMEM, "out of memory"), err, errlen);
    *c = *o->hall;
    snprintf(c->web.base_url, sizeof c->web.base_url, "%s", url);
    if ((rc = qh_store_hall_save(s, c, err, errlen)) == 0) {
        o->hall = qh_store_hall(s);
        struct qh_buf b;
        qh_op_detail(o, &b);
        qh_json_str(&b, "base_url", url);
        rc = qh_op_event(o, "web_base_url", NULL, 0, NULL, &b, err, errlen);
    }
    free(c);
    return qh_op_end(o, rc, err, errlen);
}

int qh_catalog_import(struct qh_store *s, const char *name, const char *text,
                      size_t len, int *count, char *err, size_t errlen)
{
    struct op ob, *o = &ob;
    struct qh_service_row *rows = NULL;
    struct qh_errlist el = { 0 };
    size_t n = 0;
    enum qh_lang lang = qh_store_lang(s);
    if (!name)
        name = "(catalogue)";
    int rc = qh_catalog_parse_list(name, text, len, &rows, &n, &el);
    if (rc < 0) {
        rc = qh_err(err, errlen, rc, "%s: out of memory", name);
        goto done;
    }
    /* Initials first: ICU is slow to open and must not run under the
     * write lock.  Not for a file that is refused anyway. */
    for (size_t i = 0; i < n && rc == 0 && !qh_errlist_count(&el); i++)
        if (!rows[i].initials[0])
            rc = qh_text_initials(rows[i].name, rows[i].initials,
                                  sizeof rows[i].initials, err, errlen);
    if (rc < 0)
        goto done;
    if ((rc = qh_op_begin(o, s, err, errlen)) < 0)
        goto done;
    /* The hall's queues are checked on every row whose queue cell was
     * good, also when other lines are bad, so that one run reports every
     * mistake of the file, sorted by line with the reader's own. */
    for (size_t i = 0; i < n; i++)
        if (rows[i].queue[0] && !qh_conf_queue(o->hall, rows[i].queue))
            qh_errlist_add(&el, name, rows[i].line, "column \"queue\": %s \"%s\"",
                           T("大厅没有队列", "the hall has no queue"), rows[i].queue);
    if (qh_errlist_count(&el)) {
        qh_errlist_write(&el, o->lang, err, errlen);
        rc = QH_E_PARSE;
        goto out;
    }
    if ((rc = qh_store_service_clear(s, err, errlen)) < 0)
        goto out;
    for (size_t i = 0; i < n && rc == 0; i++) {
        struct qh_service sv;
        memset(&sv, 0, sizeof sv);
        snprintf(sv.code, sizeof sv.code, "%s", rows[i].code);
        snprintf(sv.name, sizeof sv.name, "%s", rows[i].name);
        snprintf(sv.queue, sizeof sv.queue, "%s", rows[i].queue);
        sv.promised_days = rows[i].promised_days;
        snprintf(sv.materials, sizeof sv.materials, "%s", rows[i].materials);
        snprintf(sv.initials, sizeof sv.initials, "%s", rows[i].initials);
        rc = qh_store_service_put(s, &sv, err, errlen);
    }
    if (rc < 0)
        goto out;
    struct qh_buf b;
    qh_op_detail(o, &b);
    qh_json_str(&b, "file", name);
    qh_json_int(&b, "count", (int64_t)n);
    rc = qh_op_event(o, "catalog_imported", NULL, 0, NULL, &b, err, errlen);
    if (rc == 0 && count)
        *count = (int)n;
out:
    rc = qh_op_end(o, rc, err, errlen);
done:
    /* A report of the reader's alone when the hall could not be read. */
    if (rc < 0 && rc != QH_E_PARSE && qh_errlist_count(&el)) {
        qh_errlist_write(&el, lang, err, errlen);
        rc = QH_E_PARSE;
    }
    qh_errlist_fini(&el);
    free(rows);
    return rc;
}
