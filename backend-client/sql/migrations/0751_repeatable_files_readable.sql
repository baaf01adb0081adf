-- The server and the worker check that the database is up to date (/healthz), which now
-- includes the repeatable function files recorded in gh_meta.repeatable_files (decision 0750;
-- the migrator creates the table before it runs any migration).
GRANT SELECT ON gh_meta.repeatable_files TO gatehouse_app, gatehouse_worker;
