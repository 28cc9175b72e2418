// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "match/test_data.h"
#include "moderato/match/hamming.h"

namespace moderato {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing_data::ClusteredHashes;
using testing_data::FlipBits;
using testing_data::kSlowdown;
using testing_data::RandomHash;
using testing_data::SlowSearch;

struct Data {
  std::vector<std::uint64_t> ids;
  std::vector<Hash256> hashes;
};

// Ids are scattered (not ascending) so Build() has to sort.
Data MakeData(std::vector<Hash256> hashes, std::mt19937_64& rng) {
  Data d;
  d.hashes = std::move(hashes);
  std::uint64_t id = 1;
  for (std::size_t i = 0; i < d.hashes.size(); ++i) {
    id += 1 + rng() % 5;
    d.ids.push_back(id);
  }
  std::shuffle(d.ids.begin(), d.ids.end(), rng);
  return d;
}

std::vector<Hash256> QueryBatch(const Data& d, std::size_t nq, std::mt19937_64& rng) {
  std::vector<Hash256> q;
  for (std::size_t v = 0; v < nq; ++v) {
    if (rng() % 4 == 0) {
      q.push_back(RandomHash(rng));
    } else {
      q.push_back(FlipBits(d.hashes[rng() % d.hashes.size()], static_cast<int>(rng() % 50), rng));
    }
  }
  return q;
}

// The core differential test: MIH (forced, so it is exercised even where
// the cost model would scan) and kAuto agree with the slow oracle at every
// radius 0..63, for several substring widths, on random and clustered data.
void ExpectAgreesWithOracleAtEveryRadius(const Data& d, int bits, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  HammingIndexOptions options;
  options.substring_bits = bits;
  Result<std::unique_ptr<HammingIndex>> index = HammingIndex::Build(d.ids, d.hashes, options);
  ASSERT_TRUE(index.ok()) << index.status();
  std::shared_ptr<const HammingSnapshot> snap = (*index)->snapshot();
  ASSERT_EQ(snap->size(), d.ids.size());
  for (int radius = 0; radius <= 63; ++radius) {
    const std::size_t nq = radius % 3 == 0 ? 8 : 1 + radius % 8;
    const std::vector<Hash256> queries = QueryBatch(d, nq, rng);
    const std::vector<HammingMatch> want = SlowSearch(d.ids, d.hashes, queries, radius);
    for (SearchStrategy s :
         {SearchStrategy::kMultiIndex, SearchStrategy::kAuto, SearchStrategy::kFlat}) {
      std::vector<HammingMatch> got;
      snap->Search(queries, radius, &got, s);
      ASSERT_EQ(got, want) << "radius=" << radius << " bits=" << bits << " nq=" << nq
                           << " strategy=" << static_cast<int>(s);
    }
  }
}

TEST(HammingIndexTest, MihMatchesOracleOnRandomData) {
  std::mt19937_64 rng(10);
  std::vector<Hash256> hashes;
  for (int i = 0; i < 3000 / kSlowdown; ++i) hashes.push_back(RandomHash(rng));
  const Data d = MakeData(std::move(hashes), rng);
  for (int bits : {0, 8, 13, 16}) ExpectAgreesWithOracleAtEveryRadius(d, bits, 100 + bits);
}

TEST(HammingIndexTest, MihMatchesOracleOnClusteredData) {
  std::mt19937_64 rng(11);
  for (int max_flip : {0, 8, 31, 64}) {
    const Data d = MakeData(ClusteredHashes(3000 / kSlowdown, max_flip, rng), rng);
    for (int bits : {0, 11, 16}) ExpectAgreesWithOracleAtEveryRadius(d, bits, 200 + max_flip);
  }
}

// `c` with `d` flips dealt round-robin over the substrings (random positions
// inside each): the hardest case for the pigeonhole bound, since each
// substring then sits as far from the query's as the distance allows.
Hash256 SpreadFlips(const Hash256& c, int d, const std::vector<int>& widths, std::mt19937_64& rng) {
  const int m = static_cast<int>(widths.size());
  std::vector<int> starts(m);
  std::vector<std::vector<int>> free_bits(m);
  int start = 0;
  for (int i = 0; i < m; ++i) {
    for (int b = 0; b < widths[i]; ++b) free_bits[i].push_back(start + b);
    std::shuffle(free_bits[i].begin(), free_bits[i].end(), rng);
    start += widths[i];
  }
  Hash256 h = c;
  int i = static_cast<int>(rng() % m);
  for (int placed = 0; placed < d && placed < 256; i = (i + 1) % m) {
    if (free_bits[i].empty()) continue;
    const int bit = free_bits[i].back();
    free_bits[i].pop_back();
    h.words[bit >> 6] ^= std::uint64_t{1} << (bit & 63);
    ++placed;
  }
  return h;
}

TEST(HammingIndexTest, MihFindsItemsWithEvenlySpreadFlipsAtTheBoundary) {
  std::mt19937_64 rng(27);
  for (int bits : {5, 8, 11, 16, 21}) {
    HammingIndexOptions options;
    options.substring_bits = bits;
    const std::vector<std::uint64_t> one_id = {1};
    const std::vector<Hash256> one_hash = {RandomHash(rng)};
    const std::vector<int> widths =
        (*HammingIndex::Build(one_id, one_hash, options))->snapshot()->substring_widths();
    std::vector<Hash256> centres;
    for (int i = 0; i < 4; ++i) centres.push_back(RandomHash(rng));
    std::vector<Hash256> hashes;
    for (const Hash256& c : centres) {
      for (int d = 0; d <= 70; ++d) {
        for (int k = 0; k < 3; ++k) hashes.push_back(SpreadFlips(c, d, widths, rng));
      }
    }
    for (int i = 0; i < 300; ++i) hashes.push_back(RandomHash(rng));
    const Data data = MakeData(std::move(hashes), rng);
    auto index = HammingIndex::Build(data.ids, data.hashes, options);
    ASSERT_TRUE(index.ok());
    std::shared_ptr<const HammingSnapshot> snap = (*index)->snapshot();
    for (int radius = 0; radius <= 63; ++radius) {
      for (std::size_t nq : {std::size_t{1}, centres.size()}) {
        const std::span<const Hash256> q(centres.data(), nq);
        std::vector<HammingMatch> got;
        snap->Search(q, radius, &got, SearchStrategy::kMultiIndex);
        ASSERT_EQ(got, SlowSearch(data.ids, data.hashes, q, radius))
            << "bits=" << bits << " radius=" << radius << " nq=" << nq;
      }
    }
  }
}

TEST(HammingIndexTest, LargeRadiiStayExact) {
  std::mt19937_64 rng(12);
  const Data d = MakeData(ClusteredHashes(500, 100, rng), rng);
  HammingIndexOptions options;
  options.substring_bits = 8;
  auto index = HammingIndex::Build(d.ids, d.hashes, options);
  ASSERT_TRUE(index.ok());
  for (int radius : {64, 90, 127, 128, 200, 255, 256, 300}) {
    const std::vector<Hash256> queries = QueryBatch(d, 2, rng);
    std::vector<HammingMatch> got;
    (*index)->snapshot()->Search(queries, radius, &got, SearchStrategy::kMultiIndex);
    EXPECT_EQ(got, SlowSearch(d.ids, d.hashes, queries, radius)) << radius;
  }
}

TEST(HammingIndexTest, ReportsWhichDihedralVariantMatched) {
  std::mt19937_64 rng(13);
  const Hash256 stored = RandomHash(rng);
  std::vector<Hash256> variants(8);
  for (Hash256& v : variants) v = RandomHash(rng);
  variants[5] = FlipBits(stored, 12, rng);
  variants[2] = FlipBits(stored, 20, rng);
  variants[7] = FlipBits(stored, 12, rng);  // ties with 5: the lower index wins
  const std::vector<std::uint64_t> ids = {42};
  const std::vector<Hash256> hashes = {stored};
  auto index = HammingIndex::Build(ids, hashes);
  ASSERT_TRUE(index.ok());
  for (SearchStrategy s : {SearchStrategy::kMultiIndex, SearchStrategy::kFlat}) {
    std::vector<HammingMatch> got;
    (*index)->snapshot()->Search(variants, 31, &got, s);
    EXPECT_THAT(got, ElementsAre(HammingMatch{42, 12, 5}));
  }
}

TEST(HammingIndexTest, ResultsAreSortedByDistanceThenId) {
  std::mt19937_64 rng(14);
  const Hash256 q = RandomHash(rng);
  const std::vector<std::uint64_t> ids = {9, 3, 7, 1};
  const std::vector<Hash256> hashes = {q, FlipBits(q, 5, rng), FlipBits(q, 40, rng),
                                       FlipBits(q, 5, rng)};
  auto index = HammingIndex::Build(ids, hashes);
  ASSERT_TRUE(index.ok());
  std::vector<HammingMatch> got;
  (*index)->snapshot()->Search(std::span(&q, 1), 31, &got);
  EXPECT_THAT(got,
              ElementsAre(HammingMatch{9, 0, 0}, HammingMatch{1, 5, 0}, HammingMatch{3, 5, 0}));
}

TEST(HammingIndexTest, BuildRejectsBadInput) {
  std::mt19937_64 rng(15);
  const std::vector<Hash256> hashes = {RandomHash(rng), RandomHash(rng)};
  const std::vector<std::uint64_t> dup = {4, 4};
  auto r = HammingIndex::Build(dup, hashes);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  const std::vector<std::uint64_t> one = {4};
  r = HammingIndex::Build(one, hashes);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  HammingIndexOptions small;
  small.max_entries = 1;
  const std::vector<std::uint64_t> two = {4, 5};
  r = HammingIndex::Build(two, hashes, small);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
}

TEST(HammingIndexTest, ChangesAreInvisibleUntilPublish) {
  HammingIndex index;
  std::mt19937_64 rng(16);
  const Hash256 h = RandomHash(rng);
  std::shared_ptr<const HammingSnapshot> before = index.snapshot();
  ASSERT_TRUE(index.Add(7, h).ok());
  EXPECT_EQ(index.snapshot()->size(), 0u);
  EXPECT_FALSE(index.snapshot()->Find(7).has_value());
  index.Publish();
  std::shared_ptr<const HammingSnapshot> after = index.snapshot();
  EXPECT_EQ(after->size(), 1u);
  EXPECT_EQ(after->Find(7), h);
  EXPECT_GT(after->version(), before->version());
  EXPECT_EQ(before->size(), 0u);  // old snapshots never change

  EXPECT_TRUE(index.Remove(7));
  EXPECT_FALSE(index.Remove(7));
  EXPECT_EQ(index.snapshot()->size(), 1u);
  index.Publish();
  EXPECT_EQ(index.snapshot()->size(), 0u);
  EXPECT_EQ(after->size(), 1u);
}

TEST(HammingIndexTest, AddRejectsLiveIdsAndRespectsMaxEntries) {
  std::mt19937_64 rng(17);
  HammingIndexOptions options;
  options.max_entries = 2;
  HammingIndex index(options);
  ASSERT_TRUE(index.Add(1, RandomHash(rng)).ok());
  EXPECT_EQ(index.Add(1, RandomHash(rng)).code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(index.Add(2, RandomHash(rng)).ok());
  EXPECT_EQ(index.Add(3, RandomHash(rng)).code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(index.Remove(1));
  EXPECT_TRUE(index.Add(1, RandomHash(rng)).ok());  // re-adding after removal is fine
}

TEST(HammingIndexTest, RemoveAndReAddInBaseAndDelta) {
  std::mt19937_64 rng(18);
  const Data d = MakeData(ClusteredHashes(400, 20, rng), rng);
  auto built = HammingIndex::Build(d.ids, d.hashes);
  ASSERT_TRUE(built.ok());
  HammingIndex& index = **built;
  std::map<std::uint64_t, Hash256> model;
  for (std::size_t i = 0; i < d.ids.size(); ++i) model[d.ids[i]] = d.hashes[i];
  // Remove from the base, re-add with a new hash, add new ids.
  EXPECT_EQ(index.Add(d.ids[0], d.hashes[0]).code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(index.Remove(d.ids[0]));
  const Hash256 moved = FlipBits(d.hashes[0], 3, rng);
  ASSERT_TRUE(index.Add(d.ids[0], moved).ok());
  model[d.ids[0]] = moved;
  ASSERT_TRUE(index.Remove(d.ids[1]));
  model.erase(d.ids[1]);
  ASSERT_TRUE(index.Add(5'000'000, d.hashes[2]).ok());
  model[5'000'000] = d.hashes[2];
  index.Publish();
  std::vector<std::uint64_t> ids;
  std::vector<Hash256> hashes;
  for (const auto& [id, h] : model) {
    ids.push_back(id);
    hashes.push_back(h);
  }
  std::shared_ptr<const HammingSnapshot> snap = index.snapshot();
  EXPECT_EQ(snap->size(), model.size());
  for (int radius : {0, 3, 31}) {
    const std::vector<Hash256> q = {d.hashes[0], d.hashes[1], d.hashes[2]};
    std::vector<HammingMatch> got;
    snap->Search(q, radius, &got, SearchStrategy::kMultiIndex);
    EXPECT_EQ(got, SlowSearch(ids, hashes, q, radius)) << radius;
  }
  std::vector<std::pair<std::uint64_t, Hash256>> seen;
  snap->ForEach([&](std::uint64_t id, const Hash256& h) { seen.emplace_back(id, h); });
  const std::vector<std::pair<std::uint64_t, Hash256>> want(model.begin(), model.end());
  EXPECT_EQ(seen, want);
}

// Random operations against a std::map model, with compactions triggered by
// a tiny max_delta, checking every published snapshot.
void RunModelCheck(bool background) {
  std::mt19937_64 rng(background ? 19 : 20);
  HammingIndexOptions options;
  options.max_delta = 16;
  options.background_compaction = background;
  options.substring_bits = 10;
  HammingIndex index(options);
  std::map<std::uint64_t, Hash256> model;
  std::vector<Hash256> centres;
  for (int i = 0; i < 20; ++i) centres.push_back(RandomHash(rng));
  for (int step = 0; step < 600 / kSlowdown; ++step) {
    const int op = static_cast<int>(rng() % 10);
    const std::uint64_t id = 1 + rng() % 300;
    if (op < 6) {
      const Hash256 h =
          FlipBits(centres[rng() % centres.size()], static_cast<int>(rng() % 40), rng);
      const Status s = index.Add(id, h);
      EXPECT_EQ(s.ok(), !model.contains(id));
      if (s.ok()) model[id] = h;
    } else if (op < 9) {
      EXPECT_EQ(index.Remove(id), model.erase(id) > 0);
    } else {
      index.Compact();
    }
    if (step % 7 == 0) {
      index.Publish();
      if (step % 21 == 0) index.WaitForCompaction();
      std::shared_ptr<const HammingSnapshot> snap = index.snapshot();
      std::vector<std::uint64_t> ids;
      std::vector<Hash256> hashes;
      for (const auto& [k, h] : model) {
        ids.push_back(k);
        hashes.push_back(h);
      }
      ASSERT_EQ(snap->size(), model.size());
      const std::vector<Hash256> q = {FlipBits(centres[rng() % centres.size()], 5, rng),
                                      centres[rng() % centres.size()]};
      const int radius = static_cast<int>(rng() % 64);
      for (SearchStrategy s : {SearchStrategy::kMultiIndex, SearchStrategy::kFlat}) {
        std::vector<HammingMatch> got;
        snap->Search(q, radius, &got, s);
        ASSERT_EQ(got, SlowSearch(ids, hashes, q, radius)) << "step " << step;
      }
    }
  }
  index.WaitForCompaction();
  EXPECT_GT(index.compactions(), 0u);
  EXPECT_GT(index.MemoryBytes(), 0u);
}

TEST(HammingIndexTest, MatchesAModelThroughSynchronousCompactions) { RunModelCheck(false); }
TEST(HammingIndexTest, MatchesAModelThroughBackgroundCompactions) { RunModelCheck(true); }

// Readers search while a writer adds, removes and publishes (and background
// compactions rebuild the base). Every result must equal the oracle over the
// state the writer recorded for the snapshot's version.
TEST(HammingIndexTest, ConcurrentReadersSeePublishedStates) {
  HammingIndexOptions options;
  options.max_delta = 24;
  options.substring_bits = 10;
  HammingIndex index(options);
  std::mt19937_64 seed_rng(21);
  std::vector<Hash256> centres;
  for (int i = 0; i < 10; ++i) centres.push_back(RandomHash(seed_rng));

  std::mutex states_mu;
  std::map<std::uint64_t, std::map<std::uint64_t, Hash256>> states;  // version -> entries
  states[0] = {};
  std::atomic<bool> done{false};
  std::atomic<int> checks{0};

  std::thread writer([&] {
    std::mt19937_64 rng(22);
    std::map<std::uint64_t, Hash256> model;
    std::uint64_t version = 0;
    for (int round = 0; round < 400 / kSlowdown; ++round) {
      for (int k = 0; k < 10; ++k) {
        const std::uint64_t id = 1 + rng() % 200;
        if (rng() % 3 != 0) {
          const Hash256 h =
              FlipBits(centres[rng() % centres.size()], static_cast<int>(rng() % 30), rng);
          if (index.Add(id, h).ok()) model[id] = h;
        } else if (index.Remove(id)) {
          model.erase(id);
        }
      }
      {
        std::lock_guard<std::mutex> lock(states_mu);
        states[++version] = model;
      }
      index.Publish();
    }
    done = true;
  });

  auto reader = [&](std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    while (!done || checks < 20) {
      std::shared_ptr<const HammingSnapshot> snap = index.snapshot();
      std::map<std::uint64_t, Hash256> state;
      {
        std::lock_guard<std::mutex> lock(states_mu);
        auto it = states.find(snap->version());
        ASSERT_NE(it, states.end()) << "unrecorded version " << snap->version();
        state = it->second;
      }
      std::vector<std::uint64_t> ids;
      std::vector<Hash256> hashes;
      for (const auto& [k, h] : state) {
        ids.push_back(k);
        hashes.push_back(h);
      }
      const std::vector<Hash256> q = {centres[rng() % centres.size()],
                                      FlipBits(centres[rng() % centres.size()], 4, rng)};
      std::vector<HammingMatch> got;
      snap->Search(q, 31, &got, rng() % 2 ? SearchStrategy::kMultiIndex : SearchStrategy::kAuto);
      ASSERT_EQ(got, SlowSearch(ids, hashes, q, 31)) << "version " << snap->version();
      ASSERT_EQ(snap->size(), state.size());
      ++checks;
    }
  };
  std::thread r1(reader, 23);
  std::thread r2(reader, 24);
  writer.join();
  r1.join();
  r2.join();
  EXPECT_GE(checks.load(), 20);
  index.WaitForCompaction();
  EXPECT_GT(index.compactions(), 0u);
}

TEST(HammingIndexTest, EmptyIndexFindsNothing) {
  HammingIndex index;
  std::mt19937_64 rng(25);
  const Hash256 q = RandomHash(rng);
  std::vector<HammingMatch> got = {{1, 1, 1}};
  index.snapshot()->Search(std::span(&q, 1), 256, &got);
  EXPECT_THAT(got, IsEmpty());
  EXPECT_EQ(index.snapshot()->size(), 0u);
  EXPECT_TRUE(index.snapshot()->substring_widths().empty());
}

TEST(HammingIndexTest, SubstringWidthsCoverAllBits) {
  std::mt19937_64 rng(26);
  const Data d = MakeData(ClusteredHashes(2000, 10, rng), rng);
  for (int bits : {0, 4, 9, 16, 20}) {
    HammingIndexOptions options;
    options.substring_bits = bits;
    auto index = HammingIndex::Build(d.ids, d.hashes, options);
    ASSERT_TRUE(index.ok());
    const std::vector<int> widths = (*index)->snapshot()->substring_widths();
    int total = 0;
    for (int w : widths) {
      total += w;
      if (bits != 0) {
        EXPECT_LE(w, bits);
      }
    }
    EXPECT_EQ(total, 256);
  }
}

}  // namespace
}  // namespace moderato
