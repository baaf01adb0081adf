-- Issue 9, guard PINs: functions only (the lead moves them into the repeatable function files).

-- A PIN typed at an online kiosk, checked here against the guard's verifier, which no client
-- ever receives. p_guard NULL: any active guard or admin of the kiosk's estate. Wrong PINs count
-- per kiosk; the estate's pin_max_failures-th locks PIN entry at that kiosk for pin_lock_minutes
-- and alerts the guards (pin_lockout). Outcome: ok (with the check's id for the approval) |
-- wrong | locked (with until when).
CREATE OR REPLACE FUNCTION gh.kiosk_guard_pin_check(p_kiosk bigint, p_token text, p_guard bigint, p_pin text)
RETURNS TABLE (outcome text, guard_id bigint, check_id uuid, locked_until timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
DECLARE k gh.kiosk := gh.kiosk_auth(p_kiosk, p_token);
        e gh.estate;
        matched bigint;
        new_check uuid;
BEGIN
  IF p_pin IS NULL OR p_pin !~ '^[0-9]{6,12}$' THEN
    RAISE EXCEPTION 'a guard PIN is 6 to 12 digits' USING ERRCODE = 'GH422', DETAIL = 'pin';
  END IF;
  SELECT * INTO k FROM gh.kiosk WHERE id = k.id FOR UPDATE;  -- one check at a time per kiosk
  IF k.pin_locked_until > now() THEN
    RETURN QUERY SELECT 'locked'::text, NULL::bigint, NULL::uuid, k.pin_locked_until;
    RETURN;
  END IF;
  SELECT p.id INTO matched FROM gh.person p
   WHERE p.estate_id = k.estate_id AND p.active AND p.role IN ('guard', 'admin')
     AND p.pin_verifier IS NOT NULL AND (p_guard IS NULL OR p.id = p_guard)
     AND p.pin_verifier = gh_crypto.crypt(p_pin, p.pin_verifier)
   ORDER BY p.id LIMIT 1;
  INSERT INTO gh.kiosk_pin_check (estate_id, kiosk_id, guard_id, ok)
  VALUES (k.estate_id, k.id, matched, matched IS NOT NULL) RETURNING id INTO new_check;
  IF matched IS NOT NULL THEN
    UPDATE gh.kiosk SET pin_failures = 0, pin_locked_until = NULL WHERE id = k.id;
    RETURN QUERY SELECT 'ok'::text, matched, new_check, NULL::timestamptz;
    RETURN;
  END IF;
  SELECT * INTO e FROM gh.estate WHERE id = k.estate_id;
  UPDATE gh.kiosk SET pin_failures = pin_failures + 1 WHERE id = k.id RETURNING * INTO k;
  IF k.pin_failures < e.pin_max_failures THEN
    RETURN QUERY SELECT 'wrong'::text, NULL::bigint, NULL::uuid, NULL::timestamptz;
    RETURN;
  END IF;
  UPDATE gh.kiosk SET pin_failures = 0, pin_locked_until = now() + make_interval(mins => e.pin_lock_minutes)
   WHERE id = k.id RETURNING * INTO k;
  INSERT INTO gh.alert (estate_id, kind, kiosk_id, details)
  VALUES (k.estate_id, 'pin_lockout', k.id,
          jsonb_build_object('failures', e.pin_max_failures, 'locked_until', k.pin_locked_until,
                             'checked', 'online'));
  RETURN QUERY SELECT 'locked'::text, NULL::bigint, NULL::uuid, k.pin_locked_until;
END $$;

-- What a kiosk needs to enforce the same rules while offline.
CREATE OR REPLACE FUNCTION gh.kiosk_pin_policy(p_kiosk bigint, p_token text)
RETURNS TABLE (max_failures integer, lock_minutes integer, offline_approvals integer)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = gh, pg_temp AS $$
DECLARE k gh.kiosk := gh.kiosk_auth(p_kiosk, p_token);
BEGIN
  RETURN QUERY SELECT e.pin_max_failures, e.pin_lock_minutes, e.offline_pin_approvals
    FROM gh.estate e WHERE e.id = k.estate_id;
END $$;

-- The offline hashes (Argon2id, >= 64 MiB, own salt), never the server's verifier. The column
-- keeps its old name so kiosks of the previous release still read it.
CREATE OR REPLACE FUNCTION gh.kiosk_guard_pins(p_kiosk bigint, p_token text)
RETURNS TABLE (person_id bigint, full_name text, pin_hash text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = gh, pg_temp AS $$
DECLARE k gh.kiosk := gh.kiosk_auth(p_kiosk, p_token);
BEGIN
  RETURN QUERY SELECT p.id, p.full_name, p.pin_offline_hash FROM gh.person p
   WHERE p.estate_id = k.estate_id AND p.active AND p.role IN ('guard', 'admin')
     AND p.pin_offline_hash IS NOT NULL;
END $$;

-- A guard approved at the kiosk with their PIN: only a visit this kiosk created, never a held
-- one, at a time between the request and now. Online when p_pin_check names a successful check
-- of this guard's PIN by the server for this kiosk (used once, within 10 minutes); otherwise the
-- kiosk checked the PIN itself: recorded as offline, listed for review (offline_pin_approval),
-- and beyond the estate's offline_pin_approvals per outage the visit stays pending for a guard.
CREATE OR REPLACE FUNCTION gh.kiosk_guard_approve(p_kiosk bigint, p_token text, p_visit uuid, p_guard bigint,
                                                  p_reason text, p_at timestamptz, p_pin_check uuid)
RETURNS gh.visit_status LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
DECLARE k gh.kiosk := gh.kiosk_auth(p_kiosk, p_token);
        v gh.visit;
        e gh.estate;
        reason text := gh.check_text('reason', p_reason, 500, false);
        online boolean;
        decided timestamptz;
        offline_used integer;
BEGIN
  PERFORM 1 FROM gh.person WHERE id = p_guard AND estate_id = k.estate_id AND role IN ('guard', 'admin') AND active;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'guard % not found', p_guard USING ERRCODE = 'GH404', DETAIL = 'guard_not_found';
  END IF;
  SELECT * INTO v FROM gh.visit WHERE id = p_visit AND kiosk_id = k.id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'visit % not found', p_visit USING ERRCODE = 'GH404', DETAIL = 'visit_not_found';
  END IF;
  IF v.status <> 'pending' AND v.decision_channel = 'guard_pin' AND v.decided_by = p_guard THEN
    RETURN v.status;  -- a retry
  END IF;
  IF v.held THEN
    RAISE EXCEPTION 'this visit is held for the guards at the console' USING ERRCODE = 'GH403', DETAIL = 'held';
  END IF;
  SELECT * INTO e FROM gh.estate WHERE id = k.estate_id;
  UPDATE gh.kiosk_pin_check c SET visit_id = p_visit
   WHERE c.id = p_pin_check AND c.kiosk_id = k.id AND c.guard_id = p_guard AND c.ok
     AND (c.visit_id IS NULL OR c.visit_id = p_visit) AND c.checked_at > now() - interval '10 minutes';
  online := FOUND;
  IF NOT online THEN
    -- Offline approvals are counted per outage: those this kiosk recorded since its outage began.
    SELECT count(*) INTO offline_used FROM gh.visit ov
     WHERE ov.kiosk_id = k.id AND ov.pin_mode = 'offline' AND ov.id <> p_visit
       AND ov.decided_at >= coalesce(k.outage_from, '-infinity');
    IF offline_used >= e.offline_pin_approvals THEN
      INSERT INTO gh.alert (estate_id, kind, visit_id, kiosk_id, details)
      VALUES (k.estate_id, 'offline_pin_refused', p_visit, k.id,
              jsonb_build_object('guard', p_guard, 'claimed_at', p_at, 'limit', e.offline_pin_approvals));
      RETURN v.status;
    END IF;
  END IF;
  PERFORM gh.lock_visit(p_visit, 'approved');
  decided := gh.kiosk_claim_time(k, 'decided', p_visit, CASE WHEN online THEN now() ELSE p_at END, v.requested_at);
  UPDATE gh.visit SET status = 'approved', decided_at = decided,
         decided_by = p_guard, decision_channel = 'guard_pin',
         pin_mode = CASE WHEN online THEN 'online' ELSE 'offline' END,
         decision_reason = coalesce(nullif(reason, ''), 'approved with guard PIN at kiosk')
                           || CASE WHEN online THEN ' (PIN checked by the server)' ELSE ' (PIN checked offline)' END
   WHERE id = p_visit;
  IF NOT online THEN
    INSERT INTO gh.alert (estate_id, kind, visit_id, kiosk_id, details)
    VALUES (k.estate_id, 'offline_pin_approval', p_visit, k.id,
            jsonb_build_object('guard', p_guard, 'claimed_at', p_at, 'decided_at', decided,
                               'was_offline', gh.kiosk_was_offline(k, decided)));
  END IF;
  RETURN 'approved';
END $$;

-- The previous release's call (no PIN check id): the kiosk checked the PIN, so offline.
CREATE OR REPLACE FUNCTION gh.kiosk_guard_approve(p_kiosk bigint, p_token text, p_visit uuid, p_guard bigint,
                                                  p_reason text, p_at timestamptz)
RETURNS gh.visit_status LANGUAGE sql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
  SELECT gh.kiosk_guard_approve(p_kiosk, p_token, p_visit, p_guard, p_reason, p_at, NULL::uuid)
$$;

-- A kiosk may now also report a PIN lockout it enforced offline.
CREATE OR REPLACE FUNCTION gh.kiosk_raise_alert(p_kiosk bigint, p_token text, p_kind text, p_visit uuid, p_details jsonb)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
DECLARE k gh.kiosk := gh.kiosk_auth(p_kiosk, p_token);
        details jsonb := gh.check_json('alert_details', p_details, 4096);
        own_visit uuid;
        id bigint;
BEGIN
  IF p_kind IS NULL OR p_kind NOT IN ('approval_timeout', 'printer_fault', 'camera_fault', 'scanner_fault',
                    'unknown_badge', 'forged_pass', 'help_requested', 'offline_approval', 'pin_lockout') THEN
    RAISE EXCEPTION 'unknown alert kind %', left(p_kind, 40) USING ERRCODE = 'GH422', DETAIL = 'alert_kind';
  END IF;
  SELECT v.id INTO own_visit FROM gh.visit v WHERE v.id = p_visit AND (v.kiosk_id = k.id OR v.exit_kiosk_id = k.id);
  IF p_kind = 'approval_timeout' AND p_visit IS NOT NULL THEN
    IF own_visit IS NULL THEN
      RAISE EXCEPTION 'visit % not found', p_visit USING ERRCODE = 'GH404', DETAIL = 'visit_not_found';
    END IF;
    PERFORM gh.escalate(own_visit);  -- idempotent; raises the alert once
    SELECT a.id INTO id FROM gh.alert a WHERE a.visit_id = own_visit AND a.kind = 'approval_timeout';
    RETURN id;
  END IF;
  INSERT INTO gh.alert (estate_id, kind, visit_id, kiosk_id, details)
  VALUES (k.estate_id, p_kind, own_visit, k.id, details)
  RETURNING alert.id INTO id;
  RETURN id;
END $$;

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA gh FROM PUBLIC;
GRANT EXECUTE ON FUNCTION gh.kiosk_guard_pin_check(bigint, text, bigint, text),
  gh.kiosk_pin_policy(bigint, text), gh.kiosk_guard_pins(bigint, text),
  gh.kiosk_guard_approve(bigint, text, uuid, bigint, text, timestamptz, uuid),
  gh.kiosk_guard_approve(bigint, text, uuid, bigint, text, timestamptz),
  gh.kiosk_raise_alert(bigint, text, text, uuid, jsonb) TO gatehouse_kiosk;
