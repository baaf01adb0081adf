-- Who is acting (person, kiosk, estate), text and JSON checks, audit and immutability triggers.
-- Repeatable: re-applied whenever this file changes; only CREATE OR REPLACE FUNCTION and
-- grants (docs/decisions/0750-repeatable-sql-functions.md).

-- Evidence stays append-only except that its bytes may be dropped (purged_at set, nothing
-- else changed); the audit log stays append-only except that personal keys may be redacted.
CREATE OR REPLACE FUNCTION gh.forbid_change()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
DECLARE o jsonb; n jsonb;
BEGIN
  IF TG_OP = 'UPDATE' THEN  -- compared as jsonb: the two tables have different columns
    o := to_jsonb(OLD); n := to_jsonb(NEW);
    IF TG_TABLE_NAME = 'evidence' AND o->'data' <> 'null' AND n->'data' = 'null'
       AND n->'purged_at' <> 'null' AND (n - 'data' - 'purged_at') = (o - 'data' - 'purged_at') THEN
      RETURN NEW;
    END IF;
    IF TG_TABLE_NAME = 'audit_log' AND (n - 'details') = (o - 'details')
       AND n->'details' = ((o->'details') - gh.audit_personal_keys()) || '{"redacted": true}'::jsonb THEN
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'GH403';
END $function$;

-- Who is acting. The setting is trusted because only gatehouse_app (a server) can connect
-- with it; the kiosk role has no table access at all, so setting it gains a kiosk nothing.
CREATE OR REPLACE FUNCTION gh.current_person_id()
 RETURNS bigint
 LANGUAGE sql
 STABLE
AS $function$
  SELECT nullif(current_setting('gatehouse.person_id', true), '')::bigint
$function$;
GRANT EXECUTE ON FUNCTION gh.current_person_id() TO gatehouse_app;

CREATE OR REPLACE FUNCTION gh.my_estate()
 RETURNS bigint
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
  SELECT estate_id FROM gh.person WHERE id = gh.current_person_id() AND active
$function$;
GRANT EXECUTE ON FUNCTION gh.my_estate() TO gatehouse_app;

CREATE OR REPLACE FUNCTION gh.my_unit()
 RETURNS bigint
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
  SELECT unit_id FROM gh.person WHERE id = gh.current_person_id() AND active
$function$;
GRANT EXECUTE ON FUNCTION gh.my_unit() TO gatehouse_app;

CREATE OR REPLACE FUNCTION gh.i_am_staff()
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
  SELECT coalesce((SELECT role IN ('guard', 'admin') FROM gh.person
                   WHERE id = gh.current_person_id() AND active), false)
$function$;
GRANT EXECUTE ON FUNCTION gh.i_am_staff() TO gatehouse_app;

CREATE OR REPLACE FUNCTION gh.i_am_admin()
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
  SELECT coalesce((SELECT role = 'admin' FROM gh.person
                   WHERE id = gh.current_person_id() AND active), false)
$function$;
GRANT EXECUTE ON FUNCTION gh.i_am_admin() TO gatehouse_app;

-- Who acted, for audit rows written by triggers.
CREATE OR REPLACE FUNCTION gh.current_kiosk_id()
 RETURNS bigint
 LANGUAGE sql
 STABLE
AS $function$
  SELECT nullif(current_setting('gatehouse.kiosk_id', true), '')::bigint
$function$;

-- The person a session acts as, believed only from roles that authenticate people themselves
-- (the server processes; superusers and the owner for administration). A kiosk that sets
-- gatehouse.person_id gets NULL.
CREATE OR REPLACE FUNCTION gh.trusted_person_id()
 RETURNS bigint
 LANGUAGE sql
 STABLE
 SET search_path TO 'gh', 'pg_temp'
AS $function$
  SELECT CASE WHEN pg_has_role(session_user, 'gatehouse_app', 'MEMBER') THEN gh.current_person_id() END
$function$;

CREATE OR REPLACE FUNCTION gh.trusted_kiosk_id()
 RETURNS bigint
 LANGUAGE sql
 STABLE
 SET search_path TO 'gh', 'pg_temp'
AS $function$
  SELECT CASE WHEN session_user = 'gatehouse_kiosk' THEN gh.current_kiosk_id() END
$function$;

CREATE OR REPLACE FUNCTION gh.audit(p_estate bigint, p_action text, p_subject text, p_details jsonb)
 RETURNS void
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
  INSERT INTO gh.audit_log (estate_id, actor_person, actor_kiosk, action, subject, details)
  VALUES (p_estate, gh.trusted_person_id(), gh.trusted_kiosk_id(), p_action, p_subject, p_details)
