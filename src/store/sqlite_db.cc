// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "store/sqlite_db.h"

#include <limits>
#include <string>
#include <utility>

namespace moderato::internal {

Status SqliteError(sqlite3* db, int rc, std::string_view operation) {
  std::string message(operation);
  message += ": ";
  // sqlite3_errmsg describes the most recent failure on the connection, which
  // is `rc` only when the caller reports it straight away (it always does).
  const char* detail = db != nullptr ? sqlite3_errmsg(db) : nullptr;
  message += detail != nullptr && *detail != '\0' ? detail : sqlite3_errstr(rc);
  message += " (sqlite code ";
  message += std::to_string(rc);
  message += ")";
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return UnavailableError(message + "; the database is locked by another connection");
    case SQLITE_CONSTRAINT:
      return FailedPreconditionError(std::move(message));
    case SQLITE_NOTADB:
      return InvalidArgumentError(std::move(message));
    case SQLITE_CORRUPT:
      return DataLossError(std::move(message));
    case SQLITE_FULL:
    case SQLITE_NOMEM:
    case SQLITE_TOOBIG:
      return ResourceExhaustedError(std::move(message));
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return UnavailableError(std::move(message));
    default:
      return InternalError(std::move(message));
  }
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)), bind_rc_(other.bind_rc_) {}

SqliteStatement& SqliteStatement::operator=(SqliteStatement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
    bind_rc_ = other.bind_rc_;
  }
  return *this;
}

Result<SqliteStatement> SqliteStatement::Prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    Status status = SqliteError(db, rc, "preparing SQL");
    sqlite3_finalize(stmt);
    return status;
  }
  if (stmt == nullptr) return InternalError("preparing SQL: empty statement");
  return SqliteStatement(stmt);
}

void SqliteStatement::BindInt64(int index, std::int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void SqliteStatement::BindText(int index, std::string_view value) {
  int rc = SQLITE_TOOBIG;
  if (value.size() <= static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    // SQLITE_STATIC: no copy; callers keep the bytes alive until Reset().
    // A null pointer would bind NULL, so empty strings point at "".
    rc = sqlite3_bind_text(stmt_, index, value.empty() ? "" : value.data(),
                           static_cast<int>(value.size()), SQLITE_STATIC);
  }
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void SqliteStatement::BindNull(int index) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

Result<bool> SqliteStatement::Step() {
  sqlite3* db = sqlite3_db_handle(stmt_);
  if (bind_rc_ != SQLITE_OK) return SqliteError(db, bind_rc_, "binding a parameter");
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(db, rc, "running SQL");
}

Status SqliteStatement::Run() {
  ScopedReset reset(*this);
  Result<bool> row = Step();
  if (!row.ok()) return row.status();
  if (*row) return InternalError("statement returned a row where none was expected");
  return OkStatus();
}

void SqliteStatement::Reset() {
  // sqlite3_reset repeats the last step's error code; Step() already
  // reported it, so it is ignored here.
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_rc_ = SQLITE_OK;
}

std::int64_t SqliteStatement::ColumnInt64(int index) const {
  return sqlite3_column_int64(stmt_, index);
}

std::string_view SqliteStatement::ColumnText(int index) const {
  const unsigned char* text = sqlite3_column_text(stmt_, index);
  if (text == nullptr) return {};
  return {reinterpret_cast<const char*>(text),
          static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index))};
}

bool SqliteStatement::ColumnIsNull(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

SqliteDb::~SqliteDb() {
  // Every statement is finalized before its connection closes (the store
  // declares its statements after its SqliteDb), so close_v2 frees at once.
  sqlite3_close_v2(db_);
}

SqliteDb::SqliteDb(SqliteDb&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

SqliteDb& SqliteDb::operator=(SqliteDb&& other) noexcept {
  if (this != &other) {
    sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
  }
  return *this;
}

Result<SqliteDb> SqliteDb::Open(const std::string& path) {
  sqlite3* db = nullptr;
  int flags =
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  SqliteDb result(db);  // closes `db` on every path, even when open failed
  if (rc != SQLITE_OK) return SqliteError(db, rc, "opening '" + path + "'");
  if (db == nullptr) return ResourceExhaustedError("opening '" + path + "': out of memory");
  return result;
}

Status SqliteDb::Exec(const char* sql, std::string_view operation) {
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, operation);
  return OkStatus();
}

Result<std::int64_t> SqliteDb::QueryInt64(const char* sql, std::string_view operation) {
  Result<SqliteStatement> stmt = SqliteStatement::Prepare(db_, sql);
  if (!stmt.ok()) return stmt.status().WithContext(operation);
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.status().WithContext(operation);
  if (!*row) return InternalError(std::string(operation) + ": no result row");
  return stmt->ColumnInt64(0);
}

Result<std::string> SqliteDb::QueryText(const char* sql, std::string_view operation) {
  Result<SqliteStatement> stmt = SqliteStatement::Prepare(db_, sql);
  if (!stmt.ok()) return stmt.status().WithContext(operation);
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.status().WithContext(operation);
  if (!*row) return InternalError(std::string(operation) + ": no result row");
  return std::string(stmt->ColumnText(0));
}

WriteTransaction::~WriteTransaction() {
  if (open_) {
    // A failed ROLLBACK leaves nothing better to do: SQLite rolls the
    // transaction back itself when the connection next begins one or closes.
    db_.Exec("ROLLBACK", "rolling back").IgnoreError();
  }
}

Status WriteTransaction::Begin(std::string_view operation) {
  MODERATO_RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE", operation));
  open_ = true;
  return OkStatus();
}

Status WriteTransaction::Commit(std::string_view operation) {
  Status status = db_.Exec("COMMIT", operation);
  // After a failed COMMIT SQLite may have rolled back already (e.g. on
  // SQLITE_FULL) or kept the transaction open; either way the destructor's
  // ROLLBACK is correct and harmless.
  if (status.ok()) open_ = false;
  return status;
}

}  // namespace moderato::internal
