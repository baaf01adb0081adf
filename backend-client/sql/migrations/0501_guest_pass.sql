-- Guest pass links: the address and directions an estate shows on the page a guest opens.
-- (The link itself is signed by the server; nothing about it is stored.)
ALTER TABLE gh.estate
  ADD COLUMN guest_address text NOT NULL DEFAULT '' CHECK (length(guest_address) <= 300),
  ADD COLUMN guest_directions text NOT NULL DEFAULT '' CHECK (length(guest_directions) <= 1000);
