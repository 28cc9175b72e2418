// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "lexicon/oracle.h"

#include <string_view>
#include <vector>

#include "lexicon/boundary.h"
#include "lexicon/hits.h"

namespace moderato::internal {

LexiconMatches NaiveScan(const Lexicon& lexicon, const NormalizedText& text, std::size_t max_hits) {
  std::vector<RawHit> raw;
  auto search = [&](std::uint32_t entry, std::string_view term, const TextView& view,
                    LexiconView which, bool lam_variant) {
    if (term.empty()) return;
    const TermShape shape = ShapeOf(term);
    const std::string_view haystack = view.text;
    for (std::size_t pos = haystack.find(term); pos != std::string_view::npos;
         pos = haystack.find(term, pos + 1)) {
      if (AcceptLiteralMatch(haystack, pos, pos + term.size(), lexicon.entry(entry).mode, shape,
                             lam_variant)) {
        raw.push_back(RawHit{entry, static_cast<std::uint32_t>(which),
                             view.offsets.ToOriginal(pos, pos + term.size())});
      }
    }
  };
  for (std::uint32_t i = 0; i < lexicon.size(); ++i) {
    const LexiconEntry& e = lexicon.entry(i);
    if (e.mode == LexiconMode::kRegex) continue;
    search(i, e.normalized_term, text.normalized, LexiconView::kNormalized, false);
    search(i, e.skeleton_term, text.skeleton, LexiconView::kSkeleton, false);
    search(i, LamVariant(e.normalized_term), text.normalized, LexiconView::kNormalized, true);
    search(i, LamVariant(e.skeleton_term), text.skeleton, LexiconView::kSkeleton, true);
  }
  return FinalizeHits(raw, lexicon.entries(), max_hits, false);
}

}  // namespace moderato::internal
