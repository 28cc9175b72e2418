// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// moderato eval: per-language precision, recall, F1 and confusion matrices of
// three detectors side by side (lexicon only, classifier only, combined), on
// the held-out split of the default corpus, on ARENAS (French, never used for
// training), or on any labelled file.

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/defaults.h"
#include "moderato/classify/dataset.h"
#include "moderato/classify/metrics.h"
#include "moderato/scan/analyzer.h"
#include "nlohmann/json.hpp"

namespace moderato::cli {
namespace {

struct EvalFlags {
  std::string data_dir;
  std::string split = "test";
  std::string input;
  std::string format = "jsonl";
  std::string text_column = "text";
  std::string label_column = "label";
  std::string lang_column;
  std::string positive_labels{kDefaultPositiveLabels};
  std::string lexicon;
  std::string model;
  std::string lid_model;
  bool no_arenas = false;
  bool detect_language = false;
  bool json = false;
};

struct Rows {
  MetricsByLanguage lexicon;
  MetricsByLanguage classifier;
  MetricsByLanguage combined;
  std::size_t examples = 0;
};

Result<Rows> Evaluate(const Analyzer& analyzer, const std::vector<LabelledExample>& examples,
                      bool detect_language) {
  Rows rows;
  Analyzer::Scratch scratch;
  for (const LabelledExample& example : examples) {
    std::string_view hint = detect_language ? std::string_view() : example.lang;
    Result<Evidence> evidence = analyzer.Analyze(example.text, hint, scratch);
    if (!evidence.ok()) return evidence.status().WithContext("example " + example.id);
    const std::string& lang = example.lang.empty() ? evidence->lang : example.lang;
    // The lexicon's own decision, by the same rule the combined label uses:
    // acts flag, mentions of organisations do not.
    rows.lexicon.Add(lang, evidence->violation_score >= analyzer.options().risk.lexicon_flag_score,
                     example.positive);
    rows.classifier.Add(lang, evidence->classifier_positive, example.positive);
    rows.combined.Add(lang, evidence->flagged, example.positive);
    ++rows.examples;
  }
  return rows;
}

void PrintTable(const std::string& title, const Rows& rows) {
  std::printf("\n%s: %zu examples\n", title.c_str(), rows.examples);
  std::printf("%-8s %6s | %-22s | %-22s | %-22s\n", "lang", "n", "lexicon only", "classifier only",
              "combined");
  std::printf("%-8s %6s | %6s %6s %6s   | %6s %6s %6s   | %6s %6s %6s\n", "", "", "P", "R", "F1",
              "P", "R", "F1", "P", "R", "F1");
  auto line = [&](const std::string& lang, const Confusion& l, const Confusion& c,
                  const Confusion& b) {
    std::printf("%-8s %6lld | %6.3f %6.3f %6.3f   | %6.3f %6.3f %6.3f   | %6.3f %6.3f %6.3f\n",
                lang.c_str(), static_cast<long long>(b.total()), l.Precision(), l.Recall(), l.F1(),
                c.Precision(), c.Recall(), c.F1(), b.Precision(), b.Recall(), b.F1());
  };
  for (const auto& [lang, combined] : rows.combined.by_language()) {
    line(lang, rows.lexicon.For(lang), rows.classifier.For(lang), combined);
  }
  line("all", rows.lexicon.overall(), rows.classifier.overall(), rows.combined.overall());
  std::printf("confusion matrices (tp fp fn tn):\n");
  auto cm = [](const Confusion& c) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%lld %lld %lld %lld", static_cast<long long>(c.tp),
                  static_cast<long long>(c.fp), static_cast<long long>(c.fn),
                  static_cast<long long>(c.tn));
    return std::string(buf);
  };
  for (const auto& [lang, combined] : rows.combined.by_language()) {
    std::printf("%-8s lexicon [%s]  classifier [%s]  combined [%s]\n", lang.c_str(),
                cm(rows.lexicon.For(lang)).c_str(), cm(rows.classifier.For(lang)).c_str(),
                cm(combined).c_str());
  }
  std::printf("%-8s lexicon [%s]  classifier [%s]  combined [%s]\n", "all",
              cm(rows.lexicon.overall()).c_str(), cm(rows.classifier.overall()).c_str(),
              cm(rows.combined.overall()).c_str());
}

nlohmann::json ToJson(const std::string& title, const Rows& rows) {
  auto confusion = [](const Confusion& c) {
    return nlohmann::json{{"tp", c.tp},
                          {"fp", c.fp},
                          {"fn", c.fn},
                          {"tn", c.tn},
                          {"precision", c.Precision()},
                          {"recall", c.Recall()},
                          {"f1", c.F1()}};
  };
  nlohmann::json by_lang = nlohmann::json::object();
  for (const auto& [lang, combined] : rows.combined.by_language()) {
    by_lang[lang] = {{"lexicon", confusion(rows.lexicon.For(lang))},
                     {"classifier", confusion(rows.classifier.For(lang))},
                     {"combined", confusion(combined)}};
  }
  by_lang["all"] = {{"lexicon", confusion(rows.lexicon.overall())},
                    {"classifier", confusion(rows.classifier.overall())},
                    {"combined", confusion(rows.combined.overall())}};
  return {{"set", title}, {"examples", rows.examples}, {"by_language", by_lang}};
}

