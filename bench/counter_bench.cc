// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Counter-narrative retrieval against a synthetic 10,000-item library made
// from the starter items (words shuffled, sentences mixed between items of
// the same language), queried with the real evaluation messages
// (data/counter/eval.jsonl), one query per iteration, cycling.
//   BM_Suggest/full       the full system (BM25 words + chars, themes, MMR), k = 5
//   BM_Suggest/bm25_only  baseline: word BM25 + language only, same retriever
//   BM_Build              building the 10,000-item retriever
// Each Suggest benchmark also reports the median and p99 latency per query
// (counters median_us, p99_us), measured over one pass of all messages.
// Run: build/h-cret/counter_bench --benchmark_min_time=0.01

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "counter/testing_items.h"
#include "moderato/counter/eval.h"
#include "moderato/counter/retrieval.h"

namespace {

constexpr std::size_t kLibrarySize = 10000;

std::vector<std::string> SplitWords(const std::string& s) {
  std::vector<std::string> words;
  std::string current;
  for (char c : s) {
    if (c == ' ') {
      if (!current.empty()) words.push_back(std::move(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) words.push_back(std::move(current));
  return words;
}

std::string Join(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

struct Fixture {
  std::vector<moderato::CounterItem> library;
  std::vector<std::string> messages;
  std::vector<std::string> languages;
  std::unique_ptr<moderato::CounterRetriever> retriever;
};

[[noreturn]] void Die(const moderato::Status& status) {
  std::fprintf(stderr, "counter_bench: %s\n", status.ToString().c_str());
  std::exit(1);
}

std::vector<moderato::CounterItem> SyntheticLibrary(std::size_t size) {
  auto starter = moderato::testing_items::LoadItems(
      moderato::testing_items::SourcePath("data/counter/starter.jsonl"));
  if (!starter.ok()) Die(starter.status());
  std::vector<moderato::CounterItem> base;
  for (const moderato::CounterItem& item : *starter) {
    if (item.status == "approved") base.push_back(item);
  }
  std::mt19937_64 rng(20260101);
  std::vector<moderato::CounterItem> library;
  library.reserve(size);
  for (std::size_t i = 0; i < size; ++i) {
    moderato::CounterItem item = base[i % base.size()];
    const moderato::CounterItem& other = base[rng() % base.size()];
    std::vector<std::string> words = SplitWords(item.body);
    std::shuffle(words.begin(), words.end(), rng);
    if (other.language == item.language) {
      std::vector<std::string> mixed = SplitWords(other.body);
      const std::size_t take = std::min<std::size_t>(mixed.size(), 15);
      const std::size_t from = mixed.size() > take ? rng() % (mixed.size() - take) : 0;
      words.insert(words.end(), mixed.begin() + static_cast<std::ptrdiff_t>(from),
                   mixed.begin() + static_cast<std::ptrdiff_t>(from + take));
    }
    item.body = Join(words);
    char id[32];
    std::snprintf(id, sizeof(id), "syn-%05zu", i);
    item.id = id;
    library.push_back(std::move(item));
  }
  return library;
}

Fixture& TheFixture() {
  static Fixture* fixture = [] {
    auto* f = new Fixture;
    f->library = SyntheticLibrary(kLibrarySize);
    auto bytes = moderato::testing_items::ReadWholeFile(
        moderato::testing_items::SourcePath("data/counter/eval.jsonl"));
    if (!bytes.ok()) Die(bytes.status());
    auto cases = moderato::ParseEvalCases(*bytes);
    if (!cases.ok()) Die(cases.status());
    for (const moderato::EvalCase& c : *cases) {
      f->messages.push_back(c.message);
      f->languages.push_back(c.language);
    }
    auto built = moderato::CounterRetriever::Build(f->library, {});
    if (!built.ok()) Die(built.status());
    f->retriever = std::move(built).value();
    return f;
  }();
  return *fixture;
}

void BM_Suggest(benchmark::State& state, bool bm25_only) {
  Fixture& f = TheFixture();
  moderato::SuggestQuery q;
  q.k = 5;
  q.bm25_only = bm25_only;
  // A warm-up pass, then one timed pass over all messages for the median and
  // the tail.
  std::vector<double> micros;
  for (std::size_t i = 0; i < 2 * f.messages.size(); ++i) {
    if (i == f.messages.size()) micros.clear();
    q.language = f.languages[i % f.messages.size()];
    const auto start = std::chrono::steady_clock::now();
    auto s = f.retriever->Suggest(f.messages[i % f.messages.size()], q);
    const auto end = std::chrono::steady_clock::now();
    if (!s.ok()) Die(s.status());
    micros.push_back(std::chrono::duration<double, std::micro>(end - start).count());
  }
  std::sort(micros.begin(), micros.end());
  std::size_t i = 0;
  std::size_t results = 0;
  for (auto _ : state) {
    q.language = f.languages[i];
    auto s = f.retriever->Suggest(f.messages[i], q);
    if (!s.ok()) Die(s.status());
    results += s->size();
    benchmark::DoNotOptimize(s);
    i = (i + 1) % f.messages.size();
  }
  state.counters["median_us"] = micros[micros.size() / 2];
  state.counters["p99_us"] = micros[micros.size() * 99 / 100];
  state.counters["items"] = static_cast<double>(f.retriever->size());
  state.counters["results_per_query"] =
      static_cast<double>(results) /
      static_cast<double>(std::max<std::int64_t>(1, state.iterations()));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_Suggest, full, false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Suggest, bm25_only, true)->Unit(benchmark::kMicrosecond);

void BM_Build(benchmark::State& state) {
  Fixture& f = TheFixture();
  for (auto _ : state) {
    auto built = moderato::CounterRetriever::Build(f.library, {});
    if (!built.ok()) Die(built.status());
    benchmark::DoNotOptimize(built);
  }
  state.counters["items"] = static_cast<double>(f.library.size());
}
BENCHMARK(BM_Build)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
