// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/classify/train.h"

#include <fasttext/fasttext.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "classify/model_file.h"
#include "classify/stable_random.h"
#include "moderato/classify/classifier.h"
#include "moderato/classify/tokenize.h"

namespace moderato {
namespace {

Status CheckOptions(const TrainOptions& o) {
  auto in = [](double v, double lo, double hi) { return v >= lo && v <= hi; };
  if (!in(o.epoch, 1, 1000) || !in(o.dim, 1, 300) || !in(o.lr, 1e-6, 10) ||
      !in(o.word_ngrams, 1, 5) || !in(o.minn, 0, 10) || !in(o.maxn, 0, 10) ||
      (o.maxn > 0 && o.minn > o.maxn) || !in(o.bucket, 0, 2'000'000) ||
      !in(o.min_count, 1, 1'000'000) || !in(o.threads, 1, 64) || !in(o.balance_power, 0, 1)) {
    return InvalidArgumentError(
        "training option out of range (epoch 1..1000, dim 1..300, lr (0, 10], wordNgrams 1..5, "
        "minn <= maxn <= 10, bucket <= 2000000, threads 1..64, balance 0..1)");
  }
  if ((o.word_ngrams > 1 || o.maxn > 0) && o.bucket == 0) {
    return InvalidArgumentError("word or character n-grams need bucket > 0");
  }
  return OkStatus();
}

nlohmann::json ConfusionJson(const Confusion& c) {
  return {{"n", c.total()},       {"tp", c.tp},   {"fp", c.fp},
          {"tn", c.tn},           {"fn", c.fn},   {"precision", c.Precision()},
          {"recall", c.Recall()}, {"f1", c.F1()}, {"accuracy", c.Accuracy()}};
}

nlohmann::json MetricsJson(const MetricsByLanguage& m) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [lang, c] : m.by_language())
    out[lang.empty() ? "unknown" : lang] = ConfusionJson(c);
  out["all"] = ConfusionJson(m.overall());
  return out;
}

// Threshold on calibrated probabilities maximising F1: the midpoint between
// the lowest probability still predicted positive and the next lower one.
double MaxF1Threshold(std::vector<std::pair<double, bool>> scored) {
  std::sort(scored.begin(), scored.end(),
            [](const auto& x, const auto& y) { return x.first > y.first; });
  std::int64_t positives = 0;
  for (const auto& s : scored) positives += s.second;
  std::int64_t tp = 0, fp = 0;
  double best_f1 = -1;
  double best = 0.5;
  for (std::size_t i = 0; i < scored.size(); ++i) {
    (scored[i].second ? tp : fp) += 1;
    if (i + 1 < scored.size() && scored[i + 1].first == scored[i].first) continue;
    const double f1 = 2.0 * tp / static_cast<double>(2 * tp + fp + (positives - tp));
    if (f1 > best_f1) {
      best_f1 = f1;
      best = i + 1 < scored.size() ? (scored[i].first + scored[i + 1].first) / 2 : scored[i].first;
    }
  }
  return best;
}

Status WriteFile(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out.is_open()) return UnavailableError("cannot write " + path);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return UnavailableError("error writing " + path);
  return OkStatus();
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) return UnavailableError("cannot read back " + path);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return bytes;
}

// Removes its files when the training call returns, whatever the outcome.
struct TempFiles {
  std::vector<std::string> paths;
  ~TempFiles() {
    std::error_code ec;
    for (const std::string& p : paths) std::filesystem::remove(p, ec);
  }
};

}  // namespace

