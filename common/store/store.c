/* store.c: every SQL statement of qhall, on one SQLite file.
 *
 * The SQLite backend of qh/store.h, with store_stats.c, store_file.c and
 * watch.c: a second backend replaces these files and keeps the guarantees
 * written in that header.  How this one keeps them: BEGIN IMMEDIATE locks
 * the whole file, so writers are serialised and read what every earlier
 * commit wrote; event ids are rowids, max + 1 under that lock, so they
 * follow the commit order (a rolled-back id is given again, which
 * qh_store_committed_event allows for).  What the backend does for speed
 * (packed ticket ids, lanes, waiting counters, the issued-event link) is
 * its own and never leaves these files.  Statements are prepared
 * once at open and reset after each use.  The schema is versioned with
 * PRAGMA user_version; each migration runs in its own transaction, so two
 * programs opening a new file at the same instant cannot both create it.
 *
 * Durability: WAL with synchronous=FULL by default: a ticket a citizen
 * holds in their hand must survive a power cut.  QHALL_SYNC=normal trades
 * that for speed (benchmarks, simulations). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "qh/buf.h"
#include "qh/store.h"
#include "qh/clock.h"
#include "store_internal.h"

enum {
    Q_BEGIN, Q_BEGIN_READ, Q_COMMIT, Q_ROLLBACK, Q_DATA_VERSION,
    Q_SETTING_GET, Q_SETTING_BEGIN, Q_SETTING_SET, Q_QUOTA_CLEAR, Q_QUOTA_ALL,
    Q_QUEUE_CLEAR, Q_QUEUE_INSERT, Q_QUEUE_ALL,
    Q_WIN_UNCONFIGURE, Q_WIN_CLEAR_UNUSED, Q_WIN_UPSERT_CONF, Q_WIN_ALL, Q_WIN_GET, Q_WIN_PUT,
    Q_WIN_OF_STAFF,
    Q_SERVICE_PUT, Q_SERVICE_CLEAR, Q_SERVICE_GET, Q_SERVICE_EACH,
    Q_SERVICE_EACH_QUEUE, Q_SERVICE_COUNT, Q_SERVICE_COUNT_QUEUE,
    Q_RANGE_LAST, Q_SERVICE_ISSUED,
    Q_TICKET_INSERT, Q_TICKET_ISSUED_LINK, Q_TICKET_UPDATE, Q_TICKET_GET, Q_TICKET_BY_NUMBER,
    Q_TICKET_AT_WINDOW, Q_QUEUE_HEAD, Q_QUEUE_HEAD_ISSUE, Q_WAITING_COUNT,
    Q_AHEAD, Q_AHEAD_COUNTED, Q_AHEAD_NEW, Q_QUEUE_SERVICES, Q_TICKET_EACH, Q_TICKET_EACH_STATE,
    Q_CALLS_EACH, Q_BLANK,
    Q_EXPIRE_EVENTS, Q_EXPIRE_TICKETS,
    Q_EVENT_INSERT, Q_EVENT_INSERT_ID, Q_EVENT_SINCE, Q_EVENT_OF_TICKET, Q_EVENT_LAST,
    Q_STAFF_INSERT, Q_STAFF_GET, Q_STAFF_UPDATE, Q_STAFF_ALL,
    Q_PHOTO_PUT, Q_PHOTO_DEL, Q_PHOTO_GET,
    Q_TOKEN_PUT, Q_TOKEN_FIND, Q_TOKEN_GET,
    Q_LOCK_GET, Q_LOCK_PUT, Q_LOCK_CLEAR, Q_LOCK_EACH,
    Q_APPT_INSERT, Q_APPT_GET, Q_APPT_UPDATE,
    Q_RATING_MARK, Q_RATING_INSERT, Q_RATING_OF_TICKET, Q_RATING_APPEAL, Q_RATING_DECIDE,
    Q_HEARTBEAT_PUT, Q_HEARTBEAT_ALL,
    Q_CHECKPOINT, Q_CHECKPOINT_TRUNCATE,
    Q_CHECK_INTEGRITY, Q_CHECK_FK, Q_CHECK_WINDOW, Q_CHECK_SEQ, Q_CHECK_ID,
    Q_CHECK_WAITING, Q_CHECK_LANE, Q_CHECK_ISSUED, Q_CHECK_STATE, Q_CHECK_HOLDER,
    Q_COUNT
};

#define TICKET_COLS \
    "id, day, number, seq, queue, service, state, green, issued_at," \
    " virtual_at, prio, called_at, started_at, finished_at, win," \
    " target_window, staff, recalls, outcome, rated, appointment"
#define EVENT_COLS "id, at, type, ticket, number, queue, win, staff, detail"
/* Ids of the tickets earlier days left open, through the two partial
 * indexes that hold only live tickets and the id range (?4..?5) of the
 * one day that can hold lane-0 tickets still waiting (see
 * qh_store_expire_before): never a scan of a year of history, for this
 * runs under the write lock at the day's first write. */
#define OPEN_BEFORE \
    "(SELECT id FROM ticket INDEXED BY ticket_waiting" \
    " WHERE day < ?1 AND state = 0 AND lane = 1 UNION ALL" \
    " SELECT id FROM ticket WHERE id BETWEEN ?4 AND ?5 AND state = 0" \
    " AND lane = 0 UNION ALL" \
    " SELECT id FROM ticket INDEXED BY ticket_live" \
    " WHERE day < ?1 AND state BETWEEN 1 AND 4)"

/* Ticket ids (migration 5):
 * id = day << 40 | queue key << 24 | sequence, the day counted from
 * 1970-01-01: a day's numbers of one queue are one rowid range, a day's
 * tickets another, and both end where the next begins. */
#define TID_DAY_SHIFT 40
#define TID_KEY_SHIFT 24
#define TID_SEQ_MAX 0xFFFFFF
#define TID_STR_(x) #x
#define TID_STR(x) TID_STR_(x)

/* Columns of the last ticket in a range of ticket ids. */
#define RANGE_LAST(cols, lo, hi) \
    "SELECT " cols " FROM ticket WHERE id BETWEEN " lo " AND " hi \
    " ORDER BY id DESC LIMIT 1"
/* Tickets waiting in queue ?2 on day ?1, ?3..?4 the ids of the numbers
 * the queue gave that day (migration 5): those numbers, each a ticket
 * that waited there, and the correction day_seq keeps for the rest. */
#define WAITING_COUNT \
    "coalesce((SELECT waiting FROM day_seq WHERE day = ?1 AND queue = ?2)," \
    " 0) + coalesce((" RANGE_LAST("id", "?3", "?4") ") - ?3, 0)"
/* Where the lane-0 tickets of that range that may still wait begin
 * (migration 6). */
#define LANE0_FROM \
    "?3 + coalesce((SELECT head FROM day_seq WHERE day = ?1 AND queue = ?2)," \
    " 1)"
/* The queue's waiting tickets, lane 1 from ticket_waiting and lane 0 from
 * the range, as (prio, virtual_at, id, cols): each arm's first `lim` in
 * calling order (lane 0 is in it by id), for the caller to merge. */
#define WAITING_ARMS(cols, tw, lim) \
    "SELECT * FROM (SELECT prio, virtual_at, id" cols " FROM ticket" \
    " INDEXED BY ticket_waiting WHERE day = ?1 AND queue = ?2" \
    " AND state = 0 AND lane = 1" tw " ORDER BY prio, virtual_at, id" \
    " LIMIT " lim ") UNION ALL SELECT * FROM (SELECT prio, virtual_at, id" \
    cols " FROM ticket WHERE id BETWEEN " LANE0_FROM " AND ?4" \
    " AND state = 0 AND lane = 0 ORDER BY id LIMIT " lim ")"
#define FOR_WINDOW " AND (target_window = 0 OR target_window = ?5)"

