// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Training the classifier: fastText supervised learning (Debian's
// libfasttext 0.9.2) on labelled examples that carry a train/dev/test split
// (moderato/classify/dataset.h), followed by Platt calibration and threshold
// selection on the dev part and a report on dev and test.
//
// Steps (docs/classifier.md has the reasons and the measured numbers):
//   1. Normalise every example (Normalizer, `normalized` view) and tokenise
//      it (FastTextTokens).
//   2. Write the train part to a temporary fastText input file, with the
//      minority class of each (source, language) group repeated
//      round((majority / minority) ^ balance_power) times, shuffled with a
//      seeded Fisher-Yates shuffle.
//   3. fastText supervised training, softmax loss, Args.seed = seed; with
//      threads == 1 the model is bit-for-bit reproducible.
//   4. Fit Platt scaling on dev raw scores; choose the threshold that
//      maximises F1 over all of dev (ThresholdRule::kMaxDevF1) or 0.5.
//   5. Save `<output>.bin` and the sidecar SidecarPath(output), each written
//      to a temporary name and renamed into place.
//
// Examples from source "arenas" are rejected in the train and dev parts:
// ARENAS is an evaluation-only set.
//
// Cost: about 3 s on one core for the default corpus (24k examples).
// Thread safety: TrainClassifier() may run concurrently with other calls if
// the output paths differ.
//
// Example:
//   MODERATO_ASSIGN_OR_RETURN(auto corpus, moderato::LoadDefaultCorpus(data_dir));
//   MODERATO_ASSIGN_OR_RETURN(moderato::TrainReport report,
//       moderato::TrainClassifier(corpus, *normalizer, {}, "models/classifier.bin"));

#ifndef MODERATO_CLASSIFY_TRAIN_H_
#define MODERATO_CLASSIFY_TRAIN_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "moderato/classify/calibration.h"
#include "moderato/classify/dataset.h"
#include "moderato/classify/metrics.h"
#include "moderato/status.h"
#include "moderato/text/normalize.h"

namespace moderato {

enum class ThresholdRule {
  kMaxDevF1,   // the calibrated probability maximising F1 over the dev part
  kFixedHalf,  // 0.5
};

struct TrainOptions {
  // fastText Args.seed and the seed of the training-file shuffle. The split
  // seed is separate (SplitOptions), though `moderato train` uses one --seed
  // for both.
  std::uint64_t seed = 20260101;
  // fastText hyper-parameters. Limits keep the model small and training
  // fast: dim <= 300, bucket <= 2,000,000, epoch <= 1000, threads <= 64.
  // The defaults were chosen on the dev part of the default corpus
  // (docs/classifier.md has the grid).
  int epoch = 10;
  int dim = 32;
  double lr = 0.1;
  int word_ngrams = 2;
  int minn = 2;  // character n-grams; 0 disables them (with maxn = 0)
  int maxn = 4;
  int bucket = 100'000;
  int min_count = 1;
  int threads = 1;  // 1 for reproducible models
  // Oversampling of the minority class of each (source, language) group:
  // 0 = none (the default: calibration and the dev threshold handle the
  // imbalance, and it measured best on dev), 1 = balance each group fully.
  double balance_power = 0.0;
  ThresholdRule threshold_rule = ThresholdRule::kMaxDevF1;
  // Recorded in the sidecar; DefaultCorpusSources() for the default corpus.
  std::vector<DataSourceInfo> sources;
  // Free text recorded in the sidecar (e.g. "default corpus" or the --input path).
  std::string data_description;
  // Split settings used to make the examples' split, recorded in the sidecar.
  SplitOptions split;
};

struct TrainReport {
  std::size_t train_examples = 0;
  std::size_t dev_examples = 0;
  std::size_t test_examples = 0;
  std::size_t train_lines = 0;  // after oversampling
  PlattCalibration calibration;
  double threshold = 0.5;
  double dev_log_loss_raw = 0;         // fastText's own probabilities
  double dev_log_loss_calibrated = 0;  // after Platt scaling
  MetricsByLanguage dev;
  MetricsByLanguage test;
  // The same test matrices keyed by "source/lang" (e.g. "stormfront/en").
  MetricsByLanguage test_by_source;
  double train_seconds = 0;  // whole call, including normalisation and saving
  std::string model_path;
  std::string sidecar_path;
  std::uint64_t model_bytes = 0;
};

// Trains on `examples` (using their split field) and writes the model to
// `output_path` and its sidecar. Fails with kInvalidArgument if an option is
// out of range, the train part lacks either class, or an ARENAS example is in
// train or dev; kUnavailable if the output cannot be written; kInternal if
// fastText fails (its exceptions are caught).
Result<TrainReport> TrainClassifier(std::span<const LabelledExample> examples,
                                    const Normalizer& normalizer, const TrainOptions& options,
                                    const std::string& output_path);

}  // namespace moderato

#endif  // MODERATO_CLASSIFY_TRAIN_H_
