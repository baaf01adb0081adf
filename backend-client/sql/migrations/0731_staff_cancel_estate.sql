-- Issue 10, staff API: cancelling a visit of another estate answered success (the UPDATE matched
-- nothing, so nothing changed, but the caller could not tell). It is now "not found", checked
-- before the row lock so the other estate's visit status is not revealed either.
CREATE OR REPLACE FUNCTION gh.cancel_visit(p_visit uuid) RETURNS void LANGUAGE plpgsql SECURITY DEFINER
SET search_path = gh, pg_temp AS $$
BEGIN
  IF NOT gh.i_am_staff() THEN
    RAISE EXCEPTION 'only guards can cancel a visit' USING ERRCODE = 'GH403', DETAIL = 'staff_only';
  END IF;
  PERFORM 1 FROM gh.visit WHERE id = p_visit AND estate_id = gh.my_estate();
  IF NOT FOUND THEN
    RAISE EXCEPTION 'visit % not found', p_visit USING ERRCODE = 'GH404', DETAIL = 'visit_not_found';
  END IF;
  PERFORM gh.lock_visit(p_visit, 'cancelled');
  UPDATE gh.visit SET status = 'cancelled' WHERE id = p_visit AND estate_id = gh.my_estate();
END $$;

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA gh FROM PUBLIC;
GRANT EXECUTE ON FUNCTION gh.cancel_visit(uuid) TO gatehouse_app;
