// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Exact Hamming-radius search over 256-bit perceptual hashes (PDQ).
//
// Two searchers live here, and they must always agree:
//   * FlatSearch(): a linear scan with runtime SIMD dispatch (AVX-512
//     VPOPCNTDQ, AVX2, portable). It is the oracle, O(n) per call.
//   * HammingIndex / HammingSnapshot: multi-index hashing (MIH). The 256 bits
//     are split into m contiguous substrings; by the pigeonhole principle a
//     hash within radius r of the query has at least one substring i within
//     r_i of the query's substring, for any r_i with sum(r_i + 1) > r. Each
//     substring has a direct-addressed table (substring value -> posting list
//     of rows); candidates are verified at full distance, so results are exact
//     (100% recall) at every radius. When the probe count would cost more
//     than a scan (large radii, small indexes) the snapshot scans instead.
//
// Every search takes a batch of queries (usually the 8 dihedral variants of
// one image) and reports, per stored item, the smallest distance over the
// batch and which query (`variant`, its index in the batch) achieved it; ties
// go to the lowest index.
//
// Updates: HammingIndex is the writer. Add()/Remove() change a private
// pending state (an immutable MIH base segment, a small flat-scanned delta and
// a tombstone set); Publish() freezes it into a new immutable HammingSnapshot
// that readers pick up with snapshot(). When the delta or the tombstones grow
// past HammingIndexOptions limits, a compaction merges them into a new base
// (in a background thread by default) without blocking readers or writers.
//
// Thread safety: FlatSearch is a pure function. HammingSnapshot is immutable;
// any number of threads may search one concurrently. Every HammingIndex
// method is thread-safe; writers serialise on an internal mutex held only
// for short updates (never during a compaction's rebuild or a search).
//
// Memory: about 32 (hash) + 8 (id) + 4·m (postings) + tables bytes per hash;
// at 10M hashes m = 12 and the total is about 101 bytes per hash. See
// docs/matching.md for the layout, the on-disk format and measurements.
//
// Example:
//   MODERATO_ASSIGN_OR_RETURN(std::unique_ptr<moderato::HammingIndex> index,
//                             moderato::HammingIndex::Build(ids, hashes));
//   std::shared_ptr<const moderato::HammingSnapshot> snap = index->snapshot();
//   std::vector<moderato::HammingMatch> matches;
//   snap->Search(dihedral_variants, /*radius=*/31, &matches);  // nearest first

#ifndef MODERATO_MATCH_HAMMING_H_
#define MODERATO_MATCH_HAMMING_H_

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "moderato/hash/hash256.h"
#include "moderato/status.h"

namespace moderato {

namespace internal {
class MihSegment;
template <typename T>
struct CacheAlignedAllocator;
}  // namespace internal

// One search result. For FlatSearch `id` is the row index in the scanned
// span; for snapshots it is the id given to Add()/Build().
struct HammingMatch {
  std::uint64_t id;
  std::uint16_t distance;  // 0..256
  std::uint8_t variant;    // index of the best query in the batch

  friend bool operator==(const HammingMatch&, const HammingMatch&) = default;
};

// Largest query batch a search accepts (variant is a uint8_t).
inline constexpr std::size_t kMaxHammingQueries = 256;

// Instruction-set level of the flat scan.
enum class SimdLevel {
  kPortable,  // std::popcount on 64-bit words, baseline x86-64
  kAvx2,      // nibble-table popcount (pshufb) + psadbw, 4 hashes per step
  kAvx512,    // AVX-512F + VPOPCNTDQ, 8 hashes per step
};

// Returns the best level this CPU (and OS) supports.
SimdLevel DetectSimdLevel();

// Returns true if `level` can run on this CPU.
bool SimdLevelSupported(SimdLevel level);

// Returns "portable", "avx2" or "avx512".
std::string_view SimdLevelName(SimdLevel level);

// The flat oracle. Replaces *out with one entry per row of `hashes` whose
// smallest distance to any of `queries` is <= `radius` (inclusive):
// (row index, that distance, the lowest query index achieving it), sorted by
// row. A negative radius matches nothing; radii above 256 act as 256.
// `queries` should hold 1..8 hashes (the dihedral batch, scanned in one pass
// over `hashes`); larger batches are scanned 8 at a time. Aborts if
// queries.size() > kMaxHammingQueries (a programmer error). A `level` the CPU
// lacks falls back to the best supported level below it. O(|hashes|·|queries|).
void FlatSearch(std::span<const Hash256> hashes, std::span<const Hash256> queries, int radius,
                std::vector<HammingMatch>* out, SimdLevel level = DetectSimdLevel());

// How a snapshot answers a search. Every strategy returns the same results.
enum class SearchStrategy {
  kAuto,        // MIH or scan, whichever the cost model expects to be faster
  kFlat,        // always scan (the oracle path)
  kMultiIndex,  // always probe the MIH tables, even when a scan is cheaper
};

struct HammingIndexOptions {
  // Width of each MIH substring in bits, 4..24; 0 chooses about
  // log2(size) - 1 (22 bits, m = 12 substrings at 10M hashes). Values outside
  // the range are clamped. Each of the ceil(256 / bits) tables takes
  // 4 * 2^bits bytes whatever the size, so wider than log2(size) wastes memory.
  int substring_bits = 0;
  // Publish() starts a compaction when the delta holds more than this many
  // entries, or when more than max(max_delta, base size / 8) base entries
  // are tombstoned. Each search scans the delta linearly, and each Publish()
  // copies it, so keep it small.
  std::size_t max_delta = 32768;
  // Run compactions in a background thread (true) or inside Publish() (false).
  bool background_compaction = true;
  // Add() fails with kResourceExhausted beyond this many live entries; Load()
  // rejects larger files. Row indices are 32-bit, hence the hard cap.
  std::size_t max_entries = 4'000'000'000;
  // Load()/Parse() verify the file's XXH3 checksums. Turning this off is only
  // meant for fuzzing (structural validation still runs in full).
  bool verify_checksums = true;
};

// An immutable view of the index at one Publish(). Cheap to hold; searching
// it never blocks and never sees later changes. Thread-safe.
class HammingSnapshot {
 private:
  friend class HammingIndex;
  struct Key {
    explicit Key() = default;
  };