static const char *const sql[Q_COUNT] = {
    [Q_BEGIN] = "BEGIN IMMEDIATE",
    [Q_BEGIN_READ] = "BEGIN",
    [Q_COMMIT] = "COMMIT",
    [Q_ROLLBACK] = "ROLLBACK",
    [Q_DATA_VERSION] = "PRAGMA data_version",
    [Q_SETTING_GET] = "SELECT value FROM setting WHERE key = ?1",
    /* What every write transaction reads first (qh_store_begin). */
    [Q_SETTING_BEGIN] = "SELECT (SELECT value FROM setting WHERE key = 'hall_rev'),"
                        " (SELECT value FROM setting WHERE key = 'day')",
    [Q_SETTING_SET] = "INSERT INTO setting(key, value) VALUES (?1, ?2)"
                      " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    /* Item quotas are settings quota.<CODE>: a saved hall replaces all. */
    [Q_QUOTA_CLEAR] = "DELETE FROM setting WHERE key LIKE 'quota.%'",
    [Q_QUOTA_ALL] = "SELECT substr(key, 7), value FROM setting"
                    " WHERE key LIKE 'quota.%' ORDER BY key",
    [Q_QUEUE_CLEAR] = "DELETE FROM queue",
    [Q_QUEUE_INSERT] = "INSERT INTO queue(code, name, name_en, prefix, class,"
                       " daily_quota, pos) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [Q_QUEUE_ALL] = "SELECT code, name, name_en, prefix, class, daily_quota,"
                    " (SELECT key FROM queue_key k WHERE k.code = queue.code)"
                    " FROM queue ORDER BY pos",
    [Q_WIN_UNCONFIGURE] = "UPDATE win SET configured = 0",
    [Q_WIN_CLEAR_UNUSED] = "DELETE FROM win WHERE configured = 0",
    [Q_WIN_UPSERT_CONF] =
        "INSERT INTO win(number, name, name_en, queues, overflow_minutes,"
        " configured) VALUES (?1, ?2, ?3, ?4, ?5, 1)"
        " ON CONFLICT(number) DO UPDATE SET name = excluded.name,"
        " name_en = excluded.name_en, queues = excluded.queues,"
        " overflow_minutes = excluded.overflow_minutes, configured = 1",
    [Q_WIN_ALL] = "SELECT number, name, name_en, queues, overflow_minutes"
                  " FROM win WHERE configured = 1 ORDER BY number",
    [Q_WIN_GET] = "SELECT number, staff, login_at, paused, pause_reason,"
                  " paused_at FROM win WHERE number = ?1 AND configured = 1",
    [Q_WIN_PUT] = "UPDATE win SET staff = ?2, login_at = ?3, paused = ?4,"
                  " pause_reason = ?5, paused_at = ?6 WHERE number = ?1",
    [Q_WIN_OF_STAFF] = "SELECT number FROM win WHERE staff = ?1 AND"
                       " configured = 1 ORDER BY number LIMIT 1",
    [Q_SERVICE_PUT] = "INSERT OR REPLACE INTO service(code, name, queue,"
                      " promised_days, materials, initials)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [Q_SERVICE_CLEAR] = "DELETE FROM service",
    [Q_SERVICE_GET] = "SELECT code, name, queue, promised_days, materials,"
                      " initials FROM service WHERE code = ?1",
    [Q_SERVICE_EACH] = "SELECT code, name, queue, promised_days, materials,"
                       " initials FROM service ORDER BY code",
    [Q_SERVICE_EACH_QUEUE] = "SELECT code, name, queue, promised_days,"
                             " materials, initials FROM service"
                             " WHERE queue = ?1 ORDER BY code",
    [Q_SERVICE_COUNT] = "SELECT count(*) FROM service",
    [Q_SERVICE_COUNT_QUEUE] = "SELECT count(*) FROM service WHERE queue = ?1",
    [Q_RANGE_LAST] = RANGE_LAST("id, issued_at", "?1", "?2"),
    [Q_SERVICE_ISSUED] = "SELECT count(*) FROM ticket WHERE id BETWEEN ?1 AND ?2"
                         " AND service = ?3",
    /* A new ticket links the event id reserved for its issued event (?23:
     * see qh_store_event_add). */
    [Q_TICKET_INSERT] =
        "INSERT INTO ticket(day, number, seq, queue, service, state, green,"
        " issued_at, virtual_at, prio, called_at, started_at, finished_at,"
        " win, target_window, staff, recalls, outcome, rated, appointment,"
        " origin, issued_event, id, lane) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
        " ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?4,"
        " ?23, ?21, ?22)",
    /* A ticket links its issued event (migration 4), which event_ticket
     * then leaves out: ?2 becomes the link of ticket ?1 unless it already
     * leads to its issued event (one a ticket, the first). */
    [Q_TICKET_ISSUED_LINK] = "UPDATE ticket SET issued_event = ?2 WHERE id = ?1"
                             " AND NOT EXISTS (SELECT 1 FROM event e"
                             " WHERE e.id = ticket.issued_event"
                             " AND e.ticket = ticket.id AND e.type = 'issued')",
    /* A ticket that (re-)enters waiting, or waits on with another place,
     * goes to lane 1 (migration 6); the values on the right are the old. */
    [Q_TICKET_UPDATE] =
        "UPDATE ticket SET queue = ?2, service = ?3, state = ?4, green = ?5,"
        " virtual_at = ?6, prio = ?7, called_at = ?8, started_at = ?9,"
        " finished_at = ?10, win = ?11, target_window = ?12, staff = ?13,"
        " recalls = ?14, outcome = ?15, rated = ?16,"
        " lane = CASE WHEN ?4 = 0 AND (state <> 0 OR queue <> ?2 OR prio <> ?7"
        " OR virtual_at <> ?6 OR target_window <> ?12) THEN 1 ELSE lane END"
        " WHERE id = ?1",
    [Q_TICKET_GET] = "SELECT " TICKET_COLS " FROM ticket WHERE id = ?1",
    /* The id the number packs to (?3), else the day's range (?1, ?2):
     * a number printed before its queue's prefix changed. */
    [Q_TICKET_BY_NUMBER] = "SELECT " TICKET_COLS " FROM ticket"
                           " WHERE id = ?3 AND number = ?4 UNION ALL"
                           " SELECT " TICKET_COLS " FROM ticket"
                           " WHERE id BETWEEN ?1 AND ?2 AND number = ?4"
                           " AND id <> ?3 LIMIT 1",
    [Q_TICKET_AT_WINDOW] = "SELECT " TICKET_COLS " FROM ticket"
                           " WHERE win = ?2 AND state IN (1, 2) AND day = ?1"
                           " ORDER BY id LIMIT 1",
    /* The first of each lane, then the first of the two. */
    [Q_QUEUE_HEAD] = "SELECT " TICKET_COLS " FROM ticket WHERE id ="
                     " (SELECT id FROM (" WAITING_ARMS("", FOR_WINDOW, "1") ")"
                     " ORDER BY prio, virtual_at, id LIMIT 1)",
    /* The oldest waiting, for a window's overflow rule: a scan of lane 1
     * in the waiting index, which holds issued_at and target_window, and
     * lane 0's first (issue order is id order there); only the one ticket
     * picked is read from the table. */
    [Q_QUEUE_HEAD_ISSUE] = "SELECT " TICKET_COLS " FROM ticket WHERE id ="
                           " (SELECT id FROM (SELECT issued_at, id FROM ticket"
                           " INDEXED BY ticket_waiting WHERE day = ?1"
                           " AND queue = ?2 AND state = 0 AND lane = 1"
                           FOR_WINDOW " UNION ALL SELECT * FROM"
                           " (SELECT issued_at, id FROM ticket WHERE id BETWEEN "
                           LANE0_FROM " AND ?4 AND state = 0 AND lane = 0"
                           " ORDER BY id LIMIT 1))"
                           " ORDER BY issued_at, id LIMIT 1)",
    [Q_WAITING_COUNT] = "SELECT " WAITING_COUNT,
    [Q_AHEAD] = "SELECT (SELECT count(*) FROM ticket INDEXED BY ticket_waiting"
                " WHERE day = ?1 AND queue = ?2 AND state = 0 AND lane = 1"
                " AND (prio, virtual_at, id) < (?5, ?6, ?7))"
                " + (SELECT count(*) FROM ticket WHERE id BETWEEN " LANE0_FROM
                " AND ?4 AND state = 0 AND lane = 0"
                " AND (prio, virtual_at, id) < (?5, ?6, ?7))",
    /* For a ticket stored waiting in lane 0 (so in the queue's own range):
     * the waiting count less the ticket and those behind it (none for a
     * new one), in one statement; NULL for any other ticket. */
    [Q_AHEAD_COUNTED] = "SELECT CASE WHEN (SELECT state = 0 AND lane = 0"
                        " FROM ticket WHERE id = ?7) THEN " WAITING_COUNT
                        " - 1 - (SELECT"
                        " count(*) FROM ticket INDEXED BY ticket_waiting"
                        " WHERE day = ?1 AND queue = ?2 AND state = 0"
                        " AND lane = 1 AND (prio, virtual_at, id) > (?5, ?6, ?7))"
                        " - (SELECT count(*) FROM ticket WHERE id > ?7"
                        " AND id <= ?4 AND state = 0 AND lane = 0) END",
    /* The same for the ticket just inserted, the last of its range (?8
     * its sequence): none of lane 0 behind it, and its queue gave ?8. */
    [Q_AHEAD_NEW] = "SELECT coalesce((SELECT waiting FROM day_seq WHERE day = ?1"
                    " AND queue = ?2), 0) + ?8 - 1 - (SELECT count(*) FROM ticket"
                    " INDEXED BY ticket_waiting WHERE day = ?1 AND queue = ?2"
                    " AND state = 0 AND lane = 1"
                    " AND (prio, virtual_at, id) > (?5, ?6, ?7))",
    [Q_QUEUE_SERVICES] = "SELECT service FROM (" WAITING_ARMS(", service", "",
                         "?5") ") ORDER BY prio, virtual_at, id LIMIT ?5",
    [Q_TICKET_EACH] = "SELECT " TICKET_COLS " FROM ticket"
                      " WHERE id BETWEEN ?1 AND ?2 ORDER BY issued_at, id",
    [Q_TICKET_EACH_STATE] = "SELECT " TICKET_COLS " FROM ticket"
                            " WHERE id BETWEEN ?1 AND ?2 AND state = ?3"
                            " ORDER BY issued_at, id",
    /* The day's last calls, newest first, in event order: two windows
     * calling in the same second are still told apart.  Through
     * event_ticket (which leaves issued events out): the day's tickets'
     * events, not the year's log. */
    [Q_CALLS_EACH] = "SELECT " TICKET_COLS ", c.ev FROM (SELECT ticket, max(id) AS ev"
                     " FROM event INDEXED BY event_ticket WHERE ticket BETWEEN ?1 AND ?2"
                     " AND type <> 'issued' AND type IN ('called', 'recalled', 'called_back')"
                     " GROUP BY ticket ORDER BY ev DESC LIMIT ?3) c"
                     " JOIN ticket ON ticket.id = c.ticket ORDER BY c.ev DESC",
    /* Anything at all in the database (migrations add no rows). */
    [Q_BLANK] = "SELECT NOT (EXISTS (SELECT 1 FROM setting) OR EXISTS (SELECT 1 FROM event)"
                " OR EXISTS (SELECT 1 FROM ticket) OR EXISTS (SELECT 1 FROM staff)"
                " OR EXISTS (SELECT 1 FROM service))",
    [Q_EXPIRE_EVENTS] =
        "INSERT INTO event(at, type, ticket, number, queue, win, staff, detail)"
        " SELECT ?2, 'expired', id, number, queue, win, staff,"
        " json_object('day', day, 'from', CASE state WHEN 0 THEN 'waiting'"
        " WHEN 1 THEN 'called' WHEN 2 THEN 'serving' WHEN 3 THEN 'held'"
        " ELSE 'no_show' END, 'via', ?3)"
        " FROM ticket WHERE id IN " OPEN_BEFORE " ORDER BY id",
    [Q_EXPIRE_TICKETS] = "UPDATE ticket SET state = 7 WHERE id IN " OPEN_BEFORE,
    [Q_EVENT_INSERT] = "INSERT INTO event(at, type, ticket, number, queue,"
                       " win, staff, detail)"
                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [Q_EVENT_INSERT_ID] = "INSERT INTO event(at, type, ticket, number, queue,"
                          " win, staff, detail, id)"
                          " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [Q_EVENT_SINCE] = "SELECT " EVENT_COLS " FROM event WHERE id > ?1"
                      " ORDER BY id LIMIT ?2",
    /* event_ticket holds every event of a ticket but its issued one. */
    [Q_EVENT_OF_TICKET] = "SELECT " EVENT_COLS " FROM event"
                          " WHERE ticket = ?1 AND type <> 'issued' AND id > ?2"
                          " ORDER BY id LIMIT ?3",
    [Q_EVENT_LAST] = "SELECT max(id) FROM event",
    [Q_STAFF_INSERT] = "INSERT INTO staff(id, name, role, pin_hash, pin_short,"
                       " created_at)"
                       " VALUES (?1, ?2, ?3, ?4, nullif(?5, -1), ?6)",
    [Q_STAFF_GET] = "SELECT id, name, role, pin_hash, coalesce(pin_short, -1),"
                    " created_at FROM staff WHERE id = ?1",
    [Q_STAFF_UPDATE] = "UPDATE staff SET name = ?2, role = ?3, pin_hash = ?4,"
                       " pin_short = nullif(?5, -1) WHERE id = ?1",
    [Q_STAFF_ALL] = "SELECT id, name, role, pin_hash, coalesce(pin_short, -1),"
                    " created_at FROM staff ORDER BY id",
    [Q_PHOTO_PUT] = "INSERT INTO staff_photo(staff, mime, data, updated_at)"
                    " VALUES (?1, ?2, ?3, ?4) ON CONFLICT(staff) DO UPDATE"
                    " SET mime = excluded.mime, data = excluded.data,"
                    " updated_at = excluded.updated_at",
    [Q_PHOTO_DEL] = "DELETE FROM staff_photo WHERE staff = ?1",
    [Q_PHOTO_GET] = "SELECT mime, data, updated_at FROM staff_photo WHERE staff = ?1",
    [Q_TOKEN_PUT] = "INSERT INTO ticket_token(ticket, token) VALUES (?1, ?2)",
    [Q_TOKEN_FIND] = "SELECT ticket FROM ticket_token WHERE token = ?1",
    [Q_TOKEN_GET] = "SELECT token FROM ticket_token WHERE ticket = ?1",
    [Q_LOCK_GET] = "SELECT failed, strikes, locked_until FROM login_lock"
                   " WHERE staff = ?1 AND device = ?2",
    [Q_LOCK_PUT] = "INSERT INTO login_lock(staff, device, failed, strikes,"
                   " locked_until) VALUES (?1, ?2, ?3, ?4, ?5)"
                   " ON CONFLICT(staff, device) DO UPDATE SET"
                   " failed = excluded.failed, strikes = excluded.strikes,"
                   " locked_until = excluded.locked_until",
    [Q_LOCK_CLEAR] = "DELETE FROM login_lock WHERE staff = ?1"
                     " AND (?2 IS NULL OR device = ?2)",
    [Q_LOCK_EACH] = "SELECT device, failed, strikes, locked_until FROM login_lock"
                    " WHERE staff = ?1 ORDER BY device <> '" QH_LOCK_ALL "', device",
    [Q_APPT_INSERT] = "INSERT INTO appointment(code, service, slot_at, name,"
                      " ticket, created_at) VALUES (?1, ?2, ?3, ?4, NULL, ?5)",
    [Q_APPT_GET] = "SELECT id, code, service, slot_at, name,"
                   " coalesce(ticket, 0), created_at FROM appointment"
                   " WHERE code = ?1",
    [Q_APPT_UPDATE] = "UPDATE appointment SET ticket = nullif(?2, 0)"
                      " WHERE id = ?1",
    /* Only the flag: the phone page's role may write no other column. */
    [Q_RATING_MARK] = "UPDATE ticket SET rated = 1 WHERE id = ?1 AND rated = 0",
    [Q_RATING_INSERT] = "INSERT INTO rating(ticket, score, reason, win, staff,"
                        " service, at, channel, device, entered_by)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    [Q_RATING_OF_TICKET] = "SELECT id, ticket, score, reason, win, staff, service, at, channel, device, entered_by, appeal, appeal_reason, appeal_at, decided_by, decision_reason, decided_at"
                           " FROM rating WHERE ticket = ?1 ORDER BY id DESC LIMIT 1",
    /* Filing and deciding write apart: a counter's role may file only. */
    [Q_RATING_APPEAL] = "UPDATE rating SET appeal = ?2, appeal_reason = ?3,"
                        " appeal_at = ?4 WHERE id = ?1",
    [Q_RATING_DECIDE] = "UPDATE rating SET appeal = ?2, decided_by = ?3,"
                        " decision_reason = ?4, decided_at = ?5 WHERE id = ?1",
    [Q_HEARTBEAT_PUT] = "INSERT INTO heartbeat(name, kind, at, info)"
                        " VALUES (?1, ?2, ?3, ?4) ON CONFLICT(name) DO UPDATE"
                        " SET kind = excluded.kind, at = excluded.at,"
                        " info = excluded.info",
    [Q_HEARTBEAT_ALL] = "SELECT name, kind, at, info FROM heartbeat ORDER BY name",
    [Q_CHECKPOINT] = "PRAGMA wal_checkpoint(PASSIVE)",
    [Q_CHECKPOINT_TRUNCATE] = "PRAGMA wal_checkpoint(TRUNCATE)",
    [Q_CHECK_INTEGRITY] = "PRAGMA integrity_check",
    [Q_CHECK_FK] = "SELECT \"table\", rowid, parent FROM pragma_foreign_key_check",
    [Q_CHECK_WINDOW] = "SELECT day, win, group_concat(number) FROM ticket"
                       " WHERE state IN (1, 2) GROUP BY day, win"
                       " HAVING count(*) > 1",
    /* Numbers: per day and original queue, as many tickets as the
     * highest sequence, from 1: no gap, no double. */
    [Q_CHECK_SEQ] = "SELECT day, origin, count(*), max(seq) FROM ticket"
                    " GROUP BY day, origin"
                    " HAVING count(*) != max(seq) OR min(seq) != 1",
    /* Each ticket's id packs its day, its number's queue and sequence. */
    [Q_CHECK_ID] = "SELECT t.day, t.number, t.id FROM ticket t"
                   " LEFT JOIN queue_key k ON k.code = t.origin"
                   " WHERE t.id IS NOT ((CAST(julianday(t.day) - 2440587.5"
                   " AS INTEGER) << " TID_STR(TID_DAY_SHIFT) ") | (k.key << "
                   TID_STR(TID_KEY_SHIFT) ") | t.seq)",
    /* Waiting counters (migration 5): per day and queue, the correction
     * plus the numbers the queue gave is the count of those waiting. */
    [Q_CHECK_WAITING] = "WITH iss AS (SELECT day, origin AS queue, max(seq) AS m"
                        " FROM ticket GROUP BY day, origin),"
                        " w AS (SELECT day, queue, count(*) AS n FROM ticket"
                        " WHERE state = 0 GROUP BY day, queue),"
                        " g AS (SELECT day, queue FROM day_seq UNION"
                        " SELECT day, queue FROM iss UNION SELECT day, queue FROM w)"
                        " SELECT g.day, g.queue, coalesce(d.waiting, 0)"
                        " + coalesce(iss.m, 0) AS kept, coalesce(w.n, 0) AS n"
                        " FROM g LEFT JOIN day_seq d USING (day, queue)"
                        " LEFT JOIN iss USING (day, queue) LEFT JOIN w"
                        " USING (day, queue) WHERE kept != n",
    /* Lane 0 (migration 6): a waiting ticket there waits in the queue that
     * gave its number, in the normal order, at or above its range's head;
     * and issue times never go back among a range's lane-0 tickets. */
    [Q_CHECK_LANE] = "SELECT t.day, t.number, 'out of order' FROM ticket t"
                     " LEFT JOIN day_seq d ON d.day = t.day"
                     " AND d.queue = t.origin WHERE t.lane = 0 AND t.state = 0"
                     " AND (t.queue <> t.origin OR t.prio <> 1"
                     " OR t.virtual_at <> t.issued_at OR t.target_window <> 0"
                     " OR t.seq < coalesce(d.head, 1))"
                     " UNION ALL SELECT day, number, 'issued before the one"
                     " before it' FROM (SELECT day, number, issued_at,"
                     " lag(issued_at) OVER (PARTITION BY id >> "
                     TID_STR(TID_KEY_SHIFT) " ORDER BY id) AS before"
                     " FROM ticket WHERE lane = 0) WHERE before > issued_at",
    /* One issued event per ticket, the one the ticket links (event_ticket
     * leaves issued events out): tickets whose link does not lead to their
     * own issued event (n = 0), then tickets with several (one scan). */
    [Q_CHECK_ISSUED] = "SELECT t.day, t.number, 0 FROM ticket t"
                       " WHERE NOT EXISTS (SELECT 1 FROM event e"
                       " WHERE e.id = t.issued_event AND e.ticket = t.id"
                       " AND e.type = 'issued')"
                       " UNION ALL SELECT t.day, t.number, c.n FROM"
                       " (SELECT ticket, count(*) AS n FROM event"
                       " WHERE type = 'issued' GROUP BY ticket HAVING n > 1) c"
                       " JOIN ticket t ON t.id = c.ticket",
    [Q_CHECK_STATE] = "SELECT t.day, t.number, t.state, e.type, e.detail"
                      " FROM ticket t LEFT JOIN event e ON e.id = coalesce("
                      "(SELECT max(id) FROM event WHERE ticket = t.id"
                      " AND type <> 'issued' AND type IN ("
                      " 'called', 'recalled', 'called_back', 'no_show',"
                      " 'started', 'held', 'released', 'transferred',"
                      " 'finished', 'cancelled', 'expired')), t.issued_event)",
    [Q_CHECK_HOLDER] = "SELECT day, number FROM ticket WHERE state IN (1, 2)"
                       " AND win = 0",
};

