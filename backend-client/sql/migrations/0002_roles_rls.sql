-- Least-privilege roles and row-level security.
--   gatehouse_kiosk: may only EXECUTE the kiosk_* functions (each checks the kiosk's token).
--   gatehouse_app:   portal, console and worker; every query runs as a named person set per
--                    transaction with `SET LOCAL gatehouse.person_id`, and RLS limits it to
--                    that person's estate (and, for residents, their own unit).
-- Roles are cluster-wide, so they are created only when missing.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'gatehouse_kiosk') THEN
    CREATE ROLE gatehouse_kiosk LOGIN NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'gatehouse_app') THEN
    CREATE ROLE gatehouse_app LOGIN NOINHERIT;
  END IF;
END $$;

-- Nothing is callable by PUBLIC unless granted below, including functions created later.
REVOKE ALL ON SCHEMA gh FROM PUBLIC;
-- PostgreSQL grants EXECUTE on new functions to PUBLIC by a global default that a per-schema
-- ALTER DEFAULT PRIVILEGES cannot remove, so it is revoked globally for the migrating role,
-- and again for all of gh at the end of each migration that adds functions.
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA gh FROM PUBLIC;
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
GRANT USAGE ON SCHEMA gh TO gatehouse_kiosk, gatehouse_app;

-- Who is acting. The setting is trusted because only gatehouse_app (a server) can connect
-- with it; the kiosk role has no table access at all, so setting it gains a kiosk nothing.
CREATE FUNCTION gh.current_person_id() RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT nullif(current_setting('gatehouse.person_id', true), '')::bigint
$$;
CREATE FUNCTION gh.my_estate() RETURNS bigint LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = gh, pg_temp AS $$
  SELECT estate_id FROM gh.person WHERE id = gh.current_person_id() AND active
$$;
CREATE FUNCTION gh.my_unit() RETURNS bigint LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = gh, pg_temp AS $$
  SELECT unit_id FROM gh.person WHERE id = gh.current_person_id() AND active
$$;
CREATE FUNCTION gh.i_am_staff() RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = gh, pg_temp AS $$
  SELECT coalesce((SELECT role IN ('guard', 'admin') FROM gh.person
                   WHERE id = gh.current_person_id() AND active), false)
$$;
CREATE FUNCTION gh.i_am_admin() RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = gh, pg_temp AS $$
  SELECT coalesce((SELECT role = 'admin' FROM gh.person
                   WHERE id = gh.current_person_id() AND active), false)
$$;
GRANT EXECUTE ON FUNCTION gh.current_person_id(), gh.my_estate(), gh.my_unit(), gh.i_am_staff(),
  gh.i_am_admin() TO gatehouse_app;

-- Table privileges for the app role. Visits and evidence change only through functions.
GRANT SELECT ON gh.estate, gh.unit, gh.kiosk, gh.visitor, gh.visit, gh.evidence, gh.invitation,
  gh.watchlist, gh.report, gh.alert, gh.notification, gh.audit_log, gh.estate_key TO gatehouse_app;
GRANT SELECT (id, estate_id, unit_id, role, full_name, email, phone, notify_email, webhook_url,
  active, created_at) ON gh.person TO gatehouse_app;
GRANT UPDATE (notify_email, webhook_url, phone) ON gh.person TO gatehouse_app;
GRANT INSERT ON gh.invitation, gh.watchlist, gh.report TO gatehouse_app;
GRANT UPDATE (revoked_at) ON gh.invitation TO gatehouse_app;
GRANT UPDATE (active, reason) ON gh.watchlist TO gatehouse_app;
GRANT UPDATE (read_at) ON gh.notification TO gatehouse_app;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['estate','estate_key','unit','person','kiosk','visitor','visit','evidence',
                           'invitation','watchlist','report','alert','notification','audit_log'] LOOP
    EXECUTE format('ALTER TABLE gh.%I ENABLE ROW LEVEL SECURITY', t);
  END LOOP;
END $$;

