// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/classify/calibration.h"

#include <cmath>
#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace moderato {
namespace {

// Scores of an overconfident model: the true log-odds is `z`, the model
// reports 3z + 1. Labels are drawn from the true probability.
struct Synthetic {
  std::vector<double> scores;
  std::unique_ptr<bool[]> labels;
  std::size_t n = 0;
  std::span<const bool> label_span() const { return {labels.get(), n}; }
};

Synthetic MakeOverconfident(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.5);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  Synthetic s;
  s.n = n;
  s.labels = std::make_unique<bool[]>(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double z = normal(rng);
    s.labels[i] = uniform(rng) < Sigmoid(z);
    s.scores.push_back(3 * z + 1);
  }
  return s;
}

TEST(CalibrationTest, RecoversTheInverseOfAKnownDistortion) {
  Synthetic s = MakeOverconfident(20000, 7);
  Result<PlattCalibration> cal = PlattCalibration::Fit(s.scores, s.label_span());
  ASSERT_TRUE(cal.ok()) << cal.status();
  // True map: z = (score - 1) / 3, so a ~ 1/3 and b ~ -1/3.
  EXPECT_NEAR(cal->a, 1.0 / 3, 0.03);
  EXPECT_NEAR(cal->b, -1.0 / 3, 0.05);
}

TEST(CalibrationTest, ImprovesLogLossOnHeldOutData) {
  Synthetic fit = MakeOverconfident(5000, 11);
  Synthetic held_out = MakeOverconfident(5000, 12);
  Result<PlattCalibration> cal = PlattCalibration::Fit(fit.scores, fit.label_span());
  ASSERT_TRUE(cal.ok()) << cal.status();
  std::vector<double> raw, calibrated;
  for (double s : held_out.scores) {
    raw.push_back(Sigmoid(s));
    calibrated.push_back(cal->Apply(s));
  }
  const double before = LogLoss(raw, held_out.label_span());
  const double after = LogLoss(calibrated, held_out.label_span());
  EXPECT_LT(after, before - 0.05) << "before " << before << " after " << after;
}

TEST(CalibrationTest, IsMonotoneInTheScore) {
  Synthetic s = MakeOverconfident(2000, 3);
  Result<PlattCalibration> cal = PlattCalibration::Fit(s.scores, s.label_span());
  ASSERT_TRUE(cal.ok()) << cal.status();
  double previous = -1;
  for (double x = -20; x <= 20; x += 0.25) {
    const double p = cal->Apply(x);
    EXPECT_GE(p, previous);
    EXPECT_GE(p, 0.0);
    EXPECT_LE(p, 1.0);
    previous = p;
  }
}

TEST(CalibrationTest, SeparableDataStaysFinite) {
  const std::vector<double> scores = {-3, -2, -1, 1, 2, 3};
  const bool labels[] = {false, false, false, true, true, true};
  Result<PlattCalibration> cal = PlattCalibration::Fit(scores, labels);
  ASSERT_TRUE(cal.ok()) << cal.status();
  EXPECT_TRUE(std::isfinite(cal->a));
  EXPECT_GT(cal->a, 0);
  // Platt's smoothed targets keep the extremes away from 0 and 1.
  EXPECT_LT(cal->Apply(3), 1.0 - 1e-6);
  EXPECT_GT(cal->Apply(-3), 1e-6);
}

TEST(CalibrationTest, RejectsBadInput) {
  const std::vector<double> scores = {0.1, 0.2};
  const bool one_class[] = {true, true};
  EXPECT_EQ(PlattCalibration::Fit(scores, one_class).status().code(), StatusCode::kInvalidArgument);
  const bool one_label[] = {true};
  EXPECT_EQ(PlattCalibration::Fit(scores, one_label).status().code(), StatusCode::kInvalidArgument);
  const std::vector<double> nan = {0.1, std::nan("")};
  const bool both[] = {true, false};
  EXPECT_EQ(PlattCalibration::Fit(nan, both).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(PlattCalibration::Fit({}, {}).status().code(), StatusCode::kInvalidArgument);
}

TEST(CalibrationTest, SigmoidAndLogitAreInverseAndStable) {
  for (double x : {-10.0, -2.0, 0.0, 0.5, 7.0}) EXPECT_NEAR(Logit(Sigmoid(x)), x, 1e-6);
  EXPECT_EQ(Sigmoid(-1000), 0.0);
  EXPECT_EQ(Sigmoid(1000), 1.0);
  EXPECT_TRUE(std::isfinite(Logit(0.0)));
  EXPECT_TRUE(std::isfinite(Logit(1.0)));
}

}  // namespace
}  // namespace moderato
