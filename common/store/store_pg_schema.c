/* store_pg_schema.c: the PostgreSQL backend's schema, in migrations.
 *
 * The tables and columns are those of the SQLite backend (store.c), so a
 * hall moves between the two row for row; what SQLite keeps only for its
 * own speed (lanes, day_seq's counters, the issued-event link) is not
 * here: on a server the plain indexes are fast enough, and the simpler
 * schema is the one to keep.  Times are ms since the epoch as everywhere
 * (bigint); days are "YYYY-MM-DD" text, as in every record.
 *
 * Every foreign key is DEFERRABLE (checked at each statement unless a
 * transaction defers it): a hall copied in (store_pg_rows.c) brings
 * appointments and tickets that refer to each other.
 *
 * Each migration runs in its own transaction under the writer's advisory
 * lock, and schema_version says how many have run: two programs starting
 * on a new database at once cannot both create it. */
#include "store_pg.h"

const char *const qh_pg_migrations[] = {
    /* 1: the first schema. */
    "CREATE TABLE setting(key text PRIMARY KEY, value text NOT NULL);"
    "CREATE TABLE queue(code text PRIMARY KEY, name text NOT NULL,"
    "  name_en text NOT NULL DEFAULT '', prefix text NOT NULL UNIQUE,"
    "  class text NOT NULL CHECK (class IN ('A', 'B', 'C')),"
    "  daily_quota integer NOT NULL DEFAULT 0, pos integer NOT NULL);"
    /* A queue code's key, given once and never reused: the middle of a
     * packed ticket id (store_pg.h). */
    "CREATE TABLE queue_key(code text PRIMARY KEY,"
    "  key integer NOT NULL UNIQUE CHECK (key BETWEEN 1 AND 65535));"
    "CREATE TABLE win(number integer PRIMARY KEY, name text NOT NULL,"
    "  name_en text NOT NULL DEFAULT '', queues text NOT NULL,"
    "  overflow_minutes integer NOT NULL DEFAULT 0,"
    "  configured integer NOT NULL DEFAULT 1,"
    "  staff text NOT NULL DEFAULT '', login_at bigint NOT NULL DEFAULT 0,"
    "  paused integer NOT NULL DEFAULT 0,"
    "  pause_reason text NOT NULL DEFAULT '',"
    "  paused_at bigint NOT NULL DEFAULT 0);"
    "CREATE TABLE service(code text PRIMARY KEY, name text NOT NULL,"
    "  queue text NOT NULL, promised_days integer NOT NULL,"
    "  materials text NOT NULL, initials text NOT NULL DEFAULT '');"
    "CREATE INDEX service_queue ON service(queue, code);"
    "CREATE TABLE staff(id text PRIMARY KEY, name text NOT NULL,"
    "  role text NOT NULL CHECK (role IN ('staff', 'admin')),"
    "  pin_hash text NOT NULL, pin_short integer CHECK (pin_short IN (0, 1)),"
    "  created_at bigint NOT NULL);"
    "CREATE TABLE login_lock("
    "  staff text NOT NULL REFERENCES staff(id) DEFERRABLE,"
    "  device text NOT NULL, failed integer NOT NULL DEFAULT 0,"
    "  strikes integer NOT NULL DEFAULT 0,"
    "  locked_until bigint NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (staff, device));"
    "CREATE TABLE appointment(id bigserial PRIMARY KEY,"
    "  code text NOT NULL UNIQUE, service text NOT NULL,"
    "  slot_at bigint NOT NULL, name text NOT NULL DEFAULT '',"
    "  ticket bigint, created_at bigint NOT NULL);"
    "CREATE TABLE ticket(id bigint PRIMARY KEY, day text NOT NULL,"
    "  number text NOT NULL, seq integer NOT NULL, queue text NOT NULL,"
    "  service text NOT NULL DEFAULT '',"
    "  state integer NOT NULL CHECK (state BETWEEN 0 AND 7),"
    "  green text NOT NULL DEFAULT '', issued_at bigint NOT NULL,"
    "  virtual_at bigint NOT NULL, prio integer NOT NULL DEFAULT 1,"
    "  called_at bigint NOT NULL DEFAULT 0,"
    "  started_at bigint NOT NULL DEFAULT 0,"
    "  finished_at bigint NOT NULL DEFAULT 0,"
    "  win integer NOT NULL DEFAULT 0,"
    "  target_window integer NOT NULL DEFAULT 0,"
    "  staff text NOT NULL DEFAULT '', recalls integer NOT NULL DEFAULT 0,"
    "  outcome text NOT NULL DEFAULT '', rated integer NOT NULL DEFAULT 0,"
    "  appointment bigint REFERENCES appointment(id) DEFERRABLE,"
    "  origin text NOT NULL,"   /* the queue that gave the number */
    "  UNIQUE (day, number));"
    "ALTER TABLE appointment ADD FOREIGN KEY (ticket) REFERENCES ticket(id)"
    "  DEFERRABLE;"
    /* Partial indexes hold only live tickets: calling the next number
     * costs the same with a year of history as on the first morning. */
    "CREATE INDEX ticket_waiting ON ticket(day, queue, prio, virtual_at, id)"
    "  WHERE state = 0;"
    "CREATE INDEX ticket_waiting_issue ON ticket(day, queue, issued_at, id)"
    "  WHERE state = 0;"
    "CREATE INDEX ticket_at_window ON ticket(win, day) WHERE state IN (1, 2);"
    "CREATE INDEX ticket_live ON ticket(day) WHERE state BETWEEN 0 AND 4;"
    "CREATE INDEX ticket_service ON ticket(day, service);"
    "CREATE SEQUENCE event_id_seq;"
    "CREATE TABLE event(id bigint PRIMARY KEY"
    "  DEFAULT nextval('event_id_seq'), at bigint NOT NULL,"
    "  type text NOT NULL, ticket bigint REFERENCES ticket(id) DEFERRABLE,"
    "  number text NOT NULL DEFAULT '', queue text NOT NULL DEFAULT '',"
    "  win integer NOT NULL DEFAULT 0, staff text NOT NULL DEFAULT '',"
    "  detail text NOT NULL DEFAULT '{}');"
    "ALTER SEQUENCE event_id_seq OWNED BY event.id;"
    "CREATE INDEX event_ticket ON event(ticket, id) WHERE ticket IS NOT NULL;"
    "CREATE INDEX event_untied_at ON event(at) WHERE ticket IS NULL;"
    "CREATE INDEX event_type ON event(type, id);"
    /* The event log is the hall's record: statistics, 考核 and disputes
     * rest on it, so it is append-only for every role, the owner's
     * included. */
    "CREATE FUNCTION event_append_only() RETURNS trigger LANGUAGE plpgsql"
    "  AS $$ BEGIN RAISE EXCEPTION 'the event log is append-only'; END $$;"
    "CREATE TRIGGER event_no_update BEFORE UPDATE OR DELETE OR TRUNCATE"
    "  ON event FOR EACH STATEMENT EXECUTE FUNCTION event_append_only();"
    "CREATE FUNCTION ticket_kept() RETURNS trigger LANGUAGE plpgsql"
    "  AS $$ BEGIN RAISE EXCEPTION"
    "  'tickets are kept: cancel them instead'; END $$;"
    "CREATE TRIGGER ticket_no_delete BEFORE DELETE OR TRUNCATE ON ticket"
    "  FOR EACH STATEMENT EXECUTE FUNCTION ticket_kept();"
    "CREATE TABLE rating(id bigserial PRIMARY KEY,"
    "  ticket bigint NOT NULL REFERENCES ticket(id) DEFERRABLE,"
    "  score integer NOT NULL CHECK (score BETWEEN 1 AND 5),"
    "  reason text NOT NULL DEFAULT '', win integer NOT NULL DEFAULT 0,"
    "  staff text NOT NULL DEFAULT '', service text NOT NULL DEFAULT '',"
    "  at bigint NOT NULL);"
    "CREATE TABLE heartbeat(name text PRIMARY KEY, kind text NOT NULL,"
    "  at bigint NOT NULL, info text NOT NULL DEFAULT '');"
    "CREATE TABLE followup(id bigserial PRIMARY KEY,"
    "  kind text NOT NULL CHECK (kind IN ('rating', 'failed')),"
    "  ticket bigint NOT NULL REFERENCES ticket(id) DEFERRABLE,"
    "  day text NOT NULL,"
    "  number text NOT NULL, win integer NOT NULL DEFAULT 0,"
    "  staff text NOT NULL DEFAULT '', service text NOT NULL DEFAULT '',"
    "  score integer NOT NULL DEFAULT 0, reason text NOT NULL DEFAULT '',"
    "  opened_at bigint NOT NULL, due_day text NOT NULL,"
    "  closed_at bigint NOT NULL DEFAULT 0, result text NOT NULL DEFAULT '',"
    "  closed_by text NOT NULL DEFAULT '');"
    "CREATE INDEX followup_open ON followup(due_day) WHERE closed_at = 0;"
    "CREATE INDEX followup_day ON followup(day);"
    /* Each write transaction's id, committed with its changes: a program
     * whose connection dropped after it sent COMMIT reads here whether the
     * commit took (qh_pg_commit), so it neither loses nor doubles the
     * operation.  Kept a week (the day's first write prunes). */
    "CREATE TABLE request(id text PRIMARY KEY, at bigint NOT NULL);"
    "CREATE INDEX request_at ON request(at);",
    /* 2: every rating says where it came from (rating.h); the ratings
     * before it were chosen at the staff terminal: channel 'legacy'
     * (store.c's migration 8). */
    "ALTER TABLE rating ADD COLUMN channel text NOT NULL DEFAULT 'legacy'"
    "  CHECK (channel IN ('pad', 'qr', 'paper', 'hotline', 'sms', 'default',"
    "  'legacy')),"
    "  ADD COLUMN device text NOT NULL DEFAULT '',"
    "  ADD COLUMN entered_by text NOT NULL DEFAULT '',"
    "  ADD COLUMN appeal text NOT NULL DEFAULT ''"
    "  CHECK (appeal IN ('', 'filed', 'upheld', 'overturned')),"
    "  ADD COLUMN appeal_reason text NOT NULL DEFAULT '',"
    "  ADD COLUMN appeal_at bigint NOT NULL DEFAULT 0,"
    "  ADD COLUMN decided_by text NOT NULL DEFAULT '',"
    "  ADD COLUMN decision_reason text NOT NULL DEFAULT '',"
    "  ADD COLUMN decided_at bigint NOT NULL DEFAULT 0;"
    "CREATE INDEX rating_ticket ON rating(ticket);",
    /* 3: the photo the window's pad shows of the staff member on duty
     * (store.c's migration 9). */
    "CREATE TABLE staff_photo(staff text PRIMARY KEY"
    "  REFERENCES staff(id) DEFERRABLE,"
    "  mime text NOT NULL CHECK (mime IN ('image/png', 'image/jpeg')),"
    "  data text NOT NULL, updated_at bigint NOT NULL);",
    /* 4: the secret of a slip's QR (store.c's migration 10); its own
     * table so that the roles file can give it to the kiosk and the
     * phone page alone. */
    "CREATE TABLE ticket_token(ticket bigint PRIMARY KEY"
    "  REFERENCES ticket(id) DEFERRABLE,"
    "  token text NOT NULL UNIQUE);",
};
const int qh_pg_nmigrations =
    (int)(sizeof qh_pg_migrations / sizeof qh_pg_migrations[0]);
