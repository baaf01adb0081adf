-- Decisions are pushed to the kiosk that asked: a payload-free NOTIFY on the kiosk's own channel
-- (gatehouse_kiosk_<id>) whenever one of its visits changes status. Any role may LISTEN on any
-- channel, so the wake-up carries nothing; the kiosk reads the status through its kiosk functions.
-- See docs/decisions/0600-kiosk-push-by-listen.md.
CREATE FUNCTION gh.visit_wakes_kiosk() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = gh, pg_temp AS $$
BEGIN
  PERFORM pg_notify('gatehouse_kiosk_' || NEW.kiosk_id, '');
  RETURN NULL;
END $$;

CREATE TRIGGER visit_wakes_kiosk AFTER UPDATE OF status ON gh.visit
  FOR EACH ROW WHEN (NEW.kiosk_id IS NOT NULL AND NEW.status IS DISTINCT FROM OLD.status)
  EXECUTE FUNCTION gh.visit_wakes_kiosk();

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA gh FROM PUBLIC;
