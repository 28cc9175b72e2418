// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "lexicon/hits.h"

#include <algorithm>
#include <tuple>

namespace moderato::internal {
namespace {

bool Overlap(const ByteSpan& a, const ByteSpan& b) {
  // Equal empty spans count as overlapping so that they merge too.
  return (a.begin < b.end && b.begin < a.end) || a == b;
}

}  // namespace

LexiconMatches FinalizeHits(std::vector<RawHit>& raw, std::span<const LexiconEntry> entries,
                            std::size_t max_hits, bool stopped_early) {
  constexpr auto kNorm = static_cast<std::uint32_t>(LexiconView::kNormalized);
  auto key = [](const RawHit& h) {
    return std::make_tuple(h.entry, (h.views & kNorm) ? 0 : 1, h.span.begin, ~h.span.end);
  };
  std::sort(raw.begin(), raw.end(),
            [&](const RawHit& a, const RawHit& b) { return key(a) < key(b); });

  // Raw hits are grouped by entry; only hits of the current entry can merge.
  std::vector<RawHit> kept;
  std::size_t group_start = 0;
  for (const RawHit& h : raw) {
    if (kept.empty() || kept.back().entry != h.entry) group_start = kept.size();
    bool merged = false;
    for (std::size_t i = group_start; i < kept.size() && !merged; ++i) {
      if (Overlap(kept[i].span, h.span)) {
        kept[i].views |= h.views;
        merged = true;
      }
    }
    if (!merged) kept.push_back(h);
  }

  LexiconMatches out;
  out.hits.reserve(kept.size());
  for (const RawHit& h : kept) {
    const LexiconEntry& e = entries[h.entry];
    out.hits.push_back(LexiconHit{h.entry, e.id, e.category, e.weight, h.span, h.views});
  }
  std::sort(out.hits.begin(), out.hits.end(), [](const LexiconHit& a, const LexiconHit& b) {
    return std::tie(a.span.begin, a.id, a.span.end) < std::tie(b.span.begin, b.id, b.span.end);
  });
  out.truncated = stopped_early;
  if (out.hits.size() > max_hits) {
    out.hits.resize(max_hits);
    out.truncated = true;
  }
  return out;
}

}  // namespace moderato::internal
