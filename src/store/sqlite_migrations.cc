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

constexpr const char* const kMigrations[] = {kMigration1};

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

}  // namespace moderato::internal
