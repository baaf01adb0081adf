-- Sign-in: password lookup and records, TOTP, portal sessions and password resets.
-- Repeatable: re-applied whenever this file changes; only CREATE OR REPLACE FUNCTION and
-- grants (docs/decisions/0750-repeatable-sql-functions.md).

-- Sign-in support for the server: no other role reads password hashes, only through these.
CREATE OR REPLACE FUNCTION gh.auth_lookup(p_email text)
 RETURNS TABLE(person_id bigint, estate_id bigint, role gh.person_role, password_hash text, totp_secret text, locked_until timestamp with time zone, failed_logins integer)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
  SELECT id, estate_id, role, password_hash, totp_secret, locked_until, failed_logins
    FROM gh.person WHERE lower(email) = lower(p_email) AND active
$function$;
GRANT EXECUTE ON FUNCTION gh.auth_lookup(text) TO gatehouse_server;

-- Counts one attempt of a real account. A failure older than the window (p_lock) or a lock
-- that has run out no longer counts; the lock's end has whole-second precision, like the
-- server's answer for unknown accounts. Returns the lock's end (NULL = not locked) and how
-- many failures are left before it locks.
CREATE OR REPLACE FUNCTION gh.auth_attempt(p_person bigint, p_success boolean,
                                           p_max_failures integer, p_lock interval)
RETURNS TABLE (until_ms bigint, attempts_left integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
DECLARE p gh.person;
        n integer;
        until timestamptz;
BEGIN
  SELECT * INTO p FROM gh.person WHERE id = p_person FOR UPDATE;
  IF NOT FOUND THEN RETURN; END IF;
  IF p_success THEN
    UPDATE gh.person SET failed_logins = 0, locked_until = NULL, last_failed_at = NULL
     WHERE id = p_person;
    PERFORM gh.audit(p.estate_id, 'auth.login', p_person::text, '{}');
    RETURN QUERY SELECT NULL::bigint, p_max_failures;
    RETURN;
  END IF;
  n := CASE WHEN p.locked_until <= now() OR p.last_failed_at IS NULL
              OR p.last_failed_at <= now() - p_lock THEN 0
            ELSE p.failed_logins END + 1;
  IF n >= p_max_failures THEN until := date_trunc('second', now()) + p_lock; END IF;
  UPDATE gh.person SET failed_logins = n, locked_until = until, last_failed_at = now()
   WHERE id = p_person;
  PERFORM gh.audit(p.estate_id, 'auth.failed', p_person::text,
                   jsonb_build_object('locked_until', until));
  RETURN QUERY SELECT (extract(epoch FROM until) * 1000)::bigint, greatest(p_max_failures - n, 0);
END $$;
GRANT EXECUTE ON FUNCTION gh.auth_attempt(bigint,boolean,integer,interval) TO gatehouse_server;

-- The same count, returning only the lock's end (the server's role only).
CREATE OR REPLACE FUNCTION gh.auth_record(p_person bigint, p_success boolean,
                                          p_max_failures integer DEFAULT 5,
                                          p_lock interval DEFAULT '15 minutes')
RETURNS timestamptz LANGUAGE sql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
  SELECT to_timestamp(until_ms / 1000.0) FROM gh.auth_attempt(p_person, p_success, p_max_failures, p_lock)
$$;
GRANT EXECUTE ON FUNCTION gh.auth_record(bigint,boolean,integer,interval) TO gatehouse_server;

