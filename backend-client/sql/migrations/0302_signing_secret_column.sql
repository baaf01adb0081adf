-- Issue 9, interim: the pass-signing secret key is no longer readable by any role a client
-- holds. gatehouse_app (console, and residents' contexts) sees public keys only; the server,
-- which signs passes, keeps the secret column until the keys move to a credential file.
REVOKE SELECT ON gh.estate_key FROM gatehouse_app;
GRANT SELECT (estate_id, key_id, public_key, active, created_at) ON gh.estate_key TO gatehouse_app;
GRANT SELECT (secret_key) ON gh.estate_key TO gatehouse_server;
