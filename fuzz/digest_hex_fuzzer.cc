// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzzes NormalizeMd5Hex() / NormalizeSha256Hex(): no crash; a success is
// exactly 32 / 64 lowercase hex digits, a fixed point, and equal to the input
// up to case and surrounding whitespace. Also digests the bytes and checks
// that the digests pass their own normalisers unchanged.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "moderato/hash/digest.h"

namespace {

bool IsLowerHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

void Check(const moderato::Result<std::string>& r, std::string_view input, std::size_t length,
           moderato::Result<std::string> (*normalize)(std::string_view)) {
  if (!r.ok()) {
    if (r.status().code() != moderato::StatusCode::kInvalidArgument) std::abort();
    return;
  }
  if (r->size() != length || !IsLowerHex(*r)) std::abort();
  moderato::Result<std::string> again = normalize(*r);
  if (!again.ok() || *again != *r) std::abort();
  // The input, trimmed and lower-cased, is the output.
  std::string lowered;
  for (char c : input) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    lowered += (c >= 'A' && c <= 'F') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  if (lowered != *r) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  Check(moderato::NormalizeMd5Hex(input), input, moderato::kMd5HexLength,
        moderato::NormalizeMd5Hex);
  Check(moderato::NormalizeSha256Hex(input), input, moderato::kSha256HexLength,
        moderato::NormalizeSha256Hex);
  moderato::Result<moderato::FileDigests> d = moderato::DigestBytes(input);
  if (!d.ok() || d->bytes != size) std::abort();
  if (moderato::NormalizeMd5Hex(d->md5_hex).value_or("") != d->md5_hex) std::abort();
  if (moderato::NormalizeSha256Hex(d->sha256_hex).value_or("") != d->sha256_hex) std::abort();
  return 0;
}
