// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// BankStore: where banks and signals persist. The only module that talks to
// a database is store/; everything else sees this interface. The SQLite
// implementation (WAL, foreign keys, migrations) is the embedded default; a
// PostgreSQL one will implement the same interface.
//
//   MODERATO_ASSIGN_OR_RETURN(auto store, OpenSqliteBankStore("moderato.db"));
//   MODERATO_ASSIGN_OR_RETURN(Bank b, store->CreateBank({.name = "tat"}));
//   MODERATO_ASSIGN_OR_RETURN(AddResult r, store->AddSignals("tat", signals));
//
// Every write is one transaction: AddSignals adds all of its signals or none
// (an import is all-or-nothing), and a write that returned OK survives a
// crash (synchronous=FULL in WAL mode).
//
// Thread safety: one BankStore may be used from several threads; writes are
// serialised. Several processes may open the same file (SQLite's locking).

#ifndef MODERATO_STORE_STORE_H_
#define MODERATO_STORE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "moderato/status.h"
#include "moderato/store/banks.h"

namespace moderato {

struct AddResult {
  std::vector<int64_t> ids;  // one per input signal: the new id, or the existing
                             // signal's id when (bank, type, value) was present
  int64_t added = 0;
  int64_t duplicates = 0;  // already in the bank: labels merged, nothing else changed
};

struct BankStats {
  std::string bank;
  int64_t signals[kSignalTypeCount] = {};  // by SignalType
  int64_t disabled = 0;
  int64_t total = 0;
  int64_t last_added_at = 0;
};

// One entry of the change log, for readers that keep an index in memory and
// apply changes without a full rebuild.
struct SignalChange {
  int64_t sequence = 0;  // strictly increasing
  enum class Kind : uint8_t { kAdded, kRemoved, kUpdated } kind = Kind::kAdded;
  int64_t signal_id = 0;
  std::string bank;
};

struct SignalFilter {
  std::optional<std::string> bank;  // all banks when empty
  std::optional<SignalType> type;
  bool include_disabled = true;
};

class BankStore {
 public:
  virtual ~BankStore() = default;

  // Banks. Names are unique; CreateBank fails with kInvalidArgument on a bad
  // name or range and kFailedPrecondition when the name exists.
  virtual Result<Bank> CreateBank(const Bank& bank) = 0;
  virtual Result<Bank> GetBank(std::string_view name) = 0;  // kNotFound
  virtual Result<std::vector<Bank>> ListBanks() = 0;
  // Changes description, enabled, suppression, threshold, quality gate.
  virtual Status UpdateBank(const Bank& bank) = 0;
  // Deletes the bank and all its signals.
  virtual Status DeleteBank(std::string_view name) = 0;

  // Adds signals to `bank` in one transaction: every value is validated for
  // its type first (bad ones fail the whole call, kInvalidArgument naming the
  // index), then all are inserted or none. Each signal's `bank` field is ignored.
  virtual Result<AddResult> AddSignals(std::string_view bank, std::span<const Signal> signals) = 0;
  virtual Result<Signal> GetSignal(int64_t id) = 0;  // kNotFound
  // Removes one signal; kNotFound when absent.
  virtual Status RemoveSignal(int64_t id) = 0;
  // Removes by value; returns how many were removed (0 is not an error).
  virtual Result<int64_t> RemoveSignalsByValue(std::string_view bank, SignalType type,
                                               std::string_view value) = 0;
  virtual Status SetSignalEnabled(int64_t id, bool enabled) = 0;

  // Streams signals in id order without loading them all; stops early when
  // `visit` returns false.
  virtual Status ForEachSignal(const SignalFilter& filter,
                               const std::function<bool(const Signal&)>& visit) = 0;
  virtual Result<BankStats> Stats(std::string_view bank) = 0;

  // The change log since `after_sequence` (exclusive), oldest first, at most
  // `limit` entries; and the newest sequence number (0 when empty).
  virtual Result<std::vector<SignalChange>> ChangesSince(int64_t after_sequence, int64_t limit) = 0;
  virtual Result<int64_t> LatestSequence() = 0;
};

// Opens (creating if needed) a SQLite bank store at `path` and applies any
// pending schema migrations. ":memory:" gives a private in-memory store.
Result<std::unique_ptr<BankStore>> OpenSqliteBankStore(const std::string& path);

}  // namespace moderato

#endif  // MODERATO_STORE_STORE_H_
