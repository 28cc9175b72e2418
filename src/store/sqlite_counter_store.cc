// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// The SQLite CounterStore. It shares the database file, the migrations
// (migration 2 holds its tables) and the durability settings with the bank
// store; schema and semantics are documented in docs/counter.md.
//
// Concurrency: one connection in SQLite's multi-thread mode, guarded by mu_.
// ForEachItem reads one page of rows under mu_ and calls the visitor without
// it, so visitors may call back into the store.

#include <sqlite3.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "moderato/counter/item.h"
#include "moderato/status.h"
#include "moderato/store/counter_store.h"
#include "store/sqlite_db.h"
#include "store/sqlite_migrations.h"
#include "store/sqlite_signal_codec.h"

namespace moderato {
namespace {

using internal::DecodeStringList;
using internal::EncodeStringList;
using internal::ScopedReset;
using internal::SqliteDb;
using internal::SqliteStatement;
using internal::WriteTransaction;

constexpr int kBusyTimeoutMs = 5000;  // as SqliteBankStoreOptions::busy_timeout_ms
constexpr std::int64_t kPageRows = 256;

#define MODERATO_COUNTER_COLUMNS                                                              \
  "v.item_id, v.version, v.status, v.language, v.title, v.body, v.link, v.format, v.themes, " \
  "v.strategy, v.audience, v.messenger_name, v.messenger_kind, v.messenger_verified, "        \
  "v.endorsements, v.licence, v.starter, v.sources, v.owner, v.updated_at, v.updated_by, "    \
  "v.approved_at, v.approved_by"

enum class Sql : int {
  kSelectItem,
  kSelectVersion,
  kInsertItem,
  kUpdateItem,
  kInsertVersion,
  kApproveVersion,
  kSetVersionStatus,
  kHistory,
  kPageLatest,
  kPageServable,
  kCount,
};

constexpr const char* kSql[] = {
    "SELECT latest_version, servable_version, status FROM counter_items WHERE id = ?1",
    "SELECT " MODERATO_COUNTER_COLUMNS
    " FROM counter_versions AS v WHERE v.item_id = ?1 AND v.version = ?2",
    "INSERT INTO counter_items (id, latest_version, servable_version, status) "
    "VALUES (?1, ?2, ?3, ?4)",
    "UPDATE counter_items SET latest_version = ?2, servable_version = ?3, status = ?4 "
    "WHERE id = ?1",
    "INSERT INTO counter_versions (item_id, version, status, language, title, body, link, format, "
    "themes, strategy, audience, messenger_name, messenger_kind, messenger_verified, "
    "endorsements, licence, starter, sources, owner, updated_at, updated_by, approved_at, "
    "approved_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "
    "?17, ?18, ?19, ?20, ?21, ?22, ?23)",
    "UPDATE counter_versions SET status = 'approved', approved_at = ?3, approved_by = ?4 "
    "WHERE item_id = ?1 AND version = ?2",
    "UPDATE counter_versions SET status = ?3 WHERE item_id = ?1 AND version = ?2",
    "SELECT " MODERATO_COUNTER_COLUMNS
    " FROM counter_versions AS v WHERE v.item_id = ?1 ORDER BY v.version",
    "SELECT " MODERATO_COUNTER_COLUMNS
    " FROM counter_items AS i JOIN counter_versions AS v ON v.item_id = i.id AND v.version = "
    "i.latest_version WHERE i.id > ?1 AND (?2 = '' OR i.status = ?2) ORDER BY i.id LIMIT ?3",
    "SELECT " MODERATO_COUNTER_COLUMNS
    " FROM counter_items AS i JOIN counter_versions AS v ON v.item_id = i.id AND v.version = "
    "i.servable_version WHERE i.id > ?1 AND i.status <> 'retired' AND ?2 = ?2 ORDER BY i.id "
    "LIMIT ?3",
};
static_assert(std::size(kSql) == static_cast<std::size_t>(Sql::kCount));

#undef MODERATO_COUNTER_COLUMNS

std::int64_t NowUnixSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Quoted(std::string_view id) {
  std::string quoted;
  quoted.reserve(id.size() + 2);
  quoted += '\'';
  quoted += id;
  quoted += '\'';
  return quoted;
}

// The fields an editor writes; two versions with equal content are the same.
bool SameContent(const CounterItem& a, const CounterItem& b) {
  return a.language == b.language && a.title == b.title && a.body == b.body && a.link == b.link &&
         a.format == b.format && a.themes == b.themes && a.strategy == b.strategy &&
         a.audience == b.audience && a.messenger == b.messenger && a.licence == b.licence &&
         a.starter == b.starter && a.sources == b.sources && a.owner == b.owner;
}

Result<std::vector<std::string>> ReadList(const SqliteStatement& stmt, int column,
                                          std::string_view id) {
  std::optional<std::vector<std::string>> list = DecodeStringList(stmt.ColumnText(column));
  if (!list) {
    return DataLossError("counter item " + Quoted(id) + ": malformed list in column " +
                         std::to_string(column));
  }
  return std::move(*list);
}

Result<CounterItem> ReadItem(const SqliteStatement& stmt) {
  CounterItem item;
  item.id = std::string(stmt.ColumnText(0));
  item.version = stmt.ColumnInt64(1);
  item.status = std::string(stmt.ColumnText(2));
  item.language = std::string(stmt.ColumnText(3));
  item.title = std::string(stmt.ColumnText(4));
  item.body = std::string(stmt.ColumnText(5));
  item.link = std::string(stmt.ColumnText(6));
  item.format = std::string(stmt.ColumnText(7));
  MODERATO_ASSIGN_OR_RETURN(item.themes, ReadList(stmt, 8, item.id));
  item.strategy = std::string(stmt.ColumnText(9));
  MODERATO_ASSIGN_OR_RETURN(item.audience, ReadList(stmt, 10, item.id));
  item.messenger.name = std::string(stmt.ColumnText(11));
  item.messenger.kind = std::string(stmt.ColumnText(12));
  item.messenger.verified = stmt.ColumnInt64(13) != 0;
  MODERATO_ASSIGN_OR_RETURN(item.messenger.endorsements, ReadList(stmt, 14, item.id));
  item.licence = std::string(stmt.ColumnText(15));
  item.starter = stmt.ColumnInt64(16) != 0;
  MODERATO_ASSIGN_OR_RETURN(std::vector<std::string> flat, ReadList(stmt, 17, item.id));
  if (flat.size() % 2 != 0) {
    return DataLossError("counter item " + Quoted(item.id) + ": odd-length sources list");
  }
  for (std::size_t i = 0; i < flat.size(); i += 2) {
    item.sources.push_back(SourceRef{std::move(flat[i]), std::move(flat[i + 1])});
  }
  item.owner = std::string(stmt.ColumnText(18));
  item.updated_at = stmt.ColumnInt64(19);
  item.updated_by = std::string(stmt.ColumnText(20));
  item.approved_at = stmt.ColumnInt64(21);
  item.approved_by = std::string(stmt.ColumnText(22));
  return item;
}

// Where an item stands (a counter_items row).
struct ItemState {
  std::int64_t latest_version = 0;
  std::optional<std::int64_t> servable_version;
  std::string status;
};

class SqliteCounterStore final : public CounterStore {
 public:
  explicit SqliteCounterStore(SqliteDb db) : db_(std::move(db)) {}

