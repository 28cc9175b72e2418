// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Classifier: a trained fastText supervised model that scores normalised
// text for hateful / violent-extremist content, with calibrated
// probabilities and a decision threshold.
//
// A model is two files written by TrainClassifier() (`moderato train`):
//   <name>.bin   the fastText 0.9.2 model (labels __label__pos, __label__neg)
//   <name>.json  the sidecar (SidecarPath()): calibration, threshold, seed,
//                split sizes, dev/test metrics, data sources and licences, and
//                the size and FNV-1a hash of the .bin it belongs to.
// Load() checks the .bin's layout before fastText sees it (fastText trusts
// every length in the file), checks it matches the sidecar, and converts any
// fastText exception to a Status.
//
// Scores: RawScore() is the model's log-odds of the positive class
// (logit of fastText's softmax probability); Probability() is the Platt-
// calibrated probability sigmoid(a * raw + b). Predict() compares the
// probability with threshold(). The text fed to the model is
// FastTextTokens(text.normalized.text) (moderato/classify/tokenize.h).
//
// Cost: one pass over the tokens plus one dim-sized vector per input row
// (word, word n-gram and character n-gram); about 130k predictions/s on one
// core for 200-byte posts with the default model (bench/classify_bench.cc,
// fastText's own predictLine: ~50k/s). No allocation in the
// steady state: each thread keeps a small scratch buffer.
//
// Thread safety: a loaded Classifier is immutable; every const method may be
// called from many threads at once. Publish it as
// std::shared_ptr<const Classifier>.
//
// Example:
//   MODERATO_ASSIGN_OR_RETURN(std::unique_ptr<moderato::Classifier> clf,
//                             moderato::Classifier::Load("models/classifier.bin"));
//   MODERATO_ASSIGN_OR_RETURN(moderato::NormalizedText t, normalizer->Normalize(post));
//   if (clf->Predict(t)) Flag(post, clf->Probability(t));

#ifndef MODERATO_CLASSIFY_CLASSIFIER_H_
#define MODERATO_CLASSIFY_CLASSIFIER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "moderato/classify/calibration.h"
#include "moderato/classify/dataset.h"
#include "moderato/classify/metrics.h"
#include "moderato/status.h"
#include "moderato/text/normalize.h"

namespace moderato {

// The sidecar format name written and accepted by this version.
inline constexpr std::string_view kClassifierFormat = "moderato.classifier.v1";

// Returns the sidecar path for a model path: "x/classifier.bin" ->
// "x/classifier.json"; a path not ending in ".bin" gets ".json" appended.
std::string SidecarPath(std::string_view model_path);

struct ClassifierLoadOptions {
  // Load() fails with kResourceExhausted for a larger .bin.
  std::size_t max_model_bytes = std::size_t{1} << 30;
  // Load() fails with kResourceExhausted for a larger sidecar.
  std::size_t max_sidecar_bytes = std::size_t{16} << 20;
};

class Classifier {
 public:
  // Loads `model_path` and its sidecar. Fails with kNotFound if either file
  // is missing, kResourceExhausted if one exceeds its budget,
  // kInvalidArgument if the .bin is not a valid non-quantised fastText
  // supervised model with the labels __label__pos and __label__neg or the
  // sidecar is not valid JSON of kClassifierFormat, kFailedPrecondition if
  // the sidecar was written for another tokenizer version, kDataLoss if the
  // .bin's size or hash differs from the sidecar's record, and kInternal if
  // fastText fails anyway.
  static Result<std::unique_ptr<Classifier>> Load(const std::string& model_path,
                                                  const ClassifierLoadOptions& options = {});

  ~Classifier();
  // Not copyable or movable: holds the fastText model, which may be large.
  Classifier(const Classifier&) = delete;
  Classifier& operator=(const Classifier&) = delete;

  // Calibrated probability, in [0, 1], that `text` is positive.
  double Probability(const NormalizedText& text) const;
  // Uncalibrated log-odds of the positive class.
  double RawScore(const NormalizedText& text) const;
  // Probability(text) >= threshold().
  bool Predict(const NormalizedText& text) const;

  // The same, from a Normalizer's `normalized` view only.
  double ProbabilityOfNormalized(std::string_view normalized) const;
  double RawScoreOfNormalized(std::string_view normalized) const;

  // The slow oracle for RawScoreOfNormalized(): the logit of the probability
  // fastText's own FastText::predictLine gives (through a std::istringstream).
  // Agrees with the fast path to about 1e-4 (float rounding). For tests and
  // benchmarks.
  double ReferenceRawScoreOfNormalized(std::string_view normalized) const;

  // Decision threshold on Probability(), chosen when the model was trained
  // (see docs/classifier.md).
  double threshold() const { return threshold_; }
  const PlattCalibration& calibration() const { return calibration_; }
  int dim() const { return dim_; }
  // The split the model was trained with (sidecar "split"; the defaults if
  // absent). Pass it to LoadDefaultCorpus() to get the model's held-out test
  // set back.
  const SplitOptions& split_options() const { return split_options_; }
  // The sidecar's data description: "default corpus: ..." for a model trained
  // on LoadDefaultCorpus(), else what the trainer recorded.
  const std::string& data_description() const { return data_description_; }
  // Share of positives in the dev split the calibration was fitted on (from
  // the sidecar's dev metrics), or 0 if the sidecar does not record it.
  double dev_prevalence() const { return dev_prevalence_; }
  // The sidecar, as written by the trainer (JSON text).
  const std::string& sidecar_json() const { return sidecar_json_; }
  const std::string& model_path() const { return model_path_; }

 private:
  struct Impl;
  explicit Classifier(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
  PlattCalibration calibration_;
  double threshold_ = 0.5;
  int dim_ = 0;
  SplitOptions split_options_;
  std::string data_description_;
  double dev_prevalence_ = 0;
  std::string sidecar_json_;
  std::string model_path_;
};

// Scores every example of `examples` whose split is `part` (every example if
// `part` is empty) and returns the confusion matrices by language at the
// classifier's threshold. Fails if normalisation fails for an example (it
// names the example id).
Result<MetricsByLanguage> EvaluateClassifier(const Classifier& classifier,
                                             const Normalizer& normalizer,
                                             std::span<const LabelledExample> examples,
                                             std::optional<SplitPart> part);

}  // namespace moderato

#endif  // MODERATO_CLASSIFY_CLASSIFIER_H_
