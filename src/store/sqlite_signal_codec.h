// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Validation and encoding of signals for the SQLite bank store: the input
// budgets of AddSignals (docs/banks.md, "Limits") and the JSON-array text in
// which behaviours and tags are stored. Private to src/store/.
//
// Thread safety: pure functions.

#ifndef MODERATO_STORE_SQLITE_SIGNAL_CODEC_H_
#define MODERATO_STORE_SQLITE_SIGNAL_CODEC_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "moderato/store/banks.h"

namespace moderato::internal {

inline constexpr std::size_t kMaxTextSignalBytes = std::size_t{64} * 1024;
// hash/url.h accepts 8 KiB of input and may percent-encode it to 3x + 16
// bytes; every canonical URL must fit.
inline constexpr std::size_t kMaxUrlBytes = std::size_t{32} * 1024;
inline constexpr std::size_t kMaxLabelBytes = 256;  // organisation, each tag, source, external_id
inline constexpr std::size_t kMaxTags = 64;
inline constexpr std::size_t kMaxBehaviours = 64;

// Checks `value` against the canonical form of `type` and writes it in that
// form (hex digits lowercased) to `*canonical`, reusing its capacity. Returns
// an empty string when valid, else a message naming the problem.
std::string CanonicalizeSignalValue(SignalType type, std::string_view value,
                                    std::string* canonical);

// As above, returning the canonical value, or std::nullopt with `*error` set.
std::optional<std::string> CanonicalSignalValue(SignalType type, std::string_view value,
                                                std::string* error);

// Checks everything but the value: labels, source, external_id, quality and
// added_at. Returns an empty string when valid, else a message that names
// the field.
std::string ValidateSignalFields(const Signal& signal);

// Checks a merged label set against the same limits (the union of two valid
// sets may hold too many tags). Returns an empty string when valid.
std::string ValidateMergedLabels(const SignalLabels& labels);

// Encodes `items` as a JSON array of strings, e.g. ["a","b\"c"]. Bytes other
// than '"', '\\' and control characters are copied unchanged.
std::string EncodeStringList(const std::vector<std::string>& items);
// As above, into `*out` (replacing its contents, reusing its capacity).
void EncodeStringList(const std::vector<std::string>& items, std::string* out);

// Decodes what EncodeStringList produced (and any JSON array of strings, with
// \uXXXX escapes). Returns std::nullopt on malformed input.
std::optional<std::vector<std::string>> DecodeStringList(std::string_view json);

}  // namespace moderato::internal

#endif  // MODERATO_STORE_SQLITE_SIGNAL_CODEC_H_
