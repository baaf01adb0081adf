-- Review fixes to staff functions whose signature or result changes (CREATE OR REPLACE cannot):
-- gh.lock_visit takes the caller's estate and checks it before the status, and the history
-- search returns whether a visit was escalated. The files define the new versions.
DROP FUNCTION IF EXISTS gh.lock_visit(uuid, gh.visit_status);
DROP FUNCTION IF EXISTS gh.console_search_visits(text, text, timestamptz, timestamptz, bigint, text, integer);
