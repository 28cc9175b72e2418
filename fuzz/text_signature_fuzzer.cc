// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzzes the text signature: ComputeTextSignature() on arbitrary bytes (no
// crash; Format/Parse round trip; similarity with itself is 1 unless empty;
// band count), the MinHash fast path against its oracle on the same
// shingles, and ParseTextSignature() on arbitrary bytes (no crash; a parsed
// signature formats back to the same text, since the form is canonical).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "hash/text_signature_internal.h"
#include "moderato/hash/text_signature.h"

namespace {

void Fail(const char* what) {
  std::fprintf(stderr, "text_signature_fuzzer: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  moderato::Result<moderato::TextSignature> parsed = moderato::ParseTextSignature(input);
  if (parsed.ok() && moderato::FormatTextSignature(*parsed) != input) {
    Fail("ParseTextSignature accepted a non-canonical form");
  }

  moderato::Result<moderato::TextSignature> sig = moderato::ComputeTextSignature(input);
  if (!sig.ok()) Fail("ComputeTextSignature failed within its budget");
  const std::string text = moderato::FormatTextSignature(*sig);
  moderato::Result<moderato::TextSignature> back = moderato::ParseTextSignature(text);
  if (!back.ok() || !(*back == *sig)) Fail("Format/Parse round trip");
  const double self = moderato::TextSimilarity(*sig, *sig);
  if (sig->empty() ? self != 0.0 : self != 1.0) Fail("self-similarity");
  const std::size_t bands = moderato::TextSignatureBands(*sig).size();
  if (bands != (sig->empty() ? 0 : moderato::kTextSignatureBands)) Fail("band count");

  // Oracle on the raw bytes read as shingle hashes (cheap, and reaches
  // densification paths that real texts rarely do).
  std::vector<std::uint64_t> shingles;
  for (std::size_t i = 0; i + 8 <= size && shingles.size() < 256; i += 8) {
    std::uint64_t h = 0;
    for (std::size_t k = 0; k < 8; ++k) h = (h << 8) | data[i + k];
    shingles.push_back(h);
  }
  if (!(moderato::internal::MinHashFromShingles(shingles) ==
        moderato::internal::MinHashFromShinglesSlow(shingles))) {
    Fail("MinHash fast path differs from the oracle");
  }
  return 0;
}
