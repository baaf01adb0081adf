-- Privacy: retention, purge, anonymisation, legal holds, subject erasure, the evidence chain.
-- Repeatable: re-applied whenever this file changes; only CREATE OR REPLACE FUNCTION and
-- grants (docs/decisions/0750-repeatable-sql-functions.md).

CREATE OR REPLACE FUNCTION gh.retention_defaults()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
BEGIN
  INSERT INTO gh.retention (estate_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
  RETURN NEW;
END $function$;

-- Keys of audit details that can hold personal data; redaction removes exactly these.
CREATE OR REPLACE FUNCTION gh.audit_personal_keys()
 RETURNS text[]
 LANGUAGE sql
 IMMUTABLE
AS $function$
  SELECT ARRAY['name', 'phone', 'reason', 'visitor', 'document_hash']
$function$;

-- Who may run a privacy operation on an estate: an operator (a superuser, or the role that owns
-- schema gh, i.e. gatehouse-admin), or a guard/admin of that estate acting through a client
-- role with gatehouse.person_id set. Returns the person id (NULL for an operator).
CREATE OR REPLACE FUNCTION gh.privacy_actor(p_estate bigint, p_admin_only boolean)
 RETURNS bigint
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE me gh.person;
BEGIN
  IF gh.current_person_id() IS NULL AND EXISTS (
       SELECT 1 FROM pg_roles r WHERE r.rolname = session_user
          AND (r.rolsuper OR r.oid = (SELECT nspowner FROM pg_namespace WHERE nspname = 'gh'))) THEN
    RETURN NULL;
  END IF;
  SELECT * INTO me FROM gh.person WHERE id = gh.current_person_id() AND active;
  IF NOT FOUND OR me.estate_id <> p_estate OR me.role NOT IN ('guard', 'admin')
     OR (p_admin_only AND me.role <> 'admin') THEN
    RAISE EXCEPTION 'not allowed' USING ERRCODE = 'GH403', DETAIL = 'forbidden';
  END IF;
  RETURN me.id;
END $function$;

-- Retention ----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION gh.retention_set(p_estate bigint, p_photos integer, p_id_data integer, p_names integer, p_notifications integer)
 RETURNS gh.retention
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE r gh.retention;
BEGIN
  PERFORM gh.privacy_actor(p_estate, true);
  PERFORM 1 FROM gh.estate WHERE id = p_estate;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'estate % not found', p_estate USING ERRCODE = 'GH404', DETAIL = 'estate_not_found';
  END IF;
  IF least(p_photos, p_id_data, p_names, p_notifications) < 1
     OR greatest(p_photos, p_id_data, p_names, p_notifications) > 3650 THEN
    RAISE EXCEPTION 'retention must be 1 to 3650 days' USING ERRCODE = 'GH422', DETAIL = 'retention_days';
  END IF;
  INSERT INTO gh.retention (estate_id) VALUES (p_estate) ON CONFLICT DO NOTHING;
  UPDATE gh.retention SET photos_days = coalesce(p_photos, photos_days),
         id_data_days = coalesce(p_id_data, id_data_days), names_days = coalesce(p_names, names_days),
         notifications_days = coalesce(p_notifications, notifications_days), updated_at = now()
   WHERE estate_id = p_estate RETURNING * INTO r;
  PERFORM gh.audit(p_estate, 'retention.set', p_estate::text,
    jsonb_build_object('photos_days', r.photos_days, 'id_data_days', r.id_data_days,
                       'names_days', r.names_days, 'notifications_days', r.notifications_days));
  RETURN r;
END $function$;
GRANT EXECUTE ON FUNCTION gh.retention_set(bigint,integer,integer,integer,integer) TO gatehouse_app;

-- Purge --------------------------------------------------------------------------------
-- Drops the photos of these alerts, keeping their sha256 and when they went; returns how many.
CREATE OR REPLACE FUNCTION gh.purge_alert_photos(p_alerts bigint[], p_now timestamp with time zone)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE n integer;
BEGIN
  UPDATE gh.alert a SET photo_sha256 = coalesce(a.photo_sha256, encode(sha256(a.photo_jpeg), 'hex')),
         photo_jpeg = NULL, photo_purged_at = p_now
   WHERE a.id = ANY (p_alerts) AND a.photo_jpeg IS NOT NULL;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $function$;

-- One batch of one category for one estate, as of p_now; returns the rows changed. Rows are
-- taken with SKIP LOCKED so a batch never waits on a busy visit, and each call is its own
-- short transaction: the caller loops until a batch comes back smaller than p_limit.
-- Categories: photos, id_data, names, notifications, tokens.
CREATE OR REPLACE FUNCTION gh.purge_batch(p_estate bigint, p_category text, p_now timestamp with time zone, p_limit integer)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE r gh.retention; n integer := 0; m integer; ids bigint[]; lim integer := least(greatest(coalesce(p_limit, 100), 1), 10000);
BEGIN
  SELECT * INTO r FROM gh.retention WHERE estate_id = p_estate;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'estate % not found', p_estate USING ERRCODE = 'GH404', DETAIL = 'estate_not_found';
  END IF;
  IF p_category = 'photos' THEN
    UPDATE gh.evidence e SET data = NULL, purged_at = p_now
     WHERE e.id IN (SELECT x.id FROM gh.evidence x
                     WHERE x.estate_id = p_estate AND x.data IS NOT NULL
                       AND x.captured_at < p_now - make_interval(days => r.photos_days)
                       AND NOT gh.visit_on_hold(x.visit_id)
                     ORDER BY x.captured_at LIMIT lim FOR UPDATE SKIP LOCKED);
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n < lim THEN  -- then alert photos, within the same batch size
      n := n + gh.purge_alert_photos(ARRAY(
        SELECT x.id FROM gh.alert x
         WHERE x.estate_id = p_estate AND x.photo_jpeg IS NOT NULL
           AND x.created_at < p_now - make_interval(days => r.photos_days)
           AND (x.visit_id IS NULL OR NOT gh.visit_on_hold(x.visit_id))
         ORDER BY x.created_at LIMIT lim - n FOR UPDATE SKIP LOCKED), p_now);
    END IF;
  ELSIF p_category = 'id_data' THEN
    UPDATE gh.visitor vr SET document_type = NULL, document_hash = NULL
     WHERE vr.id IN (SELECT x.id FROM gh.visitor x
                      WHERE x.estate_id = p_estate AND (x.document_type IS NOT NULL OR x.document_hash IS NOT NULL)
                        AND x.created_at < p_now - make_interval(days => r.id_data_days)
                        AND NOT EXISTS (SELECT 1 FROM gh.visit v WHERE v.visitor_id = x.id AND gh.visit_on_hold(v.id))
                      ORDER BY x.created_at LIMIT lim FOR UPDATE SKIP LOCKED);
    GET DIAGNOSTICS n = ROW_COUNT;
  ELSIF p_category = 'names' THEN
    n := gh.anonymise_visits(ARRAY(
      SELECT v.id FROM gh.visit v
       WHERE v.estate_id = p_estate AND v.anonymised_at IS NULL
         AND v.requested_at < p_now - make_interval(days => r.names_days)
         AND v.status NOT IN ('pending', 'approved', 'checked_in')
         AND NOT gh.visit_on_hold(v.id)
       ORDER BY v.requested_at LIMIT lim FOR UPDATE SKIP LOCKED), p_now);
  ELSIF p_category = 'notifications' THEN
    ids := ARRAY(SELECT x.id FROM gh.notification x WHERE x.estate_id = p_estate
                    AND x.created_at < p_now - make_interval(days => r.notifications_days)
                    AND NOT (x.payload ? 'visit' AND gh.visit_on_hold((x.payload->>'visit')::uuid))
                  ORDER BY x.created_at LIMIT lim FOR UPDATE SKIP LOCKED);
    DELETE FROM gh.portal_delivery d WHERE d.notification_id = ANY (ids);
    DELETE FROM gh.notification nt WHERE nt.id = ANY (ids);
    GET DIAGNOSTICS n = ROW_COUNT;
  ELSIF p_category = 'tokens' THEN
    -- Expired at once. A used magic-link nonce is kept for a day so a link cannot be replayed
    -- while it could still be valid (links last minutes).
    DELETE FROM gh.portal_session s WHERE s.token_hash IN (
      SELECT x.token_hash FROM gh.portal_session x JOIN gh.person p ON p.id = x.person_id
       WHERE p.estate_id = p_estate AND x.expires_at < p_now LIMIT lim);
    GET DIAGNOSTICS m = ROW_COUNT; n := n + m;
    DELETE FROM gh.portal_reset_token t WHERE t.token_hash IN (
      SELECT x.token_hash FROM gh.portal_reset_token x JOIN gh.person p ON p.id = x.person_id
       WHERE p.estate_id = p_estate AND (x.expires_at < p_now OR x.used_at IS NOT NULL) LIMIT lim);
    GET DIAGNOSTICS m = ROW_COUNT; n := n + m;
    DELETE FROM gh.portal_magic_use u WHERE u.nonce IN (
      SELECT x.nonce FROM gh.portal_magic_use x JOIN gh.person p ON p.id = x.person_id
       WHERE p.estate_id = p_estate AND x.used_at < p_now - interval '1 day' LIMIT lim);
    GET DIAGNOSTICS m = ROW_COUNT; n := n + m;
  ELSE
    RAISE EXCEPTION 'unknown purge category %', p_category USING ERRCODE = 'GH422', DETAIL = 'purge_category';
  END IF;
  RETURN n;
END $function$;
GRANT EXECUTE ON FUNCTION gh.purge_batch(bigint,text,timestamp with time zone,integer) TO gatehouse_worker;

-- Anonymises visits: visitor name, phone and document data; alert details; the personal keys
-- of their audit rows. Returns how many visits changed. Used by purge and subject erasure.
CREATE OR REPLACE FUNCTION gh.anonymise_visits(p_visits uuid[], p_now timestamp with time zone)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE n integer;
BEGIN
  UPDATE gh.visitor vr SET full_name = '(anonymised)', phone = NULL, document_type = NULL,
         document_hash = NULL, anonymised_at = p_now
   WHERE vr.id IN (SELECT v.visitor_id FROM gh.visit v WHERE v.id = ANY (p_visits));
  UPDATE gh.visit v SET anonymised_at = p_now, decision_reason = NULL
   WHERE v.id = ANY (p_visits) AND v.anonymised_at IS NULL;
  GET DIAGNOSTICS n = ROW_COUNT;
  UPDATE gh.alert a SET details = a.details - gh.audit_personal_keys()
   WHERE a.visit_id = ANY (p_visits) AND a.details ?| gh.audit_personal_keys();
  UPDATE gh.audit_log l SET details = (l.details - gh.audit_personal_keys()) || '{"redacted": true}'::jsonb
   WHERE l.subject = ANY (SELECT x::text FROM unnest(p_visits) x)
     AND l.details ?| gh.audit_personal_keys();
  RETURN n;
END $function$;

-- One audit row per category and estate that purged anything in a run.
CREATE OR REPLACE FUNCTION gh.purge_audit(p_estate bigint, p_category text, p_count bigint, p_now timestamp with time zone)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE r gh.retention; days integer; what text; msg text;
BEGIN
  SELECT * INTO r FROM gh.retention WHERE estate_id = p_estate;
  days := CASE p_category WHEN 'photos' THEN r.photos_days WHEN 'id_data' THEN r.id_data_days
                          WHEN 'names' THEN r.names_days WHEN 'notifications' THEN r.notifications_days END;
  what := CASE p_category WHEN 'photos' THEN 'photos' WHEN 'id_data' THEN 'ID documents'
                          WHEN 'names' THEN 'visits (names anonymised)'
                          WHEN 'notifications' THEN 'notifications'
                          ELSE 'expired sessions, reset tokens and magic links' END;
  msg := 'purged ' || to_char(p_count, 'FM999,999,999,999') || ' ' || what
         || CASE WHEN days IS NULL THEN '' ELSE ' older than '
              || to_char((p_now - make_interval(days => days)) AT TIME ZONE 'UTC', 'YYYY-MM-DD') END;
  PERFORM gh.audit(p_estate, 'retention.purge', p_category,
                   jsonb_build_object('message', msg, 'count', p_count, 'category', p_category, 'now', p_now));
  RETURN msg;
END $function$;
GRANT EXECUTE ON FUNCTION gh.purge_audit(bigint,text,bigint,timestamp with time zone) TO gatehouse_worker;

CREATE OR REPLACE FUNCTION gh.purge_estates()
 RETURNS SETOF bigint
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
  SELECT estate_id FROM gh.retention ORDER BY estate_id
$function$;
GRANT EXECUTE ON FUNCTION gh.purge_estates() TO gatehouse_worker;

-- Legal hold ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION gh.hold_place(p_visit uuid, p_reason text)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE v gh.visit; who bigint; hid bigint; why text := gh.check_text('reason', p_reason, 500, true);
BEGIN
  SELECT * INTO v FROM gh.visit WHERE id = p_visit FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'visit % not found', p_visit USING ERRCODE = 'GH404', DETAIL = 'visit_not_found';
  END IF;
  who := gh.privacy_actor(v.estate_id, false);
  IF gh.visit_on_hold(p_visit) THEN
    RAISE EXCEPTION 'visit % is already on hold', p_visit USING ERRCODE = 'GH409', DETAIL = 'already_on_hold';
  END IF;
  INSERT INTO gh.legal_hold (estate_id, visit_id, reason, placed_by) VALUES (v.estate_id, p_visit, why, who)
  RETURNING id INTO hid;
  PERFORM gh.audit(v.estate_id, 'hold.placed', p_visit::text, jsonb_build_object('hold', hid, 'why', why));
  RETURN hid;
END $function$;
GRANT EXECUTE ON FUNCTION gh.hold_place(uuid,text) TO gatehouse_app;

CREATE OR REPLACE FUNCTION gh.hold_release(p_visit uuid, p_reason text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE h gh.legal_hold; who bigint; why text := gh.check_text('reason', p_reason, 500, true);
BEGIN
  SELECT * INTO h FROM gh.legal_hold WHERE visit_id = p_visit AND released_at IS NULL FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'visit % has no active hold', p_visit USING ERRCODE = 'GH404', DETAIL = 'hold_not_found';
  END IF;
  who := gh.privacy_actor(h.estate_id, false);
  UPDATE gh.legal_hold SET released_at = now(), released_by = who, release_reason = why WHERE id = h.id;
  PERFORM gh.audit(h.estate_id, 'hold.released', p_visit::text, jsonb_build_object('hold', h.id, 'why', why));
END $function$;
GRANT EXECUTE ON FUNCTION gh.hold_release(uuid,text) TO gatehouse_app;

-- Subject erasure: anonymise the visits and drop their photos at once, all or nothing;
-- refused while any of them is on hold.
CREATE OR REPLACE FUNCTION gh.subject_erase(p_estate bigint, p_visits uuid[], p_query text)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE held uuid; photos integer; alert_photos integer; visits integer;
BEGIN
  PERFORM gh.privacy_actor(p_estate, true);
  IF EXISTS (SELECT 1 FROM unnest(p_visits) x LEFT JOIN gh.visit v ON v.id = x
              WHERE v.id IS NULL OR v.estate_id <> p_estate) THEN
    RAISE EXCEPTION 'a visit is not in estate %', p_estate USING ERRCODE = 'GH404', DETAIL = 'visit_not_found';
  END IF;
  PERFORM 1 FROM gh.visit WHERE id = ANY (p_visits) FOR UPDATE;
  SELECT x INTO held FROM unnest(p_visits) x WHERE gh.visit_on_hold(x) LIMIT 1;
  IF held IS NOT NULL THEN
    RAISE EXCEPTION 'visit % is on legal hold; release the hold first', held
      USING ERRCODE = 'GH409', DETAIL = 'on_hold';
  END IF;
  UPDATE gh.evidence SET data = NULL, purged_at = now() WHERE visit_id = ANY (p_visits) AND data IS NOT NULL;
  GET DIAGNOSTICS photos = ROW_COUNT;
  alert_photos := gh.purge_alert_photos(ARRAY(SELECT a.id FROM gh.alert a WHERE a.visit_id = ANY (p_visits)), now());
  visits := gh.anonymise_visits(p_visits, now());
  PERFORM gh.audit(p_estate, 'subject.erase', NULL,
    jsonb_build_object('query', p_query, 'visits', to_jsonb(p_visits), 'photos_deleted', photos,
                       'alert_photos_deleted', alert_photos, 'visits_anonymised', visits));
  RETURN jsonb_build_object('visits', visits, 'photos', photos, 'alert_photos', alert_photos);
END $function$;

-- Evidence chain -----------------------------------------------------------------------
CREATE OR REPLACE FUNCTION gh.chain_link(p_prev text, p_digest text, p_visit uuid, p_kind gh.evidence_kind, p_captured_at timestamp with time zone)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
AS $function$
  SELECT encode(sha256(convert_to(coalesce(p_prev, '') || '|' || p_digest || '|' || p_visit::text || '|'
                || p_kind::text || '|' || to_char(p_captured_at AT TIME ZONE 'UTC',
                'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), 'UTF8')), 'hex')
$function$;

-- A kiosk's chain (p_kiosk NULL: the estate's console chain): where it breaks (NULL if
-- intact), how many items it has and how many of them were purged. A present photo must
-- still match its stored sha256; a purged one is checked by that stored digest alone.
CREATE OR REPLACE FUNCTION gh.verify_evidence_chain_report(p_estate bigint, p_kiosk bigint, OUT broken_at uuid, OUT items bigint, OUT purged bigint)
 RETURNS record
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE r record; prev text := NULL;
BEGIN
  items := 0; purged := 0;
  FOR r IN SELECT e.seq, e.id, e.visit_id, e.kind, e.captured_at, e.sha256, e.prev_chain, e.chain_sha256,
                  e.data IS NULL AS gone, CASE WHEN e.data IS NULL THEN NULL ELSE encode(sha256(e.data), 'hex') END AS actual
             FROM gh.evidence e
            WHERE e.kiosk_id = p_kiosk
            UNION ALL  -- two branches so each uses the (kiosk_id, seq) index
           SELECT e.seq, e.id, e.visit_id, e.kind, e.captured_at, e.sha256, e.prev_chain, e.chain_sha256,
                  e.data IS NULL, CASE WHEN e.data IS NULL THEN NULL ELSE encode(sha256(e.data), 'hex') END
             FROM gh.evidence e
            WHERE p_kiosk IS NULL AND e.kiosk_id IS NULL AND e.estate_id = p_estate
            ORDER BY seq LOOP
    items := items + 1;
    IF r.gone THEN purged := purged + 1; END IF;
    IF (NOT r.gone AND r.actual <> r.sha256) OR r.prev_chain IS DISTINCT FROM prev
       OR r.chain_sha256 <> gh.chain_link(prev, r.sha256, r.visit_id, r.kind, r.captured_at) THEN
      broken_at := r.id;
      RETURN;
    END IF;
    prev := r.chain_sha256;
  END LOOP;
END $function$;

CREATE OR REPLACE FUNCTION gh.verify_evidence_chain(p_kiosk bigint)
 RETURNS uuid
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
  SELECT (gh.verify_evidence_chain_report(NULL, p_kiosk)).broken_at
$function$;

-- Evidence export through the server's staff API (GET /api/staff/visits/{id}/evidence): what
-- the bundle of one visit needs, for the signed-in guard or admin of the visit's estate only
-- (another estate's visit is not found, as an unknown one), and only when p_public_key is the
-- estate's active evidence key (the server signs; it holds the secret half). Audited with the
-- guard as actor. Photos of the visit come as hex; other visits' links are hashes only.
CREATE OR REPLACE FUNCTION gh.staff_evidence_bundle(p_visit uuid, p_public_key bytea)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'gh', 'pg_temp'
AS $function$
DECLARE me gh.person; v gh.visit; seg record; segs jsonb := '[]'::jsonb; chain jsonb;
        photos integer := 0; links integer := 0;
        fmt constant text := 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"';
BEGIN
  SELECT * INTO me FROM gh.person WHERE id = gh.current_person_id() AND active AND role IN ('guard', 'admin');
  IF NOT FOUND THEN
    RAISE EXCEPTION 'only guards and admins may do this' USING ERRCODE = 'GH403', DETAIL = 'staff_only';
  END IF;
  SELECT * INTO v FROM gh.visit WHERE id = p_visit;
  IF NOT FOUND OR v.estate_id <> me.estate_id THEN
    RAISE EXCEPTION 'visit % not found', p_visit USING ERRCODE = 'GH404', DETAIL = 'visit_not_found';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM gh.evidence_key k WHERE k.estate_id = v.estate_id AND k.active
                    AND k.public_key = p_public_key) THEN
    RAISE EXCEPTION 'the server''s evidence key is not the estate''s active key (gatehouse-admin evidence-key init)'
      USING ERRCODE = 'GH409', DETAIL = 'evidence_key_mismatch';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM gh.evidence e WHERE e.visit_id = p_visit) THEN
    RAISE EXCEPTION 'visit % has no evidence', p_visit USING ERRCODE = 'GH404', DETAIL = 'no_evidence';
  END IF;
  FOR seg IN SELECT e.kiosk_id, min(e.seq) AS lo, max(e.seq) AS hi FROM gh.evidence e
              WHERE e.visit_id = p_visit GROUP BY e.kiosk_id ORDER BY e.kiosk_id NULLS FIRST LOOP
    SELECT coalesce(jsonb_agg(jsonb_build_object(
             'id', e.id, 'seq', e.seq, 'visit', e.visit_id, 'kind', e.kind,
             'captured_at', to_char(e.captured_at AT TIME ZONE 'UTC', fmt), 'sha256', e.sha256,
             'prev_chain', coalesce(e.prev_chain, ''), 'chain_sha256', e.chain_sha256,
             'purged', e.data IS NULL, 'content_type', e.content_type,
             'data', CASE WHEN e.visit_id = p_visit THEN encode(e.data, 'hex') END) ORDER BY e.seq), '[]'::jsonb)
      INTO chain
      FROM gh.evidence e  -- two spellings so both use the (kiosk_id, seq) index
     WHERE e.estate_id = v.estate_id AND e.seq BETWEEN seg.lo AND seg.hi
       AND ((seg.kiosk_id IS NOT NULL AND e.kiosk_id = seg.kiosk_id)
         OR (seg.kiosk_id IS NULL AND e.kiosk_id IS NULL));
    links := links + jsonb_array_length(chain);
    photos := photos + (SELECT count(*) FROM jsonb_array_elements(chain) l WHERE l->>'data' IS NOT NULL);
    segs := segs || jsonb_build_array(jsonb_build_object('kiosk', seg.kiosk_id,
              'kiosk_name', coalesce((SELECT k.name FROM gh.kiosk k WHERE k.id = seg.kiosk_id), ''),
              'links', chain));
  END LOOP;
  PERFORM gh.audit(v.estate_id, 'evidence.export', p_visit::text,
    jsonb_build_object('scope', 'visit ' || p_visit, 'photos', photos, 'links', links, 'via', 'staff_api'));
  RETURN jsonb_build_object(
    'estate', v.estate_id, 'estate_name', (SELECT x.name FROM gh.estate x WHERE x.id = v.estate_id),
    'created_at', to_char(now() AT TIME ZONE 'UTC', fmt), 'segments', segs,
    'record', (SELECT jsonb_build_object('visit', to_jsonb(vv) - 'exit_token_hash', 'visitor', vr.full_name,
                                         'unit', u.label, 'kiosk', k.name)
                 FROM gh.visit vv JOIN gh.visitor vr ON vr.id = vv.visitor_id JOIN gh.unit u ON u.id = vv.unit_id
                 LEFT JOIN gh.kiosk k ON k.id = vv.kiosk_id WHERE vv.id = p_visit));
END $function$;
GRANT EXECUTE ON FUNCTION gh.staff_evidence_bundle(uuid,bytea) TO gatehouse_server;

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA gh FROM PUBLIC;
