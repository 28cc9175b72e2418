// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Throughput of the hash module's non-image signals:
//   BM_TextSignature          ComputeTextSignature on ~64 KiB of Stormfront sentences
//   BM_NormalizeBaseline      Normalizer::Normalize alone on the same text
//   BM_TextSimilarity         one signature comparison (128 bins)
//   BM_TextSignatureBands     the 64 LSH band keys of one signature
//   BM_CanonicalizeUrl        a URL with IDNA host, dot segments and trackers
//   BM_DigestBytes            MD5 + SHA-256 of 1 MiB
// Run: build/release/signals_bench --benchmark_min_time=1

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "bench/shared_corpus.h"
#include "moderato/hash/digest.h"
#include "moderato/hash/text_signature.h"
#include "moderato/hash/url.h"
#include "moderato/text/normalize.h"

namespace {

const std::string& SampleText() {
  static const std::string text = [] {
    std::string out;
    for (const std::string& s :
         moderato::bench::ReadSharedColumn("stormfront/stormfront_sentences.csv", "text")) {
      if (out.size() > (64u << 10)) break;
      out += s;
      out += ' ';
    }
    if (out.empty()) out = std::string(64u << 10, 'a');
    return out;
  }();
  return text;
}

void BM_TextSignature(benchmark::State& state) {
  const std::string& text = SampleText();
  for (auto _ : state) {
    benchmark::DoNotOptimize(moderato::ComputeTextSignature(text));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_TextSignature);

// Baseline: the normalisation inside ComputeTextSignature.
void BM_NormalizeBaseline(benchmark::State& state) {
  auto normalizer = moderato::Normalizer::Create().value();
  const std::string& text = SampleText();
  for (auto _ : state) benchmark::DoNotOptimize(normalizer->Normalize(text));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_NormalizeBaseline);

void BM_TextSimilarity(benchmark::State& state) {
  const moderato::TextSignature a = moderato::ComputeTextSignature(SampleText()).value();
  const moderato::TextSignature b =
      moderato::ComputeTextSignature(SampleText().substr(SampleText().size() / 3)).value();
  for (auto _ : state) benchmark::DoNotOptimize(moderato::TextSimilarity(a, b));
}
BENCHMARK(BM_TextSimilarity);

void BM_TextSignatureBands(benchmark::State& state) {
  const moderato::TextSignature a = moderato::ComputeTextSignature(SampleText()).value();
  for (auto _ : state) benchmark::DoNotOptimize(moderato::TextSignatureBands(a));
}
BENCHMARK(BM_TextSignatureBands);

void BM_CanonicalizeUrl(benchmark::State& state) {
  const std::string url =
      "HTTP://www.Bücher.example.COM:80/a/./b/../c/%7euser/?utm_source=x&b=2&a=1&fbclid=z#top";
  for (auto _ : state) benchmark::DoNotOptimize(moderato::CanonicalizeUrl(url));
}
BENCHMARK(BM_CanonicalizeUrl);

void BM_DigestBytes(benchmark::State& state) {
  const std::string bytes(1u << 20, 'x');
  for (auto _ : state) benchmark::DoNotOptimize(moderato::DigestBytes(bytes));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(BM_DigestBytes);

}  // namespace

BENCHMARK_MAIN();
