// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// The flat oracle. Each kernel keeps, per stored hash, the smallest distance
// over the query batch and the first query reaching it (a strict `<` keeps
// the lowest variant on ties), then emits rows within the radius in order.
// Kernels are compiled for their ISA with target attributes and chosen at run
// time, so the library itself stays baseline x86-64.

#include <immintrin.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <span>
#include <vector>

#include "moderato/match/hamming.h"

namespace moderato {
namespace {

constexpr std::size_t kBatch = 8;

void FlatPortable(const Hash256* hashes, std::size_t n, const Hash256* queries, int nq, int radius,
                  std::size_t first_row, std::vector<HammingMatch>* out) {
  for (std::size_t i = 0; i < n; ++i) {
    int best = 1 << 16;
    int variant = 0;
    for (int v = 0; v < nq; ++v) {
      const int d = HammingDistance(hashes[i], queries[v]);
      if (d < best) {
        best = d;
        variant = v;
      }
    }
    if (best <= radius) {
      out->push_back(
          {first_row + i, static_cast<std::uint16_t>(best), static_cast<std::uint8_t>(variant)});
    }
  }
}

#define MODERATO_TARGET_AVX2 __attribute__((target("avx2,popcnt")))
#define MODERATO_TARGET_AVX512 __attribute__((target("avx2,avx512f,avx512vpopcntdq,popcnt")))

// _mm256_loadu_si256 is the documented unaligned load; its pointer type is a
// may_alias vector type, so this cast is the sanctioned way to read words.
MODERATO_TARGET_AVX2 inline __m256i Load256(const Hash256& h) {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(h.words.data()));
}

// Per 64-bit lane popcount of x (Mula's nibble table + psadbw).
MODERATO_TARGET_AVX2 inline __m256i Popcount64x4(__m256i x) {
  const __m256i table = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2,
                                         1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
  const __m256i nibble = _mm256_set1_epi8(0x0f);
  const __m256i lo = _mm256_and_si256(x, nibble);
  const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(x, 4), nibble);
  const __m256i bytes =
      _mm256_add_epi8(_mm256_shuffle_epi8(table, lo), _mm256_shuffle_epi8(table, hi));
  return _mm256_sad_epu8(bytes, _mm256_setzero_si256());
}

MODERATO_TARGET_AVX2 void FlatAvx2(const Hash256* hashes, std::size_t n, const Hash256* queries,
                                   int nq, int radius, std::vector<HammingMatch>* out) {
  __m256i q[kBatch];
  for (int v = 0; v < nq; ++v) q[v] = Load256(queries[v]);
  const __m256i limit = _mm256_set1_epi64x(radius + 1);
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const __m256i h0 = Load256(hashes[i]);
    const __m256i h1 = Load256(hashes[i + 1]);
    const __m256i h2 = Load256(hashes[i + 2]);
    const __m256i h3 = Load256(hashes[i + 3]);
    __m256i best = _mm256_set1_epi64x(1 << 16);
    __m256i variant = _mm256_setzero_si256();
    for (int v = 0; v < nq; ++v) {
      const __m256i s0 = Popcount64x4(_mm256_xor_si256(h0, q[v]));
      const __m256i s1 = Popcount64x4(_mm256_xor_si256(h1, q[v]));
      const __m256i s2 = Popcount64x4(_mm256_xor_si256(h2, q[v]));
      const __m256i s3 = Popcount64x4(_mm256_xor_si256(h3, q[v]));
      // Lane k of u01 holds [s0 words 2k..2k+1, s1 words 2k..2k+1] summed.
      const __m256i u01 =
          _mm256_add_epi64(_mm256_unpacklo_epi64(s0, s1), _mm256_unpackhi_epi64(s0, s1));
      const __m256i u23 =
          _mm256_add_epi64(_mm256_unpacklo_epi64(s2, s3), _mm256_unpackhi_epi64(s2, s3));
      const __m256i d = _mm256_add_epi64(_mm256_permute2x128_si256(u01, u23, 0x20),
                                         _mm256_permute2x128_si256(u01, u23, 0x31));
      const __m256i lt = _mm256_cmpgt_epi64(best, d);
      best = _mm256_blendv_epi8(best, d, lt);
      variant = _mm256_blendv_epi8(variant, _mm256_set1_epi64x(v), lt);
    }
    const int mask = _mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(limit, best)));
    if (mask != 0) {
      alignas(32) std::array<std::int64_t, 4> b;
      alignas(32) std::array<std::int64_t, 4> var;
      _mm256_store_si256(reinterpret_cast<__m256i*>(b.data()), best);
      _mm256_store_si256(reinterpret_cast<__m256i*>(var.data()), variant);
      for (int k = 0; k < 4; ++k) {
        if (mask & (1 << k)) {
          out->push_back(
              {i + k, static_cast<std::uint16_t>(b[k]), static_cast<std::uint8_t>(var[k])});
        }
      }
    }
  }
  FlatPortable(hashes + i, n - i, queries, nq, radius, i, out);
}

