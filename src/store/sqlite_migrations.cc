// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "store/sqlite_migrations.h"

#include <string>

namespace moderato::internal {
namespace {

// Version 1: banks, signals and the change log. STRICT tables (SQLite 3.37+)
// refuse values of the wrong type instead of converting them. Signal ids and
// change sequences use AUTOINCREMENT so that an id is never reused after a
// delete: a reader following the change log must never confuse a removed
// signal with a new one.
constexpr const char kMigration1[] = R"sql(
CREATE TABLE banks (
  id              INTEGER PRIMARY KEY,
  name            TEXT    NOT NULL UNIQUE,
  description     TEXT    NOT NULL DEFAULT '',
  enabled         INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  suppression     INTEGER NOT NULL DEFAULT 0 CHECK (suppression IN (0, 1)),
  pdq_threshold   INTEGER NOT NULL CHECK (pdq_threshold BETWEEN 0 AND 63),
  pdq_quality_min INTEGER NOT NULL CHECK (pdq_quality_min BETWEEN 0 AND 100),
  created_at      INTEGER NOT NULL
) STRICT;

CREATE TABLE signals (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  bank_id      INTEGER NOT NULL REFERENCES banks (id) ON DELETE CASCADE,
  type         INTEGER NOT NULL CHECK (type BETWEEN 0 AND 4),
  value        TEXT    NOT NULL,
  organisation TEXT    NOT NULL DEFAULT '',
  behaviours   TEXT    NOT NULL DEFAULT '[]',
  tags         TEXT    NOT NULL DEFAULT '[]',
  source       TEXT    NOT NULL DEFAULT '',
  external_id  TEXT    NOT NULL DEFAULT '',
  quality      INTEGER NOT NULL DEFAULT -1 CHECK (quality BETWEEN -1 AND 100),
  added_at     INTEGER NOT NULL,
  enabled      INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  -- (type, value) first: the uniqueness index doubles as the lookup of a
  -- value across banks (exact matching of MD5/SHA-256/URL).
  UNIQUE (type, value, bank_id)
) STRICT;

-- Per-bank scans in id order (ForEachSignal, Stats) and the cascade on delete.
CREATE INDEX signals_by_bank ON signals (bank_id);

CREATE TABLE signal_changes (
  sequence  INTEGER PRIMARY KEY AUTOINCREMENT,
  kind      INTEGER NOT NULL CHECK (kind IN (0, 1, 2)),
  signal_id INTEGER NOT NULL,
  bank      TEXT    NOT NULL
) STRICT;
)sql";

// Version 2: the counter-narrative library (docs/counter.md, "Schema").
// counter_items holds one row per item: its latest version, the version that
// may be served (the latest approved one; NULL when none was approved or the
// item is retired) and the item's status. counter_versions keeps every
// version, never deleted: the record of who wrote and approved what. List
// fields are JSON arrays of strings; sources are flattened as
// [claim, source, claim, source, ...].
constexpr const char kMigration2[] = R"sql(
CREATE TABLE counter_items (
  id               TEXT    PRIMARY KEY,
  latest_version   INTEGER NOT NULL CHECK (latest_version >= 1),
  servable_version INTEGER CHECK (servable_version BETWEEN 1 AND latest_version),
  status           TEXT    NOT NULL CHECK (status IN ('draft', 'approved', 'retired'))
) STRICT, WITHOUT ROWID;

CREATE TABLE counter_versions (
  item_id            TEXT    NOT NULL REFERENCES counter_items (id) ON DELETE CASCADE,
  version            INTEGER NOT NULL CHECK (version >= 1),
  status             TEXT    NOT NULL CHECK (status IN ('draft', 'approved', 'retired')),
  language           TEXT    NOT NULL,
  title              TEXT    NOT NULL,
  body               TEXT    NOT NULL,
  link               TEXT    NOT NULL DEFAULT '',
  format             TEXT    NOT NULL,
  themes             TEXT    NOT NULL DEFAULT '[]',
  strategy           TEXT    NOT NULL,
  audience           TEXT    NOT NULL DEFAULT '[]',
  messenger_name     TEXT    NOT NULL,
  messenger_kind     TEXT    NOT NULL,
  messenger_verified INTEGER NOT NULL DEFAULT 0 CHECK (messenger_verified IN (0, 1)),
  endorsements       TEXT    NOT NULL DEFAULT '[]',
  licence            TEXT    NOT NULL DEFAULT '',
  starter            INTEGER NOT NULL DEFAULT 0 CHECK (starter IN (0, 1)),
  sources            TEXT    NOT NULL DEFAULT '[]',
  owner              TEXT    NOT NULL DEFAULT '',
  updated_at         INTEGER NOT NULL,
  updated_by         TEXT    NOT NULL DEFAULT '',
  approved_at        INTEGER NOT NULL DEFAULT 0,
  approved_by        TEXT    NOT NULL DEFAULT '',
  PRIMARY KEY (item_id, version)
) STRICT, WITHOUT ROWID;
)sql";

