// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// End-to-end scan throughput on ~200-byte posts built from the shared data
// (MLMA ar/fr/en tweets and Stormfront sentences), next to its baseline in
// the same run: fastText prediction alone with the same classifier model.
//
//   BM_FastTextPredictOnly   baseline: fasttext::FastText::predictLine on the raw posts
//   BM_AnalyzeOnePost        normalise + language id + lexicon + classifier + risk, one core
//   BM_ScanPipeline/threads  the whole scan (JSONL parse, analyse, JSONL output) through the
//                            ordered pipeline on 1 and 2 worker threads (real time)

#include <benchmark/benchmark.h>
#include <fasttext/fasttext.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "bench/shared_corpus.h"
#include "moderato/scan/analyzer.h"
#include "moderato/scan/input.h"
#include "moderato/scan/report.h"
#include "nlohmann/json.hpp"
#include "scan/ordered_pipeline.h"

namespace moderato {
namespace {

// Posts of about 200 bytes: sentences from the shared data joined until they
// reach 180 bytes, in a fixed interleaving of the languages.
const std::vector<std::string>& Posts() {
  static const std::vector<std::string> posts = [] {
    std::vector<std::vector<std::string>> sources = {
        bench::ReadSharedColumn("mlma/ar_dataset.csv", "tweet"),
        bench::ReadSharedColumn("mlma/fr_dataset.csv", "tweet"),
        bench::ReadSharedColumn("mlma/en_dataset_with_stop_words.csv", "tweet"),
        bench::ReadSharedColumn("stormfront/stormfront_sentences.csv", "text")};
    std::vector<std::string> out;
    std::size_t cursor[4] = {0, 0, 0, 0};
    for (int round = 0; out.size() < 8000; ++round) {
      std::vector<std::string>& src = sources[round % 4];
      if (src.empty()) {
        if (sources[0].empty() && sources[1].empty() && sources[2].empty() && sources[3].empty()) {
          break;
        }
        continue;
      }
      std::string post;
      while (post.size() < 180) {
        if (!post.empty()) post += ' ';
        post += src[cursor[round % 4]++ % src.size()];
      }
      out.push_back(std::move(post));
    }
    return out;
  }();
  return posts;
}

double AverageBytes() {
  double total = 0;
  for (const std::string& p : Posts()) total += static_cast<double>(p.size());
  return Posts().empty() ? 0 : total / static_cast<double>(Posts().size());
}

const Analyzer* SharedAnalyzer() {
  static const std::unique_ptr<Analyzer> analyzer = [] {
    AnalyzerOptions options;
    options.lexicon_path = std::string(MODERATO_SOURCE_ROOT) + "/data/lexicons/starter.tsv";
    if (std::filesystem::exists(MODERATO_DEFAULT_CLASSIFIER_MODEL)) {
      options.classifier_path = MODERATO_DEFAULT_CLASSIFIER_MODEL;
    }
    options.lid_model_path = MODERATO_DEFAULT_LID_MODEL;
    Result<std::unique_ptr<Analyzer>> created = Analyzer::Create(options);
    return created.ok() ? std::move(created).value() : nullptr;
  }();
  return analyzer.get();
}

void BM_FastTextPredictOnly(benchmark::State& state) {
  if (!std::filesystem::exists(MODERATO_DEFAULT_CLASSIFIER_MODEL)) {
    state.SkipWithError("no classifier model: build the `model` target first");
    return;
  }
  fasttext::FastText model;
  model.loadModel(MODERATO_DEFAULT_CLASSIFIER_MODEL);
  const auto& posts = Posts();
  std::vector<std::pair<fasttext::real, std::string>> predictions;
  std::size_t i = 0;
  for (auto _ : state) {
    std::istringstream in(posts[i++ % posts.size()] + "\n");
    model.predictLine(in, predictions, 1, 0.0);
    benchmark::DoNotOptimize(predictions);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * AverageBytes()));
}
BENCHMARK(BM_FastTextPredictOnly);

void BM_AnalyzeOnePost(benchmark::State& state) {
  const Analyzer* analyzer = SharedAnalyzer();
  if (analyzer == nullptr || Posts().empty()) {
    state.SkipWithError("could not create the analyzer or read the shared data");
    return;
  }
  const auto& posts = Posts();
  Analyzer::Scratch scratch;
  std::size_t i = 0;
  for (auto _ : state) {
    Result<Evidence> e = analyzer->Analyze(posts[i++ % posts.size()], "", scratch);
    benchmark::DoNotOptimize(e);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * AverageBytes()));
  state.counters["classifier"] = analyzer->classifier() != nullptr;
}
BENCHMARK(BM_AnalyzeOnePost);

struct Batch {
  std::vector<InputRecord> records;
  std::string output;
};

void BM_ScanPipeline(benchmark::State& state) {
  const Analyzer* analyzer = SharedAnalyzer();
  if (analyzer == nullptr || Posts().empty()) {
    state.SkipWithError("could not create the analyzer or read the shared data");
    return;
  }
  std::string jsonl;
  for (std::size_t i = 0; i < Posts().size(); ++i) {
    jsonl += nlohmann::json{{"id", i}, {"text", Posts()[i]}}.dump(
        -1, ' ', false, nlohmann::json::error_handler_t::replace);
    jsonl += '\n';
  }
  int threads = static_cast<int>(state.range(0));
  std::size_t items = 0;
  Analyzer::ScratchPool scratches;
  for (auto _ : state) {
    std::istringstream in(jsonl);
    auto reader = RecordReader::Create(in, {});
    std::size_t written = 0;
    internal::RunOrderedPipeline<Batch>(
        threads, static_cast<std::size_t>(threads) * 2 + 2,
        [&](Batch& b) {
          InputRecord r;
          while (b.records.size() < 256 && (*reader)->Next(&r)) b.records.push_back(std::move(r));
          return !b.records.empty();
        },
        [&](Batch& b) {
          std::unique_ptr<Analyzer::Scratch> scratch = scratches.Take();
          for (const InputRecord& r : b.records) {
            Result<Evidence> e = analyzer->Analyze(r.text, r.lang, *scratch);
            if (e.ok()) AppendEvidenceJson(r, *e, &b.output);
          }
          scratches.Give(std::move(scratch));
        },
        [&](Batch& b) {
          written += b.output.size();
          items += b.records.size();
        });
    benchmark::DoNotOptimize(written);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(items));
}
BENCHMARK(BM_ScanPipeline)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace moderato

BENCHMARK_MAIN();
