// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// The optimised PDQ pipeline. Bit-exactness rules (see pdq_internal.h): each
// output value is produced by the same float32 operations, in the same
// order, as the recipe; the optimisations only reorder work across
// independent outputs:
//   - the vertical box pass walks rows and updates one running sum per column
//     (contiguous, vectorisable) instead of walking each column;
//   - the horizontal box pass runs 8 rows in lockstep so 8 independent
//     running-sum chains hide the add latency;
//   - the second iteration's vertical pass runs only on the 64 columns the
//     decimation samples;
//   - the DCT accumulates over k in increasing order with the independent
//     output index innermost.
// The module is compiled with -ffp-contract=off (no FMA contraction).

#include "moderato/hash/pdq.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numbers>
#include <string>
#include <utility>
#include <vector>

#include "hash/pdq_internal.h"

namespace moderato {
namespace pdq_internal {
namespace {

// One 1-D box pass along each of L rows in lockstep (L independent running
// sums hide the add latency). Row l starts at in + l * stride and has n
// elements. If `samples` is null every output is written to out + l * stride
// + i; otherwise only outputs at the 64 (non-decreasing) column indexes in
// `samples` are computed, into out + l * 64 + s.
template <int L>
void BoxRowsGroup(const float* __restrict in, float* __restrict out, size_t stride, int n, int w,
                  const uint32_t* samples) {
  const int half = (w + 2) / 2;
  float sum[L] = {};
  int ri = 0;
  int li = 0;
  int oi = 0;
  int count = 0;
  int s = 0;
  auto emit = [&](float c) {
    if (samples == nullptr) {
      for (int l = 0; l < L; ++l) out[l * stride + oi] = sum[l] / c;
      return;
    }
    for (; s < kBufferSize && samples[s] == static_cast<uint32_t>(oi); ++s) {
      for (int l = 0; l < L; ++l) out[l * kBufferSize + s] = sum[l] / c;
    }
  };
  for (int k = 0; k < half - 1; ++k, ++ri) {
    ++count;
    for (int l = 0; l < L; ++l) sum[l] += in[l * stride + ri];
  }
  for (int k = 0; k < w - half + 1; ++k, ++ri, ++oi) {
    ++count;
    for (int l = 0; l < L; ++l) sum[l] += in[l * stride + ri];
    emit(static_cast<float>(count));
  }
  const float full = static_cast<float>(count);
  for (int k = 0; k < n - w; ++k, ++ri, ++li, ++oi) {
    for (int l = 0; l < L; ++l) {
      sum[l] += in[l * stride + ri];
      sum[l] -= in[l * stride + li];
    }
    emit(full);
  }
  for (int k = 0; k < half - 1; ++k, ++li, ++oi) {
    --count;
    for (int l = 0; l < L; ++l) sum[l] -= in[l * stride + li];
    emit(static_cast<float>(count));
  }
}

// Horizontal pass over `count` rows of `cols` floats (see BoxRowsGroup).
void BoxRows(const float* in, float* out, uint32_t count, uint32_t cols, int w,
             const uint32_t* samples) {
  constexpr uint32_t kGroup = 8;
  const size_t out_stride = samples == nullptr ? cols : kBufferSize;
  uint32_t r = 0;
  for (; r + kGroup <= count; r += kGroup) {
    BoxRowsGroup<kGroup>(in + size_t{r} * cols, out + r * out_stride, cols, static_cast<int>(cols),
                         w, samples);
  }
  for (; r < count; ++r) {
    BoxRowsGroup<1>(in + size_t{r} * cols, out + r * out_stride, cols, static_cast<int>(cols), w,
                    samples);
  }
}

// The vertical pass as a stream: rows of the input are pushed in order, and
// each output row is handed to `emit(index, row)` as soon as it is final.
// One running sum per column; the last w + 1 input rows are kept in a ring.
// Per column this is exactly the 1-D running-sum pass (same operations, same
// order); only the loop nest is turned inside out.
class ColumnBoxStream {
 public:
  ColumnBoxStream(uint32_t rows, uint32_t cols, int w)
      : rows_(static_cast<int>(rows)),
        cols_(cols),
        w_(w),
        half_((w + 2) / 2),
        ring_(size_t(w + 1) * cols),
        sum_(cols, 0.0f),
        out_(cols) {}

