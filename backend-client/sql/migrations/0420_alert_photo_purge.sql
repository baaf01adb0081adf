-- Alert photos (gh.alert.photo_jpeg, 0610) follow the estate's photo retention (gh.purge_batch
-- 'photos') and subject erasure: the bytes go; their sha256 and the time they went stay here.
-- (0420 runs before 0610 on a fresh database, so nothing here may name photo_jpeg.)
ALTER TABLE gh.alert ADD COLUMN photo_sha256 text, ADD COLUMN photo_purged_at timestamptz;
