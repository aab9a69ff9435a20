/* store_purge.c: the SQLite backend's qh_store_purge.  It runs once a
 * night, so its statements are prepared when it runs rather than with
 * every connection; and it lifts the event log's append-only trigger for
 * the one UPDATE it makes there, inside the caller's transaction, so no
 * other writer ever sees the log without it (DDL is transactional in
 * SQLite: a rollback puts the trigger back as it was). */
#include <stdio.h>
#include <string.h>

#include "qh/record.h"
#include "qh/store.h"
#include "store_internal.h"

/* The texts of the event log that are free text, by event type; every
 * other key (codes such as a no-show's reason, a pause's reason the
 * scorecard groups by) stays. */
#define EVENT_TEXT_WHERE \
    " at < ?1 AND ((type IN ('finished', 'transferred')" \
    " AND coalesce(json_extract(detail, '$.note'), '') <> '')" \
    " OR (type IN ('rated', 'appeal_filed', 'appeal_decided')" \
    " AND coalesce(json_extract(detail, '$.reason'), '') <> '')" \
    " OR (type = 'followup_closed'" \
    " AND coalesce(json_extract(detail, '$.result'), '') <> ''))"

static const char *const purge_sql[] = {
    "UPDATE appointment SET name = '' WHERE slot_at < ?1 AND name <> ''",
    "UPDATE rating SET reason = '', appeal_reason = '', decision_reason = ''"
    " WHERE at < ?1 AND (reason <> '' OR appeal_reason <> '' OR decision_reason <> '')",
    "UPDATE followup SET reason = '', result = '' WHERE opened_at < ?1"
    " AND (reason <> '' OR result <> '')",
    "DROP TRIGGER event_no_update",
    "UPDATE event SET detail = CASE"
    " WHEN type IN ('finished', 'transferred') THEN json_set(detail, '$.note', '')"
    " WHEN type = 'followup_closed' THEN json_set(detail, '$.result', '')"
    " ELSE json_set(detail, '$.reason', '') END WHERE" EVENT_TEXT_WHERE,
    /* As migration 1 made it. */
    "CREATE TRIGGER event_no_update BEFORE UPDATE ON event"
    "  BEGIN SELECT raise(ABORT, 'the event log is append-only'); END",
};

int qh_sqlite_purge(struct qh_store_be *s, int64_t before, struct qh_purge_counts *out,
                    char *err, size_t errlen)
{
    sqlite3 *db = qh_sqlite_db(s);
    int64_t *count[] = {&out->appointments, &out->ratings, &out->followups, NULL,
                        &out->events, NULL};
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < sizeof purge_sql / sizeof *purge_sql; i++) {
        sqlite3_stmt *st;
        int src = sqlite3_prepare_v2(db, purge_sql[i], -1, &st, NULL);
        if (src == SQLITE_OK) {
            if (sqlite3_bind_parameter_count(st))
                sqlite3_bind_int64(st, 1, before);
            src = sqlite3_step(st);
            sqlite3_finalize(st);
        }
        if (src != SQLITE_DONE)
            return qh_err(err, errlen, QH_E_DB, "purge: %s", sqlite3_errmsg(db));
        if (count[i])
            *count[i] = sqlite3_changes64(db);
    }
    return 0;
}
