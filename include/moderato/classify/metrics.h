// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Binary classification metrics: a confusion matrix with precision, recall,
// F1 and accuracy, and a breakdown of confusion matrices by language. Used by
// `moderato train` (dev/test reports) and `moderato eval` (lexicon-only,
// classifier-only and combined rows).
//
// Conventions: a ratio whose denominator is zero is reported as 0 (so a model
// that never predicts positive has precision 0, not NaN). "Positive" is the
// harmful class (hateful / extremist / toxic).
//
// Thread safety: plain values; distinct objects may be used from distinct
// threads.
//
// Example:
//   moderato::MetricsByLanguage m;
//   for (const auto& ex : test) m.Add(ex.lang, /*predicted=*/p >= t, ex.positive);
//   std::printf("fr F1 %.3f overall %.3f\n", m.For("fr").F1(), m.overall().F1());

#ifndef MODERATO_CLASSIFY_METRICS_H_
#define MODERATO_CLASSIFY_METRICS_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace moderato {

// A binary confusion matrix. Counts are 64-bit so that a stream of billions
// of items does not overflow.
struct Confusion {
  std::int64_t tp = 0;  // predicted positive, actually positive
  std::int64_t fp = 0;  // predicted positive, actually negative
  std::int64_t tn = 0;  // predicted negative, actually negative
  std::int64_t fn = 0;  // predicted negative, actually positive

  // Counts one prediction.
  void Add(bool predicted, bool actual);
  // Adds every count of `other`.
  void Merge(const Confusion& other);

  std::int64_t total() const { return tp + fp + tn + fn; }
  std::int64_t actual_positives() const { return tp + fn; }
  std::int64_t actual_negatives() const { return tn + fp; }

  // tp / (tp + fp), or 0 when nothing was predicted positive.
  double Precision() const;
  // tp / (tp + fn), or 0 when there are no actual positives.
  double Recall() const;
  // Harmonic mean of precision and recall: 2tp / (2tp + fp + fn), or 0.
  double F1() const;
  // (tp + tn) / total, or 0 for an empty matrix.
  double Accuracy() const;
  // tn / (tn + fp): the share of benign items left alone, or 0.
  double Specificity() const;

  friend bool operator==(const Confusion&, const Confusion&) = default;
};

// Confusion matrices keyed by language code ("en", "fr", "ar", ...; "" for
// unknown), plus their sum.
class MetricsByLanguage {
 public:
  // Counts one prediction for `lang` and for the overall matrix.
  void Add(std::string_view lang, bool predicted, bool actual);

  // Returns the matrix for `lang` (all zero if nothing was added for it).
  Confusion For(std::string_view lang) const;
  // The sum over all languages.
  const Confusion& overall() const { return overall_; }
  // Every language seen, in lexicographic order.
  const std::map<std::string, Confusion, std::less<>>& by_language() const { return by_lang_; }

 private:
  std::map<std::string, Confusion, std::less<>> by_lang_;
  Confusion overall_;
};

}  // namespace moderato

#endif  // MODERATO_CLASSIFY_METRICS_H_
