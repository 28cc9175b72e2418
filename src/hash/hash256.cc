// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/hash/hash256.h"

namespace moderato {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string ToHex(const Hash256& hash) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(64, '0');
  for (int i = 0; i < 64; ++i) {
    // Hex digit i (from the left) is nibble 63 - i of N.
    int nibble = 63 - i;
    out[i] = kDigits[(hash.words[nibble / 16] >> (4 * (nibble % 16))) & 0xF];
  }
  return out;
}

Result<Hash256> ParseHash256Hex(std::string_view hex) {
  if (hex.size() != 64) {
    return InvalidArgumentError("a 256-bit hash is 64 hex digits, got " +
                                std::to_string(hex.size()) + " characters");
  }
  Hash256 hash;
  for (int i = 0; i < 64; ++i) {
    int v = HexValue(hex[i]);
    if (v < 0) {
      return InvalidArgumentError("not a hex digit at position " + std::to_string(i + 1) +
                                  " of a 256-bit hash");
    }
    int nibble = 63 - i;
    hash.words[nibble / 16] |= static_cast<uint64_t>(v) << (4 * (nibble % 16));
  }
  return hash;
}

}  // namespace moderato
