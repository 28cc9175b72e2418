// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// PDQ throughput (images/s on one core) on the seven 1600×1004 bridge-mods
// JPEGs from ../shared/data/pdq-vectors:
//   BM_PdqExact        DecodeImage (full size) + PDQ core  (PdqFromBytes, kExact)
//   BM_PdqFast         DecodeImage (DCT-scaled 1/2) + PDQ   (PdqFromBytes, kFast)
//   BM_PdqCli512       full decode + 512×512 pre-resize + PDQ (reference CLI pipeline)
//   BM_PdqDihedral     full decode + all 8 dihedral hashes
//   BM_DecodeExact     baseline: full-size JPEG decode only
//   BM_DecodeScaled    baseline: 1/2-scaled JPEG decode only
//   BM_PdqHashOnly     baseline: PDQ on already decoded 1600×1004 pixels
// Run: build/release/hash_bench --benchmark_min_time=0.5

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "moderato/hash/image.h"
#include "moderato/hash/pdq.h"

namespace {

const std::vector<std::vector<uint8_t>>& BridgeJpegs() {
  static const std::vector<std::vector<uint8_t>> files = [] {
    std::vector<std::vector<uint8_t>> out;
    for (const char* name : {"aaa-orig", "blur-a-little", "blur-a-lot", "high-contrast",
                             "high-saturation", "sharpen-a-little", "sharpen-a-lot"}) {
      const std::string path = std::string(MODERATO_SHARED_DATA_DIR) +
                               "/pdq-vectors/images/bridge-mods/" + name + ".jpg";
      std::ifstream in(path, std::ios::binary);
      std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
      if (bytes.empty()) {
        std::fprintf(stderr, "hash_bench: cannot read %s\n", path.c_str());
        std::exit(1);
      }
      out.push_back(std::move(bytes));
    }
    return out;
  }();
  return files;
}

template <typename Fn>
void RunOverImages(benchmark::State& state, Fn fn) {
  const auto& files = BridgeJpegs();
  size_t i = 0;
  for (auto _ : state) {
    fn(files[i]);
    i = (i + 1) % files.size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

void Check(bool ok, benchmark::State& state) {
  if (!ok) state.SkipWithError("hashing failed");
}

void BM_PdqExact(benchmark::State& state) {
  RunOverImages(state, [&](const std::vector<uint8_t>& bytes) {
    auto result = moderato::PdqFromBytes(bytes);
    Check(result.ok(), state);
    benchmark::DoNotOptimize(result);
  });
}
BENCHMARK(BM_PdqExact)->Unit(benchmark::kMillisecond);

void BM_PdqFast(benchmark::State& state) {
  RunOverImages(state, [&](const std::vector<uint8_t>& bytes) {
    auto result = moderato::PdqFromBytes(bytes, {}, {.mode = moderato::HashMode::kFast});
    Check(result.ok(), state);
    benchmark::DoNotOptimize(result);
  });
}
BENCHMARK(BM_PdqFast)->Unit(benchmark::kMillisecond);

void BM_PdqCli512(benchmark::State& state) {
  RunOverImages(state, [&](const std::vector<uint8_t>& bytes) {
    auto result = moderato::PdqFromBytes(bytes, {}, {.preresize_512 = true});
    Check(result.ok(), state);
    benchmark::DoNotOptimize(result);
  });
}
BENCHMARK(BM_PdqCli512)->Unit(benchmark::kMillisecond);

void BM_PdqDihedral(benchmark::State& state) {
  RunOverImages(state, [&](const std::vector<uint8_t>& bytes) {
    auto result = moderato::PdqDihedralFromBytes(bytes);
    Check(result.ok(), state);
    benchmark::DoNotOptimize(result);
  });
}
BENCHMARK(BM_PdqDihedral)->Unit(benchmark::kMillisecond);

void BM_DecodeExact(benchmark::State& state) {
  RunOverImages(state, [&](const std::vector<uint8_t>& bytes) {
    auto image = moderato::DecodeImage(bytes);
    Check(image.ok(), state);
    benchmark::DoNotOptimize(image);
  });
}
BENCHMARK(BM_DecodeExact)->Unit(benchmark::kMillisecond);

void BM_DecodeScaled(benchmark::State& state) {
  RunOverImages(state, [&](const std::vector<uint8_t>& bytes) {
    auto image = moderato::DecodeImage(bytes, {.jpeg_scale_denom = 2});
    Check(image.ok(), state);
    benchmark::DoNotOptimize(image);
  });
}
BENCHMARK(BM_DecodeScaled)->Unit(benchmark::kMillisecond);

void BM_DecodeScaledLuma(benchmark::State& state) {
  RunOverImages(state, [&](const std::vector<uint8_t>& bytes) {
    auto image = moderato::DecodeImage(bytes, {.jpeg_scale_denom = 2, .jpeg_luma_only = true});
    Check(image.ok(), state);
    benchmark::DoNotOptimize(image);
  });
}
BENCHMARK(BM_DecodeScaledLuma)->Unit(benchmark::kMillisecond);

void BM_DecodeLuma(benchmark::State& state) {
  RunOverImages(state, [&](const std::vector<uint8_t>& bytes) {
    auto image = moderato::DecodeImage(bytes, {.jpeg_luma_only = true});
    Check(image.ok(), state);
    benchmark::DoNotOptimize(image);
  });
}
BENCHMARK(BM_DecodeLuma)->Unit(benchmark::kMillisecond);

void BM_PdqHashOnly(benchmark::State& state) {
  std::vector<moderato::Image> images;
  for (const auto& bytes : BridgeJpegs()) images.push_back(*moderato::DecodeImage(bytes));
  size_t i = 0;
  for (auto _ : state) {
    auto result = moderato::PdqFromImage(images[i]);
    Check(result.ok(), state);
    benchmark::DoNotOptimize(result);
    i = (i + 1) % images.size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_PdqHashOnly)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