  // Not copyable or movable: owns a connection that statements point into.
  SqliteCounterStore(const SqliteCounterStore&) = delete;
  SqliteCounterStore& operator=(const SqliteCounterStore&) = delete;

  Result<CounterItem> PutItem(const CounterItem& item, std::string_view editor) override;
  Result<CounterItem> GetItem(std::string_view id) override;
  Result<CounterItem> GetServable(std::string_view id) override;
  Status Approve(std::string_view id, std::string_view editor) override;
  Status Retire(std::string_view id, std::string_view editor) override;
  Result<std::vector<CounterItem>> History(std::string_view id) override;
  Status ForEachItem(const CounterFilter& filter,
                     const std::function<bool(const CounterItem&)>& visit) override;
  Result<CounterImportResult> ImportItems(std::span<const CounterItem> items,
                                          std::string_view editor, bool keep_status) override;
  Result<std::int64_t> ServableGeneration() override;

 private:
  // What PutInTransaction did.
  enum class PutOutcome { kAdded, kUpdated, kUnchanged };

  // The helpers below expect mu_ to be held.
  Result<SqliteStatement*> Statement(Sql sql);
  Result<std::optional<ItemState>> State(std::string_view id);
  Result<CounterItem> Version(std::string_view id, std::int64_t version);
  Status WriteState(std::string_view id, const ItemState& state, bool insert);
  Status InsertVersion(const CounterItem& item);
  Status ApproveLocked(std::string_view id, std::string_view editor, std::int64_t now);
  Status RetireLocked(std::string_view id);
  // Stores `item` (valid) inside a transaction the caller owns; `status` is
  // the status the item should end in ("draft" unless an import keeps it).
  Result<PutOutcome> PutInTransaction(const CounterItem& item, std::string_view editor,
                                      std::string_view status, std::int64_t now,
                                      CounterItem* stored);

