// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Throughput of the text module on real posts from ../shared/data: MLMA
// tweets (ar, fr, en) and Stormfront sentences (en).
//   BM_Normalize/<corpus>     Normalizer::Normalize (both views + offsets)
//   BM_IcuNfkcCf/<corpus>     baseline: ICU nfkc_cf alone, UTF-8 in and out
//   BM_Memcpy/<corpus>        baseline: copying the bytes
//   BM_LanguageIdentify/<corpus>  Normalize + LanguageIdentifier::Identify (posts/s)
// Run: build/text/text_bench --benchmark_min_time=1

#include <benchmark/benchmark.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench/shared_corpus.h"
#include "moderato/core/csv.h"
#include "moderato/text/langid.h"
#include "moderato/text/normalize.h"

namespace {

struct Corpus {
  std::vector<std::string> posts;
  std::size_t bytes = 0;
};

void ReadColumn(const std::string& relative, const std::string& column, Corpus* corpus) {
  for (std::string& text : moderato::bench::ReadSharedColumn(relative, column)) {
    corpus->bytes += text.size();
    corpus->posts.push_back(std::move(text));
  }
}

const Corpus& GetCorpus(const std::string& name) {
  static std::map<std::string, Corpus> corpora = [] {
    std::map<std::string, Corpus> c;
    ReadColumn("mlma/ar_dataset.csv", "tweet", &c["mlma_ar"]);
    ReadColumn("mlma/fr_dataset.csv", "tweet", &c["mlma_fr"]);
    ReadColumn("mlma/en_dataset.csv", "tweet", &c["mlma_en"]);
    ReadColumn("stormfront/stormfront_sentences.csv", "text", &c["stormfront"]);
    Corpus& all = c["all"];
    for (const char* part : {"mlma_ar", "mlma_fr", "mlma_en", "stormfront"}) {
      for (const std::string& p : c[part].posts) all.posts.push_back(p);
      all.bytes += c[part].bytes;
    }
    return c;
  }();
  return corpora[name];
}

const moderato::Normalizer& SharedNormalizer() {
  static std::unique_ptr<moderato::Normalizer> n = [] {
    auto created = moderato::Normalizer::Create();
    if (!created.ok()) std::abort();
    return std::move(created).value();
  }();
  return *n;
}

void BM_Normalize(benchmark::State& state, const char* name) {
  const Corpus& corpus = GetCorpus(name);
  const moderato::Normalizer& n = SharedNormalizer();
  for (auto _ : state) {
    for (const std::string& post : corpus.posts) {
      auto t = n.Normalize(post);
      benchmark::DoNotOptimize(t);
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * corpus.bytes));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * corpus.posts.size()));
}

void BM_IcuNfkcCf(benchmark::State& state, const char* name) {
  const Corpus& corpus = GetCorpus(name);
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(status);
  std::string out;
  for (auto _ : state) {
    for (const std::string& post : corpus.posts) {
      icu::UnicodeString s = icu::UnicodeString::fromUTF8(post);
      icu::UnicodeString normalized = nfkc_cf->normalize(s, status);
      out.clear();
      normalized.toUTF8String(out);
      benchmark::DoNotOptimize(out);
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * corpus.bytes));
}

void BM_Memcpy(benchmark::State& state, const char* name) {
  const Corpus& corpus = GetCorpus(name);
  std::string out;
  for (auto _ : state) {
    for (const std::string& post : corpus.posts) {
      out.assign(post);
      benchmark::DoNotOptimize(out);
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * corpus.bytes));
}

void BM_LanguageIdentify(benchmark::State& state, const char* name) {
  const Corpus& corpus = GetCorpus(name);
  auto lid = moderato::LanguageIdentifier::Load("");
  if (!lid.ok()) {
    state.SkipWithError(lid.status().ToString().c_str());
    return;
  }
  const moderato::Normalizer& n = SharedNormalizer();
  std::vector<moderato::NormalizedText> normalized;
  for (std::size_t k = 0; k < corpus.posts.size() && k < 5000; ++k) {
    normalized.push_back(*n.Normalize(corpus.posts[k]));
  }
  for (auto _ : state) {
    for (const moderato::NormalizedText& t : normalized) {
      moderato::LanguageGuess g = (*lid)->Identify(t);
      benchmark::DoNotOptimize(g);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * normalized.size()));
}

}  // namespace

#define MODERATO_TEXT_BENCH(fn)                                             \
  BENCHMARK_CAPTURE(fn, all, "all")->Unit(benchmark::kMillisecond);         \
  BENCHMARK_CAPTURE(fn, mlma_ar, "mlma_ar")->Unit(benchmark::kMillisecond); \
  BENCHMARK_CAPTURE(fn, mlma_fr, "mlma_fr")->Unit(benchmark::kMillisecond); \
  BENCHMARK_CAPTURE(fn, mlma_en, "mlma_en")->Unit(benchmark::kMillisecond); \
  BENCHMARK_CAPTURE(fn, stormfront, "stormfront")->Unit(benchmark::kMillisecond)

MODERATO_TEXT_BENCH(BM_Normalize);
MODERATO_TEXT_BENCH(BM_IcuNfkcCf);
MODERATO_TEXT_BENCH(BM_Memcpy);
BENCHMARK_CAPTURE(BM_LanguageIdentify, mlma_ar, "mlma_ar")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_LanguageIdentify, mlma_fr, "mlma_fr")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_LanguageIdentify, mlma_en, "mlma_en")->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
