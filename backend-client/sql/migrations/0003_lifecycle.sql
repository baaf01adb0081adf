-- The visit lifecycle, enforced here so kiosks, residents and guards racing on one visit
-- cannot corrupt it. Errors use our own SQLSTATEs, mapped by the C++ client:
--   GH403 forbidden, GH404 not found, GH409 conflict (illegal transition, already decided),
--   GH422 invalid input. DETAIL carries a machine-readable reason.
--
--   pending --approve--> approved --check_in--> checked_in --check_out--> checked_out
--      |  \--deny--> denied                |
--      |--expire--> expired <--expire------|
--      \--cancel--> cancelled <--cancel----/
-- Walk-ins start pending; a valid invitation starts approved.

ALTER TABLE gh.person ADD COLUMN pin_hash text;  -- guard PIN (Argon2id) for offline approval at a kiosk
ALTER TABLE gh.visit ADD COLUMN exit_event_id uuid;  -- idempotency key of the recorded exit

-- Who acted, for audit rows written by triggers.
CREATE FUNCTION gh.current_kiosk_id() RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT nullif(current_setting('gatehouse.kiosk_id', true), '')::bigint
$$;

CREATE FUNCTION gh.audit(p_estate bigint, p_action text, p_subject text, p_details jsonb)
RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
  INSERT INTO gh.audit_log (estate_id, actor_person, actor_kiosk, action, subject, details)
  VALUES (p_estate, gh.current_person_id(), gh.current_kiosk_id(), p_action, p_subject, p_details)
$$;

-- Every visit change: one audit row and one NOTIFY (delivered at commit, never before).
CREATE FUNCTION gh.visit_changed() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = gh, pg_temp AS $$
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
END $$;
CREATE TRIGGER visit_changed AFTER INSERT OR UPDATE ON gh.visit
  FOR EACH ROW EXECUTE FUNCTION gh.visit_changed();

CREATE FUNCTION gh.alert_changed() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = gh, pg_temp AS $$
BEGIN
  PERFORM gh.audit(NEW.estate_id, CASE WHEN TG_OP = 'INSERT' THEN 'alert.raised' ELSE 'alert.acknowledged' END,
                   NEW.id::text, jsonb_build_object('kind', NEW.kind, 'visit', NEW.visit_id, 'kiosk', NEW.kiosk_id));
  PERFORM pg_notify('gatehouse', json_build_object('event', 'alert', 'estate', NEW.estate_id,
    'alert', NEW.id, 'kind', NEW.kind, 'visit', NEW.visit_id, 'kiosk', NEW.kiosk_id,
    'acknowledged', NEW.acknowledged_at IS NOT NULL)::text);
  RETURN NEW;
END $$;
CREATE TRIGGER alert_changed AFTER INSERT OR UPDATE ON gh.alert
  FOR EACH ROW EXECUTE FUNCTION gh.alert_changed();

CREATE FUNCTION gh.row_audited() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = gh, pg_temp AS $$
BEGIN
  PERFORM gh.audit(NEW.estate_id, TG_TABLE_NAME || '.' || lower(TG_OP), NEW.id::text, '{}'::jsonb);
  IF TG_TABLE_NAME = 'invitation' THEN
    PERFORM pg_notify('gatehouse', json_build_object('event', 'invitation', 'estate', NEW.estate_id,
      'invitation', NEW.id, 'revoked', NEW.revoked_at IS NOT NULL)::text);
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER invitation_audited AFTER INSERT OR UPDATE ON gh.invitation
  FOR EACH ROW EXECUTE FUNCTION gh.row_audited();
CREATE TRIGGER watchlist_audited AFTER INSERT OR UPDATE ON gh.watchlist
  FOR EACH ROW EXECUTE FUNCTION gh.row_audited();
CREATE TRIGGER report_audited AFTER INSERT ON gh.report
  FOR EACH ROW EXECUTE FUNCTION gh.row_audited();

