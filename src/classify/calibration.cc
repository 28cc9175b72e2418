// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/classify/calibration.h"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace moderato {

double Sigmoid(double x) {
  if (x >= 0) return 1.0 / (1.0 + std::exp(-x));
  const double e = std::exp(x);
  return e / (1.0 + e);
}

double Logit(double p) {
  p = std::clamp(p, 1e-7, 1.0 - 1e-7);
  return std::log(p / (1.0 - p));
}

double LogLoss(std::span<const double> probabilities, std::span<const bool> labels) {
  MODERATO_CHECK(probabilities.size() == labels.size());
  if (probabilities.empty()) return 0.0;
  double sum = 0.0;
  for (std::size_t i = 0; i < probabilities.size(); ++i) {
    const double p = std::clamp(probabilities[i], 1e-12, 1.0 - 1e-12);
    sum -= labels[i] ? std::log(p) : std::log1p(-p);
  }
  return sum / static_cast<double>(probabilities.size());
}

double PlattCalibration::Apply(double score) const { return Sigmoid(a * score + b); }

Result<PlattCalibration> PlattCalibration::Fit(std::span<const double> scores,
                                               std::span<const bool> labels) {
  if (scores.size() != labels.size()) {
    return InvalidArgumentError("calibration: scores and labels differ in size");
  }
  if (scores.empty()) return InvalidArgumentError("calibration: no data");
  double n_pos = 0;
  double n_neg = 0;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (!std::isfinite(scores[i])) return InvalidArgumentError("calibration: non-finite score");
    (labels[i] ? n_pos : n_neg) += 1;
  }
  if (n_pos == 0 || n_neg == 0) {
    return InvalidArgumentError("calibration: need both positive and negative examples");
  }
  const double t_pos = (n_pos + 1) / (n_pos + 2);
  const double t_neg = 1 / (n_neg + 2);

  // Newton's method with backtracking line search on
  //   F(a, b) = -sum t_i log p_i + (1 - t_i) log(1 - p_i),  p_i = sigmoid(a s_i + b),
  // written in the overflow-free form of Lin, Lin & Weng (2007), Algorithm 1.
  auto objective = [&](double slope, double intercept) {
    double f = 0;
    for (std::size_t i = 0; i < scores.size(); ++i) {
      const double t = labels[i] ? t_pos : t_neg;
      const double z = slope * scores[i] + intercept;
      // -[t log s(z) + (1 - t) log(1 - s(z))] = log(1 + e^z) - t z
      const double log1pexp = z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z));
      f += log1pexp - t * z;
    }
    return f;
  };

  // Start from the identity map: the model's own probabilities.
  double slope = 1.0;
  double intercept = 0.0;
  double f = objective(slope, intercept);
  constexpr double kMinStep = 1e-10;
  constexpr double kSigma = 1e-12;  // Hessian regularisation
  for (int iter = 0; iter < 100; ++iter) {
    double h11 = kSigma, h22 = kSigma, h21 = 0, g1 = 0, g2 = 0;
    for (std::size_t i = 0; i < scores.size(); ++i) {
      const double t = labels[i] ? t_pos : t_neg;
      const double p = Sigmoid(slope * scores[i] + intercept);
      const double d2 = p * (1 - p);
      h11 += scores[i] * scores[i] * d2;
      h22 += d2;
      h21 += scores[i] * d2;
      const double d1 = p - t;
      g1 += scores[i] * d1;
      g2 += d1;
    }
    if (std::abs(g1) < 1e-9 && std::abs(g2) < 1e-9) break;
    const double det = h11 * h22 - h21 * h21;
    const double da = -(h22 * g1 - h21 * g2) / det;
    const double db = -(-h21 * g1 + h11 * g2) / det;
    const double gd = g1 * da + g2 * db;
    double step = 1.0;
    bool improved = false;
    while (step >= kMinStep) {
      const double na = slope + step * da;
      const double nb = intercept + step * db;
      const double nf = objective(na, nb);
      if (nf < f + 1e-4 * step * gd) {
        slope = na;
        intercept = nb;
        f = nf;
        improved = true;
        break;
      }
      step /= 2;
    }
    if (!improved) break;
  }
  if (!std::isfinite(slope) || !std::isfinite(intercept)) {
    return InternalError("calibration: fit diverged");
  }
  return PlattCalibration{slope, intercept};
}

}  // namespace moderato
