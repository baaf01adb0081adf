-- The kiosk's functions (its contract: see tests/integration/ops/upgrade_test.cpp) and their clock helpers.
-- Repeatable: re-applied whenever this file changes; only CREATE OR REPLACE FUNCTION and
-- grants (docs/decisions/0750-repeatable-sql-functions.md).

CREATE OR REPLACE FUNCTION gh.kiosk_auth(p_kiosk bigint, p_token text)
 RETURNS gh.kiosk
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE k gh.kiosk;
BEGIN
  SELECT * INTO k FROM gh.kiosk WHERE id = p_kiosk;
  IF NOT FOUND OR k.token_hash <> encode(sha256(convert_to(coalesce(p_token, ''), 'UTF8')), 'hex') THEN
    RAISE EXCEPTION 'kiosk not authorised' USING ERRCODE = 'GH403', DETAIL = 'kiosk_auth';
  END IF;
  PERFORM set_config('gatehouse.kiosk_id', k.id::text, true);
  -- Contact is recorded at most once a second, so busy kiosks do not queue on their row.
  IF k.last_contact IS NULL OR k.last_contact < now() - interval '1 second' THEN
    UPDATE gh.kiosk SET
        outage_from = CASE WHEN last_contact < now() - gh.kiosk_contact_gap() THEN last_contact ELSE outage_from END,
        outage_until = CASE WHEN last_contact < now() - gh.kiosk_contact_gap() THEN now() ELSE outage_until END,
        last_contact = greatest(last_contact, now())
     WHERE id = k.id RETURNING * INTO k;
  END IF;
  RETURN k;
END $function$;

CREATE OR REPLACE FUNCTION gh.kiosk_directory(p_kiosk bigint, p_token text, p_query text, p_limit integer DEFAULT 20)
 RETURNS TABLE(unit_id bigint, unit_label text, building text, host_hint text)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE k gh.kiosk := gh.kiosk_auth(p_kiosk, p_token);
        show_names boolean;
        q text := lower(gh.check_text('query', p_query, 100, false));
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
   LIMIT least(greatest(coalesce(p_limit, 20), 1), 50);
END $function$;
GRANT EXECUTE ON FUNCTION gh.kiosk_directory(bigint,text,text,integer) TO gatehouse_kiosk;

CREATE OR REPLACE FUNCTION gh.kiosk_request_visit(p_kiosk bigint, p_token text, p_visit uuid, p_unit bigint, p_visitor_name text, p_visitor_phone text, p_purpose text, p_document_type text, p_document_hash text, p_requested_at timestamp with time zone)
 RETURNS TABLE(status gh.visit_status, held boolean)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE
  k gh.kiosk := gh.kiosk_auth(p_kiosk, p_token);
  existing gh.visit;
  vname text := gh.check_text('visitor_name', p_visitor_name, 200, true);
  vphone text := gh.check_text('visitor_phone', p_visitor_phone, 40, false);
  vpurpose text := gh.check_text('purpose', p_purpose, 500, false);
  dtype text := gh.check_pattern('document_type', p_document_type, '^[a-z0-9_]{1,32}$',
                                 '1 to 32 characters a-z, 0-9 or _');
  dhash text := gh.check_pattern('document_hash', p_document_hash, '^[0-9a-f]{64}$',
                                 '64 lower-case hex characters');
  visitor_id bigint;
  hit gh.watchlist;
  is_held boolean := false;
  at_ts timestamptz;
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
  VALUES (k.estate_id, vname, nullif(vphone, ''), dtype, dhash)
  RETURNING id INTO visitor_id;

  SELECT * INTO hit FROM gh.watchlist w
   WHERE w.estate_id = k.estate_id AND w.active
     AND (w.name_key = gh.name_key(vname) OR (w.document_hash IS NOT NULL AND w.document_hash = dhash))
   LIMIT 1;
  is_held := FOUND;

  at_ts := gh.kiosk_claim_time(k, 'requested', p_visit, p_requested_at, NULL);
  INSERT INTO gh.visit (id, estate_id, unit_id, visitor_id, purpose, kiosk_id, status, held, requested_at)
  VALUES (p_visit, k.estate_id, p_unit, visitor_id, vpurpose, k.id, 'pending', is_held, at_ts);
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
END $function$;
GRANT EXECUTE ON FUNCTION gh.kiosk_request_visit(bigint,text,uuid,bigint,text,text,text,text,text,timestamp with time zone) TO gatehouse_kiosk;

