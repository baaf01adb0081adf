-- Issue 9: document hashes become HMAC-SHA256 keyed with the estate's pepper, which lives with the
-- server and the kiosks (credential `document-pepper`), never here. Rows stored before are unkeyed
-- sha256 digests until `gatehouse-admin rehash-documents --pepper-file F` rekeys them from those
-- digests (HMAC over the digest: no document number is needed). New rows arrive keyed.
ALTER TABLE gh.visitor ADD COLUMN document_hash_keyed boolean NOT NULL DEFAULT false;
ALTER TABLE gh.visitor ALTER COLUMN document_hash_keyed SET DEFAULT true;
ALTER TABLE gh.watchlist ADD COLUMN document_hash_keyed boolean NOT NULL DEFAULT false;
ALTER TABLE gh.watchlist ALTER COLUMN document_hash_keyed SET DEFAULT true;
COMMENT ON COLUMN gh.visitor.document_hash IS
  'HMAC-SHA256(estate pepper, sha256hex(normalised number)) hex; unkeyed sha256 while NOT document_hash_keyed';
