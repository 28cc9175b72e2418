// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Classifier prediction throughput on ~200-byte posts from the held-out test
// split. BM_ClassifierFastPath is what Classifier::Probability() costs;
// BM_FastTextPredictLine is fastText's own FastText::predictLine through a
// std::istringstream (the baseline and the oracle); BM_NormalizeAndClassify
// adds text normalisation, i.e. the end-to-end cost per post.
//
// Uses the model the build trained (MODERATO_DEFAULT_CLASSIFIER_MODEL); if it
// is missing, trains one into a temporary directory first (a few seconds).

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "moderato/classify/classifier.h"
#include "moderato/classify/dataset.h"
#include "moderato/classify/train.h"
#include "moderato/text/normalize.h"

namespace moderato {
namespace {

struct Fixture {
  std::unique_ptr<Normalizer> normalizer;
  std::unique_ptr<Classifier> classifier;
  std::vector<std::string> posts;  // original text, ~200 bytes each
  std::vector<NormalizedText> normalized;
  std::size_t bytes = 0;
};

[[noreturn]] void Die(const Status& status) {
  std::fprintf(stderr, "classify_bench: %s\n", status.ToString().c_str());
  std::exit(1);
}

const Fixture& GetFixture() {
  static const Fixture* fixture = [] {
    auto* f = new Fixture;  // NOLINT: intentionally leaked process-lifetime fixture
    Result<std::unique_ptr<Normalizer>> n = Normalizer::Create();
    if (!n.ok()) Die(n.status());
    f->normalizer = std::move(*n);
    Result<std::vector<LabelledExample>> corpus = LoadDefaultCorpus(MODERATO_SHARED_DATA_DIR);
    if (!corpus.ok()) Die(corpus.status());
    Result<std::unique_ptr<Classifier>> c = Classifier::Load(MODERATO_DEFAULT_CLASSIFIER_MODEL);
    if (!c.ok()) {
      const std::string path =
          (std::filesystem::temp_directory_path() / "moderato_classify_bench.bin").string();
      Result<TrainReport> r = TrainClassifier(*corpus, *f->normalizer, {}, path);
      if (!r.ok()) Die(r.status());
      c = Classifier::Load(path);
      if (!c.ok()) Die(c.status());
    }
    f->classifier = std::move(*c);
    // Join consecutive test sentences into posts of about 200 bytes.
    std::string post;
    for (const LabelledExample& ex : *corpus) {
      if (ex.split != SplitPart::kTest) continue;
      if (!post.empty()) post += ' ';
      post += ex.text;
      if (post.size() >= 180) {
        f->bytes += post.size();
        f->posts.push_back(std::move(post));
        post.clear();
      }
    }
    for (const std::string& p : f->posts) {
      Result<NormalizedText> t = f->normalizer->Normalize(p);
      if (!t.ok()) Die(t.status());
      f->normalized.push_back(std::move(*t));
    }
    return f;
  }();
  return *fixture;
}

void BM_ClassifierFastPath(benchmark::State& state) {
  const Fixture& f = GetFixture();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(f.classifier->Probability(f.normalized[i]));
    if (++i == f.normalized.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * f.bytes / f.posts.size()));
}
BENCHMARK(BM_ClassifierFastPath);

void BM_FastTextPredictLine(benchmark::State& state) {
  const Fixture& f = GetFixture();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        f.classifier->ReferenceRawScoreOfNormalized(f.normalized[i].normalized.text));
    if (++i == f.normalized.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * f.bytes / f.posts.size()));
}
BENCHMARK(BM_FastTextPredictLine);

void BM_NormalizeAndClassify(benchmark::State& state) {
  const Fixture& f = GetFixture();
  std::size_t i = 0;
  for (auto _ : state) {
    Result<NormalizedText> t = f.normalizer->Normalize(f.posts[i]);
    benchmark::DoNotOptimize(f.classifier->Probability(*t));
    if (++i == f.posts.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * f.bytes / f.posts.size()));
}
BENCHMARK(BM_NormalizeAndClassify);

}  // namespace
}  // namespace moderato

BENCHMARK_MAIN();
