-- Domain tables for estates, people, kiosks, visitors, visits, invitations and evidence.
-- Everything lives in schema `gh`; roles and row-level security come in 0002.
CREATE SCHEMA IF NOT EXISTS gh;

CREATE TYPE gh.person_role AS ENUM ('resident', 'guard', 'admin');
CREATE TYPE gh.visit_status AS ENUM ('pending', 'approved', 'denied', 'expired', 'cancelled',
                                     'checked_in', 'checked_out');
CREATE TYPE gh.decision_channel AS ENUM ('resident', 'guard', 'magic_link', 'invitation', 'guard_pin');
CREATE TYPE gh.evidence_kind AS ENUM ('entry_photo', 'exit_photo', 'id_scan', 'badge');
CREATE TYPE gh.invitation_kind AS ENUM ('single', 'recurring', 'event');

CREATE TABLE gh.estate (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  timezone   text NOT NULL DEFAULT 'UTC',
  -- directory_shows_names: kiosk directory shows full surnames, not just an initial
  directory_shows_names boolean NOT NULL DEFAULT false,
  approval_timeout_s    integer NOT NULL DEFAULT 90 CHECK (approval_timeout_s > 0),
  default_stay_minutes  integer NOT NULL DEFAULT 240 CHECK (default_stay_minutes > 0),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Ed25519 keys that sign invitation passes. Kiosks only ever read public keys.
CREATE TABLE gh.estate_key (
  estate_id  bigint NOT NULL REFERENCES gh.estate(id),
  key_id     smallint NOT NULL CHECK (key_id BETWEEN 1 AND 255),
  public_key bytea NOT NULL CHECK (length(public_key) = 32),
  secret_key bytea NOT NULL CHECK (length(secret_key) = 64),
  active     boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (estate_id, key_id)
);

CREATE TABLE gh.unit (
  id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  estate_id bigint NOT NULL REFERENCES gh.estate(id),
  building  text NOT NULL DEFAULT '',
  label     text NOT NULL CHECK (length(label) BETWEEN 1 AND 32),
  floor     integer,
  UNIQUE (estate_id, label)
);

CREATE TABLE gh.person (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  estate_id     bigint NOT NULL REFERENCES gh.estate(id),
  unit_id       bigint REFERENCES gh.unit(id),
  role          gh.person_role NOT NULL,
  full_name     text NOT NULL CHECK (length(full_name) BETWEEN 1 AND 200),
  email         text NOT NULL CHECK (email ~ '^[^@\s]+@[^@\s]+$'),
  phone         text,
  password_hash text,            -- Argon2id, libsodium's crypto_pwhash_str format
  totp_secret   text,            -- base32; NULL = no second factor
  failed_logins integer NOT NULL DEFAULT 0,
  locked_until  timestamptz,
  notify_email  boolean NOT NULL DEFAULT true,
  webhook_url   text,
  active        boolean NOT NULL DEFAULT true,
  created_at    timestamptz NOT NULL DEFAULT now(),
  CHECK ((role = 'resident') = (unit_id IS NOT NULL))
);
CREATE UNIQUE INDEX person_email_uq ON gh.person (lower(email));
CREATE INDEX person_unit_idx ON gh.person (unit_id);

CREATE TABLE gh.kiosk (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  estate_id        bigint NOT NULL REFERENCES gh.estate(id),
  name             text NOT NULL,
  location         text NOT NULL DEFAULT '',
  token_hash       text NOT NULL,  -- sha256 hex of the kiosk's secret token
  last_heartbeat   timestamptz,
  current_screen   text,
  device_health    jsonb NOT NULL DEFAULT '{}',
  outbox_depth     integer NOT NULL DEFAULT 0,
  software_version text,
  UNIQUE (estate_id, name)
);

CREATE TABLE gh.visitor (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  estate_id     bigint NOT NULL REFERENCES gh.estate(id),
  full_name     text NOT NULL,
  phone         text,
  document_type text,
  document_hash text,  -- sha256 of the normalised document number; the number itself is never stored
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX visitor_doc_idx ON gh.visitor (estate_id, document_hash) WHERE document_hash IS NOT NULL;

CREATE TABLE gh.invitation (
  id             uuid PRIMARY KEY,
  estate_id      bigint NOT NULL REFERENCES gh.estate(id),
  host_id        bigint NOT NULL REFERENCES gh.person(id),
  unit_id        bigint NOT NULL REFERENCES gh.unit(id),
  kind           gh.invitation_kind NOT NULL DEFAULT 'single',
  event_name     text,
  guest_name     text NOT NULL,
  guest_phone    text,
  valid_from     timestamptz NOT NULL,
  valid_until    timestamptz NOT NULL,
  weekdays       smallint NOT NULL DEFAULT 127 CHECK (weekdays BETWEEN 1 AND 127),
  day_start_min  smallint NOT NULL DEFAULT 0 CHECK (day_start_min BETWEEN 0 AND 1440),
  day_end_min    smallint NOT NULL DEFAULT 1440 CHECK (day_end_min BETWEEN 0 AND 1440),
  max_uses       integer NOT NULL DEFAULT 1 CHECK (max_uses >= 0),  -- 0 = unlimited
  uses           integer NOT NULL DEFAULT 0,
  key_id         smallint NOT NULL DEFAULT 1,
  revoked_at     timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  CHECK (valid_until > valid_from)
);
CREATE INDEX invitation_host_idx ON gh.invitation (host_id, created_at DESC);
CREATE INDEX invitation_revoked_idx ON gh.invitation (estate_id, revoked_at) WHERE revoked_at IS NOT NULL;

CREATE TABLE gh.visit (
  id               uuid PRIMARY KEY,  -- generated by the client: the idempotency key
  estate_id        bigint NOT NULL REFERENCES gh.estate(id),
  unit_id          bigint NOT NULL REFERENCES gh.unit(id),
  visitor_id       bigint NOT NULL REFERENCES gh.visitor(id),
  purpose          text NOT NULL DEFAULT '',
  kiosk_id         bigint REFERENCES gh.kiosk(id),
  invitation_id    uuid REFERENCES gh.invitation(id),
  status           gh.visit_status NOT NULL,
  held             boolean NOT NULL DEFAULT false,  -- watchlist hit: only guards may decide
  requested_at     timestamptz NOT NULL DEFAULT now(),
  decided_at       timestamptz,
  decided_by       bigint REFERENCES gh.person(id),
  decision_channel gh.decision_channel,
  decision_reason  text,
  escalated_at     timestamptz,
  entered_at       timestamptz,
  exited_at        timestamptz,
  exit_kiosk_id    bigint REFERENCES gh.kiosk(id),
  expected_exit_at timestamptz,
  exit_token_hash  text,
  CHECK (status <> 'pending' OR decided_at IS NULL),
  CHECK (status NOT IN ('checked_in', 'checked_out') OR entered_at IS NOT NULL),
  CHECK (status <> 'checked_out' OR exited_at IS NOT NULL)
);
CREATE INDEX visit_unit_idx ON gh.visit (unit_id, requested_at DESC);
CREATE INDEX visit_estate_time_idx ON gh.visit (estate_id, requested_at DESC);
CREATE INDEX visit_pending_idx ON gh.visit (estate_id, requested_at) WHERE status = 'pending';
CREATE INDEX visit_onsite_idx ON gh.visit (estate_id, entered_at) WHERE status = 'checked_in';
CREATE INDEX visit_visitor_idx ON gh.visit (visitor_id);

-- Photos and scans. Each kiosk's evidence forms a hash chain: chain_sha256 covers the
-- previous link, so deleting or editing a record breaks every later link.
CREATE TABLE gh.evidence (
  id           uuid PRIMARY KEY,
  estate_id    bigint NOT NULL REFERENCES gh.estate(id),
  visit_id     uuid NOT NULL REFERENCES gh.visit(id),
  kiosk_id     bigint REFERENCES gh.kiosk(id),
  kind         gh.evidence_kind NOT NULL,
  content_type text NOT NULL DEFAULT 'image/jpeg',
  data         bytea NOT NULL,
  sha256       text NOT NULL,
  prev_chain   text,
  chain_sha256 text NOT NULL,
  seq          bigint GENERATED ALWAYS AS IDENTITY,
  captured_at  timestamptz NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX evidence_visit_idx ON gh.evidence (visit_id);
CREATE INDEX evidence_chain_idx ON gh.evidence (kiosk_id, seq DESC);

CREATE TABLE gh.watchlist (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  estate_id   bigint NOT NULL REFERENCES gh.estate(id),
  full_name   text,
  name_key    text,  -- normalised for matching (lower case, no diacritics, transliterated)
  document_hash text,
  reason      text NOT NULL,
  added_by    bigint REFERENCES gh.person(id),
  active      boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (name_key IS NOT NULL OR document_hash IS NOT NULL)
);

CREATE TABLE gh.report (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  estate_id   bigint NOT NULL REFERENCES gh.estate(id),
  visit_id    uuid NOT NULL REFERENCES gh.visit(id),
  reporter_id bigint NOT NULL REFERENCES gh.person(id),
  reason      text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Things a guard must see and acknowledge.
CREATE TABLE gh.alert (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  estate_id       bigint NOT NULL REFERENCES gh.estate(id),
  kind            text NOT NULL,  -- watchlist_hit, approval_timeout, unknown_badge, printer_fault, kiosk_offline, overstay, report...
  visit_id        uuid REFERENCES gh.visit(id),
  kiosk_id        bigint REFERENCES gh.kiosk(id),
  details         jsonb NOT NULL DEFAULT '{}',
  created_at      timestamptz NOT NULL DEFAULT now(),
  acknowledged_by bigint REFERENCES gh.person(id),
  acknowledged_at timestamptz
);
CREATE INDEX alert_open_idx ON gh.alert (estate_id, created_at DESC) WHERE acknowledged_at IS NULL;

CREATE TABLE gh.notification (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  estate_id  bigint NOT NULL REFERENCES gh.estate(id),
  person_id  bigint NOT NULL REFERENCES gh.person(id),
  kind       text NOT NULL,
  payload    jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  read_at    timestamptz
);
CREATE INDEX notification_person_idx ON gh.notification (person_id, created_at DESC);

CREATE TABLE gh.audit_log (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  estate_id   bigint,
  actor_person bigint,
  actor_kiosk  bigint,
  action      text NOT NULL,
  subject     text,
  details     jsonb NOT NULL DEFAULT '{}',
  at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_subject_idx ON gh.audit_log (subject);

-- The audit log and evidence are append-only, whoever asks.
CREATE FUNCTION gh.forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'GH403';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON gh.audit_log
  FOR EACH ROW EXECUTE FUNCTION gh.forbid_change();
CREATE TRIGGER evidence_append_only BEFORE UPDATE OR DELETE ON gh.evidence
  FOR EACH ROW EXECUTE FUNCTION gh.forbid_change();
