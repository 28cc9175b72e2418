// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// match_bench: the Hamming index against its flat oracle and against faiss.
//
// A custom main rather than Google Benchmark fixtures: every measurement
// shares one large data set, recall has to be verified across methods, and
// the report needs ratios. Google Benchmark's flags are accepted; a
// --benchmark_min_time below 0.1 selects the smoke mode CI runs.
//
//   match_bench                      1M hashes (about 20 s)
//   MODERATO_BENCH_10M=1 match_bench 10M hashes (a few minutes, ~5 GB RAM)
//   match_bench --size=N --queries=Q --radius=R --no-faiss --crossover
//
// Data: uniformly random hashes; 10% of the queries get 1..5 planted items at
// distances 0..40 (so some sit just outside radius 31). Everything runs on
// one thread (faiss's OpenMP is pinned to one thread). Exits non-zero if any
// method misses or invents a result (recall and precision must be 100%).

#include <faiss/IndexBinaryFlat.h>
#include <faiss/IndexBinaryHash.h>
#include <faiss/impl/AuxIndexStructures.h>
#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "moderato/match/hamming.h"

namespace moderato {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::size_t RssBytes() {
  std::ifstream in("/proc/self/statm");
  std::size_t pages = 0;
  std::size_t resident = 0;
  in >> pages >> resident;
  return resident * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

struct Config {
  std::size_t size = 1'000'000;
  std::size_t queries = 2000;
  int radius = 31;
  double budget = 1.0;  // seconds per throughput measurement
  bool faiss = true;
  bool crossover = false;
  bool smoke = false;
};

Config ParseArgs(int argc, char** argv) {
  Config c;
  if (const char* big = std::getenv("MODERATO_BENCH_10M"); big != nullptr && big[0] == '1') {
    c.size = 10'000'000;
    c.crossover = true;
  }
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](const char* key) -> const char* {
      const std::size_t n = std::strlen(key);
      return a.compare(0, n, key) == 0 ? a.c_str() + n : nullptr;
    };
    if (const char* v = value("--size=")) c.size = std::strtoull(v, nullptr, 10);
    if (const char* v = value("--queries=")) c.queries = std::strtoull(v, nullptr, 10);
    if (const char* v = value("--radius=")) c.radius = std::atoi(v);
    if (const char* v = value("--budget=")) c.budget = std::atof(v);
    if (const char* v = value("--benchmark_min_time=")) c.smoke = std::atof(v) < 0.1;
    if (a == "--no-faiss") c.faiss = false;
    if (a == "--crossover") c.crossover = true;
  }
  if (c.smoke) {
    c.queries = std::min<std::size_t>(c.queries, 200);
    c.budget = 0.05;
    c.crossover = false;
  }
  return c;
}

Hash256 RandomHash(std::mt19937_64& rng) { return Hash256{{rng(), rng(), rng(), rng()}}; }

Hash256 FlipBits(Hash256 h, int n, std::mt19937_64& rng) {
  std::set<int> bits;
  while (static_cast<int>(bits.size()) < n) bits.insert(static_cast<int>(rng() % 256));
  for (int b : bits) h.words[b >> 6] ^= std::uint64_t{1} << (b & 63);
  return h;
}

// The dihedral batch stand-in: seven unrelated hashes after the query.
std::vector<Hash256> Batch8(const Hash256& q, std::mt19937_64& rng) {
  std::vector<Hash256> b = {q};
  for (int i = 0; i < 7; ++i) b.push_back(RandomHash(rng));
  return b;
}

// Runs fn(i) for i = 0, 1, ... until `count` calls or `budget` seconds;
// returns calls per second and the number of calls made.
std::pair<double, std::size_t> Throughput(std::size_t count, double budget,
                                          const std::function<void(std::size_t)>& fn) {
  const Clock::time_point start = Clock::now();
  std::size_t done = 0;
  while (done < count) {
    fn(done++);
    if ((done & 3) == 0 && Seconds(start) > budget) break;
  }
  return {done / Seconds(start), done};
}

