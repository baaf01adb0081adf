-- A decision taken from a push notification is recorded as channel `push` (it was `magic_link`).
-- The function that accepts it, gh.decide_visit, lives in sql/functions/20_lifecycle.sql.
ALTER TYPE gh.decision_channel ADD VALUE IF NOT EXISTS 'push';