// Version 3: redirect campaigns (docs/redirect.md, "Schema"). campaigns
// holds each campaign; triggers are a flat JSON array of strings
// [language, term, mode, language, term, mode, ...] and the playlist a JSON
// array of item ids. campaign_metrics holds ONLY aggregate counters per
// campaign x day x language, incremented by UPSERT: never a user, an IP
// address, a query or a time finer than the day. No foreign key to
// campaigns: metrics outlive a deleted campaign.
constexpr const char kMigration3[] = R"sql(
CREATE TABLE campaigns (
  id        TEXT    PRIMARY KEY,
  name      TEXT    NOT NULL DEFAULT '',
  triggers  TEXT    NOT NULL DEFAULT '[]',
  playlist  TEXT    NOT NULL DEFAULT '[]',
  starts_at INTEGER NOT NULL DEFAULT 0,
  ends_at   INTEGER NOT NULL DEFAULT 0,
  enabled   INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  owner     TEXT    NOT NULL DEFAULT ''
) STRICT, WITHOUT ROWID;

CREATE TABLE campaign_metrics (
  campaign    TEXT    NOT NULL,
  day         TEXT    NOT NULL,
  language    TEXT    NOT NULL,
  impressions INTEGER NOT NULL DEFAULT 0 CHECK (impressions >= 0),
  clicks      INTEGER NOT NULL DEFAULT 0 CHECK (clicks >= 0),
  PRIMARY KEY (campaign, day, language)
) STRICT, WITHOUT ROWID;
)sql";

// Version 4: the moderation service (include/moderato/store/moderation_store.h,
// docs/server.md). Bank tenancy: banks.owner is '' for a global bank (managed
// from the CLI, visible to every organisation) or the owning organisation.
// api_keys keep only a per-key salt and SHA-256(salt || secret), both hex;
// the token is never stored. items are unique per (org, external_id), which
// makes submissions idempotent. cases_queue serves the review queue (open
// cases of an organisation by priority); cases_one_appeal allows one appeal
// per decided case. Case labels are a JSON array of strings, filtered by
// exact element with json_each. audit_log is the hash chain: seq is assigned
// as max(seq) + 1 inside the writer's BEGIN IMMEDIATE transaction, so every
// process appends to one gapless chain. webhook_outbox holds callbacks
// written in the same transaction as the decision they report.
constexpr const char kMigration4[] = R"sql(
ALTER TABLE banks ADD COLUMN owner TEXT NOT NULL DEFAULT '';

CREATE TABLE organisations (
  name           TEXT    PRIMARY KEY,
  created_at     INTEGER NOT NULL,
  webhook_url    TEXT    NOT NULL DEFAULT '',
  webhook_secret TEXT    NOT NULL DEFAULT ''
) STRICT, WITHOUT ROWID;

