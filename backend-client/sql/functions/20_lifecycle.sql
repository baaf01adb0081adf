-- The visit lifecycle: transitions, decisions, cancel, alerts, escalation, housekeeping.
-- Repeatable: re-applied whenever this file changes; only CREATE OR REPLACE FUNCTION and
-- grants (docs/decisions/0750-repeatable-sql-functions.md).

-- The one place that knows which status may follow which.
CREATE OR REPLACE FUNCTION gh.allowed_transition(p_from gh.visit_status, p_to gh.visit_status)
 RETURNS boolean
 LANGUAGE sql
 IMMUTABLE
AS $function$
  SELECT (p_from, p_to) IN (
    ('pending'::gh.visit_status, 'approved'::gh.visit_status), ('pending', 'denied'),
    ('pending', 'expired'), ('pending', 'cancelled'),
    ('approved', 'checked_in'), ('approved', 'expired'), ('approved', 'cancelled'),
    ('checked_in', 'checked_out'))
$function$;

-- Locks a visit of the caller's estate for a status change. The estate is checked before the
-- status, so another estate's visit is "not found" and its status is never revealed (a 409).
CREATE OR REPLACE FUNCTION gh.lock_visit(p_visit uuid, p_to gh.visit_status, p_estate bigint)
 RETURNS gh.visit
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE v gh.visit;
BEGIN
  SELECT * INTO v FROM gh.visit WHERE id = p_visit AND estate_id = p_estate FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'visit % not found', p_visit USING ERRCODE = 'GH404', DETAIL = 'visit_not_found';
  END IF;
  IF NOT gh.allowed_transition(v.status, p_to) THEN
    IF v.status IN ('approved', 'denied') AND p_to IN ('approved', 'denied') THEN
      RAISE EXCEPTION 'visit already decided: % at %', v.status, v.decided_at
        USING ERRCODE = 'GH409', DETAIL = 'already_decided';
    END IF;
    RAISE EXCEPTION 'visit cannot go from % to %', v.status, p_to
      USING ERRCODE = 'GH409', DETAIL = 'illegal_transition';
  END IF;
  RETURN v;
END $function$;

-- A resident (for their unit, not for held visits) or a guard/admin (with a reason) decides.
CREATE OR REPLACE FUNCTION gh.decide_visit(p_visit uuid, p_approve boolean, p_reason text DEFAULT NULL::text, p_channel gh.decision_channel DEFAULT NULL::gh.decision_channel)
 RETURNS gh.visit_status
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE
  me gh.person;
  v gh.visit;
  to_status gh.visit_status := CASE WHEN p_approve THEN 'approved' ELSE 'denied' END;
  channel gh.decision_channel;
  reason text := nullif(btrim(coalesce(p_reason, '')), '');
BEGIN
  SELECT * INTO me FROM gh.person WHERE id = gh.current_person_id() AND active;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no acting person' USING ERRCODE = 'GH403', DETAIL = 'no_person';
  END IF;
  SELECT * INTO v FROM gh.visit WHERE id = p_visit;
  IF NOT FOUND OR v.estate_id <> me.estate_id
     OR (me.role = 'resident' AND v.unit_id IS DISTINCT FROM me.unit_id) THEN
    RAISE EXCEPTION 'visit % not found', p_visit USING ERRCODE = 'GH404', DETAIL = 'visit_not_found';
  END IF;
  IF me.role = 'resident' THEN
    IF v.held THEN
      RAISE EXCEPTION 'this visit is held for the guards' USING ERRCODE = 'GH403', DETAIL = 'held';
    END IF;
    channel := coalesce(p_channel, 'resident');
    IF channel NOT IN ('resident', 'magic_link', 'push') THEN
      RAISE EXCEPTION 'channel % is not for residents', channel USING ERRCODE = 'GH403', DETAIL = 'channel';
    END IF;
  ELSE
    IF reason IS NULL THEN
      RAISE EXCEPTION 'a guard deciding on a resident''s behalf must give a reason'
        USING ERRCODE = 'GH422', DETAIL = 'reason_required';
    END IF;
    channel := 'guard';
  END IF;
  v := gh.lock_visit(p_visit, to_status, me.estate_id);
  UPDATE gh.visit SET status = to_status, decided_at = now(), decided_by = me.id,
         decision_channel = channel, decision_reason = gh.check_text('reason', reason, 500, false)
   WHERE id = p_visit;
  RETURN to_status;
