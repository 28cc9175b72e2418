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

#include <cstddef>
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

// A signal named by type and canonical value (removals in an import).
struct SignalValue {
  SignalType type = SignalType::kPdq;
  std::string value;
};

struct ApplyResult {
  AddResult added;
  int64_t removed = 0;  // signals deleted by the removals
};

struct BankStats {
  std::string bank;
  int64_t signals[kSignalTypeCount] = {};  // by SignalType
  int64_t disabled = 0;
  int64_t total = 0;
  int64_t last_added_at = 0;
};

// One entry of the change log, for readers that keep an index in memory and
// apply changes without a full rebuild. Written in the same transaction as
// the change itself. kAdded: AddSignals inserted the signal. kRemoved:
// RemoveSignal, RemoveSignalsByValue, or DeleteBank (one entry per signal of
// the bank). kUpdated: SetSignalEnabled flipped `enabled`, or AddSignals
// merged new labels into an existing signal; re-read it with GetSignal.
// Bank settings (UpdateBank) are not logged: re-read ListBanks. Signal ids
// are never reused, so an id in the log names one signal forever.
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
  // Changes description, enabled, suppression, threshold, quality gate of the
  // bank named bank.name (id and created_at are ignored). Fails with
  // kInvalidArgument as CreateBank, kNotFound when no bank has that name.
  virtual Status UpdateBank(const Bank& bank) = 0;
  // Deletes the bank and all its signals.
  virtual Status DeleteBank(std::string_view name) = 0;

  // Adds signals to `bank` in one transaction: every value is validated for
  // its type first (bad ones fail the whole call, kInvalidArgument naming the
  // index), then all are inserted or none. Each signal's `bank` field is ignored.
  virtual Result<AddResult> AddSignals(std::string_view bank, std::span<const Signal> signals) = 0;
  // Adds `adds` (as AddSignals) and then removes every signal of `bank`
  // matching one of `removals`, in ONE transaction: all of it or none.
  // Removals that match nothing are not errors. Fails as AddSignals, and
  // with kInvalidArgument naming the index of a malformed removal value.
  virtual Result<ApplyResult> ApplySignalChanges(std::string_view bank,
                                                 std::span<const Signal> adds,
                                                 std::span<const SignalValue> removals) = 0;
  virtual Result<Signal> GetSignal(int64_t id) = 0;  // kNotFound
  // Removes one signal; kNotFound when absent.
  virtual Status RemoveSignal(int64_t id) = 0;
  // Removes by value; returns how many were removed (0 is not an error).
  virtual Result<int64_t> RemoveSignalsByValue(std::string_view bank, SignalType type,
                                               std::string_view value) = 0;
  virtual Status SetSignalEnabled(int64_t id, bool enabled) = 0;

  // Streams signals in id order without loading them all; stops early when
  // `visit` returns false. Fails with kNotFound if filter.bank names no bank.
  // Rows are read in pages and `visit` runs without the store's lock, so it
  // may call the store; the scan is not one snapshot (a signal committed
  // meanwhile with a higher id may be visited). To build an index, read
  // LatestSequence() first, scan, then apply ChangesSince() that sequence.
  virtual Status ForEachSignal(const SignalFilter& filter,
                               const std::function<bool(const Signal&)>& visit) = 0;
  virtual Result<BankStats> Stats(std::string_view bank) = 0;

  // The change log since `after_sequence` (exclusive), oldest first, at most
  // `limit` entries (kInvalidArgument outside 1..1,000,000); and the newest
  // sequence number (0 when empty).
  virtual Result<std::vector<SignalChange>> ChangesSince(int64_t after_sequence, int64_t limit) = 0;
  virtual Result<int64_t> LatestSequence() = 0;
};

// Opens (creating if needed) a SQLite bank store at `path` and applies any
// pending schema migrations. ":memory:" gives a private in-memory store.
Result<std::unique_ptr<BankStore>> OpenSqliteBankStore(const std::string& path);

// Limits and settings of the SQLite store (docs/banks.md). The defaults suit
// the embedded deployment; tests lower them.
struct SqliteBankStoreOptions {
  // How long a write (or a read blocked by a checkpoint) waits for another
  // process's lock before failing with kUnavailable.
  int busy_timeout_ms = 5000;
  // AddSignals fails with kResourceExhausted, adding nothing, above this many
  // signals in one call.
  std::size_t max_signals_per_call = 5'000'000;
};

// As above, with explicit options. Fails with kInvalidArgument if `path` is
// not a SQLite database (or is a SQLite database of another application),
// kFailedPrecondition if its schema is newer than this build understands,
// kDataLoss if it is corrupt, kUnavailable if it cannot be opened or is
// locked for longer than options.busy_timeout_ms.
Result<std::unique_ptr<BankStore>> OpenSqliteBankStore(const std::string& path,
                                                       const SqliteBankStoreOptions& options);

}  // namespace moderato

#endif  // MODERATO_STORE_STORE_H_
