-- 0100_portal and 0200_console both turned a resident's report into an alert, so each report
-- raised two. The portal's trigger (which also records the kiosk) stays; the console's goes.
DROP TRIGGER report_alert ON gh.report;
DROP FUNCTION gh.report_alert();

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA gh FROM PUBLIC;
