// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/classify/classifier.h"

#include <fasttext/fasttext.h>

#include <cmath>
#include <exception>
#include <filesystem>
#include <fstream>
#include <istream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <streambuf>
#include <utility>
#include <vector>

#include "classify/model_file.h"
#include "moderato/classify/tokenize.h"
#include "moderato/core/json_depth.h"

namespace moderato {
namespace {

constexpr std::string_view kPositiveLabel = "__label__pos";
constexpr std::string_view kNegativeLabel = "__label__neg";
constexpr int kMaxSidecarDepth = 16;

// A read-only std::streambuf over a caller-owned buffer, so that fastText's
// Dictionary::getLine can read a token string without a std::istringstream
// copy per call. Supports the one-character putback getLine relies on.
class SpanBuf : public std::streambuf {
 public:
  void Reset(std::string& s) { setg(s.data(), s.data(), s.data() + s.size()); }
};

// Per-thread scratch space for prediction; independent of any model.
struct Scratch {
  SpanBuf buf;
  std::istream in{&buf};
  std::string tokens;
  std::vector<std::int32_t> words;
  std::vector<std::int32_t> labels;
  std::vector<float> hidden;
};

Scratch& ThreadScratch() {
  thread_local Scratch scratch;
  return scratch;
}

Result<std::string> ReadWholeFile(const std::string& path, std::size_t max_bytes,
                                  std::string_view what) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return NotFoundError(std::string(what) + " not found: " + path);
  if (size > max_bytes) {
    return ResourceExhaustedError(std::string(what) + " " + path + " is " + std::to_string(size) +
                                  " bytes, over the budget of " + std::to_string(max_bytes));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) return NotFoundError("cannot open " + std::string(what) + " " + path);
  std::string bytes(static_cast<std::size_t>(size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (in.gcount() != static_cast<std::streamsize>(bytes.size())) {
    return UnavailableError("short read of " + path);
  }
  return bytes;
}

}  // namespace

struct Classifier::Impl {
  fasttext::FastText model;
  std::shared_ptr<const fasttext::Dictionary> dict;
  std::shared_ptr<const fasttext::DenseMatrix> input;
  // Row of the positive label minus row of the negative one: for a two-label
  // softmax, logit(p_pos) = (w_pos - w_neg) . hidden.
  std::vector<float> margin_weights;
  int dim = 0;
};

std::string SidecarPath(std::string_view model_path) {
  std::string path(model_path);
  if (path.ends_with(".bin")) path.resize(path.size() - 4);
  return path + ".json";
}

Classifier::Classifier(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Classifier::~Classifier() = default;

Result<std::unique_ptr<Classifier>> Classifier::Load(const std::string& model_path,
                                                     const ClassifierLoadOptions& options) {
  MODERATO_ASSIGN_OR_RETURN(std::string bytes,
                            ReadWholeFile(model_path, options.max_model_bytes, "model"));
  Result<internal::FastTextModelSummary> summary = internal::ValidateFastTextModel(bytes);
  if (!summary.ok()) return summary.status().WithContext(model_path);
  if (summary->labels.size() != 2 ||
      !((summary->labels[0] == kPositiveLabel && summary->labels[1] == kNegativeLabel) ||
        (summary->labels[0] == kNegativeLabel && summary->labels[1] == kPositiveLabel))) {
    return InvalidArgumentError(model_path + ": labels must be __label__pos and __label__neg");
  }

  const std::string sidecar_path = SidecarPath(model_path);
  MODERATO_ASSIGN_OR_RETURN(std::string sidecar_text,
                            ReadWholeFile(sidecar_path, options.max_sidecar_bytes, "sidecar"));
  if (internal::JsonNestingDepth(sidecar_text) > kMaxSidecarDepth) {
    return InvalidArgumentError(sidecar_path + ": JSON nested too deeply");
  }
  nlohmann::json sidecar = nlohmann::json::parse(sidecar_text, nullptr, false);
  if (sidecar.is_discarded() || !sidecar.is_object()) {
    return InvalidArgumentError(sidecar_path + ": not a JSON object");
  }
  PlattCalibration calibration;
  double threshold = 0.5;
  SplitOptions split;
  std::string data_description;
  double dev_prevalence = 0;
  try {
    if (sidecar.value("format", "") != kClassifierFormat) {
      return InvalidArgumentError(sidecar_path + ": format is not " +
                                  std::string(kClassifierFormat));
    }
    if (sidecar.value("tokenizer_version", -1) != kTokenizerVersion) {
      return FailedPreconditionError(sidecar_path +
                                     ": written for another tokenizer version; retrain the model");
    }
    const nlohmann::json& model = sidecar.at("model");
    // Integers are checked to be unsigned before conversion: converting an
    // out-of-range float to an integer is undefined behaviour.
    if (!model.at("bytes").is_number_unsigned() ||
        model.at("bytes").get<std::uint64_t>() != bytes.size() ||
        model.at("fnv1a64").get<std::string>() != internal::Fnv1a64Hex(bytes)) {
      return DataLossError(model_path + " does not match its sidecar " + sidecar_path);
    }
    calibration.a = sidecar.at("calibration").at("a").get<double>();
    calibration.b = sidecar.at("calibration").at("b").get<double>();
    threshold = sidecar.at("threshold").get<double>();
    if (auto it = sidecar.find("split"); it != sidecar.end() && it->is_object()) {
      if (auto seed = it->find("seed"); seed != it->end() && seed->is_number_unsigned()) {
        split.seed = seed->get<std::uint64_t>();
      }
      split.dev_fraction = it->value("dev_fraction", split.dev_fraction);
      split.test_fraction = it->value("test_fraction", split.test_fraction);
    }
    if (auto it = sidecar.find("data"); it != sidecar.end() && it->is_object()) {
      data_description = it->value("description", "");
    }
    if (auto metrics = sidecar.find("metrics"); metrics != sidecar.end() && metrics->is_object()) {
      nlohmann::json all =
          metrics->value("dev", nlohmann::json::object()).value("all", nlohmann::json::object());
      double n = all.value("n", 0.0);
      double positives = all.value("tp", 0.0) + all.value("fn", 0.0);
      if (n > 0 && positives > 0 && positives < n) dev_prevalence = positives / n;
    }
  } catch (const nlohmann::json::exception& e) {
    return InvalidArgumentError(sidecar_path + ": " + e.what());
  }
  if (!std::isfinite(calibration.a) || !std::isfinite(calibration.b) ||
      !(threshold >= 0.0 && threshold <= 1.0)) {
    return InvalidArgumentError(sidecar_path + ": calibration or threshold out of range");
  }

  auto impl = std::make_unique<Impl>();
  try {
    // loadModel(path) rather than loadModel(istream): only the former runs
    // fastText's own header check, which sets the format version it needs.
    impl->model.loadModel(model_path);
    if (impl->model.getArgs().loss != fasttext::loss_name::softmax) {
      return InvalidArgumentError(model_path + ": only softmax-loss models are supported");
    }
    impl->dict = impl->model.getDictionary();
    impl->input = impl->model.getInputMatrix();
    std::shared_ptr<const fasttext::DenseMatrix> output = impl->model.getOutputMatrix();
    impl->dim = impl->model.getDimension();
    if (impl->dict->nlabels() != 2 || output->rows() != 2 || output->cols() != impl->dim ||
        impl->input->cols() != impl->dim ||
        impl->input->rows() !=
            static_cast<std::int64_t>(impl->dict->nwords()) + impl->model.getArgs().bucket) {
      return DataLossError(model_path + ": model changed while loading");
    }
    const int pos = impl->dict->getLabel(0) == kPositiveLabel ? 0 : 1;
    impl->margin_weights.resize(impl->dim);
    for (int j = 0; j < impl->dim; ++j) {
      impl->margin_weights[j] = output->at(pos, j) - output->at(1 - pos, j);
    }
  } catch (const std::exception& e) {
    return InternalError(model_path + ": fastText failed to load the model: " + e.what());
  }

  std::unique_ptr<Classifier> classifier(new Classifier(std::move(impl)));
  classifier->calibration_ = calibration;
  classifier->threshold_ = threshold;
  classifier->dim_ = classifier->impl_->dim;
  classifier->split_options_ = split;
  classifier->data_description_ = std::move(data_description);
  classifier->dev_prevalence_ = dev_prevalence;
  classifier->sidecar_json_ = std::move(sidecar_text);
  classifier->model_path_ = model_path;
  return classifier;
}

double Classifier::RawScoreOfNormalized(std::string_view normalized) const {
  Scratch& s = ThreadScratch();
  s.tokens.clear();
  AppendFastTextTokens(normalized, &s.tokens);
  // fastText saw a '\n' (its end-of-sentence token "</s>") after every
  // training line; predict the same way.
  s.tokens.push_back('\n');
  s.buf.Reset(s.tokens);
  s.in.clear();
  impl_->dict->getLine(s.in, s.words, s.labels);
  if (s.words.empty()) return 0.0;
  const int dim = impl_->dim;
  s.hidden.assign(dim, 0.0f);
  const float* data = impl_->input->data();
  for (std::int32_t id : s.words) {
    const float* row = data + static_cast<std::int64_t>(id) * dim;
    for (int j = 0; j < dim; ++j) s.hidden[j] += row[j];
  }
  float dot = 0.0f;
  for (int j = 0; j < dim; ++j) dot += s.hidden[j] * impl_->margin_weights[j];
  return static_cast<double>(dot) / static_cast<double>(s.words.size());
}

double Classifier::ReferenceRawScoreOfNormalized(std::string_view normalized) const {
  std::istringstream in(FastTextTokens(normalized) + "\n");
  std::vector<std::pair<fasttext::real, std::string>> predictions;
  impl_->model.predictLine(in, predictions, /*k=*/2, /*threshold=*/0.0);
  for (const auto& [p, label] : predictions) {
    if (label == kPositiveLabel) return Logit(p);
  }
  return Logit(0.0);
}

double Classifier::ProbabilityOfNormalized(std::string_view normalized) const {
  return calibration_.Apply(RawScoreOfNormalized(normalized));
}

double Classifier::RawScore(const NormalizedText& text) const {
  return RawScoreOfNormalized(text.normalized.text);
}

double Classifier::Probability(const NormalizedText& text) const {
  return ProbabilityOfNormalized(text.normalized.text);
}

bool Classifier::Predict(const NormalizedText& text) const {
  return Probability(text) >= threshold_;
}

Result<MetricsByLanguage> EvaluateClassifier(const Classifier& classifier,
                                             const Normalizer& normalizer,
                                             std::span<const LabelledExample> examples,
                                             std::optional<SplitPart> part) {
  MetricsByLanguage metrics;
  for (const LabelledExample& ex : examples) {
    if (part.has_value() && ex.split != *part) continue;
    Result<NormalizedText> text = normalizer.Normalize(ex.text);
    if (!text.ok()) return text.status().WithContext(ex.id);
    metrics.Add(ex.lang, classifier.Predict(*text), ex.positive);
  }
  return metrics;
}

}  // namespace moderato