CREATE TABLE api_keys (
  id          TEXT    PRIMARY KEY,
  org         TEXT    NOT NULL REFERENCES organisations (name),
  role        TEXT    NOT NULL
              CHECK (role IN ('admin', 'reviewer', 'integrator', 'analyst', 'editor')),
  label       TEXT    NOT NULL DEFAULT '',
  salt        TEXT    NOT NULL,
  secret_hash TEXT    NOT NULL,
  created_at  INTEGER NOT NULL,
  revoked_at  INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;

CREATE INDEX api_keys_by_org ON api_keys (org, created_at);

CREATE TABLE items (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  org            TEXT    NOT NULL REFERENCES organisations (name),
  external_id    TEXT    NOT NULL,
  request_digest TEXT    NOT NULL DEFAULT '',
  language       TEXT    NOT NULL DEFAULT '',
  action         TEXT    NOT NULL,
  policy_version TEXT    NOT NULL DEFAULT '',
  verdict_json   TEXT    NOT NULL DEFAULT '{}',
  evidence_json  TEXT    NOT NULL DEFAULT '{}',
  created_at     INTEGER NOT NULL,
  case_id        INTEGER NOT NULL DEFAULT 0,
  UNIQUE (org, external_id)
) STRICT;

CREATE TABLE cases (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  org               TEXT    NOT NULL REFERENCES organisations (name),
  item_id           INTEGER NOT NULL REFERENCES items (id),
  kind              TEXT    NOT NULL CHECK (kind IN ('review', 'appeal')),
  status            TEXT    NOT NULL CHECK (status IN ('open', 'decided')),
  priority          REAL    NOT NULL DEFAULT 0,
  language          TEXT    NOT NULL DEFAULT '',
  labels            TEXT    NOT NULL DEFAULT '[]',
  deadline          INTEGER NOT NULL DEFAULT 0,
  claimed_by        TEXT    NOT NULL DEFAULT '',
  lease_until       INTEGER NOT NULL DEFAULT 0,
  parent_case_id    INTEGER REFERENCES cases (id),
  excluded_reviewer TEXT    NOT NULL DEFAULT '',
  appeal_reason     TEXT    NOT NULL DEFAULT '',
  created_at        INTEGER NOT NULL,
  decided_at        INTEGER NOT NULL DEFAULT 0,
  CHECK ((kind = 'appeal') = (parent_case_id IS NOT NULL))
) STRICT;

CREATE INDEX cases_queue ON cases (org, status, priority DESC, id);
CREATE UNIQUE INDEX cases_one_appeal ON cases (parent_case_id) WHERE parent_case_id IS NOT NULL;

CREATE TABLE decisions (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  case_id   INTEGER NOT NULL UNIQUE REFERENCES cases (id),
  org       TEXT    NOT NULL,
  reviewer  TEXT    NOT NULL,
  decision  TEXT    NOT NULL,
  policy    TEXT    NOT NULL DEFAULT '',
  reason    TEXT    NOT NULL,
  exemption TEXT    NOT NULL DEFAULT '',
  at        INTEGER NOT NULL
) STRICT;

CREATE TABLE audit_log (
  seq       INTEGER PRIMARY KEY,
  at        INTEGER NOT NULL,
  org       TEXT    NOT NULL DEFAULT '',
  actor     TEXT    NOT NULL,
  action    TEXT    NOT NULL,
  subject   TEXT    NOT NULL DEFAULT '',
  details   TEXT    NOT NULL DEFAULT '{}',
  prev_hash TEXT    NOT NULL,
  hash      TEXT    NOT NULL
) STRICT;

CREATE INDEX audit_by_org ON audit_log (org, seq);

CREATE TABLE webhook_outbox (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  org             TEXT    NOT NULL,
  url             TEXT    NOT NULL,
  event           TEXT    NOT NULL,
  payload         TEXT    NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  status          TEXT    NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'delivered', 'failed')),
  last_error      TEXT    NOT NULL DEFAULT '',
  created_at      INTEGER NOT NULL,
  delivered_at    INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE INDEX outbox_due ON webhook_outbox (status, next_attempt_at, id);
)sql";

// Version 5: what `moderato serve` needs to follow the counter library and the
// campaigns cheaply, and to sign redirect click tokens (docs/server.md).
// change_generations holds one counter per watched table, bumped by triggers
// whichever process or connection writes: for campaigns on every insert,
// update and delete (INSERT OR REPLACE fires the insert trigger); for the
// counter library only when what it serves changes (servable_version: an
// approval, a retirement), not for drafts. A server compares it, one indexed
// row, instead of re-reading the tables. settings holds named values
// created on first use, such as the click-token secret.
constexpr const char kMigration5[] = R"sql(
CREATE TABLE change_generations (
  name       TEXT    PRIMARY KEY,
  generation INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;
INSERT INTO change_generations (name, generation) VALUES ('counter_items', 0), ('campaigns', 0);

CREATE TRIGGER counter_items_inserted AFTER INSERT ON counter_items
WHEN NEW.servable_version IS NOT NULL BEGIN
  UPDATE change_generations SET generation = generation + 1 WHERE name = 'counter_items';
END;
CREATE TRIGGER counter_items_updated AFTER UPDATE ON counter_items
WHEN NEW.servable_version IS NOT OLD.servable_version BEGIN
  UPDATE change_generations SET generation = generation + 1 WHERE name = 'counter_items';
END;
CREATE TRIGGER counter_items_deleted AFTER DELETE ON counter_items BEGIN
  UPDATE change_generations SET generation = generation + 1 WHERE name = 'counter_items';
END;
CREATE TRIGGER campaigns_inserted AFTER INSERT ON campaigns BEGIN
  UPDATE change_generations SET generation = generation + 1 WHERE name = 'campaigns';
END;
CREATE TRIGGER campaigns_updated AFTER UPDATE ON campaigns BEGIN
  UPDATE change_generations SET generation = generation + 1 WHERE name = 'campaigns';
END;
CREATE TRIGGER campaigns_deleted AFTER DELETE ON campaigns BEGIN
  UPDATE change_generations SET generation = generation + 1 WHERE name = 'campaigns';
END;

CREATE TABLE settings (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT, WITHOUT ROWID;
)sql";

constexpr const char* const kMigrations[] = {kMigration1, kMigration2, kMigration3, kMigration4,
                                             kMigration5};

}  // namespace

