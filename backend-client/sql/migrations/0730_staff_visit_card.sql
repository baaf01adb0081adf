-- Issue 10, staff API: the visit + visitor + unit + kiosk join written once, for the server's
-- staff routes. security_invoker: the caller's row-level security applies, as on the tables.
CREATE VIEW gh.visit_card WITH (security_invoker = true) AS
SELECT v.id AS visit_id, v.estate_id, v.unit_id, u.label AS unit_label, v.visitor_id,
       vr.full_name AS visitor_name, coalesce(vr.phone, '') AS visitor_phone, v.purpose,
       v.kiosk_id, k.name AS kiosk_name, v.status, v.held, v.escalated_at IS NOT NULL AS escalated,
       v.decision_channel, coalesce(v.decision_reason, '') AS decision_reason,
       v.requested_at, v.decided_at, v.entered_at, v.exited_at, v.expected_exit_at,
       (extract(epoch FROM v.requested_at) * 1000)::bigint AS requested_ms,
       (extract(epoch FROM v.decided_at) * 1000)::bigint AS decided_ms,
       (extract(epoch FROM v.entered_at) * 1000)::bigint AS entered_ms,
       (extract(epoch FROM v.exited_at) * 1000)::bigint AS exited_ms,
       (extract(epoch FROM v.expected_exit_at) * 1000)::bigint AS expected_exit_ms,
       -- the host household's phones (active residents of the unit), for "called the resident"
       (SELECT coalesce(array_agg(p.phone ORDER BY p.id), '{}') FROM gh.person p
         WHERE p.unit_id = v.unit_id AND p.role = 'resident' AND p.active
           AND coalesce(p.phone, '') <> '') AS host_phones,
       (SELECT e.id FROM gh.evidence e WHERE e.visit_id = v.id AND e.kind = 'entry_photo'
         ORDER BY e.captured_at DESC LIMIT 1) AS photo_id
  FROM gh.visit v
  JOIN gh.visitor vr ON vr.id = v.visitor_id
  JOIN gh.unit u ON u.id = v.unit_id
  LEFT JOIN gh.kiosk k ON k.id = v.kiosk_id;

GRANT SELECT ON gh.visit_card TO gatehouse_app;