/* Migrations, in order; user_version is the number applied. */
static const char *const migrations[] = {
    /* 1: the first schema. */
    "CREATE TABLE setting(key TEXT PRIMARY KEY, value TEXT NOT NULL)"
    "  WITHOUT ROWID;"
    "CREATE TABLE queue(code TEXT PRIMARY KEY, name TEXT NOT NULL,"
    "  name_en TEXT NOT NULL DEFAULT '', prefix TEXT NOT NULL UNIQUE,"
    "  class TEXT NOT NULL CHECK (class IN ('A', 'B', 'C')),"
    "  daily_quota INTEGER NOT NULL DEFAULT 0, pos INTEGER NOT NULL);"
    /* A window keeps its row (and login) across re-configuration;
     * configured = 0 marks one the hall no longer has. */
    "CREATE TABLE win(number INTEGER PRIMARY KEY, name TEXT NOT NULL,"
    "  name_en TEXT NOT NULL DEFAULT '', queues TEXT NOT NULL,"
    "  overflow_minutes INTEGER NOT NULL DEFAULT 0,"
    "  configured INTEGER NOT NULL DEFAULT 1,"
    "  staff TEXT NOT NULL DEFAULT '', login_at INTEGER NOT NULL DEFAULT 0,"
    "  paused INTEGER NOT NULL DEFAULT 0,"
    "  pause_reason TEXT NOT NULL DEFAULT '',"
    "  paused_at INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE service(code TEXT PRIMARY KEY, name TEXT NOT NULL,"
    "  queue TEXT NOT NULL, promised_days INTEGER NOT NULL,"
    "  materials TEXT NOT NULL, initials TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX service_queue ON service(queue, code);"
    "CREATE TABLE staff(id TEXT PRIMARY KEY, name TEXT NOT NULL,"
    "  role TEXT NOT NULL CHECK (role IN ('staff', 'admin')),"
    "  pin_hash TEXT NOT NULL, failed INTEGER NOT NULL DEFAULT 0,"
    "  locked_until INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL);"
    "CREATE TABLE day_seq(day TEXT NOT NULL, queue TEXT NOT NULL,"
    "  last INTEGER NOT NULL, PRIMARY KEY (day, queue)) WITHOUT ROWID;"
    "CREATE TABLE appointment(id INTEGER PRIMARY KEY,"
    "  code TEXT NOT NULL UNIQUE, service TEXT NOT NULL,"
    "  slot_at INTEGER NOT NULL, name TEXT NOT NULL DEFAULT '',"
    "  ticket INTEGER REFERENCES ticket(id), created_at INTEGER NOT NULL);"
    "CREATE TABLE ticket(id INTEGER PRIMARY KEY, day TEXT NOT NULL,"
    "  number TEXT NOT NULL, seq INTEGER NOT NULL, queue TEXT NOT NULL,"
    "  service TEXT NOT NULL DEFAULT '',"
    "  state INTEGER NOT NULL CHECK (state BETWEEN 0 AND 7),"
    "  green TEXT NOT NULL DEFAULT '', issued_at INTEGER NOT NULL,"
    "  virtual_at INTEGER NOT NULL, prio INTEGER NOT NULL DEFAULT 1,"
    "  called_at INTEGER NOT NULL DEFAULT 0,"
    "  started_at INTEGER NOT NULL DEFAULT 0,"
    "  finished_at INTEGER NOT NULL DEFAULT 0,"
    "  win INTEGER NOT NULL DEFAULT 0,"
    "  target_window INTEGER NOT NULL DEFAULT 0,"
    "  staff TEXT NOT NULL DEFAULT '', recalls INTEGER NOT NULL DEFAULT 0,"
    "  outcome TEXT NOT NULL DEFAULT '', rated INTEGER NOT NULL DEFAULT 0,"
    "  appointment INTEGER REFERENCES appointment(id),"
    "  origin TEXT NOT NULL,"   /* queue that gave the number */
    "  UNIQUE (day, number));"
    /* Partial indexes hold only live tickets, so calling the next number
     * costs the same with a year of history as on the first morning. */
    "CREATE INDEX ticket_waiting ON ticket(day, queue, prio, virtual_at, id)"
    "  WHERE state = 0;"
    "CREATE INDEX ticket_waiting_issue ON ticket(day, queue, issued_at, id)"
    "  WHERE state = 0;"
    "CREATE INDEX ticket_at_window ON ticket(win, day) WHERE state IN (1, 2);"
    "CREATE INDEX ticket_open ON ticket(day) WHERE state IN (0, 1, 2, 3, 4);"
    "CREATE TABLE event(id INTEGER PRIMARY KEY, at INTEGER NOT NULL,"
    "  type TEXT NOT NULL, ticket INTEGER REFERENCES ticket(id),"
    "  number TEXT NOT NULL DEFAULT '', queue TEXT NOT NULL DEFAULT '',"
    "  win INTEGER NOT NULL DEFAULT 0, staff TEXT NOT NULL DEFAULT '',"
    "  detail TEXT NOT NULL DEFAULT '{}');"
    "CREATE INDEX event_ticket ON event(ticket) WHERE ticket IS NOT NULL;"
    /* The event log is the hall's record: statistics, 考核 and disputes
     * rest on it, so it is append-only for every program. */
    "CREATE TRIGGER event_no_update BEFORE UPDATE ON event"
    "  BEGIN SELECT raise(ABORT, 'the event log is append-only'); END;"
    "CREATE TRIGGER event_no_delete BEFORE DELETE ON event"
    "  BEGIN SELECT raise(ABORT, 'the event log is append-only'); END;"
    "CREATE TABLE rating(id INTEGER PRIMARY KEY,"
    "  ticket INTEGER NOT NULL REFERENCES ticket(id),"
    "  score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),"
    "  reason TEXT NOT NULL DEFAULT '', win INTEGER NOT NULL DEFAULT 0,"
    "  staff TEXT NOT NULL DEFAULT '', service TEXT NOT NULL DEFAULT '',"
    "  at INTEGER NOT NULL);",
    /* 2: programs report that they are alive (displays, kiosks): a row
     * each, overwritten in place, so a screen that froze shows in
     * `qhall status` without flooding the event log. */
    "CREATE TABLE heartbeat(name TEXT PRIMARY KEY, kind TEXT NOT NULL,"
    "  at INTEGER NOT NULL, info TEXT NOT NULL DEFAULT '');",
    /* 3: follow-ups of 差评 and 办不成 cases (store_stats.c), opened in the
     * rating's or the finish's transaction; and the log's non-ticket events
     * (login, pause ...) by time, for the 考核 scorecard of a month. */
    "CREATE TABLE followup(id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL CHECK (kind IN ('rating', 'failed')),"
    "  ticket INTEGER NOT NULL REFERENCES ticket(id), day TEXT NOT NULL,"
    "  number TEXT NOT NULL, win INTEGER NOT NULL DEFAULT 0,"
    "  staff TEXT NOT NULL DEFAULT '', service TEXT NOT NULL DEFAULT '',"
    "  score INTEGER NOT NULL DEFAULT 0, reason TEXT NOT NULL DEFAULT '',"
    "  opened_at INTEGER NOT NULL, due_day TEXT NOT NULL,"
    "  closed_at INTEGER NOT NULL DEFAULT 0, result TEXT NOT NULL DEFAULT '',"
    "  closed_by TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX followup_open ON followup(due_day) WHERE closed_at = 0;"
    "CREATE INDEX followup_day ON followup(day);"
    "CREATE INDEX event_untied_at ON event(at) WHERE ticket IS NULL;",
    /* 4: issuing a number writes two indexes fewer, and what is read of
     * the queues is read from one.  ticket_waiting carries state (always 0
     * in it), service, issued_at and target_window, so counting, the wait
     * estimate's sample, the head for a window and the oldest for the
     * overflow rule never visit the table but for the ticket they pick;
     * ticket_waiting_issue goes.  ticket_open, which every new ticket
     * entered, gives way to ticket_live, which a ticket enters only once
     * it is called; rollover finds waiting tickets through ticket_waiting. */
    "DROP INDEX ticket_waiting;"
    "DROP INDEX ticket_waiting_issue;"
    "CREATE INDEX ticket_waiting ON ticket(day, queue, state, prio,"
    "  virtual_at, id, service, issued_at, target_window) WHERE state = 0;"
    "DROP INDEX ticket_open;"
    "CREATE INDEX ticket_live ON ticket(day) WHERE state BETWEEN 1 AND 4;"
    /* A ticket links its issued event, which event_ticket then leaves
     * out: issuing writes the event row and no index entry for it, and
     * every other event of the ticket is still one index range away.  The
     * store writes the link with the ticket; a trigger sets it for any
     * other writer. */
    "ALTER TABLE ticket ADD COLUMN issued_event INTEGER NOT NULL DEFAULT 0;"
    "UPDATE ticket SET issued_event = e.id FROM (SELECT ticket, min(id) AS id"
    "  FROM event WHERE type = 'issued' AND ticket IS NOT NULL"
    "  GROUP BY ticket) AS e WHERE ticket.id = e.ticket;"
    "DROP INDEX event_ticket;"
    "CREATE INDEX event_ticket ON event(ticket)"
    "  WHERE ticket IS NOT NULL AND type <> 'issued';"
    "CREATE TRIGGER event_issued_link AFTER INSERT ON event"
    "  WHEN new.type = 'issued' AND new.ticket IS NOT NULL BEGIN"
    "  UPDATE ticket SET issued_event = new.id"
    "    WHERE id = new.ticket AND issued_event != new.id;"
    "  END;"
    /* A day's row per queue also counts the tickets waiting in it (by the
     * queue they are in now; `last` counts by the queue that gave the
     * number).  Triggers keep the count in every transaction that moves a
     * ticket in or out of waiting, whoever writes it, so the people ahead
     * of a new ticket are the count less the few behind it: an issue
     * costs the same with 5 or 500 waiting, and issuing touches no row
     * beyond the one its number already advanced. */
    "ALTER TABLE day_seq ADD COLUMN waiting INTEGER NOT NULL DEFAULT 0;"
    "INSERT INTO day_seq(day, queue, last, waiting)"
    "  SELECT day, queue, 0, count(*) FROM ticket WHERE state = 0"
    "  GROUP BY day, queue"
    "  ON CONFLICT(day, queue) DO UPDATE SET waiting = excluded.waiting;"
    "CREATE TRIGGER ticket_waiting_insert AFTER INSERT ON ticket"
    "  WHEN new.state = 0 BEGIN"
    "  INSERT INTO day_seq(day, queue, last, waiting)"
    "    VALUES (new.day, new.queue, 0, 1)"
    "    ON CONFLICT(day, queue) DO UPDATE SET waiting = waiting + 1;"
    "  END;"
    "CREATE TRIGGER ticket_waiting_update AFTER UPDATE OF state, queue, day"
    "  ON ticket WHEN (old.state = 0 OR new.state = 0) AND (old.state != new.state"
    "  OR old.queue != new.queue OR old.day != new.day) BEGIN"
    "  UPDATE day_seq SET waiting = waiting - 1"
    "    WHERE old.state = 0 AND day = old.day AND queue = old.queue;"
    "  INSERT INTO day_seq(day, queue, last, waiting)"
    "    SELECT new.day, new.queue, 0, 1 WHERE new.state = 0"
    "    ON CONFLICT(day, queue) DO UPDATE SET waiting = waiting + 1;"
    "  END;"
    "CREATE TRIGGER ticket_waiting_delete AFTER DELETE ON ticket"
    "  WHEN old.state = 0 BEGIN"
    "  UPDATE day_seq SET waiting = waiting - 1"
    "    WHERE day = old.day AND queue = old.queue;"
    "  END;",
    /* 5: a ticket's id is its number's place: the service day, a key of
     * the queue that gave the number and the sequence, packed (TID_*
     * below).  A day's numbers of one queue are then one rowid range, so
     * the next number is the range's last row plus one, a number is found
     * by its id, and a day's tickets are a range too: the (day, number)
     * index and the counter row an issue advanced both go, and an issue
     * writes three pages (ticket, waiting index, event) where it wrote
     * five.  Keys are given once per queue code and never reused, so a
     * re-configured hall cannot give two queues one range.  Existing
     * tickets move to their packed ids, and every reference with them.
     * day_seq keeps only what the ids cannot tell: per day and queue, the
     * waiting count less the numbers that queue gave that day (each
     * number given was a ticket waiting in its own queue; triggers keep
     * the rest), so the count is one row and one range end away. */
    "CREATE TABLE queue_key(code TEXT PRIMARY KEY,"
    "  key INTEGER NOT NULL UNIQUE CHECK (key BETWEEN 1 AND 65535))"
    "  WITHOUT ROWID;"
    "INSERT INTO queue_key(code, key)"
    "  SELECT code, row_number() OVER (ORDER BY p, code) FROM"
    "  (SELECT code, pos AS p FROM queue UNION SELECT origin, 1e9 FROM ticket"
    "   WHERE origin NOT IN (SELECT code FROM queue));"
    "CREATE TRIGGER queue_key_new AFTER INSERT ON queue BEGIN"
    "  INSERT OR IGNORE INTO queue_key(code, key)"
    "    VALUES (new.code, (SELECT coalesce(max(key), 0) + 1 FROM queue_key));"
    "  END;"
    "CREATE TEMP TABLE ticket_id_map(old INTEGER PRIMARY KEY,"
    "  new INTEGER NOT NULL);"
    "INSERT INTO temp.ticket_id_map SELECT t.id,"
    "  (CAST(julianday(t.day) - 2440587.5 AS INTEGER) << 40)"
    "  | (k.key << 24) | t.seq FROM ticket t JOIN queue_key k ON k.code = t.origin;"
    "CREATE TABLE ticket_new(id INTEGER PRIMARY KEY, day TEXT NOT NULL,"
    "  number TEXT NOT NULL, seq INTEGER NOT NULL, queue TEXT NOT NULL,"
    "  service TEXT NOT NULL DEFAULT '',"
    "  state INTEGER NOT NULL CHECK (state BETWEEN 0 AND 7),"
    "  green TEXT NOT NULL DEFAULT '', issued_at INTEGER NOT NULL,"
    "  virtual_at INTEGER NOT NULL, prio INTEGER NOT NULL DEFAULT 1,"
    "  called_at INTEGER NOT NULL DEFAULT 0,"
    "  started_at INTEGER NOT NULL DEFAULT 0,"
    "  finished_at INTEGER NOT NULL DEFAULT 0,"
    "  win INTEGER NOT NULL DEFAULT 0,"
    "  target_window INTEGER NOT NULL DEFAULT 0,"
    "  staff TEXT NOT NULL DEFAULT '', recalls INTEGER NOT NULL DEFAULT 0,"
    "  outcome TEXT NOT NULL DEFAULT '', rated INTEGER NOT NULL DEFAULT 0,"
    "  appointment INTEGER REFERENCES appointment(id),"
    "  origin TEXT NOT NULL,"
    "  issued_event INTEGER NOT NULL DEFAULT 0);"
    "INSERT INTO ticket_new SELECT m.new, day, number, seq, queue, service,"
    "  state, green, issued_at, virtual_at, prio, called_at, started_at,"
    "  finished_at, win, target_window, staff, recalls, outcome, rated,"
    "  appointment, origin, issued_event"
    "  FROM ticket t JOIN temp.ticket_id_map m ON m.old = t.id;"
    "DROP TRIGGER event_no_update;"
    "DROP TRIGGER event_issued_link;"
    "UPDATE event SET ticket = (SELECT new FROM temp.ticket_id_map"
    "  WHERE old = event.ticket) WHERE ticket IS NOT NULL;"
    "UPDATE appointment SET ticket = (SELECT new FROM temp.ticket_id_map"
    "  WHERE old = appointment.ticket) WHERE ticket IS NOT NULL;"
    "UPDATE rating SET ticket = (SELECT new FROM temp.ticket_id_map"
    "  WHERE old = rating.ticket);"
    "UPDATE followup SET ticket = (SELECT new FROM temp.ticket_id_map"
    "  WHERE old = followup.ticket);"
    "DROP TABLE temp.ticket_id_map;"
    "DROP TABLE ticket;"
    "ALTER TABLE ticket_new RENAME TO ticket;"
    "CREATE INDEX ticket_waiting ON ticket(day, queue, state, prio,"
    "  virtual_at, id, service, issued_at, target_window) WHERE state = 0;"
    "CREATE INDEX ticket_at_window ON ticket(win, day) WHERE state IN (1, 2);"
    "CREATE INDEX ticket_live ON ticket(day) WHERE state BETWEEN 1 AND 4;"
    "CREATE TRIGGER event_no_update BEFORE UPDATE ON event"
    "  BEGIN SELECT raise(ABORT, 'the event log is append-only'); END;"
    "CREATE TRIGGER event_issued_link AFTER INSERT ON event"
    "  WHEN new.type = 'issued' AND new.ticket IS NOT NULL BEGIN"
    "  UPDATE ticket SET issued_event = new.id"
    "    WHERE id = new.ticket AND issued_event != new.id;"
    "  END;"
    "UPDATE day_seq SET waiting = waiting - last;"
    "ALTER TABLE day_seq DROP COLUMN last;"
    /* A new ticket waiting in the queue that gave its number is counted
     * by its sequence; any other insert is corrected here. */
    "CREATE TRIGGER ticket_waiting_insert AFTER INSERT ON ticket"
    "  WHEN new.state <> 0 OR new.queue <> new.origin BEGIN"
    "  INSERT INTO day_seq(day, queue, waiting) VALUES (new.day, new.origin, -1)"
    "    ON CONFLICT(day, queue) DO UPDATE SET waiting = waiting - 1;"
    "  INSERT INTO day_seq(day, queue, waiting)"
    "    SELECT new.day, new.queue, 1 WHERE new.state = 0"
    "    ON CONFLICT(day, queue) DO UPDATE SET waiting = waiting + 1;"
    "  END;"
    "CREATE TRIGGER ticket_waiting_update AFTER UPDATE OF state, queue, day"
    "  ON ticket WHEN (old.state = 0 OR new.state = 0) AND (old.state != new.state"
    "  OR old.queue != new.queue OR old.day != new.day) BEGIN"
    "  INSERT INTO day_seq(day, queue, waiting)"
    "    SELECT old.day, old.queue, -1 WHERE old.state = 0"
    "    ON CONFLICT(day, queue) DO UPDATE SET waiting = waiting - 1;"
    "  INSERT INTO day_seq(day, queue, waiting)"
    "    SELECT new.day, new.queue, 1 WHERE new.state = 0"
    "    ON CONFLICT(day, queue) DO UPDATE SET waiting = waiting + 1;"
    "  END;"
    /* Numbers are given without gaps and counted by their ranges: a
     * ticket, once given, stays (it is cancelled or expires instead). */
    "CREATE TRIGGER ticket_no_delete BEFORE DELETE ON ticket"
    "  BEGIN SELECT raise(ABORT, 'tickets are kept: cancel them instead'); END;"
    /* A change to the catalogue moves the hall's revision, as a change to
     * the hall does: programs that keep items (qh_store_service_get)
     * learn of it at their next write. */
    "CREATE TRIGGER service_rev_insert AFTER INSERT ON service BEGIN"
    "  UPDATE setting SET value = CAST(value AS INTEGER) + 1"
    "    WHERE key = 'hall_rev'; END;"
    "CREATE TRIGGER service_rev_update AFTER UPDATE ON service BEGIN"
    "  UPDATE setting SET value = CAST(value AS INTEGER) + 1"
    "    WHERE key = 'hall_rev'; END;"
    "CREATE TRIGGER service_rev_delete AFTER DELETE ON service BEGIN"
    "  UPDATE setting SET value = CAST(value AS INTEGER) + 1"
    "    WHERE key = 'hall_rev'; END;",
    /* 6: a ticket waiting in number order is found by its number's place,
     * not through an index, so an issue writes two pages (ticket, event)
     * where it wrote three, and inserts nothing into the middle of a
     * B-tree a second time.  lane 0: the ticket waits in the queue that
     * gave its number, in the normal order (prio 1, virtual time its issue
     * time, no target window), and issue times never go back inside that
     * range (the store checks this at insert): so among them id order is
     * calling order, and the first is found from day_seq's `head`, which
     * no such ticket still waiting lies below.  Anything else that waits
     * (green, an appointment, a released hold, a transfer, a ticket back
     * in a queue for any reason) is lane 1 and in ticket_waiting, which
     * now holds only those: the store moves a ticket to lane 1 whenever it
     * (re-)enters waiting, and nothing moves it back.  Tickets waiting
     * now all go to lane 1, so nothing changes for them. */
    "ALTER TABLE ticket ADD COLUMN lane INTEGER NOT NULL DEFAULT 1"
    "  CHECK (lane IN (0, 1));"
    "ALTER TABLE day_seq ADD COLUMN head INTEGER NOT NULL DEFAULT 1;"
    "DROP INDEX ticket_waiting;"
    "CREATE INDEX ticket_waiting ON ticket(day, queue, state, prio,"
    "  virtual_at, id, service, issued_at, target_window)"
    "  WHERE state = 0 AND lane = 1;"
    /* When a lane-0 ticket leaves waiting with none of lane 0 still
     * waiting between head and it (it was the first, or those before it
     * left out of turn), head moves past it; what lies between (lane 1,
     * or gone) is passed once, here, and not by every reader after. */
    /* The store writes each ticket's link to its issued event with the
     * ticket, and inserts only tickets waiting in the queue that gave
     * their number, which the counts need no correction for.  The
     * triggers that did both for any writer cost a tenth of an issue each
     * (a trigger runs as a sub-program for every row, whether its WHEN
     * holds or not); `qhall check` verifies every link and every count. */
    "DROP TRIGGER event_issued_link;"
    "DROP TRIGGER ticket_waiting_insert;"
    "DROP TRIGGER ticket_waiting_update;"
    "CREATE TRIGGER ticket_waiting_update AFTER UPDATE OF state, queue, day"
    "  ON ticket WHEN (old.state = 0 OR new.state = 0) AND (old.state != new.state"
    "  OR old.queue != new.queue OR old.day != new.day) BEGIN"
    "  INSERT INTO day_seq(day, queue, waiting)"
    "    SELECT old.day, old.queue, -1 WHERE old.state = 0"
    "    ON CONFLICT(day, queue) DO UPDATE SET waiting = waiting - 1;"
    "  UPDATE day_seq SET head = old.seq + 1 WHERE old.state = 0"
    "    AND old.lane = 0 AND day = old.day AND queue = old.queue"
    "    AND head <= old.seq AND NOT EXISTS (SELECT 1 FROM ticket"
    "    WHERE id BETWEEN old.id - old.seq + head AND old.id - 1"
    "    AND state = 0 AND lane = 0);"
    "  INSERT INTO day_seq(day, queue, waiting)"
    "    SELECT new.day, new.queue, 1 WHERE new.state = 0"
    "    ON CONFLICT(day, queue) DO UPDATE SET waiting = waiting + 1;"
    "  END;",
    /* 7: one lock-out of wrong PINs for every program, kept here so a
     * restart does not forget it: a row per staff member and device (the
     * store's actor: "kiosk:1", "counter:3", "cli"), so guesses at a kiosk
     * lock the kiosk and not the clerk's own counter, and a row "*" that
     * counts the tries of every device, so moving between devices buys no
     * tries.  failed counts the wrong PINs since the row last locked (or
     * the last right PIN), strikes the locks since the last right PIN,
     * which each lock lengthens.  A lock in force moves to the "*" row: it
     * locked the account everywhere, as it will.  pin_short is 1 for a PIN
     * shorter than an admin's must be (6 digits), 0 if not, NULL when it
     * was set before this schema: the next right PIN tells. */
    "CREATE TABLE login_lock(staff TEXT NOT NULL REFERENCES staff(id),"
    "  device TEXT NOT NULL, failed INTEGER NOT NULL DEFAULT 0,"
    "  strikes INTEGER NOT NULL DEFAULT 0,"
    "  locked_until INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (staff, device)) WITHOUT ROWID;"
    "INSERT INTO login_lock(staff, device, failed, strikes, locked_until)"
    "  SELECT id, '" QH_LOCK_ALL "', failed, locked_until > 0, locked_until"
    "  FROM staff WHERE failed > 0 OR locked_until > 0;"
    "ALTER TABLE staff DROP COLUMN failed;"
    "ALTER TABLE staff DROP COLUMN locked_until;"
    "ALTER TABLE staff ADD COLUMN pin_short INTEGER"
    "  CHECK (pin_short IN (0, 1));",
    /* 8: every rating says where it came from (rating.h): the channel,
     * the device that took it and the admin who entered one given on
     * paper, by phone or by text.  The ratings before this were chosen on
     * the staff member's own terminal: they become channel 'legacy', kept
     * apart in every report, never mixed in with the citizen's own. */
    "ALTER TABLE rating ADD COLUMN channel TEXT NOT NULL DEFAULT 'legacy'"
    "  CHECK (channel IN ('pad', 'qr', 'paper', 'hotline', 'sms', 'default',"
    "  'legacy'));"
    "ALTER TABLE rating ADD COLUMN device TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE rating ADD COLUMN entered_by TEXT NOT NULL DEFAULT '';"
    /* 申诉: the rated staff member appeals a 差评, an admin upholds or
     * overturns it; an overturned rating stays, left out of the
     * scorecard (stats_report.c reads the decision's event). */
    "ALTER TABLE rating ADD COLUMN appeal TEXT NOT NULL DEFAULT ''"
    "  CHECK (appeal IN ('', 'filed', 'upheld', 'overturned'));"
    "ALTER TABLE rating ADD COLUMN appeal_reason TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE rating ADD COLUMN appeal_at INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE rating ADD COLUMN decided_by TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE rating ADD COLUMN decision_reason TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE rating ADD COLUMN decided_at INTEGER NOT NULL DEFAULT 0;"
    "CREATE INDEX rating_ticket ON rating(ticket);",
    /* 9: the photo of a staff member that the window's pad shows
     * (qh_staff_photo_set), in the database so that every PC of the hall
     * has it; base64 text, kept and copied as any text is. */
    "CREATE TABLE staff_photo(staff TEXT PRIMARY KEY REFERENCES staff(id),"
    "  mime TEXT NOT NULL CHECK (mime IN ('image/png', 'image/jpeg')),"
    "  data TEXT NOT NULL, updated_at INTEGER NOT NULL);",
    /* 10: the secret a slip's QR carries to the phone page (qhall
     * serve), apart from the ticket so that only the kiosk writes it and
     * only the page reads it (on a server: by role). */
    "CREATE TABLE ticket_token(ticket INTEGER PRIMARY KEY REFERENCES ticket(id),"
    "  token TEXT NOT NULL UNIQUE);",
};
#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

