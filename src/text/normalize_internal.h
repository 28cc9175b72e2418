// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Internals of the normaliser shared with its tests, fuzzer and benchmark.

#ifndef MODERATO_TEXT_NORMALIZE_INTERNAL_H_
#define MODERATO_TEXT_NORMALIZE_INTERNAL_H_

#include <unicode/normalizer2.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "moderato/status.h"
#include "moderato/text/normalize.h"

namespace moderato::internal {

// One tabulated code point: its transform when it forms a segment alone.
struct CpInfo {
  std::uint32_t offset = 0;  // into Tables::pool
  std::uint8_t length = 0;   // bytes of output
  std::uint8_t cls = 0;      // kCls* bits (normalize.cc)
  std::uint16_t flags = 0;   // ObfuscationFlag bits raised by this code point
};

// Process-wide tables built once by GetTables(); immutable afterwards.
struct Tables {
  const icu::Normalizer2* nfkc_cf = nullptr;
  const icu::Normalizer2* nfd = nullptr;
  std::vector<CpInfo> info;  // kTableSize entries
  std::string pool;          // outputs of tabulated code points
  std::unordered_map<UChar32, std::string> confusables;
  std::array<std::uint8_t, 128> ascii_out{};  // lowercase map for the ASCII fast path
  std::array<bool, 128> ascii_plain{};        // bytes the fast path emits 1:1
};

// Returns the process-wide tables, built once. Fails with kInternal if ICU
// data is missing.
Result<const Tables*> GetTables();

// The pipeline; with use_shortcuts=false every segment goes through the
// general ICU path (the slow oracle for the ASCII fast path and the tables).
NormalizedText NormalizeImpl(const Tables& tables, std::string_view input, bool use_shortcuts);

// Normalize() without any shortcut and without the size budget. Tests and the
// fuzzer compare it with Normalizer::Normalize().
Result<NormalizedText> NormalizeSlowForTesting(std::string_view input);

}  // namespace moderato::internal

#endif  // MODERATO_TEXT_NORMALIZE_INTERNAL_H_
