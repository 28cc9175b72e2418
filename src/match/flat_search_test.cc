// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include <cstdint>
#include <random>
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
using testing_data::RandomHash;

std::vector<SimdLevel> SupportedLevels() {
  std::vector<SimdLevel> levels;
  for (SimdLevel l : {SimdLevel::kPortable, SimdLevel::kAvx2, SimdLevel::kAvx512}) {
    if (SimdLevelSupported(l)) levels.push_back(l);
  }
  return levels;
}

// FlatSearch's row order, from the slow oracle's (distance, id) order.
std::vector<HammingMatch> ByRow(std::vector<HammingMatch> v) {
  std::sort(v.begin(), v.end(),
            [](const HammingMatch& a, const HammingMatch& b) { return a.id < b.id; });
  return v;
}

TEST(FlatSearchTest, DetectedLevelIsSupported) {
  EXPECT_TRUE(SimdLevelSupported(DetectSimdLevel()));
  EXPECT_TRUE(SimdLevelSupported(SimdLevel::kPortable));
  EXPECT_EQ(SimdLevelName(SimdLevel::kAvx512), "avx512");
}

TEST(FlatSearchTest, RadiusIsInclusive) {
  std::mt19937_64 rng(1);
  const Hash256 q = RandomHash(rng);
  const std::vector<Hash256> stored = {FlipBits(q, 31, rng), FlipBits(q, 32, rng)};
  for (SimdLevel level : SupportedLevels()) {
    std::vector<HammingMatch> out;
    FlatSearch(stored, std::span(&q, 1), 31, &out, level);
    EXPECT_THAT(out, ElementsAre(HammingMatch{0, 31, 0})) << SimdLevelName(level);
    FlatSearch(stored, std::span(&q, 1), 30, &out, level);
    EXPECT_THAT(out, IsEmpty());
    FlatSearch(stored, std::span(&q, 1), -1, &out, level);
    EXPECT_THAT(out, IsEmpty());
    FlatSearch(stored, std::span(&q, 1), 1000, &out, level);
    EXPECT_EQ(out.size(), 2u);
  }
}

TEST(FlatSearchTest, ReportsBestVariantAndLowestOnTies) {
  std::mt19937_64 rng(2);
  const Hash256 base = RandomHash(rng);
  // Stored item 0 is 5 bits from variant 3 and 9 from variant 1; item 1 is
  // equally far (exact copy) from variants 2 and 6.
  std::vector<Hash256> queries(8);
  for (Hash256& q : queries) q = RandomHash(rng);
  queries[3] = FlipBits(base, 5, rng);
  queries[1] = FlipBits(base, 9, rng);
  const Hash256 other = RandomHash(rng);
  queries[2] = other;
  queries[6] = other;
  // 13 copies so every kernel's block path and tail see them.
  std::vector<Hash256> stored;
  for (int i = 0; i < 13; ++i) stored.push_back(i % 2 ? other : base);
  for (SimdLevel level : SupportedLevels()) {
    std::vector<HammingMatch> out;
    FlatSearch(stored, queries, 31, &out, level);
    ASSERT_EQ(out.size(), 13u) << SimdLevelName(level);
    for (std::size_t i = 0; i < out.size(); ++i) {
      EXPECT_EQ(out[i].id, i);
      if (i % 2) {
        EXPECT_EQ(out[i].distance, 0);
        EXPECT_EQ(out[i].variant, 2);
      } else {
        EXPECT_EQ(out[i].distance, 5);
        EXPECT_EQ(out[i].variant, 3);
      }
    }
  }
}

TEST(FlatSearchTest, EveryLevelAgreesWithTheSlowOracle) {
  std::mt19937_64 rng(3);
  std::vector<Hash256> stored = ClusteredHashes(1500 / testing_data::kSlowdown + 7, 60, rng);
  for (int i = 0; i < 300; ++i) stored.push_back(RandomHash(rng));
  std::vector<std::uint64_t> rows(stored.size());
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  for (int trial = 0; trial < 12; ++trial) {
    const std::size_t nq = 1 + trial % 8;
    std::vector<Hash256> queries;
    for (std::size_t v = 0; v < nq; ++v) {
      queries.push_back(FlipBits(stored[rng() % stored.size()], static_cast<int>(rng() % 40), rng));
    }
    for (int radius : {0, 5, 17, 31, 32, 48, 63, 100, 128, 256}) {
      const std::vector<HammingMatch> want =
          ByRow(testing_data::SlowSearch(rows, stored, queries, radius));
      for (SimdLevel level : SupportedLevels()) {
        std::vector<HammingMatch> got;
        FlatSearch(stored, queries, radius, &got, level);
        ASSERT_EQ(got, want) << SimdLevelName(level) << " radius=" << radius << " nq=" << nq;
      }
    }
  }
}

TEST(FlatSearchTest, BatchesLargerThanEightAreMerged) {
  std::mt19937_64 rng(4);
  std::vector<Hash256> stored = ClusteredHashes(300, 40, rng);
  std::vector<std::uint64_t> rows(stored.size());
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  std::vector<Hash256> queries;
  for (int v = 0; v < 19; ++v) queries.push_back(FlipBits(stored[rng() % 300], 10, rng));
  std::vector<HammingMatch> got;
  FlatSearch(stored, queries, 40, &got);
  EXPECT_EQ(got, ByRow(testing_data::SlowSearch(rows, stored, queries, 40)));
}

TEST(FlatSearchTest, EmptyInputsGiveNoResults) {
  std::mt19937_64 rng(5);
  const Hash256 q = RandomHash(rng);
  std::vector<HammingMatch> out = {{1, 2, 3}};
  FlatSearch({}, std::span(&q, 1), 31, &out);
  EXPECT_THAT(out, IsEmpty());
  const std::vector<Hash256> stored = {q};
  FlatSearch(stored, {}, 31, &out);
  EXPECT_THAT(out, IsEmpty());
}

}  // namespace
}  // namespace moderato
