// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzzes ParseHash256Hex and ToHex: parsing accepts exactly 64 hex digits,
// a parsed hash prints back as the lowercased input, and any 32 bytes taken
// as a hash survive a ToHex -> ParseHash256Hex round trip.

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "moderato/hash/hash256.h"

namespace {

void Fail(const char* what, std::string_view input) {
  std::fprintf(stderr, "pdq_hex_fuzzer: %s (input of %zu bytes)\n", what, input.size());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  bool all_hex = size == 64;
  for (char c : input) all_hex = all_hex && std::isxdigit(static_cast<unsigned char>(c));
  moderato::Result<moderato::Hash256> parsed = moderato::ParseHash256Hex(input);
  if (parsed.ok() != all_hex) Fail("accepts exactly 64 hex digits", input);
  if (parsed.ok()) {
    std::string lower(input);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (moderato::ToHex(*parsed) != lower) Fail("ToHex(Parse(x)) != lowercase(x)", input);
  } else if (parsed.status().code() != moderato::StatusCode::kInvalidArgument) {
    Fail("error is not kInvalidArgument", input);
  }
  if (size >= 32) {
    moderato::Hash256 hash;
    std::memcpy(hash.words.data(), data, 32);
    moderato::Result<moderato::Hash256> back = moderato::ParseHash256Hex(moderato::ToHex(hash));
    if (!back.ok() || *back != hash) Fail("Parse(ToHex(h)) != h", input);
    if (moderato::HammingDistance(hash, *back) != 0) Fail("distance to itself", input);
  }
  return 0;
}