END $function$;
GRANT EXECUTE ON FUNCTION gh.decide_visit(uuid,boolean,text,gh.decision_channel) TO gatehouse_app;

-- Issue 10, staff API: cancelling a visit of another estate answered success (the UPDATE matched
-- nothing, so nothing changed, but the caller could not tell). It is now "not found", checked
-- before the row lock so the other estate's visit status is not revealed either.
CREATE OR REPLACE FUNCTION gh.cancel_visit(p_visit uuid) RETURNS void LANGUAGE plpgsql SECURITY DEFINER
SET search_path = gh, pg_temp AS $$
BEGIN
  IF NOT gh.i_am_staff() THEN
    RAISE EXCEPTION 'only guards can cancel a visit' USING ERRCODE = 'GH403', DETAIL = 'staff_only';
  END IF;
  PERFORM 1 FROM gh.visit WHERE id = p_visit AND estate_id = gh.my_estate();
  IF NOT FOUND THEN
    RAISE EXCEPTION 'visit % not found', p_visit USING ERRCODE = 'GH404', DETAIL = 'visit_not_found';
  END IF;
  PERFORM gh.lock_visit(p_visit, 'cancelled', gh.my_estate());
  UPDATE gh.visit SET status = 'cancelled' WHERE id = p_visit AND estate_id = gh.my_estate();
END $$;
GRANT EXECUTE ON FUNCTION gh.cancel_visit(uuid) TO gatehouse_app;

-- Staff acknowledge alerts under their own name.
CREATE OR REPLACE FUNCTION gh.acknowledge_alert(p_alert bigint)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
BEGIN
  IF NOT gh.i_am_staff() THEN
    RAISE EXCEPTION 'only guards acknowledge alerts' USING ERRCODE = 'GH403', DETAIL = 'staff_only';
  END IF;
  UPDATE gh.alert SET acknowledged_by = gh.current_person_id(), acknowledged_at = now()
   WHERE id = p_alert AND estate_id = gh.my_estate() AND acknowledged_at IS NULL;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'alert % not found or already acknowledged', p_alert USING ERRCODE = 'GH404', DETAIL = 'alert_not_found';
  END IF;
END $function$;
GRANT EXECUTE ON FUNCTION gh.acknowledge_alert(bigint) TO gatehouse_app;

-- Escalation (approval timeout) and expiry; idempotent, safe to run from several workers.
CREATE OR REPLACE FUNCTION gh.escalate(p_visit uuid)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE v gh.visit;
BEGIN
  UPDATE gh.visit SET escalated_at = now()
   WHERE id = p_visit AND status = 'pending' AND escalated_at IS NULL RETURNING * INTO v;
  IF NOT FOUND THEN RETURN false; END IF;
  INSERT INTO gh.alert (estate_id, kind, visit_id, kiosk_id, details)
  VALUES (v.estate_id, 'approval_timeout', v.id, v.kiosk_id,
          jsonb_build_object('waited_s', extract(epoch FROM now() - v.requested_at)::int));
  RETURN true;
END $function$;

