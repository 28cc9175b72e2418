// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Turns raw matches (one per entry, view and position) into the deduplicated,
// sorted hits that Lexicon::Scan() returns. Shared by the scanner and the
// naive oracle so that both apply the same merge rules.

#ifndef MODERATO_SRC_LEXICON_HITS_H_
#define MODERATO_SRC_LEXICON_HITS_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "moderato/lexicon/lexicon.h"

namespace moderato::internal {

struct RawHit {
  std::uint32_t entry = 0;
  std::uint32_t views = 0;  // LexiconView bits
  ByteSpan span;            // in the original text
};

// Merges raw hits of the same entry whose original spans overlap (normalized
// view first, then leftmost, then longest wins the span; views are OR-ed),
// sorts by (begin, id, end) and keeps the first `max_hits`. `truncated` is
// set if `stopped_early` or hits were dropped. Reorders `raw`.
LexiconMatches FinalizeHits(std::vector<RawHit>& raw, std::span<const LexiconEntry> entries,
                            std::size_t max_hits, bool stopped_early);

}  // namespace moderato::internal

#endif  // MODERATO_SRC_LEXICON_HITS_H_