-- Normalised name for watchlist matching: lower case, no diacritics, Cyrillic transliterated
-- to Latin, punctuation dropped, words sorted (so "Ivanov Ivan" matches "Ivan Ivanov").
CREATE FUNCTION gh.name_key(p_name text) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT array_to_string(ARRAY(
    SELECT w FROM unnest(regexp_split_to_array(
      trim(regexp_replace(
        translate(
          replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
            lower(p_name), 'щ', 'shch'), 'ж', 'zh'), 'ч', 'ch'), 'ш', 'sh'), 'ю', 'yu'),
            'я', 'ya'), 'ц', 'ts'), 'х', 'kh'), 'ё', 'e'), 'й', 'y'),
          'абвгдезиклмнопрстуфыэàáâãäåāăąçćčďèéêëēėęěìíîïīįıłñńňòóôõöøōőŕřśšşťùúûüūůűųýÿžźżßъь',
          'abvgdeziklmnoprstufyeaaaaaaaaacccdeeeeeeeeiiiiiiilnnnoooooooorrssstuuuuuuuuyyzzzs'),
        '[^a-z0-9 ]+', ' ', 'g')), '\s+')) AS w
    WHERE w <> '' ORDER BY w), ' ')
$$;
GRANT EXECUTE ON FUNCTION gh.name_key(text) TO gatehouse_app;
CREATE INDEX watchlist_key_idx ON gh.watchlist (estate_id, name_key) WHERE active;

CREATE FUNCTION gh.check_text(p_what text, p_value text, p_max integer, p_required boolean)
RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE v text := btrim(coalesce(p_value, ''));
BEGIN
  IF p_required AND v = '' THEN
    RAISE EXCEPTION '% is required', p_what USING ERRCODE = 'GH422', DETAIL = p_what || '_required';
  END IF;
  IF length(v) > p_max THEN
    RAISE EXCEPTION '% is too long (% characters, at most %)', p_what, length(v), p_max
      USING ERRCODE = 'GH422', DETAIL = p_what || '_too_long';
  END IF;
  RETURN v;
END $$;

-- The one place that knows which status may follow which.
CREATE FUNCTION gh.allowed_transition(p_from gh.visit_status, p_to gh.visit_status)
RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT (p_from, p_to) IN (
    ('pending'::gh.visit_status, 'approved'::gh.visit_status), ('pending', 'denied'),
    ('pending', 'expired'), ('pending', 'cancelled'),
    ('approved', 'checked_in'), ('approved', 'expired'), ('approved', 'cancelled'),
    ('checked_in', 'checked_out'))
$$;

CREATE FUNCTION gh.lock_visit(p_visit uuid, p_to gh.visit_status) RETURNS gh.visit
LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
DECLARE v gh.visit;
BEGIN
  SELECT * INTO v FROM gh.visit WHERE id = p_visit FOR UPDATE;
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
END $$;

-- A resident (for their unit, not for held visits) or a guard/admin (with a reason) decides.
CREATE FUNCTION gh.decide_visit(p_visit uuid, p_approve boolean, p_reason text DEFAULT NULL,
                                p_channel gh.decision_channel DEFAULT NULL)
RETURNS gh.visit_status LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
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
    IF channel NOT IN ('resident', 'magic_link') THEN
      RAISE EXCEPTION 'channel % is not for residents', channel USING ERRCODE = 'GH403', DETAIL = 'channel';
    END IF;
  ELSE
    IF reason IS NULL THEN
      RAISE EXCEPTION 'a guard deciding on a resident''s behalf must give a reason'
        USING ERRCODE = 'GH422', DETAIL = 'reason_required';
    END IF;
    channel := 'guard';
  END IF;
  v := gh.lock_visit(p_visit, to_status);
  UPDATE gh.visit SET status = to_status, decided_at = now(), decided_by = me.id,
         decision_channel = channel, decision_reason = gh.check_text('reason', reason, 500, false)
   WHERE id = p_visit;
  RETURN to_status;
END $$;

-- Cancel by the acting staff member (the kiosk has its own).
CREATE FUNCTION gh.cancel_visit(p_visit uuid) RETURNS void LANGUAGE plpgsql SECURITY DEFINER
SET search_path = gh, pg_temp AS $$
BEGIN
  IF NOT gh.i_am_staff() THEN
    RAISE EXCEPTION 'only guards can cancel a visit' USING ERRCODE = 'GH403', DETAIL = 'staff_only';
  END IF;
  PERFORM gh.lock_visit(p_visit, 'cancelled');
  UPDATE gh.visit SET status = 'cancelled' WHERE id = p_visit AND estate_id = gh.my_estate();
END $$;

