// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "hash/pdq_oracle.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace moderato::pdq_oracle {
namespace {

// One 1-D box pass over n elements at `stride`, as the recipe states it:
// sum the first half-1 samples, then for each output add the entering
// sample, subtract the leaving one (if any), divide by the in-range count.
void RunningSumPass(const float* in, float* out, int n, int stride, int w) {
  const int half = (w + 2) / 2;
  float sum = 0.0f;
  int count = 0;
  int next = 0;  // next sample to enter
  for (; next < half - 1; ++next) {
    sum += in[next * stride];
    ++count;
  }
  for (int i = 0; i < n; ++i) {
    // The window of output i is [i - (w - half), i + half - 1], clipped.
    if (next < n) {
      sum += in[next * stride];
      ++count;
      ++next;
    }
    const int leaving = i - (w - half) - 1;
    if (leaving >= 0) {
      sum -= in[leaving * stride];
      --count;
    }
    out[i * stride] = sum / static_cast<float>(count);
  }
}

}  // namespace

std::array<float, 64 * 64> StraightforwardDownsample(std::vector<float> luma, uint32_t rows,
                                                     uint32_t cols) {
  std::array<float, 64 * 64> out{};
  if (rows == 64 && cols == 64) {
    std::copy(luma.begin(), luma.end(), out.begin());
    return out;
  }
  const int w_rows = static_cast<int>((cols + 127) / 128);
  const int w_cols = static_cast<int>((rows + 127) / 128);
  std::vector<float> tmp(luma.size());
  for (int iteration = 0; iteration < 2; ++iteration) {
    for (uint32_t r = 0; r < rows; ++r) {
      RunningSumPass(&luma[size_t{r} * cols], &tmp[size_t{r} * cols], static_cast<int>(cols), 1,
                     w_rows);
    }
    for (uint32_t c = 0; c < cols; ++c) {
      RunningSumPass(&tmp[c], &luma[c], static_cast<int>(rows), static_cast<int>(cols), w_cols);
    }
  }
  for (int i = 0; i < 64; ++i) {
    const auto r = static_cast<uint32_t>(((i + 0.5) * rows) / 64);
    for (int j = 0; j < 64; ++j) {
      const auto c = static_cast<uint32_t>(((j + 0.5) * cols) / 64);
      out[i * 64 + j] = luma[size_t{r} * cols + c];
    }
  }
  return out;
}

std::array<float, 256> StraightforwardDct(const std::array<float, 64 * 64>& a) {
  // Scale rounded to float, times the double cosine, rounded to float.
  const float scale = static_cast<float>(std::sqrt(2.0 / 64));
  float d[16][64];
  for (int i = 0; i < 16; ++i) {
    for (int j = 0; j < 64; ++j) {
      d[i][j] =
          static_cast<float>(scale * std::cos((std::numbers::pi / 128.0) * (i + 1) * (2 * j + 1)));
    }
  }
  float t[16][64];
  for (int i = 0; i < 16; ++i) {
    for (int j = 0; j < 64; ++j) {
      float sum = 0.0f;
      for (int k = 0; k < 64; ++k) sum += d[i][k] * a[k * 64 + j];
      t[i][j] = sum;
    }
  }
  std::array<float, 256> b{};
  for (int i = 0; i < 16; ++i) {
    for (int j = 0; j < 16; ++j) {
      float sum = 0.0f;
      for (int k = 0; k < 64; ++k) sum += t[i][k] * d[j][k];
      b[i * 16 + j] = sum;
    }
  }
  return b;
}

std::array<double, 64 * 64> IdealDownsample(const std::vector<double>& luma, uint32_t rows,
                                            uint32_t cols) {
  std::array<double, 64 * 64> out{};
  if (rows == 64 && cols == 64) {
    std::copy(luma.begin(), luma.end(), out.begin());
    return out;
  }
  auto box = [](const std::vector<double>& in, std::vector<double>& result, int n, int stride,
                int offset, int w) {
    const int half = (w + 2) / 2;
    for (int i = 0; i < n; ++i) {
      const int lo = std::max(0, i - (w - half));
      const int hi = std::min(n - 1, i + half - 1);
      double sum = 0;
      for (int k = lo; k <= hi; ++k) sum += in[offset + k * stride];
      result[offset + i * stride] = sum / (hi - lo + 1);
    }
  };
  const int w_rows = static_cast<int>((cols + 127) / 128);
  const int w_cols = static_cast<int>((rows + 127) / 128);
  std::vector<double> a = luma;
  std::vector<double> b(a.size());
  for (int iteration = 0; iteration < 2; ++iteration) {
    for (uint32_t r = 0; r < rows; ++r) {
      box(a, b, static_cast<int>(cols), 1, static_cast<int>(r * cols), w_rows);
    }
    for (uint32_t c = 0; c < cols; ++c) {
      box(b, a, static_cast<int>(rows), static_cast<int>(cols), static_cast<int>(c), w_cols);
    }
  }
  for (int i = 0; i < 64; ++i) {
    for (int j = 0; j < 64; ++j) {
      out[i * 64 + j] = a[size_t{static_cast<uint32_t>((i + 0.5) * rows / 64)} * cols +
                          static_cast<uint32_t>((j + 0.5) * cols / 64)];
    }
  }
  return out;
}

std::array<double, 256> IdealDct(const std::array<double, 64 * 64>& a) {
  std::array<double, 256> b{};
  auto basis = [](int u, int x) {
    return std::sqrt(2.0 / 64) * std::cos(std::numbers::pi * (u + 1) * (2 * x + 1) / 128.0);
  };
  for (int u = 0; u < 16; ++u) {
    for (int v = 0; v < 16; ++v) {
      double sum = 0;
      for (int y = 0; y < 64; ++y) {
        for (int x = 0; x < 64; ++x) sum += basis(u, y) * basis(v, x) * a[y * 64 + x];
      }
      b[u * 16 + v] = sum;
    }
  }
  return b;
}

Hash256 IdealHash(const std::array<double, 256>& dct) {
  std::array<double, 256> sorted = dct;
  std::sort(sorted.begin(), sorted.end());
  const double median = sorted[127];
  Hash256 hash;
  for (int k = 0; k < 256; ++k) {
    if (dct[k] > median) hash.set_bit(k);
  }
  return hash;
}

}  // namespace moderato::pdq_oracle
