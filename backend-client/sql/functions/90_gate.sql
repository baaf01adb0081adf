-- The gate: kiosk gate events and commands, staff opening the gate, waking kiosks.
-- Repeatable: re-applied whenever this file changes; only CREATE OR REPLACE FUNCTION and
-- grants (docs/decisions/0750-repeatable-sql-functions.md).

-- A kiosk reports one opening or relay fault. A fault raises a gate_fault alert for the guard.
CREATE OR REPLACE FUNCTION gh.kiosk_gate_event(p_kiosk bigint, p_token text, p_event uuid, p_visit uuid, p_command uuid, p_direction text, p_channel integer, p_reason text, p_outcome text, p_fault text, p_at timestamp with time zone)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE
  k gh.kiosk := gh.kiosk_auth(p_kiosk, p_token);
  existing gh.gate_event;
  cmd gh.kiosk_command;
  vfault text := gh.check_text('fault', p_fault, 64, false);
  v_visit uuid;
BEGIN
  IF p_event IS NULL THEN
    RAISE EXCEPTION 'event id is required' USING ERRCODE = 'GH422', DETAIL = 'event_required';
  END IF;
  SELECT * INTO existing FROM gh.gate_event WHERE id = p_event;
  IF FOUND THEN
    IF existing.kiosk_id <> k.id THEN
      RAISE EXCEPTION 'event % belongs to another kiosk', p_event USING ERRCODE = 'GH409', DETAIL = 'event_conflict';
    END IF;
    RETURN 'already_recorded';
  END IF;
  IF p_direction IS NULL OR p_direction NOT IN ('entry', 'exit') THEN
    RAISE EXCEPTION 'direction must be entry or exit' USING ERRCODE = 'GH422', DETAIL = 'direction';
  END IF;
  IF p_channel IS NULL OR p_channel NOT BETWEEN 1 AND 8 THEN
    RAISE EXCEPTION 'relay channel must be 1 to 8' USING ERRCODE = 'GH422', DETAIL = 'channel';
  END IF;
  IF p_reason IS NULL OR p_reason NOT IN ('walk_in', 'guard_pin', 'pass', 'exit', 'remote') THEN
    RAISE EXCEPTION 'unknown gate reason' USING ERRCODE = 'GH422', DETAIL = 'reason';
  END IF;
  IF p_outcome IS NULL OR p_outcome NOT IN ('opened', 'fault') THEN
    RAISE EXCEPTION 'outcome must be opened or fault' USING ERRCODE = 'GH422', DETAIL = 'outcome';
  END IF;
  IF p_at IS NULL OR p_at > now() + interval '1 minute' OR p_at < now() - interval '30 days' THEN
    RAISE EXCEPTION 'gate event time out of range' USING ERRCODE = 'GH422', DETAIL = 'at';
  END IF;
  IF p_command IS NOT NULL THEN
    SELECT * INTO cmd FROM gh.kiosk_command WHERE id = p_command AND kiosk_id = k.id FOR UPDATE;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'no such command for this kiosk' USING ERRCODE = 'GH422', DETAIL = 'command';
    END IF;
    UPDATE gh.kiosk_command SET done_at = now(), outcome = p_outcome WHERE id = cmd.id;
  ELSIF p_reason = 'remote' THEN
    RAISE EXCEPTION 'a remote opening names its command' USING ERRCODE = 'GH422', DETAIL = 'command';
  END IF;
  -- Only a visit of this kiosk's estate is linked; the opening itself is kept either way.
  SELECT v.id INTO v_visit FROM gh.visit v WHERE v.id = p_visit AND v.estate_id = k.estate_id;
  INSERT INTO gh.gate_event (id, estate_id, kiosk_id, visit_id, command_id, direction, channel,
                             reason, opened_by, outcome, fault, at)
  VALUES (p_event, k.estate_id, k.id, v_visit, cmd.id, p_direction, p_channel, p_reason,
          cmd.requested_by, p_outcome, nullif(vfault, ''), least(p_at, now()));
  PERFORM gh.audit(k.estate_id, 'gate.' || p_outcome, p_event::text,
                   json_build_object('direction', p_direction, 'reason', p_reason, 'visit', v_visit,
                                     'channel', p_channel, 'fault', nullif(vfault, ''))::jsonb);
  IF p_outcome = 'fault' THEN
    INSERT INTO gh.alert (estate_id, kind, visit_id, kiosk_id, details)
    VALUES (k.estate_id, 'gate_fault', v_visit, k.id,
            json_build_object('fault', vfault, 'direction', p_direction, 'channel', p_channel,
                              'event', p_event)::jsonb);
  END IF;
  PERFORM pg_notify('gatehouse', json_build_object('event', 'gate', 'estate', k.estate_id,
    'kiosk', k.id, 'outcome', p_outcome, 'direction', p_direction)::text);
  RETURN 'recorded';