  template <typename Emit>
  void Push(const float* __restrict row, Emit&& emit) {
    const int ri = pushed_++;
    float* __restrict slot = Slot(ri);
    float* __restrict sum = sum_.data();
    std::copy(row, row + cols_, slot);
    if (ri < half_ - 1) {  // initial accumulation, no output yet
      ++count_;
      for (uint32_t c = 0; c < cols_; ++c) sum[c] += slot[c];
      return;
    }
    float* __restrict o = out_.data();
    if (ri < w_) {  // growing window
      ++count_;
      const float d = static_cast<float>(count_);
      for (uint32_t c = 0; c < cols_; ++c) {
        sum[c] += slot[c];
        o[c] = sum[c] / d;
      }
    } else {  // full window: add the entering row, subtract the leaving one
      const float* __restrict leaving = Slot(ri - w_);
      const float d = static_cast<float>(count_);
      for (uint32_t c = 0; c < cols_; ++c) {
        float s = sum[c] + slot[c];
        s -= leaving[c];
        sum[c] = s;
        o[c] = s / d;
      }
    }
    emit(ri - (half_ - 1), static_cast<const float*>(o));
  }

  // After all rows were pushed: the shrinking window at the end.
  template <typename Emit>
  void Finish(Emit&& emit) {
    float* __restrict sum = sum_.data();
    float* __restrict o = out_.data();
    for (int k = 0; k < half_ - 1; ++k) {
      const float* __restrict leaving = Slot(rows_ - w_ + k);
      --count_;
      const float d = static_cast<float>(count_);
      for (uint32_t c = 0; c < cols_; ++c) {
        sum[c] -= leaving[c];
        o[c] = sum[c] / d;
      }
      emit(rows_ - half_ + 1 + k, static_cast<const float*>(o));
    }
  }

 private:
  float* Slot(int row) { return &ring_[size_t(row % (w_ + 1)) * cols_]; }

