// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Seeded data and the slow oracle shared by the match tests.

#ifndef MODERATO_SRC_MATCH_TEST_DATA_H_
#define MODERATO_SRC_MATCH_TEST_DATA_H_

#include <algorithm>
#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "moderato/hash/hash256.h"
#include "moderato/match/hamming.h"

namespace moderato::testing_data {

// Sanitizer builds are ~10x slower; tests divide their sizes by this.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr int kSlowdown = 4;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
inline constexpr int kSlowdown = 4;
#else
inline constexpr int kSlowdown = 1;
#endif
#else
inline constexpr int kSlowdown = 1;
#endif

inline Hash256 RandomHash(std::mt19937_64& rng) { return Hash256{{rng(), rng(), rng(), rng()}}; }

// `h` with `n` distinct random bits flipped, so the distance is exactly n.
inline Hash256 FlipBits(Hash256 h, int n, std::mt19937_64& rng) {
  std::vector<int> bits(256);
  for (int i = 0; i < 256; ++i) bits[i] = i;
  for (int i = 0; i < n; ++i) {
    std::swap(bits[i], bits[i + rng() % (256 - i)]);
    h.words[bits[i] >> 6] ^= std::uint64_t{1} << (bits[i] & 63);
  }
  return h;
}

// Clusters of near-duplicates: each centre gets members at distances spread
// over 0..max_flip, including exact duplicates.
inline std::vector<Hash256> ClusteredHashes(std::size_t n, int max_flip, std::mt19937_64& rng) {
  std::vector<Hash256> out;
  out.reserve(n);
  while (out.size() < n) {
    const Hash256 centre = RandomHash(rng);
    const std::size_t members = 1 + rng() % 40;
    for (std::size_t i = 0; i < members && out.size() < n; ++i) {
      out.push_back(FlipBits(centre, static_cast<int>(rng() % (max_flip + 1)), rng));
    }
  }
  std::shuffle(out.begin(), out.end(), rng);
  return out;
}

// The slow oracle: every entry within `radius` of any query, best (distance,
// variant) per id, sorted by (distance, id).
inline std::vector<HammingMatch> SlowSearch(std::span<const std::uint64_t> ids,
                                            std::span<const Hash256> hashes,
                                            std::span<const Hash256> queries, int radius) {
  std::vector<HammingMatch> out;
  for (std::size_t i = 0; i < hashes.size(); ++i) {
    int best = 1000;
    int variant = 0;
    for (std::size_t v = 0; v < queries.size(); ++v) {
      const int d = HammingDistance(hashes[i], queries[v]);
      if (d < best) {
        best = d;
        variant = static_cast<int>(v);
      }
    }
    if (!queries.empty() && best <= radius) {
      out.push_back({ids[i], static_cast<std::uint16_t>(best), static_cast<std::uint8_t>(variant)});
    }
  }
  std::sort(out.begin(), out.end(), [](const HammingMatch& a, const HammingMatch& b) {
    return a.distance != b.distance ? a.distance < b.distance : a.id < b.id;
  });
  return out;
}

}  // namespace moderato::testing_data

#endif  // MODERATO_SRC_MATCH_TEST_DATA_H_
