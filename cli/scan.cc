// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// moderato scan: analyse posts from JSONL, CSV or plain-text files (or stdin)
// and write one JSONL evidence record per post, in input order, with the
// counter-narrative themes each post touches.

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cli/commands.h"
#include "cli/defaults.h"
#include "cli/progress.h"
#include "moderato/counter/themes.h"
#include "moderato/scan/analyzer.h"
#include "moderato/scan/input.h"
#include "moderato/scan/report.h"
#include "nlohmann/json.hpp"
#include "scan/ordered_pipeline.h"

namespace moderato::cli {
namespace {

struct ScanFlags {
  std::vector<std::string> inputs;
  std::string format;  // empty: from the file name
  std::string text_column = "text";
  std::string id_column = "id";
  std::string lang_column = "lang";
  std::string time_field;
  std::string lexicon;
  std::string model;
  std::string lid_model;
  bool no_lexicon = false;
  bool no_classifier = false;
  bool no_lid = false;
  int threads = 0;
  std::string output;
  std::string progress = "auto";
  std::size_t max_record_bytes = 1u << 20;
  double prevalence = 0;
  bool quiet = false;
};

struct Batch {
  std::vector<InputRecord> records;
  std::string output;
  ScanTotals totals;
};

constexpr std::size_t kBatchRecords = 256;
constexpr std::size_t kBatchBytes = 1u << 20;
// Themes weighing less are left out of the record (docs/scan.md).
constexpr double kMinThemeWeight = 0.1;
// Themes are inferred from at most this many leading bytes of a text.
constexpr std::size_t kThemeMessageBytes = 16 * 1024;

// Returns the `"themes":[...]` member for a record, or "" if inference
// failed. `normalized` is the record's text as the Analyzer normalised it,
// reused rather than normalised again. Theme inference costs
// O(bytes x keywords), so a long text is inferred on its first
// max_message_bytes bytes (cut at a UTF-8 boundary).
std::string ThemesField(const ThemeInferrer& inferrer, const InputRecord& record,
                        const NormalizedText& normalized, const Evidence& evidence) {
  std::string_view text = record.text;
  Result<InferredThemes> inferred = InferredThemes{};
  if (text.size() <= inferrer.options().max_message_bytes) {
    inferred =
        inferrer.InferNormalized(normalized, evidence.lang, ThemeSignalsFromEvidence(evidence));
  } else {
    std::size_t cut = inferrer.options().max_message_bytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    inferred =
        inferrer.Infer(text.substr(0, cut), evidence.lang, ThemeSignalsFromEvidence(evidence));
  }
  if (!inferred.ok()) return "";
  nlohmann::ordered_json themes = nlohmann::ordered_json::array();
  for (const ThemeScore& score : inferred->themes) {
    if (score.weight < kMinThemeWeight) continue;
    themes.push_back(
        {{"theme", score.theme}, {"weight", std::round(score.weight * 10000.0) / 10000.0}});
  }
  return "\"themes\":" +
         themes.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

Result<InputFormat> FormatFor(const ScanFlags& flags, const std::string& input) {
  if (!flags.format.empty()) return ParseInputFormat(flags.format);
  std::string ext = std::filesystem::path(input).extension().string();
  if (ext == ".csv") return InputFormat::kCsv;
  if (ext == ".txt") return InputFormat::kLines;
  return InputFormat::kJsonl;
}

int RunScan(const ScanFlags& flags) {
  AnalyzerOptions options;
  options.normalize.max_input_bytes = flags.max_record_bytes;
  options.risk.prevalence = flags.prevalence;
  if (!flags.no_lexicon) options.lexicon_path = ResolveLexiconPath(flags.lexicon);
  if (!flags.no_classifier) {
    Result<std::string> model = ResolveClassifierPath(flags.model);
    if (!model.ok()) return ReportError(model.status());
    options.classifier_path = *model;
    if (options.classifier_path.empty() && !flags.quiet) {
      std::fprintf(stderr,
                   "moderato: no classifier model at %s; scanning without the classifier "
                   "(build the `model` target, or pass --model)\n",
                   DefaultClassifierPath().c_str());
    }
  }
  if (!flags.no_lid) options.lid_model_path = ResolveLidPath(flags.lid_model);
  Result<std::unique_ptr<Analyzer>> created = Analyzer::Create(options);
  if (!created.ok()) return ReportError(created.status());
  const Analyzer& analyzer = **created;
  // One inferrer for the whole scan: it is immutable and thread-safe.
  Result<std::unique_ptr<ThemeInferrer>> inferrer_created = ThemeInferrer::Create(
      {.max_message_bytes = kThemeMessageBytes, .min_weight = kMinThemeWeight});
  if (!inferrer_created.ok()) return ReportError(inferrer_created.status());
  const ThemeInferrer& inferrer = **inferrer_created;

  std::FILE* out = stdout;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> out_file(nullptr, &std::fclose);
  if (!flags.output.empty() && flags.output != "-") {
    out_file.reset(std::fopen(flags.output.c_str(), "wb"));
    if (!out_file) return ReportError(NotFoundError("cannot write " + flags.output));
    out = out_file.get();
  }

  std::vector<std::string> inputs = flags.inputs;
  if (inputs.empty()) inputs.push_back("-");
  std::uint64_t total_bytes = 0;
  for (const std::string& input : inputs) {
    std::error_code ec;
    if (input != "-" && std::filesystem::is_regular_file(input, ec)) {
      total_bytes += std::filesystem::file_size(input, ec);
    }
  }
  bool show_progress = flags.progress == "always" || (flags.progress == "auto" && !flags.quiet &&
                                                      isatty(STDERR_FILENO) && total_bytes > 0);
  Progress progress(show_progress, total_bytes);

  int threads = flags.threads > 0
                    ? flags.threads
                    : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  ScanTotals totals;
  std::uint64_t bytes_before = 0;
  auto start = std::chrono::steady_clock::now();
  bool write_failed = false;
  Analyzer::ScratchPool scratches;
  // Written by the writer thread, read by the reader for the progress bar.
  std::atomic<std::uint64_t> written_items{0};

  for (const std::string& input : inputs) {
    Result<InputFormat> format = FormatFor(flags, input);
    if (!format.ok()) return ReportError(format.status());
    std::ifstream file;
    std::istream* in = &std::cin;
    if (input != "-") {
      file.open(input, std::ios::binary);
      if (!file) return ReportError(NotFoundError("cannot open " + input));
      in = &file;
    }
    InputOptions input_options{.format = *format,
                               .text_column = flags.text_column,
                               .id_column = flags.id_column,
                               .lang_column = flags.lang_column,
                               .time_field = flags.time_field,
                               .max_record_bytes = flags.max_record_bytes};
    Result<std::unique_ptr<RecordReader>> reader = RecordReader::Create(*in, input_options);
    if (!reader.ok()) return ReportError(reader.status().WithContext(input));

    internal::RunOrderedPipeline<Batch>(
        threads, static_cast<std::size_t>(threads) * 2 + 2,
        [&](Batch& batch) {
          std::size_t bytes = 0;
          InputRecord record;
          while (batch.records.size() < kBatchRecords && bytes < kBatchBytes &&
                 (*reader)->Next(&record)) {
            bytes += record.text.size();
            batch.records.push_back(std::move(record));
          }
          progress.Update(written_items.load(std::memory_order_relaxed),
                          bytes_before + (*reader)->bytes_read());
          return !batch.records.empty();
        },
        [&](Batch& batch) {
          std::unique_ptr<Analyzer::Scratch> scratch = scratches.Take();
          for (const InputRecord& record : batch.records) {
            if (!record.error.ok()) {
              AppendErrorJson(record, record.error, &batch.output);
              ++batch.totals.errors;
              continue;
            }
            Result<Evidence> evidence = analyzer.Analyze(record.text, record.lang, *scratch);
            if (!evidence.ok()) {
              AppendErrorJson(record, evidence.status(), &batch.output);
              ++batch.totals.errors;
              continue;
            }
            if (record.repaired_utf8) {
              evidence->flags |= static_cast<std::uint32_t>(ObfuscationFlag::kInvalidUtf8);
            }
            AppendEvidenceJson(record, *evidence, &batch.output,
                               ThemesField(inferrer, record, scratch->normalized, *evidence));
            batch.totals.Add(*evidence, record.text.size());
          }
          scratches.Give(std::move(scratch));
        },
        [&](Batch& batch) {
          if (std::fwrite(batch.output.data(), 1, batch.output.size(), out) !=
              batch.output.size()) {
            write_failed = true;
          }
          totals.Merge(batch.totals);
          written_items.fetch_add(batch.records.size(), std::memory_order_relaxed);
        });
    bytes_before += (*reader)->bytes_read();
  }
  progress.Update(totals.items + totals.errors, bytes_before, /*force=*/true);
  progress.Finish();
  if (std::fflush(out) != 0 || write_failed) {
    return ReportError(UnavailableError("writing the output failed"));
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!flags.quiet) std::fputs(totals.Summary(seconds).c_str(), stderr);
  return totals.errors > 0 ? kExitSomeRecordsBad : kExitOk;
}

}  // namespace

void RegisterScan(CLI::App& app, Action* action) {
  auto flags = std::make_shared<ScanFlags>();
  CLI::App* cmd = app.add_subcommand(
      "scan",
      "Analyse posts and write one JSONL evidence record per post, in input order.\n"
      "Input: JSONL ({\"id\", \"text\", \"lang\"?, \"time\"?}), CSV with a header,\n"
      "or plain lines; files or stdin ('-'). A summary goes to stderr. Exit codes:\n"
      "0 all records read, 1 some records were malformed (each has an error record),\n"
      "2 usage error, 3 input not found, 4 invalid lexicon or model, 5 a budget was exceeded.");
  cmd->add_option("inputs", flags->inputs, "Input files ('-' or none: stdin)");
  cmd->add_option("--format", flags->format,
                  "jsonl, csv or lines (default: from the extension; stdin: jsonl)")
      ->check(CLI::IsMember({"jsonl", "csv", "lines"}));
  cmd->add_option("--text-column", flags->text_column, "CSV column holding the text")
      ->capture_default_str();
  cmd->add_option("--id-column", flags->id_column, "CSV column holding the id")
      ->capture_default_str();
  cmd->add_option("--lang-column", flags->lang_column, "CSV column holding a language hint")
      ->capture_default_str();
  cmd->add_option("--time-field", flags->time_field,
                  "JSONL field or CSV column holding the post's time (default: the first\n"
                  "present of time, created_at, timestamp, date)");
  cmd->add_option("--lexicon", flags->lexicon,
                  "Lexicon TSV (default: $MODERATO_LEXICON or the shipped starter lexicon)");
  cmd->add_flag("--no-lexicon", flags->no_lexicon, "Do not use a lexicon");
  cmd->add_option("--model", flags->model,
                  "Classifier model (default: $MODERATO_MODEL or the model the build trained)");
  cmd->add_flag("--no-classifier", flags->no_classifier, "Do not use the classifier");
  cmd->add_option("--lid-model", flags->lid_model,
                  "fastText lid.176.ftz (default: $MODERATO_LID_MODEL or the set-up's copy)");
  cmd->add_flag("--no-lid", flags->no_lid,
                "Skip fastText language identification (Arabizi detection still runs)");
  cmd->add_option("--threads", flags->threads, "Worker threads (default: all cores)")
      ->check(CLI::Range(0, 256));
  cmd->add_option("-o,--output", flags->output, "Write records here instead of stdout");
  cmd->add_option("--progress", flags->progress,
                  "Progress bar on stderr: auto (only on a terminal), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  cmd->add_option("--max-record-bytes", flags->max_record_bytes,
                  "Records larger than this become error records")
      ->check(CLI::Range(std::size_t{16}, std::size_t{64} << 20))
      ->capture_default_str();
  cmd->add_option("--prevalence", flags->prevalence,
                  "Expected share of violating posts here, e.g. 0.01: moves classifier\n"
                  "probabilities to that prior and flags at 0.5 (default: as calibrated)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_flag("-q,--quiet", flags->quiet, "No summary on stderr");
  cmd->callback([flags, action] { *action = [flags] { return RunScan(*flags); }; });
}

}  // namespace moderato::cli