-- Staff acknowledge alerts under their own name.
CREATE FUNCTION gh.acknowledge_alert(p_alert bigint) RETURNS void LANGUAGE plpgsql SECURITY DEFINER
SET search_path = gh, pg_temp AS $$
BEGIN
  IF NOT gh.i_am_staff() THEN
    RAISE EXCEPTION 'only guards acknowledge alerts' USING ERRCODE = 'GH403', DETAIL = 'staff_only';
  END IF;
  UPDATE gh.alert SET acknowledged_by = gh.current_person_id(), acknowledged_at = now()
   WHERE id = p_alert AND estate_id = gh.my_estate() AND acknowledged_at IS NULL;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'alert % not found or already acknowledged', p_alert USING ERRCODE = 'GH404', DETAIL = 'alert_not_found';
  END IF;
END $$;

-- Escalation (approval timeout) and expiry; idempotent, safe to run from several workers.
CREATE FUNCTION gh.escalate(p_visit uuid) RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER
SET search_path = gh, pg_temp AS $$
DECLARE v gh.visit;
BEGIN
  UPDATE gh.visit SET escalated_at = now()
   WHERE id = p_visit AND status = 'pending' AND escalated_at IS NULL RETURNING * INTO v;
  IF NOT FOUND THEN RETURN false; END IF;
  INSERT INTO gh.alert (estate_id, kind, visit_id, kiosk_id, details)
  VALUES (v.estate_id, 'approval_timeout', v.id, v.kiosk_id,
          jsonb_build_object('waited_s', extract(epoch FROM now() - v.requested_at)::int));
  RETURN true;
END $$;

CREATE FUNCTION gh.run_housekeeping(p_pending_expiry interval DEFAULT '30 minutes',
                                    p_approved_expiry interval DEFAULT '2 hours')
RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
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
     AND NOT EXISTS (SELECT 1 FROM gh.alert a WHERE a.visit_id = v.id AND a.kind = 'overstay');
  GET DIAGNOSTICS overstays = ROW_COUNT;
  RETURN jsonb_build_object('escalated', escalated, 'expired', expired, 'overstays', overstays);
END $$;

GRANT EXECUTE ON FUNCTION gh.decide_visit(uuid, boolean, text, gh.decision_channel),
  gh.cancel_visit(uuid), gh.acknowledge_alert(bigint), gh.run_housekeeping(interval, interval)
  TO gatehouse_app;

-- Sign-in support for the portal and console: the app role cannot read password hashes
-- directly, only through these.
CREATE FUNCTION gh.auth_lookup(p_email text)
RETURNS TABLE (person_id bigint, estate_id bigint, role gh.person_role, password_hash text,
               totp_secret text, locked_until timestamptz, failed_logins integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = gh, pg_temp AS $$
  SELECT id, estate_id, role, password_hash, totp_secret, locked_until, failed_logins
    FROM gh.person WHERE lower(email) = lower(p_email) AND active
$$;
CREATE FUNCTION gh.auth_record(p_person bigint, p_success boolean, p_max_failures integer DEFAULT 5,
                               p_lock interval DEFAULT '15 minutes')
RETURNS timestamptz LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
DECLARE until timestamptz;
BEGIN
  IF p_success THEN
    UPDATE gh.person SET failed_logins = 0, locked_until = NULL WHERE id = p_person;
    PERFORM gh.audit((SELECT estate_id FROM gh.person WHERE id = p_person), 'auth.login', p_person::text, '{}');
    RETURN NULL;
  END IF;
  UPDATE gh.person SET failed_logins = failed_logins + 1,
         locked_until = CASE WHEN failed_logins + 1 >= p_max_failures THEN now() + p_lock END
   WHERE id = p_person RETURNING locked_until INTO until;
  PERFORM gh.audit((SELECT estate_id FROM gh.person WHERE id = p_person), 'auth.failed', p_person::text,
                   jsonb_build_object('locked_until', until));
  RETURN until;
END $$;
CREATE FUNCTION gh.set_password_hash(p_person bigint, p_hash text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
BEGIN
  IF p_person <> gh.current_person_id() AND NOT gh.i_am_admin() THEN
    RAISE EXCEPTION 'not allowed' USING ERRCODE = 'GH403', DETAIL = 'forbidden';
  END IF;
  UPDATE gh.person SET password_hash = p_hash, failed_logins = 0, locked_until = NULL WHERE id = p_person;
  PERFORM gh.audit((SELECT estate_id FROM gh.person WHERE id = p_person), 'auth.password_set', p_person::text, '{}');
END $$;
GRANT EXECUTE ON FUNCTION gh.auth_lookup(text), gh.auth_record(bigint, boolean, integer, interval),
  gh.set_password_hash(bigint, text) TO gatehouse_app;

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA gh FROM PUBLIC;
