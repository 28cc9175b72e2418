// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Internal: randomness whose results the C++ standard pins down, for splits
// and shuffles that must be identical on every platform. std::mt19937_64's
// output sequence is specified; std::uniform_int_distribution and
// std::shuffle are not, so they are avoided.

#ifndef MODERATO_SRC_CLASSIFY_STABLE_RANDOM_H_
#define MODERATO_SRC_CLASSIFY_STABLE_RANDOM_H_

#include <cstdint>
#include <limits>
#include <random>
#include <span>
#include <string_view>
#include <utility>

namespace moderato::internal {

// FNV-1a, 64-bit (std::hash is not stable across implementations).
inline std::uint64_t Fnv1a64(std::string_view s) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// Uniform integer in [0, n), n > 0, by rejection sampling.
inline std::uint64_t UniformBelow(std::mt19937_64& rng, std::uint64_t n) {
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  const std::uint64_t limit = kMax - kMax % n;
  std::uint64_t x;
  do {
    x = rng();
  } while (x >= limit);
  return x % n;
}

// Fisher-Yates shuffle (Knuth's Algorithm P), from the back.
template <typename T>
void StableShuffle(std::span<T> items, std::mt19937_64& rng) {
  for (std::size_t i = items.size(); i > 1; --i) {
    std::swap(items[i - 1], items[UniformBelow(rng, i)]);
  }
}

}  // namespace moderato::internal

#endif  // MODERATO_SRC_CLASSIFY_STABLE_RANDOM_H_
