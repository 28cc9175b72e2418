// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Internal: a pre-parse bound on JSON nesting, so that a recursive parser
// (nlohmann::json) never recurses deeper than a budget on untrusted input.

#ifndef MODERATO_SRC_CLASSIFY_JSON_DEPTH_H_
#define MODERATO_SRC_CLASSIFY_JSON_DEPTH_H_

#include <string_view>

namespace moderato::internal {

// Returns the maximum nesting depth of arrays and objects in `json`, ignoring
// brackets inside strings. Linear, no allocation; tolerant of invalid JSON.
int JsonNestingDepth(std::string_view json);

}  // namespace moderato::internal

#endif  // MODERATO_SRC_CLASSIFY_JSON_DEPTH_H_