int qh_sqlite_schema_latest(void)
{
    return NMIGRATIONS;
}

enum { QH_SVC_CACHE = 16 };

struct qh_store_be {
    sqlite3 *db;
    sqlite3_stmt *q[Q_COUNT];
    char *path;
    enum qh_lang lang;
    char actor[64];
    int in_tx;
    int committing;     /* our COMMIT is running (commit_guard) */
    int has_hall;
    char hall_rev[32];
    int busy_ms;                 /* give up on a locked database after this */
    struct timespec busy_since;
    unsigned busy_seed;
    struct qh_hall_conf hall;
    int qkey[QH_MAX_QUEUES];     /* queue_key of each hall.queues[i] */
    struct qh_service svc_cache[QH_SVC_CACHE];  /* see qh_store_service_get */
    char day_tx[11];             /* the "day" setting in this transaction */
    void *stats;                 /* store_stats.c's statements, lazily */
    void (*stats_fini)(void *);
    void *rows;                  /* store_rows.c's, while a hall is copied */
    void (*rows_fini)(void *);
    int64_t begins;              /* our write transactions begun */
    int64_t tx_event;            /* the last event written in this one */
    int64_t committed_event;     /* ... and in the last that committed */
    int64_t burnt;               /* the highest event id a transaction of
                                    ours was given and rolled back */
    int64_t next_id, next_after; /* qh_store_seq_next's last answer ... */
    int64_t next_begins;         /* ... and in which transaction */
    int64_t inserted_id, inserted_begins;  /* the last ticket we inserted */
    int inserted_lane;                      /* ... and its lane */
    int64_t link_ticket, link_event;       /* a ticket and the event id it
                                              links, reserved for its issued
                                              event ... */
    int64_t link_begins, link_tx_event;    /* ... in this transaction, while
                                              no event was written since */
};

/* Drop the items qh_store_service_get keeps. */
static void svc_forget(struct qh_store_be *s)
{
    memset(s->svc_cache, 0, sizeof s->svc_cache);
}

/* SQLite's own busy timeout sleeps in growing steps up to 100 ms, so under
 * contention a process that just released the lock takes it again while
 * the others sleep: one kiosk could starve the rest.  Short, jittered
 * sleeps keep waiting programs in the race and the wait close to the
 * lock's real hold time (a commit's fsync). */
static int busy_wait(void *ud, int count)
{
    struct qh_store_be *s = ud;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (count == 0) {
        s->busy_since = now;
        if (!s->busy_seed)
            s->busy_seed = (unsigned)now.tv_nsec ^ (unsigned)getpid();
    }
    int64_t waited_us = (now.tv_sec - s->busy_since.tv_sec) * 1000000LL +
                        (now.tv_nsec - s->busy_since.tv_nsec) / 1000;
    if (waited_us >= (int64_t)s->busy_ms * 1000)
        return 0;
    int cap = count < 4 ? 100 << count : 2000;
    struct timespec ts = {0, (long)(50 + rand_r(&s->busy_seed) % (unsigned)cap) * 1000};
    nanosleep(&ts, NULL);
    return 1;
}

/* The QH_E_* code of an SQLite result code. */
static int rc_of(int src)
{
    int base = src & 0xff;
    if (base == SQLITE_BUSY || base == SQLITE_LOCKED)
        return QH_E_BUSY;
    /* Not NOTADB: a file that is no database at all (a wrong --db) is not
     * one to restore. */
    if (base == SQLITE_CORRUPT)
        return QH_E_CORRUPT;
    if (src == SQLITE_CONSTRAINT_PRIMARYKEY || src == SQLITE_CONSTRAINT_UNIQUE)
        return QH_E_EXISTS;
    if (base == SQLITE_NOMEM)
        return QH_E_NOMEM;
    return QH_E_DB;
}

/* A damaged file is not a passing fault: the hall must stop and restore a
 * backup, so the message says so and quotes what SQLite's own check finds
 * (its first problems, or SQLite's message if it finds none). */
static int damaged(struct qh_store_be *s, char *err, size_t errlen)
{
    char found[512] = "", why[256], msg[1280];
    sqlite3_stmt *st = NULL;
    if (!err || !errlen)
        return QH_E_CORRUPT;
    snprintf(why, sizeof why, "%s", sqlite3_errmsg(s->db));
    if (sqlite3_prepare_v2(s->db, "PRAGMA integrity_check(4)", -1, &st, NULL) == SQLITE_OK)
        while (sqlite3_step(st) == SQLITE_ROW) {
            /* A row may hold several lines, under a "*** in database" one. */
            const char *v = (const char *)sqlite3_column_text(st, 0);
            for (const char *p = v; p && *p;) {
                size_t k = strcspn(p, "\n"), n = strlen(found);
                if (strncmp(p, "ok", k > 2 ? k : 2) && strncmp(p, "*** ", 4) &&
                    n + 3 < sizeof found)
                    snprintf(found + n, sizeof found - n, "%s%.*s", n ? "; " : "",
                             (int)k, p);
                p += k + (p[k] == '\n');
            }
        }
    sqlite3_finalize(st);
    if (found[0])
        snprintf(msg, sizeof msg, QH_TR(s->lang,
                 "数据库 %s 已损坏，请停用并用 qhall backup 做的备份恢复（PRAGMA integrity_check：%s）",
                 "the database %s is damaged: stop using it and restore a backup made with"
                 " qhall backup (PRAGMA integrity_check: %s)"), s->path, found);
    else
        snprintf(msg, sizeof msg, QH_TR(s->lang,
                 "数据库 %s 已损坏，请停用并用 qhall backup 做的备份恢复（%s）",
                 "the database %s is damaged: stop using it and restore a backup made with"
                 " qhall backup (%s)"), s->path, why);
    /* Cut at a character boundary: the caller's buffer may be short. */
    size_t n = strlen(msg);
    if (n >= errlen) {
        n = errlen - 1;
        while (n > 0 && ((unsigned char)msg[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(err, msg, n);
    err[n] = '\0';
    return QH_E_CORRUPT;
}

/* 1 when src says the disk (or the user's quota) is full: SQLITE_FULL
 * when a file that is there cannot grow, but an I/O error when SQLite
 * could not even size the -shm it needs to read a file no program holds
 * open (IOERR_SHMSIZE), or a write the OS refused with ENOSPC. */
static int disk_full(sqlite3 *db, int src)
{
    int base = src & 0xff, no = db ? sqlite3_system_errno(db) : 0;
    return base == SQLITE_FULL || src == SQLITE_IOERR_SHMSIZE ||
           (base == SQLITE_IOERR && (no == ENOSPC || no == EDQUOT));
}

static int db_fail(struct qh_store_be *s, int src, char *err, size_t errlen,
                   const char *what)
{
    if (s && disk_full(s->db, src))
        return qh_store_err_full(s->lang, strcmp(what, s->path) ? what
                                          : QH_TR(s->lang, "打开", "open"),
                                 s->path, err, errlen);
    int rc = rc_of(src);
    if (rc == QH_E_CORRUPT && s && s->db)
        return damaged(s, err, errlen);
    return qh_err(err, errlen, rc, "%s: %s", what,
                  s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(src));
}

/* A prepared statement, reset and unbound, ready for binding. */
static sqlite3_stmt *stmt(struct qh_store_be *s, int q)
{
    sqlite3_stmt *st = s->q[q];
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return st;
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
    sqlite3_bind_text(st, i, v ? v : "", -1, SQLITE_STATIC);
}

/* Column i into out, cut (if it must be) at a character boundary: a
 * row read copies a dozen columns, so this is a plain copy, not printf. */
static void col_text(sqlite3_stmt *st, int i, char *out, size_t outlen)
{
    const unsigned char *v = sqlite3_column_text(st, i);
    size_t n = v ? (size_t)sqlite3_column_bytes(st, i) : 0;
    if (!outlen)
        return;
    if (n >= outlen) {
        n = outlen - 1;
        while (n > 0 && (v[n] & 0xC0) == 0x80)
            n--;
    }
    if (n)
        memcpy(out, v, n);
    out[n] = '\0';
}

/* Run a statement that returns no rows (or whose rows are ignored). */
static int exec_stmt(struct qh_store_be *s, sqlite3_stmt *st, char *err,
                     size_t errlen, const char *what)
{
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW)
        ;
    sqlite3_reset(st);
    if (src != SQLITE_DONE)
        return db_fail(s, sqlite3_extended_errcode(s->db), err, errlen, what);
    return 0;
}

/* After a loop over st's rows: reset it, and the failure if the last step
 * (src) was neither a row nor the end. */
static int exec_end(struct qh_store_be *s, sqlite3_stmt *st, int src, char *err,
                    size_t errlen, const char *what)
{
    int xrc = sqlite3_extended_errcode(s->db);
    sqlite3_reset(st);
    if (src != SQLITE_ROW && src != SQLITE_DONE)
        return db_fail(s, xrc, err, errlen, what);
    return 0;
}

/* First column of the first row as an integer into *out, def when there
 * is no row or it is NULL: 0, or the failure (a read that fails is never
 * taken for "none": a last event id of 0 would replay the whole log). */
static int scalar(struct qh_store_be *s, sqlite3_stmt *st, int64_t def, int64_t *out,
                  char *err, size_t errlen, const char *what)
{
    int src = sqlite3_step(st);
    int xrc = sqlite3_extended_errcode(s->db);
    *out = def;
    if (src == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        *out = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (src != SQLITE_ROW && src != SQLITE_DONE)
        return db_fail(s, xrc, err, errlen, what);
    return 0;
}

/* A count read by scalar: the count, or < 0. */
static int count_of(struct qh_store_be *s, sqlite3_stmt *st, const char *what)
{
    int64_t n;
    int rc = scalar(s, st, 0, &n, NULL, 0, what);
    return rc < 0 ? rc : (int)n;
}

/* Step a statement that returns at most one row, reading it with fn:
 * 0, QH_E_NOTFOUND, or QH_E_BUSY/QH_E_CORRUPT/QH_E_DB. */
static int one_row(sqlite3_stmt *st, void (*fn)(sqlite3_stmt *, void *), void *out)
{
    int src = sqlite3_step(st);
    int rc = QH_E_NOTFOUND;
    if (src == SQLITE_ROW) {
        fn(st, out);
        rc = 0;
    } else if (src != SQLITE_DONE) {
        rc = rc_of(src);
    }
    sqlite3_reset(st);
    return rc;
}

/* 1 if a reference is broken: the step is then refused. */
static int fk_broken(struct qh_store_be *s)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "PRAGMA foreign_key_check", -1, &st, NULL))
        return 1;
    int broken = sqlite3_step(st) != SQLITE_DONE;
    sqlite3_finalize(st);
    return broken;
}

/* A schema newer than ours was made by a later qhall: an older program
 * (a package downgraded, an old PC) must not write to it, nor misread
 * it, so the open stops before anything touches the file. */
static int newer(struct qh_store_be *s, int version, char *err, size_t errlen)
{
    return qh_store_err_newer(s->lang, s->path, version, NMIGRATIONS, err, errlen);
}

/* The schema version the file says, before anything is written to it. */
static int read_version(struct qh_store_be *s, int *version, char *err, size_t errlen)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL))
        return db_fail(s, sqlite3_extended_errcode(s->db), err, errlen, s->path);
    int src = sqlite3_step(st);
    *version = src == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    if (src != SQLITE_ROW)
        return db_fail(s, sqlite3_extended_errcode(s->db), err, errlen, s->path);
    return 0;
}

/* SQLite rolls a transaction back by itself after some errors (an I/O
 * error, a full disk, no memory) and carries on in autocommit mode: a
 * statement the operation ran after that would commit alone, half an
 * operation told as failed.  While a transaction of ours is open, only
 * our COMMIT commits; anything else that would is rolled back
 * (SQLITE_CONSTRAINT_COMMITHOOK) and fails the operation. */
static int commit_guard(void *arg)
{
    const struct qh_store_be *s = arg;
    return s->in_tx && !s->committing;
}

/* What every connection of ours is set up with. */
static void conn_setup(struct qh_store_be *s)
{
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_handler(s->db, busy_wait, s);
    sqlite3_commit_hook(s->db, commit_guard, s);
}

/* A file no program holds open on a full disk: SQLite cannot give it the
 * -shm every reader of a WAL file shares, so even a read fails.  With the
 * locking mode EXCLUSIVE the connection keeps that index in its own
 * memory and reads (status, check, a report) work; it holds the file
 * until it is closed, so only the CLI's open, which is brief, does this
 * (a screen retries until there is room).  A write still fails, as disk
 * full. */
static int read_exclusive(struct qh_store_be *s, int flags, int *version, char *err,
                          size_t errlen)
{
    sqlite3_close(s->db);
    s->db = NULL;
    /* A read-only descriptor cannot take the file's exclusive lock
     * (IOERR_LOCK): a READONLY open reads through a read-write one that
     * query_only keeps from writing. */
    int src = sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_READWRITE,
                              NULL);
    if (src)
        return qh_store_err_full(s->lang, QH_TR(s->lang, "打开", "open"), s->path, err,
                                 errlen);
    conn_setup(s);
    if (sqlite3_exec(s->db, (flags & QH_STORE_READONLY)
                                ? "PRAGMA locking_mode = EXCLUSIVE; PRAGMA query_only = ON"
                                : "PRAGMA locking_mode = EXCLUSIVE",
                     NULL, NULL, NULL))
        return db_fail(s, sqlite3_extended_errcode(s->db), err, errlen, s->path);
    return read_version(s, version, err, errlen);
}

/* A read-only open cannot migrate: an older schema is named with what to
 * do, rather than failing later on a column it lacks. */
static int schema_current(struct qh_store_be *s, char *err, size_t errlen)
{
    int version, rc;
    if ((rc = read_version(s, &version, err, errlen)) < 0)
        return rc;
    if (version > NMIGRATIONS)
        return newer(s, version, err, errlen);
    if (version < NMIGRATIONS)
        return qh_err(err, errlen, QH_E_DB,
                      QH_TR(s->lang,
                            "%s：数据库结构为第 %d 版，本程序为第 %d 版；检查只读不写，"
                            "请先运行一次 qhall status 完成升级，再检查",
                            "%s: schema version %d, this qhall uses %d; check only reads:"
                            " run qhall status once to upgrade it, then check"),
                      s->path, version, NMIGRATIONS);
    return 0;
}

static int migrate_steps(struct qh_store_be *s, char *err, size_t errlen)
{
    for (;;) {
        sqlite3_stmt *st;
        int version = 0;
        if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL))
            return db_fail(s, sqlite3_errcode(s->db), err, errlen, "schema");
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW)
            version = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
        if (src != SQLITE_ROW)
            return db_fail(s, sqlite3_extended_errcode(s->db), err, errlen, "schema");
        if (version > NMIGRATIONS)
            return newer(s, version, err, errlen);
        if (version == NMIGRATIONS)
            return 0;
        /* Re-read the version inside the write lock: another program may
         * have migrated between our read and our lock. */
        src = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
        if (src)
            return db_fail(s, sqlite3_extended_errcode(s->db), err, errlen, "schema");
        if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL)) {
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            return db_fail(s, sqlite3_errcode(s->db), err, errlen, "schema");
        }
        int now = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
        sqlite3_finalize(st);
        if (now == version) {
            char pragma[64];
            snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", version + 1);
            if (sqlite3_exec(s->db, migrations[version], NULL, NULL, NULL) ||
                sqlite3_exec(s->db, pragma, NULL, NULL, NULL)) {
                int rc = db_fail(s, sqlite3_extended_errcode(s->db), err,
                                 errlen, "schema migration");
                sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
                return rc;
            }
            if (fk_broken(s)) {
                sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
                return qh_err(err, errlen, QH_E_DB, "%s: schema migration %d"
                              " would break a reference", s->path, version + 1);
            }
        }
        if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL)) {
            int rc = db_fail(s, sqlite3_extended_errcode(s->db), err, errlen,
                             "schema commit");
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            return rc;
        }
    }
}

/* Migrations rebuild tables others refer to (5: ticket), which SQLite
 * allows only with foreign keys off; each step then proves, before it
 * commits, that every reference still holds. */
static int migrate(struct qh_store_be *s, char *err, size_t errlen)
{
    if (sqlite3_exec(s->db, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL))
        return db_fail(s, sqlite3_extended_errcode(s->db), err, errlen, "schema");
    int rc = migrate_steps(s, err, errlen);
    if (sqlite3_exec(s->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL) && rc == 0)
        rc = db_fail(s, sqlite3_extended_errcode(s->db), err, errlen, "schema");
    return rc;
}

