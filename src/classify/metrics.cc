// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/classify/metrics.h"

namespace moderato {
namespace {

double Ratio(std::int64_t num, std::int64_t den) {
  return den == 0 ? 0.0 : static_cast<double>(num) / static_cast<double>(den);
}

}  // namespace

void Confusion::Add(bool predicted, bool actual) {
  if (predicted) {
    ++(actual ? tp : fp);
  } else {
    ++(actual ? fn : tn);
  }
}

void Confusion::Merge(const Confusion& other) {
  tp += other.tp;
  fp += other.fp;
  tn += other.tn;
  fn += other.fn;
}

double Confusion::Precision() const { return Ratio(tp, tp + fp); }
double Confusion::Recall() const { return Ratio(tp, tp + fn); }
double Confusion::F1() const { return Ratio(2 * tp, 2 * tp + fp + fn); }
double Confusion::Accuracy() const { return Ratio(tp + tn, total()); }
double Confusion::Specificity() const { return Ratio(tn, tn + fp); }

void MetricsByLanguage::Add(std::string_view lang, bool predicted, bool actual) {
  auto it = by_lang_.find(lang);
  if (it == by_lang_.end()) it = by_lang_.emplace(std::string(lang), Confusion{}).first;
  it->second.Add(predicted, actual);
  overall_.Add(predicted, actual);
}

Confusion MetricsByLanguage::For(std::string_view lang) const {
  auto it = by_lang_.find(lang);
  return it == by_lang_.end() ? Confusion{} : it->second;
}

}  // namespace moderato
