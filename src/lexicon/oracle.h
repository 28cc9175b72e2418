// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// NaiveScan: the slow reference for Lexicon::Scan(). It searches every word
// and prefix entry's normalised and skeleton term in the matching view with
// std::string_view::find, one entry at a time, and applies the same boundary
// and merge rules. Regex entries are ignored. O(entries * text) per call; for
// tests, fuzzers and benchmark baselines only.

#ifndef MODERATO_SRC_LEXICON_ORACLE_H_
#define MODERATO_SRC_LEXICON_ORACLE_H_

#include <cstddef>
#include <limits>

#include "moderato/lexicon/lexicon.h"

namespace moderato::internal {

// Returns the hits of the non-regex entries of `lexicon` in `text`, at most
// `max_hits` of them.
LexiconMatches NaiveScan(const Lexicon& lexicon, const NormalizedText& text,
                         std::size_t max_hits = std::numeric_limits<std::size_t>::max());

}  // namespace moderato::internal

#endif  // MODERATO_SRC_LEXICON_ORACLE_H_