MODERATO_TARGET_AVX512 void FlatAvx512(const Hash256* hashes, std::size_t n, const Hash256* queries,
                                       int nq, int radius, std::vector<HammingMatch>* out) {
  // Each query twice, so one zmm compares two stored hashes.
  __m512i q[kBatch];
  for (int v = 0; v < nq; ++v) {
    q[v] = _mm512_maskz_broadcast_i64x4(0xff, Load256(queries[v]));
  }
  const __m512i even = _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14);
  const __m512i odd = _mm512_setr_epi64(1, 3, 5, 7, 9, 11, 13, 15);
  const __m512i limit = _mm512_set1_epi64(radius);
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const std::uint64_t* p = hashes[i].words.data();
    const __m512i h01 = _mm512_loadu_si512(p);
    const __m512i h23 = _mm512_loadu_si512(p + 8);
    const __m512i h45 = _mm512_loadu_si512(p + 16);
    const __m512i h67 = _mm512_loadu_si512(p + 24);
    __m512i best = _mm512_set1_epi64(1 << 16);
    __m512i variant = _mm512_setzero_si512();
    for (int v = 0; v < nq; ++v) {
      const __m512i c01 = _mm512_popcnt_epi64(_mm512_xor_si512(h01, q[v]));
      const __m512i c23 = _mm512_popcnt_epi64(_mm512_xor_si512(h23, q[v]));
      const __m512i c45 = _mm512_popcnt_epi64(_mm512_xor_si512(h45, q[v]));
      const __m512i c67 = _mm512_popcnt_epi64(_mm512_xor_si512(h67, q[v]));
      // Pairwise sums of words: [h0 w0+w1, h0 w2+w3, h1 ..., h2 ..., h3 ...].
      const __m512i s03 = _mm512_add_epi64(_mm512_permutex2var_epi64(c01, even, c23),
                                           _mm512_permutex2var_epi64(c01, odd, c23));
      const __m512i s47 = _mm512_add_epi64(_mm512_permutex2var_epi64(c45, even, c67),
                                           _mm512_permutex2var_epi64(c45, odd, c67));
      // Full distances of hashes i..i+7, in order.
      const __m512i d = _mm512_add_epi64(_mm512_permutex2var_epi64(s03, even, s47),
                                         _mm512_permutex2var_epi64(s03, odd, s47));
      const __mmask8 lt = _mm512_cmplt_epu64_mask(d, best);
      best = _mm512_mask_mov_epi64(best, lt, d);
      variant = _mm512_mask_mov_epi64(variant, lt, _mm512_set1_epi64(v));
    }
    unsigned mask = _mm512_cmple_epu64_mask(best, limit);
    if (mask != 0) {
      alignas(64) std::array<std::uint64_t, 8> b;
      alignas(64) std::array<std::uint64_t, 8> var;
      _mm512_store_si512(b.data(), best);
      _mm512_store_si512(var.data(), variant);
      while (mask != 0) {
        const int k = std::countr_zero(mask);
        mask &= mask - 1;
        out->push_back(
            {i + k, static_cast<std::uint16_t>(b[k]), static_cast<std::uint8_t>(var[k])});
      }
    }
  }
  FlatPortable(hashes + i, n - i, queries, nq, radius, i, out);
}

