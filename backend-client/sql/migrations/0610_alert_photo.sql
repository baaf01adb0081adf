-- An alert may carry the photo that explains it: the last photo of a visitor whose face the kiosk
-- could not find, or of a visitor who called a guard. JPEG only, at most 2 MiB (the kiosk's
-- photos are ~100 KiB); gh.kiosk_raise_alert (0611) names a bad photo before this check sees it.
ALTER TABLE gh.alert ADD COLUMN photo_jpeg bytea
  CONSTRAINT alert_photo_is_jpeg CHECK (photo_jpeg IS NULL OR (length(photo_jpeg) BETWEEN 4 AND 2097152
    AND substring(photo_jpeg FROM 1 FOR 3) = '\xffd8ff'::bytea));