END $function$;
GRANT EXECUTE ON FUNCTION gh.kiosk_gate_event(bigint,text,uuid,uuid,uuid,text,integer,text,text,text,timestamp with time zone) TO gatehouse_kiosk;

-- The kiosk takes its waiting commands (each once). A command older than two minutes is dropped:
-- a gate must not open long after the guard who asked has looked away.
CREATE OR REPLACE FUNCTION gh.kiosk_take_commands(p_kiosk bigint, p_token text)
 RETURNS TABLE(id uuid, kind text, direction text, reason text, requested_by bigint)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE k gh.kiosk := gh.kiosk_auth(p_kiosk, p_token);
BEGIN
  RETURN QUERY
  UPDATE gh.kiosk_command c SET taken_at = now()
   WHERE c.kiosk_id = k.id AND c.taken_at IS NULL AND c.created_at > now() - interval '2 minutes'
  RETURNING c.id, c.kind, c.direction, c.reason, c.requested_by;
END $function$;
GRANT EXECUTE ON FUNCTION gh.kiosk_take_commands(bigint,text) TO gatehouse_kiosk;

-- A guard opens a kiosk's gate from the console. The kiosk is woken on its own channel (no
-- payload: it reads the command through kiosk_take_commands).
CREATE OR REPLACE FUNCTION gh.staff_open_gate(p_kiosk bigint, p_direction text, p_reason text)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE
  me gh.person := gh.require_staff();
  k gh.kiosk;
  vreason text := gh.check_text('reason', p_reason, 500, true);
  new_id uuid;
BEGIN
  SELECT * INTO k FROM gh.kiosk kk WHERE kk.id = p_kiosk AND kk.estate_id = me.estate_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'kiosk % not found', p_kiosk USING ERRCODE = 'GH404', DETAIL = 'kiosk_not_found';
  END IF;
  IF p_direction IS NULL OR p_direction NOT IN ('entry', 'exit') THEN
    RAISE EXCEPTION 'direction must be entry or exit' USING ERRCODE = 'GH422', DETAIL = 'direction';
  END IF;
  INSERT INTO gh.kiosk_command (estate_id, kiosk_id, kind, direction, reason, requested_by)
  VALUES (k.estate_id, k.id, 'open_gate', p_direction, vreason, me.id)
  RETURNING kiosk_command.id INTO new_id;
  PERFORM gh.audit(k.estate_id, 'gate.open_requested', new_id::text,
                   json_build_object('kiosk', k.id, 'direction', p_direction, 'reason', vreason)::jsonb);
  PERFORM pg_notify('gatehouse_kiosk_' || k.id, '');
  RETURN new_id;
END $function$;
GRANT EXECUTE ON FUNCTION gh.staff_open_gate(bigint,text,text) TO gatehouse_app;

-- Decisions are pushed to the kiosk that asked: a payload-free NOTIFY on the kiosk's own channel
-- (gatehouse_kiosk_<id>) whenever one of its visits changes status. Any role may LISTEN on any
-- channel, so the wake-up carries nothing; the kiosk reads the status through its kiosk functions.
-- See docs/decisions/0600-kiosk-push-by-listen.md.
CREATE OR REPLACE FUNCTION gh.visit_wakes_kiosk()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
BEGIN
  PERFORM pg_notify('gatehouse_kiosk_' || NEW.kiosk_id, '');
  RETURN NULL;
END $function$;

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA gh FROM PUBLIC;