std::span<const char* const> SqliteMigrations() { return kMigrations; }

std::int64_t LatestSchemaVersion() { return static_cast<std::int64_t>(std::size(kMigrations)); }

Status ApplyMigrations(SqliteDb& db, const std::string& path) {
  const std::int64_t latest = LatestSchemaVersion();
  for (;;) {
    // Each step re-reads the version under the write lock, so two processes
    // opening a new file at once apply each migration exactly once.
    WriteTransaction txn(db);
    MODERATO_RETURN_IF_ERROR(txn.Begin("migrating '" + path + "'"));
    MODERATO_ASSIGN_OR_RETURN(std::int64_t version,
                              db.QueryInt64("PRAGMA user_version", "reading schema version"));
    MODERATO_ASSIGN_OR_RETURN(std::int64_t application_id,
                              db.QueryInt64("PRAGMA application_id", "reading application id"));
    if (application_id != 0 && application_id != kModeratoApplicationId) {
      return InvalidArgumentError("'" + path +
                                  "' is a SQLite database of another application "
                                  "(application_id " +
                                  std::to_string(application_id) + "), not a Moderato bank store");
    }
    if (version > latest) {
      return FailedPreconditionError("'" + path + "' has schema version " +
                                     std::to_string(version) + ", newer than this build of " +
                                     "Moderato understands (" + std::to_string(latest) +
                                     "); use a newer moderato");
    }
    if (version < 0) {
      return DataLossError("'" + path + "' has a negative schema version " +
                           std::to_string(version));
    }
    if (version == latest) return OkStatus();  // the transaction only read
    if (version == 0) {
      MODERATO_ASSIGN_OR_RETURN(
          std::int64_t objects,
          db.QueryInt64("SELECT count(*) FROM sqlite_schema", "reading the schema"));
      if (objects != 0) {
        return InvalidArgumentError("'" + path +
                                    "' is a SQLite database that Moderato did not create "
                                    "(it has tables but no schema version)");
      }
    }
    const std::string step =
        "migrating '" + path + "' to schema version " + std::to_string(version + 1);
    MODERATO_RETURN_IF_ERROR(db.Exec(kMigrations[version], step));
    // PRAGMA arguments cannot be bound; both values are integers we format.
    std::string pragmas = "PRAGMA user_version = " + std::to_string(version + 1) +
                          "; PRAGMA application_id = " + std::to_string(kModeratoApplicationId);
    MODERATO_RETURN_IF_ERROR(db.Exec(pragmas.c_str(), step));
    MODERATO_RETURN_IF_ERROR(txn.Commit(step));
  }
}

// Sets the connection up: the durability and integrity pragmas, then the
// schema. The first read doubles as the "is this SQLite at all?" probe.
Status ConfigureConnection(SqliteDb& db, const std::string& path, int busy_timeout_ms) {
  sqlite3_busy_timeout(db.get(), busy_timeout_ms);
  Result<std::int64_t> probe = db.QueryInt64("SELECT count(*) FROM sqlite_schema", "probe");
  if (!probe.ok()) {
    switch (probe.status().code()) {
      case StatusCode::kInvalidArgument:
        return InvalidArgumentError("'" + path + "' is not a SQLite database (" +
                                    probe.status().message() + ")");
      case StatusCode::kDataLoss:
        return DataLossError("'" + path + "' is a corrupt SQLite database (" +
                             probe.status().message() + ")");
      default:
        return probe.status().WithContext("opening '" + path + "'");
    }
  }
  MODERATO_ASSIGN_OR_RETURN(std::string journal_mode,
                            db.QueryText("PRAGMA journal_mode = WAL", "enabling WAL"));
  // An in-memory database reports "memory": there is nothing to make durable.
  if (journal_mode != "wal" && journal_mode != "memory") {
    return FailedPreconditionError("'" + path + "': could not switch to WAL mode (journal_mode " +
                                   journal_mode + "); is it on a network file system?");
  }
  // FULL: every commit syncs the WAL, so an acknowledged write survives power
  // loss (NORMAL would only survive a process crash). journal_size_limit
  // trims the WAL after a large import has been checkpointed.
  MODERATO_RETURN_IF_ERROR(db.Exec(
      "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA journal_size_limit = 67108864; "
      "PRAGMA cache_size = -65536",
      "opening '" + path + "'"));
  MODERATO_ASSIGN_OR_RETURN(std::int64_t foreign_keys,
                            db.QueryInt64("PRAGMA foreign_keys", "checking foreign keys"));
  if (foreign_keys != 1) {
    return InternalError("this SQLite build does not enforce foreign keys");
  }
  return ApplyMigrations(db, path);
}

}  // namespace moderato::internal
