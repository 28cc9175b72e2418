// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Platt scaling: maps a raw classifier score (a logit, i.e. log-odds of the
// positive class as the model sees it) to a calibrated probability
//   p = sigmoid(a * score + b),
// with (a, b) fitted on held-out data by Newton's method on the log-loss,
// using Platt's smoothed targets t+ = (N+ + 1) / (N+ + 2) and
// t- = 1 / (N- + 2) so that separable data does not drive a to infinity
// (Platt 1999; Lin, Lin & Weng 2007, "A note on Platt's probabilistic outputs").
//
// The fit is O(n) per iteration and runs at most 100 iterations.
//
// Thread safety: PlattCalibration is an immutable value after Fit().
//
// Example:
//   MODERATO_ASSIGN_OR_RETURN(moderato::PlattCalibration cal,
//                             moderato::PlattCalibration::Fit(dev_scores, dev_labels));
//   double p = cal.Apply(raw_score);

#ifndef MODERATO_CLASSIFY_CALIBRATION_H_
#define MODERATO_CLASSIFY_CALIBRATION_H_

#include <span>

#include "moderato/status.h"

namespace moderato {

struct PlattCalibration {
  double a = 1.0;  // the identity calibration by default: p = sigmoid(score)
  double b = 0.0;

  // Returns sigmoid(a * score + b), computed without overflow.
  double Apply(double score) const;

  // Fits (a, b) to `scores` and their true `labels`. Fails with
  // kInvalidArgument if the spans differ in size, are empty, a score is not
  // finite, or only one class is present.
  static Result<PlattCalibration> Fit(std::span<const double> scores, std::span<const bool> labels);

  friend bool operator==(const PlattCalibration&, const PlattCalibration&) = default;
};

// Numerically stable logistic function.
double Sigmoid(double x);

// log(p / (1 - p)), with p clamped to [1e-7, 1 - 1e-7].
double Logit(double p);

// Mean negative log-likelihood of `labels` under `probabilities` (each
// clamped to [1e-12, 1 - 1e-12]). Returns 0 for empty input. The spans must
// have equal size.
double LogLoss(std::span<const double> probabilities, std::span<const bool> labels);

}  // namespace moderato

#endif  // MODERATO_CLASSIFY_CALIBRATION_H_
