-- Issue 10: gatehouse_app is retired as a login. No process connects as it any more: the
-- server connects as gatehouse_server, the worker as gatehouse_worker, kiosks as
-- gatehouse_kiosk. gatehouse_app stays as the NOLOGIN group role that holds the per-person
-- privileges and RLS policies (what an acting person may do) which gatehouse_server inherits;
-- so the only role that may choose gatehouse.person_id is the server's, after it has
-- authenticated the person.
ALTER ROLE gatehouse_app NOLOGIN NOINHERIT;

-- The console's direct-database sign-in (decision 0301) went when the console moved behind the
-- server (decision 0770); nothing calls these any more.
DROP FUNCTION IF EXISTS gh.staff_auth_begin(text);
DROP FUNCTION IF EXISTS gh.staff_auth_finish(bigint, text, text);
DROP FUNCTION IF EXISTS gh.totp_code(bytea, bigint);
DROP FUNCTION IF EXISTS gh.base32_decode(text);
