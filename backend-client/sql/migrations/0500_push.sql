-- Web Push: one subscription per resident device (endpoint + RFC 8291 keys), delivery outcome
-- per subscription, and a "handed to the guard" notification. A decision from a notification
-- is a signed single-use link (channel magic_link). The VAPID private key never enters the
-- database (it is a server credential file).

CREATE TABLE gh.push_subscription (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  estate_id       bigint NOT NULL REFERENCES gh.estate(id),
  person_id       bigint NOT NULL REFERENCES gh.person(id),
  endpoint        text NOT NULL UNIQUE CHECK (endpoint ~ '^https://' AND length(endpoint) <= 1000),
  p256dh          text NOT NULL CHECK (p256dh ~ '^[A-Za-z0-9_-]{87}$'),
  auth            text NOT NULL CHECK (auth ~ '^[A-Za-z0-9_-]{22}$'),
  label           text NOT NULL DEFAULT '' CHECK (length(label) <= 100),
  created_at      timestamptz NOT NULL DEFAULT now(),
  last_success_at timestamptz,
  last_error      text,
  last_error_at   timestamptz,
  failures        integer NOT NULL DEFAULT 0
);
CREATE INDEX push_subscription_person_idx ON gh.push_subscription (person_id);

ALTER TABLE gh.push_subscription ENABLE ROW LEVEL SECURITY;

-- A resident sees their own devices (the settings list); changes go through the functions.
DO $$
DECLARE r text := CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gatehouse_server')
                       THEN 'gatehouse_server' ELSE 'gatehouse_app' END;
BEGIN
  EXECUTE format('GRANT SELECT ON gh.push_subscription TO %I', r);
  EXECUTE format('CREATE POLICY push_subscription_own ON gh.push_subscription FOR SELECT TO %I '
                 'USING (person_id = gh.current_person_id())', r);
END $$;

-- Subscribes the acting resident's device; the same endpoint moves to whoever subscribed last
-- (a shared phone after sign-out/sign-in).
CREATE FUNCTION gh.push_subscribe(p_endpoint text, p_p256dh text, p_auth text, p_label text)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
DECLARE me bigint := gh.current_person_id(); sid bigint;
BEGIN
  IF me IS NULL THEN RAISE EXCEPTION 'no acting person' USING ERRCODE = '42501'; END IF;
  INSERT INTO gh.push_subscription (estate_id, person_id, endpoint, p256dh, auth, label)
  VALUES (gh.my_estate(), me, p_endpoint, p_p256dh, p_auth, coalesce(p_label, ''))
  ON CONFLICT (endpoint) DO UPDATE SET estate_id = EXCLUDED.estate_id, person_id = EXCLUDED.person_id,
    p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth, label = EXCLUDED.label, failures = 0,
    last_error = NULL, last_error_at = NULL
  RETURNING id INTO sid;
  RETURN sid;
END $$;

CREATE FUNCTION gh.push_unsubscribe(p_id bigint) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
BEGIN
  DELETE FROM gh.push_subscription WHERE id = p_id AND person_id = gh.current_person_id();
  RETURN FOUND;
END $$;

-- The push worker: the devices a notification goes to, with what it needs to say.
CREATE FUNCTION gh.push_targets(p_notification bigint)
RETURNS TABLE (subscription_id bigint, person_id bigint, endpoint text, p256dh text, auth text,
               kind text, payload jsonb)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = gh, pg_temp AS $$
  SELECT s.id, s.person_id, s.endpoint, s.p256dh, s.auth, n.kind, n.payload
    FROM gh.notification n JOIN gh.push_subscription s ON s.person_id = n.person_id
   WHERE n.id = p_notification
   ORDER BY s.id
$$;

-- ... and records each outcome: gone (404/410) deletes, a failure counts, a success resets.
CREATE FUNCTION gh.push_record(p_id bigint, p_outcome text, p_error text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
BEGIN
  IF p_outcome = 'gone' THEN
    DELETE FROM gh.push_subscription WHERE id = p_id;
  ELSIF p_outcome = 'ok' THEN
    UPDATE gh.push_subscription SET last_success_at = now(), failures = 0 WHERE id = p_id;
  ELSE
    UPDATE gh.push_subscription SET failures = failures + 1, last_error = left(p_error, 500),
           last_error_at = now() WHERE id = p_id;
  END IF;
END $$;

-- A visitor handed to the guard (the kiosk's timeout) is news for the household too.
CREATE FUNCTION gh.push_escalation_notification() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = gh, pg_temp AS $$
BEGIN
  IF OLD.escalated_at IS NULL AND NEW.escalated_at IS NOT NULL AND NEW.status = 'pending' THEN
    PERFORM gh.portal_notify_unit(NEW, 'visit_escalated', '{}'::jsonb);
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER push_escalation_notification AFTER UPDATE OF escalated_at ON gh.visit
  FOR EACH ROW EXECUTE FUNCTION gh.push_escalation_notification();

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA gh FROM PUBLIC;
DO $$
DECLARE r text := CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gatehouse_server')
                       THEN 'gatehouse_server' ELSE 'gatehouse_app' END;
BEGIN
  EXECUTE format('GRANT EXECUTE ON FUNCTION gh.push_subscribe(text, text, text, text), '
                 'gh.push_unsubscribe(bigint), gh.push_targets(bigint), '
                 'gh.push_record(bigint, text, text) TO %I', r);
END $$;
