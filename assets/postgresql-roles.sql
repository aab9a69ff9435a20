-- postgresql-roles.sql: least-privilege roles for a hall on a PostgreSQL
-- server (README, "Several PCs in one hall").
--
-- Four NOLOGIN group roles, one per kind of program; each PC logs in as a
-- role of its own that is a member of one of them, so one PC's password
-- can be changed or revoked alone:
--
--   qhall_admin    qhall on the admin's PC: everything (the hall, staff,
--                  the catalogue, appointments, follow-ups, reports).
--   qhall_counter  qhall-counter: the tickets' lifecycle (call, start,
--                  finish, no-show, transfer, hold, rate ...), logging in
--                  and out of a window, pausing it, the PIN lock-out.
--   qhall_kiosk    qhall-kiosk: issues numbers (and checks appointments
--                  in), records the slip's print result.
--   qhall_display  qhall-display: reads, and writes its own heartbeat.
--   qhall_serve    qhall serve, the phone page: reads, finds a ticket by
--                  its slip's token, and records the citizen's rating.
--
--   CREATE ROLE kiosk1 LOGIN PASSWORD '...' IN ROLE qhall_kiosk;
--
-- What a leaked password lets its holder do, by the raw SQL the role
-- allows and not only by what the program does:
--   kiosk:   add waiting tickets and their issued and print events, mark
--            tickets of EARLIER days expired (the first write of a day
--            closes yesterday: "earlier" by the server's clock in the
--            hall's time zone), link an appointment not yet checked in to
--            its ticket, write kiosk heartbeats.  It cannot call, start,
--            finish, transfer, cancel or rate a ticket, write a rating,
--            read a PIN hash, or change the hall, staff or catalogue.
--            The kiosk's admin screen needs the PIN hashes, so on a
--            kiosk with this role it refuses: use a PC with the admin
--            role for the kiosk's upkeep.
--   display: read the hall (not the PIN hashes, the lock-out, ratings or
--            follow-ups) and write display heartbeats.
--   serve:   read the hall as the display does, the slips' tokens and
--            the ratings; rate a finished ticket not yet rated (its
--            rated flag, a rating row, a rated event, a 差评's
--            follow-up), expire open tickets of earlier days.  It cannot
--            call, start, finish or issue, nor read a PIN hash.
--   counter: everything a counter does, to any ticket of any window; a
--            counter checks PINs, so it reads the hashes.  It cannot add
--            or cancel staff, change a name, role or PIN, the hall or the
--            catalogue, or issue numbers.
--
-- Run it as a superuser (it creates roles), on the hall's database, AFTER
-- `qhall init` made the tables, and again after an upgrade that adds a
-- migration (it says which schema version it expects):
--
--   sudo -u postgres psql -v ON_ERROR_STOP=1 -d hall -f postgresql-roles.sql
--
-- It is idempotent: every run first takes back what the four roles were
-- given, then grants it again; login roles stay members.  The tables'
-- owner (the role that ran `qhall init`) and superusers are not bound by
-- any of this (PostgreSQL never checks an owner's row policies).

\set ON_ERROR_STOP 1
SET client_min_messages = warning;

BEGIN;

DO $$
BEGIN
    IF to_regclass('public.ticket') IS NULL OR to_regclass('public.schema_version') IS NULL THEN
        RAISE EXCEPTION 'database % has no qhall tables: run qhall init on it first',
            current_database();
    END IF;
    IF (SELECT max(version) FROM public.schema_version) IS DISTINCT FROM 4 THEN
        RAISE EXCEPTION 'schema version % here, this file knows version 4: use the roles file of the same qhall release',
            (SELECT max(version) FROM public.schema_version);
    END IF;
END $$;

-- The roles (cluster-wide: one set for every hall database on the server).
DO $$
DECLARE r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['qhall_admin', 'qhall_counter', 'qhall_kiosk', 'qhall_display', 'qhall_serve'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', r);
        END IF;
    END LOOP;
END $$;

-- Who may connect at all: the four roles' members, not every role of the
-- server.  A temporary table could shadow a table in a function that
-- does not name its schema: only the admin role may make one.
DO $$
BEGIN
    EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO qhall_counter, qhall_kiosk, qhall_display, qhall_serve',
                   current_database());
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO qhall_admin', current_database());
END $$;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO qhall_admin, qhall_counter, qhall_kiosk, qhall_display, qhall_serve;

-- Start from nothing (column privileges go with the table's).
REVOKE ALL ON ALL TABLES IN SCHEMA public
    FROM qhall_admin, qhall_counter, qhall_kiosk, qhall_display, qhall_serve;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public
    FROM qhall_admin, qhall_counter, qhall_kiosk, qhall_display, qhall_serve;

-- ---- admin: everything ----
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO qhall_admin;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO qhall_admin;

-- ---- what every program reads ----
-- The hall's layout and catalogue, the tickets and the event log (the
-- change feed reads it), the heartbeats (qhall status), the schema's
-- version (checked at connect).
GRANT SELECT ON schema_version, setting, queue, queue_key, win, service,
    ticket, event, heartbeat
    TO qhall_counter, qhall_kiosk, qhall_display, qhall_serve;
GRANT SELECT ON event_id_seq TO qhall_counter, qhall_kiosk, qhall_display, qhall_serve;
-- Staff by name only: never the PIN hashes.
GRANT SELECT (id, name) ON staff TO qhall_kiosk, qhall_display;
GRANT SELECT ON appointment TO qhall_counter, qhall_kiosk;

-- ---- counter ----
GRANT SELECT ON staff, login_lock, rating, followup TO qhall_counter;
-- The window's pad (qhall-counter --pad) shows the photo of the staff
-- member on duty; photos are set by the admin.
GRANT SELECT ON staff_photo TO qhall_counter;
GRANT INSERT, UPDATE, DELETE ON login_lock TO qhall_counter;
-- The lifecycle's columns; a ticket's identity (id, day, number, seq,
-- origin, issued_at) and its appointment stay as issued.
GRANT UPDATE (queue, service, state, green, virtual_at, prio, called_at,
    started_at, finished_at, win, target_window, staff, recalls, outcome,
    rated)
    ON ticket TO qhall_counter;
-- Logging in and out, pausing: not the window's name, queues or number.
GRANT UPDATE (staff, login_at, paused, pause_reason, paused_at)
    ON win TO qhall_counter;
-- A right PIN records whether it was a short one (pin_short); the store
-- writes the whole row, so the trigger below refuses any other change.
GRANT UPDATE (name, role, pin_hash, pin_short) ON staff TO qhall_counter;
GRANT INSERT ON rating, followup, event TO qhall_counter;
-- The staff member's appeal of a 差评 (the counter's key); the decision
-- is the admin's.
GRANT UPDATE (appeal, appeal_reason, appeal_at) ON rating TO qhall_counter;
GRANT USAGE ON rating_id_seq, followup_id_seq, event_id_seq TO qhall_counter;
GRANT INSERT, UPDATE ON setting, heartbeat TO qhall_counter;

-- ---- kiosk ----
GRANT INSERT ON ticket, event TO qhall_kiosk;
GRANT UPDATE (state) ON ticket TO qhall_kiosk;
GRANT UPDATE (ticket) ON appointment TO qhall_kiosk;
GRANT USAGE ON event_id_seq TO qhall_kiosk;
GRANT INSERT, UPDATE ON setting, heartbeat TO qhall_kiosk;
-- Each ticket's token is written with it; the kiosk reads it back to
-- print a slip again.
GRANT SELECT, INSERT ON ticket_token TO qhall_kiosk;

-- ---- serve ----
GRANT SELECT ON ticket_token, rating TO qhall_serve;
GRANT UPDATE (state, rated) ON ticket TO qhall_serve;
GRANT INSERT ON rating, followup, event TO qhall_serve;
GRANT USAGE ON rating_id_seq, followup_id_seq, event_id_seq TO qhall_serve;
GRANT INSERT, UPDATE ON setting TO qhall_serve;

-- ---- display ----
GRANT INSERT, UPDATE ON heartbeat TO qhall_display;
-- Every write transaction records its request id, so that a program whose
-- connection dropped at COMMIT can read whether it took; the day's first
-- write (a counter's or the kiosk's) prunes last week's.  The display's
-- one write, its heartbeat, is a statement of its own, in no transaction
-- (tests/cli/pg_roles.sh): it needs none.
GRANT SELECT, INSERT ON request TO qhall_counter, qhall_kiosk, qhall_serve;
GRANT DELETE ON request TO qhall_counter, qhall_kiosk, qhall_serve;

-- ---- the rows each role may write ----

-- The hall's day by the server's clock, in the hall's time zone, a
-- minute ahead: a program's clock is the server's corrected at each
-- transaction's begin, so the day it computed is never later than this.
-- The body is parsed here (BEGIN ATOMIC), so no search_path of the caller
-- can put another `setting` in front of the hall's.
CREATE OR REPLACE FUNCTION public.qhall_today() RETURNS text
    LANGUAGE sql VOLATILE
BEGIN ATOMIC
    SELECT to_char((clock_timestamp() + interval '1 minute') AT TIME ZONE
        coalesce((SELECT s.value FROM public.setting s WHERE s.key = 'hall.timezone'),
                 'Asia/Shanghai'), 'YYYY-MM-DD');
END;

-- A role not in qhall_admin (and not the owner) changes no more of a
-- staff member than pin_short.  The SQLSTATE is a privilege error's, so
-- the programs say it the same way.
CREATE OR REPLACE FUNCTION public.qhall_staff_guard() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
    IF (NEW.id, NEW.name, NEW.role, NEW.pin_hash, NEW.created_at)
           IS DISTINCT FROM (OLD.id, OLD.name, OLD.role, OLD.pin_hash, OLD.created_at)
       AND NOT pg_has_role(current_user, 'qhall_admin', 'USAGE')
       AND NOT pg_has_role(current_user,
                           (SELECT c.relowner FROM pg_class c WHERE c.oid = TG_RELID), 'USAGE') THEN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
            MESSAGE = format('only the qhall_admin role changes staff member %s', OLD.id);
    END IF;
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS qhall_staff_guard ON staff;
CREATE TRIGGER qhall_staff_guard BEFORE UPDATE ON staff
    FOR EACH ROW EXECUTE FUNCTION public.qhall_staff_guard();

-- Row policies.  Each table below holds rows some role may write only in
-- part; every role that reads it needs a policy to see any row at all.
ALTER TABLE ticket ENABLE ROW LEVEL SECURITY;
ALTER TABLE event ENABLE ROW LEVEL SECURITY;
ALTER TABLE setting ENABLE ROW LEVEL SECURITY;
ALTER TABLE heartbeat ENABLE ROW LEVEL SECURITY;
ALTER TABLE appointment ENABLE ROW LEVEL SECURITY;

DO $$
DECLARE p record;
BEGIN
    FOR p IN SELECT policyname, tablename FROM pg_policies
             WHERE schemaname = 'public' AND policyname LIKE 'qhall\_%' LOOP
        EXECUTE format('DROP POLICY %I ON public.%I', p.policyname, p.tablename);
    END LOOP;
END $$;

CREATE POLICY qhall_read ON ticket FOR SELECT
    TO qhall_admin, qhall_counter, qhall_kiosk, qhall_display, qhall_serve USING (true);
CREATE POLICY qhall_read ON event FOR SELECT
    TO qhall_admin, qhall_counter, qhall_kiosk, qhall_display, qhall_serve USING (true);
CREATE POLICY qhall_read ON setting FOR SELECT
    TO qhall_admin, qhall_counter, qhall_kiosk, qhall_display, qhall_serve USING (true);
CREATE POLICY qhall_read ON heartbeat FOR SELECT
    TO qhall_admin, qhall_counter, qhall_kiosk, qhall_display, qhall_serve USING (true);
CREATE POLICY qhall_read ON appointment FOR SELECT
    TO qhall_admin, qhall_counter, qhall_kiosk USING (true);

CREATE POLICY qhall_admin ON ticket TO qhall_admin USING (true) WITH CHECK (true);
CREATE POLICY qhall_admin ON event TO qhall_admin USING (true) WITH CHECK (true);
CREATE POLICY qhall_admin ON setting TO qhall_admin USING (true) WITH CHECK (true);
CREATE POLICY qhall_admin ON heartbeat TO qhall_admin USING (true) WITH CHECK (true);
CREATE POLICY qhall_admin ON appointment TO qhall_admin USING (true) WITH CHECK (true);

-- Tickets: the counter moves any ticket through its lifecycle (its
-- column privileges say which columns); the kiosk adds a new waiting
-- ticket that no window has touched, and expires open tickets of earlier
-- days, nothing else.
CREATE POLICY qhall_counter ON ticket FOR UPDATE TO qhall_counter
    USING (true) WITH CHECK (true);
CREATE POLICY qhall_kiosk_issue ON ticket FOR INSERT TO qhall_kiosk
    WITH CHECK (state = 0 AND called_at = 0 AND started_at = 0
                AND finished_at = 0 AND win = 0 AND staff = ''
                AND recalls = 0 AND outcome = '' AND rated = 0);
-- Rows the kiosk may not touch at all (closed ones) it does not see for
-- the update; an open ticket of today it sees, so that setting it to
-- anything is an error, not a silent no-op.
CREATE POLICY qhall_kiosk_expire ON ticket FOR UPDATE TO qhall_kiosk
    USING (state BETWEEN 0 AND 4)
    WITH CHECK (state = 7 AND day < public.qhall_today());

-- The phone page rates a finished ticket once, and (as the day's first
-- write may) expires open tickets of earlier days.
CREATE POLICY qhall_serve_rate ON ticket FOR UPDATE TO qhall_serve
    USING (state = 5 AND rated = 0) WITH CHECK (state = 5 AND rated = 1);
CREATE POLICY qhall_serve_expire ON ticket FOR UPDATE TO qhall_serve
    USING (state BETWEEN 0 AND 4)
    WITH CHECK (state = 7 AND day < public.qhall_today());

-- Events: what each program records, by type.  A called, recalled or
-- finished event is the counter's alone: the display and the statistics
-- believe the log.
CREATE POLICY qhall_counter ON event FOR INSERT TO qhall_counter
    WITH CHECK (type IN ('called', 'called_back', 'recalled', 'no_show',
                         'started', 'held', 'released', 'transferred',
                         'finished', 'cancelled', 'rated', 'paused',
                         'resumed', 'login', 'logout', 'login_failed',
                         'printed', 'print_failed', 'reprinted', 'expired'));
CREATE POLICY qhall_kiosk ON event FOR INSERT TO qhall_kiosk
    WITH CHECK (
        (type = 'issued' AND win = 0 AND staff = ''
         AND EXISTS (SELECT 1 FROM public.ticket t
                     WHERE t.id = event.ticket AND t.state = 0))
        OR (type IN ('printed', 'print_failed', 'reprinted') AND win = 0
            AND staff = '' AND ticket IS NOT NULL)
        OR (type = 'expired'
            AND EXISTS (SELECT 1 FROM public.ticket t
                        WHERE t.id = event.ticket AND t.day < public.qhall_today())));

CREATE POLICY qhall_serve ON event FOR INSERT TO qhall_serve
    WITH CHECK ((type = 'rated' AND position('"channel":"qr"' IN detail) > 0)
        OR (type = 'expired'
            AND EXISTS (SELECT 1 FROM public.ticket t
                        WHERE t.id = event.ticket AND t.day < public.qhall_today())));

-- Settings: the hall's layout is the admin's; the day marker is written
-- by the first write of each day, whichever program makes it, and never
-- moved past the server's day (that would hold back every rollover).
CREATE POLICY qhall_day ON setting FOR INSERT TO qhall_counter, qhall_kiosk, qhall_serve
    WITH CHECK (key = 'day' AND value <= public.qhall_today());
CREATE POLICY qhall_day_update ON setting FOR UPDATE TO qhall_counter, qhall_kiosk, qhall_serve
    USING (key = 'day') WITH CHECK (key = 'day' AND value <= public.qhall_today());

-- Heartbeats: each program its own kind.
CREATE POLICY qhall_counter ON heartbeat FOR INSERT TO qhall_counter
    WITH CHECK (kind = 'counter');
CREATE POLICY qhall_counter_update ON heartbeat FOR UPDATE TO qhall_counter
    USING (kind = 'counter') WITH CHECK (kind = 'counter');
CREATE POLICY qhall_kiosk ON heartbeat FOR INSERT TO qhall_kiosk
    WITH CHECK (kind = 'kiosk');
CREATE POLICY qhall_kiosk_update ON heartbeat FOR UPDATE TO qhall_kiosk
    USING (kind = 'kiosk') WITH CHECK (kind = 'kiosk');
CREATE POLICY qhall_display ON heartbeat FOR INSERT TO qhall_display
    WITH CHECK (kind = 'display');
CREATE POLICY qhall_display_update ON heartbeat FOR UPDATE TO qhall_display
    USING (kind = 'display') WITH CHECK (kind = 'display');

-- Appointments: the kiosk checks one in once, to the waiting ticket
-- issued for it.
CREATE POLICY qhall_kiosk_checkin ON appointment FOR UPDATE TO qhall_kiosk
    USING (ticket IS NULL)
    WITH CHECK (EXISTS (SELECT 1 FROM public.ticket t
                        WHERE t.id = appointment.ticket
                          AND t.appointment = appointment.id AND t.state = 0));

COMMIT;