-- Only the kiosk that created a visit (or recorded its exit) sees it.
CREATE OR REPLACE FUNCTION gh.kiosk_visit_status(p_kiosk bigint, p_token text, p_visit uuid)
 RETURNS TABLE(status gh.visit_status, held boolean, escalated boolean, decided_at timestamp with time zone, decision_channel gh.decision_channel)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE k gh.kiosk := gh.kiosk_auth(p_kiosk, p_token);
BEGIN
  RETURN QUERY SELECT v.status, v.held, v.escalated_at IS NOT NULL, v.decided_at, v.decision_channel
    FROM gh.visit v WHERE v.id = p_visit AND (v.kiosk_id = k.id OR v.exit_kiosk_id = k.id);
  IF NOT FOUND THEN
    RAISE EXCEPTION 'visit % not found', p_visit USING ERRCODE = 'GH404', DETAIL = 'visit_not_found';
  END IF;
END $function$;
GRANT EXECUTE ON FUNCTION gh.kiosk_visit_status(bigint,text,uuid) TO gatehouse_kiosk;

CREATE OR REPLACE FUNCTION gh.kiosk_use_invitation(p_kiosk bigint, p_token text, p_visit uuid, p_invitation uuid,
                                                   p_visitor_name text, p_at timestamptz)