// Scans with at most kBatch queries.
void FlatBatch(std::span<const Hash256> hashes, std::span<const Hash256> queries, int radius,
               std::vector<HammingMatch>* out, SimdLevel level) {
  const int nq = static_cast<int>(queries.size());
  switch (level) {
    case SimdLevel::kAvx512:
      FlatAvx512(hashes.data(), hashes.size(), queries.data(), nq, radius, out);
      return;
    case SimdLevel::kAvx2:
      FlatAvx2(hashes.data(), hashes.size(), queries.data(), nq, radius, out);
      return;
    case SimdLevel::kPortable:
      break;
  }
  FlatPortable(hashes.data(), hashes.size(), queries.data(), nq, radius, 0, out);
}

}  // namespace

bool SimdLevelSupported(SimdLevel level) {
  switch (level) {
    case SimdLevel::kPortable:
      return true;
    case SimdLevel::kAvx2:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
    case SimdLevel::kAvx512:
      return SimdLevelSupported(SimdLevel::kAvx2) && __builtin_cpu_supports("avx512f") &&
             __builtin_cpu_supports("avx512vpopcntdq");
  }
  return false;
}

SimdLevel DetectSimdLevel() {
  static const SimdLevel level = [] {
    if (SimdLevelSupported(SimdLevel::kAvx512)) return SimdLevel::kAvx512;
    if (SimdLevelSupported(SimdLevel::kAvx2)) return SimdLevel::kAvx2;
    return SimdLevel::kPortable;
  }();
  return level;
}

std::string_view SimdLevelName(SimdLevel level) {
  switch (level) {
    case SimdLevel::kPortable:
      return "portable";
    case SimdLevel::kAvx2:
      return "avx2";
    case SimdLevel::kAvx512:
      return "avx512";
  }
  return "unknown";
}

void FlatSearch(std::span<const Hash256> hashes, std::span<const Hash256> queries, int radius,
                std::vector<HammingMatch>* out, SimdLevel level) {
  MODERATO_CHECK_MSG(queries.size() <= kMaxHammingQueries, "too many queries in one batch");
  out->clear();
  if (queries.empty() || radius < 0 || hashes.empty()) return;
  radius = std::min(radius, 256);
  while (!SimdLevelSupported(level)) {
    level = level == SimdLevel::kAvx512 ? SimdLevel::kAvx2 : SimdLevel::kPortable;
  }
  if (queries.size() <= kBatch) {
    FlatBatch(hashes, queries, radius, out, level);
    return;
  }
  // Larger batches: scan per group of kBatch, then keep each row's best.
  std::vector<HammingMatch> part;
  for (std::size_t first = 0; first < queries.size(); first += kBatch) {
    const std::size_t count = std::min(kBatch, queries.size() - first);
    part.clear();
    FlatBatch(hashes, queries.subspan(first, count), radius, &part, level);
    for (HammingMatch& m : part) {
      m.variant = static_cast<std::uint8_t>(m.variant + first);
      out->push_back(m);
    }
  }
  std::sort(out->begin(), out->end(), [](const HammingMatch& a, const HammingMatch& b) {
    if (a.id != b.id) return a.id < b.id;
    if (a.distance != b.distance) return a.distance < b.distance;
    return a.variant < b.variant;
  });
  out->erase(std::unique(out->begin(), out->end(),
                         [](const HammingMatch& a, const HammingMatch& b) { return a.id == b.id; }),
             out->end());
}

}  // namespace moderato
