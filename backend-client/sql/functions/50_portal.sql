-- The resident portal: names, notifications, deliveries, magic links.
-- Repeatable: re-applied whenever this file changes; only CREATE OR REPLACE FUNCTION and
-- grants (docs/decisions/0750-repeatable-sql-functions.md).

-- Magic links ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION gh.portal_magic_consume(p_nonce text, p_visit uuid, p_person bigint)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
BEGIN
  INSERT INTO gh.portal_magic_use (nonce, visit_id, person_id) VALUES (p_nonce, p_visit, p_person)
  ON CONFLICT (nonce) DO NOTHING;
  RETURN FOUND;
END $function$;
GRANT EXECUTE ON FUNCTION gh.portal_magic_consume(text,uuid,bigint) TO gatehouse_server;

-- Names a resident may see next to their visits (kiosks and deciders are hidden by RLS) ---
CREATE OR REPLACE FUNCTION gh.portal_kiosk_name(p_kiosk bigint)
 RETURNS text
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
  SELECT name FROM gh.kiosk WHERE id = p_kiosk AND estate_id = gh.my_estate()
$function$;
GRANT EXECUTE ON FUNCTION gh.portal_kiosk_name(bigint) TO gatehouse_app;

CREATE OR REPLACE FUNCTION gh.portal_person_name(p_person bigint)
 RETURNS text
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
  SELECT full_name FROM gh.person WHERE id = p_person AND estate_id = gh.my_estate()
$function$;
GRANT EXECUTE ON FUNCTION gh.portal_person_name(bigint) TO gatehouse_app;

CREATE OR REPLACE FUNCTION gh.portal_person_role(p_person bigint)
 RETURNS text
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
  SELECT role::text FROM gh.person WHERE id = p_person AND estate_id = gh.my_estate()
$function$;
GRANT EXECUTE ON FUNCTION gh.portal_person_role(bigint) TO gatehouse_app;

-- Notifications for residents: decisions, arrivals, overstays (requests and invitation
-- arrivals are written by the kiosk functions). Each notification queues its deliveries.
CREATE OR REPLACE FUNCTION gh.portal_notify_unit(p_visit gh.visit, p_kind text, p_extra jsonb)
 RETURNS void
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
  INSERT INTO gh.notification (estate_id, person_id, kind, payload)
  SELECT p_visit.estate_id, p.id, p_kind,
         jsonb_build_object('visit', p_visit.id,
                            'visitor', (SELECT full_name FROM gh.visitor WHERE id = p_visit.visitor_id))
         || p_extra
    FROM gh.person p WHERE p.unit_id = p_visit.unit_id AND p.active AND p.role = 'resident'
$function$;

CREATE OR REPLACE FUNCTION gh.portal_visit_notifications()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
BEGIN
  IF OLD.status = 'pending' AND NEW.status IN ('approved', 'denied') THEN
    PERFORM gh.portal_notify_unit(NEW, 'visit_decided', jsonb_build_object(
      'status', NEW.status, 'channel', NEW.decision_channel,
      'by', (SELECT full_name FROM gh.person WHERE id = NEW.decided_by)));
  ELSIF OLD.status = 'approved' AND NEW.status = 'checked_in' THEN
    PERFORM gh.portal_notify_unit(NEW, 'visitor_arrived', jsonb_build_object('at', NEW.entered_at));
  END IF;
  RETURN NEW;
END $function$;

CREATE OR REPLACE FUNCTION gh.portal_alert_notifications()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE v gh.visit;
BEGIN
  IF NEW.kind = 'overstay' AND NEW.visit_id IS NOT NULL THEN
    SELECT * INTO v FROM gh.visit WHERE id = NEW.visit_id;
    IF FOUND THEN
      PERFORM gh.portal_notify_unit(v, 'overstay', jsonb_build_object('expected_exit_at', v.expected_exit_at));
    END IF;
  END IF;
  RETURN NEW;
END $function$;

-- Every notification: queue one delivery per chosen channel, and tell listeners.
CREATE OR REPLACE FUNCTION gh.portal_notification_queued()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
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
END $function$;

-- The delivery worker claims due attempts (several workers may run: SKIP LOCKED) ...
CREATE OR REPLACE FUNCTION gh.portal_delivery_claim(p_limit integer, p_lease interval)
 RETURNS TABLE(id bigint, notification_id bigint, person_id bigint, channel text, target text, attempts integer, kind text, payload jsonb, created_at timestamp with time zone, full_name text, estate_id bigint, unit_label text)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
BEGIN
  -- A webhook the resident removed or replaced since is not retried to the old address.
  UPDATE gh.portal_delivery d SET status = 'failed', last_error = 'webhook url removed or changed'
    FROM gh.person p
   WHERE d.status = 'pending' AND d.channel = 'webhook' AND p.id = d.person_id
     AND d.target IS DISTINCT FROM p.webhook_url;
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
END $function$;
GRANT EXECUTE ON FUNCTION gh.portal_delivery_claim(integer,interval) TO gatehouse_server;

-- ... and records the outcome: sent, retry later, or give up after p_max_attempts.
CREATE OR REPLACE FUNCTION gh.portal_delivery_done(p_id bigint, p_ok boolean, p_error text, p_retry_in interval, p_max_attempts integer)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE s text;
BEGIN
  UPDATE gh.portal_delivery SET
    status = CASE WHEN p_ok THEN 'sent' WHEN attempts >= p_max_attempts THEN 'failed' ELSE 'pending' END,
    sent_at = CASE WHEN p_ok THEN now() END,
    last_error = CASE WHEN p_ok THEN NULL ELSE left(p_error, 500) END,
    next_attempt_at = CASE WHEN p_ok THEN next_attempt_at ELSE now() + p_retry_in END
   WHERE id = p_id RETURNING status INTO s;
  RETURN s;
END $function$;
GRANT EXECUTE ON FUNCTION gh.portal_delivery_done(bigint,boolean,text,interval,integer) TO gatehouse_server;

-- New photos reach open pages too (a kiosk adds the photo just after the request).
CREATE OR REPLACE FUNCTION gh.portal_evidence_added()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
BEGIN
  PERFORM pg_notify('gatehouse', json_build_object('event', 'evidence', 'estate', NEW.estate_id,
    'visit', NEW.visit_id, 'unit', (SELECT unit_id FROM gh.visit WHERE id = NEW.visit_id),
    'kind', NEW.kind)::text);
  RETURN NEW;
END $function$;

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA gh FROM PUBLIC;
