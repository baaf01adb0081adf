-- Issue 9: pass-signing secrets leave the database. gh.estate_key keeps public keys and key ids
-- only; the server signs with keys from its credential file (see docs/SECURITY.md). Secrets
-- that existed before this migration wait in gh_secret (owner only) until
-- `gatehouse-admin export-signing-keys FILE` moves them into the file and deletes them.
CREATE SCHEMA IF NOT EXISTS gh_secret;
REVOKE ALL ON SCHEMA gh_secret FROM PUBLIC;
CREATE TABLE gh_secret.legacy_estate_key AS
  SELECT estate_id, key_id, secret_key FROM gh.estate_key;
ALTER TABLE gh.estate_key DROP COLUMN secret_key;

-- Rotation: a retired key signs nothing new but verifies until its passes expire.
-- Revocation: gone at once for kiosks (their key cache is replaced on each refresh).
ALTER TABLE gh.estate_key ADD COLUMN retired_at timestamptz;
ALTER TABLE gh.estate_key ADD COLUMN revoked_at timestamptz;
GRANT SELECT (retired_at, revoked_at) ON gh.estate_key TO gatehouse_app;

CREATE OR REPLACE FUNCTION gh.kiosk_estate_keys(p_kiosk bigint, p_token text)
RETURNS TABLE (estate_id bigint, key_id smallint, public_key bytea, timezone text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = gh, pg_temp AS $$
DECLARE k gh.kiosk := gh.kiosk_auth(p_kiosk, p_token);
BEGIN
  RETURN QUERY SELECT ek.estate_id, ek.key_id, ek.public_key, e.timezone
    FROM gh.estate_key ek JOIN gh.estate e ON e.id = ek.estate_id
   WHERE ek.estate_id = k.estate_id AND ek.active AND ek.revoked_at IS NULL
     AND (ek.retired_at IS NULL OR EXISTS (
           SELECT 1 FROM gh.invitation i WHERE i.estate_id = ek.estate_id AND i.key_id = ek.key_id
              AND i.valid_until > now() AND i.revoked_at IS NULL));
END $$;

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA gh FROM PUBLIC;
GRANT EXECUTE ON FUNCTION gh.kiosk_estate_keys(bigint, text) TO gatehouse_kiosk;
