-- Guards and admins: console actions, watchlist, kiosk-offline and report alerts.
-- Repeatable: re-applied whenever this file changes; only CREATE OR REPLACE FUNCTION and
-- grants (docs/decisions/0750-repeatable-sql-functions.md).

CREATE OR REPLACE FUNCTION gh.require_staff()
 RETURNS gh.person
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE me gh.person;
BEGIN
  SELECT * INTO me FROM gh.person WHERE id = gh.current_person_id() AND active AND role IN ('guard', 'admin');
  IF NOT FOUND THEN
    RAISE EXCEPTION 'only guards and admins may do this' USING ERRCODE = 'GH403', DETAIL = 'staff_only';
  END IF;
  RETURN me;
END $function$;
GRANT EXECUTE ON FUNCTION gh.require_staff() TO gatehouse_app;

-- What gatehouse-worker runs on its timer: escalation, expiry, overstay, kiosk offline.
CREATE OR REPLACE FUNCTION gh.console_housekeeping(p_kiosk_stale interval DEFAULT '00:01:00'::interval)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
BEGIN
  RETURN gh.run_housekeeping() || jsonb_build_object('kiosks_offline', gh.raise_kiosk_offline(p_kiosk_stale));
END $function$;
GRANT EXECUTE ON FUNCTION gh.console_housekeeping(interval) TO gatehouse_server, gatehouse_worker;

-- Manual entry by a guard for a visitor who cannot use a kiosk: the visit is created already
-- checked in, decided by the guard with a reason; an optional photo joins the console's
-- evidence chain (kiosk_id NULL). A watchlist match still raises an alert and marks it held.
CREATE OR REPLACE FUNCTION gh.console_manual_entry(p_visit uuid, p_unit bigint, p_visitor_name text, p_visitor_phone text, p_purpose text, p_reason text, p_photo bytea DEFAULT NULL::bytea, p_content_type text DEFAULT 'image/jpeg'::text)
 RETURNS timestamp with time zone
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE
  me gh.person := gh.require_staff();
  existing gh.visit;
  vname text := gh.check_text('visitor_name', p_visitor_name, 200, true);
  vphone text := gh.check_text('visitor_phone', p_visitor_phone, 40, false);
  vpurpose text := gh.check_text('purpose', p_purpose, 500, false);
  vreason text := gh.check_text('reason', p_reason, 500, true);
  visitor_id bigint;
  stay integer;
  expected timestamptz;
  hit gh.watchlist;
  digest text;
  prev text;
  chain text;
