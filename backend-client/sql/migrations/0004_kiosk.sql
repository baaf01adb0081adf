-- Functions the kiosk role may call. Each takes the kiosk id and its secret token; the token's
-- sha256 must match, so a kiosk cannot act as another. All writes are idempotent on the
-- client-generated UUID, so the kiosk's outbox can resend after a lost reply.

CREATE FUNCTION gh.kiosk_auth(p_kiosk bigint, p_token text) RETURNS gh.kiosk
LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
DECLARE k gh.kiosk;
BEGIN
  SELECT * INTO k FROM gh.kiosk WHERE id = p_kiosk;
  IF NOT FOUND OR k.token_hash <> encode(sha256(convert_to(coalesce(p_token, ''), 'UTF8')), 'hex') THEN
    RAISE EXCEPTION 'kiosk not authorised' USING ERRCODE = 'GH403', DETAIL = 'kiosk_auth';
  END IF;
  PERFORM set_config('gatehouse.kiosk_id', k.id::text, true);
  RETURN k;
END $$;

-- Resident directory as the kiosk may show it: unit label, building, and a hint at the host
-- (surname initial, or surnames where the estate allows it). Never phone numbers or emails.
CREATE FUNCTION gh.kiosk_directory(p_kiosk bigint, p_token text, p_query text, p_limit integer DEFAULT 20)
RETURNS TABLE (unit_id bigint, unit_label text, building text, host_hint text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = gh, pg_temp AS $$
DECLARE k gh.kiosk := gh.kiosk_auth(p_kiosk, p_token);
        show_names boolean;
        q text := lower(btrim(coalesce(p_query, '')));
        -- What the visitor typed is matched literally: LIKE wildcards are escaped.
        pat text := replace(replace(replace(q, '\', '\\'), '%', '\%'), '_', '\_') || '%';
        pat_nodash text := replace(replace(replace(replace(q, '-', ''), '\', '\\'), '%', '\%'), '_', '\_') || '%';
BEGIN
  SELECT directory_shows_names INTO show_names FROM gh.estate WHERE id = k.estate_id;
  RETURN QUERY
  SELECT u.id, u.label, u.building,
         string_agg(DISTINCT CASE WHEN show_names THEN split_part(p.full_name, ' ', -1)
                                  ELSE upper(left(split_part(p.full_name, ' ', -1), 1)) || '.' END, ', ')
    FROM gh.unit u JOIN gh.person p ON p.unit_id = u.id AND p.active AND p.role = 'resident'
   WHERE u.estate_id = k.estate_id
     AND (q = '' OR lower(u.label) LIKE pat OR lower(replace(u.label, '-', '')) LIKE pat_nodash
          OR (length(q) >= 2 AND EXISTS (SELECT 1 FROM gh.person p2 WHERE p2.unit_id = u.id AND p2.active
                AND p2.role = 'resident' AND lower(split_part(p2.full_name, ' ', -1)) LIKE pat)))
   GROUP BY u.id, u.label, u.building
   ORDER BY u.label
   LIMIT least(greatest(p_limit, 1), 50);
END $$;

-- A walk-in asks to visit a unit. Same visit id twice = the same visit (a retry).
CREATE FUNCTION gh.kiosk_request_visit(p_kiosk bigint, p_token text, p_visit uuid, p_unit bigint,
    p_visitor_name text, p_visitor_phone text, p_purpose text, p_document_type text,
    p_document_hash text, p_requested_at timestamptz)
RETURNS TABLE (status gh.visit_status, held boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
DECLARE
  k gh.kiosk := gh.kiosk_auth(p_kiosk, p_token);
  existing gh.visit;
  vname text := gh.check_text('visitor_name', p_visitor_name, 200, true);
  vphone text := gh.check_text('visitor_phone', p_visitor_phone, 40, false);
  vpurpose text := gh.check_text('purpose', p_purpose, 500, false);
  visitor_id bigint;
  hit gh.watchlist;
  is_held boolean := false;
BEGIN
  SELECT * INTO existing FROM gh.visit WHERE id = p_visit;
  IF FOUND THEN
    IF existing.kiosk_id IS DISTINCT FROM k.id THEN
      RAISE EXCEPTION 'visit id already used' USING ERRCODE = 'GH409', DETAIL = 'duplicate_id';
    END IF;
    RETURN QUERY SELECT existing.status, existing.held;
    RETURN;
  END IF;
  PERFORM 1 FROM gh.unit WHERE id = p_unit AND estate_id = k.estate_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'unit % not found', p_unit USING ERRCODE = 'GH404', DETAIL = 'unit_not_found';
  END IF;
  INSERT INTO gh.visitor (estate_id, full_name, phone, document_type, document_hash)
  VALUES (k.estate_id, vname, nullif(vphone, ''), nullif(p_document_type, ''), nullif(p_document_hash, ''))
  RETURNING id INTO visitor_id;

  SELECT * INTO hit FROM gh.watchlist w
   WHERE w.estate_id = k.estate_id AND w.active
     AND (w.name_key = gh.name_key(vname) OR (w.document_hash IS NOT NULL AND w.document_hash = p_document_hash))
   LIMIT 1;
  is_held := FOUND;

  INSERT INTO gh.visit (id, estate_id, unit_id, visitor_id, purpose, kiosk_id, status, held, requested_at)
  VALUES (p_visit, k.estate_id, p_unit, visitor_id, vpurpose, k.id, 'pending', is_held,
          least(coalesce(p_requested_at, now()), now()));
  IF is_held THEN
    INSERT INTO gh.alert (estate_id, kind, visit_id, kiosk_id, details)
    VALUES (k.estate_id, 'watchlist_hit', p_visit, k.id,
            jsonb_build_object('watchlist_id', hit.id, 'reason', hit.reason, 'name', vname));
  ELSE
    INSERT INTO gh.notification (estate_id, person_id, kind, payload)
    SELECT k.estate_id, p.id, 'visit_request',
           jsonb_build_object('visit', p_visit, 'visitor', vname, 'purpose', vpurpose, 'kiosk', k.name)
      FROM gh.person p WHERE p.unit_id = p_unit AND p.active;
  END IF;
  RETURN QUERY SELECT 'pending'::gh.visit_status, is_held;
END $$;

CREATE FUNCTION gh.kiosk_visit_status(p_kiosk bigint, p_token text, p_visit uuid)
RETURNS TABLE (status gh.visit_status, held boolean, escalated boolean, decided_at timestamptz,
               decision_channel gh.decision_channel)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = gh, pg_temp AS $$
DECLARE k gh.kiosk := gh.kiosk_auth(p_kiosk, p_token);
BEGIN
  RETURN QUERY SELECT v.status, v.held, v.escalated_at IS NOT NULL, v.decided_at, v.decision_channel
    FROM gh.visit v WHERE v.id = p_visit AND v.estate_id = k.estate_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'visit % not found', p_visit USING ERRCODE = 'GH404', DETAIL = 'visit_not_found';
  END IF;
END $$;

-- A visitor shows an invitation pass. The kiosk has already verified the signature; here we
-- check what only the database knows: revocation, uses left, and the validity window.
CREATE FUNCTION gh.kiosk_use_invitation(p_kiosk bigint, p_token text, p_visit uuid, p_invitation uuid,
                                        p_visitor_name text, p_at timestamptz)
RETURNS TABLE (status gh.visit_status, unit_id bigint, unit_label text, guest_name text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
DECLARE
  k gh.kiosk := gh.kiosk_auth(p_kiosk, p_token);
  inv gh.invitation;
  existing gh.visit;
  tz text;
  at_ts timestamptz := least(coalesce(p_at, now()), now() + interval '5 minutes');
  local_ts timestamp;
  minute int;
  vname text;
  visitor_id bigint;
BEGIN
  SELECT * INTO existing FROM gh.visit WHERE id = p_visit;
  IF FOUND THEN
    IF existing.invitation_id IS DISTINCT FROM p_invitation OR existing.kiosk_id IS DISTINCT FROM k.id THEN
      RAISE EXCEPTION 'visit id already used' USING ERRCODE = 'GH409', DETAIL = 'duplicate_id';
    END IF;
    RETURN QUERY SELECT existing.status, existing.unit_id, u.label, i.guest_name
      FROM gh.unit u, gh.invitation i WHERE u.id = existing.unit_id AND i.id = p_invitation;
    RETURN;
  END IF;
  SELECT * INTO inv FROM gh.invitation WHERE id = p_invitation AND estate_id = k.estate_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'invitation not found' USING ERRCODE = 'GH404', DETAIL = 'invitation_not_found';
  END IF;
  IF inv.revoked_at IS NOT NULL AND inv.revoked_at <= at_ts THEN
    RAISE EXCEPTION 'invitation was revoked' USING ERRCODE = 'GH409', DETAIL = 'revoked';
  END IF;
  IF inv.max_uses > 0 AND inv.uses >= inv.max_uses THEN
    RAISE EXCEPTION 'invitation has been used' USING ERRCODE = 'GH409', DETAIL = 'used_up';
  END IF;
  IF at_ts < inv.valid_from THEN
    RAISE EXCEPTION 'invitation is not valid yet' USING ERRCODE = 'GH409', DETAIL = 'not_yet_valid';
  END IF;
  IF at_ts >= inv.valid_until THEN
    RAISE EXCEPTION 'invitation has expired' USING ERRCODE = 'GH409', DETAIL = 'expired';
  END IF;
  SELECT timezone INTO tz FROM gh.estate WHERE id = k.estate_id;
  local_ts := at_ts AT TIME ZONE tz;
  IF (inv.weekdays & (1 << (extract(isodow FROM local_ts)::int - 1))) = 0 THEN
    RAISE EXCEPTION 'invitation is not valid today' USING ERRCODE = 'GH409', DETAIL = 'wrong_day';
  END IF;
  minute := extract(hour FROM local_ts)::int * 60 + extract(minute FROM local_ts)::int;
  IF minute < inv.day_start_min OR minute >= inv.day_end_min THEN
    RAISE EXCEPTION 'invitation is not valid at this time' USING ERRCODE = 'GH409', DETAIL = 'outside_hours';
  END IF;
  vname := gh.check_text('visitor_name', coalesce(nullif(btrim(p_visitor_name), ''), inv.guest_name), 200, true);
  UPDATE gh.invitation SET uses = uses + 1 WHERE id = inv.id;
  INSERT INTO gh.visitor (estate_id, full_name, phone) VALUES (k.estate_id, vname, inv.guest_phone)
  RETURNING id INTO visitor_id;
  INSERT INTO gh.visit (id, estate_id, unit_id, visitor_id, purpose, kiosk_id, invitation_id, status,
                        requested_at, decided_at, decided_by, decision_channel)
  VALUES (p_visit, k.estate_id, inv.unit_id, visitor_id, coalesce(inv.event_name, ''), k.id, inv.id,
          'approved', at_ts, at_ts, inv.host_id, 'invitation');
  INSERT INTO gh.notification (estate_id, person_id, kind, payload)
  VALUES (k.estate_id, inv.host_id, 'guest_arrived', jsonb_build_object('visit', p_visit, 'visitor', vname));
  RETURN QUERY SELECT 'approved'::gh.visit_status, inv.unit_id, u.label, inv.guest_name
    FROM gh.unit u WHERE u.id = inv.unit_id;
END $$;

CREATE FUNCTION gh.kiosk_check_in(p_kiosk bigint, p_token text, p_visit uuid, p_exit_token_hash text,
                                  p_at timestamptz)
RETURNS timestamptz LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
DECLARE
  k gh.kiosk := gh.kiosk_auth(p_kiosk, p_token);
  v gh.visit;
  stay int;
  expected timestamptz;
  at_ts timestamptz := least(coalesce(p_at, now()), now());
BEGIN
  SELECT * INTO v FROM gh.visit WHERE id = p_visit AND estate_id = k.estate_id FOR UPDATE;
  IF FOUND AND v.status = 'checked_in' AND v.exit_token_hash = p_exit_token_hash THEN
    RETURN v.expected_exit_at;  -- a retry of the same check-in
  END IF;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'visit % not found', p_visit USING ERRCODE = 'GH404', DETAIL = 'visit_not_found';
  END IF;
  IF p_exit_token_hash IS NULL OR p_exit_token_hash !~ '^[0-9a-f]{64}$' THEN
    RAISE EXCEPTION 'exit token hash must be 64 hex characters' USING ERRCODE = 'GH422', DETAIL = 'exit_token';
  END IF;
  PERFORM gh.lock_visit(p_visit, 'checked_in');
  SELECT default_stay_minutes INTO stay FROM gh.estate WHERE id = k.estate_id;
  expected := at_ts + make_interval(mins => stay);
  IF v.invitation_id IS NOT NULL THEN
    SELECT least(expected, i.valid_until) INTO expected FROM gh.invitation i WHERE i.id = v.invitation_id;
  END IF;
  UPDATE gh.visit SET status = 'checked_in', entered_at = at_ts, exit_token_hash = p_exit_token_hash,
         expected_exit_at = expected
   WHERE id = p_visit;
  RETURN expected;
END $$;

-- Exit by badge. Returns an outcome rather than raising, so the guard alert for a bad badge
-- is kept: recorded | already_recorded | unknown_badge | badge_used | not_checked_in.
CREATE FUNCTION gh.kiosk_check_out(p_kiosk bigint, p_token text, p_event uuid, p_visit uuid,
                                   p_secret_hash text, p_at timestamptz)
RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
DECLARE
  k gh.kiosk := gh.kiosk_auth(p_kiosk, p_token);
  v gh.visit;
  outcome text;
BEGIN
  SELECT * INTO v FROM gh.visit WHERE id = p_visit AND estate_id = k.estate_id FOR UPDATE;
  IF NOT FOUND OR v.exit_token_hash IS DISTINCT FROM p_secret_hash THEN
    outcome := 'unknown_badge';
  ELSIF v.status = 'checked_out' THEN
    outcome := CASE WHEN v.exit_event_id = p_event THEN 'already_recorded' ELSE 'badge_used' END;
  ELSIF v.status <> 'checked_in' THEN
    outcome := 'not_checked_in';
  ELSE
    UPDATE gh.visit SET status = 'checked_out', exited_at = least(coalesce(p_at, now()), now()),
           exit_kiosk_id = k.id, exit_event_id = p_event
     WHERE id = p_visit;
    RETURN 'recorded';
  END IF;
  IF outcome <> 'already_recorded' THEN
    INSERT INTO gh.alert (estate_id, kind, visit_id, kiosk_id, details)
    VALUES (k.estate_id, outcome, CASE WHEN v.id IS NOT NULL AND outcome <> 'unknown_badge' THEN v.id END,
            k.id, jsonb_build_object('event', p_event, 'visit', p_visit));
  END IF;
  RETURN outcome;
END $$;

CREATE FUNCTION gh.kiosk_cancel(p_kiosk bigint, p_token text, p_visit uuid) RETURNS gh.visit_status
LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
DECLARE k gh.kiosk := gh.kiosk_auth(p_kiosk, p_token);
        v gh.visit;
BEGIN
  SELECT * INTO v FROM gh.visit WHERE id = p_visit AND kiosk_id = k.id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'visit % not found', p_visit USING ERRCODE = 'GH404', DETAIL = 'visit_not_found';
  END IF;
  IF v.status = 'cancelled' THEN RETURN v.status; END IF;  -- a retry
  PERFORM gh.lock_visit(p_visit, 'cancelled');
  UPDATE gh.visit SET status = 'cancelled' WHERE id = p_visit;
  RETURN 'cancelled';
END $$;

-- Evidence (photos, scans). Serialised per kiosk so the hash chain has no forks.
CREATE FUNCTION gh.kiosk_add_evidence(p_kiosk bigint, p_token text, p_evidence uuid, p_visit uuid,
                                      p_kind gh.evidence_kind, p_content_type text, p_data bytea,
                                      p_captured_at timestamptz)
RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
DECLARE
  k gh.kiosk := gh.kiosk_auth(p_kiosk, p_token);
  existing gh.evidence;
  digest text := encode(sha256(p_data), 'hex');
  prev text;
  chain text;
BEGIN
  IF p_data IS NULL OR length(p_data) = 0 OR length(p_data) > 10 * 1024 * 1024 THEN
    RAISE EXCEPTION 'evidence must be 1 byte to 10 MB' USING ERRCODE = 'GH422', DETAIL = 'evidence_size';
  END IF;
  PERFORM 1 FROM gh.kiosk WHERE id = k.id FOR UPDATE;
  SELECT * INTO existing FROM gh.evidence WHERE id = p_evidence;
  IF FOUND THEN
    IF existing.sha256 <> digest THEN
      RAISE EXCEPTION 'evidence id reused with other content' USING ERRCODE = 'GH409', DETAIL = 'duplicate_id';
    END IF;
    RETURN existing.chain_sha256;
  END IF;
  PERFORM 1 FROM gh.visit WHERE id = p_visit AND estate_id = k.estate_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'visit % not found', p_visit USING ERRCODE = 'GH404', DETAIL = 'visit_not_found';
  END IF;
  SELECT chain_sha256 INTO prev FROM gh.evidence WHERE kiosk_id = k.id ORDER BY seq DESC LIMIT 1;
  chain := encode(sha256(convert_to(coalesce(prev, '') || '|' || digest || '|' || p_visit::text || '|'
                                    || p_kind::text || '|' || to_char(p_captured_at AT TIME ZONE 'UTC',
                                    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), 'UTF8')), 'hex');
  INSERT INTO gh.evidence (id, estate_id, visit_id, kiosk_id, kind, content_type, data, sha256,
                           prev_chain, chain_sha256, captured_at)
  VALUES (p_evidence, k.estate_id, p_visit, k.id, p_kind, coalesce(p_content_type, 'image/jpeg'), p_data,
          digest, prev, chain, p_captured_at);
  PERFORM gh.audit(k.estate_id, 'evidence.' || p_kind::text, p_evidence::text,
                   jsonb_build_object('visit', p_visit, 'sha256', digest, 'chain', chain));
  RETURN chain;
END $$;

-- Recomputes a kiosk's chain; returns the first evidence id where it breaks, NULL if intact.
CREATE FUNCTION gh.verify_evidence_chain(p_kiosk bigint) RETURNS uuid
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = gh, pg_temp AS $$
DECLARE r gh.evidence; prev text := NULL; expect text;
BEGIN
  FOR r IN SELECT * FROM gh.evidence WHERE kiosk_id = p_kiosk ORDER BY seq LOOP
    expect := encode(sha256(convert_to(coalesce(prev, '') || '|' || encode(sha256(r.data), 'hex') || '|'
                     || r.visit_id::text || '|' || r.kind::text || '|' || to_char(r.captured_at AT TIME ZONE 'UTC',
                     'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), 'UTF8')), 'hex');
    IF r.prev_chain IS DISTINCT FROM prev OR r.chain_sha256 <> expect THEN RETURN r.id; END IF;
    prev := r.chain_sha256;
  END LOOP;
  RETURN NULL;
END $$;

CREATE FUNCTION gh.kiosk_heartbeat(p_kiosk bigint, p_token text, p_screen text, p_health jsonb,
                                   p_outbox_depth integer, p_version text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
DECLARE k gh.kiosk := gh.kiosk_auth(p_kiosk, p_token);
BEGIN
  UPDATE gh.kiosk SET last_heartbeat = now(), current_screen = left(p_screen, 64),
         device_health = coalesce(p_health, '{}'), outbox_depth = greatest(coalesce(p_outbox_depth, 0), 0),
         software_version = left(p_version, 64)
   WHERE id = k.id;
  PERFORM pg_notify('gatehouse', json_build_object('event', 'kiosk', 'estate', k.estate_id,
    'kiosk', k.id, 'screen', left(p_screen, 64))::text);
END $$;

CREATE FUNCTION gh.kiosk_raise_alert(p_kiosk bigint, p_token text, p_kind text, p_visit uuid, p_details jsonb)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
DECLARE k gh.kiosk := gh.kiosk_auth(p_kiosk, p_token);
        id bigint;
BEGIN
  IF p_kind NOT IN ('approval_timeout', 'printer_fault', 'camera_fault', 'scanner_fault', 'unknown_badge',
                    'forged_pass', 'help_requested', 'offline_approval') THEN
    RAISE EXCEPTION 'unknown alert kind %', p_kind USING ERRCODE = 'GH422', DETAIL = 'alert_kind';
  END IF;
  IF p_kind = 'approval_timeout' AND p_visit IS NOT NULL THEN
    PERFORM gh.escalate(p_visit);  -- idempotent; raises the alert once
    SELECT a.id INTO id FROM gh.alert a WHERE a.visit_id = p_visit AND a.kind = 'approval_timeout';
    RETURN id;
  END IF;
  INSERT INTO gh.alert (estate_id, kind, visit_id, kiosk_id, details)
  VALUES (k.estate_id, p_kind, (SELECT v.id FROM gh.visit v WHERE v.id = p_visit AND v.estate_id = k.estate_id),
          k.id, coalesce(p_details, '{}'))
  RETURNING alert.id INTO id;
  RETURN id;
END $$;

CREATE FUNCTION gh.kiosk_estate_keys(p_kiosk bigint, p_token text)
RETURNS TABLE (estate_id bigint, key_id smallint, public_key bytea, timezone text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = gh, pg_temp AS $$
DECLARE k gh.kiosk := gh.kiosk_auth(p_kiosk, p_token);
BEGIN
  RETURN QUERY SELECT ek.estate_id, ek.key_id, ek.public_key, e.timezone
    FROM gh.estate_key ek JOIN gh.estate e ON e.id = ek.estate_id
   WHERE ek.estate_id = k.estate_id AND ek.active;
END $$;

CREATE FUNCTION gh.kiosk_revocations(p_kiosk bigint, p_token text)
RETURNS TABLE (invitation_id uuid, revoked_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = gh, pg_temp AS $$
DECLARE k gh.kiosk := gh.kiosk_auth(p_kiosk, p_token);
BEGIN
  RETURN QUERY SELECT i.id, i.revoked_at FROM gh.invitation i
   WHERE i.estate_id = k.estate_id AND i.revoked_at IS NOT NULL AND i.valid_until > now();
END $$;

-- Guard PIN hashes (Argon2id) so a kiosk can let a guard approve while offline.
CREATE FUNCTION gh.kiosk_guard_pins(p_kiosk bigint, p_token text)
RETURNS TABLE (person_id bigint, full_name text, pin_hash text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = gh, pg_temp AS $$
DECLARE k gh.kiosk := gh.kiosk_auth(p_kiosk, p_token);
BEGIN
  RETURN QUERY SELECT p.id, p.full_name, p.pin_hash FROM gh.person p
   WHERE p.estate_id = k.estate_id AND p.active AND p.role IN ('guard', 'admin') AND p.pin_hash IS NOT NULL;
END $$;

-- A guard approved at the kiosk with their PIN (checked by the kiosk, perhaps offline).
CREATE FUNCTION gh.kiosk_guard_approve(p_kiosk bigint, p_token text, p_visit uuid, p_guard bigint,
                                       p_reason text, p_at timestamptz)
RETURNS gh.visit_status LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
DECLARE k gh.kiosk := gh.kiosk_auth(p_kiosk, p_token);
        v gh.visit;
BEGIN
  PERFORM 1 FROM gh.person WHERE id = p_guard AND estate_id = k.estate_id AND role IN ('guard', 'admin') AND active;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'guard % not found', p_guard USING ERRCODE = 'GH404', DETAIL = 'guard_not_found';
  END IF;
  SELECT * INTO v FROM gh.visit WHERE id = p_visit AND estate_id = k.estate_id;
  IF FOUND AND v.status <> 'pending' AND v.decision_channel = 'guard_pin' AND v.decided_by = p_guard THEN
    RETURN v.status;  -- a retry
  END IF;
  PERFORM gh.lock_visit(p_visit, 'approved');
  UPDATE gh.visit SET status = 'approved', decided_at = least(coalesce(p_at, now()), now()),
         decided_by = p_guard, decision_channel = 'guard_pin',
         decision_reason = coalesce(nullif(btrim(p_reason), ''), 'approved with guard PIN at kiosk')
   WHERE id = p_visit;
  RETURN 'approved';
END $$;

DO $$
DECLARE f text;
BEGIN
  FOR f IN SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'gh' AND p.proname LIKE 'kiosk\_%' AND p.proname <> 'kiosk_auth' LOOP
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO gatehouse_kiosk', f);
  END LOOP;
END $$;

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA gh FROM PUBLIC;
