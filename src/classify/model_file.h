// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Internal: structural validation of fastText 0.9.2 supervised model files
// before they reach fastText, whose loader trusts every length it reads.

#ifndef MODERATO_SRC_CLASSIFY_MODEL_FILE_H_
#define MODERATO_SRC_CLASSIFY_MODEL_FILE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "moderato/status.h"

namespace moderato::internal {

struct FastTextModelSummary {
  std::int32_t dim = 0;
  std::int32_t nwords = 0;
  std::int32_t bucket = 0;
  std::int32_t word_ngrams = 0;
  std::int32_t minn = 0;
  std::int32_t maxn = 0;
  std::vector<std::string> labels;
};

// Walks the whole file layout (header, args, dictionary, input and output
// matrices) checking every count against the bytes present. Accepts only
// non-quantised supervised models of format version 12 with dim <= 1024.
// Fails with kInvalidArgument describing the first inconsistency.
Result<FastTextModelSummary> ValidateFastTextModel(std::string_view bytes);

// FNV-1a 64-bit hash, written as 16 lower-case hex digits.
std::string Fnv1a64Hex(std::string_view bytes);

}  // namespace moderato::internal

#endif  // MODERATO_SRC_CLASSIFY_MODEL_FILE_H_
