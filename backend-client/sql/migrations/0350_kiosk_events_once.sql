-- Issue 15: every kiosk-created row carries its event's id, a repeat is a no-op, and an exit at
-- another gate before the entry kiosk's events arrive is "not yet known" (retry) rather than a
-- final refusal. docs/decisions/0350-cross-kiosk-exits.md has the why.
--
-- Written as NEW functions that wrap the existing ones, so the kiosk function bodies of 0004 (and
-- of any migration that rewrites them, e.g. 0300) stay untouched:
--   gh.kiosk_raise_alert(kiosk, token, EVENT, kind, visit, details)   (6 arguments, new)
--   gh.kiosk_record_exit(kiosk, token, event, visit, secret_hash, at) (new; wraps kiosk_check_out)
--   gh.kiosk_heartbeat_clock(kiosk, token, ..., kiosk_time)           (new; wraps kiosk_heartbeat)
-- The old kiosk_raise_alert (5 arguments) and kiosk_check_out keep working for one release.

-- The event that created an alert; a second delivery of the same event finds it here.
ALTER TABLE gh.alert ADD COLUMN event_id uuid;
CREATE UNIQUE INDEX alert_event_uq ON gh.alert (event_id) WHERE event_id IS NOT NULL;

-- Exits whose visit (or its check-in) has not reached the server yet: when we first heard of them.
CREATE TABLE gh.exit_wait (
  event_id   uuid PRIMARY KEY,
  visit_id   uuid NOT NULL,
  kiosk_id   bigint NOT NULL REFERENCES gh.kiosk(id),
  first_seen timestamptz NOT NULL DEFAULT now(),
  settled_at timestamptz
);

-- How long an exit may wait for its entry before the guard is told (server time, not the kiosk's).
CREATE FUNCTION gh.exit_wait_limit() RETURNS interval LANGUAGE sql IMMUTABLE AS $$
  SELECT interval '30 minutes'
$$;

-- The kiosk's clock minus the server's, measured at each heartbeat (NULL: never measured).
ALTER TABLE gh.kiosk ADD COLUMN clock_offset interval;
ALTER TABLE gh.kiosk ADD COLUMN clock_measured_at timestamptz;

-- A time claimed by kiosk k, on the server's clock: corrected by the measured offset. A bound on
-- claimed times must be applied after this correction, never before it.
CREATE FUNCTION gh.kiosk_corrected_time(k gh.kiosk, p_claimed timestamptz) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
  SELECT p_claimed - coalesce((SELECT clock_offset FROM gh.kiosk WHERE id = k.id), interval '0')
$$;

CREATE FUNCTION gh.kiosk_raise_alert(p_kiosk bigint, p_token text, p_event uuid, p_kind text,
                                     p_visit uuid, p_details jsonb)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
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
END $$;

-- Exit by badge, for kiosks that retry: not_yet_known | recorded | already_recorded |
-- unknown_badge | badge_used | not_checked_in. "not_yet_known" (no alert) while the visit or its
-- check-in has not arrived and the exit is younger than gh.exit_wait_limit() on the server's
-- clock; then the final answer of gh.kiosk_check_out. A refusal's alert carries the event id, so
-- a resend answers the same and raises nothing more.
CREATE FUNCTION gh.kiosk_record_exit(p_kiosk bigint, p_token text, p_event uuid, p_visit uuid,
                                     p_secret_hash text, p_at timestamptz)
RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
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
END $$;

-- The heartbeat with the kiosk's own clock: stores the offset, then beats as before.
CREATE FUNCTION gh.kiosk_heartbeat_clock(p_kiosk bigint, p_token text, p_screen text,
                                         p_health jsonb, p_outbox_depth integer, p_version text,
                                         p_kiosk_time timestamptz)
RETURNS interval LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
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
END $$;

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA gh FROM PUBLIC;
GRANT EXECUTE ON FUNCTION gh.kiosk_raise_alert(bigint, text, uuid, text, uuid, jsonb) TO gatehouse_kiosk;
GRANT EXECUTE ON FUNCTION gh.kiosk_record_exit(bigint, text, uuid, uuid, text, timestamptz) TO gatehouse_kiosk;
GRANT EXECUTE ON FUNCTION gh.kiosk_heartbeat_clock(bigint, text, text, jsonb, integer, text, timestamptz)
  TO gatehouse_kiosk;
