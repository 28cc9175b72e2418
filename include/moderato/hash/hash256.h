// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Hash256: a 256-bit perceptual hash (PDQ) as four 64-bit words, with the
// hex form every exchange uses and the Hamming distance matching runs on.
//
// Bit layout (docs/pdq.md, "bit order and hex"): the hash is the unsigned
// big-endian integer N whose bit k (k = 0 least significant) is DCT cell
// (k / 16, k % 16). words[i] holds bits 64·i .. 64·i + 63 of N, so words[0]
// is the last 16 hex digits and words[3] the first 16.
//
//   MODERATO_ASSIGN_OR_RETURN(Hash256 h, ParseHash256Hex(text));
//   int d = HammingDistance(h, other);   // 0..256; a PDQ match is d <= 31
//
// Thread safety: a value type.

#ifndef MODERATO_HASH_HASH256_H_
#define MODERATO_HASH_HASH256_H_

#include <array>
#include <bit>
#include <cstdint>
#include <string>
#include <string_view>

#include "moderato/status.h"

namespace moderato {

struct Hash256 {
  std::array<uint64_t, 4> words{};

  bool bit(int k) const { return (words[k >> 6] >> (k & 63)) & 1u; }
  void set_bit(int k) { words[k >> 6] |= uint64_t{1} << (k & 63); }
  int popcount() const {
    return std::popcount(words[0]) + std::popcount(words[1]) + std::popcount(words[2]) +
           std::popcount(words[3]);
  }

  friend bool operator==(const Hash256&, const Hash256&) = default;
  friend auto operator<=>(const Hash256&, const Hash256&) = default;
};

inline int HammingDistance(const Hash256& a, const Hash256& b) {
  return std::popcount(a.words[0] ^ b.words[0]) + std::popcount(a.words[1] ^ b.words[1]) +
         std::popcount(a.words[2] ^ b.words[2]) + std::popcount(a.words[3] ^ b.words[3]);
}

// Exactly 64 lowercase hex digits.
std::string ToHex(const Hash256& hash);

// Parses exactly 64 hex digits (either case; surrounding whitespace is not
// trimmed). Anything else is kInvalidArgument naming what is wrong.
Result<Hash256> ParseHash256Hex(std::string_view hex);

}  // namespace moderato

#endif  // MODERATO_HASH_HASH256_H_