 public:
  // Built only by HammingIndex (the Key is private).
  HammingSnapshot(Key, std::shared_ptr<const internal::MihSegment> base,
                  std::vector<std::uint32_t> dead_rows, std::vector<std::uint64_t> delta_ids,
                  std::vector<Hash256> delta_hashes, std::uint64_t version);
  ~HammingSnapshot();

  // Not copyable (it may be large; share it through the shared_ptr).
  HammingSnapshot(const HammingSnapshot&) = delete;
  HammingSnapshot& operator=(const HammingSnapshot&) = delete;

  // Returns the number of live entries.
  std::size_t size() const;

  // Returns the Publish() count that produced this state (0 for an empty
  // index, 1 after Build()/Load()). Snapshots with equal versions of one
  // index hold the same entries (a compaction republishes under the same
  // version).
  std::uint64_t version() const { return version_; }

  // Replaces *out with every live entry within `radius` (inclusive) of any of
  // `queries`, one result per id with its smallest distance and the lowest
  // variant achieving it, sorted by (distance, id). A negative radius or no
  // queries gives no results. Aborts if queries.size() > kMaxHammingQueries.
  // Cost: with MIH roughly probes·(table lookup) + candidates·(verify); at
  // radius 31 over 10M random hashes about 2k probes and 7k candidates per
  // query, plus a scan of the delta.
  void Search(std::span<const Hash256> queries, int radius, std::vector<HammingMatch>* out,
              SearchStrategy strategy = SearchStrategy::kAuto) const;

  // Returns the hash stored under `id`, or nullopt if `id` is not live.
  // O(log size).
  std::optional<Hash256> Find(std::uint64_t id) const;

  // Calls fn(id, hash) for every live entry in ascending id order.
  template <typename Fn>
  void ForEach(Fn&& fn) const;

  // Returns the resident bytes of this snapshot's structures (the base is
  // shared with other snapshots of the same index).
  std::size_t MemoryBytes() const;

  // The substring widths of the MIH base (empty when the base is empty).
  std::vector<int> substring_widths() const;

 private:
  bool IsDeadRow(std::uint32_t row) const;
  std::span<const std::uint64_t> base_ids() const;
  std::span<const Hash256> base_hashes() const;

  std::shared_ptr<const internal::MihSegment> base_;  // may be null (empty)
  std::vector<std::uint32_t> dead_rows_;              // sorted base rows
  std::vector<std::uint64_t> delta_ids_;              // sorted ascending
  std::vector<Hash256> delta_hashes_;                 // parallel to delta_ids_
  std::uint64_t version_;
};

// The writer side. Every method is thread-safe.
class HammingIndex {
 public:
  // An empty index with a published empty snapshot.
  explicit HammingIndex(HammingIndexOptions options = {});
  // Waits for a running compaction to finish.
  ~HammingIndex();

  // Neither copyable nor movable: it owns a mutex and may own a thread.
  HammingIndex(const HammingIndex&) = delete;
  HammingIndex& operator=(const HammingIndex&) = delete;

  // Bulk-builds an index holding ids[i] -> hashes[i] and publishes it
  // (version 1). O(n log n) for unsorted ids, O(n·m) for the tables; about
  // 1.4 s per 10M hashes. Fails with kInvalidArgument if the spans differ in
  // length or an id repeats, kResourceExhausted above options.max_entries.
  static Result<std::unique_ptr<HammingIndex>> Build(std::span<const std::uint64_t> ids,
                                                     std::span<const Hash256> hashes,
                                                     HammingIndexOptions options = {});

