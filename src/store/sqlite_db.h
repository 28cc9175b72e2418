// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Thin RAII wrappers over the SQLite C API for the store module: a
// connection, a prepared statement, a write transaction, and the mapping of
// SQLite result codes to Status. Private to src/store/.
//
// Thread safety: none. The owner (SqliteBankStore) serialises every use of a
// connection and of its statements with its own mutex.

#ifndef MODERATO_STORE_SQLITE_DB_H_
#define MODERATO_STORE_SQLITE_DB_H_

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "moderato/status.h"

namespace moderato::internal {

// Returns a Status for the SQLite result code `rc` (primary or extended):
// "`operation`: <sqlite message> (<code name>)". BUSY/LOCKED become
// kUnavailable, CONSTRAINT kFailedPrecondition, NOTADB kInvalidArgument,
// CORRUPT kDataLoss, FULL/NOMEM/TOOBIG kResourceExhausted, I/O and open
// failures kUnavailable, the rest kInternal. `db` may be null.
Status SqliteError(sqlite3* db, int rc, std::string_view operation);

// A prepared statement. Binds by 1-based index like the C API.
class SqliteStatement {
 public:
  SqliteStatement() = default;
  ~SqliteStatement();

  // Move-only: a statement is owned by one place and finalized once.
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&& other) noexcept;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  // Compiles `sql` (one statement) for `db`, which must outlive this object.
  static Result<SqliteStatement> Prepare(sqlite3* db, std::string_view sql);

  // Text is bound without a copy: the bytes must stay alive until Reset().
  void BindInt64(int index, std::int64_t value);
  void BindText(int index, std::string_view value);
  void BindNull(int index);

  // Returns true when a row is available, false when the statement is done.
  Result<bool> Step();
  // Steps a statement that returns no rows, then resets it.
  Status Run();
  // Rewinds the statement and clears its bindings; safe to call at any time.
  void Reset();

  std::int64_t ColumnInt64(int index) const;
  // Valid until the next Step() or Reset().
  std::string_view ColumnText(int index) const;
  bool ColumnIsNull(int index) const;

  sqlite3_stmt* get() const { return stmt_; }

 private:
  explicit SqliteStatement(sqlite3_stmt* stmt) : stmt_(stmt) {}

  sqlite3_stmt* stmt_ = nullptr;
  int bind_rc_ = SQLITE_OK;  // the first failed bind since Reset()
};

// Resets a statement when leaving a scope, so an early return never leaves
// it holding a read transaction open or pointing at dead bound bytes.
class ScopedReset {
 public:
  explicit ScopedReset(SqliteStatement& stmt) : stmt_(stmt) {}
  ~ScopedReset() { stmt_.Reset(); }
  ScopedReset(const ScopedReset&) = delete;
  ScopedReset& operator=(const ScopedReset&) = delete;

 private:
  SqliteStatement& stmt_;
};

// An open connection.
class SqliteDb {
 public:
  SqliteDb() = default;
  ~SqliteDb();

  // Move-only: closing twice would be a use after free.
  SqliteDb(SqliteDb&& other) noexcept;
  SqliteDb& operator=(SqliteDb&& other) noexcept;
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Opens `path` read-write, creating it if needed, with extended result
  // codes, in SQLite's multi-thread mode (the caller serialises access).
  static Result<SqliteDb> Open(const std::string& path);

  // Runs one or more statements that return no rows.
  Status Exec(const char* sql, std::string_view operation);
  // Runs a query returning one integer (e.g. a PRAGMA).
  Result<std::int64_t> QueryInt64(const char* sql, std::string_view operation);
  // Runs a query returning one text value (e.g. PRAGMA journal_mode=WAL).
  Result<std::string> QueryText(const char* sql, std::string_view operation);

  sqlite3* get() const { return db_; }

 private:
  explicit SqliteDb(sqlite3* db) : db_(db) {}

  sqlite3* db_ = nullptr;
};

// A write transaction: BEGIN IMMEDIATE takes the write lock up front (waiting
// up to the busy timeout), so it never fails half-way with SQLITE_BUSY on
// upgrade. Rolled back on destruction unless Commit() succeeded.
class WriteTransaction {
 public:
  explicit WriteTransaction(SqliteDb& db) : db_(db) {}
  ~WriteTransaction();
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;

  Status Begin(std::string_view operation);
  Status Commit(std::string_view operation);

 private:
  SqliteDb& db_;
  bool open_ = false;
};

}  // namespace moderato::internal

#endif  // MODERATO_STORE_SQLITE_DB_H_
