-- Issue 9, roles: one role per process, each with only what it needs.
--   gatehouse_server  the portal (the server): signs people in, creates sessions, chooses
--                     gatehouse.person_id after it authenticated someone. Inherits the
--                     per-person privileges and policies of gatehouse_app.
--   gatehouse_worker  housekeeping only (escalation, expiry, overstay, kiosk offline).
--   gatehouse_app     what an acting person may do under RLS; still the console's login
--                     until the console moves behind the server (issue 10), so it may no
--                     longer create sessions, read password hashes or TOTP secrets, or
--                     reset failure counters: the console signs in through
--                     staff_auth_begin/staff_auth_finish, which verify in the database.
--   owner (the migrating role, gatehouse-admin): everything; holds no client.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'gatehouse_server') THEN
    CREATE ROLE gatehouse_server LOGIN INHERIT;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'gatehouse_worker') THEN
    CREATE ROLE gatehouse_worker LOGIN NOINHERIT;
  END IF;
END $$;
GRANT gatehouse_app TO gatehouse_server;
GRANT USAGE ON SCHEMA gh TO gatehouse_server, gatehouse_worker;
GRANT USAGE ON SCHEMA gh_meta TO gatehouse_worker;
GRANT SELECT ON gh_meta.schema_migrations TO gatehouse_worker;

-- TOTP needs HMAC-SHA1; pgcrypto lives in its own schema so nothing else is exposed.
CREATE SCHEMA IF NOT EXISTS gh_crypto;
REVOKE ALL ON SCHEMA gh_crypto FROM PUBLIC;
CREATE EXTENSION IF NOT EXISTS pgcrypto SCHEMA gh_crypto;

-- Sign-in, sessions, resets, magic links and delivery are the server's alone.
REVOKE EXECUTE ON FUNCTION gh.auth_lookup(text), gh.auth_record(bigint, boolean, integer, interval),
  gh.portal_session_create(bigint, text, text, interval, text), gh.portal_session_get(text),
  gh.portal_session_delete(text), gh.portal_reset_create(text, text, interval),
  gh.portal_reset_consume(text, text), gh.portal_magic_consume(text, uuid, bigint),
  gh.portal_delivery_claim(integer, interval),
  gh.portal_delivery_done(bigint, boolean, text, interval, integer)
  FROM gatehouse_app;
GRANT EXECUTE ON FUNCTION gh.auth_lookup(text), gh.auth_record(bigint, boolean, integer, interval),
  gh.portal_session_create(bigint, text, text, interval, text), gh.portal_session_get(text),
  gh.portal_session_delete(text), gh.portal_reset_create(text, text, interval),
  gh.portal_reset_consume(text, text), gh.portal_magic_consume(text, uuid, bigint),
  gh.portal_delivery_claim(integer, interval),
  gh.portal_delivery_done(bigint, boolean, text, interval, integer)
  TO gatehouse_server;

-- Housekeeping is the worker's (the server may run it too).
REVOKE EXECUTE ON FUNCTION gh.run_housekeeping(interval, interval), gh.console_housekeeping(interval),
  gh.raise_kiosk_offline(interval) FROM gatehouse_app;
GRANT EXECUTE ON FUNCTION gh.run_housekeeping(interval, interval), gh.console_housekeeping(interval),
  gh.raise_kiosk_offline(interval) TO gatehouse_worker, gatehouse_server;

-- The watchlist changes only through watchlist_add / watchlist_set_active (admins only).
REVOKE INSERT, UPDATE ON gh.watchlist FROM gatehouse_app;
DROP POLICY watchlist_staff ON gh.watchlist;
CREATE POLICY watchlist_staff ON gh.watchlist FOR SELECT TO gatehouse_app
  USING (estate_id = gh.my_estate() AND gh.i_am_staff());

