// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Small checks shared by every reader of untrusted text: a pre-parse bound on
// JSON nesting, so that a recursive parser (nlohmann::json) never recurses
// deeper than a budget, and UTF-8 validation.
//
// Thread safety: pure functions. Both are linear and allocate nothing.

#ifndef MODERATO_CORE_JSON_DEPTH_H_
#define MODERATO_CORE_JSON_DEPTH_H_

#include <string_view>

namespace moderato::internal {

// Returns the maximum nesting depth of arrays and objects in `json`, ignoring
// brackets inside strings. Tolerant of invalid JSON.
int JsonNestingDepth(std::string_view json);

// Returns true if `text` is well-formed UTF-8 (no overlongs, surrogates or
// code points above U+10FFFF), as ICU's U8_NEXT decides.
bool IsValidUtf8(std::string_view text);

}  // namespace moderato::internal

#endif  // MODERATO_CORE_JSON_DEPTH_H_