int qh_sqlite_open(struct qh_store_be **out, const char *path, int flags,
                  char *err, size_t errlen)
{
    int rc = 0;
    *out = NULL;
    struct qh_store_be *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        free(s);
        return qh_err(err, errlen, QH_E_NOMEM, "out of memory");
    }
    snprintf(s->actor, sizeof s->actor, "lib");
    s->lang = (flags & QH_STORE_EN) ? QH_LANG_EN : QH_LANG_ZH;
    /* Only the CLI makes a database: a screen or a check pointed at the
     * wrong path must not leave a file behind, nor make a schema in an
     * empty file that is meant to be something else. */
    struct stat fst;
    if ((flags & (QH_STORE_READONLY | QH_STORE_EXISTING)) && stat(path, &fst) < 0) {
        rc = qh_err(err, errlen, QH_E_NOTFOUND, "%s: %s", path,
                    QH_TR(s->lang, "没有这个数据库", "no such database"));
        goto fail;
    }
    if ((flags & (QH_STORE_READONLY | QH_STORE_EXISTING)) && fst.st_size == 0) {
        rc = qh_err(err, errlen, QH_E_NOTFOUND, "%s: %s", path,
                    QH_TR(s->lang, "数据库是空文件，尚未初始化（请运行 qhall init）",
                          "the database is an empty file, not set up yet (run qhall init)"));
        goto fail;
    }
    int oflags = SQLITE_OPEN_NOMUTEX |
                 ((flags & QH_STORE_READONLY) ? SQLITE_OPEN_READONLY
                  : (flags & QH_STORE_EXISTING) ? SQLITE_OPEN_READWRITE
                                                : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    /* SQLite would create the file with the umask's mode (0644); an empty
     * private file made first is a new database to it, and its -wal and
     * -shm take that file's mode. */
    if ((!(flags & (QH_STORE_READONLY | QH_STORE_EXISTING)) &&
         (rc = qh_sqlite_create_private(path, 0, s->lang, err, errlen)) < 0) ||
        (rc = qh_sqlite_check_perms(path, s->lang, err, errlen)) < 0)
        goto fail;
    rc = 0;
    int src = sqlite3_open_v2(path, &s->db, oflags, NULL);
    if (src) {
        rc = qh_err(err, errlen, src == SQLITE_CANTOPEN ? QH_E_IO : QH_E_DB,
                    "%s: %s", path, s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(src));
        goto fail;
    }
    s->busy_ms = qh_store_busy_default();
    conn_setup(s);
    /* Before the journal mode is set (which rewrites the header of a file
     * that is not in WAL mode yet): a newer schema leaves the file as it
     * was, byte for byte. */
    int version;
    if ((rc = read_version(s, &version, err, errlen)) < 0 &&
        disk_full(s->db, sqlite3_extended_errcode(s->db)) && !(flags & QH_STORE_EXISTING))
        rc = read_exclusive(s, flags, &version, err, errlen);
    if (rc < 0)
        goto fail;
    if (version > NMIGRATIONS) {
        rc = newer(s, version, err, errlen);
        goto fail;
    }
    const char *sync = getenv("QHALL_SYNC");
    char pragmas[256];
    snprintf(pragmas, sizeof pragmas,
             "%sPRAGMA synchronous = %s; PRAGMA foreign_keys = ON;",
             (flags & QH_STORE_READONLY) ? "" : "PRAGMA journal_mode = WAL; ",
             sync && !strcmp(sync, "normal") ? "NORMAL" : "FULL");
    if (sqlite3_exec(s->db, pragmas, NULL, NULL, NULL)) {
        rc = db_fail(s, sqlite3_extended_errcode(s->db), err, errlen, path);
        goto fail;
    }
    if ((rc = (flags & QH_STORE_READONLY) ? schema_current(s, err, errlen)
                                          : migrate(s, err, errlen)) < 0)
        goto fail;
    for (int i = 0; i < Q_COUNT; i++) {
        if (sqlite3_prepare_v3(s->db, sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                               &s->q[i], NULL)) {
            rc = db_fail(s, sqlite3_extended_errcode(s->db), err, errlen, path);
            goto fail;
        }
    }
    if ((rc = qh_sqlite_hall_reload(s, err, errlen)) < 0)
        goto fail;
    *out = s;
    return 0;
fail:
    qh_sqlite_close(s);
    return rc;
}

void qh_sqlite_close(struct qh_store_be *s)
{
    if (!s)
        return;
    if (s->stats_fini)
        s->stats_fini(s->stats);
    if (s->rows_fini)
        s->rows_fini(s->rows);
    for (int i = 0; i < Q_COUNT; i++)
        sqlite3_finalize(s->q[i]);
    sqlite3_close(s->db);
    free(s->path);
    free(s);
}

const char *qh_sqlite_path(const struct qh_store_be *s)
{
    return s->path;
}

/* store_internal.h: a second SQL module on this connection. */
sqlite3 *qh_sqlite_db(struct qh_store_be *s)
{
    return s->db;
}

void *qh_sqlite_stats(struct qh_store_be *s)
{
    return s->stats;
}

void qh_sqlite_stats_set(struct qh_store_be *s, void *stats, void (*fini)(void *))
{
    s->stats = stats;
    s->stats_fini = fini;
}

void *qh_sqlite_rows(struct qh_store_be *s)
{
    return s->rows;
}

void qh_sqlite_rows_set(struct qh_store_be *s, void *rows, void (*fini)(void *))
{
    if (s->rows_fini && s->rows != rows)
        s->rows_fini(s->rows);
    s->rows = rows;
    s->rows_fini = fini;
}

void qh_sqlite_set_lang(struct qh_store_be *s, enum qh_lang lang)
{
    s->lang = lang;
}

enum qh_lang qh_sqlite_lang(const struct qh_store_be *s)
{
    return s->lang;
}

void qh_sqlite_set_actor(struct qh_store_be *s, const char *actor)
{
    snprintf(s->actor, sizeof s->actor, "%s", actor ? actor : "");
}

const char *qh_sqlite_actor(const struct qh_store_be *s)
{
    return s->actor;
}

void qh_sqlite_set_busy(struct qh_store_be *s, int ms)
{
    s->busy_ms = ms;
}

int qh_sqlite_busy(const struct qh_store_be *s)
{
    return s->busy_ms;
}

int qh_sqlite_begin(struct qh_store_be *s, char *err, size_t errlen)
{
    if (s->in_tx || !sqlite3_get_autocommit(s->db))
        return qh_err(err, errlen, QH_E_STATE, "transaction already open");
    int rc = exec_stmt(s, stmt(s, Q_BEGIN), err, errlen, "begin");
    if (rc < 0)
        return rc;
    s->in_tx = 1;
    s->begins++;
    s->tx_event = 0;
    /* Another program may have re-initialised the hall since we loaded it,
     * or rolled the service day over; inside the lock what we read is
     * what we act on. */
    char rev[32] = "";
    sqlite3_stmt *st = stmt(s, Q_SETTING_BEGIN);
    s->day_tx[0] = '\0';
    int src = sqlite3_step(st), xrc = sqlite3_extended_errcode(s->db);
    if (src == SQLITE_ROW) {
        col_text(st, 0, rev, sizeof rev);
        col_text(st, 1, s->day_tx, sizeof s->day_tx);
    }
    sqlite3_reset(st);
    if (src != SQLITE_ROW) {
        rc = db_fail(s, xrc, err, errlen, "begin");
        qh_sqlite_rollback(s);
        return rc;
    }
    if (strcmp(rev, s->hall_rev) && (rc = qh_sqlite_hall_reload(s, err, errlen)) < 0) {
        qh_sqlite_rollback(s);
        return rc;
    }
    return 0;
}

int qh_sqlite_begin_read(struct qh_store_be *s, char *err, size_t errlen)
{
    if (!sqlite3_get_autocommit(s->db))
        return qh_err(err, errlen, QH_E_STATE, "transaction already open");
    return exec_stmt(s, stmt(s, Q_BEGIN_READ), err, errlen, "begin");
}

void qh_sqlite_end_read(struct qh_store_be *s)
{
    /* Not a write transaction's end: that is commit or rollback. */
    if (!s || s->in_tx || sqlite3_get_autocommit(s->db))
        return;
    sqlite3_stmt *st = stmt(s, Q_COMMIT);
    sqlite3_step(st);
    sqlite3_reset(st);
}

int qh_sqlite_commit(struct qh_store_be *s, char *err, size_t errlen)
{
    if (!s->in_tx)
        return qh_err(err, errlen, QH_E_STATE, "no transaction open");
    if (sqlite3_get_autocommit(s->db)) {
        /* SQLite rolled it back after an error the operation went past. */
        qh_sqlite_rollback(s);
        return qh_err(err, errlen, QH_E_DB, "%s",
                      QH_TR(s->lang, "commit：事务已因先前的错误回滚，本次操作没有做",
                            "commit: the transaction was rolled back after an earlier"
                            " error; this was not done"));
    }
    s->committing = 1;
    int rc = exec_stmt(s, stmt(s, Q_COMMIT), err, errlen, "commit");
    s->committing = 0;
    if (rc < 0) {
        qh_sqlite_rollback(s);
        return rc;
    }
    s->in_tx = 0;
    /* SQLite gives the ids of rolled-back rows again: an id at or below
     * one we rolled back may name two events, so it is not reported.
     * Ids only grow from here, so past it nothing is ambiguous. */
    if (s->tx_event) {
        s->committed_event = s->tx_event > s->burnt ? s->tx_event : 0;
        if (s->tx_event > s->burnt)
            s->burnt = 0;
    }
    s->tx_event = 0;
    return 0;
}

int64_t qh_sqlite_tx_event(const struct qh_store_be *s)
{
    return s->in_tx ? s->tx_event : 0;
}

int64_t qh_sqlite_committed_event(const struct qh_store_be *s)
{
    return s->committed_event;
}

void qh_sqlite_rollback(struct qh_store_be *s)
{
    if (!s)
        return;
    s->in_tx = 0;
    if (s->tx_event > s->burnt)
        s->burnt = s->tx_event;
    s->tx_event = 0;
    /* It may hold what the transaction wrote to the catalogue. */
    svc_forget(s);
    if (sqlite3_get_autocommit(s->db))
        return;   /* SQLite already rolled back (e.g. after SQLITE_FULL) */
    sqlite3_stmt *st = stmt(s, Q_ROLLBACK);
    sqlite3_step(st);
    sqlite3_reset(st);
    s->in_tx = 0;
}

const char *qh_sqlite_errmsg(struct qh_store_be *s)
{
    return s->db && sqlite3_errcode(s->db) != SQLITE_OK ? sqlite3_errmsg(s->db) : "";
}

int qh_sqlite_in_tx(const struct qh_store_be *s)
{
    return s->in_tx;
}

int qh_sqlite_data_version(struct qh_store_be *s, int64_t *out,
                          char *err, size_t errlen)
{
    sqlite3_stmt *st = stmt(s, Q_DATA_VERSION);
    int src = sqlite3_step(st);
    if (src != SQLITE_ROW) {
        sqlite3_reset(st);
        return db_fail(s, sqlite3_extended_errcode(s->db), err, errlen, "data_version");
    }
    *out = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return 0;
}

/* ---- settings and hall ---- */

/* 1 found (into out), 0 not, or the failure with its message. */
static int setting_read(struct qh_store_be *s, const char *key, char *out,
                        size_t outlen, char *err, size_t errlen)
{
    sqlite3_stmt *st = stmt(s, Q_SETTING_GET);
    bind_text(st, 1, key);
    int src = sqlite3_step(st), xrc = sqlite3_extended_errcode(s->db);
    if (src == SQLITE_ROW)
        col_text(st, 0, out, outlen);
    sqlite3_reset(st);
    if (src != SQLITE_ROW && src != SQLITE_DONE)
        return db_fail(s, xrc, err, errlen, key);
    return src == SQLITE_ROW;
}

int qh_sqlite_setting_get(struct qh_store_be *s, const char *key,
                         char *out, size_t outlen)
{
    return setting_read(s, key, out, outlen, NULL, 0);
}

int qh_sqlite_day_behind(struct qh_store_be *s, const char *day)
{
    /* A write transaction read the setting as it began (qh_store_begin). */
    if (s->in_tx)
        return strcmp(s->day_tx, day) < 0;
    char last[16] = "";
    int rc = qh_sqlite_setting_get(s, "day", last, sizeof last);
    return rc < 0 ? rc : strcmp(last, day) < 0;
}

int qh_sqlite_setting_set(struct qh_store_be *s, const char *key,
                         const char *val, char *err, size_t errlen)
{
    sqlite3_stmt *st = stmt(s, Q_SETTING_SET);
    bind_text(st, 1, key);
    bind_text(st, 2, val);
    if (!strcmp(key, "day"))
        snprintf(s->day_tx, sizeof s->day_tx, "%.10s", val);
    return exec_stmt(s, st, err, errlen, "setting");
}

int qh_sqlite_has_hall(struct qh_store_be *s)
{
    return s->has_hall;
}

int qh_sqlite_is_blank(struct qh_store_be *s, char *err, size_t errlen)
{
    int64_t blank;
    int rc = scalar(s, stmt(s, Q_BLANK), 0, &blank, err, errlen, "database");
    return rc < 0 ? rc : blank != 0;
}

const struct qh_hall_conf *qh_sqlite_hall(struct qh_store_be *s)
{
    return &s->hall;
}

/* An integer setting into *v, left as it is when not set; 0 or < 0. */
static int setting_int(struct qh_store_be *s, const char *key, int *v, char *err,
                       size_t errlen)
{
    char buf[32];
    int rc = setting_read(s, key, buf, sizeof buf, err, errlen);
    if (rc > 0)
        *v = atoi(buf);
    return rc < 0 ? rc : 0;
}

/* The hall as stored into c (and each queue's key into qkey, its revision
 * into rev): 1, 0 when there is none yet, or the first read that failed. */
static int hall_read(struct qh_store_be *s, struct qh_hall_conf *c, int *qkey,
                     char *rev, size_t revlen, char *err, size_t errlen)
{
    char v[QH_CONF_SETTING_MAX];
    int rc, src;
    sqlite3_stmt *st;
    qh_conf_defaults(c);
    if ((rc = setting_read(s, "hall_rev", rev, revlen, err, errlen)) <= 0)
        return rc;
    /* Every plain setting through the one table (qh_conf_setting_*): a
     * key the database does not hold keeps its default. */
    for (int i = 0; i < qh_conf_setting_count(); i++) {
        if ((rc = setting_read(s, qh_conf_setting_key(i), v, sizeof v, err, errlen)) < 0)
            return rc;
        if (rc)
            qh_conf_setting_set(c, i, v);
    }
    st = stmt(s, Q_QUOTA_ALL);
    c->nquotas = 0;
    while ((src = sqlite3_step(st)) == SQLITE_ROW && c->nquotas < QH_MAX_QUOTAS) {
        struct qh_item_quota *q = &c->quotas[c->nquotas++];
        col_text(st, 0, q->code, sizeof q->code);
        q->quota = sqlite3_column_int(st, 1);
    }
    if ((rc = exec_end(s, st, src, err, errlen, "quotas")) < 0)
        return rc;
    st = stmt(s, Q_QUEUE_ALL);
    c->nqueues = 0;
    while ((src = sqlite3_step(st)) == SQLITE_ROW && c->nqueues < QH_MAX_QUEUES) {
        struct qh_queue_conf *q = &c->queues[c->nqueues++];
        col_text(st, 0, q->code, sizeof q->code);
        col_text(st, 1, q->name, sizeof q->name);
        col_text(st, 2, q->name_en, sizeof q->name_en);
        col_text(st, 3, q->prefix, sizeof q->prefix);
        char k[4];
        col_text(st, 4, k, sizeof k);
        q->klass = k[0];
        q->daily_quota = sqlite3_column_int(st, 5);
        qkey[c->nqueues - 1] = sqlite3_column_int(st, 6);
    }
    if ((rc = exec_end(s, st, src, err, errlen, "queues")) < 0)
        return rc;
    st = stmt(s, Q_WIN_ALL);
    c->nwindows = 0;
    while ((src = sqlite3_step(st)) == SQLITE_ROW && c->nwindows < QH_MAX_WINDOWS) {
        struct qh_window_conf *w = &c->windows[c->nwindows++];
        w->number = sqlite3_column_int(st, 0);
        col_text(st, 1, w->name, sizeof w->name);
        col_text(st, 2, w->name_en, sizeof w->name_en);
        col_text(st, 3, v, sizeof v);
        w->nqueues = 0;
        char *save = NULL;
        for (char *tok = strtok_r(v, ",", &save); tok && w->nqueues < QH_MAX_QUEUES;
             tok = strtok_r(NULL, ",", &save))
            snprintf(w->queues[w->nqueues++], QH_CODE_LEN, "%s", tok);
        w->overflow_minutes = sqlite3_column_int(st, 4);
    }
    if ((rc = exec_end(s, st, src, err, errlen, "windows")) < 0)
        return rc;
    return 1;
}

int qh_sqlite_hall_reload(struct qh_store_be *s, char *err, size_t errlen)
{
    /* Settings, queues and windows of one hall: read in one transaction
     * (the caller's, or one of our own), never half of one `init` and
     * half of the next.  On failure the hall loaded before stays, and
     * hall_rev with it, so the next transaction tries again. */
    struct qh_hall_conf *c = malloc(sizeof *c);
    int qkey[QH_MAX_QUEUES] = {0}, own = sqlite3_get_autocommit(s->db), rc;
    char rev[sizeof s->hall_rev] = "";
    if (!c)
        return qh_err(err, errlen, QH_E_NOMEM, "out of memory");
    if (own && (rc = exec_stmt(s, stmt(s, Q_BEGIN_READ), err, errlen, "hall")) < 0)
        goto out;
    rc = hall_read(s, c, qkey, rev, sizeof rev, err, errlen);
    if (own)
        qh_sqlite_end_read(s);
    if (rc < 0)
        goto out;
    svc_forget(s);
    s->hall = *c;
    memcpy(s->qkey, qkey, sizeof s->qkey);
    snprintf(s->hall_rev, sizeof s->hall_rev, "%s", rev);
    s->has_hall = rc > 0 && c->nqueues > 0;
    rc = 0;
out:
    free(c);
    return rc;
}

