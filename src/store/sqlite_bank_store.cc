// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// The SQLite BankStore. Schema, durability settings and change-log semantics
// are documented in docs/banks.md; the migrations live in
// sqlite_migrations.cc.
//
// Concurrency: one connection, opened in SQLite's multi-thread mode
// (SQLITE_OPEN_NOMUTEX) and guarded by mu_. Validation and JSON encoding of
// a batch happen before mu_ is taken; ForEachSignal reads one page of rows
// under mu_ and calls the visitor without it, so visitors may call back into
// the store and long scans do not block writers.

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "moderato/status.h"
#include "moderato/store/banks.h"
#include "moderato/store/store.h"
#include "store/sqlite_db.h"
#include "store/sqlite_migrations.h"
#include "store/sqlite_signal_codec.h"

namespace moderato {
namespace {

using internal::ScopedReset;
using internal::SqliteDb;
using internal::SqliteStatement;
using internal::WriteTransaction;

// Rows ForEachSignal reads per page (bounded memory per call).
constexpr std::int64_t kPageRows = 1024;
// ChangesSince refuses larger limits.
constexpr std::int64_t kMaxChangesLimit = 1'000'000;

// Every statement the store runs more than once, prepared lazily and kept.
enum class Sql : int {
  kInsertBank,
  kSelectBank,
  kListBanks,
  kUpdateBank,
  kDeleteBank,
  kLogBankSignalsRemoved,
  kSelectBankId,
  kInsertSignal,
  kSelectSignalLabels,
  kUpdateSignalLabels,
  kInsertChange,
  kSelectSignal,
  kSelectSignalState,
  kDeleteSignal,
  kSetSignalEnabled,
  kStats,
  kChangesSince,
  kLatestSequence,
  kMaxSignalId,
  kLogBatchAdded,
  kCount,
};

#define MODERATO_SIGNAL_COLUMNS                                                     \
  "s.id, b.name, s.type, s.value, s.organisation, s.behaviours, s.tags, s.source, " \
  "s.external_id, s.quality, s.added_at, s.enabled"

constexpr std::array<const char*, static_cast<int>(Sql::kCount)> kSql = {
    // kInsertBank
    "INSERT INTO banks (name, description, enabled, suppression, pdq_threshold, "
    "pdq_quality_min, created_at, owner) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    // kSelectBank
    "SELECT id, name, description, enabled, suppression, pdq_threshold, pdq_quality_min, "
    "created_at, owner FROM banks WHERE name = ?1",
    // kListBanks
    "SELECT id, name, description, enabled, suppression, pdq_threshold, pdq_quality_min, "
    "created_at, owner FROM banks ORDER BY name",
    // kUpdateBank
    "UPDATE banks SET description = ?2, enabled = ?3, suppression = ?4, pdq_threshold = ?5, "
    "pdq_quality_min = ?6, owner = ?7 WHERE name = ?1",
    // kDeleteBank
    "DELETE FROM banks WHERE id = ?1",
    // kLogBankSignalsRemoved
    "INSERT INTO signal_changes (kind, signal_id, bank) "
    "SELECT 1, id, ?2 FROM signals WHERE bank_id = ?1 ORDER BY id",
    // kSelectBankId
    "SELECT id FROM banks WHERE name = ?1",
    // kInsertSignal
    "INSERT INTO signals (bank_id, type, value, organisation, behaviours, tags, source, "
    "external_id, quality, added_at, enabled) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
    "?11) ON CONFLICT (type, value, bank_id) DO NOTHING",
    // kSelectSignalLabels
    "SELECT id, organisation, behaviours, tags FROM signals "
    "WHERE bank_id = ?1 AND type = ?2 AND value = ?3",
    // kUpdateSignalLabels
    "UPDATE signals SET organisation = ?2, behaviours = ?3, tags = ?4 WHERE id = ?1",
    // kInsertChange
    "INSERT INTO signal_changes (kind, signal_id, bank) VALUES (?1, ?2, ?3)",
    // kSelectSignal
    "SELECT " MODERATO_SIGNAL_COLUMNS
    " FROM signals s JOIN banks b ON b.id = s.bank_id WHERE s.id = ?1",
    // kSelectSignalState
    "SELECT b.name, s.enabled FROM signals s JOIN banks b ON b.id = s.bank_id WHERE s.id = ?1",
    // kDeleteSignal
    "DELETE FROM signals WHERE id = ?1",
    // kSetSignalEnabled
    "UPDATE signals SET enabled = ?2 WHERE id = ?1",
    // kStats
    "SELECT type, count(*), sum(enabled = 0), max(added_at) FROM signals WHERE bank_id = ?1 "
    "GROUP BY type",
    // kChangesSince
    "SELECT sequence, kind, signal_id, bank FROM signal_changes WHERE sequence > ?1 "
    "ORDER BY sequence LIMIT ?2",
    // kLatestSequence
    "SELECT coalesce(max(sequence), 0) FROM signal_changes",
    // kMaxSignalId
    "SELECT coalesce(max(id), 0) FROM signals",
    // kLogBatchAdded
    "INSERT INTO signal_changes (kind, signal_id, bank) "
    "SELECT 0, id, ?2 FROM signals WHERE bank_id = ?1 AND id > ?3 ORDER BY id",
};

// ForEachSignal's page query for a filter shape. The CROSS JOIN keeps
// signals as the outer loop so pages come straight off the rowid (or the
// bank index, which is ordered by rowid within a bank) with no sort; the
// unary '+' keeps the planner from choosing the (type, value) index, which
// would need a sort of the whole type on every page.
std::string ForEachSql(bool by_bank, bool by_type, bool enabled_only) {
  std::string sql = "SELECT " MODERATO_SIGNAL_COLUMNS
                    " FROM signals s CROSS JOIN banks b ON b.id = s.bank_id WHERE s.id > ?1";
  if (by_bank) sql += " AND s.bank_id = ?3";
  if (by_type) sql += " AND +s.type = ?4";
  if (enabled_only) sql += " AND +s.enabled = 1";
  sql += " ORDER BY s.id LIMIT ?2";
  return sql;
}

#undef MODERATO_SIGNAL_COLUMNS

std::int64_t NowUnixSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Quoted(std::string_view name) {
  // Built with append: GCC 12 reports a false -Wrestrict on "'" + std::string.
  std::string quoted;
  quoted.reserve(name.size() + 2);
  quoted += '\'';
  quoted += name;
  quoted += '\'';
  return quoted;
}

Bank ReadBank(const SqliteStatement& stmt) {
  Bank bank;
  bank.id = stmt.ColumnInt64(0);
  bank.name = std::string(stmt.ColumnText(1));
  bank.description = std::string(stmt.ColumnText(2));
  bank.enabled = stmt.ColumnInt64(3) != 0;
  bank.suppression = stmt.ColumnInt64(4) != 0;
  bank.pdq_threshold = static_cast<int>(stmt.ColumnInt64(5));
  bank.pdq_quality_min = static_cast<int>(stmt.ColumnInt64(6));
  bank.created_at = stmt.ColumnInt64(7);
  bank.owner = std::string(stmt.ColumnText(8));
  return bank;
}

Result<std::vector<std::string>> ReadList(const SqliteStatement& stmt, int column,
                                          std::int64_t signal_id) {
  std::optional<std::vector<std::string>> items =
      internal::DecodeStringList(stmt.ColumnText(column));
  if (!items) {
    return DataLossError("signal " + std::to_string(signal_id) +
                         " has a malformed label list in the database");
  }
  return std::move(*items);
}

// Reads a row selected with MODERATO_SIGNAL_COLUMNS.
Result<Signal> ReadSignal(const SqliteStatement& stmt) {
  Signal signal;
  signal.id = stmt.ColumnInt64(0);
  signal.bank = std::string(stmt.ColumnText(1));
  const std::int64_t type = stmt.ColumnInt64(2);
  if (type < 0 || type >= kSignalTypeCount) {
    return DataLossError("signal " + std::to_string(signal.id) + " has unknown type " +
                         std::to_string(type));
  }
  signal.type = static_cast<SignalType>(type);
  signal.value = std::string(stmt.ColumnText(3));
  signal.labels.organisation = std::string(stmt.ColumnText(4));
  MODERATO_ASSIGN_OR_RETURN(signal.labels.behaviours, ReadList(stmt, 5, signal.id));
  MODERATO_ASSIGN_OR_RETURN(signal.labels.tags, ReadList(stmt, 6, signal.id));
  signal.source = std::string(stmt.ColumnText(7));
  signal.external_id = std::string(stmt.ColumnText(8));
  signal.quality = static_cast<int>(stmt.ColumnInt64(9));
  signal.added_at = stmt.ColumnInt64(10);
  signal.enabled = stmt.ColumnInt64(11) != 0;
  return signal;
}

// A bank's owner is "" (global) or an organisation name (moderation_store.h).
std::string ValidateOwner(std::string_view owner) {
  if (owner.empty()) return "";
  if (owner.size() > 64) return "owner: longer than 64 bytes";
  for (std::size_t i = 0; i < owner.size(); ++i) {
    const char c = owner[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-'))) {
      return "owner: not an organisation name ([a-z0-9][a-z0-9._-]{0,63})";
    }
  }
  return "";
}

// Appends to `into` the items of `from` it does not hold yet, in order.
// Returns whether anything was appended.
bool MergeList(std::vector<std::string>& into, const std::vector<std::string>& from) {
  bool changed = false;
  for (const std::string& item : from) {
    if (std::find(into.begin(), into.end(), item) == into.end()) {
      into.push_back(item);
      changed = true;
    }
  }
  return changed;
}

class SqliteBankStore final : public BankStore {
 public:
  SqliteBankStore(SqliteBankStoreOptions options, SqliteDb db)
      : options_(options), db_(std::move(db)) {}

