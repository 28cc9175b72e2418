// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// CounterStore: where the counter-narrative library persists, with the
// version history of every item and the approval gate. Like BankStore, the
// SQL lives in store/ only; the SQLite implementation shares the database
// file (and its migrations) with the bank store.
//
//   MODERATO_ASSIGN_OR_RETURN(auto store, OpenSqliteCounterStore("moderato.db"));
//   MODERATO_ASSIGN_OR_RETURN(CounterItem saved, store->PutItem(item, "editor@ngo"));
//   MODERATO_RETURN_IF_ERROR(store->Approve(saved.id, "lead-editor@ngo"));
//
// Every write is one transaction and survives a crash once acknowledged.
// Thread safety: as BankStore.

#ifndef MODERATO_STORE_COUNTER_STORE_H_
#define MODERATO_STORE_COUNTER_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "moderato/counter/item.h"
#include "moderato/status.h"

namespace moderato {

struct CounterFilter {
  std::optional<std::string> language;
  std::optional<std::string> status;  // "approved" to list only servable items
  std::optional<std::string> theme;
};

struct CounterImportResult {
  int64_t added = 0;
  int64_t updated = 0;    // existing ids whose content changed (new version, draft unless the
                          // imported item says approved and `keep_status` was set)
  int64_t unchanged = 0;  // identical to the stored version
};

class CounterStore {
 public:
  virtual ~CounterStore() = default;

  // Inserts a new item (version 1) or, for an existing id, stores a new
  // version when the content differs. A new version of an approved item is a
  // draft until approved again: the store serves the last approved version
  // meanwhile (GetServable). Fails with kInvalidArgument (ValidateCounterItem).
  virtual Result<CounterItem> PutItem(const CounterItem& item, std::string_view editor) = 0;
  // The latest version; kNotFound.
  virtual Result<CounterItem> GetItem(std::string_view id) = 0;
  // The latest approved version, or kNotFound if none was ever approved (or
  // the item is retired).
  virtual Result<CounterItem> GetServable(std::string_view id) = 0;
  // Approves the latest version (draft → approved); kNotFound;
  // kFailedPrecondition if it is retired.
  virtual Status Approve(std::string_view id, std::string_view editor) = 0;
  // Retires an item: never served again, kept for the record.
  virtual Status Retire(std::string_view id, std::string_view editor) = 0;
  // Every version, oldest first.
  virtual Result<std::vector<CounterItem>> History(std::string_view id) = 0;
  // Streams the latest version of each item in id order (with
  // status "approved": the latest approved version of each servable item).
  virtual Status ForEachItem(const CounterFilter& filter,
                             const std::function<bool(const CounterItem&)>& visit) = 0;
  // PutItem for many items in ONE transaction: all or none. With
  // `keep_status`, the imported status is kept (an exported approved library
  // re-imports approved); otherwise changed or new items are drafts.
  virtual Result<CounterImportResult> ImportItems(std::span<const CounterItem> items,
                                                  std::string_view editor, bool keep_status) = 0;

  // Returns a number that changes whenever what the store serves changes
  // (an approval, a retirement: the set of GetServable versions), by this or
  // any other connection or process sharing the database; saving a draft
  // does not change it. Compare it to know, cheaply (one indexed row),
  // whether a cached index of the servable library is stale.
  virtual Result<std::int64_t> ServableGeneration() = 0;
};

Result<std::unique_ptr<CounterStore>> OpenSqliteCounterStore(const std::string& path);

}  // namespace moderato

#endif  // MODERATO_STORE_COUNTER_STORE_H_