int RunEval(const EvalFlags& flags) {
  AnalyzerOptions options;
  options.lexicon_path = ResolveLexiconPath(flags.lexicon);
  Result<std::string> model = ResolveClassifierPath(flags.model);
  if (!model.ok()) return ReportError(model.status());
  if (model->empty()) {
    return ReportError(
        FailedPreconditionError("no classifier model at " + DefaultClassifierPath() +
                                "; train one with `moderato train` or pass --model"));
  }
  options.classifier_path = *model;
  if (flags.detect_language) options.lid_model_path = ResolveLidPath(flags.lid_model);
  Result<std::unique_ptr<Analyzer>> analyzer = Analyzer::Create(options);
  if (!analyzer.ok()) return ReportError(analyzer.status());

  std::string data_dir = flags.data_dir.empty() ? SharedDataDir() : flags.data_dir;
  std::vector<std::pair<std::string, std::vector<LabelledExample>>> sets;
  if (!flags.input.empty()) {
    LabelledFileOptions file_options;
    file_options.format = flags.format == "csv" ? LabelledFormat::kCsv : LabelledFormat::kJsonl;
    file_options.text_column = flags.text_column;
    file_options.label_column = flags.label_column;
    file_options.lang_column = flags.lang_column;
    file_options.positive_labels = ParseLabelList(flags.positive_labels);
    Result<LabelledData> data = LoadLabelledFile(flags.input, file_options);
    if (!data.ok()) return ReportError(data.status());
    sets.emplace_back(flags.input, std::move(data->examples));
  } else {
    // The model's own split options, so that "test" is the split it never saw.
    Result<std::vector<LabelledExample>> corpus =
        LoadDefaultCorpus(data_dir, (*analyzer)->classifier()->split_options());
    if (!corpus.ok()) return ReportError(corpus.status());
    std::vector<LabelledExample> chosen;
    for (LabelledExample& e : *corpus) {
      if (flags.split == "all" || SplitPartName(e.split) == flags.split) {
        chosen.push_back(std::move(e));
      }
    }
    sets.emplace_back("default corpus, " + flags.split + " split (MLMA en/fr/ar + Stormfront en)",
                      std::move(chosen));
    if (!flags.no_arenas) {
      Result<std::vector<LabelledExample>> arenas = LoadArenas(data_dir);
      if (!arenas.ok()) return ReportError(arenas.status());
      sets.emplace_back("ARENAS fr (evaluation only, never trained on)", std::move(arenas).value());
    }
  }

  nlohmann::json out = nlohmann::json::array();
  for (const auto& [title, examples] : sets) {
    Result<Rows> rows = Evaluate(**analyzer, examples, flags.detect_language);
    if (!rows.ok()) return ReportError(rows.status());
    if (flags.json) {
      out.push_back(ToJson(title, *rows));
    } else {
      PrintTable(title, *rows);
    }
  }
  if (flags.json) std::printf("%s\n", out.dump(2).c_str());
  return kExitOk;
}

}  // namespace

void RegisterEval(CLI::App& app, Action* action) {
  auto flags = std::make_shared<EvalFlags>();
  CLI::App* cmd = app.add_subcommand(
      "eval",
      "Per-language precision, recall, F1 and confusion matrices for three detectors side\n"
      "by side: lexicon only, classifier only, combined. Default: the held-out test split\n"
      "of the default corpus, then ARENAS (French, evaluation only).");
  cmd->add_option("--data-dir", flags->data_dir,
                  "Shared data folder (default: $MODERATO_DATA_DIR or ../shared/data)");
  cmd->add_option("--split", flags->split,
                  "Which part of the default corpus: test, dev, train, all")
      ->check(CLI::IsMember({"test", "dev", "train", "all"}))
      ->capture_default_str();
  cmd->add_option("--input", flags->input, "Evaluate on this labelled JSONL or CSV file instead");
  cmd->add_option("--format", flags->format, "jsonl or csv (with --input)")
      ->check(CLI::IsMember({"jsonl", "csv"}))
      ->capture_default_str();
  cmd->add_option("--text-column", flags->text_column, "Text field/column")->capture_default_str();
  cmd->add_option("--label-column", flags->label_column, "Label field/column")
      ->capture_default_str();
  cmd->add_option("--lang-column", flags->lang_column, "Language field/column (optional)");
  cmd->add_option("--positive-labels", flags->positive_labels, "Label values that mean positive")
      ->capture_default_str();
  cmd->add_option("--lexicon", flags->lexicon,
                  "Lexicon TSV (default: the shipped starter lexicon)");
  cmd->add_option("--model", flags->model, "Classifier model (default: the build's model)");
  cmd->add_option("--lid-model", flags->lid_model, "fastText lid.176.ftz (with --detect-language)");
  cmd->add_flag("--detect-language", flags->detect_language,
                "Identify the language instead of trusting the dataset's language");
  cmd->add_flag("--no-arenas", flags->no_arenas, "Skip the ARENAS evaluation set");
  cmd->add_flag("--json", flags->json, "Print JSON instead of tables");
  cmd->callback([flags, action] { *action = [flags] { return RunEval(*flags); }; });
}

}  // namespace moderato::cli
