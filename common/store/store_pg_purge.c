/* store_pg_purge.c: the PostgreSQL backend's qh_store_purge.  The event
 * log's append-only trigger is disabled for the one UPDATE made there,
 * inside the caller's transaction (ALTER TABLE is transactional: a
 * rollback enables it again).  Only the table's owner may do that, as
 * only the owner runs upgrades: another role's purge is refused whole.
 * A detail is compact JSON written by qh/buf.h, so a text is blanked in
 * place by its "key":"..." and every other key keeps its bytes. */
#include <string.h>

#include "qh/record.h"
#include "store_backend.h"
#include "store_pg_internal.h"

#define STR_OF(key) "'\"" key "\":\"(\\\\.|[^\"\\\\])*\"'"
#define BLANK(key) "'\"" key "\":\"\"'"

static const char *const purge_sql[] = {
    "UPDATE appointment SET name = '' WHERE slot_at < $1 AND name <> ''",
    "UPDATE rating SET reason = '', appeal_reason = '', decision_reason = ''"
    " WHERE at < $1 AND (reason <> '' OR appeal_reason <> '' OR decision_reason <> '')",
    "UPDATE followup SET reason = '', result = '' WHERE opened_at < $1"
    " AND (reason <> '' OR result <> '')",
    "ALTER TABLE event DISABLE TRIGGER event_no_update",
    "UPDATE event SET detail = CASE"
    " WHEN type IN ('finished', 'transferred')"
    "  THEN regexp_replace(detail, " STR_OF("note") ", " BLANK("note") ")"
    " WHEN type = 'followup_closed'"
    "  THEN regexp_replace(detail, " STR_OF("result") ", " BLANK("result") ")"
    " ELSE regexp_replace(detail, " STR_OF("reason") ", " BLANK("reason") ") END"
    " WHERE at < $1 AND ((type IN ('finished', 'transferred')"
    "  AND detail ~ " STR_OF("note") " AND detail !~ " BLANK("note") ")"
    " OR (type IN ('rated', 'appeal_filed', 'appeal_decided')"
    "  AND detail ~ " STR_OF("reason") " AND detail !~ " BLANK("reason") ")"
    " OR (type = 'followup_closed'"
    "  AND detail ~ " STR_OF("result") " AND detail !~ " BLANK("result") "))",
    "ALTER TABLE event ENABLE TRIGGER event_no_update",
};

int qh_pg_purge(struct qh_store_be *s, int64_t before, struct qh_purge_counts *out,
                char *err, size_t errlen)
{
    int64_t *count[] = {&out->appointments, &out->ratings, &out->followups, NULL,
                        &out->events, NULL};
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < sizeof purge_sql / sizeof *purge_sql; i++) {
        struct qh_pg_args a = {0};
        int64_t changed = 0;
        if (strchr(purge_sql[i], '$'))
            a_int(&a, before);
        int rc = qh_pg_cmd(s, purge_sql[i], &a, &changed, "purge", err, errlen);
        if (rc < 0)
            return rc;
        if (count[i])
            *count[i] = changed;
    }
    return 0;
}