-- A person sets their own password; an admin sets one for a person of their own estate.
-- Either way every session of that person ends.
CREATE OR REPLACE FUNCTION gh.set_password_hash(p_person bigint, p_hash text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE target gh.person;
BEGIN
  SELECT * INTO target FROM gh.person WHERE id = p_person;
  IF NOT FOUND OR (p_person IS DISTINCT FROM gh.current_person_id()
                   AND NOT (gh.i_am_admin() AND target.estate_id = gh.my_estate())) THEN
    RAISE EXCEPTION 'not allowed' USING ERRCODE = 'GH403', DETAIL = 'forbidden';
  END IF;
  IF p_hash IS NULL OR p_hash !~ '^\$argon2id\$v=19\$m=[0-9]+,t=[0-9]+,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$' THEN
    RAISE EXCEPTION 'password hash must be an Argon2id string' USING ERRCODE = 'GH422', DETAIL = 'password_hash';
  END IF;
  UPDATE gh.person SET password_hash = p_hash, failed_logins = 0, locked_until = NULL WHERE id = p_person;
  DELETE FROM gh.portal_session WHERE person_id = p_person;
  PERFORM gh.audit(target.estate_id, 'auth.password_set', p_person::text, '{}');
END $function$;
GRANT EXECUTE ON FUNCTION gh.set_password_hash(bigint,text) TO gatehouse_app;

-- Sessions ------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION gh.portal_session_create(p_person bigint, p_token_hash text, p_csrf text, p_ttl interval, p_user_agent text)
 RETURNS timestamp with time zone
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE until timestamptz := now() + p_ttl;
BEGIN
  DELETE FROM gh.portal_session WHERE person_id = p_person AND expires_at < now();
  INSERT INTO gh.portal_session (token_hash, person_id, csrf_token, expires_at, user_agent)
  VALUES (p_token_hash, p_person, p_csrf, until, left(p_user_agent, 200));
  RETURN until;
END $function$;
GRANT EXECUTE ON FUNCTION gh.portal_session_create(bigint,text,text,interval,text) TO gatehouse_server;

CREATE OR REPLACE FUNCTION gh.portal_session_get(p_token_hash text)
 RETURNS TABLE(person_id bigint, estate_id bigint, unit_id bigint, role gh.person_role, full_name text, csrf_token text, expires_at timestamp with time zone)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
  SELECT p.id, p.estate_id, p.unit_id, p.role, p.full_name, s.csrf_token, s.expires_at
    FROM gh.portal_session s JOIN gh.person p ON p.id = s.person_id AND p.active
   WHERE s.token_hash = p_token_hash AND s.expires_at > now()
$function$;
GRANT EXECUTE ON FUNCTION gh.portal_session_get(text) TO gatehouse_server;

CREATE OR REPLACE FUNCTION gh.portal_session_delete(p_token_hash text)
 RETURNS void
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
  DELETE FROM gh.portal_session WHERE token_hash = p_token_hash
$function$;
GRANT EXECUTE ON FUNCTION gh.portal_session_delete(text) TO gatehouse_server;

-- Password reset ------------------------------------------------------------------------
-- Returns the person to email, or no row (unknown address, or too many recent requests);
-- the caller answers the same either way.
CREATE OR REPLACE FUNCTION gh.portal_reset_create(p_email text, p_token_hash text, p_ttl interval)
 RETURNS TABLE(person_id bigint, email text, full_name text)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
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
END $function$;
GRANT EXECUTE ON FUNCTION gh.portal_reset_create(text,text,interval) TO gatehouse_server;

-- Consumes a reset token (single use) and sets the new hash; signs out every session.
CREATE OR REPLACE FUNCTION gh.portal_reset_consume(p_token_hash text, p_new_hash text)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
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
END $function$;
GRANT EXECUTE ON FUNCTION gh.portal_reset_consume(text,text) TO gatehouse_server;


-- Accepts a TOTP time step once: true when it is later than the last accepted one.
CREATE OR REPLACE FUNCTION gh.auth_totp_accept(p_person bigint, p_step bigint) RETURNS boolean
LANGUAGE sql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
  WITH accepted AS (
    UPDATE gh.person SET totp_last_step = p_step
     WHERE id = p_person AND (totp_last_step IS NULL OR totp_last_step < p_step)
    RETURNING 1)
  SELECT EXISTS (SELECT FROM accepted)
$$;
GRANT EXECUTE ON FUNCTION gh.auth_totp_accept(bigint,bigint) TO gatehouse_server;

-- Whether a reset token can still be used (checked before the new password is hashed).
CREATE OR REPLACE FUNCTION gh.portal_reset_valid(p_token_hash text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = gh, pg_temp AS $$
  SELECT EXISTS (SELECT FROM gh.portal_reset_token
                  WHERE token_hash = p_token_hash AND used_at IS NULL AND expires_at > now())
$$;
GRANT EXECUTE ON FUNCTION gh.portal_reset_valid(text) TO gatehouse_server;

-- Whether a magic link (by its nonce) has been used: its photo stops working then.
CREATE OR REPLACE FUNCTION gh.portal_magic_used(p_nonce text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = gh, pg_temp AS $$
  SELECT EXISTS (SELECT FROM gh.portal_magic_use WHERE nonce = p_nonce)
$$;
GRANT EXECUTE ON FUNCTION gh.portal_magic_used(text) TO gatehouse_server;

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA gh FROM PUBLIC;