$function$;

CREATE OR REPLACE FUNCTION gh.row_audited()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
BEGIN
  PERFORM gh.audit(NEW.estate_id, TG_TABLE_NAME || '.' || lower(TG_OP), NEW.id::text, '{}'::jsonb);
  IF TG_TABLE_NAME = 'invitation' THEN
    PERFORM pg_notify('gatehouse', json_build_object('event', 'invitation', 'estate', NEW.estate_id,
      'invitation', NEW.id, 'revoked', NEW.revoked_at IS NOT NULL)::text);
  END IF;
  RETURN NEW;
END $function$;

-- Normalised name for watchlist matching: lower case, no diacritics, Cyrillic transliterated
-- to Latin, punctuation dropped, words sorted (so "Ivanov Ivan" matches "Ivan Ivanov").
CREATE OR REPLACE FUNCTION gh.name_key(p_name text)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE STRICT
AS $function$
  SELECT array_to_string(ARRAY(
    SELECT w FROM unnest(regexp_split_to_array(
      trim(regexp_replace(
        translate(
          replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
            lower(p_name), 'щ', 'shch'), 'ж', 'zh'), 'ч', 'ch'), 'ш', 'sh'), 'ю', 'yu'),
            'я', 'ya'), 'ц', 'ts'), 'х', 'kh'), 'ё', 'e'), 'й', 'y'),
          'абвгдезиклмнопрстуфыэàáâãäåāăąçćčďèéêëēėęěìíîïīįıłñńňòóôõöøōőŕřśšşťùúûüūůűųýÿžźżßъь',
          'abvgdeziklmnoprstufyeaaaaaaaaacccdeeeeeeeeiiiiiiilnnnoooooooorrssstuuuuuuuuyyzzzs'),
        '[^a-z0-9 ]+', ' ', 'g')), '\s+')) AS w
    WHERE w <> '' ORDER BY w), ' ')
$function$;
GRANT EXECUTE ON FUNCTION gh.name_key(text) TO gatehouse_app;

CREATE OR REPLACE FUNCTION gh.check_text(p_what text, p_value text, p_max integer, p_required boolean)
 RETURNS text
 LANGUAGE plpgsql
 IMMUTABLE
AS $function$
-- Control characters and line/paragraph separators become one space: a name or purpose stays
-- on one line wherever it is shown (e-mails, webhooks, the console). Bidi marks stay: pages
-- isolate them (PortalTest.HostileVisitorNamesComeBackAsInertJsonText).
DECLARE v text := btrim(regexp_replace(coalesce(p_value, ''),
                  '[\x01-\x1f\x7f-\x9f\u2028\u2029]+', ' ', 'g'));
BEGIN
  IF p_required AND v = '' THEN
    RAISE EXCEPTION '% is required', p_what USING ERRCODE = 'GH422', DETAIL = p_what || '_required';
  END IF;
  IF length(v) > p_max THEN
    RAISE EXCEPTION '% is too long (% characters, at most %)', p_what, length(v), p_max
      USING ERRCODE = 'GH422', DETAIL = p_what || '_too_long';
  END IF;
  RETURN v;
END $function$;

-- Field limits for kiosk input. Each raises GH422 with DETAIL = the field name.
CREATE OR REPLACE FUNCTION gh.check_pattern(p_what text, p_value text, p_pattern text, p_hint text)
 RETURNS text
 LANGUAGE plpgsql
 IMMUTABLE
AS $function$
BEGIN
  IF p_value IS NOT NULL AND p_value <> '' AND p_value !~ p_pattern THEN
    RAISE EXCEPTION '% must be %', p_what, p_hint USING ERRCODE = 'GH422', DETAIL = p_what;
  END IF;
  RETURN nullif(p_value, '');
END $function$;

CREATE OR REPLACE FUNCTION gh.check_json(p_what text, p_value jsonb, p_max integer)
 RETURNS jsonb
 LANGUAGE plpgsql
 IMMUTABLE
AS $function$
BEGIN
  IF p_value IS NULL THEN RETURN '{}'::jsonb; END IF;
  IF jsonb_typeof(p_value) <> 'object' THEN
    RAISE EXCEPTION '% must be a JSON object', p_what USING ERRCODE = 'GH422', DETAIL = p_what;
  END IF;
  IF octet_length(p_value::text) > p_max THEN
    RAISE EXCEPTION '% is too long (% bytes, at most %)', p_what, octet_length(p_value::text), p_max
      USING ERRCODE = 'GH422', DETAIL = p_what;
  END IF;
  RETURN p_value;
END $function$;

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA gh FROM PUBLIC;
