-- At most one overstay alert per visit, even when two workers run housekeeping at the same
-- instant (the NOT EXISTS check alone races).
CREATE UNIQUE INDEX alert_one_overstay_uq ON gh.alert (visit_id) WHERE kind = 'overstay';

CREATE OR REPLACE FUNCTION gh.run_housekeeping(p_pending_expiry interval DEFAULT '30 minutes',
                                               p_approved_expiry interval DEFAULT '2 hours')
RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER SET search_path = gh, pg_temp AS $$
DECLARE escalated int := 0; expired int := 0; overstays int := 0; r record;
BEGIN
  FOR r IN SELECT v.id FROM gh.visit v JOIN gh.estate e ON e.id = v.estate_id
            WHERE v.status = 'pending' AND v.escalated_at IS NULL
              AND v.requested_at < now() - make_interval(secs => e.approval_timeout_s)
            FOR UPDATE OF v SKIP LOCKED LOOP
    IF gh.escalate(r.id) THEN escalated := escalated + 1; END IF;
  END LOOP;
  UPDATE gh.visit SET status = 'expired'
   WHERE (status = 'pending' AND requested_at < now() - p_pending_expiry)
      OR (status = 'approved' AND decided_at < now() - p_approved_expiry);
  GET DIAGNOSTICS expired = ROW_COUNT;
  INSERT INTO gh.alert (estate_id, kind, visit_id, kiosk_id, details)
  SELECT v.estate_id, 'overstay', v.id, v.kiosk_id,
         jsonb_build_object('expected_exit_at', v.expected_exit_at)
    FROM gh.visit v
   WHERE v.status = 'checked_in' AND v.expected_exit_at < now()
     AND NOT EXISTS (SELECT 1 FROM gh.alert a WHERE a.visit_id = v.id AND a.kind = 'overstay')
  ON CONFLICT (visit_id) WHERE kind = 'overstay' DO NOTHING;
  GET DIAGNOSTICS overstays = ROW_COUNT;
  RETURN jsonb_build_object('escalated', escalated, 'expired', expired, 'overstays', overstays);
END $$;

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA gh FROM PUBLIC;
GRANT EXECUTE ON FUNCTION gh.run_housekeeping(interval, interval) TO gatehouse_app;
