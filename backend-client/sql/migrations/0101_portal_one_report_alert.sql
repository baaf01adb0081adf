-- A resident's report reached the guards twice: 0100's portal_report_alert and the console's
-- report_alert (0200) both raised an alert. Keep the console's; 0100 is applied, so it stays.
DROP TRIGGER IF EXISTS portal_report_alert ON gh.report;
DROP FUNCTION IF EXISTS gh.portal_report_alert();
