// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/hash/text_signature.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <limits>
#include <memory>
#include <string>

#include "hash/text_signature_internal.h"
#include "moderato/text/normalize.h"

namespace moderato {
namespace internal {
namespace {

constexpr std::uint64_t kShingleSeed = 0x6d68310000000001ULL;  // "mh1"
constexpr std::uint64_t kDensifySeed = 0x6d68310000000002ULL;
constexpr int kBinShift = 57;  // top 7 bits pick one of 128 bins
static_assert(kTextSignatureBins == (std::size_t{1} << (64 - kBinShift)));

bool IsWordCodePoint(UChar32 c) {
  if (u_isalnum(c)) return true;
  const std::int8_t type = u_charType(c);
  return type == U_NON_SPACING_MARK || type == U_COMBINING_SPACING_MARK;
}

std::uint64_t WordHash(std::string_view word) {
  std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a 64
  for (char c : word) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return Mix64(h);
}

// Optimal densification (Shrivastava 2017): each empty bin copies the value of
// a pseudo-randomly chosen bin that was filled by a shingle, probing a fixed
// per-bin sequence, so that two texts with the same filled bins fill empty
// bins alike.
void Densify(TextSignature& sig, const std::array<bool, kTextSignatureBins>& filled) {
  for (std::size_t i = 0; i < kTextSignatureBins; ++i) {
    if (filled[i]) continue;
    for (std::uint64_t attempt = 0;; ++attempt) {
      const std::size_t j =
          Mix64(kDensifySeed ^ (std::uint64_t{i} << 32) ^ attempt) & (kTextSignatureBins - 1);
      if (filled[j]) {
        sig.bins[i] = sig.bins[j];
        break;
      }
    }
  }
}

std::uint32_t SaturatedCount(std::size_t n) {
  return static_cast<std::uint32_t>(
      std::min<std::size_t>(n, std::numeric_limits<std::uint32_t>::max()));
}

}  // namespace

std::vector<std::string_view> SplitWords(std::string_view text) {
  std::vector<std::string_view> words;
  const auto* s = reinterpret_cast<const std::uint8_t*>(text.data());
  const auto n = static_cast<std::int32_t>(text.size());
  std::int32_t start = -1;
  for (std::int32_t i = 0; i < n;) {
    const std::int32_t at = i;
    UChar32 c;
    U8_NEXT(s, i, n, c);
    const bool word = c >= 0 && IsWordCodePoint(c);
    if (word && start < 0) start = at;
    if (!word && start >= 0) {
      words.push_back(
          text.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(at - start)));
      start = -1;
    }
  }
  if (start >= 0) words.push_back(text.substr(static_cast<std::size_t>(start)));
  return words;
}

std::vector<std::uint64_t> ShingleHashes(std::span<const std::string_view> words, int k) {
  std::vector<std::uint64_t> word_hashes;
  word_hashes.reserve(words.size());
  for (std::string_view w : words) word_hashes.push_back(WordHash(w));
  std::vector<std::uint64_t> out;
  if (word_hashes.empty()) return out;
  const std::size_t width = std::min(word_hashes.size(), static_cast<std::size_t>(k));
  out.reserve(word_hashes.size() - width + 1);
  for (std::size_t i = 0; i + width <= word_hashes.size(); ++i) {
    std::uint64_t h = kShingleSeed;
    for (std::size_t j = 0; j < width; ++j) h = Mix64(h + word_hashes[i + j]);
    out.push_back(h);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

TextSignature MinHashFromShingles(std::span<const std::uint64_t> shingles) {
  TextSignature sig;
  sig.bins.fill(TextSignature::kEmptyBin);
  std::array<bool, kTextSignatureBins> filled{};
  for (std::uint64_t h : shingles) {
    const std::size_t bin = h >> kBinShift;
    const auto value = static_cast<std::uint32_t>(h);
    if (!filled[bin] || value < sig.bins[bin]) sig.bins[bin] = value;
    filled[bin] = true;
  }
  if (shingles.empty()) return sig;
  Densify(sig, filled);
  std::vector<std::uint64_t> distinct(shingles.begin(), shingles.end());
  std::sort(distinct.begin(), distinct.end());
  sig.shingles = SaturatedCount(
      static_cast<std::size_t>(std::unique(distinct.begin(), distinct.end()) - distinct.begin()));
  return sig;
}

TextSignature MinHashFromShinglesSlow(std::span<const std::uint64_t> shingles) {
  TextSignature sig;
  sig.bins.fill(TextSignature::kEmptyBin);
  std::array<bool, kTextSignatureBins> filled{};
  for (std::size_t bin = 0; bin < kTextSignatureBins; ++bin) {
    for (std::uint64_t h : shingles) {
      if ((h >> kBinShift) != bin) continue;
      const auto value = static_cast<std::uint32_t>(h);
      if (!filled[bin] || value < sig.bins[bin]) sig.bins[bin] = value;
      filled[bin] = true;
    }
  }
  if (shingles.empty()) return sig;
  Densify(sig, filled);
  std::size_t distinct = 0;
  for (std::size_t i = 0; i < shingles.size(); ++i) {
    bool seen = false;
    for (std::size_t j = 0; j < i && !seen; ++j) seen = shingles[j] == shingles[i];
    if (!seen) ++distinct;
  }
  sig.shingles = SaturatedCount(distinct);
  return sig;
}

double ExactJaccard(std::span<const std::uint64_t> a, std::span<const std::uint64_t> b) {
  std::size_t i = 0, j = 0, common = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j]) {
      ++common, ++i, ++j;
    } else if (a[i] < b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  const std::size_t united = a.size() + b.size() - common;
  return united == 0 ? 0.0 : static_cast<double>(common) / static_cast<double>(united);
}

}  // namespace internal

namespace {

constexpr std::size_t kHardMaxInputBytes = std::size_t{64} << 20;
constexpr std::string_view kPrefix = "mh1:";
constexpr std::size_t kBinsHex = kTextSignatureBins * 8;
constexpr std::uint64_t kBandSeed = 0x6d68310000000003ULL;

const Result<std::unique_ptr<Normalizer>>& SharedNormalizer() {
  static const Result<std::unique_ptr<Normalizer>> normalizer =
      Normalizer::Create(NormalizeOptions{.max_input_bytes = kHardMaxInputBytes});
  return normalizer;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

Result<TextSignature> ComputeTextSignature(const Normalizer& normalizer, std::string_view utf8,
                                           const TextSignatureOptions& options) {
  const std::size_t budget = std::min(options.max_input_bytes, kHardMaxInputBytes);
  if (utf8.size() > budget) {
    return ResourceExhaustedError("text of " + std::to_string(utf8.size()) +
                                  " bytes exceeds the text-signature budget of " +
                                  std::to_string(budget));
  }
  MODERATO_ASSIGN_OR_RETURN(NormalizedText views, normalizer.Normalize(utf8));
  const std::vector<std::string_view> words = internal::SplitWords(views.skeleton.text);
  const std::vector<std::uint64_t> shingles = internal::ShingleHashes(words);
  return internal::MinHashFromShingles(shingles);
}

Result<TextSignature> ComputeTextSignature(std::string_view utf8,
                                           const TextSignatureOptions& options) {
  const Result<std::unique_ptr<Normalizer>>& normalizer = SharedNormalizer();
  if (!normalizer.ok()) return normalizer.status();
  return ComputeTextSignature(**normalizer, utf8, options);
}

std::string FormatTextSignature(const TextSignature& signature) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(kPrefix);
  out += std::to_string(signature.shingles);
  out += ':';
  for (std::uint32_t bin : signature.bins) {
    for (int shift = 28; shift >= 0; shift -= 4) out += kDigits[(bin >> shift) & 15];
  }
  return out;
}

Result<TextSignature> ParseTextSignature(std::string_view text) {
  if (!text.starts_with(kPrefix)) {
    return InvalidArgumentError("text signature must start with \"mh1:\"");
  }
  text.remove_prefix(kPrefix.size());
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    return InvalidArgumentError("text signature lacks the ':' after the shingle count");
  }
  const std::string_view count = text.substr(0, colon);
  if (count.empty() || count.size() > 10 || (count.size() > 1 && count[0] == '0') ||
      !std::all_of(count.begin(), count.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return InvalidArgumentError("text signature has a bad shingle count \"" +
                                std::string(count.substr(0, 16)) + "\"");
  }
  const std::uint64_t shingles = std::stoull(std::string(count));
  if (shingles > std::numeric_limits<std::uint32_t>::max()) {
    return InvalidArgumentError("text signature shingle count is too large");
  }
  const std::string_view hex = text.substr(colon + 1);
  if (hex.size() != kBinsHex) {
    return InvalidArgumentError("text signature must have " + std::to_string(kBinsHex) +
                                " hex digits after the count, got " + std::to_string(hex.size()));
  }
  TextSignature sig;
  sig.shingles = static_cast<std::uint32_t>(shingles);
  for (std::size_t i = 0; i < kBinsHex; ++i) {
    const int d = HexDigit(hex[i]);
    if (d < 0) {
      return InvalidArgumentError("text signature has a non-lowercase-hex character at offset " +
                                  std::to_string(kPrefix.size() + colon + 1 + i));
    }
    sig.bins[i / 8] = (sig.bins[i / 8] << 4) | static_cast<std::uint32_t>(d);
  }
  const bool all_empty = std::all_of(sig.bins.begin(), sig.bins.end(),
                                     [](std::uint32_t b) { return b == TextSignature::kEmptyBin; });
  if (sig.shingles == 0 && !all_empty) {
    return InvalidArgumentError("text signature with 0 shingles must have empty bins");
  }
  return sig;
}

double TextSimilarity(const TextSignature& a, const TextSignature& b) {
  if (a.empty() || b.empty()) return 0.0;
  std::size_t equal = 0;
  for (std::size_t i = 0; i < kTextSignatureBins; ++i) equal += a.bins[i] == b.bins[i];
  return static_cast<double>(equal) / static_cast<double>(kTextSignatureBins);
}

std::vector<std::uint64_t> internal::BandKeys(const TextSignature& signature, std::size_t rows) {
  std::vector<std::uint64_t> keys;
  if (signature.empty() || rows == 0) return keys;
  const std::size_t bands = kTextSignatureBins / rows;
  keys.reserve(bands);
  for (std::size_t band = 0; band < bands; ++band) {
    std::uint64_t h = internal::Mix64(kBandSeed + band);
    for (std::size_t r = 0; r < rows; ++r) h = internal::Mix64(h + signature.bins[band * rows + r]);
    keys.push_back(h);
  }
  return keys;
}

std::vector<std::uint64_t> TextSignatureBands(const TextSignature& signature) {
  return internal::BandKeys(signature, kTextSignatureRows);
}

}  // namespace moderato