int qh_sqlite_hall_save(struct qh_store_be *s, const struct qh_hall_conf *c,
                       char *err, size_t errlen)
{
    int rc;
    char v[QH_CONF_SETTING_MAX];
    struct qh_buf b;
    qh_buf_init(&b);
#define SET(k, val) \
    if ((rc = qh_sqlite_setting_set(s, k, val, err, errlen)) < 0) goto out
#define SETI(k, val) \
    snprintf(v, sizeof v, "%d", (int)(val)); SET(k, v)
    for (int i = 0; i < qh_conf_setting_count(); i++) {
        qh_conf_setting_get(c, i, v, sizeof v);
        SET(qh_conf_setting_key(i), v);
    }
    if ((rc = exec_stmt(s, stmt(s, Q_QUOTA_CLEAR), err, errlen, "quota")) < 0)
        goto out;
    for (int i = 0; i < c->nquotas && i < QH_MAX_QUOTAS; i++) {
        char key[8 + QH_ITEM_CODE_LEN];
        snprintf(key, sizeof key, "quota.%s", c->quotas[i].code);
        SETI(key, c->quotas[i].quota);
    }
    if ((rc = exec_stmt(s, stmt(s, Q_QUEUE_CLEAR), err, errlen, "queues")) < 0)
        goto out;
    for (int i = 0; i < c->nqueues; i++) {
        const struct qh_queue_conf *q = &c->queues[i];
        char k[2] = {q->klass, 0};
        sqlite3_stmt *st = stmt(s, Q_QUEUE_INSERT);
        bind_text(st, 1, q->code);
        bind_text(st, 2, q->name);
        bind_text(st, 3, q->name_en);
        bind_text(st, 4, q->prefix);
        bind_text(st, 5, k);
        sqlite3_bind_int(st, 6, q->daily_quota);
        sqlite3_bind_int(st, 7, i);
        if ((rc = exec_stmt(s, st, err, errlen, "queue")) < 0)
            goto out;
    }
    /* Mark all windows unconfigured, then upsert the configured ones:
     * a window that stays keeps its login and pause. */
    if ((rc = exec_stmt(s, stmt(s, Q_WIN_UNCONFIGURE), err, errlen, "window")) < 0)
        goto out;
    for (int i = 0; i < c->nwindows; i++) {
        const struct qh_window_conf *w = &c->windows[i];
        qh_buf_reset(&b);
        for (int j = 0; j < w->nqueues; j++)
            qh_buf_printf(&b, "%s%s", j ? "," : "", w->queues[j]);
        sqlite3_stmt *st = stmt(s, Q_WIN_UPSERT_CONF);
        sqlite3_bind_int(st, 1, w->number);
        bind_text(st, 2, w->name);
        bind_text(st, 3, w->name_en);
        bind_text(st, 4, qh_buf_str(&b));
        sqlite3_bind_int(st, 5, w->overflow_minutes);
        if ((rc = exec_stmt(s, st, err, errlen, "window")) < 0)
            goto out;
    }
    if ((rc = exec_stmt(s, stmt(s, Q_WIN_CLEAR_UNUSED), err, errlen, "window")) < 0)
        goto out;
    {
        int rev = 0;
        if ((rc = setting_int(s, "hall_rev", &rev, err, errlen)) < 0)
            goto out;
        SETI("hall_rev", rev + 1);
    }
    rc = qh_sqlite_hall_reload(s, err, errlen);
out:
#undef SET
#undef SETI
    qh_buf_fini(&b);
    return rc;
}

/* ---- services ---- */

static void read_service(sqlite3_stmt *st, void *out)
{
    struct qh_service *sv = out;
    col_text(st, 0, sv->code, sizeof sv->code);
    col_text(st, 1, sv->name, sizeof sv->name);
    col_text(st, 2, sv->queue, sizeof sv->queue);
    sv->promised_days = sqlite3_column_int(st, 3);
    col_text(st, 4, sv->materials, sizeof sv->materials);
    col_text(st, 5, sv->initials, sizeof sv->initials);
}

int qh_sqlite_service_put(struct qh_store_be *s, const struct qh_service *sv,
                         char *err, size_t errlen)
{
    sqlite3_stmt *st = stmt(s, Q_SERVICE_PUT);
    bind_text(st, 1, sv->code);
    bind_text(st, 2, sv->name);
    bind_text(st, 3, sv->queue);
    sqlite3_bind_int(st, 4, sv->promised_days);
    bind_text(st, 5, sv->materials);
    bind_text(st, 6, sv->initials);
    svc_forget(s);
    return exec_stmt(s, st, err, errlen, "service");
}

int qh_sqlite_service_clear(struct qh_store_be *s, char *err, size_t errlen)
{
    svc_forget(s);
    return exec_stmt(s, stmt(s, Q_SERVICE_CLEAR), err, errlen, "service");
}

/* A kiosk looks up the same few items all day.  Any change to the
 * catalogue, by any program, moves hall_rev (migration 5's triggers), and
 * a write transaction reloads the hall, emptying this, when it finds
 * hall_rev moved: inside one, what is kept here is what the table holds.
 * Outside one, nothing was checked, so the table is read. */
int qh_sqlite_service_get(struct qh_store_be *s, const char *code,
                         struct qh_service *out)
{
    unsigned h = 5381;
    for (const char *p = code; *p; p++)
        h = h * 33 + (unsigned char)*p;
    struct qh_service *c = &s->svc_cache[h % QH_SVC_CACHE];
    if (s->in_tx && c->code[0] && !strcmp(c->code, code)) {
        *out = *c;
        return 0;
    }
    sqlite3_stmt *st = stmt(s, Q_SERVICE_GET);
    bind_text(st, 1, code);
    int rc = one_row(st, read_service, out);
    if (rc == 0 && s->in_tx)
        *c = *out;
    return rc;
}

int qh_sqlite_service_each(struct qh_store_be *s, const char *queue,
                          int (*fn)(const struct qh_service *, void *),
                          void *ud)
{
    sqlite3_stmt *st = stmt(s, queue ? Q_SERVICE_EACH_QUEUE : Q_SERVICE_EACH);
    if (queue)
        bind_text(st, 1, queue);
    int n = 0, src;
    struct qh_service sv;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        read_service(st, &sv);
        n++;
        if (fn(&sv, ud))
            break;
    }
    sqlite3_reset(st);
    if (src != SQLITE_ROW && src != SQLITE_DONE)
        return rc_of(src);
    return n;
}

int qh_sqlite_service_count(struct qh_store_be *s, const char *queue)
{
    sqlite3_stmt *st = stmt(s, queue ? Q_SERVICE_COUNT_QUEUE : Q_SERVICE_COUNT);
    if (queue)
        bind_text(st, 1, queue);
    return count_of(s, st, "services");
}

/* ---- tickets ---- */

static void read_ticket(sqlite3_stmt *st, void *out)
{
    struct qh_ticket_row *t = out;
    memset(t, 0, sizeof *t);
    t->id = sqlite3_column_int64(st, 0);
    col_text(st, 1, t->day, sizeof t->day);
    col_text(st, 2, t->number, sizeof t->number);
    t->seq = sqlite3_column_int(st, 3);
    col_text(st, 4, t->queue, sizeof t->queue);
    col_text(st, 5, t->service, sizeof t->service);
    t->state = sqlite3_column_int(st, 6);
    col_text(st, 7, t->green, sizeof t->green);
    t->issued_at = sqlite3_column_int64(st, 8);
    t->virtual_at = sqlite3_column_int64(st, 9);
    t->prio = sqlite3_column_int(st, 10);
    t->called_at = sqlite3_column_int64(st, 11);
    t->started_at = sqlite3_column_int64(st, 12);
    t->finished_at = sqlite3_column_int64(st, 13);
    t->window = sqlite3_column_int(st, 14);
    t->target_window = sqlite3_column_int(st, 15);
    col_text(st, 16, t->staff, sizeof t->staff);
    t->recalls = sqlite3_column_int(st, 17);
    col_text(st, 18, t->outcome, sizeof t->outcome);
    t->rated = sqlite3_column_int(st, 19);
    t->appointment = sqlite3_column_int64(st, 20);
}

static int one_ticket(sqlite3_stmt *st, struct qh_ticket_row *out)
{
    return one_row(st, read_ticket, out);
}

/* ---- ticket ids (TID_*, above) ---- */

static int queue_key(const struct qh_store_be *s, const char *queue)
{
    for (int i = 0; i < s->hall.nqueues; i++)
        if (!strcmp(s->hall.queues[i].code, queue))
            return s->qkey[i];
    return 0;
}

/* The first id of `day` with key (0: the day's first id at all).  A
 * product, not a shift: a day a user names may be before 1970 (a report
 * of --month 1013-11), and shifting a negative number is undefined. */
static int64_t tid_base(const char *day, int key)
{
    return ((int64_t)qh_clock_day_num(day) * ((int64_t)1 << TID_DAY_SHIFT)) |
           ((int64_t)key << TID_KEY_SHIFT);
}

void qh_sqlite_day_span(const char *from, const char *to, int64_t *lo,
                       int64_t *hi)
{
    *lo = tid_base(from, 0);
    *hi = tid_base(to, 0) + ((int64_t)1 << TID_DAY_SHIFT) - 1;
}

static void bind_day_range(sqlite3_stmt *st, int col, const char *day)
{
    int64_t lo, hi;
    qh_sqlite_day_span(day, day, &lo, &hi);
    sqlite3_bind_int64(st, col, lo);
    sqlite3_bind_int64(st, col + 1, hi);
}

/* The last ticket with an id in lo..hi: its id (lo - 1 if none, a QH_E_*
 * code on error) and, unless issued_at is NULL, its issue time (0 if none). */
static int64_t range_last(struct qh_store_be *s, int64_t lo, int64_t hi,
                          int64_t *issued_at)
{
    sqlite3_stmt *st = stmt(s, Q_RANGE_LAST);
    sqlite3_bind_int64(st, 1, lo);
    sqlite3_bind_int64(st, 2, hi);
    int64_t id = lo - 1, at = 0;
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        id = sqlite3_column_int64(st, 0);
        at = sqlite3_column_int64(st, 1);
    } else if (src != SQLITE_DONE) {
        id = rc_of(src);
    }
    sqlite3_reset(st);
    if (issued_at)
        *issued_at = at;
    return id;
}

/* The highest sequence `queue` gave on `day`, or 0 (or < 0); issued_at
 * as range_last. */
static int seq_last(struct qh_store_be *s, const char *day, int key,
                    int64_t *issued_at)
{
    if (issued_at)
        *issued_at = 0;
    if (!key)
        return 0;
    int64_t lo = tid_base(day, key);
    int64_t last = range_last(s, lo, lo | TID_SEQ_MAX, issued_at);
    if (last < 0)
        return (int)last;
    return last < lo ? 0 : (int)(last - lo);
}

int qh_sqlite_seq_next(struct qh_store_be *s, const char *day, const char *queue,
                      int *seq, int64_t *after, char *err, size_t errlen)
{
    /* The write lock the caller holds keeps the range's end ours until
     * the ticket that takes it is inserted. */
    int key = queue_key(s, queue);
    if (!key)
        return qh_err(err, errlen, QH_E_NOTFOUND, "no queue %s", queue);
    int64_t at;
    int last = seq_last(s, day, key, &at);
    if (last < 0)
        return db_fail(s, sqlite3_extended_errcode(s->db), err, errlen, "ticket");
    if (last >= TID_SEQ_MAX)
        return qh_err(err, errlen, QH_E_QUOTA, "queue %s: no numbers left today",
                      queue);
    *seq = last + 1;
    if (after)
        *after = at;
    /* For qh_store_ticket_insert, which then need not look again. */
    s->next_id = tid_base(day, key) | *seq;
    s->next_after = at;
    s->next_begins = s->begins;
    return 0;
}

int qh_sqlite_issued_count(struct qh_store_be *s, const char *day,
                          const char *queue)
{
    /* Numbers have no gaps: the last one given is the count. */
    return seq_last(s, day, queue_key(s, queue), NULL);
}

int qh_sqlite_service_issued_count(struct qh_store_be *s, const char *day,
                                  const char *service)
{
    /* Counts tickets by their current item: a ticket transferred to
     * another item counts for the item it now has, not the one it was
     * issued for (the row keeps no history; the events do). */
    sqlite3_stmt *st = stmt(s, Q_SERVICE_ISSUED);
    bind_day_range(st, 1, day);
    bind_text(st, 3, service);
    return count_of(s, st, "issued");
}

static void bind_ticket_mutable(sqlite3_stmt *st, const struct qh_ticket_row *t)
{
    sqlite3_bind_int64(st, 1, t->id);
    bind_text(st, 2, t->queue);
    bind_text(st, 3, t->service);
    sqlite3_bind_int(st, 4, t->state);
    bind_text(st, 5, t->green);
    sqlite3_bind_int64(st, 6, t->virtual_at);
    sqlite3_bind_int(st, 7, t->prio);
    sqlite3_bind_int64(st, 8, t->called_at);
    sqlite3_bind_int64(st, 9, t->started_at);
    sqlite3_bind_int64(st, 10, t->finished_at);
    sqlite3_bind_int(st, 11, t->window);
    sqlite3_bind_int(st, 12, t->target_window);
    bind_text(st, 13, t->staff);
    sqlite3_bind_int(st, 14, t->recalls);
    bind_text(st, 15, t->outcome);
    sqlite3_bind_int(st, 16, t->rated);
}

int qh_sqlite_ticket_insert(struct qh_store_be *s, struct qh_ticket_row *t,
                           char *err, size_t errlen)
{
    sqlite3_stmt *st = stmt(s, Q_TICKET_INSERT);
    bind_text(st, 1, t->day);
    bind_text(st, 2, t->number);
    sqlite3_bind_int(st, 3, t->seq);
    bind_text(st, 4, t->queue);
    bind_text(st, 5, t->service);
    sqlite3_bind_int(st, 6, t->state);
    bind_text(st, 7, t->green);
    sqlite3_bind_int64(st, 8, t->issued_at);
    sqlite3_bind_int64(st, 9, t->virtual_at);
    sqlite3_bind_int(st, 10, t->prio);
    sqlite3_bind_int64(st, 11, t->called_at);
    sqlite3_bind_int64(st, 12, t->started_at);
    sqlite3_bind_int64(st, 13, t->finished_at);
    sqlite3_bind_int(st, 14, t->window);
    sqlite3_bind_int(st, 15, t->target_window);
    bind_text(st, 16, t->staff);
    sqlite3_bind_int(st, 17, t->recalls);
    bind_text(st, 18, t->outcome);
    sqlite3_bind_int(st, 19, t->rated);
    if (t->appointment)
        sqlite3_bind_int64(st, 20, t->appointment);
    else
        sqlite3_bind_null(st, 20);
    int key = queue_key(s, t->queue);
    /* A ticket starts waiting in the queue that gives its number: the
     * waiting counts rest on it (migration 6). */
    if (!key || t->seq < 1 || t->seq > TID_SEQ_MAX ||
        t->state != QH_TICKET_WAITING) {
        sqlite3_clear_bindings(st);
        return qh_err(err, errlen, QH_E_USAGE, "ticket %s: no place for it",
                      t->number);
    }
    int64_t id = tid_base(t->day, key) | t->seq, after;
    /* Issue times never go back inside a range (migration 6): the
     * time of the ticket before, as qh_store_seq_next saw it in this
     * transaction, else looked up. */
    int at_end = s->in_tx && id == s->next_id && s->begins == s->next_begins;
    if (at_end)
        after = s->next_after;
    else if (range_last(s, id & ~(int64_t)TID_SEQ_MAX, id - 1, &after) < 0)
        return db_fail(s, sqlite3_extended_errcode(s->db), err, errlen, "ticket");
    s->next_id = 0;
    if (t->issued_at < after) {
        sqlite3_clear_bindings(st);
        return qh_err(err, errlen, QH_E_USAGE,
                      "ticket %s: issued before the one before it", t->number);
    }
    /* Lane 0 needs the normal order, and a day no rollover has passed
     * (qh_store_expire_before looks for lane 0 on one day only): a kiosk
     * whose clock lags another program's across midnight issues lane 1. */
    int lane = !(t->prio == 1 && t->virtual_at == t->issued_at &&
                 !t->target_window &&
                 !t->appointment && s->in_tx && strcmp(t->day, s->day_tx) >= 0);
    /* The id its issued event will have: the log's next, which the write
     * lock keeps free until qh_store_event_add takes it (no event may come
     * between, or that event relinks the ticket). */
    int64_t last_event;
    int rc = scalar(s, stmt(s, Q_EVENT_LAST), 0, &last_event, err, errlen, "ticket");
    if (rc < 0) {
        sqlite3_clear_bindings(st);
        return rc;
    }
    sqlite3_bind_int64(st, 21, id);
    sqlite3_bind_int(st, 22, lane);
    sqlite3_bind_int64(st, 23, last_event + 1);
    rc = exec_stmt(s, st, err, errlen, "ticket");
    if (rc < 0)
        return rc;
    t->id = id;
    s->link_ticket = id;
    s->link_event = last_event + 1;
    s->link_begins = s->begins;
    s->link_tx_event = s->tx_event;
    /* The range's last (the lock keeps it so): see qh_store_ahead. */
    if (at_end) {
        s->inserted_id = id;
        s->inserted_begins = s->begins;
        s->inserted_lane = lane;
    }
    return 0;
}

int qh_sqlite_ticket_update(struct qh_store_be *s, const struct qh_ticket_row *t,
                           char *err, size_t errlen)
{
    sqlite3_stmt *st = stmt(s, Q_TICKET_UPDATE);
    bind_ticket_mutable(st, t);
    int rc = exec_stmt(s, st, err, errlen, "ticket");
    if (rc == 0 && sqlite3_changes(s->db) != 1)
        return qh_err(err, errlen, QH_E_NOTFOUND, "ticket %lld not found",
                      (long long)t->id);
    return rc;
}

int qh_sqlite_ticket_get(struct qh_store_be *s, int64_t id,
                        struct qh_ticket_row *out)
{
    sqlite3_stmt *st = stmt(s, Q_TICKET_GET);
    sqlite3_bind_int64(st, 1, id);
    return one_ticket(st, out);
}