-- A person sets their own password; an admin sets one for a person of their own estate.
-- Either way every session of that person ends.
CREATE OR REPLACE FUNCTION gh.set_password_hash(p_person bigint, p_hash text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
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
END $$;

-- RFC 4648 base32 (case-insensitive; spaces, '-' and '=' ignored); NULL if malformed.
CREATE FUNCTION gh.base32_decode(p text) RETURNS bytea LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE s text := upper(regexp_replace(coalesce(p, ''), '[\s=-]', '', 'g'));
        buf bigint := 0; nbits int := 0; v int; out bytea := '\x'::bytea;
BEGIN
  FOR i IN 1..length(s) LOOP
    v := strpos('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', substr(s, i, 1)) - 1;
    IF v < 0 THEN RETURN NULL; END IF;
    buf := ((buf << 5) | v) & 65535;
    nbits := nbits + 5;
    IF nbits >= 8 THEN
      out := out || set_byte('\x00'::bytea, 0, ((buf >> (nbits - 8)) & 255)::int);
      nbits := nbits - 8;
    END IF;
  END LOOP;
  RETURN out;
END $$;

-- RFC 6238 TOTP (HMAC-SHA1, 30 s, 6 digits) for time step p_step.
CREATE FUNCTION gh.totp_code(p_key bytea, p_step bigint) RETURNS text LANGUAGE plpgsql IMMUTABLE
SET search_path = gh, pg_temp AS $$
DECLARE h bytea := gh_crypto.hmac(int8send(p_step), p_key, 'sha1');
        o int := get_byte(h, 19) & 15;
BEGIN
  -- PostgreSQL gives <<, | and & one precedence, so every step is parenthesised.
  RETURN lpad(((((get_byte(h, o) & 127)::bigint << 24) | (get_byte(h, o + 1)::bigint << 16)
                | (get_byte(h, o + 2)::bigint << 8) | get_byte(h, o + 3)::bigint) % 1000000)::text,
              6, '0');
END $$;

-- Console sign-in, step 1: what the console needs to compute the Argon2id hash of what the
-- guard typed (algorithm, limits and salt; never the hash itself). Staff only.
CREATE FUNCTION gh.staff_auth_begin(p_email text)
RETURNS TABLE (person_id bigint, hash_setting text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = gh, pg_temp AS $$
  SELECT id, regexp_replace(password_hash, '[^$]*$', '')
    FROM gh.person
   WHERE lower(email) = lower(left(p_email, 320)) AND active AND role IN ('guard', 'admin')
     AND password_hash IS NOT NULL
$$;

-- Step 2: the database compares the hash and checks the TOTP code against its own clock,
-- counts failures and locks as gh.auth_record does. Returns ok | bad_credentials | locked |
-- totp_required | bad_totp.
CREATE FUNCTION gh.staff_auth_finish(p_person bigint, p_hash text, p_totp text)
RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
DECLARE p gh.person;
        key bytea;
        step bigint := floor(extract(epoch FROM clock_timestamp()) / 30);
        code text := btrim(coalesce(p_totp, ''));
BEGIN
  SELECT * INTO p FROM gh.person WHERE id = p_person AND active AND role IN ('guard', 'admin') FOR UPDATE;
  IF NOT FOUND THEN RETURN 'bad_credentials'; END IF;
  IF p.locked_until > now() THEN RETURN 'locked'; END IF;
  IF p.password_hash IS NULL OR p_hash IS DISTINCT FROM p.password_hash THEN
    PERFORM gh.auth_record(p.id, false);
    RETURN 'bad_credentials';
  END IF;
  IF coalesce(p.totp_secret, '') <> '' THEN
    IF code = '' THEN RETURN 'totp_required'; END IF;
    key := gh.base32_decode(p.totp_secret);
    IF key IS NULL OR length(key) = 0 OR code !~ '^[0-9]{6}$'
       OR code NOT IN (gh.totp_code(key, step - 1), gh.totp_code(key, step), gh.totp_code(key, step + 1)) THEN
      PERFORM gh.auth_record(p.id, false);
      RETURN 'bad_totp';
    END IF;
  END IF;
  PERFORM gh.auth_record(p.id, true);
  RETURN 'ok';
END $$;

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA gh FROM PUBLIC;
GRANT EXECUTE ON FUNCTION gh.staff_auth_begin(text), gh.staff_auth_finish(bigint, text, text)
  TO gatehouse_app;