  std::mutex mu_;
  SqliteDb db_;  // guarded by mu_
  // Declared after db_ so they are finalized before it closes. Guarded by mu_.
  std::array<SqliteStatement, static_cast<int>(Sql::kCount)> statements_;
};

Result<SqliteStatement*> SqliteCounterStore::Statement(Sql sql) {
  SqliteStatement& stmt = statements_[static_cast<int>(sql)];
  if (stmt.get() == nullptr) {
    MODERATO_ASSIGN_OR_RETURN(stmt,
                              SqliteStatement::Prepare(db_.get(), kSql[static_cast<int>(sql)]));
  }
  return &stmt;
}

Result<std::optional<ItemState>> SqliteCounterStore::State(std::string_view id) {
  MODERATO_ASSIGN_OR_RETURN(SqliteStatement * stmt, Statement(Sql::kSelectItem));
  ScopedReset reset(*stmt);
  stmt->BindText(1, id);
  MODERATO_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return std::optional<ItemState>();
  ItemState state;
  state.latest_version = stmt->ColumnInt64(0);
  if (!stmt->ColumnIsNull(1)) state.servable_version = stmt->ColumnInt64(1);
  state.status = std::string(stmt->ColumnText(2));
  return std::optional<ItemState>(std::move(state));
}

Result<CounterItem> SqliteCounterStore::Version(std::string_view id, std::int64_t version) {
  MODERATO_ASSIGN_OR_RETURN(SqliteStatement * stmt, Statement(Sql::kSelectVersion));
  ScopedReset reset(*stmt);
  stmt->BindText(1, id);
  stmt->BindInt64(2, version);
  MODERATO_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) {
    return DataLossError("counter item " + Quoted(id) + ": version " + std::to_string(version) +
                         " is missing");
  }
  return ReadItem(*stmt);
}

Status SqliteCounterStore::WriteState(std::string_view id, const ItemState& state, bool insert) {
  MODERATO_ASSIGN_OR_RETURN(SqliteStatement * stmt,
                            Statement(insert ? Sql::kInsertItem : Sql::kUpdateItem));
  stmt->BindText(1, id);
  stmt->BindInt64(2, state.latest_version);
  if (state.servable_version) {
    stmt->BindInt64(3, *state.servable_version);
  } else {
    stmt->BindNull(3);
  }
  stmt->BindText(4, state.status);
  return stmt->Run();
}

Status SqliteCounterStore::InsertVersion(const CounterItem& item) {
  MODERATO_ASSIGN_OR_RETURN(SqliteStatement * stmt, Statement(Sql::kInsertVersion));
  const std::string themes = EncodeStringList(item.themes);
  const std::string audience = EncodeStringList(item.audience);
  const std::string endorsements = EncodeStringList(item.messenger.endorsements);
  std::vector<std::string> flat;
  flat.reserve(item.sources.size() * 2);
  for (const SourceRef& source : item.sources) {
    flat.push_back(source.claim);
    flat.push_back(source.source);
  }
  const std::string sources = EncodeStringList(flat);
  stmt->BindText(1, item.id);
  stmt->BindInt64(2, item.version);
  stmt->BindText(3, item.status);
  stmt->BindText(4, item.language);
  stmt->BindText(5, item.title);
  stmt->BindText(6, item.body);
  stmt->BindText(7, item.link);
  stmt->BindText(8, item.format);
  stmt->BindText(9, themes);
  stmt->BindText(10, item.strategy);
  stmt->BindText(11, audience);
  stmt->BindText(12, item.messenger.name);
  stmt->BindText(13, item.messenger.kind);
  stmt->BindInt64(14, item.messenger.verified ? 1 : 0);
  stmt->BindText(15, endorsements);
  stmt->BindText(16, item.licence);
  stmt->BindInt64(17, item.starter ? 1 : 0);
  stmt->BindText(18, sources);
  stmt->BindText(19, item.owner);
  stmt->BindInt64(20, item.updated_at);
  stmt->BindText(21, item.updated_by);
  stmt->BindInt64(22, item.approved_at);
  stmt->BindText(23, item.approved_by);
  return stmt->Run();
}

Status SqliteCounterStore::ApproveLocked(std::string_view id, std::string_view editor,
                                         std::int64_t now) {
  MODERATO_ASSIGN_OR_RETURN(std::optional<ItemState> state, State(id));
  if (!state) return NotFoundError("no counter item " + Quoted(id));
  if (state->status == "retired") {
    return FailedPreconditionError("counter item " + Quoted(id) + " is retired");
  }
  if (state->status == "approved") return OkStatus();
  MODERATO_ASSIGN_OR_RETURN(SqliteStatement * stmt, Statement(Sql::kApproveVersion));
  stmt->BindText(1, id);
  stmt->BindInt64(2, state->latest_version);
  stmt->BindInt64(3, now);
  stmt->BindText(4, editor);
  MODERATO_RETURN_IF_ERROR(stmt->Run());
  state->servable_version = state->latest_version;
  state->status = "approved";
  return WriteState(id, *state, false);
}

Status SqliteCounterStore::RetireLocked(std::string_view id) {
  MODERATO_ASSIGN_OR_RETURN(std::optional<ItemState> state, State(id));
  if (!state) return NotFoundError("no counter item " + Quoted(id));
  if (state->status == "retired") return OkStatus();
  MODERATO_ASSIGN_OR_RETURN(SqliteStatement * stmt, Statement(Sql::kSetVersionStatus));
  stmt->BindText(1, id);
  stmt->BindInt64(2, state->latest_version);
  stmt->BindText(3, "retired");
  MODERATO_RETURN_IF_ERROR(stmt->Run());
  state->servable_version.reset();
  state->status = "retired";
  return WriteState(id, *state, false);
}

Result<SqliteCounterStore::PutOutcome> SqliteCounterStore::PutInTransaction(const CounterItem& item,
                                                                            std::string_view editor,
                                                                            std::string_view status,
                                                                            std::int64_t now,
                                                                            CounterItem* stored) {
  MODERATO_ASSIGN_OR_RETURN(std::optional<ItemState> state, State(item.id));
  PutOutcome outcome = PutOutcome::kAdded;
  if (state) {
    MODERATO_ASSIGN_OR_RETURN(CounterItem latest, Version(item.id, state->latest_version));
    if (SameContent(latest, item)) {
      // Same content: only an import that keeps status may move it forward
      // (approve a draft, retire); it never turns approved back into draft.
      bool changed = false;
      if (status == "approved" && state->status == "draft") {
        MODERATO_RETURN_IF_ERROR(ApproveLocked(item.id, editor, now));
        changed = true;
      } else if (status == "retired" && state->status != "retired") {
        MODERATO_RETURN_IF_ERROR(RetireLocked(item.id));
        changed = true;
      }
      if (!changed) {
        *stored = std::move(latest);
        return PutOutcome::kUnchanged;
      }
      MODERATO_ASSIGN_OR_RETURN(*stored, Version(item.id, state->latest_version));
      return PutOutcome::kUpdated;
    }
    if (state->status == "retired") {
      return FailedPreconditionError("counter item " + Quoted(item.id) +
                                     " is retired; store new content under a new id");
    }
    outcome = PutOutcome::kUpdated;
  }
  CounterItem version = item;
  version.version = state ? state->latest_version + 1 : 1;
  version.status = "draft";
  version.updated_at = now;
  version.updated_by = std::string(editor);
  version.approved_at = 0;
  version.approved_by.clear();
  ItemState next;
  next.latest_version = version.version;
  next.servable_version = state ? state->servable_version : std::nullopt;
  next.status = "draft";
  MODERATO_RETURN_IF_ERROR(WriteState(item.id, next, !state));
  MODERATO_RETURN_IF_ERROR(InsertVersion(version));
  if (status == "approved") {
    MODERATO_RETURN_IF_ERROR(ApproveLocked(item.id, editor, now));
  } else if (status == "retired") {
    MODERATO_RETURN_IF_ERROR(RetireLocked(item.id));
  }
  MODERATO_ASSIGN_OR_RETURN(*stored, Version(item.id, version.version));
  return outcome;
}

Result<CounterItem> SqliteCounterStore::PutItem(const CounterItem& item, std::string_view editor) {
  if (std::string error = ValidateCounterItem(item); !error.empty()) {
    return InvalidArgumentError("PutItem: " + error);
  }
  const std::int64_t now = NowUnixSeconds();
  std::lock_guard lock(mu_);
  const std::string op = "PutItem(" + Quoted(item.id) + ")";
  WriteTransaction txn(db_);
  MODERATO_RETURN_IF_ERROR(txn.Begin(op));
  CounterItem stored;
  Result<PutOutcome> outcome = PutInTransaction(item, editor, "draft", now, &stored);
  if (!outcome.ok()) return outcome.status().WithContext(op);
  MODERATO_RETURN_IF_ERROR(txn.Commit(op));
  return stored;
}

Result<CounterItem> SqliteCounterStore::GetItem(std::string_view id) {
  std::lock_guard lock(mu_);
  MODERATO_ASSIGN_OR_RETURN(std::optional<ItemState> state, State(id));
  if (!state) return NotFoundError("no counter item " + Quoted(id));
  return Version(id, state->latest_version);
}

Result<CounterItem> SqliteCounterStore::GetServable(std::string_view id) {
  std::lock_guard lock(mu_);
  MODERATO_ASSIGN_OR_RETURN(std::optional<ItemState> state, State(id));
  if (!state) return NotFoundError("no counter item " + Quoted(id));
  if (state->status == "retired") return NotFoundError("counter item " + Quoted(id) + " retired");
  if (!state->servable_version) {
    return NotFoundError("counter item " + Quoted(id) + " was never approved");
  }
  return Version(id, *state->servable_version);
}

Status SqliteCounterStore::Approve(std::string_view id, std::string_view editor) {
  const std::int64_t now = NowUnixSeconds();
  std::lock_guard lock(mu_);
  const std::string op = "Approve(" + Quoted(id) + ")";
  WriteTransaction txn(db_);
  MODERATO_RETURN_IF_ERROR(txn.Begin(op));
  MODERATO_RETURN_IF_ERROR(ApproveLocked(id, editor, now));
  return txn.Commit(op);
}

Status SqliteCounterStore::Retire(std::string_view id, std::string_view /*editor*/) {
  std::lock_guard lock(mu_);
  const std::string op = "Retire(" + Quoted(id) + ")";
  WriteTransaction txn(db_);
  MODERATO_RETURN_IF_ERROR(txn.Begin(op));
  MODERATO_RETURN_IF_ERROR(RetireLocked(id));
  return txn.Commit(op);
}

Result<std::vector<CounterItem>> SqliteCounterStore::History(std::string_view id) {
  std::lock_guard lock(mu_);
  MODERATO_ASSIGN_OR_RETURN(SqliteStatement * stmt, Statement(Sql::kHistory));
  ScopedReset reset(*stmt);
  stmt->BindText(1, id);
  std::vector<CounterItem> versions;
  for (;;) {
    MODERATO_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) break;
    MODERATO_ASSIGN_OR_RETURN(CounterItem item, ReadItem(*stmt));
    versions.push_back(std::move(item));
  }
  if (versions.empty()) return NotFoundError("no counter item " + Quoted(id));
  return versions;
}