int qh_sqlite_ticket_by_number(struct qh_store_be *s, const char *day,
                              const char *number, struct qh_ticket_row *out)
{
    /* Prefix letters, then the sequence's digits. */
    size_t n = strspn(number, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
    int64_t id = 0;
    char *end;
    long seq = n ? strtol(number + n, &end, 10) : 0;
    if (n && n < QH_CODE_LEN && seq > 0 && seq <= TID_SEQ_MAX && !*end &&
        isdigit((unsigned char)number[n])) {
        for (int i = 0; i < s->hall.nqueues; i++)
            if (!strncmp(s->hall.queues[i].prefix, number, n) &&
                !s->hall.queues[i].prefix[n])
                id = tid_base(day, s->qkey[i]) | seq;
    }
    sqlite3_stmt *st = stmt(s, Q_TICKET_BY_NUMBER);
    bind_day_range(st, 1, day);
    sqlite3_bind_int64(st, 3, id);
    bind_text(st, 4, number);
    return one_ticket(st, out);
}

int qh_sqlite_ticket_at_window(struct qh_store_be *s, const char *day, int window,
                              struct qh_ticket_row *out)
{
    sqlite3_stmt *st = stmt(s, Q_TICKET_AT_WINDOW);
    bind_text(st, 1, day);
    sqlite3_bind_int(st, 2, window);
    return one_ticket(st, out);
}

/* ?1 day, ?2 queue, ?3 and ?4 the range of ids of its numbers that day. */
static void bind_queue_range(struct qh_store_be *s, sqlite3_stmt *st,
                             const char *day, const char *queue)
{
    int key = queue_key(s, queue);
    int64_t lo = tid_base(day, key);
    bind_text(st, 1, day);
    bind_text(st, 2, queue);
    sqlite3_bind_int64(st, 3, lo);
    /* key 0 (a queue the hall no longer has) gave no numbers today. */
    sqlite3_bind_int64(st, 4, key ? lo | TID_SEQ_MAX : lo - 1);
}

int qh_sqlite_queue_head(struct qh_store_be *s, const char *day, const char *queue,
                        int window, int by_issue, struct qh_ticket_row *out)
{
    sqlite3_stmt *st = stmt(s, by_issue ? Q_QUEUE_HEAD_ISSUE : Q_QUEUE_HEAD);
    bind_queue_range(s, st, day, queue);
    sqlite3_bind_int(st, 5, window);
    return one_ticket(st, out);
}

int qh_sqlite_waiting_count(struct qh_store_be *s, const char *day,
                           const char *queue)
{
    sqlite3_stmt *st = stmt(s, Q_WAITING_COUNT);
    bind_queue_range(s, st, day, queue);
    return count_of(s, st, "waiting");
}

int qh_sqlite_ahead(struct qh_store_be *s, const struct qh_ticket_row *t)
{
    /* Inside a transaction the queue's counter and the count behind see
     * one snapshot, and a lane-0 ticket (in the normal order, in its own
     * queue) has few or none behind it: most often a new one, which has
     * nobody.  Outside one, or for the others, count ahead.  The lane is
     * the stored row's (the caller's record has none): the one we just
     * inserted we know, any other Q_AHEAD_COUNTED looks up. */
    int new = s->in_tx && t->id == s->inserted_id && s->begins == s->inserted_begins;
    if (!sqlite3_get_autocommit(s->db) && t->state == QH_TICKET_WAITING &&
        (!new || s->inserted_lane == 0)) {
        sqlite3_stmt *st = stmt(s, new ? Q_AHEAD_NEW : Q_AHEAD_COUNTED);
        bind_queue_range(s, st, t->day, t->queue);
        sqlite3_bind_int(st, 5, t->prio);
        sqlite3_bind_int64(st, 6, t->virtual_at);
        sqlite3_bind_int64(st, 7, t->id);
        if (new)
            sqlite3_bind_int(st, 8, t->seq);
        int64_t ahead;
        int rc = scalar(s, st, -1, &ahead, NULL, 0, "ahead");
        if (rc < 0)
            return rc;
        if (ahead >= 0)
            return (int)ahead;
    }
    sqlite3_stmt *st = stmt(s, Q_AHEAD);
    bind_queue_range(s, st, t->day, t->queue);
    sqlite3_bind_int(st, 5, t->prio);
    sqlite3_bind_int64(st, 6, t->virtual_at);
    sqlite3_bind_int64(st, 7, t->id);
    return count_of(s, st, "ahead");
}

int qh_sqlite_queue_services(struct qh_store_be *s, const char *day,
                            const char *queue, int limit,
                            int (*fn)(const char *, void *), void *ud)
{
    sqlite3_stmt *st = stmt(s, Q_QUEUE_SERVICES);
    bind_queue_range(s, st, day, queue);
    sqlite3_bind_int(st, 5, limit);
    int n = 0, src;
    char service[24];
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        col_text(st, 0, service, sizeof service);
        n++;
        if (fn(service, ud))
            break;
    }
    sqlite3_reset(st);
    if (src != SQLITE_ROW && src != SQLITE_DONE)
        return rc_of(src);
    return n;
}

int qh_sqlite_ticket_each(struct qh_store_be *s, const char *day, int state,
                         int (*fn)(const struct qh_ticket_row *, void *),
                         void *ud)
{
    sqlite3_stmt *st = stmt(s, state < 0 ? Q_TICKET_EACH : Q_TICKET_EACH_STATE);
    bind_day_range(st, 1, day);
    if (state >= 0)
        sqlite3_bind_int(st, 3, state);
    int n = 0, src;
    struct qh_ticket_row t;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        read_ticket(st, &t);
        n++;
        if (fn(&t, ud))
            break;
    }
    sqlite3_reset(st);
    if (src != SQLITE_ROW && src != SQLITE_DONE)
        return rc_of(src);
    return n;
}

int qh_sqlite_calls_each(struct qh_store_be *s, const char *day, int limit,
                        int (*fn)(const struct qh_ticket_row *, int64_t, void *),
                        void *ud)
{
    sqlite3_stmt *st = stmt(s, Q_CALLS_EACH);
    bind_day_range(st, 1, day);
    sqlite3_bind_int(st, 3, limit);
    int n = 0, src;
    struct qh_ticket_row t;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        read_ticket(st, &t);
        n++;
        if (fn(&t, sqlite3_column_int64(st, 21), ud))
            break;
    }
    sqlite3_reset(st);
    if (src != SQLITE_ROW && src != SQLITE_DONE)
        return rc_of(src);
    return n;
}

/* ?1 the new day, ?4..?5 the ids from the service day so far to the new
 * one.  Lane-0 tickets are given only on a day no rollover has passed
 * (qh_store_ticket_insert), so any still waiting is on the service day
 * the "day" setting names: every earlier one closed them at its own
 * rollover. */
static int bind_expire(struct qh_store_be *s, sqlite3_stmt *st, const char *day,
                       char *err, size_t errlen)
{
    char last[16] = "";
    int rc = setting_read(s, "day", last, sizeof last, err, errlen);
    if (rc < 0)
        return rc;
    bind_text(st, 1, day);
    sqlite3_bind_int64(st, 4, *last ? tid_base(last, 0) : 0);
    sqlite3_bind_int64(st, 5, tid_base(day, 0) - 1);
    return 0;
}

int qh_sqlite_expire_before(struct qh_store_be *s, const char *day, int64_t now,
                           char *err, size_t errlen)
{
    sqlite3_stmt *st = stmt(s, Q_EXPIRE_EVENTS);
    int rc = bind_expire(s, st, day, err, errlen);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(st, 2, now);
    bind_text(st, 3, s->actor);
    if ((rc = exec_stmt(s, st, err, errlen, "expire")) < 0)
        return rc;
    if (s->in_tx && sqlite3_changes(s->db) > 0)
        s->tx_event = sqlite3_last_insert_rowid(s->db);
    st = stmt(s, Q_EXPIRE_TICKETS);
    if ((rc = bind_expire(s, st, day, err, errlen)) < 0 ||
        (rc = exec_stmt(s, st, err, errlen, "expire")) < 0)
        return rc;
    return sqlite3_changes(s->db);
}

/* ---- events ---- */

int qh_sqlite_event_add(struct qh_store_be *s, struct qh_event_row *ev,
                       char *err, size_t errlen)
{
    /* A ticket's issued event: the id reserved for it when the ticket was
     * inserted, if nothing was written to the log since (the write lock
     * keeps others out), so the link the ticket holds is this event's.
     * Any other issued event links its ticket afterwards. */
    int issued = ev->ticket && !strcmp(ev->type, "issued");
    int reserved = issued && s->in_tx && ev->ticket == s->link_ticket &&
                   s->begins == s->link_begins && s->tx_event == s->link_tx_event;
    sqlite3_stmt *st = stmt(s, reserved ? Q_EVENT_INSERT_ID : Q_EVENT_INSERT);
    sqlite3_bind_int64(st, 1, ev->at);
    bind_text(st, 2, ev->type);
    if (ev->ticket)
        sqlite3_bind_int64(st, 3, ev->ticket);
    else
        sqlite3_bind_null(st, 3);
    bind_text(st, 4, ev->number);
    bind_text(st, 5, ev->queue);
    sqlite3_bind_int(st, 6, ev->window);
    bind_text(st, 7, ev->staff);
    bind_text(st, 8, ev->detail[0] ? ev->detail : "{}");
    if (reserved)
        sqlite3_bind_int64(st, 9, s->link_event);
    s->link_ticket = 0;
    int rc = exec_stmt(s, st, err, errlen, "event");
    if (rc < 0)
        return rc;
    ev->id = sqlite3_last_insert_rowid(s->db);
    if (s->in_tx)
        s->tx_event = ev->id;
    /* Otherwise the ticket links it now, unless it already leads to its
     * own issued event: a second one for a ticket is refused. */
    if (issued && !reserved) {
        st = stmt(s, Q_TICKET_ISSUED_LINK);
        sqlite3_bind_int64(st, 1, ev->ticket);
        sqlite3_bind_int64(st, 2, ev->id);
        if ((rc = exec_stmt(s, st, err, errlen, "event")) < 0)
            return rc;
        if (sqlite3_changes(s->db) != 1)
            return qh_err(err, errlen, QH_E_STATE,
                          "ticket %lld: no such ticket, or it has its issued event",
                          (long long)ev->ticket);
    }
    return 0;
}

void qh_sqlite_event_read(sqlite3_stmt *st, struct qh_event_row *e)
{
    e->id = sqlite3_column_int64(st, 0);
    e->at = sqlite3_column_int64(st, 1);
    col_text(st, 2, e->type, sizeof e->type);
    e->ticket = sqlite3_column_int64(st, 3);
    col_text(st, 4, e->number, sizeof e->number);
    col_text(st, 5, e->queue, sizeof e->queue);
    e->window = sqlite3_column_int(st, 6);
    col_text(st, 7, e->staff, sizeof e->staff);
    col_text(st, 8, e->detail, sizeof e->detail);
}

/* Up to max rows of st (EVENT_COLS, bound) into out; the count or < 0. */
static int events_read(struct qh_store_be *s, sqlite3_stmt *st,
                       struct qh_event_row *out, int max, char *err,
                       size_t errlen)
{
    int n = 0, src = SQLITE_DONE;
    while (n < max && (src = sqlite3_step(st)) == SQLITE_ROW)
        qh_sqlite_event_read(st, &out[n++]);
    if (n < max && src != SQLITE_DONE) {
        int rc = db_fail(s, sqlite3_extended_errcode(s->db), err, errlen, "events");
        sqlite3_reset(st);
        return rc;
    }
    sqlite3_reset(st);
    return n;
}

int qh_sqlite_events_since(struct qh_store_be *s, int64_t after,
                          struct qh_event_row *out, int max,
                          char *err, size_t errlen)
{
    sqlite3_stmt *st = stmt(s, Q_EVENT_SINCE);
    sqlite3_bind_int64(st, 1, after);
    sqlite3_bind_int(st, 2, max);
    return events_read(s, st, out, max, err, errlen);
}

int qh_sqlite_events_of_ticket(struct qh_store_be *s, int64_t ticket, int64_t after,
                              struct qh_event_row *out, int max,
                              char *err, size_t errlen)
{
    sqlite3_stmt *st = stmt(s, Q_EVENT_OF_TICKET);
    sqlite3_bind_int64(st, 1, ticket);
    sqlite3_bind_int64(st, 2, after);
    sqlite3_bind_int(st, 3, max);
    return events_read(s, st, out, max, err, errlen);
}

int qh_sqlite_last_event_id(struct qh_store_be *s, int64_t *out, char *err,
                           size_t errlen)
{
    return scalar(s, stmt(s, Q_EVENT_LAST), 0, out, err, errlen, "last event");
}

/* ---- windows ---- */

static void read_window(sqlite3_stmt *st, void *ud)
{
    struct qh_window_row *out = ud;
    memset(out, 0, sizeof *out);
    out->number = sqlite3_column_int(st, 0);
    col_text(st, 1, out->staff, sizeof out->staff);
    out->login_at = sqlite3_column_int64(st, 2);
    out->paused = sqlite3_column_int(st, 3);
    col_text(st, 4, out->pause_reason, sizeof out->pause_reason);
    out->paused_at = sqlite3_column_int64(st, 5);
}

int qh_sqlite_window_get(struct qh_store_be *s, int number,
                        struct qh_window_row *out)
{
    sqlite3_stmt *st = stmt(s, Q_WIN_GET);
    sqlite3_bind_int(st, 1, number);
    return one_row(st, read_window, out);
}

int qh_sqlite_window_put(struct qh_store_be *s, const struct qh_window_row *w,
                        char *err, size_t errlen)
{
    sqlite3_stmt *st = stmt(s, Q_WIN_PUT);
    sqlite3_bind_int(st, 1, w->number);
    bind_text(st, 2, w->staff);
    sqlite3_bind_int64(st, 3, w->login_at);
    sqlite3_bind_int(st, 4, w->paused);
    bind_text(st, 5, w->pause_reason);
    sqlite3_bind_int64(st, 6, w->paused_at);
    return exec_stmt(s, st, err, errlen, "window");
}

int qh_sqlite_window_of_staff(struct qh_store_be *s, const char *staff)
{
    sqlite3_stmt *st = stmt(s, Q_WIN_OF_STAFF);
    bind_text(st, 1, staff);
    return count_of(s, st, "window");
}

/* ---- staff ---- */

static void read_staff(sqlite3_stmt *st, void *out)
{
    struct qh_staff_row *r = out;
    memset(r, 0, sizeof *r);
    col_text(st, 0, r->id, sizeof r->id);
    col_text(st, 1, r->name, sizeof r->name);
    col_text(st, 2, r->role, sizeof r->role);
    col_text(st, 3, r->pin_hash, sizeof r->pin_hash);
    r->pin_short = sqlite3_column_int(st, 4);
    r->created_at = sqlite3_column_int64(st, 5);
}

int qh_sqlite_staff_add(struct qh_store_be *s, const struct qh_staff_row *r,
                       char *err, size_t errlen)
{
    sqlite3_stmt *st = stmt(s, Q_STAFF_INSERT);
    bind_text(st, 1, r->id);
    bind_text(st, 2, r->name);
    bind_text(st, 3, r->role);
    bind_text(st, 4, r->pin_hash);
    sqlite3_bind_int(st, 5, r->pin_short);
    sqlite3_bind_int64(st, 6, r->created_at);
    int rc = exec_stmt(s, st, err, errlen, "staff");
    if (rc == QH_E_EXISTS)
        return qh_err(err, errlen, rc, QH_TR(s->lang, "工号 %s 已存在",
                      "staff ID %s already exists"), r->id);
    return rc;
}

int qh_sqlite_staff_get(struct qh_store_be *s, const char *id,
                       struct qh_staff_row *out)
{
    sqlite3_stmt *st = stmt(s, Q_STAFF_GET);
    bind_text(st, 1, id);
    return one_row(st, read_staff, out);
}

int qh_sqlite_staff_update(struct qh_store_be *s, const struct qh_staff_row *r,
                          char *err, size_t errlen)
{
    sqlite3_stmt *st = stmt(s, Q_STAFF_UPDATE);
    bind_text(st, 1, r->id);
    bind_text(st, 2, r->name);
    bind_text(st, 3, r->role);
    bind_text(st, 4, r->pin_hash);
    sqlite3_bind_int(st, 5, r->pin_short);
    return exec_stmt(s, st, err, errlen, "staff");
}

int qh_sqlite_staff_each(struct qh_store_be *s,
                        int (*fn)(const struct qh_staff_row *, void *),
                        void *ud)
{
    sqlite3_stmt *st = stmt(s, Q_STAFF_ALL);
    int n = 0, src;
    struct qh_staff_row r;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        read_staff(st, &r);
        n++;
        if (fn(&r, ud))
            break;
    }
    sqlite3_reset(st);
    return src == SQLITE_ROW || src == SQLITE_DONE ? n : rc_of(src);
}

/* ---- staff photos ---- */

int qh_sqlite_staff_photo_put(struct qh_store_be *s, const struct qh_staff_photo *p,
                              char *err, size_t errlen)
{
    sqlite3_stmt *st = stmt(s, p->b64 ? Q_PHOTO_PUT : Q_PHOTO_DEL);
    bind_text(st, 1, p->staff);
    if (p->b64) {
        bind_text(st, 2, p->mime);
        bind_text(st, 3, p->b64);
        sqlite3_bind_int64(st, 4, p->updated_at);
    }
    return exec_stmt(s, st, err, errlen, "staff photo");
}

int qh_sqlite_staff_photo_get(struct qh_store_be *s, const char *staff,
                              struct qh_staff_photo *out)
{
    sqlite3_stmt *st = stmt(s, Q_PHOTO_GET);
    memset(out, 0, sizeof *out);
    snprintf(out->staff, sizeof out->staff, "%s", staff);
    bind_text(st, 1, staff);
    int src = sqlite3_step(st), rc = QH_E_NOTFOUND;
    if (src == SQLITE_ROW) {
        col_text(st, 0, out->mime, sizeof out->mime);
        out->updated_at = sqlite3_column_int64(st, 2);
        size_t n = (size_t)sqlite3_column_bytes(st, 1);
        rc = (out->b64 = malloc(n + 1)) ? 0 : QH_E_NOMEM;
        if (out->b64) {
            if (n)
                memcpy(out->b64, sqlite3_column_text(st, 1), n);
            out->b64[n] = '\0';
        }
    } else if (src != SQLITE_DONE) {
        rc = rc_of(src);
    }
    sqlite3_reset(st);
    return rc;
}

/* ---- ticket tokens ---- */

int qh_sqlite_token_put(struct qh_store_be *s, int64_t ticket, const char *token,
                        char *err, size_t errlen)
{
    sqlite3_stmt *st = stmt(s, Q_TOKEN_PUT);
    sqlite3_bind_int64(st, 1, ticket);
    bind_text(st, 2, token);
    return exec_stmt(s, st, err, errlen, "ticket token");
}

int qh_sqlite_token_find(struct qh_store_be *s, const char *token, int64_t *ticket)
{
    sqlite3_stmt *st = stmt(s, Q_TOKEN_FIND);
    bind_text(st, 1, token);
    int src = sqlite3_step(st);
    int rc = src == SQLITE_ROW ? 0 : src == SQLITE_DONE ? QH_E_NOTFOUND : rc_of(src);
    if (!rc)
        *ticket = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc;
}

int qh_sqlite_token_get(struct qh_store_be *s, int64_t ticket, char *out, size_t outlen)
{
    sqlite3_stmt *st = stmt(s, Q_TOKEN_GET);
    sqlite3_bind_int64(st, 1, ticket);
    int src = sqlite3_step(st);
    int rc = src == SQLITE_ROW ? 0 : src == SQLITE_DONE ? QH_E_NOTFOUND : rc_of(src);
    if (!rc)
        col_text(st, 0, out, outlen);
    sqlite3_reset(st);
    return rc;
}

/* ---- login lock-out ---- */

