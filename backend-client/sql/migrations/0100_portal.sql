-- Resident portal: server-side sessions, password-reset tokens, single-use magic links,
-- notification delivery (email, webhook) with retries, and the notifications a resident gets
-- for decisions, arrivals, overstays. Tables are RLS-enabled with no policies for the app
-- role: only the SECURITY DEFINER functions below touch them.

-- Sessions: the cookie carries a random token; only its sha256 is stored.
CREATE TABLE gh.portal_session (
  token_hash   text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  person_id    bigint NOT NULL REFERENCES gh.person(id),
  csrf_token   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  user_agent   text
);
CREATE INDEX portal_session_person_idx ON gh.portal_session (person_id);

CREATE TABLE gh.portal_reset_token (
  token_hash text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  person_id  bigint NOT NULL REFERENCES gh.person(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at    timestamptz
);
CREATE INDEX portal_reset_person_idx ON gh.portal_reset_token (person_id, created_at DESC);

-- A magic link is signed by the portal (HMAC); this table only makes it single-use.
CREATE TABLE gh.portal_magic_use (
  nonce     text PRIMARY KEY,
  visit_id  uuid NOT NULL REFERENCES gh.visit(id),
  person_id bigint NOT NULL REFERENCES gh.person(id),
  used_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE gh.portal_delivery (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  notification_id bigint NOT NULL REFERENCES gh.notification(id),
  person_id       bigint NOT NULL REFERENCES gh.person(id),
  channel         text NOT NULL CHECK (channel IN ('email', 'webhook')),
  target          text NOT NULL,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts        integer NOT NULL DEFAULT 0,
  last_error      text,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  created_at      timestamptz NOT NULL DEFAULT now(),
  sent_at         timestamptz
);
CREATE INDEX portal_delivery_due_idx ON gh.portal_delivery (next_attempt_at) WHERE status = 'pending';
CREATE INDEX portal_delivery_notification_idx ON gh.portal_delivery (notification_id);

ALTER TABLE gh.portal_session ENABLE ROW LEVEL SECURITY;
ALTER TABLE gh.portal_reset_token ENABLE ROW LEVEL SECURITY;
ALTER TABLE gh.portal_magic_use ENABLE ROW LEVEL SECURITY;
ALTER TABLE gh.portal_delivery ENABLE ROW LEVEL SECURITY;
-- A resident may read the delivery attempts of their own notifications.
GRANT SELECT ON gh.portal_delivery TO gatehouse_app;
CREATE POLICY portal_delivery_own ON gh.portal_delivery FOR SELECT TO gatehouse_app
  USING (person_id = gh.current_person_id());

-- Sessions ------------------------------------------------------------------------------
CREATE FUNCTION gh.portal_session_create(p_person bigint, p_token_hash text, p_csrf text,
                                         p_ttl interval, p_user_agent text)
RETURNS timestamptz LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
DECLARE until timestamptz := now() + p_ttl;
BEGIN
  DELETE FROM gh.portal_session WHERE person_id = p_person AND expires_at < now();
  INSERT INTO gh.portal_session (token_hash, person_id, csrf_token, expires_at, user_agent)
  VALUES (p_token_hash, p_person, p_csrf, until, left(p_user_agent, 200));
  RETURN until;
END $$;

CREATE FUNCTION gh.portal_session_get(p_token_hash text)
RETURNS TABLE (person_id bigint, estate_id bigint, unit_id bigint, role gh.person_role,
               full_name text, csrf_token text, expires_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = gh, pg_temp AS $$
  SELECT p.id, p.estate_id, p.unit_id, p.role, p.full_name, s.csrf_token, s.expires_at
    FROM gh.portal_session s JOIN gh.person p ON p.id = s.person_id AND p.active
   WHERE s.token_hash = p_token_hash AND s.expires_at > now()
$$;

CREATE FUNCTION gh.portal_session_delete(p_token_hash text) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
  DELETE FROM gh.portal_session WHERE token_hash = p_token_hash
$$;

-- Password reset ------------------------------------------------------------------------
-- Returns the person to email, or no row (unknown address, or too many recent requests);
-- the caller answers the same either way.
CREATE FUNCTION gh.portal_reset_create(p_email text, p_token_hash text, p_ttl interval)
RETURNS TABLE (person_id bigint, email text, full_name text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
DECLARE p gh.person;
BEGIN
  SELECT * INTO p FROM gh.person WHERE lower(gh.person.email) = lower(p_email) AND active;
  IF NOT FOUND THEN RETURN; END IF;
  IF (SELECT count(*) FROM gh.portal_reset_token t
       WHERE t.person_id = p.id AND t.created_at > now() - interval '1 hour') >= 5 THEN
    RETURN;
  END IF;
  INSERT INTO gh.portal_reset_token (token_hash, person_id, expires_at)
  VALUES (p_token_hash, p.id, now() + p_ttl);
  PERFORM gh.audit(p.estate_id, 'auth.reset_requested', p.id::text, '{}');
  RETURN QUERY SELECT p.id, p.email, p.full_name;
END $$;

-- Consumes a reset token (single use) and sets the new hash; signs out every session.
CREATE FUNCTION gh.portal_reset_consume(p_token_hash text, p_new_hash text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
DECLARE who bigint;
BEGIN
  UPDATE gh.portal_reset_token SET used_at = now()
   WHERE token_hash = p_token_hash AND used_at IS NULL AND expires_at > now()
  RETURNING person_id INTO who;
  IF who IS NULL THEN RETURN NULL; END IF;
  UPDATE gh.person SET password_hash = p_new_hash, failed_logins = 0, locked_until = NULL
   WHERE id = who AND active;
  DELETE FROM gh.portal_session WHERE person_id = who;
  UPDATE gh.portal_reset_token SET used_at = now() WHERE person_id = who AND used_at IS NULL;
  PERFORM gh.audit((SELECT estate_id FROM gh.person WHERE id = who), 'auth.password_reset', who::text, '{}');
  RETURN who;
END $$;

-- Magic links ---------------------------------------------------------------------------
CREATE FUNCTION gh.portal_magic_consume(p_nonce text, p_visit uuid, p_person bigint) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
BEGIN
  INSERT INTO gh.portal_magic_use (nonce, visit_id, person_id) VALUES (p_nonce, p_visit, p_person)
  ON CONFLICT (nonce) DO NOTHING;
  RETURN FOUND;
END $$;

-- Names a resident may see next to their visits (kiosks and deciders are hidden by RLS) ---
CREATE FUNCTION gh.portal_kiosk_name(p_kiosk bigint) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = gh, pg_temp AS $$
  SELECT name FROM gh.kiosk WHERE id = p_kiosk AND estate_id = gh.my_estate()
$$;
CREATE FUNCTION gh.portal_person_name(p_person bigint) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = gh, pg_temp AS $$
  SELECT full_name FROM gh.person WHERE id = p_person AND estate_id = gh.my_estate()
$$;
CREATE FUNCTION gh.portal_person_role(p_person bigint) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = gh, pg_temp AS $$
  SELECT role::text FROM gh.person WHERE id = p_person AND estate_id = gh.my_estate()
$$;

-- Notifications for residents: decisions, arrivals, overstays (requests and invitation
-- arrivals are written by the kiosk functions). Each notification queues its deliveries.
CREATE FUNCTION gh.portal_notify_unit(p_visit gh.visit, p_kind text, p_extra jsonb) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
  INSERT INTO gh.notification (estate_id, person_id, kind, payload)
  SELECT p_visit.estate_id, p.id, p_kind,
         jsonb_build_object('visit', p_visit.id,
                            'visitor', (SELECT full_name FROM gh.visitor WHERE id = p_visit.visitor_id))
         || p_extra
    FROM gh.person p WHERE p.unit_id = p_visit.unit_id AND p.active AND p.role = 'resident'
$$;

CREATE FUNCTION gh.portal_visit_notifications() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = gh, pg_temp AS $$
BEGIN
  IF OLD.status = 'pending' AND NEW.status IN ('approved', 'denied') THEN
    PERFORM gh.portal_notify_unit(NEW, 'visit_decided', jsonb_build_object(
      'status', NEW.status, 'channel', NEW.decision_channel,
      'by', (SELECT full_name FROM gh.person WHERE id = NEW.decided_by)));
  ELSIF OLD.status = 'approved' AND NEW.status = 'checked_in' THEN
    PERFORM gh.portal_notify_unit(NEW, 'visitor_arrived', jsonb_build_object('at', NEW.entered_at));
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER portal_visit_notifications AFTER UPDATE OF status ON gh.visit
  FOR EACH ROW EXECUTE FUNCTION gh.portal_visit_notifications();

CREATE FUNCTION gh.portal_alert_notifications() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = gh, pg_temp AS $$
DECLARE v gh.visit;
BEGIN
  IF NEW.kind = 'overstay' AND NEW.visit_id IS NOT NULL THEN
    SELECT * INTO v FROM gh.visit WHERE id = NEW.visit_id;
    IF FOUND THEN
      PERFORM gh.portal_notify_unit(v, 'overstay', jsonb_build_object('expected_exit_at', v.expected_exit_at));
    END IF;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER portal_alert_notifications AFTER INSERT ON gh.alert
  FOR EACH ROW EXECUTE FUNCTION gh.portal_alert_notifications();

-- A resident's report of a suspicious visitor raises an alert for the guards.
CREATE FUNCTION gh.portal_report_alert() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = gh, pg_temp AS $$
BEGIN
  INSERT INTO gh.alert (estate_id, kind, visit_id, kiosk_id, details)
  SELECT NEW.estate_id, 'report', NEW.visit_id, v.kiosk_id,
         jsonb_build_object('report', NEW.id, 'reason', NEW.reason, 'reporter', NEW.reporter_id)
    FROM gh.visit v WHERE v.id = NEW.visit_id;
  RETURN NEW;
END $$;
CREATE TRIGGER portal_report_alert AFTER INSERT ON gh.report
  FOR EACH ROW EXECUTE FUNCTION gh.portal_report_alert();

-- Every notification: queue one delivery per chosen channel, and tell listeners.
CREATE FUNCTION gh.portal_notification_queued() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = gh, pg_temp AS $$
DECLARE p gh.person;
BEGIN
  SELECT * INTO p FROM gh.person WHERE id = NEW.person_id;
  IF p.notify_email THEN
    INSERT INTO gh.portal_delivery (notification_id, person_id, channel, target)
    VALUES (NEW.id, p.id, 'email', p.email);
  END IF;
  IF coalesce(p.webhook_url, '') <> '' THEN
    INSERT INTO gh.portal_delivery (notification_id, person_id, channel, target)
    VALUES (NEW.id, p.id, 'webhook', p.webhook_url);
  END IF;
  PERFORM pg_notify('gatehouse', json_build_object('event', 'notification', 'estate', NEW.estate_id,
    'person', NEW.person_id, 'notification', NEW.id, 'kind', NEW.kind)::text);
  RETURN NEW;
END $$;
CREATE TRIGGER portal_notification_queued AFTER INSERT ON gh.notification
  FOR EACH ROW EXECUTE FUNCTION gh.portal_notification_queued();

-- The delivery worker claims due attempts (several workers may run: SKIP LOCKED) ...
CREATE FUNCTION gh.portal_delivery_claim(p_limit integer, p_lease interval)
RETURNS TABLE (id bigint, notification_id bigint, person_id bigint, channel text, target text,
               attempts integer, kind text, payload jsonb, created_at timestamptz,
               full_name text, estate_id bigint, unit_label text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
BEGIN
  RETURN QUERY
  WITH due AS (
    SELECT d.id FROM gh.portal_delivery d
     WHERE d.status = 'pending' AND d.next_attempt_at <= now()
     ORDER BY d.next_attempt_at LIMIT p_limit FOR UPDATE SKIP LOCKED),
  claimed AS (
    UPDATE gh.portal_delivery d SET attempts = d.attempts + 1, next_attempt_at = now() + p_lease
      FROM due WHERE d.id = due.id RETURNING d.*)
  SELECT c.id, c.notification_id, c.person_id, c.channel, c.target, c.attempts, n.kind, n.payload,
         n.created_at, p.full_name, p.estate_id, u.label
    FROM claimed c JOIN gh.notification n ON n.id = c.notification_id
    JOIN gh.person p ON p.id = c.person_id LEFT JOIN gh.unit u ON u.id = p.unit_id;
END $$;

-- ... and records the outcome: sent, retry later, or give up after p_max_attempts.
CREATE FUNCTION gh.portal_delivery_done(p_id bigint, p_ok boolean, p_error text, p_retry_in interval,
                                        p_max_attempts integer)
RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
DECLARE s text;
BEGIN
  UPDATE gh.portal_delivery SET
    status = CASE WHEN p_ok THEN 'sent' WHEN attempts >= p_max_attempts THEN 'failed' ELSE 'pending' END,
    sent_at = CASE WHEN p_ok THEN now() END,
    last_error = CASE WHEN p_ok THEN NULL ELSE left(p_error, 500) END,
    next_attempt_at = CASE WHEN p_ok THEN next_attempt_at ELSE now() + p_retry_in END
   WHERE id = p_id RETURNING status INTO s;
  RETURN s;
END $$;

GRANT EXECUTE ON FUNCTION
  gh.portal_session_create(bigint, text, text, interval, text), gh.portal_session_get(text),
  gh.portal_session_delete(text), gh.portal_reset_create(text, text, interval),
  gh.portal_reset_consume(text, text), gh.portal_magic_consume(text, uuid, bigint),
  gh.portal_kiosk_name(bigint), gh.portal_person_name(bigint), gh.portal_person_role(bigint),
  gh.portal_delivery_claim(integer, interval),
  gh.portal_delivery_done(bigint, boolean, text, interval, integer)
  TO gatehouse_app;

-- /healthz checks that migrations are current as the app role.
GRANT USAGE ON SCHEMA gh_meta TO gatehouse_app;
GRANT SELECT ON gh_meta.schema_migrations TO gatehouse_app;

-- New photos reach open pages too (a kiosk adds the photo just after the request).
CREATE FUNCTION gh.portal_evidence_added() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = gh, pg_temp AS $$
BEGIN
  PERFORM pg_notify('gatehouse', json_build_object('event', 'evidence', 'estate', NEW.estate_id,
    'visit', NEW.visit_id, 'unit', (SELECT unit_id FROM gh.visit WHERE id = NEW.visit_id),
    'kind', NEW.kind)::text);
  RETURN NEW;
END $$;
CREATE TRIGGER portal_evidence_added AFTER INSERT ON gh.evidence
  FOR EACH ROW EXECUTE FUNCTION gh.portal_evidence_added();
