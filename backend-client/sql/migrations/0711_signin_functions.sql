-- Issue 10, one sign-in: the server's functions for lockout, TOTP replay and password resets.
-- Functions only (moved into the repeatable function files when those land).

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

-- The console's path (staff_auth_finish) counts the same way until it is retired.
CREATE OR REPLACE FUNCTION gh.auth_record(p_person bigint, p_success boolean,
                                          p_max_failures integer DEFAULT 5,
                                          p_lock interval DEFAULT '15 minutes')
RETURNS timestamptz LANGUAGE sql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
  SELECT to_timestamp(until_ms / 1000.0) FROM gh.auth_attempt(p_person, p_success, p_max_failures, p_lock)
$$;

-- Accepts a TOTP time step once: true when it is later than the last accepted one.
CREATE OR REPLACE FUNCTION gh.auth_totp_accept(p_person bigint, p_step bigint) RETURNS boolean
LANGUAGE sql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
  WITH accepted AS (
    UPDATE gh.person SET totp_last_step = p_step
     WHERE id = p_person AND (totp_last_step IS NULL OR totp_last_step < p_step)
    RETURNING 1)
  SELECT EXISTS (SELECT FROM accepted)
$$;

-- Whether a reset token can still be used (checked before the new password is hashed).
CREATE OR REPLACE FUNCTION gh.portal_reset_valid(p_token_hash text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = gh, pg_temp AS $$
  SELECT EXISTS (SELECT FROM gh.portal_reset_token
                  WHERE token_hash = p_token_hash AND used_at IS NULL AND expires_at > now())
$$;

-- Whether a magic link (by its nonce) has been used: its photo stops working then.
CREATE OR REPLACE FUNCTION gh.portal_magic_used(p_nonce text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = gh, pg_temp AS $$
  SELECT EXISTS (SELECT FROM gh.portal_magic_use WHERE nonce = p_nonce)
$$;

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA gh FROM PUBLIC;
GRANT EXECUTE ON FUNCTION gh.auth_attempt(bigint, boolean, integer, interval),
  gh.auth_totp_accept(bigint, bigint), gh.portal_reset_valid(text), gh.portal_magic_used(text)
  TO gatehouse_server;