int failures = 0;

void Check(bool ok, const std::string& what) {
  if (!ok) {
    std::fprintf(stderr, "FAIL: %s\n", what.c_str());
    ++failures;
  }
}

std::vector<std::uint64_t> SortedIds(const std::vector<HammingMatch>& m) {
  std::vector<std::uint64_t> ids;
  for (const HammingMatch& x : m) ids.push_back(x.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

int Main(int argc, char** argv) {
  const Config cfg = ParseArgs(argc, argv);
  omp_set_num_threads(1);
  std::printf("match_bench: %zu hashes, %zu queries, radius %d, simd %s%s\n", cfg.size, cfg.queries,
              cfg.radius, std::string(SimdLevelName(DetectSimdLevel())).c_str(),
              cfg.smoke ? " (smoke)" : "");

  // ---- data
  std::mt19937_64 rng(20260601);
  std::vector<Hash256> hashes(cfg.size);
  for (Hash256& h : hashes) h = RandomHash(rng);
  std::vector<Hash256> queries(cfg.queries);
  std::size_t planted = 0;
  for (Hash256& q : queries) {
    q = RandomHash(rng);
    if (rng() % 10 == 0) {
      const int items = 1 + static_cast<int>(rng() % 5);
      for (int k = 0; k < items; ++k) {
        hashes[rng() % hashes.size()] = FlipBits(q, static_cast<int>(rng() % 41), rng);
        ++planted;
      }
    }
  }
  // Ids are row + 1, so flat rows and index ids compare directly.
  std::vector<std::uint64_t> ids(cfg.size);
  for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = i + 1;
  std::printf("planted %zu near-duplicates\n\n", planted);

  // ---- build
  const std::size_t rss0 = RssBytes();
  Clock::time_point t = Clock::now();
  Result<std::unique_ptr<HammingIndex>> built = HammingIndex::Build(ids, hashes);
  const double build_s = Seconds(t);
  if (!built.ok()) {
    std::fprintf(stderr, "build failed: %s\n", built.status().ToString().c_str());
    return 1;
  }
  std::unique_ptr<HammingIndex> index = std::move(built).value();
  const std::size_t rss_build = RssBytes() - rss0;
  std::shared_ptr<const HammingSnapshot> snap = index->snapshot();
  std::printf("%-44s %10.3f s\n", "ours: build", build_s);
  std::string widths;
  for (int w : snap->substring_widths()) widths += std::to_string(w) + " ";
  std::printf("%-44s %s\n", "ours: substring widths", widths.c_str());
  std::printf("%-44s %10.1f B/hash (RSS delta %.1f B/hash)\n", "ours: MemoryBytes",
              static_cast<double>(index->MemoryBytes()) / cfg.size,
              static_cast<double>(rss_build) / cfg.size);

  // ---- oracle: the best flat level over as many queries as the budget allows
  const SimdLevel best = DetectSimdLevel();
  std::vector<std::vector<std::uint64_t>> truth;
  std::vector<HammingMatch> out;
  auto [flat_qps, oracle_n] =
      Throughput(cfg.queries, std::max(cfg.budget * 3, 0.2), [&](std::size_t i) {
        FlatSearch(hashes, std::span(&queries[i], 1), cfg.radius, &out, best);
        std::vector<std::uint64_t> want;
        for (const HammingMatch& m : out) want.push_back(m.id + 1);
        truth.push_back(std::move(want));
      });
  std::size_t truth_results = 0;
  for (const auto& v : truth) truth_results += v.size();
  std::printf("%-44s %10.1f lookups/s  (%zu queries, %zu results = oracle)\n",
              ("flat " + std::string(SimdLevelName(best)) + ": single hash").c_str(), flat_qps,
              oracle_n, truth_results);
  double flat_qps_by_level[3] = {0, 0, flat_qps};
  for (SimdLevel level : {SimdLevel::kAvx2, SimdLevel::kPortable}) {
    if (!SimdLevelSupported(level) || level == best) continue;
    auto [qps, n] = Throughput(oracle_n, cfg.budget, [&](std::size_t i) {
      FlatSearch(hashes, std::span(&queries[i], 1), cfg.radius, &out, level);
      Check(SortedIds(out).size() == truth[i].size(), "flat level result count");
    });
    flat_qps_by_level[static_cast<int>(level)] = qps;
    std::printf("%-44s %10.1f lookups/s  (%zu queries)\n",
                ("flat " + std::string(SimdLevelName(level)) + ": single hash").c_str(), qps, n);
  }
  {
    std::mt19937_64 brng(7);
    auto [qps, n] = Throughput(oracle_n, cfg.budget, [&](std::size_t i) {
      const std::vector<Hash256> b = Batch8(queries[i], brng);
      FlatSearch(hashes, b, cfg.radius, &out, best);
    });
    std::printf("%-44s %10.1f batches/s  (%zu batches)\n",
                ("flat " + std::string(SimdLevelName(best)) + ": 8-variant batch").c_str(), qps, n);
  }

  // ---- MIH: all queries; verified against the oracle where it ran
  std::vector<HammingMatch> got;
  std::size_t mih_results = 0;
  auto [mih_qps, mih_n] = Throughput(cfg.queries, 1e9, [&](std::size_t i) {
    snap->Search(std::span(&queries[i], 1), cfg.radius, &got, SearchStrategy::kMultiIndex);
    mih_results += got.size();
    if (i < truth.size()) Check(SortedIds(got) == truth[i], "MIH result differs from flat");
  });
  std::printf("%-44s %10.1f lookups/s  (%zu queries, %zu results)\n", "ours MIH: single hash",
              mih_qps, mih_n, mih_results);
  auto [auto_qps, auto_n] = Throughput(cfg.queries, cfg.budget * 2, [&](std::size_t i) {
    snap->Search(std::span(&queries[i], 1), cfg.radius, &got);
    if (i < truth.size()) Check(SortedIds(got) == truth[i], "auto result differs from flat");
  });
  std::printf("%-44s %10.1f lookups/s  (%zu queries)\n", "ours auto: single hash", auto_qps,
              auto_n);
  {
    std::mt19937_64 brng(7);
    auto [qps, n] = Throughput(cfg.queries, cfg.budget * 2, [&](std::size_t i) {
      const std::vector<Hash256> b = Batch8(queries[i], brng);
      snap->Search(b, cfg.radius, &got);
      if (i < truth.size()) {
        std::vector<std::uint64_t> variant0;
        for (const HammingMatch& m : got) {
          if (m.variant == 0) variant0.push_back(m.id);
        }
        std::sort(variant0.begin(), variant0.end());
        // Random variants 1..7 essentially never match at radius 31.
        Check(variant0 == truth[i], "8-variant result differs from flat");
      }
    });
    std::printf("%-44s %10.1f batches/s  (%zu batches)\n", "ours auto: 8-variant batch", qps, n);
  }
  std::printf("%-44s %10.1f x\n", "ratio MIH / flat (best level)", mih_qps / flat_qps);

  // ---- save / load
  const std::string path = "/tmp/match_bench_" + std::to_string(::getpid()) + ".idx";
  t = Clock::now();
  Status saved = index->Save(path);
  const double save_s = Seconds(t);
  Check(saved.ok(), "save: " + saved.ToString());
  t = Clock::now();
  Result<std::unique_ptr<HammingIndex>> loaded = HammingIndex::Load(path);
  const double load_s = Seconds(t);
  Check(loaded.ok(), "load: " + loaded.status().ToString());
  if (loaded.ok()) {
    std::shared_ptr<const HammingSnapshot> ls = (*loaded)->snapshot();
    Check(ls->size() == cfg.size, "loaded size");
    for (std::size_t i = 0; i < std::min<std::size_t>(truth.size(), 50); ++i) {
      ls->Search(std::span(&queries[i], 1), cfg.radius, &got);
      Check(SortedIds(got) == truth[i], "loaded index result differs");
    }
  }
  loaded = Status(StatusCode::kInternal, "released");
  std::printf("%-44s %10.3f s  (%.0f MB)\n", "ours: save", save_s, (64.0 + 40.0 * cfg.size) / 1e6);
  std::printf("%-44s %10.3f s\n", "ours: load (read + verify + rebuild)", load_s);
  std::remove(path.c_str());

  // ---- incremental updates
  {
    std::mt19937_64 urng(9);
    t = Clock::now();
    const int adds = cfg.smoke ? 1000 : 20000;
    for (int k = 0; k < adds; ++k) {
      Check(index->Add(cfg.size + 1 + k, RandomHash(urng)).ok(), "add");
      if (k % 2 == 0) Check(index->Remove(1 + urng() % cfg.size) || true, "remove");
      if (k % 1000 == 999) index->Publish();
    }
    index->Publish();
    const double add_s = Seconds(t);
    std::printf("%-44s %10.0f ops/s (publish every 1000)\n", "ours: add+remove",
                adds * 1.5 / add_s);
    std::shared_ptr<const HammingSnapshot> s2 = index->snapshot();
    auto [qps, n] = Throughput(cfg.queries, cfg.budget, [&](std::size_t i) {
      s2->Search(std::span(&queries[i], 1), cfg.radius, &got);
    });
    std::printf("%-44s %10.1f lookups/s  (%zu queries, delta + tombstones)\n",
                "ours auto after updates: single hash", qps, n);
    t = Clock::now();
    index->Compact();
    std::printf("%-44s %10.3f s\n", "ours: compaction (full rebuild)", Seconds(t));
  }
  index.reset();
  snap.reset();

  // ---- crossover: forced MIH vs flat by radius
  if (cfg.crossover) {
    Result<std::unique_ptr<HammingIndex>> again = HammingIndex::Build(ids, hashes);
    std::shared_ptr<const HammingSnapshot> s = (*again)->snapshot();
    std::printf("\nradius  MIH lookups/s  flat lookups/s  auto picks\n");
    for (int r : {0, 8, 16, 24, 31, 40, 48, 56, 63}) {
      auto [mq, mn] = Throughput(cfg.queries, 1.0, [&](std::size_t i) {
        s->Search(std::span(&queries[i], 1), r, &got, SearchStrategy::kMultiIndex);
      });
      auto [fq, fn] = Throughput(cfg.queries, 1.0, [&](std::size_t i) {
        s->Search(std::span(&queries[i], 1), r, &got, SearchStrategy::kFlat);
      });
      auto [aq, an] = Throughput(cfg.queries, 1.0, [&](std::size_t i) {
        s->Search(std::span(&queries[i], 1), r, &got, SearchStrategy::kAuto);
      });
      std::printf("%6d  %13.1f  %14.1f  %s\n", r, mq, fq,
                  aq > (mq + fq) / 2 ? (mq > fq ? "MIH" : "flat") : "?");
      (void)mn;
      (void)fn;
      (void)an;
    }
  }

  // ---- faiss baselines (exclusive radius: distance < radius + 1)
  if (cfg.faiss) {
    std::printf("\n");
    // Bytes of the hash words; Hamming distance does not depend on byte order.
    const auto* data = reinterpret_cast<const std::uint8_t*>(hashes.data());
    const auto* qdata = reinterpret_cast<const std::uint8_t*>(queries.data());
    double faiss_flat_qps = 0;
    {
      faiss::IndexBinaryFlat flat(256);
      flat.add(static_cast<faiss::Index::idx_t>(cfg.size), data);
      auto [qps, n] = Throughput(oracle_n, cfg.budget * 2, [&](std::size_t i) {
        faiss::RangeSearchResult res(1);
        flat.range_search(1, qdata + 32 * i, cfg.radius + 1, &res);
        Check(res.lims[1] == truth[i].size(), "faiss flat result count (radius semantics)");
      });
      faiss_flat_qps = qps;
      std::printf("%-44s %10.1f lookups/s  (%zu queries)\n", "faiss IndexBinaryFlat: single hash",
                  qps, n);
      // faiss amortises a scan over a batch of queries, as our 8-variant scan does.
      auto [bqps, bn] = Throughput(oracle_n / 8, cfg.budget * 2, [&](std::size_t i) {
        faiss::RangeSearchResult res(8);
        flat.range_search(8, qdata + 32 * 8 * i, cfg.radius + 1, &res);
      });
      std::printf("%-44s %10.1f batches/s  (%zu batches)\n", "faiss IndexBinaryFlat: 8-query batch",
                  bqps, bn);
      std::printf("%-44s %10.2f x\n", "ratio ours flat / faiss flat", flat_qps / qps);
    }
    {
      const std::size_t rss1 = RssBytes();
      t = Clock::now();
      faiss::IndexBinaryMultiHash mh(256, 16, 16);
      mh.nflip = 1;  // 16 tables x (1 + 1) > 31: exact at radius 31 by pigeonhole
      mh.add(static_cast<faiss::Index::idx_t>(cfg.size), data);
      const double mh_build = Seconds(t);
      const std::size_t mh_rss = RssBytes() - rss1;
      auto [qps, n] = Throughput(cfg.queries, std::max(cfg.budget * 2, 0.2), [&](std::size_t i) {
        faiss::RangeSearchResult res(1);
        mh.range_search(1, qdata + 32 * i, cfg.radius + 1, &res);
        if (i < truth.size()) {
          std::vector<std::uint64_t> found;
          for (std::size_t k = res.lims[0]; k < res.lims[1]; ++k)
            found.push_back(res.labels[k] + 1);
          std::sort(found.begin(), found.end());
          Check(found == truth[i], "faiss MultiHash result differs from flat");
        }
      });
      std::printf("%-44s %10.3f s\n", "faiss IndexBinaryMultiHash(16x16, nflip 1): build",
                  mh_build);
      std::printf("%-44s %10.1f B/hash (RSS delta)\n", "faiss IndexBinaryMultiHash: memory",
                  static_cast<double>(mh_rss) / cfg.size);
      std::printf("%-44s %10.1f lookups/s  (%zu queries)\n",
                  "faiss IndexBinaryMultiHash: single hash", qps, n);
      constexpr std::size_t kBatch = 100;
      auto [bqps, bn] = Throughput(cfg.queries / kBatch, cfg.budget * 2, [&](std::size_t i) {
        faiss::RangeSearchResult res(kBatch);
        mh.range_search(kBatch, qdata + 32 * kBatch * i, cfg.radius + 1, &res);
      });
      std::printf("%-44s %10.1f lookups/s  (%zu queries in batches of %zu)\n",
                  "faiss IndexBinaryMultiHash: batched", bqps * kBatch, bn * kBatch, kBatch);
      std::printf("%-44s %10.2f x\n", "ratio ours MIH / faiss MultiHash", mih_qps / qps);
      std::printf("%-44s %10.2f x\n", "ratio ours MIH / faiss MultiHash batched",
                  mih_qps / (bqps * kBatch));
      std::printf("%-44s %10.2f x\n", "ratio ours MIH / faiss flat", mih_qps / faiss_flat_qps);
    }
  }
  (void)flat_qps_by_level;

  if (failures > 0) {
    std::fprintf(stderr, "match_bench: %d check(s) FAILED\n", failures);
    return 1;
  }
  std::printf("\nall results verified against the flat oracle\n");
  return 0;
}

}  // namespace
}  // namespace moderato

int main(int argc, char** argv) { return moderato::Main(argc, argv); }