Result<TrainReport> TrainClassifier(std::span<const LabelledExample> examples,
                                    const Normalizer& normalizer, const TrainOptions& options,
                                    const std::string& output_path) {
  const auto start = std::chrono::steady_clock::now();
  MODERATO_RETURN_IF_ERROR(CheckOptions(options));
  TrainReport report;

  // 1. Normalise and tokenise; count the parts.
  std::vector<std::string> tokens(examples.size());
  std::map<std::string, std::pair<std::size_t, std::size_t>> group_counts;  // neg, pos
  for (std::size_t i = 0; i < examples.size(); ++i) {
    const LabelledExample& ex = examples[i];
    if (ex.source == "arenas" && ex.split != SplitPart::kTest) {
      return InvalidArgumentError(
          "ARENAS is an evaluation-only set and must not be trained or "
          "calibrated on (example " +
          ex.id + ")");
    }
    Result<NormalizedText> text = normalizer.Normalize(ex.text);
    if (!text.ok()) return text.status().WithContext(ex.id);
    tokens[i] = FastTextTokens(text->normalized.text);
    switch (ex.split) {
      case SplitPart::kTrain: {
        ++report.train_examples;
        auto& counts = group_counts[ex.source + "/" + ex.lang];
        ++(ex.positive ? counts.second : counts.first);
        break;
      }
      case SplitPart::kDev:
        ++report.dev_examples;
        break;
      case SplitPart::kTest:
        ++report.test_examples;
        break;
    }
  }
  std::size_t train_pos = 0, train_neg = 0;
  for (const auto& [group, counts] : group_counts) {
    train_neg += counts.first;
    train_pos += counts.second;
  }
  if (train_pos == 0 || train_neg == 0) {
    return InvalidArgumentError("the train part needs both positive and negative examples");
  }

  // 2. The fastText input file, minority classes repeated per group.
  std::map<std::string, std::pair<int, int>> repeats;  // neg, pos
  for (const auto& [group, counts] : group_counts) {
    const auto [neg, pos] = counts;
    int r_neg = 1, r_pos = 1;
    if (neg > 0 && pos > 0 && options.balance_power > 0) {
      const double ratio = static_cast<double>(std::max(neg, pos)) / std::min(neg, pos);
      const int r =
          std::max(1, static_cast<int>(std::lround(std::pow(ratio, options.balance_power))));
      (neg < pos ? r_neg : r_pos) = r;
    }
    repeats[group] = {r_neg, r_pos};
  }
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < examples.size(); ++i) {
    const LabelledExample& ex = examples[i];
    if (ex.split != SplitPart::kTrain) continue;
    const auto [r_neg, r_pos] = repeats[ex.source + "/" + ex.lang];
    std::string line = (ex.positive ? "__label__pos " : "__label__neg ") + tokens[i];
    for (int r = 0; r < (ex.positive ? r_pos : r_neg); ++r) lines.push_back(line);
  }
  std::mt19937_64 rng(options.seed);
  internal::StableShuffle(std::span<std::string>(lines), rng);
  report.train_lines = lines.size();

  std::error_code ec;
  const std::filesystem::path out_path(output_path);
  if (out_path.has_parent_path()) std::filesystem::create_directories(out_path.parent_path(), ec);
  TempFiles temp;
  const std::string train_file = output_path + ".train.tmp";
  const std::string tmp_model = output_path + ".tmp.bin";
  const std::string tmp_sidecar = SidecarPath(tmp_model);
  temp.paths = {train_file, tmp_model, tmp_sidecar};
  {
    std::string text;
    for (const std::string& line : lines) {
      text += line;
      text += '\n';
    }
    MODERATO_RETURN_IF_ERROR(WriteFile(train_file, text));
  }

  // 3. fastText.
  fasttext::Args args;
  args.input = train_file;
  args.output = tmp_model;
  args.model = fasttext::model_name::sup;
  args.loss = fasttext::loss_name::softmax;
  args.dim = options.dim;
  args.epoch = options.epoch;
  args.lr = options.lr;
  args.wordNgrams = options.word_ngrams;
  args.minn = options.minn;
  args.maxn = options.maxn;
  args.bucket = options.bucket;
  args.minCount = options.min_count;
  args.minCountLabel = 0;
  args.thread = options.threads;
  args.seed = static_cast<int>(options.seed & 0x7fffffff);
  args.verbose = 0;
  try {
    fasttext::FastText ft;
    ft.train(args);
    ft.saveModel(tmp_model);
  } catch (const std::exception& e) {
    return InternalError(std::string("fastText training failed: ") + e.what());
  }
  MODERATO_ASSIGN_OR_RETURN(std::string model_bytes, ReadFile(tmp_model));

  // 4. Score dev and test with the real prediction path, calibrate, choose
  // the threshold. A provisional sidecar lets Classifier::Load check the file.
  nlohmann::json sidecar = {
      {"format", kClassifierFormat},
      {"tokenizer_version", kTokenizerVersion},
      {"model",
       {{"file", out_path.filename().string()},
        {"bytes", model_bytes.size()},
        {"fnv1a64", internal::Fnv1a64Hex(model_bytes)}}},
      {"calibration", {{"method", "platt"}, {"a", 1.0}, {"b", 0.0}}},
      {"threshold", 0.5},
  };
  MODERATO_RETURN_IF_ERROR(WriteFile(tmp_sidecar, sidecar.dump(2)));
  MODERATO_ASSIGN_OR_RETURN(std::unique_ptr<Classifier> model, Classifier::Load(tmp_model));

  std::vector<double> raw(examples.size(), 0.0);
  std::vector<double> dev_raw;
  std::vector<bool> dev_labels;
  for (std::size_t i = 0; i < examples.size(); ++i) {
    if (examples[i].split == SplitPart::kTrain) continue;
    Result<NormalizedText> text = normalizer.Normalize(examples[i].text);
    if (!text.ok()) return text.status().WithContext(examples[i].id);
    raw[i] = model->RawScore(*text);
    if (examples[i].split == SplitPart::kDev) {
      dev_raw.push_back(raw[i]);
      dev_labels.push_back(examples[i].positive);
    }
  }
  bool dev_has_both = std::find(dev_labels.begin(), dev_labels.end(), true) != dev_labels.end() &&
                      std::find(dev_labels.begin(), dev_labels.end(), false) != dev_labels.end();
  if (dev_has_both) {
    // std::vector<bool> is not contiguous; copy into a plain array for the span.
    auto label_array = std::make_unique<bool[]>(dev_labels.size());
    std::copy(dev_labels.begin(), dev_labels.end(), label_array.get());
    std::span<const bool> label_span(label_array.get(), dev_labels.size());
    MODERATO_ASSIGN_OR_RETURN(report.calibration, PlattCalibration::Fit(dev_raw, label_span));
    std::vector<double> p_raw, p_cal;
    std::vector<std::pair<double, bool>> scored;
    for (std::size_t i = 0; i < dev_raw.size(); ++i) {
      p_raw.push_back(Sigmoid(dev_raw[i]));
      p_cal.push_back(report.calibration.Apply(dev_raw[i]));
      scored.emplace_back(p_cal.back(), dev_labels[i]);
    }
    report.dev_log_loss_raw = LogLoss(p_raw, label_span);
    report.dev_log_loss_calibrated = LogLoss(p_cal, label_span);
    if (options.threshold_rule == ThresholdRule::kMaxDevF1) {
      report.threshold = MaxF1Threshold(std::move(scored));
    }
  }
  for (std::size_t i = 0; i < examples.size(); ++i) {
    const LabelledExample& ex = examples[i];
    if (ex.split == SplitPart::kTrain) continue;
    const bool predicted = report.calibration.Apply(raw[i]) >= report.threshold;
    if (ex.split == SplitPart::kDev) {
      report.dev.Add(ex.lang, predicted, ex.positive);
    } else {
      report.test.Add(ex.lang, predicted, ex.positive);
      report.test_by_source.Add(ex.source + "/" + ex.lang, predicted, ex.positive);
    }
  }
  model.reset();

  // 5. The final sidecar, then both files into place.
  sidecar["calibration"] = {{"method", "platt"},
                            {"a", report.calibration.a},
                            {"b", report.calibration.b},
                            {"fitted_on", dev_has_both ? "dev" : "none (identity)"},
                            {"dev_log_loss_raw", report.dev_log_loss_raw},
                            {"dev_log_loss_calibrated", report.dev_log_loss_calibrated}};
  sidecar["threshold"] = report.threshold;
  sidecar["threshold_rule"] = options.threshold_rule == ThresholdRule::kMaxDevF1 && dev_has_both
                                  ? "max_f1_on_dev"
                                  : "fixed_0.5";
  sidecar["positive_label"] = "__label__pos";
  sidecar["text_view"] = "Normalizer normalized view, FastTextTokens()";
  sidecar["seed"] = options.seed;
  sidecar["split"] = {{"seed", options.split.seed},
                      {"dev_fraction", options.split.dev_fraction},
                      {"test_fraction", options.split.test_fraction},
                      {"stratified_by", "source, language, label"},
                      {"train", report.train_examples},
                      {"dev", report.dev_examples},
                      {"test", report.test_examples},
                      {"train_lines_after_oversampling", report.train_lines}};
  nlohmann::json oversampling = nlohmann::json::object();
  for (const auto& [group, r] : repeats) {
    oversampling[group] = {{"negative_repeat", r.first},
                           {"positive_repeat", r.second},
                           {"negatives", group_counts[group].first},
                           {"positives", group_counts[group].second}};
  }
  sidecar["fasttext"] = {{"library", "libfasttext 0.9.2 (Debian)"},
                         {"loss", "softmax"},
                         {"epoch", options.epoch},
                         {"dim", options.dim},
                         {"lr", options.lr},
                         {"wordNgrams", options.word_ngrams},
                         {"minn", options.minn},
                         {"maxn", options.maxn},
                         {"bucket", options.bucket},
                         {"minCount", options.min_count},
                         {"thread", options.threads},
                         {"balance_power", options.balance_power},
                         {"oversampling", oversampling}};
  sidecar["metrics"] = {{"dev", MetricsJson(report.dev)},
                        {"test", MetricsJson(report.test)},
                        {"test_by_source", MetricsJson(report.test_by_source)}};
  nlohmann::json sources = nlohmann::json::array();
  bool share_alike = false;
  for (const DataSourceInfo& s : options.sources) {
    sources.push_back({{"name", s.name},
                       {"files", s.files},
                       {"licence", s.licence},
                       {"citation", s.citation},
                       {"note", s.note}});
    share_alike = share_alike || s.licence.find("BY-SA") != std::string::npos;
  }
  sidecar["data"] = {{"description", options.data_description}, {"sources", sources}};
  if (share_alike) {
    sidecar["licence_note"] =
        "Trained on CC BY-SA data (Stormfront, CC BY-SA 3.0 ES): this model is an adaptation "
        "of that data; redistribute it under CC BY-SA 3.0 or a compatible BY-SA licence, with "
        "the attributions listed in data.sources.";
  }
  const std::string sidecar_text = sidecar.dump(2) + "\n";
  MODERATO_RETURN_IF_ERROR(WriteFile(tmp_sidecar, sidecar_text));
  std::filesystem::rename(tmp_model, output_path, ec);
  if (ec) return UnavailableError("cannot move the model to " + output_path + ": " + ec.message());
  report.sidecar_path = SidecarPath(output_path);
  std::filesystem::rename(tmp_sidecar, report.sidecar_path, ec);
  if (ec) {
    return UnavailableError("cannot move the sidecar to " + report.sidecar_path + ": " +
                            ec.message());
  }
  report.model_path = output_path;
  report.model_bytes = model_bytes.size();
  report.train_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace moderato
