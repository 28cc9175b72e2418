// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// BankMatcher: matches one item's signals (PDQ variants, MD5, SHA-256, URLs,
// a text signature) against every enabled bank in a BankStore, applying each
// bank's PDQ threshold and quality gate and the suppression banks.
//
//   MODERATO_ASSIGN_OR_RETURN(auto matcher, BankMatcher::Build(*store, {}));
//   MatchQuery query;
//   query.pdq = PdqDihedral(...);           // 1 hash, or all 8 variants
//   query.pdq_quality = 100;
//   MODERATO_ASSIGN_OR_RETURN(std::vector<BankMatch> matches, matcher->Match(query));
//
// Build reads the whole store; Refresh then follows the store's change log
// (BankStore::ChangesSince) and applies added, removed, enabled and disabled
// signals without a rebuild, re-reading the bank settings (enabled,
// threshold, quality gate, suppression), which are applied at query time.
// Queries read an immutable view (tables + PDQ snapshot) that Refresh
// replaces atomically: a query never sees half a refresh and never waits
// for one. A process that rarely changes its banks (the CLI) can instead
// reuse a cached PDQ index, see BankMatcherOptions.
//
// Suppression: a suppression bank holds known false positives. When a query
// matches any signal in a suppression bank, every match in an ordinary bank
// is reported with `suppressed = true` (and callers must not act on it).
//
// URL signals match two ways: a bank URL whose canonical form has a path,
// query or port matches that canonical URL exactly ("url"); a bank URL that is
// a bare host ("https://example.org") matches every URL on that host or its
// subdomains ("host").
//
// Memory: the PDQ side is the Hamming index (docs/matching.md); each signal
// id there packs the bank id and the PDQ quality, so no per-hash side table is
// kept. Exact signals (MD5, SHA-256, URL, text bands) live in hash maps.
//
// Thread safety: Match may be called from many threads at once.

#ifndef MODERATO_MATCH_BANK_MATCHER_H_
#define MODERATO_MATCH_BANK_MATCHER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "moderato/hash/hash256.h"
#include "moderato/status.h"
#include "moderato/store/banks.h"
#include "moderato/store/store.h"

namespace moderato {

struct MatchQuery {
  // PDQ hashes of the query image: one, or the 8 dihedral variants in the
  // order of Dihedral (variant i = pdq[i]). Empty: no image.
  std::vector<Hash256> pdq;
  int pdq_quality = 100;          // below a bank's quality gate, that bank is skipped
  std::string md5;                // 32 lowercase hex digits, or empty
  std::string sha256;             // 64 lowercase hex digits, or empty
  std::vector<std::string> urls;  // canonical URLs (CanonicalizeUrl)
  std::string text_signature;     // FormatTextSignature form, or empty
};

struct BankMatch {
  std::string bank;
  int64_t signal_id = 0;
  SignalType type = SignalType::kPdq;
  std::string kind;          // "pdq", "md5", "sha256", "url", "host", "text"
  int distance = 0;          // PDQ: Hamming distance; exact kinds: 0
  int variant = 0;           // PDQ: index into MatchQuery::pdq; URL: index into urls
  double similarity = 1.0;   // text: estimated similarity; others 1
  bool suppression = false;  // the signal is in a suppression bank
  bool suppressed = false;   // cancelled by a suppression-bank match
};

struct BankMatcherOptions {
  // When set, the PDQ index is loaded from this file if it was saved for the
  // store's current change sequence, and saved there after a rebuild when the
  // store holds at least `cache_min_pdq` PDQ signals. A sidecar
  // "<path>.seq" records the sequence.
  std::string pdq_cache_path;
  int64_t cache_min_pdq = 100000;
  // Called with the number of signals read so far while building.
  std::function<void(int64_t)> progress;
};

struct BankMatcherStats {
  int64_t pdq = 0, md5 = 0, sha256 = 0, url = 0, host = 0, text = 0;
  int64_t skipped_disabled = 0;  // disabled signals or signals of disabled banks
  bool pdq_from_cache = false;
  double build_seconds = 0;
};

class BankMatcher {
 public:
  // Reads every enabled signal of every enabled bank. Fails with the store's
  // error, or kDataLoss if a stored value does not parse.
  static Result<std::unique_ptr<BankMatcher>> Build(BankStore& store,
                                                    const BankMatcherOptions& options);

  BankMatcher(const BankMatcher&) = delete;
  BankMatcher& operator=(const BankMatcher&) = delete;
  ~BankMatcher();

  // Every match of `query`, restricted to `bank` when given (suppression
  // banks are always consulted). Sorted by (suppressed, distance, bank,
  // signal id). Fails with kInvalidArgument on a malformed query value.
  Result<std::vector<BankMatch>> Match(const MatchQuery& query,
                                       const std::optional<std::string>& bank = {}) const;

  // Applies the store's changes since sequence() and publishes a new view.
  // Returns how many changes were applied. Fails with the store's error, or
  // kResourceExhausted (applying nothing) when more than `max_changes` are
  // pending: a full Build is then cheaper. Concurrent Refresh calls are
  // serialised; Match is never blocked.
  Result<int64_t> Refresh(BankStore& store, int64_t max_changes = 1'000'000);

  std::vector<Bank> banks() const;
  BankMatcherStats stats() const;
  int64_t sequence() const;  // the store's change sequence the view reflects

  // Packing of PDQ index ids (exposed for tests): bank id (16 bits),
  // quality + 1 (7 bits, 0 = unknown), signal id (40 bits).
  static uint64_t PackPdqId(int64_t bank_id, int quality, int64_t signal_id);

 private:
  struct State;
  explicit BankMatcher(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace moderato

#endif  // MODERATO_MATCH_BANK_MATCHER_H_
