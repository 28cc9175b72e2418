// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// MihSegment: the immutable base of a HammingIndex. Entries are sorted by id
// (so an id lookup is a binary search and needs no extra memory). The 256
// bits are cut into m contiguous substrings of `bits` or `bits - 1` bits; for
// each substring a direct-addressed table offsets[key .. key + 1] delimits
// the rows whose substring equals `key` in a posting array (rows ascending).
//
// Search plan: a radius r needs per-substring radii r_i (-1 = skip) with
// sum(r_i + 1) >= r + 1 (generalised pigeonhole, Norouzi et al., "Fast Exact
// Search in Hamming Space with Multi-Index Hashing", TPAMI 2014). Radii are
// handed out one unit at a time to the substring whose next unit adds the
// fewest expected probes + candidates; marginal costs grow with r_i, so the
// greedy allocation is optimal. Plans are precomputed for r = 0..256.

#ifndef MODERATO_SRC_MATCH_MIH_SEGMENT_H_
#define MODERATO_SRC_MATCH_MIH_SEGMENT_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <vector>

#include "moderato/hash/hash256.h"
#include "moderato/match/hamming.h"

namespace moderato::internal {

inline constexpr int kMinSubstringBits = 4;
inline constexpr int kMaxSubstringBits = 24;
inline constexpr int kMaxSubstrings = 256 / kMinSubstringBits;

// Allocates on 64-byte boundaries, so no 32-byte hash straddles two cache
// lines (a verification is then at most one miss).
template <typename T>
struct CacheAlignedAllocator {
  using value_type = T;
  static constexpr std::align_val_t kAlign{64};
  CacheAlignedAllocator() = default;
  template <typename U>
  CacheAlignedAllocator(const CacheAlignedAllocator<U>&) {}  // NOLINT(google-explicit-constructor)
  T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), kAlign)); }
  void deallocate(T* p, std::size_t) { ::operator delete(p, kAlign); }
  friend bool operator==(const CacheAlignedAllocator&, const CacheAlignedAllocator&) = default;
};

using HashVector = std::vector<Hash256, CacheAlignedAllocator<Hash256>>;

// Returns the default substring width for `n` entries.
int AutoSubstringBits(std::size_t n);

class MihSegment {
 public:
  struct Plan {
    std::array<std::int8_t, kMaxSubstrings> radius;  // per substring, -1 = not probed
    double probes = 0;                               // table lookups
    double candidates = 0;                           // expected verifications
  };

  // `ids` strictly ascending, parallel to `hashes`, size < 2^32. `bits` in
  // [kMinSubstringBits, kMaxSubstringBits] or 0 for AutoSubstringBits().
  static std::shared_ptr<const MihSegment> Build(std::vector<std::uint64_t> ids, HashVector hashes,
                                                 int bits);

  // An empty segment; use Build().
  MihSegment() = default;
  // Not copyable: may hold gigabytes.
  MihSegment(const MihSegment&) = delete;
  MihSegment& operator=(const MihSegment&) = delete;

  std::size_t size() const { return ids_.size(); }
  std::span<const std::uint64_t> ids() const { return ids_; }
  std::span<const Hash256> hashes() const { return hashes_; }
  int substrings() const { return m_; }
  int width(int i) const { return width_[i]; }

  // Returns the row holding `id`, if any.
  std::optional<std::uint32_t> FindRow(std::uint64_t id) const;

  // True if the cost model expects MIH to beat a flat scan for `nq` queries.
  bool PreferMih(int radius, std::size_t nq) const;
  const Plan& plan(int radius) const { return plans_[radius]; }

  // Appends (row, distance, variant) for every row within `radius` of
  // `query` (0 <= radius <= 256). Rows may repeat; order is unspecified.
  void Search(const Hash256& query, std::uint8_t variant, int radius,
              std::vector<HammingMatch>* out) const;

  std::size_t MemoryBytes() const;

 private:
  void ComputePlans();

  std::vector<std::uint64_t> ids_;
  HashVector hashes_;
  int m_ = 0;
  std::array<int, kMaxSubstrings> start_{};
  std::array<int, kMaxSubstrings> width_{};
  std::vector<std::vector<std::uint32_t>> offsets_;   // per substring, 2^width + 1
  std::vector<std::vector<std::uint32_t>> postings_;  // per substring, size() rows
  std::vector<Plan> plans_;                           // radius 0..256
};

// Bits [start, start + width) of `h` (width <= 32).
inline std::uint32_t ExtractBits(const Hash256& h, int start, int width) {
  const int word = start >> 6;
  const int shift = start & 63;
  std::uint64_t v = h.words[word] >> shift;
  if (shift + width > 64) v |= h.words[word + 1] << (64 - shift);
  return static_cast<std::uint32_t>(v & ((std::uint64_t{1} << width) - 1));
}

}  // namespace moderato::internal

#endif  // MODERATO_SRC_MATCH_MIH_SEGMENT_H_
