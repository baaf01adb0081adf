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
                    'unknown_badge', 'forged_pass', 'help_requested', 'offline_approval',
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

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA gh FROM PUBLIC;
GRANT EXECUTE ON FUNCTION gh.kiosk_raise_alert(bigint, text, text, uuid, jsonb) TO gatehouse_kiosk;
GRANT EXECUTE ON FUNCTION gh.kiosk_raise_alert(bigint, text, uuid, text, uuid, jsonb) TO gatehouse_kiosk;
GRANT EXECUTE ON FUNCTION gh.kiosk_raise_alert(bigint, text, uuid, text, uuid, jsonb, bytea) TO gatehouse_kiosk;
