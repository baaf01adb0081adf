-- Issue 9, guard PINs (schema only; the functions are in 0311). The server verifies a PIN typed
-- at an online kiosk against a verifier no client role can read; kiosks receive a separate
-- Argon2id hash (>= 64 MiB) for offline approval; wrong PINs count per kiosk; an approval by PIN
-- records whether the server checked the PIN (online) or the kiosk did (offline).

-- bcrypt (pgcrypto) of the guard's 6-12 digit PIN: owner and SECURITY DEFINER functions only.
ALTER TABLE gh.person ADD COLUMN pin_verifier text;
-- Argon2id (m >= 64 MiB) of the same PIN, with its own salt: what kiosks cache for offline use.
ALTER TABLE gh.person ADD COLUMN pin_offline_hash text
  CHECK (pin_offline_hash IS NULL OR pin_offline_hash LIKE '$argon2id$%');
-- The old hashes were of 4-digit PINs and every kiosk holds them: void. Guards get new PINs
-- (`gatehouse-admin set-pin`, or `create-user --pin`).
ALTER TABLE gh.person DROP COLUMN pin_hash;

-- Per estate: how long PIN entry stays locked at a kiosk after pin_max_failures wrong PINs,
-- and how many visits a kiosk may approve by PIN while out of contact, per outage.
ALTER TABLE gh.estate ADD COLUMN pin_max_failures integer NOT NULL DEFAULT 5 CHECK (pin_max_failures > 0);
ALTER TABLE gh.estate ADD COLUMN pin_lock_minutes integer NOT NULL DEFAULT 15 CHECK (pin_lock_minutes > 0);
ALTER TABLE gh.estate ADD COLUMN offline_pin_approvals integer NOT NULL DEFAULT 3
  CHECK (offline_pin_approvals >= 0);

ALTER TABLE gh.kiosk ADD COLUMN pin_failures integer NOT NULL DEFAULT 0;
ALTER TABLE gh.kiosk ADD COLUMN pin_locked_until timestamptz;

-- Every PIN the server checked for a kiosk; an online approval names a successful one.
CREATE TABLE gh.kiosk_pin_check (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  estate_id  bigint NOT NULL REFERENCES gh.estate(id),
  kiosk_id   bigint NOT NULL REFERENCES gh.kiosk(id),
  guard_id   bigint REFERENCES gh.person(id),  -- NULL: the PIN matched no guard
  ok         boolean NOT NULL,
  checked_at timestamptz NOT NULL DEFAULT now(),
  visit_id   uuid REFERENCES gh.visit(id)      -- the approval that used it (once)
);
CREATE INDEX kiosk_pin_check_kiosk_idx ON gh.kiosk_pin_check (kiosk_id, checked_at DESC);
ALTER TABLE gh.kiosk_pin_check ENABLE ROW LEVEL SECURITY;
GRANT SELECT ON gh.kiosk_pin_check TO gatehouse_app;
CREATE POLICY kiosk_pin_check_staff ON gh.kiosk_pin_check FOR SELECT TO gatehouse_app
  USING (gh.i_am_staff() AND estate_id = gh.my_estate());

-- online: the server checked the PIN (gh.kiosk_guard_pin_check); offline: the kiosk did, from
-- its cache, while out of contact (listed for review as an offline_pin_approval alert).
ALTER TABLE gh.visit ADD COLUMN pin_mode text CHECK (pin_mode IN ('online', 'offline'));
