// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Layout of a fastText 0.9.2 .bin (little-endian, as written by
// FastText::saveModel): magic i32, version i32; Args: 12 x i32 (dim, ws,
// epoch, minCount, neg, wordNgrams, loss, model, bucket, minn, maxn,
// lrUpdateRate) and t (f64); Dictionary: size i32, nwords i32, nlabels i32,
// ntokens i64, pruneidx_size i64, then `size` entries (NUL-terminated word,
// count i64, type i8) and pruneidx_size (i32, i32) pairs; quant_input (bool),
// input DenseMatrix (m i64, n i64, m*n f32); qout (bool), output DenseMatrix.

#include "classify/model_file.h"

#include <cstdio>
#include <cstring>

namespace moderato::internal {
namespace {

constexpr std::int32_t kMagic = 793712314;
constexpr std::int32_t kVersion = 12;
constexpr std::int32_t kSupervised = 3;  // fasttext::model_name::sup
constexpr std::int32_t kMaxVocab = 30'000'000;

class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}

  template <typename T>
  bool Read(T* out) {
    if (bytes_.size() - pos_ < sizeof(T)) return false;
    std::memcpy(out, bytes_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return true;
  }
  bool ReadCString(std::string* out) {
    const std::size_t end = bytes_.find('\0', pos_);
    if (end == std::string_view::npos) return false;
    out->assign(bytes_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return true;
  }
  bool Skip(std::uint64_t n) {
    if (bytes_.size() - pos_ < n) return false;
    pos_ += n;
    return true;
  }
  std::size_t remaining() const { return bytes_.size() - pos_; }

 private:
  std::string_view bytes_;
  std::size_t pos_ = 0;
};

Status Bad(std::string_view what) {
  return InvalidArgumentError("not a valid fastText supervised model: " + std::string(what));
}

Status CheckMatrix(Reader& r, std::int64_t want_rows, std::int64_t want_cols, const char* name) {
  std::int64_t m = 0, n = 0;
  if (!r.Read(&m) || !r.Read(&n)) return Bad(std::string(name) + " matrix header truncated");
  if (m != want_rows || n != want_cols) {
    return Bad(std::string(name) + " matrix is " + std::to_string(m) + "x" + std::to_string(n) +
               ", expected " + std::to_string(want_rows) + "x" + std::to_string(want_cols));
  }
  if (!r.Skip(static_cast<std::uint64_t>(m) * static_cast<std::uint64_t>(n) * 4)) {
    return Bad(std::string(name) + " matrix truncated");
  }
  return OkStatus();
}

}  // namespace

Result<FastTextModelSummary> ValidateFastTextModel(std::string_view bytes) {
  Reader r(bytes);
  std::int32_t magic = 0, version = 0;
  if (!r.Read(&magic) || magic != kMagic) return Bad("wrong magic number");
  if (!r.Read(&version) || version != kVersion) return Bad("unsupported format version");
  std::int32_t a[12];
  for (std::int32_t& v : a) {
    if (!r.Read(&v)) return Bad("arguments truncated");
  }
  double t = 0;
  if (!r.Read(&t)) return Bad("arguments truncated");
  FastTextModelSummary s;
  s.dim = a[0];
  s.word_ngrams = a[5];
  const std::int32_t model = a[7];
  s.bucket = a[8];
  s.minn = a[9];
  s.maxn = a[10];
  if (model != kSupervised) return Bad("not a supervised model");
  if (a[6] < 1 || a[6] > 4) return Bad("unknown loss");
  if (s.dim <= 0 || s.dim > 1024) return Bad("dimension out of range");
  if (s.bucket < 0 || s.bucket > 100'000'000) return Bad("bucket count out of range");
  if (s.word_ngrams < 1 || s.word_ngrams > 16 || s.minn < 0 || s.maxn < 0 || s.maxn > 64) {
    return Bad("n-gram arguments out of range");
  }
  std::int32_t size = 0, nwords = 0, nlabels = 0;
  std::int64_t ntokens = 0, pruneidx_size = 0;
  if (!r.Read(&size) || !r.Read(&nwords) || !r.Read(&nlabels) || !r.Read(&ntokens) ||
      !r.Read(&pruneidx_size)) {
    return Bad("dictionary header truncated");
  }
  if (size < 0 || size > kMaxVocab || nwords < 0 || nlabels < 0 ||
      static_cast<std::int64_t>(nwords) + nlabels != size) {
    return Bad("inconsistent dictionary sizes");
  }
  // Each entry takes at least 10 bytes: a NUL, an i64 count and a type byte.
  if (static_cast<std::uint64_t>(size) * 10 > r.remaining()) return Bad("dictionary truncated");
  if (pruneidx_size > 0) return Bad("pruned (quantised) models are not supported");
  s.nwords = nwords;
  std::string word;
  for (std::int32_t i = 0; i < size; ++i) {
    std::int64_t count = 0;
    std::int8_t type = 0;
    if (!r.ReadCString(&word) || !r.Read(&count) || !r.Read(&type)) {
      return Bad("dictionary truncated");
    }
    if (type != (i < nwords ? 0 : 1)) return Bad("dictionary entry of the wrong type");
    if (type == 1) s.labels.push_back(word);
  }
  std::uint8_t quant_input = 0;  // a C++ bool on disk; read as a byte to accept any value
  if (!r.Read(&quant_input)) return Bad("truncated before the input matrix");
  if (quant_input != 0) return Bad("quantised models are not supported");
  MODERATO_RETURN_IF_ERROR(
      CheckMatrix(r, static_cast<std::int64_t>(nwords) + s.bucket, s.dim, "input"));
  std::uint8_t qout = 0;
  if (!r.Read(&qout)) return Bad("truncated before the output matrix");
  if (qout != 0) return Bad("quantised models are not supported");
  MODERATO_RETURN_IF_ERROR(CheckMatrix(r, nlabels, s.dim, "output"));
  if (r.remaining() != 0) return Bad("trailing bytes after the output matrix");
  return s;
}

std::string Fnv1a64Hex(std::string_view bytes) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace moderato::internal