  // Stages `hash` under `id` (visible after Publish()). Fails with
  // kFailedPrecondition if `id` is already live (Remove() it first), and
  // kResourceExhausted at options().max_entries live entries.
  Status Add(std::uint64_t id, const Hash256& hash);

  // Stages the removal of `id`. Returns false if `id` is not live.
  bool Remove(std::uint64_t id);

  // Makes every staged Add()/Remove() visible to snapshot() from now on, and
  // may start a compaction. O(delta + tombstones) (the delta is copied).
  void Publish();

  // Returns the most recently published snapshot. Never null; lock-free for
  // practical purposes (a pointer copy under a tiny mutex).
  std::shared_ptr<const HammingSnapshot> snapshot() const;

  // Merges the delta and tombstones into a new base now, in this thread,
  // then publishes (like Publish()). Waits for a background compaction first.
  void Compact();

  // Blocks until no compaction is running.
  void WaitForCompaction();

  // Writes the published snapshot to `path` atomically (a temporary file in
  // the same directory, fsync, rename, fsync of the directory). The format is
  // in docs/matching.md. Fails with kUnavailable on I/O errors.
  Status Save(const std::string& path) const;

  // Reads an index written by Save() and publishes it (version 1). Validates
  // everything: a truncated, corrupt or hostile file fails with kDataLoss
  // naming the problem (never a crash; allocations are bounded by the file
  // size). Fails with kNotFound if `path` does not exist, kUnavailable on
  // other I/O errors.
  static Result<std::unique_ptr<HammingIndex>> Load(const std::string& path,
                                                    HammingIndexOptions options = {});

  // As Load(), from bytes in memory (for tests and fuzzers).
  static Result<std::unique_ptr<HammingIndex>> Parse(std::string_view bytes,
                                                     HammingIndexOptions options = {});

  // Returns the number of compactions completed so far (for monitoring).
  std::uint64_t compactions() const;

  // Returns the resident bytes of the published snapshot plus the staged
  // changes (a compaction in progress temporarily needs another base).
  std::size_t MemoryBytes() const;

  const HammingIndexOptions& options() const { return options_; }

 private:
  struct DeltaEntry {
    Hash256 hash;
    std::uint64_t seq;  // distinguishes a re-added id from the one a compaction saw
  };
  struct CompactionInput;

  // Build() after sorting: takes ids ascending (checks they are distinct).
  static Result<std::unique_ptr<HammingIndex>> BuildSorted(
      std::vector<std::uint64_t> ids,
      std::vector<Hash256, internal::CacheAlignedAllocator<Hash256>> hashes,
      HammingIndexOptions options);
  bool LiveLocked(std::uint64_t id) const;
  std::shared_ptr<const HammingSnapshot> MakeSnapshotLocked(std::uint64_t version) const;
  void PublishLocked();
  bool NeedsCompactionLocked() const;
  CompactionInput StartCompactionLocked();
  void RunCompaction(CompactionInput input);
  void InstallSnapshot(std::shared_ptr<const HammingSnapshot> snap);

  const HammingIndexOptions options_;

  mutable std::mutex mu_;  // guards everything below except snapshot_
  std::condition_variable compaction_done_;
  std::shared_ptr<const internal::MihSegment> base_;
  std::map<std::uint64_t, DeltaEntry> delta_;
  std::map<std::uint64_t, std::uint32_t> dead_;  // removed ids of base_ -> their rows
  std::uint64_t next_seq_ = 1;
  std::uint64_t published_version_ = 0;
  bool dirty_ = false;  // staged changes not yet published
  bool compacting_ = false;
  std::uint64_t compactions_ = 0;
  std::thread compactor_;

  mutable std::mutex snapshot_mu_;  // guards snapshot_ only; held for a pointer copy
  std::shared_ptr<const HammingSnapshot> snapshot_;
};

template <typename Fn>
void HammingSnapshot::ForEach(Fn&& fn) const {
  std::span<const std::uint64_t> ids = base_ids();
  std::span<const Hash256> hashes = base_hashes();
  std::size_t row = 0;
  std::size_t dead = 0;
  std::size_t d = 0;
  while (row < ids.size() || d < delta_ids_.size()) {
    if (row < ids.size() && dead < dead_rows_.size() && dead_rows_[dead] == row) {
      ++row;
      ++dead;
    } else if (d == delta_ids_.size() || (row < ids.size() && ids[row] < delta_ids_[d])) {
      fn(ids[row], hashes[row]);
      ++row;
    } else {
      fn(delta_ids_[d], delta_hashes_[d]);
      ++d;
    }
  }
}

}  // namespace moderato

#endif  // MODERATO_MATCH_HAMMING_H_