  // Not copyable or movable: owns a connection that statements point into.
  SqliteBankStore(const SqliteBankStore&) = delete;
  SqliteBankStore& operator=(const SqliteBankStore&) = delete;

  Result<Bank> CreateBank(const Bank& bank) override;
  Result<Bank> GetBank(std::string_view name) override;
  Result<std::vector<Bank>> ListBanks() override;
  Status UpdateBank(const Bank& bank) override;
  Status DeleteBank(std::string_view name) override;
  Result<AddResult> AddSignals(std::string_view bank, std::span<const Signal> signals) override;
  Result<ApplyResult> ApplySignalChanges(std::string_view bank, std::span<const Signal> adds,
                                         std::span<const SignalValue> removals) override;
  Result<Signal> GetSignal(std::int64_t id) override;
  Status RemoveSignal(std::int64_t id) override;
  Result<std::int64_t> RemoveSignalsByValue(std::string_view bank, SignalType type,
                                            std::string_view value) override;
  Status SetSignalEnabled(std::int64_t id, bool enabled) override;
  Status ForEachSignal(const SignalFilter& filter,
                       const std::function<bool(const Signal&)>& visit) override;
  Result<BankStats> Stats(std::string_view bank) override;
  Result<std::vector<SignalChange>> ChangesSince(std::int64_t after_sequence,
                                                 std::int64_t limit) override;
  Result<std::int64_t> LatestSequence() override;