RETURNS TABLE (status gh.visit_status, unit_id bigint, unit_label text, guest_name text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
DECLARE
  k gh.kiosk := gh.kiosk_auth(p_kiosk, p_token);
  inv gh.invitation;
  existing gh.visit;
  tz text;
  at_ts timestamptz;
  local_ts timestamp;
  minute int;
  vname text := gh.check_text('visitor_name', p_visitor_name, 200, false);
  visitor_id bigint;
  late_revoked boolean := false;
  key_revoked timestamptz;
  accepted boolean := true;
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
  -- Bounded without recording yet: a refusal below records nothing.
  at_ts := least(greatest(coalesce(p_at, now()), inv.created_at, coalesce(k.outage_from, '-infinity')), now());
  IF inv.revoked_at IS NOT NULL AND inv.revoked_at <= at_ts THEN
    RAISE EXCEPTION 'invitation was revoked' USING ERRCODE = 'GH409', DETAIL = 'revoked';
  END IF;
  -- The key that signed the pass: once revoked, only a use the kiosk made while cut off, before
  -- the revocation, is still recorded (accepted, as it could not know), and raised for review.
  SELECT ek.revoked_at INTO key_revoked FROM gh.estate_key ek
   WHERE ek.estate_id = inv.estate_id AND ek.key_id = inv.key_id;
  IF key_revoked IS NOT NULL AND (key_revoked <= at_ts OR NOT gh.kiosk_was_offline(k, at_ts)) THEN
    RAISE EXCEPTION 'the key that signed this pass was revoked' USING ERRCODE = 'GH409', DETAIL = 'key_revoked';
  END IF;
  late_revoked := inv.revoked_at IS NOT NULL;
  IF late_revoked THEN
    accepted := gh.kiosk_was_offline(k, at_ts);
  END IF;
  IF accepted THEN
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
  END IF;
  vname := gh.check_text('visitor_name', coalesce(nullif(vname, ''), inv.guest_name), 200, true);
  at_ts := gh.kiosk_claim_time(k, 'invitation_used', p_visit, p_at, inv.created_at);
  INSERT INTO gh.visitor (estate_id, full_name, phone) VALUES (k.estate_id, vname, inv.guest_phone)
  RETURNING id INTO visitor_id;
  IF accepted THEN
    UPDATE gh.invitation SET uses = uses + 1 WHERE id = inv.id;
    INSERT INTO gh.visit (id, estate_id, unit_id, visitor_id, purpose, kiosk_id, invitation_id, status,
                          requested_at, decided_at, decided_by, decision_channel)
    VALUES (p_visit, k.estate_id, inv.unit_id, visitor_id, coalesce(inv.event_name, ''), k.id, inv.id,
            'approved', at_ts, at_ts, inv.host_id, 'invitation');
    INSERT INTO gh.notification (estate_id, person_id, kind, payload)
    VALUES (k.estate_id, inv.host_id, 'guest_arrived', jsonb_build_object('visit', p_visit, 'visitor', vname));
  ELSE
    INSERT INTO gh.visit (id, estate_id, unit_id, visitor_id, purpose, kiosk_id, invitation_id, status,
                          requested_at, decided_at, decision_channel, decision_reason)
    VALUES (p_visit, k.estate_id, inv.unit_id, visitor_id, coalesce(inv.event_name, ''), k.id, inv.id,
            'denied', at_ts, now(), 'invitation', 'invitation revoked before the use reached the server');
  END IF;
  IF key_revoked IS NOT NULL THEN
    INSERT INTO gh.alert (estate_id, kind, visit_id, kiosk_id, details)
    VALUES (k.estate_id, 'revoked_key_used', p_visit, k.id,
            jsonb_build_object('invitation', inv.id, 'key_id', inv.key_id, 'claimed_at', p_at,
                               'key_revoked_at', key_revoked, 'accepted', accepted));
  END IF;
  IF late_revoked THEN
    INSERT INTO gh.alert (estate_id, kind, visit_id, kiosk_id, details)
    VALUES (k.estate_id, 'revoked_pass_used', p_visit, k.id,
            jsonb_build_object('invitation', inv.id, 'claimed_at', p_at, 'revoked_at', inv.revoked_at,
                               'accepted', accepted));
  END IF;
  RETURN QUERY SELECT CASE WHEN accepted THEN 'approved' ELSE 'denied' END::gh.visit_status,
                      inv.unit_id, u.label, inv.guest_name
    FROM gh.unit u WHERE u.id = inv.unit_id;
END $$;
GRANT EXECUTE ON FUNCTION gh.kiosk_use_invitation(bigint,text,uuid,uuid,text,timestamp with time zone) TO gatehouse_kiosk;

CREATE OR REPLACE FUNCTION gh.kiosk_check_in(p_kiosk bigint, p_token text, p_visit uuid, p_exit_token_hash text, p_at timestamp with time zone)
 RETURNS timestamp with time zone
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE
  k gh.kiosk := gh.kiosk_auth(p_kiosk, p_token);
  v gh.visit;
  stay int;
  expected timestamptz;
  at_ts timestamptz;
BEGIN
  SELECT * INTO v FROM gh.visit WHERE id = p_visit AND kiosk_id = k.id FOR UPDATE;
  IF FOUND AND v.status = 'checked_in' AND v.exit_token_hash = p_exit_token_hash THEN
    RETURN v.expected_exit_at;  -- a retry of the same check-in
  END IF;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'visit % not found', p_visit USING ERRCODE = 'GH404', DETAIL = 'visit_not_found';
  END IF;
  IF p_exit_token_hash IS NULL OR p_exit_token_hash !~ '^[0-9a-f]{64}$' THEN
    RAISE EXCEPTION 'exit token hash must be 64 hex characters' USING ERRCODE = 'GH422', DETAIL = 'exit_token';
  END IF;
  PERFORM gh.lock_visit(p_visit, 'checked_in', k.estate_id);
  at_ts := gh.kiosk_claim_time(k, 'entered', p_visit, p_at, greatest(v.requested_at, v.decided_at));
  SELECT default_stay_minutes INTO stay FROM gh.estate WHERE id = k.estate_id;
  expected := at_ts + make_interval(mins => stay);
  IF v.invitation_id IS NOT NULL THEN
    SELECT least(expected, i.valid_until) INTO expected FROM gh.invitation i WHERE i.id = v.invitation_id;
  END IF;
  UPDATE gh.visit SET status = 'checked_in', entered_at = at_ts, exit_token_hash = p_exit_token_hash,
         expected_exit_at = expected
   WHERE id = p_visit;
  RETURN expected;
END $function$;
GRANT EXECUTE ON FUNCTION gh.kiosk_check_in(bigint,text,uuid,text,timestamp with time zone) TO gatehouse_kiosk;

-- Exit by badge, at any kiosk of the estate: the badge's secret is the proof.
CREATE OR REPLACE FUNCTION gh.kiosk_check_out(p_kiosk bigint, p_token text, p_event uuid, p_visit uuid, p_secret_hash text, p_at timestamp with time zone)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE
  k gh.kiosk := gh.kiosk_auth(p_kiosk, p_token);
  v gh.visit;
  outcome text;
BEGIN
  PERFORM gh.check_pattern('secret_hash', coalesce(p_secret_hash, 'x'), '^[0-9a-f]{64}$',
                           '64 lower-case hex characters');
  SELECT * INTO v FROM gh.visit WHERE id = p_visit AND estate_id = k.estate_id FOR UPDATE;
  IF NOT FOUND OR v.exit_token_hash IS DISTINCT FROM p_secret_hash THEN
    outcome := 'unknown_badge';
  ELSIF v.status = 'checked_out' THEN
    outcome := CASE WHEN v.exit_event_id = p_event THEN 'already_recorded' ELSE 'badge_used' END;
  ELSIF v.status <> 'checked_in' THEN
    outcome := 'not_checked_in';
  ELSE
    UPDATE gh.visit SET status = 'checked_out',
           exited_at = gh.kiosk_claim_time(k, 'exited', p_event, p_at, v.entered_at),
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
END $function$;
GRANT EXECUTE ON FUNCTION gh.kiosk_check_out(bigint,text,uuid,uuid,text,timestamp with time zone) TO gatehouse_kiosk;

CREATE OR REPLACE FUNCTION gh.kiosk_cancel(p_kiosk bigint, p_token text, p_visit uuid)
 RETURNS gh.visit_status
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE k gh.kiosk := gh.kiosk_auth(p_kiosk, p_token);
        v gh.visit;
BEGIN
  SELECT * INTO v FROM gh.visit WHERE id = p_visit AND kiosk_id = k.id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'visit % not found', p_visit USING ERRCODE = 'GH404', DETAIL = 'visit_not_found';
  END IF;
  IF v.status = 'cancelled' THEN RETURN v.status; END IF;  -- a retry
  PERFORM gh.lock_visit(p_visit, 'cancelled', k.estate_id);
  UPDATE gh.visit SET status = 'cancelled' WHERE id = p_visit;
  RETURN 'cancelled';
END $function$;
GRANT EXECUTE ON FUNCTION gh.kiosk_cancel(bigint,text,uuid) TO gatehouse_kiosk;

-- Evidence (photos, scans) for the kiosk's own visits or exits it recorded. Serialised per
-- kiosk so the hash chain has no forks; a reused id answers only to the kiosk that owns it.
CREATE OR REPLACE FUNCTION gh.kiosk_add_evidence(p_kiosk bigint, p_token text, p_evidence uuid, p_visit uuid, p_kind gh.evidence_kind, p_content_type text, p_data bytea, p_captured_at timestamp with time zone)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE
  k gh.kiosk := gh.kiosk_auth(p_kiosk, p_token);
  existing gh.evidence;
  digest text;
  ctype text := coalesce(gh.check_pattern('content_type', p_content_type,
                                          '^[a-z]{1,20}/[a-z0-9.+-]{1,40}$', 'a MIME type like image/jpeg'),
                         'image/jpeg');
  prev text;
  chain text;
  at_ts timestamptz;
BEGIN
  IF p_data IS NULL OR length(p_data) = 0 OR length(p_data) > 10 * 1024 * 1024 THEN
    RAISE EXCEPTION 'evidence must be 1 byte to 10 MB' USING ERRCODE = 'GH422', DETAIL = 'evidence_size';
  END IF;
  IF p_kind IS NULL THEN
    RAISE EXCEPTION 'evidence kind is required' USING ERRCODE = 'GH422', DETAIL = 'evidence_kind';
  END IF;
  digest := encode(sha256(p_data), 'hex');
  PERFORM 1 FROM gh.kiosk WHERE id = k.id FOR UPDATE;
  SELECT * INTO existing FROM gh.evidence WHERE id = p_evidence;
  IF FOUND THEN
    IF existing.kiosk_id IS DISTINCT FROM k.id OR existing.visit_id IS DISTINCT FROM p_visit
       OR existing.sha256 <> digest THEN
      RAISE EXCEPTION 'evidence id reused with other content' USING ERRCODE = 'GH409', DETAIL = 'duplicate_id';
    END IF;
    RETURN existing.chain_sha256;
  END IF;
  PERFORM 1 FROM gh.visit WHERE id = p_visit AND (kiosk_id = k.id OR exit_kiosk_id = k.id);
  IF NOT FOUND THEN
    RAISE EXCEPTION 'visit % not found', p_visit USING ERRCODE = 'GH404', DETAIL = 'visit_not_found';
  END IF;
  at_ts := gh.kiosk_claim_time(k, 'captured', p_evidence, p_captured_at, NULL);
  SELECT chain_sha256 INTO prev FROM gh.evidence WHERE kiosk_id = k.id ORDER BY seq DESC LIMIT 1;
  chain := encode(sha256(convert_to(coalesce(prev, '') || '|' || digest || '|' || p_visit::text || '|'
                                    || p_kind::text || '|' || to_char(at_ts AT TIME ZONE 'UTC',
                                    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), 'UTF8')), 'hex');
  INSERT INTO gh.evidence (id, estate_id, visit_id, kiosk_id, kind, content_type, data, sha256,
                           prev_chain, chain_sha256, captured_at)
  VALUES (p_evidence, k.estate_id, p_visit, k.id, p_kind, ctype, p_data, digest, prev, chain, at_ts);
  PERFORM gh.audit(k.estate_id, 'evidence.' || p_kind::text, p_evidence::text,
                   jsonb_build_object('visit', p_visit, 'sha256', digest, 'chain', chain));
  RETURN chain;
END $function$;
GRANT EXECUTE ON FUNCTION gh.kiosk_add_evidence(bigint,text,uuid,uuid,gh.evidence_kind,text,bytea,timestamp with time zone) TO gatehouse_kiosk;

CREATE OR REPLACE FUNCTION gh.kiosk_heartbeat(p_kiosk bigint, p_token text, p_screen text, p_health jsonb, p_outbox_depth integer, p_version text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE k gh.kiosk := gh.kiosk_auth(p_kiosk, p_token);
        screen text := gh.check_pattern('screen', p_screen, '^[A-Za-z0-9_.-]{1,64}$',
                                        '1 to 64 characters A-Z, a-z, 0-9, _, . or -');
        health jsonb := gh.check_json('device_health', p_health, 4096);
        version text := gh.check_pattern('software_version', p_version, '^[A-Za-z0-9_.+-]{1,64}$',
                                         '1 to 64 characters A-Z, a-z, 0-9, _, ., + or -');
BEGIN
  IF p_outbox_depth IS NOT NULL AND (p_outbox_depth < 0 OR p_outbox_depth > 10000000) THEN
    RAISE EXCEPTION 'outbox_depth must be 0 to 10000000' USING ERRCODE = 'GH422', DETAIL = 'outbox_depth';
  END IF;
  UPDATE gh.kiosk SET last_heartbeat = now(), current_screen = screen, device_health = health,
         outbox_depth = coalesce(p_outbox_depth, 0), software_version = version
   WHERE id = k.id;
  PERFORM pg_notify('gatehouse', json_build_object('event', 'kiosk', 'estate', k.estate_id,
    'kiosk', k.id, 'screen', screen)::text);
END $function$;
GRANT EXECUTE ON FUNCTION gh.kiosk_heartbeat(bigint,text,text,jsonb,integer,text) TO gatehouse_kiosk;

-- Functions only (see 0610 for the column): the kiosk's alert kinds for "no visitor gets stuck"
-- (face_not_found after three faceless photos, guard_called from any screen, lost_badge at exit)
-- and an alert with a photo, keyed by the outbox event like the 6-argument form (0350).
CREATE OR REPLACE FUNCTION gh.kiosk_raise_alert(p_kiosk bigint, p_token text, p_kind text, p_visit uuid, p_details jsonb)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
DECLARE k gh.kiosk := gh.kiosk_auth(p_kiosk, p_token);
        details jsonb := gh.check_json('alert_details', p_details, 4096);
        own_visit uuid;
        id bigint;
BEGIN
  IF p_kind IS NULL OR p_kind NOT IN ('approval_timeout', 'printer_fault', 'camera_fault', 'scanner_fault',
                    'unknown_badge', 'forged_pass', 'help_requested', 'offline_approval', 'pin_lockout',
                    'face_not_found', 'guard_called', 'lost_badge') THEN
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
GRANT EXECUTE ON FUNCTION gh.kiosk_raise_alert(bigint,text,text,uuid,jsonb) TO gatehouse_kiosk;

CREATE OR REPLACE FUNCTION gh.kiosk_estate_keys(p_kiosk bigint, p_token text)
 RETURNS TABLE(estate_id bigint, key_id smallint, public_key bytea, timezone text)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE k gh.kiosk := gh.kiosk_auth(p_kiosk, p_token);
BEGIN
  RETURN QUERY SELECT ek.estate_id, ek.key_id, ek.public_key, e.timezone
    FROM gh.estate_key ek JOIN gh.estate e ON e.id = ek.estate_id
   WHERE ek.estate_id = k.estate_id AND ek.active AND ek.revoked_at IS NULL
     AND (ek.retired_at IS NULL OR EXISTS (
           SELECT 1 FROM gh.invitation i WHERE i.estate_id = ek.estate_id AND i.key_id = ek.key_id
              AND i.valid_until > now() AND i.revoked_at IS NULL));
END $function$;
GRANT EXECUTE ON FUNCTION gh.kiosk_estate_keys(bigint,text) TO gatehouse_kiosk;

CREATE OR REPLACE FUNCTION gh.kiosk_revocations(p_kiosk bigint, p_token text)
 RETURNS TABLE(invitation_id uuid, revoked_at timestamp with time zone)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE k gh.kiosk := gh.kiosk_auth(p_kiosk, p_token);
BEGIN
  RETURN QUERY SELECT i.id, i.revoked_at FROM gh.invitation i
   WHERE i.estate_id = k.estate_id AND i.revoked_at IS NOT NULL AND i.valid_until > now();
END $function$;
GRANT EXECUTE ON FUNCTION gh.kiosk_revocations(bigint,text) TO gatehouse_kiosk;

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
GRANT EXECUTE ON FUNCTION gh.kiosk_guard_pin_check(bigint,text,bigint,text) TO gatehouse_kiosk;

-- What a kiosk needs to enforce the same rules while offline.
CREATE OR REPLACE FUNCTION gh.kiosk_pin_policy(p_kiosk bigint, p_token text)
RETURNS TABLE (max_failures integer, lock_minutes integer, offline_approvals integer)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = gh, pg_temp AS $$
DECLARE k gh.kiosk := gh.kiosk_auth(p_kiosk, p_token);
BEGIN
  RETURN QUERY SELECT e.pin_max_failures, e.pin_lock_minutes, e.offline_pin_approvals
    FROM gh.estate e WHERE e.id = k.estate_id;
END $$;
GRANT EXECUTE ON FUNCTION gh.kiosk_pin_policy(bigint,text) TO gatehouse_kiosk;

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
GRANT EXECUTE ON FUNCTION gh.kiosk_guard_pins(bigint,text) TO gatehouse_kiosk;

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
  PERFORM gh.lock_visit(p_visit, 'approved', k.estate_id);
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
GRANT EXECUTE ON FUNCTION gh.kiosk_guard_approve(bigint,text,uuid,bigint,text,timestamp with time zone,uuid) TO gatehouse_kiosk;

-- The previous release's call (no PIN check id): the kiosk checked the PIN, so offline.
CREATE OR REPLACE FUNCTION gh.kiosk_guard_approve(p_kiosk bigint, p_token text, p_visit uuid, p_guard bigint,
                                                  p_reason text, p_at timestamptz)
RETURNS gh.visit_status LANGUAGE sql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
  SELECT gh.kiosk_guard_approve(p_kiosk, p_token, p_visit, p_guard, p_reason, p_at, NULL::uuid)
$$;
GRANT EXECUTE ON FUNCTION gh.kiosk_guard_approve(bigint,text,uuid,bigint,text,timestamp with time zone) TO gatehouse_kiosk;

CREATE OR REPLACE FUNCTION gh.kiosk_contact_gap()
 RETURNS interval
 LANGUAGE sql
 IMMUTABLE
AS $function$
  SELECT interval '60 seconds'
$function$;

-- Whether the kiosk was out of contact at instant p_at (inside its latest outage).
CREATE OR REPLACE FUNCTION gh.kiosk_was_offline(k gh.kiosk, p_at timestamp with time zone)
 RETURNS boolean
 LANGUAGE sql
 STABLE
AS $function$
  SELECT coalesce(p_at > k.outage_from AND p_at < k.outage_until, false)
$function$;

-- A time the kiosk claims, bounded: never before p_floor (the request, the invitation...),
-- never before the kiosk's last contact before its latest outage, never after now. Both the
-- claim and the bounded value are recorded with the time of receipt.
CREATE OR REPLACE FUNCTION gh.kiosk_claim_time(k gh.kiosk, p_what text, p_subject uuid, p_claimed timestamp with time zone, p_floor timestamp with time zone)
 RETURNS timestamp with time zone
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE t timestamptz := least(greatest(coalesce(p_claimed, now()), coalesce(p_floor, '-infinity'),
                                        coalesce(k.outage_from, '-infinity')), now());
BEGIN
  INSERT INTO gh.kiosk_claim (estate_id, kiosk_id, subject, what, claimed_at, recorded_at, offline)
  VALUES (k.estate_id, k.id, p_subject, p_what, p_claimed, t, gh.kiosk_was_offline(k, t));
  RETURN t;
END $function$;

-- How long an exit may wait for its entry before the guard is told (server time, not the kiosk's).
CREATE OR REPLACE FUNCTION gh.exit_wait_limit()
 RETURNS interval
 LANGUAGE sql
 IMMUTABLE
AS $function$
  SELECT interval '30 minutes'
$function$;

-- A time claimed by kiosk k, on the server's clock: corrected by the measured offset. A bound on
-- claimed times must be applied after this correction, never before it.
CREATE OR REPLACE FUNCTION gh.kiosk_corrected_time(k gh.kiosk, p_claimed timestamp with time zone)
 RETURNS timestamp with time zone
 LANGUAGE sql
 STABLE
AS $function$
  SELECT p_claimed - coalesce((SELECT clock_offset FROM gh.kiosk WHERE id = k.id), interval '0')
$function$;

CREATE OR REPLACE FUNCTION gh.kiosk_raise_alert(p_kiosk bigint, p_token text, p_event uuid, p_kind text, p_visit uuid, p_details jsonb)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE k gh.kiosk := gh.kiosk_auth(p_kiosk, p_token);
        existing gh.alert;
        alert_id bigint;
BEGIN
  IF p_event IS NULL THEN
    RAISE EXCEPTION 'an alert needs its event id' USING ERRCODE = 'GH422', DETAIL = 'event_id';
  END IF;
  PERFORM pg_advisory_xact_lock(hashtextextended(p_event::text, 15));
  SELECT * INTO existing FROM gh.alert WHERE event_id = p_event;
  IF FOUND THEN
    IF existing.kiosk_id IS DISTINCT FROM k.id THEN
      RAISE EXCEPTION 'event id already used' USING ERRCODE = 'GH409', DETAIL = 'duplicate_id';
    END IF;
    RETURN existing.id;  -- a resend
  END IF;
  alert_id := gh.kiosk_raise_alert(p_kiosk, p_token, p_kind, p_visit, p_details);
  -- approval_timeout answers with the visit's one escalation alert, which may be keyed already.
  UPDATE gh.alert SET event_id = p_event WHERE id = alert_id AND event_id IS NULL;
  RETURN alert_id;
END $function$;
GRANT EXECUTE ON FUNCTION gh.kiosk_raise_alert(bigint,text,uuid,text,uuid,jsonb) TO gatehouse_kiosk;

-- Exit by badge, for kiosks that retry: not_yet_known | recorded | already_recorded |
-- unknown_badge | badge_used | not_checked_in. "not_yet_known" (no alert) while the visit or its
-- check-in has not arrived and the exit is younger than gh.exit_wait_limit() on the server's
-- clock; then the final answer of gh.kiosk_check_out. A refusal's alert carries the event id, so
-- a resend answers the same and raises nothing more.
CREATE OR REPLACE FUNCTION gh.kiosk_record_exit(p_kiosk bigint, p_token text, p_event uuid, p_visit uuid, p_secret_hash text, p_at timestamp with time zone)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE
  k gh.kiosk := gh.kiosk_auth(p_kiosk, p_token);
  v gh.visit;
  w gh.exit_wait;
  refused text;
  outcome text;
BEGIN
  IF p_event IS NULL THEN
    RAISE EXCEPTION 'an exit needs its event id' USING ERRCODE = 'GH422', DETAIL = 'event_id';
  END IF;
  PERFORM pg_advisory_xact_lock(hashtextextended(p_event::text, 15));
  SELECT a.kind INTO refused FROM gh.alert a WHERE a.event_id = p_event AND a.kiosk_id = k.id;
  IF FOUND THEN RETURN refused; END IF;  -- a resend of a refused exit
  SELECT * INTO v FROM gh.visit WHERE id = p_visit AND estate_id = k.estate_id FOR UPDATE;
  IF NOT FOUND OR (v.exit_token_hash IS NULL AND v.status IN ('pending', 'approved')) THEN
    INSERT INTO gh.exit_wait (event_id, visit_id, kiosk_id) VALUES (p_event, p_visit, k.id)
    ON CONFLICT (event_id) DO NOTHING;
    SELECT * INTO w FROM gh.exit_wait WHERE event_id = p_event;
    IF w.first_seen > now() - gh.exit_wait_limit() THEN
      RETURN 'not_yet_known';
    END IF;
  END IF;
  outcome := gh.kiosk_check_out(p_kiosk, p_token, p_event, p_visit, p_secret_hash,
                                gh.kiosk_corrected_time(k, p_at));
  UPDATE gh.alert SET event_id = p_event
   WHERE kiosk_id = k.id AND event_id IS NULL AND details->>'event' = p_event::text
     AND kind IN ('unknown_badge', 'badge_used', 'not_checked_in');
  UPDATE gh.exit_wait SET settled_at = now() WHERE event_id = p_event AND settled_at IS NULL;
  RETURN outcome;
END $function$;
GRANT EXECUTE ON FUNCTION gh.kiosk_record_exit(bigint,text,uuid,uuid,text,timestamp with time zone) TO gatehouse_kiosk;

-- The heartbeat with the kiosk's own clock: stores the offset, then beats as before.
CREATE OR REPLACE FUNCTION gh.kiosk_heartbeat_clock(p_kiosk bigint, p_token text, p_screen text, p_health jsonb, p_outbox_depth integer, p_version text, p_kiosk_time timestamp with time zone)
 RETURNS interval
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE k gh.kiosk := gh.kiosk_auth(p_kiosk, p_token);
        offset_now interval;
BEGIN
  IF p_kiosk_time IS NULL THEN
    RAISE EXCEPTION 'kiosk_time is required' USING ERRCODE = 'GH422', DETAIL = 'kiosk_time';
  END IF;
  PERFORM gh.kiosk_heartbeat(p_kiosk, p_token, p_screen, p_health, p_outbox_depth, p_version);
  -- statement_timestamp(): when this call arrived, the closest server instant to p_kiosk_time.
  offset_now := date_trunc('second', p_kiosk_time - statement_timestamp());
  UPDATE gh.kiosk SET clock_offset = offset_now, clock_measured_at = now() WHERE id = k.id;
  RETURN offset_now;
END $function$;
GRANT EXECUTE ON FUNCTION gh.kiosk_heartbeat_clock(bigint,text,text,jsonb,integer,text,timestamp with time zone) TO gatehouse_kiosk;

-- Issue 15, kiosk clocks: a kiosk's claimed time on the server's clock, for the kiosk client to
-- pass to every kiosk function that takes a time (kiosk_record_exit corrects its own). The offset
-- is the server's measurement (gh.kiosk_heartbeat_clock), never the kiosk's word.
CREATE OR REPLACE FUNCTION gh.kiosk_server_time(p_kiosk bigint, p_token text, p_claimed timestamp with time zone)
 RETURNS timestamp with time zone
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE k gh.kiosk := gh.kiosk_auth(p_kiosk, p_token);
BEGIN
  RETURN gh.kiosk_corrected_time(k, p_claimed);
END $function$;
GRANT EXECUTE ON FUNCTION gh.kiosk_server_time(bigint,text,timestamp with time zone) TO gatehouse_kiosk;


-- The photo is checked before anything is written: a bad one is refused (GH422 'photo') and the
-- kiosk's event stays in its outbox for an operator, rather than an alert without its photo.
CREATE OR REPLACE FUNCTION gh.kiosk_raise_alert(p_kiosk bigint, p_token text, p_event uuid, p_kind text,
                                                p_visit uuid, p_details jsonb, p_photo bytea)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
DECLARE alert_id bigint;
BEGIN
  PERFORM gh.kiosk_auth(p_kiosk, p_token);
  IF p_photo IS NOT NULL AND (length(p_photo) < 4 OR length(p_photo) > 2097152
                              OR substring(p_photo FROM 1 FOR 3) <> '\xffd8ff'::bytea) THEN
    RAISE EXCEPTION 'an alert photo must be a JPEG of at most 2 MiB' USING ERRCODE = 'GH422', DETAIL = 'photo';
  END IF;
  alert_id := gh.kiosk_raise_alert(p_kiosk, p_token, p_event, p_kind, p_visit, p_details);
  UPDATE gh.alert SET photo_jpeg = p_photo WHERE id = alert_id AND photo_jpeg IS NULL AND p_photo IS NOT NULL;
  RETURN alert_id;
END $$;
GRANT EXECUTE ON FUNCTION gh.kiosk_raise_alert(bigint,text,uuid,text,uuid,jsonb,bytea) TO gatehouse_kiosk;

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA gh FROM PUBLIC;
