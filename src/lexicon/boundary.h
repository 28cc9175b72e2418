// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Word-boundary rules shared by the Vectorscan scanner and its naive oracle
// (docs/lexicon-format.md, "Matching"). Texts are valid UTF-8 views produced
// by the Normalizer; malformed bytes are treated as non-word characters.

#ifndef MODERATO_SRC_LEXICON_BOUNDARY_H_
#define MODERATO_SRC_LEXICON_BOUNDARY_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "moderato/lexicon/lexicon.h"

namespace moderato::internal {

// Letters (L*), decimal digits (Nd) and combining marks (M*) are word
// characters; everything else separates words.
bool IsWordCodePoint(char32_t c);

// The shape of a literal term that the boundary checks depend on.
struct TermShape {
  bool word_start = false;    // first code point is a word character
  bool word_end = false;      // last code point is a word character
  bool arabic_start = false;  // first code point is an Arabic letter
};
TermShape ShapeOf(std::string_view term);

// Returns true if the Arabic clitic prefix `prefix` (و ف ب ك ل ال and their
// combinations such as وال بال لل فبال) may be attached before a term.
bool IsArabicCliticPrefix(std::string_view prefix);

// Returns "لل" + the rest of `term` when `term` starts with the article ال
// followed by another Arabic letter (الدولة -> للدولة: ل + ال is written لل),
// else "". Matches of this variant accept only و or ف before them.
std::string LamVariant(std::string_view term);

// Returns true if a literal match of a term with `shape` at [begin, end) of
// `text` satisfies the boundary rules of `mode` (kWord or kPrefix).
// `lam_variant` selects the rules for a LamVariant() literal.
bool AcceptLiteralMatch(std::string_view text, std::size_t begin, std::size_t end, LexiconMode mode,
                        const TermShape& shape, bool lam_variant = false);

}  // namespace moderato::internal

#endif  // MODERATO_SRC_LEXICON_BOUNDARY_H_