 private:
  // The helpers below expect mu_ to be held.
  Result<SqliteStatement*> Statement(Sql sql);
  Result<SqliteStatement*> ForEachStatement(bool by_bank, bool by_type, bool enabled_only);
  Result<std::int64_t> BankId(std::string_view name);
  Status LogChange(SignalChange::Kind kind, std::int64_t signal_id, std::string_view bank);
  Status RemoveSignalLocked(std::int64_t id, std::string_view bank);
  // Expects `signals` to be valid.
  Result<AddResult> AddSignalsLocked(std::string_view bank, std::span<const Signal> signals);
  // The body of AddSignalsLocked, inside a transaction the caller owns.
  Result<AddResult> AddSignalsInTransaction(std::string_view bank, std::span<const Signal> signals);
  // Removes the signals of `bank` with a canonical value, inside a
  // transaction the caller owns; returns how many.
  Result<std::int64_t> RemoveByValueInTransaction(std::int64_t bank_id, std::string_view bank,
                                                  SignalType type, const std::string& canonical);
  // Checks every signal's fields and value; the message names the index.
  Status ValidateSignals(const std::string& op, std::span<const Signal> signals) const;

  const SqliteBankStoreOptions options_;
  std::mutex mu_;
  SqliteDb db_;  // guarded by mu_
  // Declared after db_ so they are finalized before it closes. Guarded by mu_.
  std::array<SqliteStatement, static_cast<int>(Sql::kCount)> statements_;
  std::array<SqliteStatement, 8> for_each_statements_;
};

Result<SqliteStatement*> SqliteBankStore::Statement(Sql sql) {
  SqliteStatement& stmt = statements_[static_cast<int>(sql)];
  if (stmt.get() == nullptr) {
    MODERATO_ASSIGN_OR_RETURN(stmt,
                              SqliteStatement::Prepare(db_.get(), kSql[static_cast<int>(sql)]));
  }
  return &stmt;
}

Result<SqliteStatement*> SqliteBankStore::ForEachStatement(bool by_bank, bool by_type,
                                                           bool enabled_only) {
  SqliteStatement& stmt =
      for_each_statements_[(by_bank ? 1 : 0) | (by_type ? 2 : 0) | (enabled_only ? 4 : 0)];
  if (stmt.get() == nullptr) {
    MODERATO_ASSIGN_OR_RETURN(
        stmt, SqliteStatement::Prepare(db_.get(), ForEachSql(by_bank, by_type, enabled_only)));
  }
  return &stmt;
}

Result<std::int64_t> SqliteBankStore::BankId(std::string_view name) {
  MODERATO_ASSIGN_OR_RETURN(SqliteStatement * stmt, Statement(Sql::kSelectBankId));
  ScopedReset reset(*stmt);
  stmt->BindText(1, name);
  MODERATO_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return NotFoundError("no bank named " + Quoted(name));
  return stmt->ColumnInt64(0);
}

Status SqliteBankStore::LogChange(SignalChange::Kind kind, std::int64_t signal_id,
                                  std::string_view bank) {
  MODERATO_ASSIGN_OR_RETURN(SqliteStatement * stmt, Statement(Sql::kInsertChange));
  stmt->BindInt64(1, static_cast<std::int64_t>(kind));
  stmt->BindInt64(2, signal_id);
  stmt->BindText(3, bank);
  return stmt->Run();
}

// Binds parameters 1..6 of kInsertBank and kUpdateBank: name, description,
// enabled, suppression, threshold, quality gate.
static void BindBankSettings(SqliteStatement& stmt, const Bank& bank) {
  stmt.BindText(1, bank.name);
  stmt.BindText(2, bank.description);
  stmt.BindInt64(3, bank.enabled ? 1 : 0);
  stmt.BindInt64(4, bank.suppression ? 1 : 0);
  stmt.BindInt64(5, bank.pdq_threshold);
  stmt.BindInt64(6, bank.pdq_quality_min);
}

Result<Bank> SqliteBankStore::CreateBank(const Bank& bank) {
  if (std::string error = ValidateBank(bank); !error.empty()) {
    return InvalidArgumentError("CreateBank: " + error);
  }
  if (std::string error = ValidateOwner(bank.owner); !error.empty()) {
    return InvalidArgumentError("CreateBank: " + error);
  }
  Bank created = bank;
  created.created_at = NowUnixSeconds();
  std::lock_guard lock(mu_);
  const std::string op = "CreateBank(" + Quoted(bank.name) + ")";
  MODERATO_ASSIGN_OR_RETURN(SqliteStatement * stmt, Statement(Sql::kInsertBank));
  BindBankSettings(*stmt, created);
  stmt->BindInt64(7, created.created_at);
  stmt->BindText(8, created.owner);
  Status status = stmt->Run();
  if (!status.ok()) {
    if ((sqlite3_extended_errcode(db_.get()) & 0xff) == SQLITE_CONSTRAINT) {
      return FailedPreconditionError(op + ": a bank with that name already exists");
    }
    return status.WithContext(op);
  }
  created.id = sqlite3_last_insert_rowid(db_.get());
  return created;
}

Result<Bank> SqliteBankStore::GetBank(std::string_view name) {
  std::lock_guard lock(mu_);
  MODERATO_ASSIGN_OR_RETURN(SqliteStatement * stmt, Statement(Sql::kSelectBank));
  ScopedReset reset(*stmt);
  stmt->BindText(1, name);
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.status().WithContext("GetBank(" + Quoted(name) + ")");
  if (!*row) return NotFoundError("no bank named " + Quoted(name));
  return ReadBank(*stmt);
}

Result<std::vector<Bank>> SqliteBankStore::ListBanks() {
  std::lock_guard lock(mu_);
  MODERATO_ASSIGN_OR_RETURN(SqliteStatement * stmt, Statement(Sql::kListBanks));
  ScopedReset reset(*stmt);
  std::vector<Bank> banks;
  for (;;) {
    Result<bool> row = stmt->Step();
    if (!row.ok()) return row.status().WithContext("ListBanks");
    if (!*row) break;
    banks.push_back(ReadBank(*stmt));
  }
  return banks;
}

Status SqliteBankStore::UpdateBank(const Bank& bank) {
  if (std::string error = ValidateBank(bank); !error.empty()) {
    return InvalidArgumentError("UpdateBank: " + error);
  }
  if (std::string error = ValidateOwner(bank.owner); !error.empty()) {
    return InvalidArgumentError("UpdateBank: " + error);
  }
  std::lock_guard lock(mu_);
  const std::string op = "UpdateBank(" + Quoted(bank.name) + ")";
  MODERATO_ASSIGN_OR_RETURN(SqliteStatement * stmt, Statement(Sql::kUpdateBank));
  BindBankSettings(*stmt, bank);
  stmt->BindText(7, bank.owner);
  MODERATO_RETURN_IF_ERROR(stmt->Run().WithContext(op));
  if (sqlite3_changes(db_.get()) == 0) return NotFoundError("no bank named " + Quoted(bank.name));
  return OkStatus();
}

Status SqliteBankStore::DeleteBank(std::string_view name) {
  std::lock_guard lock(mu_);
  const std::string op = "DeleteBank(" + Quoted(name) + ")";
  WriteTransaction txn(db_);
  MODERATO_RETURN_IF_ERROR(txn.Begin(op));
  MODERATO_ASSIGN_OR_RETURN(std::int64_t bank_id, BankId(name));
  {
    MODERATO_ASSIGN_OR_RETURN(SqliteStatement * log, Statement(Sql::kLogBankSignalsRemoved));
    log->BindInt64(1, bank_id);
    log->BindText(2, name);
    MODERATO_RETURN_IF_ERROR(log->Run().WithContext(op));
  }
  MODERATO_ASSIGN_OR_RETURN(SqliteStatement * stmt, Statement(Sql::kDeleteBank));
  stmt->BindInt64(1, bank_id);
  MODERATO_RETURN_IF_ERROR(stmt->Run().WithContext(op));
  return txn.Commit(op);
}

Status SqliteBankStore::ValidateSignals(const std::string& op,
                                        std::span<const Signal> signals) const {
  // Canonical values and encoded labels are recomputed in the insert loop
  // rather than kept, so a large import does not hold a second copy of itself.
  std::string scratch;
  for (std::size_t i = 0; i < signals.size(); ++i) {
    const Signal& signal = signals[i];
    std::string error = internal::ValidateSignalFields(signal);
    if (error.empty()) {
      error = internal::CanonicalizeSignalValue(signal.type, signal.value, &scratch);
      if (!error.empty()) error.insert(0, "value: ");
    }
    if (!error.empty()) {
      std::string message = op + ": signal " + std::to_string(i) + ": ";
      message += error;
      return InvalidArgumentError(std::move(message));
    }
  }
  return OkStatus();
}

Result<AddResult> SqliteBankStore::AddSignals(std::string_view bank,
                                              std::span<const Signal> signals) {
  const std::string op = "AddSignals(" + Quoted(bank) + ")";
  if (signals.size() > options_.max_signals_per_call) {
    return ResourceExhaustedError(op + ": " + std::to_string(signals.size()) +
                                  " signals in one call, the limit is " +
                                  std::to_string(options_.max_signals_per_call));
  }
  // Validate everything before taking the lock: a bad batch costs other
  // threads nothing and never opens a transaction.
  MODERATO_RETURN_IF_ERROR(ValidateSignals(op, signals));
  std::lock_guard lock(mu_);
  return AddSignalsLocked(bank, signals);
}

Result<AddResult> SqliteBankStore::AddSignalsLocked(std::string_view bank,
                                                    std::span<const Signal> signals) {
  const std::string op = "AddSignals(" + Quoted(bank) + ")";
  WriteTransaction txn(db_);
  MODERATO_RETURN_IF_ERROR(txn.Begin(op));
  MODERATO_ASSIGN_OR_RETURN(AddResult result, AddSignalsInTransaction(bank, signals));
  MODERATO_RETURN_IF_ERROR(txn.Commit(op));
  return result;
}

Result<AddResult> SqliteBankStore::AddSignalsInTransaction(std::string_view bank,
                                                           std::span<const Signal> signals) {
  const std::string op = "AddSignals(" + Quoted(bank) + ")";
  MODERATO_ASSIGN_OR_RETURN(std::int64_t bank_id, BankId(bank));
  MODERATO_ASSIGN_OR_RETURN(SqliteStatement * insert, Statement(Sql::kInsertSignal));
  MODERATO_ASSIGN_OR_RETURN(SqliteStatement * select, Statement(Sql::kSelectSignalLabels));
  MODERATO_ASSIGN_OR_RETURN(SqliteStatement * update, Statement(Sql::kUpdateSignalLabels));
  // Ids only grow (AUTOINCREMENT) and this transaction is the only writer,
  // so the rows it inserts are exactly those of the bank above `first_new`.
  // Their kAdded entries are written by one statement after the loop: one
  // statement per signal would cost a third of an import's time.
  std::int64_t first_new = 0;
  {
    MODERATO_ASSIGN_OR_RETURN(SqliteStatement * max_id, Statement(Sql::kMaxSignalId));
    ScopedReset reset(*max_id);
    Result<bool> row = max_id->Step();
    if (!row.ok()) return row.status().WithContext(op);
    if (*row) first_new = max_id->ColumnInt64(0);
  }
  const std::int64_t now = NowUnixSeconds();
  AddResult result;
  result.ids.reserve(signals.size());
  // Reused across iterations: no allocation per signal once they have grown.
  std::string value;
  std::string behaviours;
  std::string tags;
  for (std::size_t i = 0; i < signals.size(); ++i) {
    const Signal& signal = signals[i];
    const auto where = [&] { return op + ": signal " + std::to_string(i); };
    if (std::string error = internal::CanonicalizeSignalValue(signal.type, signal.value, &value);
        !error.empty()) {
      return InternalError(where() + ": value: " + error);  // validated before
    }
    internal::EncodeStringList(signal.labels.behaviours, &behaviours);
    internal::EncodeStringList(signal.labels.tags, &tags);
    insert->BindInt64(1, bank_id);
    insert->BindInt64(2, static_cast<std::int64_t>(signal.type));
    insert->BindText(3, value);
    insert->BindText(4, signal.labels.organisation);
    insert->BindText(5, behaviours);
    insert->BindText(6, tags);
    insert->BindText(7, signal.source);
    insert->BindText(8, signal.external_id);
    insert->BindInt64(9, signal.quality);
    insert->BindInt64(10, signal.added_at != 0 ? signal.added_at : now);
    insert->BindInt64(11, signal.enabled ? 1 : 0);
    MODERATO_RETURN_IF_ERROR(insert->Run().WithContext(where()));
    if (sqlite3_changes(db_.get()) == 1) {
      const std::int64_t id = sqlite3_last_insert_rowid(db_.get());
      result.ids.push_back(id);
      ++result.added;
      continue;
    }
    // Already in the bank (stored earlier or earlier in this batch): merge
    // the labels, keep everything else.
    ScopedReset reset(*select);
    select->BindInt64(1, bank_id);
    select->BindInt64(2, static_cast<std::int64_t>(signal.type));
    select->BindText(3, value);
    Result<bool> row = select->Step();
    if (!row.ok()) return row.status().WithContext(where());
    if (!*row) return InternalError(where() + ": insert conflicted but no row matches");
    const std::int64_t id = select->ColumnInt64(0);
    SignalLabels labels;
    labels.organisation = std::string(select->ColumnText(1));
    MODERATO_ASSIGN_OR_RETURN(labels.behaviours, ReadList(*select, 2, id));
    MODERATO_ASSIGN_OR_RETURN(labels.tags, ReadList(*select, 3, id));
    select->Reset();
    bool changed = false;
    if (labels.organisation.empty() && !signal.labels.organisation.empty()) {
      labels.organisation = signal.labels.organisation;
      changed = true;
    }
    changed |= MergeList(labels.behaviours, signal.labels.behaviours);
    changed |= MergeList(labels.tags, signal.labels.tags);
    if (changed) {
      if (std::string error = internal::ValidateMergedLabels(labels); !error.empty()) {
        return InvalidArgumentError(where() + ": merging labels into signal " + std::to_string(id) +
                                    ": " + error);
      }
      internal::EncodeStringList(labels.behaviours, &behaviours);
      internal::EncodeStringList(labels.tags, &tags);
      update->BindInt64(1, id);
      update->BindText(2, labels.organisation);
      update->BindText(3, behaviours);
      update->BindText(4, tags);
      MODERATO_RETURN_IF_ERROR(update->Run().WithContext(where()));
      // A signal added earlier in this batch gets only its kAdded entry: a
      // reader sees the batch at once, with the merged labels.
      if (id <= first_new) {
        MODERATO_RETURN_IF_ERROR(
            LogChange(SignalChange::Kind::kUpdated, id, bank).WithContext(where()));
      }
    }
    result.ids.push_back(id);
    ++result.duplicates;
  }
  if (result.added > 0) {
    MODERATO_ASSIGN_OR_RETURN(SqliteStatement * log, Statement(Sql::kLogBatchAdded));
    log->BindInt64(1, bank_id);
    log->BindText(2, bank);
    log->BindInt64(3, first_new);
    MODERATO_RETURN_IF_ERROR(log->Run().WithContext(op));
  }
  return result;
}

Result<ApplyResult> SqliteBankStore::ApplySignalChanges(std::string_view bank,
                                                        std::span<const Signal> adds,
                                                        std::span<const SignalValue> removals) {
  const std::string op = "ApplySignalChanges(" + Quoted(bank) + ")";
  if (adds.size() + removals.size() > options_.max_signals_per_call) {
    return ResourceExhaustedError(op + ": " + std::to_string(adds.size() + removals.size()) +
                                  " changes in one call, the limit is " +
                                  std::to_string(options_.max_signals_per_call));
  }
  MODERATO_RETURN_IF_ERROR(ValidateSignals(op, adds));
  std::vector<std::string> canonical(removals.size());
  for (std::size_t i = 0; i < removals.size(); ++i) {
    std::string error;
    std::optional<std::string> value =
        internal::CanonicalSignalValue(removals[i].type, removals[i].value, &error);
    if (!value) {
      return InvalidArgumentError(op + ": removal " + std::to_string(i) + ": value: " + error);
    }
    canonical[i] = std::move(*value);
  }
  std::lock_guard lock(mu_);
  WriteTransaction txn(db_);
  MODERATO_RETURN_IF_ERROR(txn.Begin(op));
  ApplyResult result;
  MODERATO_ASSIGN_OR_RETURN(result.added, AddSignalsInTransaction(bank, adds));
  MODERATO_ASSIGN_OR_RETURN(std::int64_t bank_id, BankId(bank));
  for (std::size_t i = 0; i < removals.size(); ++i) {
    MODERATO_ASSIGN_OR_RETURN(
        std::int64_t removed,
        RemoveByValueInTransaction(bank_id, bank, removals[i].type, canonical[i]));
    result.removed += removed;
  }
  MODERATO_RETURN_IF_ERROR(txn.Commit(op));
  return result;
}

Result<Signal> SqliteBankStore::GetSignal(std::int64_t id) {
  std::lock_guard lock(mu_);
  const std::string op = "GetSignal(" + std::to_string(id) + ")";
  MODERATO_ASSIGN_OR_RETURN(SqliteStatement * stmt, Statement(Sql::kSelectSignal));
  ScopedReset reset(*stmt);
  stmt->BindInt64(1, id);
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.status().WithContext(op);
  if (!*row) return NotFoundError("no signal with id " + std::to_string(id));
  Result<Signal> signal = ReadSignal(*stmt);
  if (!signal.ok()) return signal.status().WithContext(op);
  return signal;
}

Status SqliteBankStore::RemoveSignalLocked(std::int64_t id, std::string_view bank) {
  MODERATO_RETURN_IF_ERROR(LogChange(SignalChange::Kind::kRemoved, id, bank));
  MODERATO_ASSIGN_OR_RETURN(SqliteStatement * stmt, Statement(Sql::kDeleteSignal));
  stmt->BindInt64(1, id);
  return stmt->Run();
}

Status SqliteBankStore::RemoveSignal(std::int64_t id) {
  std::lock_guard lock(mu_);
  const std::string op = "RemoveSignal(" + std::to_string(id) + ")";
  WriteTransaction txn(db_);
  MODERATO_RETURN_IF_ERROR(txn.Begin(op));
  std::string bank;
  {
    MODERATO_ASSIGN_OR_RETURN(SqliteStatement * stmt, Statement(Sql::kSelectSignalState));
    ScopedReset reset(*stmt);
    stmt->BindInt64(1, id);
    Result<bool> row = stmt->Step();
    if (!row.ok()) return row.status().WithContext(op);
    if (!*row) return NotFoundError("no signal with id " + std::to_string(id));
    bank = std::string(stmt->ColumnText(0));
  }
  MODERATO_RETURN_IF_ERROR(RemoveSignalLocked(id, bank).WithContext(op));
  return txn.Commit(op);
}

Result<std::int64_t> SqliteBankStore::RemoveSignalsByValue(std::string_view bank, SignalType type,
                                                           std::string_view value) {
  const std::string op = "RemoveSignalsByValue(" + Quoted(bank) + ")";
  std::string error;
  std::optional<std::string> canonical = internal::CanonicalSignalValue(type, value, &error);
  if (!canonical) return InvalidArgumentError(op + ": value: " + error);
  std::lock_guard lock(mu_);
  WriteTransaction txn(db_);
  MODERATO_RETURN_IF_ERROR(txn.Begin(op));
  MODERATO_ASSIGN_OR_RETURN(std::int64_t bank_id, BankId(bank));
  MODERATO_ASSIGN_OR_RETURN(std::int64_t removed,
                            RemoveByValueInTransaction(bank_id, bank, type, *canonical));
  MODERATO_RETURN_IF_ERROR(txn.Commit(op));
  return removed;
}

Result<std::int64_t> SqliteBankStore::RemoveByValueInTransaction(std::int64_t bank_id,
                                                                 std::string_view bank,
                                                                 SignalType type,
                                                                 const std::string& canonical) {
  const std::string op = "RemoveSignalsByValue(" + Quoted(bank) + ")";
  std::vector<std::int64_t> ids;
  {
    MODERATO_ASSIGN_OR_RETURN(SqliteStatement * stmt, Statement(Sql::kSelectSignalLabels));
    ScopedReset reset(*stmt);
    stmt->BindInt64(1, bank_id);
    stmt->BindInt64(2, static_cast<std::int64_t>(type));
    stmt->BindText(3, canonical);
    for (;;) {
      Result<bool> row = stmt->Step();
      if (!row.ok()) return row.status().WithContext(op);
      if (!*row) break;
      ids.push_back(stmt->ColumnInt64(0));
    }
  }
  for (std::int64_t id : ids) {
    MODERATO_RETURN_IF_ERROR(RemoveSignalLocked(id, bank).WithContext(op));
  }
  return static_cast<std::int64_t>(ids.size());
}

Status SqliteBankStore::SetSignalEnabled(std::int64_t id, bool enabled) {
  std::lock_guard lock(mu_);
  const std::string op = "SetSignalEnabled(" + std::to_string(id) + ")";
  WriteTransaction txn(db_);
  MODERATO_RETURN_IF_ERROR(txn.Begin(op));
  std::string bank;
  bool was_enabled = false;
  {
    MODERATO_ASSIGN_OR_RETURN(SqliteStatement * stmt, Statement(Sql::kSelectSignalState));
    ScopedReset reset(*stmt);
    stmt->BindInt64(1, id);
    Result<bool> row = stmt->Step();
    if (!row.ok()) return row.status().WithContext(op);
    if (!*row) return NotFoundError("no signal with id " + std::to_string(id));
    bank = std::string(stmt->ColumnText(0));
    was_enabled = stmt->ColumnInt64(1) != 0;
  }
  if (was_enabled == enabled) return OkStatus();  // nothing to log; rolls back a read
  MODERATO_ASSIGN_OR_RETURN(SqliteStatement * stmt, Statement(Sql::kSetSignalEnabled));
  stmt->BindInt64(1, id);
  stmt->BindInt64(2, enabled ? 1 : 0);
  MODERATO_RETURN_IF_ERROR(stmt->Run().WithContext(op));
  MODERATO_RETURN_IF_ERROR(LogChange(SignalChange::Kind::kUpdated, id, bank).WithContext(op));
  return txn.Commit(op);
}

Status SqliteBankStore::ForEachSignal(const SignalFilter& filter,
                                      const std::function<bool(const Signal&)>& visit) {
  const std::string op = "ForEachSignal";
  std::int64_t after_id = 0;
  std::vector<Signal> page;
  page.reserve(kPageRows);
  for (;;) {
    page.clear();
    {
      std::lock_guard lock(mu_);
      std::int64_t bank_id = 0;
      if (filter.bank) {
        // Looked up on every page: a bank deleted mid-scan ends the scan.
        Result<std::int64_t> id = BankId(*filter.bank);
        if (!id.ok()) {
          if (id.status().code() == StatusCode::kNotFound && after_id > 0) return OkStatus();
          return id.status();
        }
        bank_id = *id;
      }
      MODERATO_ASSIGN_OR_RETURN(SqliteStatement * stmt,
                                ForEachStatement(filter.bank.has_value(), filter.type.has_value(),
                                                 !filter.include_disabled));
      ScopedReset reset(*stmt);
      stmt->BindInt64(1, after_id);
      stmt->BindInt64(2, kPageRows);
      if (filter.bank) stmt->BindInt64(3, bank_id);
      if (filter.type) stmt->BindInt64(4, static_cast<std::int64_t>(*filter.type));
      for (;;) {
        Result<bool> row = stmt->Step();
        if (!row.ok()) return row.status().WithContext(op);
        if (!*row) break;
        Result<Signal> signal = ReadSignal(*stmt);
        if (!signal.ok()) return signal.status().WithContext(op);
        page.push_back(std::move(*signal));
      }
    }
    for (const Signal& signal : page) {
      if (!visit(signal)) return OkStatus();
    }
    if (static_cast<std::int64_t>(page.size()) < kPageRows) return OkStatus();
    after_id = page.back().id;
  }
}

Result<BankStats> SqliteBankStore::Stats(std::string_view bank) {
  std::lock_guard lock(mu_);
  const std::string op = "Stats(" + Quoted(bank) + ")";
  // One read transaction, so the bank lookup and the counts agree.
  MODERATO_RETURN_IF_ERROR(db_.Exec("BEGIN", op));
  struct EndRead {
    SqliteDb& db;
    ~EndRead() { db.Exec("COMMIT", "ending a read").IgnoreError(); }
  } end_read{db_};
  MODERATO_ASSIGN_OR_RETURN(std::int64_t bank_id, BankId(bank));
  MODERATO_ASSIGN_OR_RETURN(SqliteStatement * stmt, Statement(Sql::kStats));
  ScopedReset reset(*stmt);
  stmt->BindInt64(1, bank_id);
  BankStats stats;
  stats.bank = std::string(bank);
  for (;;) {
    Result<bool> row = stmt->Step();
    if (!row.ok()) return row.status().WithContext(op);
    if (!*row) break;
    const std::int64_t type = stmt->ColumnInt64(0);
    if (type < 0 || type >= kSignalTypeCount) {
      return DataLossError(op + ": signals of unknown type " + std::to_string(type));
    }
    stats.signals[type] = stmt->ColumnInt64(1);
    stats.disabled += stmt->ColumnInt64(2);
    stats.total += stmt->ColumnInt64(1);
    stats.last_added_at = std::max(stats.last_added_at, stmt->ColumnInt64(3));
  }
  return stats;
}

Result<std::vector<SignalChange>> SqliteBankStore::ChangesSince(std::int64_t after_sequence,
                                                                std::int64_t limit) {
  if (limit < 1 || limit > kMaxChangesLimit) {
    return InvalidArgumentError("ChangesSince: limit must be 1.." +
                                std::to_string(kMaxChangesLimit) + ", got " +
                                std::to_string(limit));
  }
  std::lock_guard lock(mu_);
  MODERATO_ASSIGN_OR_RETURN(SqliteStatement * stmt, Statement(Sql::kChangesSince));
  ScopedReset reset(*stmt);
  stmt->BindInt64(1, after_sequence);
  stmt->BindInt64(2, limit);
  std::vector<SignalChange> changes;
  for (;;) {
    Result<bool> row = stmt->Step();
    if (!row.ok()) return row.status().WithContext("ChangesSince");
    if (!*row) break;
    SignalChange change;
    change.sequence = stmt->ColumnInt64(0);
    const std::int64_t kind = stmt->ColumnInt64(1);
    if (kind < 0 || kind > 2) {
      return DataLossError("ChangesSince: change " + std::to_string(change.sequence) +
                           " has unknown kind " + std::to_string(kind));
    }
    change.kind = static_cast<SignalChange::Kind>(kind);
    change.signal_id = stmt->ColumnInt64(2);
    change.bank = std::string(stmt->ColumnText(3));
    changes.push_back(std::move(change));
  }
  return changes;
}

Result<std::int64_t> SqliteBankStore::LatestSequence() {
  std::lock_guard lock(mu_);
  MODERATO_ASSIGN_OR_RETURN(SqliteStatement * stmt, Statement(Sql::kLatestSequence));
  ScopedReset reset(*stmt);
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.status().WithContext("LatestSequence");
  if (!*row) return InternalError("LatestSequence: no result row");
  return stmt->ColumnInt64(0);
}

}  // namespace

Result<std::unique_ptr<BankStore>> OpenSqliteBankStore(const std::string& path) {
  return OpenSqliteBankStore(path, SqliteBankStoreOptions{});
}

Result<std::unique_ptr<BankStore>> OpenSqliteBankStore(const std::string& path,
                                                       const SqliteBankStoreOptions& options) {
  if (path.empty()) {
    return InvalidArgumentError(
        "OpenSqliteBankStore: empty path (use \":memory:\" for a "
        "private in-memory store)");
  }
  if (options.busy_timeout_ms < 0) {
    return InvalidArgumentError("OpenSqliteBankStore: busy_timeout_ms must not be negative");
  }
  MODERATO_ASSIGN_OR_RETURN(SqliteDb db, SqliteDb::Open(path));
  MODERATO_RETURN_IF_ERROR(internal::ConfigureConnection(db, path, options.busy_timeout_ms));
  return std::unique_ptr<BankStore>(std::make_unique<SqliteBankStore>(options, std::move(db)));
}

}  // namespace moderato
