// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/classify/metrics.h"

#include "gtest/gtest.h"

namespace moderato {
namespace {

TEST(MetricsTest, HandComputedConfusionMatrix) {
  // tp 6, fp 2, tn 10, fn 4.
  Confusion c{.tp = 6, .fp = 2, .tn = 10, .fn = 4};
  EXPECT_EQ(c.total(), 22);
  EXPECT_DOUBLE_EQ(c.Precision(), 6.0 / 8.0);
  EXPECT_DOUBLE_EQ(c.Recall(), 6.0 / 10.0);
  EXPECT_DOUBLE_EQ(c.F1(), 2 * 0.75 * 0.6 / (0.75 + 0.6));
  EXPECT_DOUBLE_EQ(c.Accuracy(), 16.0 / 22.0);
  EXPECT_DOUBLE_EQ(c.Specificity(), 10.0 / 12.0);
}

TEST(MetricsTest, AddCountsEachCell) {
  Confusion c;
  c.Add(true, true);
  c.Add(true, false);
  c.Add(false, false);
  c.Add(false, false);
  c.Add(false, true);
  EXPECT_EQ(c, (Confusion{.tp = 1, .fp = 1, .tn = 2, .fn = 1}));
}

TEST(MetricsTest, EmptyDenominatorsGiveZeroNotNan) {
  Confusion none;
  EXPECT_EQ(none.Precision(), 0.0);
  EXPECT_EQ(none.Recall(), 0.0);
  EXPECT_EQ(none.F1(), 0.0);
  EXPECT_EQ(none.Accuracy(), 0.0);
  Confusion all_negative{.tp = 0, .fp = 0, .tn = 5, .fn = 0};
  EXPECT_EQ(all_negative.Precision(), 0.0);
  EXPECT_EQ(all_negative.Accuracy(), 1.0);
}

TEST(MetricsTest, BreakdownByLanguageSumsToOverall) {
  MetricsByLanguage m;
  m.Add("en", true, true);
  m.Add("en", false, true);
  m.Add("fr", true, false);
  m.Add("ar", false, false);
  EXPECT_EQ(m.For("en"), (Confusion{.tp = 1, .fp = 0, .tn = 0, .fn = 1}));
  EXPECT_EQ(m.For("fr"), (Confusion{.tp = 0, .fp = 1, .tn = 0, .fn = 0}));
  EXPECT_EQ(m.For("xx"), Confusion{});
  EXPECT_EQ(m.overall(), (Confusion{.tp = 1, .fp = 1, .tn = 1, .fn = 1}));
  ASSERT_EQ(m.by_language().size(), 3u);
  EXPECT_EQ(m.by_language().begin()->first, "ar");
  Confusion sum;
  for (const auto& [lang, c] : m.by_language()) sum.Merge(c);
  EXPECT_EQ(sum, m.overall());
}

}  // namespace
}  // namespace moderato