  int rows_;
  uint32_t cols_;
  int w_;
  int half_;
  std::vector<float> ring_;
  std::vector<float> sum_;
  std::vector<float> out_;
  int pushed_ = 0;
  int count_ = 0;
};

// ⌊(i + 0.5) · n / 64⌋ in double precision.
uint32_t SampleIndex(int i, uint32_t n) {
  return static_cast<uint32_t>(((i + 0.5) * n) / kBufferSize);
}

// Steps 4–5, streaming: `source(first, count, dst)` writes luma rows
// [first, first + count) to dst (count × cols floats). Memory is
// O(cols × (window + 16)), independent of the number of rows.
//   luma rows -> H1 -> V1 (stream) -> H2 (sampled columns only) -> V2 (64
//   columns, stream) -> the 64 sampled rows.
template <typename Source>
void DownsampleStreaming(Source&& source, uint32_t rows, uint32_t cols, Buffer64& out) {
  constexpr uint32_t kBatch = 8;
  const int w_rows = JaroszWindow(cols);  // along each row (horizontal)
  const int w_cols = JaroszWindow(rows);  // along each column (vertical)
  std::array<uint32_t, kBufferSize> sample_cols;
  for (int j = 0; j < kBufferSize; ++j) sample_cols[j] = SampleIndex(j, cols);
  std::array<uint32_t, kBufferSize> sample_rows;
  for (int i = 0; i < kBufferSize; ++i) sample_rows[i] = SampleIndex(i, rows);

  std::vector<float> luma(size_t{kBatch} * cols);
  std::vector<float> h1(size_t{kBatch} * cols);
  std::vector<float> v1(size_t{kBatch} * cols);
  std::array<float, kBatch * kBufferSize> h2;
  uint32_t v1_count = 0;
  ColumnBoxStream first_vertical(rows, cols, w_cols);
  ColumnBoxStream second_vertical(rows, kBufferSize, w_cols);

  auto take_final = [&](int index, const float* row) {
    for (int i = 0; i < kBufferSize; ++i) {
      if (sample_rows[i] == static_cast<uint32_t>(index)) {
        std::copy(row, row + kBufferSize, &out[i * kBufferSize]);
      }
    }
  };
  auto flush_v1 = [&] {
    BoxRows(v1.data(), h2.data(), v1_count, cols, w_rows, sample_cols.data());
    for (uint32_t r = 0; r < v1_count; ++r) second_vertical.Push(&h2[r * kBufferSize], take_final);
    v1_count = 0;
  };
  auto take_v1 = [&](int, const float* row) {
    std::copy(row, row + cols, &v1[size_t{v1_count} * cols]);
    if (++v1_count == kBatch) flush_v1();
  };

  for (uint32_t r = 0; r < rows; r += kBatch) {
    const uint32_t count = std::min(kBatch, rows - r);
    source(r, count, luma.data());
    BoxRows(luma.data(), h1.data(), count, cols, w_rows, nullptr);
    for (uint32_t k = 0; k < count; ++k) first_vertical.Push(&h1[size_t{k} * cols], take_v1);
  }
  first_vertical.Finish(take_v1);
  flush_v1();
  second_vertical.Finish(take_final);
}

// The three luma products for every 8-bit value. A table entry is the same
// float32 product the recipe computes (0.299f · R, with R converted to float
// exactly), so (kR[r] + kG[g]) + kB[b] is bit-identical to the formula.
struct LumaTables {
  std::array<float, 256> r, g, b;
};

const LumaTables& Tables() {
  static const LumaTables tables = [] {
    LumaTables t;
    for (int v = 0; v < 256; ++v) {
      const float f = static_cast<float>(v);
      t.r[v] = 0.299f * f;
      t.g[v] = 0.587f * f;
      t.b[v] = 0.114f * f;
    }
    return t;
  }();
  return tables;
}

// Luma of `count` rows starting at output row `first`; see Luma().
void LumaRows(const Image& image, bool resize, const uint32_t* src_cols, uint32_t first,
              uint32_t count, uint32_t cols, float* dst) {
  const LumaTables& t = Tables();
  const uint8_t* px = image.pixels.data();
  const size_t ch = static_cast<size_t>(image.channels);
  const size_t w = image.width;
  for (uint32_t k = 0; k < count; ++k) {
    const uint32_t y = first + k;
    const size_t src_y = resize ? static_cast<size_t>(uint64_t{y} * image.height / 512) : y;
    const uint8_t* src_row = px + src_y * w * ch;
    float* out = dst + size_t{k} * cols;
    if (resize) {
      for (uint32_t x = 0; x < cols; ++x) {
        const uint8_t* p = src_row + size_t{src_cols[x]} * ch;
        out[x] = ch == 1 ? static_cast<float>(p[0]) : (t.r[p[0]] + t.g[p[1]]) + t.b[p[2]];
      }
    } else if (ch == 1) {
      for (uint32_t x = 0; x < cols; ++x) out[x] = src_row[x];
    } else {
      for (uint32_t x = 0; x < cols; ++x) {
        const uint8_t* p = src_row + 3 * x;
        out[x] = (t.r[p[0]] + t.g[p[1]]) + t.b[p[2]];
      }
    }
  }
}

std::vector<uint32_t> ResizeColumns(const Image& image) {
  std::vector<uint32_t> src_cols(512);
  for (uint32_t x = 0; x < 512; ++x) {
    src_cols[x] = static_cast<uint32_t>(uint64_t{x} * image.width / 512);
  }
  return src_cols;
}

}  // namespace

std::vector<float> Luma(const Image& image, bool preresize_512, uint32_t* rows, uint32_t* cols) {
  const bool resize = preresize_512 && (image.width > 512 || image.height > 512);
  *rows = resize ? 512 : image.height;
  *cols = resize ? 512 : image.width;
  std::vector<float> luma(size_t{*rows} * *cols);
  const std::vector<uint32_t> src_cols = resize ? ResizeColumns(image) : std::vector<uint32_t>();
  LumaRows(image, resize, src_cols.data(), 0, *rows, *cols, luma.data());
  return luma;
}

void Downsample(std::span<const float> luma, uint32_t rows, uint32_t cols, Buffer64& out) {
  if (rows == kBufferSize && cols == kBufferSize) {
    std::copy(luma.begin(), luma.end(), out.begin());
    return;
  }
  DownsampleStreaming(
      [&](uint32_t first, uint32_t count, float* dst) {
        std::copy_n(&luma[size_t{first} * cols], size_t{count} * cols, dst);
      },
      rows, cols, out);
}

void DownsampleImage(const Image& image, bool preresize_512, Buffer64& out) {
  const bool resize = preresize_512 && (image.width > 512 || image.height > 512);
  const uint32_t rows = resize ? 512 : image.height;
  const uint32_t cols = resize ? 512 : image.width;
  const std::vector<uint32_t> src_cols = resize ? ResizeColumns(image) : std::vector<uint32_t>();
  if (rows == kBufferSize && cols == kBufferSize) {
    LumaRows(image, resize, src_cols.data(), 0, rows, cols, out.data());
    return;
  }
  DownsampleStreaming(
      [&](uint32_t first, uint32_t count, float* dst) {
        LumaRows(image, resize, src_cols.data(), first, count, cols, dst);
      },
      rows, cols, out);
}

int Quality(const Buffer64& a) {
  int sum = 0;
  for (int i = 0; i < kBufferSize - 1; ++i) {
    for (int j = 0; j < kBufferSize; ++j) {
      const float u = a[i * kBufferSize + j];
      const float v = a[(i + 1) * kBufferSize + j];
      const int d = static_cast<int>((u - v) * 100 / 255);
      sum += std::abs(d);
    }
  }
  for (int i = 0; i < kBufferSize; ++i) {
    for (int j = 0; j < kBufferSize - 1; ++j) {
      const float u = a[i * kBufferSize + j];
      const float v = a[i * kBufferSize + j + 1];
      const int d = static_cast<int>((u - v) * 100 / 255);
      sum += std::abs(d);
    }
  }
  return std::min(100, sum / 90);
}

const std::array<float, kDctSize * kBufferSize>& DctMatrix() {
  static const std::array<float, kDctSize* kBufferSize> matrix = [] {
    std::array<float, kDctSize * kBufferSize> d{};
    // The scale √(2/64) is rounded to float32 first; the product with the
    // double cosine is then rounded to float32. This, not an all-double
    // entry, reproduces the reference's DCT dumps to print precision
    // (docs/pdq.md, "Conformance").
    const float scale = static_cast<float>(std::sqrt(2.0 / kBufferSize));
    for (int i = 0; i < kDctSize; ++i) {
      for (int j = 0; j < kBufferSize; ++j) {
        d[i * kBufferSize + j] = static_cast<float>(
            scale * std::cos((std::numbers::pi / 128.0) * (i + 1) * (2 * j + 1)));
      }
    }
    return d;
  }();
  return matrix;
}

void Dct(const Buffer64& a, Dct16& out) {
  const auto& d = DctMatrix();
  // T = D·A (16 × 64): T[i][j] = sum over increasing k of D[i][k]·A[k][j].
  std::array<float, kDctSize * kBufferSize> t{};
  for (int i = 0; i < kDctSize; ++i) {
    float* ti = &t[i * kBufferSize];
    for (int k = 0; k < kBufferSize; ++k) {
      const float dik = d[i * kBufferSize + k];
      const float* ak = &a[k * kBufferSize];
      for (int j = 0; j < kBufferSize; ++j) ti[j] += dik * ak[j];
    }
  }
  // B = T·Dᵀ (16 × 16): B[i][j] = sum over increasing k of T[i][k]·D[j][k].
  std::array<float, kBufferSize * kDctSize> dt;  // Dᵀ, 64 × 16
  for (int j = 0; j < kDctSize; ++j) {
    for (int k = 0; k < kBufferSize; ++k) dt[k * kDctSize + j] = d[j * kBufferSize + k];
  }
  out.fill(0.0f);
  for (int i = 0; i < kDctSize; ++i) {
    float* bi = &out[i * kDctSize];
    for (int k = 0; k < kBufferSize; ++k) {
      const float tik = t[i * kBufferSize + k];
      const float* dk = &dt[k * kDctSize];
      for (int j = 0; j < kDctSize; ++j) bi[j] += tik * dk[j];
    }
  }
}

Hash256 HashFromDct(const Dct16& dct) {
  Dct16 sorted = dct;
  std::nth_element(sorted.begin(), sorted.begin() + 127, sorted.end());
  const float median = sorted[127];
  Hash256 hash;
  for (int k = 0; k < kDctSize * kDctSize; ++k) {
    if (dct[k] > median) hash.set_bit(k);
  }
  return hash;
}

Dct16 TransformDct(const Dct16& b, Dihedral d) {
  Dct16 out;
  for (int i = 0; i < kDctSize; ++i) {
    for (int j = 0; j < kDctSize; ++j) {
      const float v = b[i * kDctSize + j];
      const bool i_even = i % 2 == 0;
      const bool j_even = j % 2 == 0;
      const bool sum_odd = (i + j) % 2 == 1;
      float* same = &out[i * kDctSize + j];
      float* transposed = &out[j * kDctSize + i];
      switch (d) {
        case Dihedral::kOriginal:
          *same = v;
          break;
        case Dihedral::kRot90:
          *transposed = j_even ? -v : v;
          break;
        case Dihedral::kRot180:
          *same = sum_odd ? -v : v;
          break;
        case Dihedral::kRot270:
          *transposed = i_even ? -v : v;
          break;
        case Dihedral::kFlipX:
          *same = i_even ? -v : v;
          break;
        case Dihedral::kFlipY:
          *same = j_even ? -v : v;
          break;
        case Dihedral::kFlipPlus1:
          *transposed = v;
          break;
        case Dihedral::kFlipMinus1:
          *transposed = sum_odd ? -v : v;
          break;
      }
    }
  }
  return out;
}

void QualityAndDct(const Buffer64& buffer, Dct16& dct, int* quality) {
  *quality = Quality(buffer);
  Dct(buffer, dct);
}

}  // namespace pdq_internal

namespace {

using pdq_internal::Dct16;

Status ValidateImage(const Image& image) {
  if (image.channels != 1 && image.channels != 3) {
    return InvalidArgumentError("PDQ needs a 1- or 3-channel image, not " +
                                std::to_string(image.channels) + " channels");
  }
  if (image.pixels.size() != uint64_t{image.width} * image.height * image.channels) {
    return InvalidArgumentError("image pixel buffer does not match " + std::to_string(image.width) +
                                "x" + std::to_string(image.height) + "x" +
                                std::to_string(image.channels));
  }
  return OkStatus();
}

// Returns false for a too-small image.
Result<bool> ImageDct(const Image& image, const PdqOptions& options, Dct16& dct, int* quality) {
  MODERATO_RETURN_IF_ERROR(ValidateImage(image));
  const bool resize = options.preresize_512 && (image.width > 512 || image.height > 512);
  if (!resize && (image.width < 5 || image.height < 5)) return false;
  pdq_internal::Buffer64 buffer;
  pdq_internal::DownsampleImage(image, options.preresize_512, buffer);
  pdq_internal::QualityAndDct(buffer, dct, quality);
  return true;
}

DecodeOptions DecodeOptionsFor(std::span<const uint8_t> bytes, DecodeOptions decode,
                               const PdqOptions& options) {
  if (options.mode == HashMode::kFast && SniffImageFormat(bytes) == ImageFormat::kJpeg) {
    Result<ImageHeader> header = ReadImageHeader(bytes);
    // A bad header: leave the error to DecodeImage.
    decode.jpeg_scale_denom =
        header.ok() ? PdqFastJpegScaleDenom(header->width, header->height) : 1;
    // Luma-only decoding changes pixels by rounding; use it only when the
    // scaled decode already makes this an approximation.
    decode.jpeg_luma_only = decode.jpeg_scale_denom > 1;
  }
  return decode;
}

}  // namespace

std::string_view DihedralName(Dihedral d) {
  switch (d) {
    case Dihedral::kOriginal:
      return "orig";
    case Dihedral::kRot90:
      return "rot90";
    case Dihedral::kRot180:
      return "rot180";
    case Dihedral::kRot270:
      return "rot270";
    case Dihedral::kFlipX:
      return "flipx";
    case Dihedral::kFlipY:
      return "flipy";
    case Dihedral::kFlipPlus1:
      return "flipplus1";
    case Dihedral::kFlipMinus1:
      return "flipminus1";
  }
  return "unknown";
}

Result<PdqResult> PdqFromImage(const Image& image, const PdqOptions& options) {
  Dct16 dct;
  PdqResult result;
  MODERATO_ASSIGN_OR_RETURN(bool hashed, ImageDct(image, options, dct, &result.quality));
  if (hashed) result.hash = pdq_internal::HashFromDct(dct);
  return result;
}

Result<PdqDihedralResult> PdqDihedralFromImage(const Image& image, const PdqOptions& options) {
  Dct16 dct;
  PdqDihedralResult result;
  MODERATO_ASSIGN_OR_RETURN(bool hashed, ImageDct(image, options, dct, &result.quality));
  if (hashed) {
    for (Dihedral d : kAllDihedrals) {
      result.hashes[static_cast<int>(d)] =
          pdq_internal::HashFromDct(pdq_internal::TransformDct(dct, d));
    }
  }
  return result;
}

Result<PdqResult> PdqFromLuma(std::span<const float> luma, uint32_t width, uint32_t height) {
  if (luma.size() != uint64_t{width} * height) {
    return InvalidArgumentError("luma buffer does not match " + std::to_string(width) + "x" +
                                std::to_string(height));
  }
  PdqResult result;
  if (width < 5 || height < 5) return result;
  pdq_internal::Buffer64 buffer;
  pdq_internal::Downsample(luma, height, width, buffer);
  Dct16 dct;
  pdq_internal::QualityAndDct(buffer, dct, &result.quality);
  result.hash = pdq_internal::HashFromDct(dct);
  return result;
}

Result<PdqResult> PdqFromBytes(std::span<const uint8_t> bytes, const DecodeOptions& decode,
                               const PdqOptions& options) {
  MODERATO_ASSIGN_OR_RETURN(Image image,
                            DecodeImage(bytes, DecodeOptionsFor(bytes, decode, options)));
  return PdqFromImage(image, options);
}

Result<PdqDihedralResult> PdqDihedralFromBytes(std::span<const uint8_t> bytes,
                                               const DecodeOptions& decode,
                                               const PdqOptions& options) {
  MODERATO_ASSIGN_OR_RETURN(Image image,
                            DecodeImage(bytes, DecodeOptionsFor(bytes, decode, options)));
  return PdqDihedralFromImage(image, options);
}

int PdqFastJpegScaleDenom(uint32_t width, uint32_t height) {
  const uint32_t short_side = std::min(width, height);
  for (int denom : {8, 4, 2}) {
    if ((short_side + denom - 1) / denom >= kPdqFastMinShortSide) return denom;
  }
  return 1;
}

}  // namespace moderato
