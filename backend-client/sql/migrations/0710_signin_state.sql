-- Issue 10, one sign-in: what the server remembers per person between attempts.
--   totp_last_step  the RFC 6238 time step of the last accepted code; a code of that step or
--                   an earlier one is refused (no replay within the ±1 step window).
--   last_failed_at  when the last failure was counted; failures older than the lock window
--                   no longer count (a sliding window), so rare mistakes never lock anyone.
-- Neither column is granted to any client role (like password_hash and totp_secret).
ALTER TABLE gh.person ADD COLUMN totp_last_step bigint, ADD COLUMN last_failed_at timestamptz;