CREATE OR REPLACE FUNCTION gh.run_housekeeping(p_pending_expiry interval DEFAULT '00:30:00'::interval, p_approved_expiry interval DEFAULT '02:00:00'::interval)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE escalated int := 0; expired int := 0; overstays int := 0; r record;
BEGIN
  FOR r IN SELECT v.id FROM gh.visit v JOIN gh.estate e ON e.id = v.estate_id
            WHERE v.status = 'pending' AND v.escalated_at IS NULL
              AND v.requested_at < now() - make_interval(secs => e.approval_timeout_s)
            FOR UPDATE OF v SKIP LOCKED LOOP
    IF gh.escalate(r.id) THEN escalated := escalated + 1; END IF;
  END LOOP;
  UPDATE gh.visit SET status = 'expired'
   WHERE (status = 'pending' AND requested_at < now() - p_pending_expiry)
      OR (status = 'approved' AND decided_at < now() - p_approved_expiry);
  GET DIAGNOSTICS expired = ROW_COUNT;
  INSERT INTO gh.alert (estate_id, kind, visit_id, kiosk_id, details)
  SELECT v.estate_id, 'overstay', v.id, v.kiosk_id,
         jsonb_build_object('expected_exit_at', v.expected_exit_at)
    FROM gh.visit v
   WHERE v.status = 'checked_in' AND v.expected_exit_at < now()
     AND NOT EXISTS (SELECT 1 FROM gh.alert a WHERE a.visit_id = v.id AND a.kind = 'overstay')
  ON CONFLICT (visit_id) WHERE kind = 'overstay' DO NOTHING;
  GET DIAGNOSTICS overstays = ROW_COUNT;
  RETURN jsonb_build_object('escalated', escalated, 'expired', expired, 'overstays', overstays);
END $function$;
GRANT EXECUTE ON FUNCTION gh.run_housekeeping(interval,interval) TO gatehouse_server, gatehouse_worker;

-- Every visit change: one audit row and one NOTIFY (delivered at commit, never before).
CREATE OR REPLACE FUNCTION gh.visit_changed()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.status = OLD.status AND NEW.escalated_at IS NOT DISTINCT FROM OLD.escalated_at THEN
    RETURN NEW;
  END IF;
  PERFORM gh.audit(NEW.estate_id, 'visit.' || NEW.status::text, NEW.id::text,
    jsonb_build_object('from', CASE WHEN TG_OP = 'UPDATE' THEN OLD.status::text END,
                       'to', NEW.status, 'channel', NEW.decision_channel,
                       'reason', NEW.decision_reason, 'escalated', NEW.escalated_at IS NOT NULL));
  PERFORM pg_notify('gatehouse', json_build_object('event', 'visit', 'estate', NEW.estate_id,
    'visit', NEW.id, 'status', NEW.status, 'unit', NEW.unit_id, 'held', NEW.held,
    'escalated', NEW.escalated_at IS NOT NULL)::text);
  RETURN NEW;
END $function$;

-- Redacting an alert's details (anonymisation) is not an acknowledgement: only a change of
-- acknowledged_at is audited and announced as one. Otherwise as in 0003.
CREATE OR REPLACE FUNCTION gh.alert_changed()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.acknowledged_at IS NOT DISTINCT FROM OLD.acknowledged_at THEN
    RETURN NEW;
  END IF;
  PERFORM gh.audit(NEW.estate_id, CASE WHEN TG_OP = 'INSERT' THEN 'alert.raised' ELSE 'alert.acknowledged' END,
                   NEW.id::text, jsonb_build_object('kind', NEW.kind, 'visit', NEW.visit_id, 'kiosk', NEW.kiosk_id));
  PERFORM pg_notify('gatehouse', json_build_object('event', 'alert', 'estate', NEW.estate_id,
    'alert', NEW.id, 'kind', NEW.kind, 'visit', NEW.visit_id, 'kiosk', NEW.kiosk_id,
    'acknowledged', NEW.acknowledged_at IS NOT NULL)::text);
  RETURN NEW;
END $function$;

CREATE OR REPLACE FUNCTION gh.visit_on_hold(p_visit uuid)
 RETURNS boolean
 LANGUAGE sql
 STABLE
 SET search_path TO 'gh', 'pg_temp'
AS $function$
  SELECT EXISTS (SELECT 1 FROM gh.legal_hold h WHERE h.visit_id = p_visit AND h.released_at IS NULL)
$function$;
GRANT EXECUTE ON FUNCTION gh.visit_on_hold(uuid) TO gatehouse_app;

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA gh FROM PUBLIC;
