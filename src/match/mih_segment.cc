// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "match/mih_segment.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <utility>

namespace moderato::internal {
namespace {

// Cost model, in nanoseconds, fitted to bench/match_bench.cc at 1M and 10M
// hashes (docs/matching.md, "Crossover"). Probes and verifications are both
// cache misses into large arrays; a scan streams at memory bandwidth. Only
// the ratios matter: they choose between probing and scanning, never results.
constexpr double kProbeNs = 40.0;            // one table lookup
constexpr double kVerifyNs = 25.0;           // one candidate's full distance
constexpr double kScanNsPerHash = 2.0;       // streaming 32 bytes
constexpr double kScanNsPerHashQuery = 0.2;  // xor + popcount per query (AVX-512)
constexpr double kPortableScanFactor = 6.0;  // scalar popcount is this much slower

double Binomial(int n, int k) {
  if (k < 0 || k > n) return 0;
  double r = 1;
  for (int i = 1; i <= k; ++i) r = r * (n - k + i) / i;
  return r;
}

#define MODERATO_ALWAYS_INLINE inline __attribute__((always_inline))

MODERATO_ALWAYS_INLINE int Distance(const Hash256& a, const Hash256& b) {
  return std::popcount(a.words[0] ^ b.words[0]) + std::popcount(a.words[1] ^ b.words[1]) +
         std::popcount(a.words[2] ^ b.words[2]) + std::popcount(a.words[3] ^ b.words[3]);
}

struct SearchArgs {
  const Hash256* hashes;
  const std::vector<std::uint32_t>* offsets;
  const std::vector<std::uint32_t>* postings;
  const int* start;
  const int* width;
  int m;
  const std::int8_t* radii;
  const Hash256* query;
  std::uint8_t variant;
  int radius;
  std::vector<HammingMatch>* out;
  std::vector<std::uint32_t>* keys;        // scratch
  std::vector<std::uint32_t>* candidates;  // scratch
};

// Probes every key within radii[i] of the query's substring i, collecting
// candidate rows, then verifies them. Keys, buckets and hashes are all random
// accesses into large arrays, so each phase prefetches a few steps ahead.
MODERATO_ALWAYS_INLINE void SearchBody(const SearchArgs& a) {
  std::vector<std::uint32_t>& keys = *a.keys;
  std::vector<std::uint32_t>& cand = *a.candidates;
  cand.clear();
  for (int i = 0; i < a.m; ++i) {
    const int r = a.radii[i];
    if (r < 0) continue;
    const int w = a.width[i];
    const std::uint32_t* offsets = a.offsets[i].data();
    const std::uint32_t* postings = a.postings[i].data();
    const std::uint32_t key = ExtractBits(*a.query, a.start[i], w);
    // Masks of popcount 0..r in increasing order (Gosper's hack).
    keys.clear();
    keys.push_back(key);
    const std::uint64_t limit = std::uint64_t{1} << w;
    for (int k = 1; k <= r; ++k) {
      std::uint64_t mask = (std::uint64_t{1} << k) - 1;
      while (mask < limit) {
        keys.push_back(key ^ static_cast<std::uint32_t>(mask));
        const std::uint64_t low = mask & (~mask + 1);
        const std::uint64_t ripple = mask + low;
        mask = ripple | ((ripple ^ mask) >> (std::countr_zero(mask) + 2));
      }
    }
    const std::size_t nk = keys.size();
    for (std::size_t j = 0; j < nk; ++j) {
      if (j + 16 < nk) __builtin_prefetch(offsets + keys[j + 16]);
      if (j + 8 < nk) __builtin_prefetch(postings + offsets[keys[j + 8]]);
      const std::uint32_t begin = offsets[keys[j]];
      const std::uint32_t end = offsets[keys[j] + 1];
      cand.insert(cand.end(), postings + begin, postings + end);
    }
  }
  const std::size_t nc = cand.size();
  const Hash256* hashes = a.hashes;
  for (std::size_t j = 0; j < nc; ++j) {
    if (j + 12 < nc) __builtin_prefetch(hashes + cand[j + 12]);
    const std::uint32_t row = cand[j];
    const int d = Distance(hashes[row], *a.query);
    if (d <= a.radius) {
      a.out->push_back({row, static_cast<std::uint16_t>(d), a.variant});
    }
  }
}

__attribute__((target("popcnt"))) void SearchPopcnt(const SearchArgs& a) { SearchBody(a); }
void SearchPortable(const SearchArgs& a) { SearchBody(a); }

const bool kHavePopcnt = __builtin_cpu_supports("popcnt");

}  // namespace

int AutoSubstringBits(std::size_t n) {
  const int log2n = n <= 1 ? 0 : std::bit_width(n) - 1;
  return std::clamp(log2n - 1, 12, kMaxSubstringBits);
}

std::shared_ptr<const MihSegment> MihSegment::Build(std::vector<std::uint64_t> ids,
                                                    HashVector hashes, int bits) {
  MODERATO_CHECK(ids.size() == hashes.size());
  MODERATO_CHECK(ids.size() < std::numeric_limits<std::uint32_t>::max());
  auto seg = std::make_shared<MihSegment>();
  seg->ids_ = std::move(ids);
  seg->hashes_ = std::move(hashes);
  const std::size_t n = seg->ids_.size();
  if (bits == 0) bits = AutoSubstringBits(n);
  bits = std::clamp(bits, kMinSubstringBits, kMaxSubstringBits);
  const int m = (256 + bits - 1) / bits;
  seg->m_ = m;
  const int narrow = 256 / m;
  const int wide_count = 256 % m;
  int start = 0;
  for (int i = 0; i < m; ++i) {
    seg->start_[i] = start;
    seg->width_[i] = narrow + (i < wide_count ? 1 : 0);
    start += seg->width_[i];
  }
  // Per substring, an LSD radix sort of (key << 32 | row) in two or three
  // passes of <= 12 bits: every pass streams through memory with an L1-sized
  // histogram, where scattering straight into a 2^22-entry table would miss
  // the cache on every row. The sort is stable, so rows ascend within a key.
  seg->offsets_.resize(m);
  seg->postings_.resize(m);
  std::vector<std::uint64_t> a(n);
  std::vector<std::uint64_t> b(n);
  std::vector<std::uint32_t> hist;
  for (int i = 0; i < m; ++i) {
    const int s = seg->start_[i];
    const int w = seg->width_[i];
    for (std::size_t row = 0; row < n; ++row) {
      a[row] = (std::uint64_t{ExtractBits(seg->hashes_[row], s, w)} << 32) | row;
    }
    const int passes = (w + 11) / 12;
    const int digit = (w + passes - 1) / passes;
    for (int p = 0; p < passes; ++p) {
      const int shift = 32 + p * digit;
      const std::uint64_t mask = (std::uint64_t{1} << digit) - 1;
      hist.assign(std::size_t{1} << digit, 0);
      for (std::size_t j = 0; j < n; ++j) ++hist[(a[j] >> shift) & mask];
      std::uint32_t sum = 0;
      for (std::uint32_t& h : hist) sum += std::exchange(h, sum);
      for (std::size_t j = 0; j < n; ++j) b[hist[(a[j] >> shift) & mask]++] = a[j];
      a.swap(b);
    }
    std::vector<std::uint32_t>& off = seg->offsets_[i];
    off.assign((std::size_t{1} << w) + 1, 0);
    std::vector<std::uint32_t>& post = seg->postings_[i];
    post.resize(n);
    for (std::size_t j = 0; j < n; ++j) {
      ++off[(a[j] >> 32) + 1];
      post[j] = static_cast<std::uint32_t>(a[j]);
    }
    for (std::size_t k = 1; k < off.size(); ++k) off[k] += off[k - 1];
  }
  seg->ComputePlans();
  return seg;
}

void MihSegment::ComputePlans() {
  const double n = static_cast<double>(size());
  plans_.resize(257);
  std::array<int, kMaxSubstrings> r;
  r.fill(-1);
  double probes = 0;
  double candidates = 0;
  auto marginal = [&](int i, double* p, double* c) {
    const int w = width_[i];
    if (r[i] + 1 > w) return std::numeric_limits<double>::infinity();
    *p = Binomial(w, r[i] + 1);
    *c = *p * n / std::ldexp(1.0, w);
    return *p * kProbeNs + *c * kVerifyNs;
  };
  // plans_[radius] needs radius + 1 units; units only accumulate.
  for (int radius = 0; radius <= 256; ++radius) {
    const int units = radius + 1;
    int given = 0;
    for (int i = 0; i < m_; ++i) given += r[i] + 1;
    while (given < units) {
      int best = -1;
      double best_cost = std::numeric_limits<double>::infinity();
      double best_p = 0;
      double best_c = 0;
      for (int i = 0; i < m_; ++i) {
        double p = 0;
        double c = 0;
        const double cost = marginal(i, &p, &c);
        if (cost < best_cost) {
          best = i;
          best_cost = cost;
          best_p = p;
          best_c = c;
        }
      }
      MODERATO_CHECK(best >= 0);  // 256 + m units exist, more than 257 needed
      ++r[best];
      probes += best_p;
      candidates += best_c;
      ++given;
    }
    Plan& plan = plans_[radius];
    plan.radius.fill(-1);
    for (int i = 0; i < m_; ++i) plan.radius[i] = static_cast<std::int8_t>(r[i]);
    plan.probes = probes;
    plan.candidates = candidates;
  }
}

std::optional<std::uint32_t> MihSegment::FindRow(std::uint64_t id) const {
  auto it = std::lower_bound(ids_.begin(), ids_.end(), id);
  if (it == ids_.end() || *it != id) return std::nullopt;
  return static_cast<std::uint32_t>(it - ids_.begin());
}

bool MihSegment::PreferMih(int radius, std::size_t nq) const {
  const Plan& p = plans_[radius];
  const double q = static_cast<double>(nq);
  const double mih = q * (p.probes * kProbeNs + p.candidates * kVerifyNs);
  double scan = static_cast<double>(size()) * (kScanNsPerHash + q * kScanNsPerHashQuery);
  if (DetectSimdLevel() == SimdLevel::kPortable) scan *= kPortableScanFactor;
  return mih < scan;
}

void MihSegment::Search(const Hash256& query, std::uint8_t variant, int radius,
                        std::vector<HammingMatch>* out) const {
  if (size() == 0) return;
  thread_local std::vector<std::uint32_t> keys;
  thread_local std::vector<std::uint32_t> candidates;
  const SearchArgs args{hashes_.data(),
                        offsets_.data(),
                        postings_.data(),
                        start_.data(),
                        width_.data(),
                        m_,
                        plans_[radius].radius.data(),
                        &query,
                        variant,
                        radius,
                        out,
                        &keys,
                        &candidates};
  if (kHavePopcnt) {
    SearchPopcnt(args);
  } else {
    SearchPortable(args);
  }
}

std::size_t MihSegment::MemoryBytes() const {
  std::size_t bytes = sizeof(*this) + ids_.capacity() * sizeof(std::uint64_t) +
                      hashes_.capacity() * sizeof(Hash256) + plans_.capacity() * sizeof(Plan);
  for (const auto& v : offsets_) bytes += v.capacity() * sizeof(std::uint32_t);
  for (const auto& v : postings_) bytes += v.capacity() * sizeof(std::uint32_t);
  return bytes;
}

}  // namespace moderato::internal
