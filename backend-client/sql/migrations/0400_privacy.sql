-- Privacy and evidence (issue 14): per-estate retention, batched audited purge, legal hold,
-- subject erasure, the evidence signing key's public half, and a chain verifier that accepts
-- purged items (their sha256 stays, only the bytes go).
--
-- Grants: the purge functions go to gatehouse_worker when that role exists (helper "trust"
-- splits it off), else to gatehouse_app, which runs the worker today. Hold functions and
-- retention_set go to gatehouse_app (guards/admins resp. admins, checked in gh.privacy_actor).
-- Everything else is for the operator (gatehouse-admin, connecting as the owner).

-- Retention per estate; a row is created with the defaults for every estate, old and new.
CREATE TABLE gh.retention (
  estate_id          bigint PRIMARY KEY REFERENCES gh.estate(id),
  photos_days        integer NOT NULL DEFAULT 30 CHECK (photos_days BETWEEN 1 AND 3650),
  id_data_days       integer NOT NULL DEFAULT 30 CHECK (id_data_days BETWEEN 1 AND 3650),
  names_days         integer NOT NULL DEFAULT 365 CHECK (names_days BETWEEN 1 AND 3650),
  notifications_days integer NOT NULL DEFAULT 90 CHECK (notifications_days BETWEEN 1 AND 3650),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
INSERT INTO gh.retention (estate_id) SELECT id FROM gh.estate;
CREATE FUNCTION gh.retention_defaults() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = gh, pg_temp AS $$
BEGIN
  INSERT INTO gh.retention (estate_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
  RETURN NEW;
END $$;
CREATE TRIGGER estate_retention_defaults AFTER INSERT ON gh.estate
  FOR EACH ROW EXECUTE FUNCTION gh.retention_defaults();
ALTER TABLE gh.retention ENABLE ROW LEVEL SECURITY;
GRANT SELECT ON gh.retention TO gatehouse_app;
CREATE POLICY retention_staff ON gh.retention FOR SELECT TO gatehouse_app
  USING (estate_id = gh.my_estate() AND gh.i_am_staff());

-- Public halves of the estates' evidence signing keys (the secret lives in a credential file).
CREATE TABLE gh.evidence_key (
  estate_id  bigint NOT NULL REFERENCES gh.estate(id),
  key_id     smallint NOT NULL CHECK (key_id BETWEEN 1 AND 255),
  public_key bytea NOT NULL CHECK (length(public_key) = 32),
  active     boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (estate_id, key_id)
);
ALTER TABLE gh.evidence_key ENABLE ROW LEVEL SECURITY;
GRANT SELECT ON gh.evidence_key TO gatehouse_app;
CREATE POLICY evidence_key_own ON gh.evidence_key FOR SELECT TO gatehouse_app
  USING (estate_id = gh.my_estate());

-- Legal holds: an active hold (released_at NULL) exempts a visit's data from purge and erasure.
CREATE TABLE gh.legal_hold (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  estate_id      bigint NOT NULL REFERENCES gh.estate(id),
  visit_id       uuid NOT NULL REFERENCES gh.visit(id),
  reason         text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  placed_by      bigint REFERENCES gh.person(id),  -- NULL: placed by an operator (gatehouse-admin)
  placed_at      timestamptz NOT NULL DEFAULT now(),
  released_by    bigint REFERENCES gh.person(id),
  released_at    timestamptz,
  release_reason text
);
CREATE UNIQUE INDEX legal_hold_active_uq ON gh.legal_hold (visit_id) WHERE released_at IS NULL;
ALTER TABLE gh.legal_hold ENABLE ROW LEVEL SECURITY;
GRANT SELECT ON gh.legal_hold TO gatehouse_app;
CREATE POLICY legal_hold_staff ON gh.legal_hold FOR SELECT TO gatehouse_app
  USING (estate_id = gh.my_estate() AND gh.i_am_staff());

CREATE FUNCTION gh.visit_on_hold(p_visit uuid) RETURNS boolean LANGUAGE sql STABLE
SET search_path = gh, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM gh.legal_hold h WHERE h.visit_id = p_visit AND h.released_at IS NULL)
$$;

-- Purged evidence keeps its row, its sha256 and its place in the chain; only the bytes go.
ALTER TABLE gh.evidence ALTER COLUMN data DROP NOT NULL;
ALTER TABLE gh.evidence ADD COLUMN purged_at timestamptz;
ALTER TABLE gh.evidence ADD CONSTRAINT evidence_purged_has_no_data
  CHECK ((purged_at IS NULL) = (data IS NOT NULL));
CREATE INDEX evidence_purge_idx ON gh.evidence (estate_id, captured_at) WHERE data IS NOT NULL;

ALTER TABLE gh.visitor ADD COLUMN anonymised_at timestamptz;
ALTER TABLE gh.visit ADD COLUMN anonymised_at timestamptz;
CREATE INDEX visit_anonymise_idx ON gh.visit (estate_id, requested_at) WHERE anonymised_at IS NULL;
CREATE INDEX visitor_id_data_idx ON gh.visitor (estate_id, created_at)
  WHERE document_type IS NOT NULL OR document_hash IS NOT NULL;
CREATE INDEX notification_age_idx ON gh.notification (estate_id, created_at);

-- Keys of audit details that can hold personal data; redaction removes exactly these.
CREATE FUNCTION gh.audit_personal_keys() RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
  SELECT ARRAY['name', 'phone', 'reason', 'visitor', 'document_hash']
$$;

-- Evidence stays append-only except that its bytes may be dropped (purged_at set, nothing
-- else changed); the audit log stays append-only except that personal keys may be redacted.
CREATE OR REPLACE FUNCTION gh.forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
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
END $$;

-- Who may run a privacy operation on an estate: an operator (a superuser, or the role that owns
-- schema gh, i.e. gatehouse-admin), or a guard/admin of that estate acting through a client
-- role with gatehouse.person_id set. Returns the person id (NULL for an operator).
CREATE FUNCTION gh.privacy_actor(p_estate bigint, p_admin_only boolean) RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = gh, pg_temp AS $$
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
END $$;

-- Retention ----------------------------------------------------------------------------
CREATE FUNCTION gh.retention_set(p_estate bigint, p_photos integer, p_id_data integer,
                                 p_names integer, p_notifications integer)
RETURNS gh.retention LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
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
END $$;

-- Purge --------------------------------------------------------------------------------
-- One batch of one category for one estate, as of p_now; returns the rows changed. Rows are
-- taken with SKIP LOCKED so a batch never waits on a busy visit, and each call is its own
-- short transaction: the caller loops until a batch comes back smaller than p_limit.
-- Categories: photos, id_data, names, notifications, tokens.
CREATE FUNCTION gh.purge_batch(p_estate bigint, p_category text, p_now timestamptz, p_limit integer)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
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
END $$;

-- Anonymises visits: visitor name, phone and document data; alert details; the personal keys
-- of their audit rows. Returns how many visits changed. Used by purge and subject erasure.
CREATE FUNCTION gh.anonymise_visits(p_visits uuid[], p_now timestamptz) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
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
END $$;

-- Redacting an alert's details (anonymisation) is not an acknowledgement: only a change of
-- acknowledged_at is audited and announced as one. Otherwise as in 0003.
CREATE OR REPLACE FUNCTION gh.alert_changed() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = gh, pg_temp AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.acknowledged_at IS NOT DISTINCT FROM OLD.acknowledged_at THEN
    RETURN NEW;
  END IF;
  PERFORM gh.audit(NEW.estate_id, CASE WHEN TG_OP = 'INSERT' THEN 'alert.raised' ELSE 'alert.acknowledged' END,
                   NEW.id::text, jsonb_build_object('kind', NEW.kind, 'visit', NEW.visit_id, 'kiosk', NEW.kiosk_id));
  PERFORM pg_notify('gatehouse', json_build_object('event', 'alert', 'estate', NEW.estate_id,
    'alert', NEW.id, 'kind', NEW.kind, 'visit', NEW.visit_id, 'kiosk', NEW.kiosk_id,
    'acknowledged', NEW.acknowledged_at IS NOT NULL)::text);
  RETURN NEW;
END $$;

-- One audit row per category and estate that purged anything in a run.
CREATE FUNCTION gh.purge_audit(p_estate bigint, p_category text, p_count bigint, p_now timestamptz)
RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
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
END $$;

CREATE FUNCTION gh.purge_estates() RETURNS SETOF bigint LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = gh, pg_temp AS $$
  SELECT estate_id FROM gh.retention ORDER BY estate_id
$$;

-- Legal hold ---------------------------------------------------------------------------
CREATE FUNCTION gh.hold_place(p_visit uuid, p_reason text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
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
END $$;

CREATE FUNCTION gh.hold_release(p_visit uuid, p_reason text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
DECLARE h gh.legal_hold; who bigint; why text := gh.check_text('reason', p_reason, 500, true);
BEGIN
  SELECT * INTO h FROM gh.legal_hold WHERE visit_id = p_visit AND released_at IS NULL FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'visit % has no active hold', p_visit USING ERRCODE = 'GH404', DETAIL = 'hold_not_found';
  END IF;
  who := gh.privacy_actor(h.estate_id, false);
  UPDATE gh.legal_hold SET released_at = now(), released_by = who, release_reason = why WHERE id = h.id;
  PERFORM gh.audit(h.estate_id, 'hold.released', p_visit::text, jsonb_build_object('hold', h.id, 'why', why));
END $$;

-- Subject erasure: anonymise the visits and drop their photos at once, all or nothing;
-- refused while any of them is on hold.
CREATE FUNCTION gh.subject_erase(p_estate bigint, p_visits uuid[], p_query text) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
DECLARE held uuid; photos integer; visits integer;
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
  visits := gh.anonymise_visits(p_visits, now());
  PERFORM gh.audit(p_estate, 'subject.erase', NULL,
    jsonb_build_object('query', p_query, 'visits', to_jsonb(p_visits), 'photos_deleted', photos,
                       'visits_anonymised', visits));
  RETURN jsonb_build_object('visits', visits, 'photos', photos);
END $$;

-- Evidence chain -----------------------------------------------------------------------
CREATE FUNCTION gh.chain_link(p_prev text, p_digest text, p_visit uuid, p_kind gh.evidence_kind,
                              p_captured_at timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(sha256(convert_to(coalesce(p_prev, '') || '|' || p_digest || '|' || p_visit::text || '|'
                || p_kind::text || '|' || to_char(p_captured_at AT TIME ZONE 'UTC',
                'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), 'UTF8')), 'hex')
$$;

-- A kiosk's chain (p_kiosk NULL: the estate's console chain): where it breaks (NULL if
-- intact), how many items it has and how many of them were purged. A present photo must
-- still match its stored sha256; a purged one is checked by that stored digest alone.
CREATE FUNCTION gh.verify_evidence_chain_report(p_estate bigint, p_kiosk bigint,
    OUT broken_at uuid, OUT items bigint, OUT purged bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = gh, pg_temp AS $$
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
END $$;

CREATE OR REPLACE FUNCTION gh.verify_evidence_chain(p_kiosk bigint) RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = gh, pg_temp AS $$
  SELECT (gh.verify_evidence_chain_report(NULL, p_kiosk)).broken_at
$$;

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA gh FROM PUBLIC;
GRANT EXECUTE ON FUNCTION gh.hold_place(uuid, text), gh.hold_release(uuid, text),
  gh.visit_on_hold(uuid), gh.retention_set(bigint, integer, integer, integer, integer) TO gatehouse_app;
DO $$
DECLARE purger text := CASE WHEN EXISTS (SELECT FROM pg_roles WHERE rolname = 'gatehouse_worker')
                            THEN 'gatehouse_worker' ELSE 'gatehouse_app' END;
BEGIN
  EXECUTE format('GRANT EXECUTE ON FUNCTION gh.purge_batch(bigint, text, timestamptz, integer), '
                 'gh.purge_audit(bigint, text, bigint, timestamptz), gh.purge_estates() TO %I', purger);
END $$;