bool Matches(const CounterFilter& filter, const CounterItem& item) {
  if (filter.language && item.language != *filter.language) return false;
  if (filter.theme) {
    bool found = false;
    for (const std::string& theme : item.themes) found = found || theme == *filter.theme;
    if (!found) return false;
  }
  return true;
}

Status SqliteCounterStore::ForEachItem(const CounterFilter& filter,
                                       const std::function<bool(const CounterItem&)>& visit) {
  if (filter.status && *filter.status != "draft" && *filter.status != "approved" &&
      *filter.status != "retired") {
    return InvalidArgumentError("ForEachItem: unknown status filter");
  }
  if (filter.language && !IsCounterLanguage(*filter.language)) {
    return InvalidArgumentError("ForEachItem: unknown language filter");
  }
  if (filter.theme && !IsCounterTheme(*filter.theme)) {
    return InvalidArgumentError("ForEachItem: unknown theme filter");
  }
  const bool servable = filter.status && *filter.status == "approved";
  const std::string status = filter.status.value_or("");
  std::string after;  // ids are non-empty, so "" sorts before every one
  for (;;) {
    std::vector<CounterItem> page;
    {
      std::lock_guard lock(mu_);
      MODERATO_ASSIGN_OR_RETURN(SqliteStatement * stmt,
                                Statement(servable ? Sql::kPageServable : Sql::kPageLatest));
      ScopedReset reset(*stmt);
      stmt->BindText(1, after);
      stmt->BindText(2, status);
      stmt->BindInt64(3, kPageRows);
      for (;;) {
        MODERATO_ASSIGN_OR_RETURN(bool row, stmt->Step());
        if (!row) break;
        MODERATO_ASSIGN_OR_RETURN(CounterItem item, ReadItem(*stmt));
        page.push_back(std::move(item));
      }
    }
    for (const CounterItem& item : page) {
      if (Matches(filter, item) && !visit(item)) return OkStatus();
    }
    if (static_cast<std::int64_t>(page.size()) < kPageRows) return OkStatus();
    after = page.back().id;
  }
}