CREATE POLICY estate_own ON gh.estate FOR SELECT TO gatehouse_app USING (id = gh.my_estate());
CREATE POLICY estate_key_own ON gh.estate_key FOR SELECT TO gatehouse_app USING (estate_id = gh.my_estate());
CREATE POLICY unit_own ON gh.unit FOR SELECT TO gatehouse_app USING (estate_id = gh.my_estate());
CREATE POLICY person_visible ON gh.person FOR SELECT TO gatehouse_app
  USING (estate_id = gh.my_estate() AND (gh.i_am_staff() OR id = gh.current_person_id()
                                         OR unit_id = gh.my_unit()));
CREATE POLICY person_self_update ON gh.person FOR UPDATE TO gatehouse_app
  USING (id = gh.current_person_id()) WITH CHECK (id = gh.current_person_id());
CREATE POLICY kiosk_staff ON gh.kiosk FOR SELECT TO gatehouse_app
  USING (estate_id = gh.my_estate() AND gh.i_am_staff());
CREATE POLICY visit_visible ON gh.visit FOR SELECT TO gatehouse_app
  USING (estate_id = gh.my_estate() AND (gh.i_am_staff() OR unit_id = gh.my_unit()));
CREATE POLICY visitor_visible ON gh.visitor FOR SELECT TO gatehouse_app
  USING (estate_id = gh.my_estate() AND (gh.i_am_staff() OR EXISTS (
    SELECT 1 FROM gh.visit v WHERE v.visitor_id = visitor.id AND v.unit_id = gh.my_unit())));
CREATE POLICY evidence_visible ON gh.evidence FOR SELECT TO gatehouse_app
  USING (estate_id = gh.my_estate() AND (gh.i_am_staff() OR EXISTS (
    SELECT 1 FROM gh.visit v WHERE v.id = evidence.visit_id AND v.unit_id = gh.my_unit())));
CREATE POLICY invitation_visible ON gh.invitation FOR SELECT TO gatehouse_app
  USING (estate_id = gh.my_estate() AND (gh.i_am_staff() OR unit_id = gh.my_unit()));
CREATE POLICY invitation_create ON gh.invitation FOR INSERT TO gatehouse_app
  WITH CHECK (estate_id = gh.my_estate() AND host_id = gh.current_person_id()
              AND unit_id = gh.my_unit() AND uses = 0 AND revoked_at IS NULL);
CREATE POLICY invitation_revoke ON gh.invitation FOR UPDATE TO gatehouse_app
  USING (estate_id = gh.my_estate() AND (gh.i_am_staff() OR unit_id = gh.my_unit()))
  WITH CHECK (estate_id = gh.my_estate());
CREATE POLICY watchlist_staff ON gh.watchlist FOR ALL TO gatehouse_app
  USING (estate_id = gh.my_estate() AND gh.i_am_staff())
  WITH CHECK (estate_id = gh.my_estate() AND gh.i_am_staff());
CREATE POLICY report_visible ON gh.report FOR SELECT TO gatehouse_app
  USING (estate_id = gh.my_estate() AND (gh.i_am_staff() OR reporter_id = gh.current_person_id()));
CREATE POLICY report_create ON gh.report FOR INSERT TO gatehouse_app
  WITH CHECK (estate_id = gh.my_estate() AND reporter_id = gh.current_person_id() AND EXISTS (
    SELECT 1 FROM gh.visit v WHERE v.id = report.visit_id AND (gh.i_am_staff() OR v.unit_id = gh.my_unit())));
CREATE POLICY alert_staff ON gh.alert FOR SELECT TO gatehouse_app
  USING (estate_id = gh.my_estate() AND gh.i_am_staff());
CREATE POLICY notification_own ON gh.notification FOR SELECT TO gatehouse_app
  USING (person_id = gh.current_person_id());
CREATE POLICY notification_read ON gh.notification FOR UPDATE TO gatehouse_app
  USING (person_id = gh.current_person_id()) WITH CHECK (person_id = gh.current_person_id());
CREATE POLICY audit_admin ON gh.audit_log FOR SELECT TO gatehouse_app
  USING (estate_id = gh.my_estate() AND gh.i_am_staff());