BEGIN
  SELECT * INTO existing FROM gh.visit WHERE id = p_visit;
  IF FOUND THEN
    IF existing.estate_id <> me.estate_id OR existing.decided_by IS DISTINCT FROM me.id THEN
      RAISE EXCEPTION 'visit id already used' USING ERRCODE = 'GH409', DETAIL = 'duplicate_id';
    END IF;
    RETURN existing.expected_exit_at;  -- a retry
  END IF;
  PERFORM 1 FROM gh.unit WHERE id = p_unit AND estate_id = me.estate_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'unit % not found', p_unit USING ERRCODE = 'GH404', DETAIL = 'unit_not_found';
  END IF;
  SELECT default_stay_minutes INTO stay FROM gh.estate WHERE id = me.estate_id;
  expected := now() + make_interval(mins => stay);
  INSERT INTO gh.visitor (estate_id, full_name, phone) VALUES (me.estate_id, vname, nullif(vphone, ''))
  RETURNING id INTO visitor_id;
  SELECT * INTO hit FROM gh.watchlist w
   WHERE w.estate_id = me.estate_id AND w.active AND w.name_key = gh.name_key(vname) LIMIT 1;
  INSERT INTO gh.visit (id, estate_id, unit_id, visitor_id, purpose, status, held, requested_at, decided_at,
                        decided_by, decision_channel, decision_reason, entered_at, expected_exit_at)
  VALUES (p_visit, me.estate_id, p_unit, visitor_id, vpurpose, 'checked_in', hit.id IS NOT NULL, now(), now(),
          me.id, 'guard', vreason, now(), expected);
  PERFORM gh.audit(me.estate_id, 'visit.manual_entry', p_visit::text, jsonb_build_object('reason', vreason));
  IF hit.id IS NOT NULL THEN
    INSERT INTO gh.alert (estate_id, kind, visit_id, details)
    VALUES (me.estate_id, 'watchlist_hit', p_visit,
            jsonb_build_object('watchlist_id', hit.id, 'reason', hit.reason, 'name', vname, 'manual', true));
  END IF;
  IF p_photo IS NOT NULL AND length(p_photo) > 0 THEN
    IF length(p_photo) > 10 * 1024 * 1024 THEN
      RAISE EXCEPTION 'photo must be at most 10 MB' USING ERRCODE = 'GH422', DETAIL = 'evidence_size';
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('gh.console_evidence'), me.estate_id::int);
    digest := encode(sha256(p_photo), 'hex');
    SELECT chain_sha256 INTO prev FROM gh.evidence WHERE kiosk_id IS NULL AND estate_id = me.estate_id
     ORDER BY seq DESC LIMIT 1;
    chain := encode(sha256(convert_to(coalesce(prev, '') || '|' || digest || '|' || p_visit::text || '|'
                                      || 'entry_photo|' || to_char(now() AT TIME ZONE 'UTC',
                                      'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), 'UTF8')), 'hex');
    INSERT INTO gh.evidence (id, estate_id, visit_id, kiosk_id, kind, content_type, data, sha256,
                             prev_chain, chain_sha256, captured_at)
    VALUES (gen_random_uuid(), me.estate_id, p_visit, NULL, 'entry_photo', coalesce(p_content_type, 'image/jpeg'),
            p_photo, digest, prev, chain, now());
  END IF;
  RETURN expected;
END $function$;
GRANT EXECUTE ON FUNCTION gh.console_manual_entry(uuid,bigint,text,text,text,text,bytea,text) TO gatehouse_app;

-- Manual exit by a guard (badge lost, kiosk down). Only a checked-in visit may leave.
CREATE OR REPLACE FUNCTION gh.console_manual_exit(p_visit uuid, p_reason text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE me gh.person := gh.require_staff();
        v gh.visit;
        vreason text := gh.check_text('reason', p_reason, 500, true);
BEGIN
  SELECT * INTO v FROM gh.visit WHERE id = p_visit AND estate_id = me.estate_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'visit % not found', p_visit USING ERRCODE = 'GH404', DETAIL = 'visit_not_found';
  END IF;
  PERFORM gh.lock_visit(p_visit, 'checked_out', me.estate_id);
  UPDATE gh.visit SET status = 'checked_out', exited_at = now() WHERE id = p_visit;
  PERFORM gh.audit(me.estate_id, 'visit.manual_exit', p_visit::text, jsonb_build_object('reason', vreason));
END $function$;
GRANT EXECUTE ON FUNCTION gh.console_manual_exit(uuid,text) TO gatehouse_app;

-- History search for staff. Built as dynamic SQL so each call is planned for the filters it
-- actually has (a generic plan with "p IS NULL OR ..." cannot use the trigram index), and the
-- estate is fixed once instead of evaluating the RLS policy functions per row.
CREATE OR REPLACE FUNCTION gh.console_search_visits(p_name text, p_unit text, p_from timestamp with time zone, p_to timestamp with time zone, p_kiosk bigint, p_status text, p_limit integer DEFAULT 100)
 RETURNS TABLE(visit_id uuid, visitor_name text, unit_label text, kiosk_name text, status gh.visit_status, purpose text, requested_at timestamp with time zone, decided_at timestamp with time zone, entered_at timestamp with time zone, exited_at timestamp with time zone, decision_channel gh.decision_channel, decision_reason text, held boolean, escalated boolean)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE me gh.person := gh.require_staff();
        q text;
        pat text;
        matches integer := 0;
        name_col text := 'vr.full_name';
        src text := 'gh.visit v JOIN gh.visitor vr ON vr.id = v.visitor_id';
        name_filter text := '';
BEGIN
  IF nullif(btrim(coalesce(p_name, '')), '') IS NOT NULL THEN
    pat := '%' || replace(replace(replace(lower(btrim(p_name)), '\', '\\'), '%', '\%'), '_', '\_') || '%';
    -- A rare name: take the matching visitors from the trigram index first and join their visits
    -- (cost follows the matches). A common one (5000+ visitors): walk visits newest first and
    -- filter, which finds 100 quickly. Left alone the planner cannot tell them apart (trigram
    -- selectivity estimates are poor) and can read half the table for a rare name.
    EXECUTE 'SELECT count(*) FROM (SELECT 1 FROM gh.visitor WHERE estate_id = $1 AND lower(full_name) LIKE $2 LIMIT 5000) s'
      INTO matches USING me.estate_id, pat;
    IF matches < 5000 THEN
      q := 'WITH m AS MATERIALIZED (SELECT id, full_name FROM gh.visitor WHERE estate_id = $1 AND lower(full_name) LIKE $2) ';
      src := 'm JOIN gh.visit v ON v.visitor_id = m.id';
      name_col := 'm.full_name';
    ELSE
      name_filter := ' AND lower(vr.full_name) LIKE $2';
    END IF;
  END IF;
  q := coalesce(q, '') || 'SELECT v.id, ' || name_col || ', u.label, k.name, v.status, v.purpose, v.requested_at,
               v.decided_at, v.entered_at, v.exited_at, v.decision_channel, v.decision_reason, v.held,
               v.escalated_at IS NOT NULL
          FROM ' || src || ' JOIN gh.unit u ON u.id = v.unit_id LEFT JOIN gh.kiosk k ON k.id = v.kiosk_id
         WHERE v.estate_id = $1' || name_filter;
  IF nullif(btrim(coalesce(p_unit, '')), '') IS NOT NULL THEN
    q := q || ' AND lower(u.label) = lower(btrim($3))';
  END IF;
  IF p_from IS NOT NULL THEN q := q || ' AND v.requested_at >= $4'; END IF;
  IF p_to IS NOT NULL THEN q := q || ' AND v.requested_at < $5'; END IF;
  IF p_kiosk IS NOT NULL THEN q := q || ' AND v.kiosk_id = $6'; END IF;
  IF nullif(p_status, '') IS NOT NULL THEN q := q || ' AND v.status = $7::gh.visit_status'; END IF;
  q := q || ' ORDER BY v.requested_at DESC LIMIT $8';
  RETURN QUERY EXECUTE q USING me.estate_id, pat, p_unit, p_from, p_to, p_kiosk, p_status,
    least(greatest(coalesce(p_limit, 100), 1), 1000);
END $function$;
GRANT EXECUTE ON FUNCTION gh.console_search_visits(text,text,timestamp with time zone,timestamp with time zone,bigint,text,integer) TO gatehouse_app;

-- Watchlist management, admins only. From a visit (its visitor's name and document hash) or by hand.
CREATE OR REPLACE FUNCTION gh.watchlist_add(p_name text, p_document_hash text, p_reason text, p_visit uuid DEFAULT NULL::uuid)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE me gh.person := gh.require_staff();
        vname text := nullif(btrim(coalesce(p_name, '')), '');
        vdoc text := nullif(btrim(coalesce(p_document_hash, '')), '');
        vreason text := gh.check_text('reason', p_reason, 500, true);
        new_id bigint;
BEGIN
  IF me.role <> 'admin' THEN
    RAISE EXCEPTION 'only admins manage the watchlist' USING ERRCODE = 'GH403', DETAIL = 'admin_only';
  END IF;
  IF p_visit IS NOT NULL THEN
    SELECT coalesce(vname, vr.full_name), coalesce(vdoc, vr.document_hash) INTO vname, vdoc
      FROM gh.visit v JOIN gh.visitor vr ON vr.id = v.visitor_id
     WHERE v.id = p_visit AND v.estate_id = me.estate_id;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'visit % not found', p_visit USING ERRCODE = 'GH404', DETAIL = 'visit_not_found';
    END IF;
  END IF;
  IF vname IS NULL AND vdoc IS NULL THEN
    RAISE EXCEPTION 'a name or a document is required' USING ERRCODE = 'GH422', DETAIL = 'name_required';
  END IF;
  vname := gh.check_text('name', vname, 200, false);
  INSERT INTO gh.watchlist (estate_id, full_name, name_key, document_hash, reason, added_by)
  VALUES (me.estate_id, nullif(vname, ''), gh.name_key(nullif(vname, '')), vdoc, vreason, me.id)
  RETURNING id INTO new_id;
  RETURN new_id;
END $function$;
GRANT EXECUTE ON FUNCTION gh.watchlist_add(text,text,text,uuid) TO gatehouse_app;

CREATE OR REPLACE FUNCTION gh.watchlist_set_active(p_id bigint, p_active boolean)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE me gh.person := gh.require_staff();
BEGIN
  IF me.role <> 'admin' THEN
    RAISE EXCEPTION 'only admins manage the watchlist' USING ERRCODE = 'GH403', DETAIL = 'admin_only';
  END IF;
  UPDATE gh.watchlist SET active = p_active WHERE id = p_id AND estate_id = me.estate_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'watchlist entry % not found', p_id USING ERRCODE = 'GH404', DETAIL = 'watchlist_not_found';
  END IF;
END $function$;
GRANT EXECUTE ON FUNCTION gh.watchlist_set_active(bigint,boolean) TO gatehouse_app;

-- A kiosk whose heartbeat is older than p_stale gets one kiosk_offline alert per silence
-- (a new one only after it has beaten again). Idempotent; safe from several workers.
CREATE OR REPLACE FUNCTION gh.raise_kiosk_offline(p_stale interval DEFAULT '00:01:00'::interval)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE n integer;
BEGIN
  INSERT INTO gh.alert (estate_id, kind, kiosk_id, details)
  SELECT k.estate_id, 'kiosk_offline', k.id,
         jsonb_build_object('last_heartbeat', k.last_heartbeat, 'kiosk_name', k.name)
    FROM gh.kiosk k
   WHERE k.last_heartbeat IS NOT NULL AND k.last_heartbeat < now() - p_stale
     AND NOT EXISTS (SELECT 1 FROM gh.alert a WHERE a.kiosk_id = k.id AND a.kind = 'kiosk_offline'
                        AND a.created_at >= k.last_heartbeat);
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $function$;
GRANT EXECUTE ON FUNCTION gh.raise_kiosk_offline(interval) TO gatehouse_server, gatehouse_worker;

-- A resident's report of a suspicious visitor reaches the guards as an alert.
CREATE OR REPLACE FUNCTION gh.report_alert()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
BEGIN
  INSERT INTO gh.alert (estate_id, kind, visit_id, details)
  VALUES (NEW.estate_id, 'report', NEW.visit_id,
          jsonb_build_object('report', NEW.id, 'reporter', NEW.reporter_id, 'reason', NEW.reason));
  RETURN NEW;
END $function$;

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA gh FROM PUBLIC;
