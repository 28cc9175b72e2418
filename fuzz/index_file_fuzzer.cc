// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Differential fuzzer for the Hamming index file loader.
//
// Input: one control byte, then the file bytes. Control bit 0 turns checksum
// verification off (so mutations reach the structural checks and the
// search), the rest picks the MIH substring width (4..16 bits). Any file must either fail
// with kDataLoss or load; a loaded index must answer every search exactly as
// the flat oracle does over its entries.

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "moderato/match/hamming.h"

namespace {

std::vector<moderato::HammingMatch> Oracle(const std::vector<std::uint64_t>& ids,
                                           const std::vector<moderato::Hash256>& hashes,
                                           const std::vector<moderato::Hash256>& queries,
                                           int radius) {
  std::vector<moderato::HammingMatch> rows;
  moderato::FlatSearch(hashes, queries, radius, &rows, moderato::SimdLevel::kPortable);
  for (moderato::HammingMatch& m : rows) m.id = ids[m.id];
  std::sort(rows.begin(), rows.end(),
            [](const moderato::HammingMatch& a, const moderato::HammingMatch& b) {
              return a.distance != b.distance ? a.distance < b.distance : a.id < b.id;
            });
  return rows;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  moderato::HammingIndexOptions options;
  options.verify_checksums = (data[0] & 1) == 0;
  options.substring_bits = 4 + (data[0] >> 1) % 13;  // tables stay small: 4 .. 16 bits
  options.max_entries = 1 << 16;
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  moderato::Result<std::unique_ptr<moderato::HammingIndex>> index =
      moderato::HammingIndex::Parse(bytes, options);
  if (!index.ok()) {
    if (index.status().code() != moderato::StatusCode::kDataLoss) std::abort();
    return 0;
  }
  std::shared_ptr<const moderato::HammingSnapshot> snap = (*index)->snapshot();
  std::vector<std::uint64_t> ids;
  std::vector<moderato::Hash256> hashes;
  snap->ForEach([&](std::uint64_t id, const moderato::Hash256& h) {
    ids.push_back(id);
    hashes.push_back(h);
  });
  if (ids.size() != snap->size()) std::abort();

  // Queries: stored hashes with a few bits flipped, plus one built from the
  // input's last bytes.
  std::vector<moderato::Hash256> queries;
  for (std::size_t i = 0; i < hashes.size() && queries.size() < 3; i += 1 + hashes.size() / 3) {
    moderato::Hash256 q = hashes[i];
    q.words[i % 4] ^= 0x0101010101010101ull >> (i % 8);
    queries.push_back(q);
  }
  moderato::Hash256 tail;
  for (std::size_t k = 0; k < 32 && k < size; ++k) {
    tail.words[k / 8] |= std::uint64_t{data[size - 1 - k]} << (8 * (k % 8));
  }
  queries.push_back(tail);

  std::vector<moderato::HammingMatch> got;
  for (int radius : {0, 3, 31, 64, 130}) {
    const std::vector<moderato::HammingMatch> want = Oracle(ids, hashes, queries, radius);
    for (moderato::SearchStrategy s :
         {moderato::SearchStrategy::kMultiIndex, moderato::SearchStrategy::kAuto}) {
      // Forced MIH at radius 130 enumerates ~10^6 keys per query: too slow.
      if (radius > 64 && s == moderato::SearchStrategy::kMultiIndex) continue;
      snap->Search(queries, radius, &got, s);
      if (got != want) std::abort();
    }
  }
  for (std::size_t i = 0; i < ids.size(); i += 1 + ids.size() / 4) {
    if (snap->Find(ids[i]) != hashes[i]) std::abort();
  }
  return 0;
}
