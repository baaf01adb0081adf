-- Web push subscriptions, targets and escalation notifications.
-- Repeatable: re-applied whenever this file changes; only CREATE OR REPLACE FUNCTION and
-- grants (docs/decisions/0750-repeatable-sql-functions.md).

-- Subscribes the acting resident's device; the same endpoint moves to whoever subscribed last
-- (a shared phone after sign-out/sign-in).
CREATE OR REPLACE FUNCTION gh.push_subscribe(p_endpoint text, p_p256dh text, p_auth text, p_label text)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
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
END $function$;
GRANT EXECUTE ON FUNCTION gh.push_subscribe(text,text,text,text) TO gatehouse_server;

CREATE OR REPLACE FUNCTION gh.push_unsubscribe(p_id bigint)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
BEGIN
  DELETE FROM gh.push_subscription WHERE id = p_id AND person_id = gh.current_person_id();
  RETURN FOUND;
END $function$;
GRANT EXECUTE ON FUNCTION gh.push_unsubscribe(bigint) TO gatehouse_server;

-- The push worker: the devices a notification goes to, with what it needs to say.
CREATE OR REPLACE FUNCTION gh.push_targets(p_notification bigint)
 RETURNS TABLE(subscription_id bigint, person_id bigint, endpoint text, p256dh text, auth text, kind text, payload jsonb)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
  SELECT s.id, s.person_id, s.endpoint, s.p256dh, s.auth, n.kind, n.payload
    FROM gh.notification n JOIN gh.push_subscription s ON s.person_id = n.person_id
   WHERE n.id = p_notification
   ORDER BY s.id
$function$;
GRANT EXECUTE ON FUNCTION gh.push_targets(bigint) TO gatehouse_server;

-- ... and records each outcome: gone (404/410) deletes, a failure counts, a success resets.
CREATE OR REPLACE FUNCTION gh.push_record(p_id bigint, p_outcome text, p_error text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
BEGIN
  IF p_outcome = 'gone' THEN
    DELETE FROM gh.push_subscription WHERE id = p_id;
  ELSIF p_outcome = 'ok' THEN
    UPDATE gh.push_subscription SET last_success_at = now(), failures = 0 WHERE id = p_id;
  ELSE
    UPDATE gh.push_subscription SET failures = failures + 1, last_error = left(p_error, 500),
           last_error_at = now() WHERE id = p_id;
  END IF;
END $function$;
GRANT EXECUTE ON FUNCTION gh.push_record(bigint,text,text) TO gatehouse_server;

-- A visitor handed to the guard (the kiosk's timeout) is news for the household too.
CREATE OR REPLACE FUNCTION gh.push_escalation_notification()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
BEGIN
  IF OLD.escalated_at IS NULL AND NEW.escalated_at IS NOT NULL AND NEW.status = 'pending' THEN
    PERFORM gh.portal_notify_unit(NEW, 'visit_escalated', '{}'::jsonb);
  END IF;
  RETURN NEW;
END $function$;

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA gh FROM PUBLIC;