static void read_lock(sqlite3_stmt *st, void *out)
{
    struct qh_login_lock *l = out;
    l->failed = sqlite3_column_int(st, 0);
    l->strikes = sqlite3_column_int(st, 1);
    l->locked_until = sqlite3_column_int64(st, 2);
}

int qh_sqlite_login_lock_get(struct qh_store_be *s, const char *staff,
                            const char *device, struct qh_login_lock *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->staff, sizeof out->staff, "%s", staff);
    snprintf(out->device, sizeof out->device, "%s", device);
    sqlite3_stmt *st = stmt(s, Q_LOCK_GET);
    bind_text(st, 1, staff);
    bind_text(st, 2, device);
    return one_row(st, read_lock, out);
}

int qh_sqlite_login_lock_put(struct qh_store_be *s, const struct qh_login_lock *l,
                            char *err, size_t errlen)
{
    sqlite3_stmt *st = stmt(s, Q_LOCK_PUT);
    bind_text(st, 1, l->staff);
    bind_text(st, 2, l->device);
    sqlite3_bind_int(st, 3, l->failed);
    sqlite3_bind_int(st, 4, l->strikes);
    sqlite3_bind_int64(st, 5, l->locked_until);
    return exec_stmt(s, st, err, errlen, "login lock");
}

int qh_sqlite_login_lock_clear(struct qh_store_be *s, const char *staff,
                              const char *device, char *err, size_t errlen)
{
    sqlite3_stmt *st = stmt(s, Q_LOCK_CLEAR);
    bind_text(st, 1, staff);
    if (device)
        bind_text(st, 2, device);
    else
        sqlite3_bind_null(st, 2);
    int rc = exec_stmt(s, st, err, errlen, "login lock");
    return rc < 0 ? rc : sqlite3_changes(s->db);
}

int qh_sqlite_login_lock_each(struct qh_store_be *s, const char *staff,
                             int (*fn)(const struct qh_login_lock *, void *),
                             void *ud)
{
    sqlite3_stmt *st = stmt(s, Q_LOCK_EACH);
    bind_text(st, 1, staff);
    int n = 0, src;
    struct qh_login_lock l;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        memset(&l, 0, sizeof l);
        snprintf(l.staff, sizeof l.staff, "%s", staff);
        col_text(st, 0, l.device, sizeof l.device);
        l.failed = sqlite3_column_int(st, 1);
        l.strikes = sqlite3_column_int(st, 2);
        l.locked_until = sqlite3_column_int64(st, 3);
        n++;
        if (fn(&l, ud))
            break;
    }
    int rc = src == SQLITE_ROW || src == SQLITE_DONE ? n
             : (src & 0xff) == SQLITE_BUSY ? QH_E_BUSY : QH_E_DB;
    sqlite3_reset(st);
    return rc;
}

/* ---- appointments ---- */

int qh_sqlite_appointment_add(struct qh_store_be *s, struct qh_appointment *a,
                             char *err, size_t errlen)
{
    sqlite3_stmt *st = stmt(s, Q_APPT_INSERT);
    bind_text(st, 1, a->code);
    bind_text(st, 2, a->service);
    sqlite3_bind_int64(st, 3, a->slot_at);
    bind_text(st, 4, a->name);
    sqlite3_bind_int64(st, 5, a->created_at);
    int rc = exec_stmt(s, st, err, errlen, "appointment");
    if (rc == QH_E_EXISTS)
        return qh_err(err, errlen, rc, QH_TR(s->lang, "预约码 %s 已存在",
                      "appointment code %s already exists"), a->code);
    if (rc == 0)
        a->id = sqlite3_last_insert_rowid(s->db);
    return rc;
}

static void read_appointment(sqlite3_stmt *st, void *ud)
{
    struct qh_appointment *out = ud;
    memset(out, 0, sizeof *out);
    out->id = sqlite3_column_int64(st, 0);
    col_text(st, 1, out->code, sizeof out->code);
    col_text(st, 2, out->service, sizeof out->service);
    out->slot_at = sqlite3_column_int64(st, 3);
    col_text(st, 4, out->name, sizeof out->name);
    out->ticket = sqlite3_column_int64(st, 5);
    out->created_at = sqlite3_column_int64(st, 6);
}

int qh_sqlite_appointment_get(struct qh_store_be *s, const char *code,
                             struct qh_appointment *out)
{
    sqlite3_stmt *st = stmt(s, Q_APPT_GET);
    bind_text(st, 1, code);
    return one_row(st, read_appointment, out);
}

int qh_sqlite_appointment_update(struct qh_store_be *s,
                                const struct qh_appointment *a,
                                char *err, size_t errlen)
{
    sqlite3_stmt *st = stmt(s, Q_APPT_UPDATE);
    sqlite3_bind_int64(st, 1, a->id);
    sqlite3_bind_int64(st, 2, a->ticket);
    return exec_stmt(s, st, err, errlen, "appointment");
}

/* ---- ratings ---- */

int qh_sqlite_rating_add(struct qh_store_be *s, const struct qh_rating_row *r,
                        char *err, size_t errlen)
{
    sqlite3_stmt *st = stmt(s, Q_RATING_MARK);
    sqlite3_bind_int64(st, 1, r->ticket);
    int rc = exec_stmt(s, st, err, errlen, "rating");
    if (rc < 0)
        return rc;
    if (sqlite3_changes(s->db) != 1)
        return qh_err(err, errlen, QH_E_STATE, "%s", qh_strerror(QH_E_STATE));
    st = stmt(s, Q_RATING_INSERT);
    sqlite3_bind_int64(st, 1, r->ticket);
    sqlite3_bind_int(st, 2, r->score);
    bind_text(st, 3, r->reason);
    sqlite3_bind_int(st, 4, r->window);
    bind_text(st, 5, r->staff);
    bind_text(st, 6, r->service);
    sqlite3_bind_int64(st, 7, r->at);
    bind_text(st, 8, r->channel);
    bind_text(st, 9, r->device);
    bind_text(st, 10, r->by);
    return exec_stmt(s, st, err, errlen, "rating");
}

static void read_rating(sqlite3_stmt *st, void *ud)
{
    struct qh_rating_row *r = ud;
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(st, 0);
    r->ticket = sqlite3_column_int64(st, 1);
    r->score = sqlite3_column_int(st, 2);
    col_text(st, 3, r->reason, sizeof r->reason);
    r->window = sqlite3_column_int(st, 4);
    col_text(st, 5, r->staff, sizeof r->staff);
    col_text(st, 6, r->service, sizeof r->service);
    r->at = sqlite3_column_int64(st, 7);
    col_text(st, 8, r->channel, sizeof r->channel);
    col_text(st, 9, r->device, sizeof r->device);
    col_text(st, 10, r->by, sizeof r->by);
    col_text(st, 11, r->appeal, sizeof r->appeal);
    col_text(st, 12, r->appeal_reason, sizeof r->appeal_reason);
    r->appeal_at = sqlite3_column_int64(st, 13);
    col_text(st, 14, r->decided_by, sizeof r->decided_by);
    col_text(st, 15, r->decision_reason, sizeof r->decision_reason);
    r->decided_at = sqlite3_column_int64(st, 16);
}

int qh_sqlite_rating_of_ticket(struct qh_store_be *s, int64_t ticket,
                               struct qh_rating_row *out)
{
    sqlite3_stmt *st = stmt(s, Q_RATING_OF_TICKET);
    sqlite3_bind_int64(st, 1, ticket);
    return one_row(st, read_rating, out);
}

int qh_sqlite_rating_appeal(struct qh_store_be *s, const struct qh_rating_row *r,
                            char *err, size_t errlen)
{
    int decide = r->decided_at != 0;
    sqlite3_stmt *st = stmt(s, decide ? Q_RATING_DECIDE : Q_RATING_APPEAL);
    sqlite3_bind_int64(st, 1, r->id);
    bind_text(st, 2, r->appeal);
    bind_text(st, 3, decide ? r->decided_by : r->appeal_reason);
    if (decide) {
        bind_text(st, 4, r->decision_reason);
        sqlite3_bind_int64(st, 5, r->decided_at);
    } else {
        sqlite3_bind_int64(st, 4, r->appeal_at);
    }
    return exec_stmt(s, st, err, errlen, "rating");
}

/* ---- maintenance ---- */

static const struct {
    const char *type;
    int state;
} event_state[] = {
    {"issued", QH_TICKET_WAITING}, {"called", QH_TICKET_CALLED},
    {"recalled", QH_TICKET_CALLED}, {"called_back", QH_TICKET_CALLED},
    {"no_show", QH_TICKET_NO_SHOW}, {"started", QH_TICKET_SERVING},
    {"held", QH_TICKET_HELD}, {"released", QH_TICKET_WAITING},
    {"transferred", QH_TICKET_WAITING}, {"finished", QH_TICKET_FINISHED},
    {"cancelled", QH_TICKET_CANCELLED}, {"expired", QH_TICKET_EXPIRED},
};

static int expected_state(const char *type, const char *detail)
{
    /* A 办不成 finish that sent the ticket on leaves it waiting. */
    if (!strcmp(type, "finished") && strstr(detail, "\"to_queue\""))
        return QH_TICKET_WAITING;
    for (size_t i = 0; i < sizeof event_state / sizeof event_state[0]; i++)
        if (!strcmp(type, event_state[i].type))
            return event_state[i].state;
    return -1;
}

#define PROBLEM(...) do { qh_err_append(report, reportlen, __VA_ARGS__); n++; } while (0)

int qh_sqlite_check(struct qh_store_be *s, char *report, size_t reportlen,
                   char *err, size_t errlen)
{
    int n = 0, src, broken = 0;
    sqlite3_stmt *st;
    if (report && reportlen)
        report[0] = '\0';
    /* One read transaction: every check sees the same snapshot. */
    int rc = exec_stmt(s, stmt(s, Q_BEGIN_READ), err, errlen, "check");
    if (rc < 0)
        return rc;
    st = stmt(s, Q_CHECK_INTEGRITY);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(st, 0);
        if (v && strcmp(v, "ok")) {
            PROBLEM("sqlite: %s", v);
            broken = 1;
        }
    }
    if ((rc = exec_end(s, st, src, err, errlen, "integrity_check")) < 0)
        goto out;
    /* A damaged file is no lifecycle problem to list: it is an error
     * (exit 3), and what the checks below would read is not to be
     * trusted. */
    if (broken) {
        rc = damaged(s, err, errlen);
        goto out;
    }
    st = stmt(s, Q_CHECK_FK);
    while ((src = sqlite3_step(st)) == SQLITE_ROW)
        PROBLEM("foreign key: %s row %lld points to a missing %s",
                sqlite3_column_text(st, 0), (long long)sqlite3_column_int64(st, 1),
                sqlite3_column_text(st, 2));
    if ((rc = exec_end(s, st, src, err, errlen, "check")) < 0)
        goto out;
    st = stmt(s, Q_CHECK_WINDOW);
    while ((src = sqlite3_step(st)) == SQLITE_ROW)
        PROBLEM("window %d on %s holds several tickets: %s", sqlite3_column_int(st, 1),
                sqlite3_column_text(st, 0), sqlite3_column_text(st, 2));
    if ((rc = exec_end(s, st, src, err, errlen, "check")) < 0)
        goto out;
    st = stmt(s, Q_CHECK_SEQ);
    while ((src = sqlite3_step(st)) == SQLITE_ROW)
        PROBLEM("numbers of queue %s on %s: %d tickets, highest %d",
                sqlite3_column_text(st, 1), sqlite3_column_text(st, 0),
                sqlite3_column_int(st, 2), sqlite3_column_int(st, 3));
    if ((rc = exec_end(s, st, src, err, errlen, "check")) < 0)
        goto out;
    st = stmt(s, Q_CHECK_ID);
    while ((src = sqlite3_step(st)) == SQLITE_ROW)
        PROBLEM("ticket %s %s: id %lld is not its number's place",
                sqlite3_column_text(st, 0), sqlite3_column_text(st, 1),
                (long long)sqlite3_column_int64(st, 2));
    if ((rc = exec_end(s, st, src, err, errlen, "check")) < 0)
        goto out;
    st = stmt(s, Q_CHECK_WAITING);
    while ((src = sqlite3_step(st)) == SQLITE_ROW)
        PROBLEM("waiting in queue %s on %s: counter %d, %d tickets",
                sqlite3_column_text(st, 1), sqlite3_column_text(st, 0),
                sqlite3_column_int(st, 2), sqlite3_column_int(st, 3));
    if ((rc = exec_end(s, st, src, err, errlen, "check")) < 0)
        goto out;
    st = stmt(s, Q_CHECK_LANE);
    while ((src = sqlite3_step(st)) == SQLITE_ROW)
        PROBLEM("ticket %s %s, waiting in number order: %s",
                sqlite3_column_text(st, 0), sqlite3_column_text(st, 1),
                sqlite3_column_text(st, 2));
    if ((rc = exec_end(s, st, src, err, errlen, "check")) < 0)
        goto out;
    st = stmt(s, Q_CHECK_ISSUED);
    while ((src = sqlite3_step(st)) == SQLITE_ROW)
        if (sqlite3_column_int(st, 2) == 0)
            PROBLEM("ticket %s %s does not link its issued event",
                    sqlite3_column_text(st, 0), sqlite3_column_text(st, 1));
        else
            PROBLEM("ticket %s %s has %d issued events", sqlite3_column_text(st, 0),
                    sqlite3_column_text(st, 1), sqlite3_column_int(st, 2));
    if ((rc = exec_end(s, st, src, err, errlen, "check")) < 0)
        goto out;
    st = stmt(s, Q_CHECK_STATE);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        int state = sqlite3_column_int(st, 2);
        const char *type = (const char *)sqlite3_column_text(st, 3);
        const char *detail = (const char *)sqlite3_column_text(st, 4);
        int want = type ? expected_state(type, detail ? detail : "") : -1;
        if (want != state)
            PROBLEM("ticket %s %s is %s but its last event is %s",
                    sqlite3_column_text(st, 0), sqlite3_column_text(st, 1),
                    qh_ticket_state_name(state), type ? type : "(none)");
    }
    if ((rc = exec_end(s, st, src, err, errlen, "check")) < 0)
        goto out;
    st = stmt(s, Q_CHECK_HOLDER);
    while ((src = sqlite3_step(st)) == SQLITE_ROW)
        PROBLEM("ticket %s %s is called or serving at no window",
                sqlite3_column_text(st, 0), sqlite3_column_text(st, 1));
    if ((rc = exec_end(s, st, src, err, errlen, "check")) < 0)
        goto out;
    rc = n;
out:
    exec_stmt(s, stmt(s, Q_COMMIT), NULL, 0, "check");
    return rc;
}

int qh_sqlite_checkpoint(struct qh_store_be *s, int truncate,
                        char *err, size_t errlen)
{
    sqlite3_stmt *st = stmt(s, truncate ? Q_CHECKPOINT_TRUNCATE : Q_CHECKPOINT);
    int src = sqlite3_step(st);
    int blocked = src == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_reset(st);
    if (src != SQLITE_ROW)
        return db_fail(s, sqlite3_extended_errcode(s->db), err, errlen, "checkpoint");
    if (blocked)
        return qh_err(err, errlen, QH_E_BUSY, "checkpoint: %s",
                      QH_TR(s->lang, "有读者正在使用数据库", "readers kept it from finishing"));
    return 0;
}

int qh_sqlite_backup(struct qh_store_be *s, const char *path,
                    char *err, size_t errlen)
{
    sqlite3 *dst = NULL;
    int rc = 0;
    /* Created here, exclusively, so a file that appears meanwhile is never
     * overwritten, and SQLite only opens it (it would create one with the
     * umask's mode). */
    if ((rc = qh_sqlite_create_private(path, 1, s->lang, err, errlen)) < 0)
        return rc;
    rc = 0;
    int src = sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE, NULL);
    if (src) {
        rc = qh_err(err, errlen, QH_E_IO, "%s: %s", path,
                    dst ? sqlite3_errmsg(dst) : sqlite3_errstr(src));
        goto out;
    }
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", s->db, "main");
    if (!b) {
        rc = qh_err(err, errlen, QH_E_IO, "%s: %s", path, sqlite3_errmsg(dst));
        goto out;
    }
    /* Copy in steps so writers in other programs are not held off for the
     * whole copy; a busy source just means try the step again. */
    do {
        src = sqlite3_backup_step(b, 256);
        if (src == SQLITE_BUSY || src == SQLITE_LOCKED)
            sqlite3_sleep(20);
    } while (src == SQLITE_OK || src == SQLITE_BUSY || src == SQLITE_LOCKED);
    sqlite3_backup_finish(b);
    if (src != SQLITE_DONE)
        rc = qh_err(err, errlen, QH_E_IO, "%s: %s", path, sqlite3_errstr(src));
out:
    sqlite3_close(dst);
    if (rc < 0)
        unlink(path);
    return rc;
}

/* ---- heartbeats ---- */

int qh_sqlite_heartbeat(struct qh_store_be *s, const struct qh_heartbeat *hb,
                       char *err, size_t errlen)
{
    sqlite3_stmt *st = stmt(s, Q_HEARTBEAT_PUT);
    bind_text(st, 1, hb->name);
    bind_text(st, 2, hb->kind);
    sqlite3_bind_int64(st, 3, hb->at);
    bind_text(st, 4, hb->info);
    /* A beat missed is harmless, a kiosk frozen behind another writer's
     * lock is not: outside a transaction the beat waits only briefly. */
    int busy = s->busy_ms;
    if (!s->in_tx && s->busy_ms > QH_STORE_BEAT_BUSY_MS)
        s->busy_ms = QH_STORE_BEAT_BUSY_MS;
    int rc = exec_stmt(s, st, err, errlen, "heartbeat");
    s->busy_ms = busy;
    return rc;
}

int qh_sqlite_heartbeat_each(struct qh_store_be *s,
                            int (*fn)(const struct qh_heartbeat *, void *),
                            void *ud)
{
    sqlite3_stmt *st = stmt(s, Q_HEARTBEAT_ALL);
    struct qh_heartbeat hb;
    int n = 0, src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        memset(&hb, 0, sizeof hb);
        col_text(st, 0, hb.name, sizeof hb.name);
        col_text(st, 1, hb.kind, sizeof hb.kind);
        hb.at = sqlite3_column_int64(st, 2);
        col_text(st, 3, hb.info, sizeof hb.info);
        n++;
        if (fn(&hb, ud))
            break;
    }
    sqlite3_reset(st);
    return src == SQLITE_ROW || src == SQLITE_DONE ? n : rc_of(src);
}