Result<CounterImportResult> SqliteCounterStore::ImportItems(std::span<const CounterItem> items,
                                                            std::string_view editor,
                                                            bool keep_status) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (std::string error = ValidateCounterItem(items[i]); !error.empty()) {
      return InvalidArgumentError("ImportItems: item " + std::to_string(i) + " (" +
                                  Quoted(items[i].id.size() <= 64 ? items[i].id : "") +
                                  "): " + error);
    }
  }
  const std::int64_t now = NowUnixSeconds();
  std::lock_guard lock(mu_);
  const std::string op = "ImportItems";
  WriteTransaction txn(db_);
  MODERATO_RETURN_IF_ERROR(txn.Begin(op));
  CounterImportResult result;
  CounterItem stored;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string_view status = keep_status ? std::string_view(items[i].status) : "draft";
    Result<PutOutcome> outcome = PutInTransaction(items[i], editor, status, now, &stored);
    if (!outcome.ok()) {
      return outcome.status().WithContext("ImportItems: item " + std::to_string(i) + " (" +
                                          Quoted(items[i].id) + ")");
    }
    switch (*outcome) {
      case PutOutcome::kAdded:
        ++result.added;
        break;
      case PutOutcome::kUpdated:
        ++result.updated;
        break;
      case PutOutcome::kUnchanged:
        ++result.unchanged;
        break;
    }
  }
  MODERATO_RETURN_IF_ERROR(txn.Commit(op));
  return result;
}

Result<std::int64_t> SqliteCounterStore::ServableGeneration() {
  std::lock_guard lock(mu_);
  // Migration 5's triggers bump it when a servable_version changes.
  return db_.QueryInt64("SELECT generation FROM change_generations WHERE name = 'counter_items'",
                        "reading the counter library generation");
}

}  // namespace

Result<std::unique_ptr<CounterStore>> OpenSqliteCounterStore(const std::string& path) {
  if (path.empty()) {
    return InvalidArgumentError(
        "OpenSqliteCounterStore: empty path (use \":memory:\" for a private in-memory store)");
  }
  MODERATO_ASSIGN_OR_RETURN(SqliteDb db, SqliteDb::Open(path));
  MODERATO_RETURN_IF_ERROR(internal::ConfigureConnection(db, path, kBusyTimeoutMs));
  return std::unique_ptr<CounterStore>(std::make_unique<SqliteCounterStore>(std::move(db)));
}

}  // namespace moderato
