// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// The built-in theme keyword table (themes_keywords.cc).

#ifndef MODERATO_SRC_COUNTER_THEMES_KEYWORDS_H_
#define MODERATO_SRC_COUNTER_THEMES_KEYWORDS_H_

#include <span>
#include <string_view>

namespace moderato::internal {

struct ThemeKeyword {
  std::string_view theme;     // a kCounterThemes id
  std::string_view language;  // ar, fr, en or arabizi
  double weight;              // in (0, 1]
  std::string_view keyword;   // as written; compiled through the Normalizer
};

std::span<const ThemeKeyword> BuiltinThemeKeywords();

}  // namespace moderato::internal

#endif  // MODERATO_SRC_COUNTER_THEMES_KEYWORDS_H_
