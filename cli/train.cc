// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// `moderato train`: trains the fastText classifier from the shipped corpora
// (default) or from a labelled JSONL/CSV file, and writes the model and its
// sidecar. See docs/classifier.md.

#include "moderato/classify/train.h"

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/defaults.h"
#include "moderato/classify/classifier.h"
#include "moderato/classify/dataset.h"
#include "moderato/text/normalize.h"

namespace moderato::cli {
namespace {

struct TrainFlags {
  std::string input;
  std::string format = "jsonl";
  std::string text_column = "text";
  std::string label_column = "label";
  std::string lang_column;
  std::string id_column;
  std::string positive_labels = std::string(kDefaultPositiveLabels);
  std::string negative_labels;
  std::string default_lang;
  bool skip_bad_lines = false;
  std::size_t max_examples = 5'000'000;
  std::string data_dir = SharedDataDir();
  std::string output = DefaultClassifierPath();
  std::uint64_t seed = 20260101;
  double dev_fraction = 0.1;
  double test_fraction = 0.1;
  std::string threshold = "max-f1";
  TrainOptions train;
  bool quiet = false;
};

void PrintMetrics(const char* title, const char* key, const MetricsByLanguage& m) {
  std::printf("%s\n  %-16s %6s %9s %7s %6s %8s\n", title, key, "n", "precision", "recall", "F1",
              "accuracy");
  auto row = [](const std::string& name, const Confusion& c) {
    std::printf("  %-16s %6lld %9.3f %7.3f %6.3f %8.3f\n", name.c_str(),
                static_cast<long long>(c.total()), c.Precision(), c.Recall(), c.F1(), c.Accuracy());
  };
  for (const auto& [lang, c] : m.by_language()) row(lang.empty() ? "(unknown)" : lang, c);
  row("all", m.overall());
}

int Run(const TrainFlags& flags) {
  Result<std::unique_ptr<Normalizer>> normalizer = Normalizer::Create();
  if (!normalizer.ok()) return ReportError(normalizer.status());

  TrainOptions options = flags.train;
  options.seed = flags.seed;
  options.split = {flags.seed, flags.dev_fraction, flags.test_fraction};
  options.threshold_rule =
      flags.threshold == "0.5" ? ThresholdRule::kFixedHalf : ThresholdRule::kMaxDevF1;

  std::vector<LabelledExample> examples;
  if (flags.input.empty()) {
    Result<std::vector<LabelledExample>> corpus = LoadDefaultCorpus(flags.data_dir, options.split);
    if (!corpus.ok()) return ReportError(corpus.status());
    examples = std::move(*corpus);
    options.sources = DefaultCorpusSources();
    options.data_description = "default corpus: MLMA (en, fr, ar) + Stormfront (en)";
  } else {
    LabelledFileOptions file_options;
    file_options.format = flags.format == "csv" ? LabelledFormat::kCsv : LabelledFormat::kJsonl;
    file_options.text_column = flags.text_column;
    file_options.label_column = flags.label_column;
    file_options.lang_column = flags.lang_column;
    file_options.id_column = flags.id_column;
    file_options.positive_labels = ParseLabelList(flags.positive_labels);
    file_options.negative_labels = ParseLabelList(flags.negative_labels);
    file_options.default_lang = flags.default_lang;
    file_options.skip_malformed = flags.skip_bad_lines;
    file_options.max_examples = flags.max_examples;
    Result<LabelledData> data = LoadLabelledFile(flags.input, file_options);
    if (!data.ok()) return ReportError(data.status());
    if (!flags.quiet &&
        (data->skipped_malformed > 0 || data->skipped_unlabelled > 0 || data->skipped_empty > 0)) {
      std::fprintf(stderr, "skipped %zu malformed, %zu unlabelled, %zu empty lines\n",
                   data->skipped_malformed, data->skipped_unlabelled, data->skipped_empty);
      for (const std::string& e : data->errors) std::fprintf(stderr, "  %s\n", e.c_str());
    }
    examples = std::move(data->examples);
    Status split = AssignSplits(examples, options.split);
    if (!split.ok()) return ReportError(split);
    options.sources = {{"input", flags.input, "user-supplied", "", ""}};
    options.data_description = "labelled file " + flags.input;
  }

  Result<TrainReport> report = TrainClassifier(examples, **normalizer, options, flags.output);
  if (!report.ok()) return ReportError(report.status());
  if (!flags.quiet) {
    std::printf("examples: train %zu (%zu lines after oversampling), dev %zu, test %zu\n",
                report->train_examples, report->train_lines, report->dev_examples,
                report->test_examples);
    std::printf("calibration: platt a=%.4f b=%.4f (dev log-loss %.4f -> %.4f); threshold %.4f\n",
                report->calibration.a, report->calibration.b, report->dev_log_loss_raw,
                report->dev_log_loss_calibrated, report->threshold);
    PrintMetrics("dev:", "lang", report->dev);
    PrintMetrics("test:", "lang", report->test);
    PrintMetrics("test by source:", "source/lang", report->test_by_source);
    std::printf("model: %s (%llu bytes), sidecar %s; %.1f s\n", report->model_path.c_str(),
                static_cast<unsigned long long>(report->model_bytes), report->sidecar_path.c_str(),
                report->train_seconds);
  }
  return kExitOk;
}

}  // namespace

void RegisterTrain(CLI::App& app, Action* action) {
  auto flags = std::make_shared<TrainFlags>();
  CLI::App* cmd = app.add_subcommand(
      "train",
      "Train the fastText classifier (default: MLMA + Stormfront from --data-dir; ARENAS is "
      "never used for training) and write <output> and its .json sidecar.");
  cmd->add_option("--input", flags->input, "Labelled JSONL or CSV file to train on instead");
  cmd->add_option("--format", flags->format, "Format of --input")
      ->check(CLI::IsMember({"jsonl", "csv"}))
      ->capture_default_str();
  cmd->add_option("--text-column", flags->text_column, "Text key/column")->capture_default_str();
  cmd->add_option("--label-column", flags->label_column, "Label key/column")->capture_default_str();
  cmd->add_option("--lang-column", flags->lang_column,
                  "Language key/column (JSONL reads \"lang\" by default)");
  cmd->add_option("--id-column", flags->id_column, "Row id key/column (default: line number)");
  cmd->add_option("--positive-labels", flags->positive_labels,
                  "Comma-separated label values meaning positive (case-insensitive)")
      ->capture_default_str();
  cmd->add_option("--negative-labels", flags->negative_labels,
                  "If set, only these values are negative; rows with other labels are skipped");
  cmd->add_option("--default-lang", flags->default_lang, "Language of rows without one");
  cmd->add_flag("--skip-bad-lines", flags->skip_bad_lines,
                "Skip and count malformed lines instead of failing");
  cmd->add_option("--max-examples", flags->max_examples, "Budget on examples read")
      ->capture_default_str();
  cmd->add_option("--data-dir", flags->data_dir, "Shipped data directory")->capture_default_str();
  cmd->add_option("--output", flags->output, "Model path (.bin); the sidecar is <name>.json")
      ->capture_default_str();
  cmd->add_option("--seed", flags->seed, "Seed of the split, the shuffle and fastText")
      ->capture_default_str();
  cmd->add_option("--dev-fraction", flags->dev_fraction, "Dev share of each stratum")
      ->check(CLI::Range(0.0, 0.5))
      ->capture_default_str();
  cmd->add_option("--test-fraction", flags->test_fraction, "Test share of each stratum")
      ->check(CLI::Range(0.0, 0.5))
      ->capture_default_str();
  cmd->add_option("--epoch", flags->train.epoch, "fastText epochs")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--dim", flags->train.dim, "fastText vector size")
      ->check(CLI::Range(1, 300))
      ->capture_default_str();
  cmd->add_option("--lr", flags->train.lr, "fastText learning rate")
      ->check(CLI::Range(1e-6, 10.0))
      ->capture_default_str();
  cmd->add_option("--wordNgrams", flags->train.word_ngrams, "fastText word n-gram length")
      ->check(CLI::Range(1, 5))
      ->capture_default_str();
  cmd->add_option("--minn", flags->train.minn, "Shortest character n-gram (0: none)")
      ->check(CLI::Range(0, 10))
      ->capture_default_str();
  cmd->add_option("--maxn", flags->train.maxn, "Longest character n-gram (0: none)")
      ->check(CLI::Range(0, 10))
      ->capture_default_str();
  cmd->add_option("--bucket", flags->train.bucket, "Hash buckets for n-grams")
      ->check(CLI::Range(0, 2'000'000))
      ->capture_default_str();
  cmd->add_option("--threads", flags->train.threads,
                  "Training threads (1 is reproducible; more is not)")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  cmd->add_option("--balance", flags->train.balance_power,
                  "Oversampling power per source+language: 0 none, 1 full balance")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--threshold", flags->threshold,
                  "Decision threshold: max-f1 (maximise F1 on dev) or 0.5")
      ->check(CLI::IsMember({"max-f1", "0.5"}))
      ->capture_default_str();
  cmd->add_flag("--quiet,-q", flags->quiet, "Print nothing on success");
  cmd->callback([flags, action] { *action = [flags] { return Run(*flags); }; });
}

}  // namespace moderato::cli
