-- Issue 9: the database refuses an online use of a pass whose signing key was revoked (until now
-- only the kiosks' key caches did). Functions only (the lead moves them into the repeatable files).

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

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA gh FROM PUBLIC;
GRANT EXECUTE ON FUNCTION gh.kiosk_use_invitation(bigint, text, uuid, uuid, text, timestamptz) TO gatehouse_kiosk;
