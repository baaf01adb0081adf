-- Issue 15, kiosk clocks: a kiosk's claimed time on the server's clock, for the kiosk client to
-- pass to every kiosk function that takes a time (kiosk_record_exit corrects its own). The offset
-- is the server's measurement (gh.kiosk_heartbeat_clock), never the kiosk's word.
CREATE FUNCTION gh.kiosk_server_time(p_kiosk bigint, p_token text, p_claimed timestamptz)
RETURNS timestamptz LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = gh, pg_temp AS $$
DECLARE k gh.kiosk := gh.kiosk_auth(p_kiosk, p_token);
BEGIN
  RETURN gh.kiosk_corrected_time(k, p_claimed);
END $$;

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA gh FROM PUBLIC;
GRANT EXECUTE ON FUNCTION gh.kiosk_server_time(bigint, text, timestamptz) TO gatehouse_kiosk;
