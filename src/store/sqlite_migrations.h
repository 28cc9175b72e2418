// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Schema migrations of the SQLite bank store. The schema version lives in
// PRAGMA user_version; migration i (1-based) takes a database from version
// i-1 to i in its own transaction. Migrations are append-only: never edit
// one that has shipped, add a new one (docs/banks.md, "Migrations").

#ifndef MODERATO_STORE_SQLITE_MIGRATIONS_H_
#define MODERATO_STORE_SQLITE_MIGRATIONS_H_

#include <cstdint>
#include <span>
#include <string>

#include "moderato/status.h"
#include "store/sqlite_db.h"

namespace moderato::internal {

// PRAGMA application_id of Moderato databases ("MODR" in ASCII).
inline constexpr std::int64_t kModeratoApplicationId = 0x4d4f4452;

// The SQL scripts, in order; the schema version is the number applied.
std::span<const char* const> SqliteMigrations();

// Returns the schema version this build creates and understands.
std::int64_t LatestSchemaVersion();

// Brings `db` to LatestSchemaVersion(). Fails with kFailedPrecondition if
// the database is newer than this build, or belongs to another application
// (a different non-zero application_id); `path` names it in messages.
Status ApplyMigrations(SqliteDb& db, const std::string& path);

// Sets a new connection up for the bank and counter stores: the busy
// timeout, the "is this SQLite at all?" probe, WAL, synchronous=FULL,
// foreign keys (checked), then the migrations. Errors name `path`.
Status ConfigureConnection(SqliteDb& db, const std::string& path, int busy_timeout_ms);

}  // namespace moderato::internal

#endif  // MODERATO_STORE_SQLITE_MIGRATIONS_H_
