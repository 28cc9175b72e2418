// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// TextSignature: a near-duplicate signature for known texts (statements,
// manifestos, claims of responsibility) that still matches after the usual
// edits: words or sentences inserted or deleted, paragraphs reordered,
// obfuscation (leetspeak, look-alike letters, spaced letters, zero-width
// characters), or a re-post of most of the text.
//
// Method (docs/signals.md, "Text signature", has the measured comparison
// with SimHash that chose it): the text goes through the text engine's
// Normalizer; its `skeleton` view (which undoes much obfuscation) is split
// into words (runs of Unicode letters and digits); each overlapping run of 3
// words (a "shingle"; fewer when the text has fewer words) is hashed to 64
// bits; a one-permutation MinHash with 128 bins and optimal densification
// (Shrivastava, ICML 2017) keeps, per bin, the smallest 32-bit value. The
// fraction of equal bins of two signatures estimates the Jaccard similarity
// of their shingle sets (standard error sqrt(J(1-J)/128) <= 0.045).
//
// Matching a bank of known texts:
//   * index: put each of the 64 TextSignatureBands() keys (64 bands of 2
//     bins) in a hash map key -> known-text ids;
//   * query: look up the query's 64 keys, and verify each candidate with
//     TextSimilarity() >= kTextMatchThreshold.
// A pair of true similarity s becomes a candidate with probability
// 1 - (1 - s^2)^64: 0.99998 at s = 0.4 (the threshold), 0.93 at 0.2, 0.47 at
// 0.1 and 0.025 at 0.02; measured, 0.023% of unrelated document pairs became
// candidates and no edited copy at or above the threshold was missed.
// The band layout is derived from the bins, so it can change without
// recomputing stored signatures (docs/signals.md discusses 3 x 42 for very
// large banks).
//
// Reliability: below about 30 words the estimate is noisy and a single edit
// changes a large part of the shingle set; TextSignature::shingles tells the
// caller how much text the signature saw (kMinReliableShingles).
//
// Hash functions and the text form are fixed by the "mh1" version: a stored
// signature stays comparable with new ones. Any change to tokenising,
// shingling or hashing must bump the prefix.
//
// Thread safety: free functions. ComputeTextSignature() without a Normalizer
// uses a process-wide Normalizer created on first use (thread-safe static);
// everything is safe from any thread.
//
// Cost: linear in the input; normalisation is about 80% of it (about 13 MB/s
// of CPU on English forum text, bench/signals_bench.cc). Memory: about 40
// bytes per input byte for the normalised views. TextSimilarity() is ~15 ns,
// TextSignatureBands() ~170 ns. A signature is 516 bytes; its text form at
// most 1039 characters.
//
// Example:
//   MODERATO_ASSIGN_OR_RETURN(moderato::TextSignature sig,
//                             moderato::ComputeTextSignature(statement));
//   std::string stored = moderato::FormatTextSignature(sig);   // "mh1:412:..."
//   ...
//   MODERATO_ASSIGN_OR_RETURN(moderato::TextSignature known,
//                             moderato::ParseTextSignature(stored));
//   if (moderato::TextSimilarity(sig, known) >= moderato::kTextMatchThreshold) ...

#ifndef MODERATO_HASH_TEXT_SIGNATURE_H_
#define MODERATO_HASH_TEXT_SIGNATURE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "moderato/status.h"

namespace moderato {

class Normalizer;

// Number of MinHash bins in a signature.
inline constexpr std::size_t kTextSignatureBins = 128;
// LSH banding used by TextSignatureBands(): kTextSignatureBands bands of
// kTextSignatureRows consecutive bins.
inline constexpr std::size_t kTextSignatureRows = 2;
inline constexpr std::size_t kTextSignatureBands = kTextSignatureBins / kTextSignatureRows;

// Recommended decision threshold on TextSimilarity(): at or above it, two
// texts of at least kMinReliableShingles shingles are near-duplicates. Chosen
// on the measurement in docs/signals.md: no unrelated document pair scored
// above 0.07 (texts of 20+ words: 0.26), while 99.1-100% of edited copies
// (30% of sentences deleted, truncated to half, 10% of words edited, ...)
// scored 0.4 or more.
inline constexpr double kTextMatchThreshold = 0.4;

// Below this many distinct shingles (about 30 words) near-duplicate matching
// is unreliable: flag such matches for review rather than acting on them.
inline constexpr std::uint32_t kMinReliableShingles = 28;

struct TextSignature {
  // Bin values; kEmptyBin only when the text had no words at all.
  std::array<std::uint32_t, kTextSignatureBins> bins{};
  // Number of distinct shingles the text produced (0 for a text without
  // words), saturating at 2^32 - 1.
  std::uint32_t shingles = 0;

  static constexpr std::uint32_t kEmptyBin = 0xFFFFFFFFu;

  bool empty() const { return shingles == 0; }
  friend bool operator==(const TextSignature&, const TextSignature&) = default;
};

struct TextSignatureOptions {
  // ComputeTextSignature() fails with kResourceExhausted above this many
  // input bytes. At most 64 MiB is honoured.
  std::size_t max_input_bytes = std::size_t{4} << 20;
};

// Returns the signature of the UTF-8 text `utf8` (invalid UTF-8 is tolerated:
// the Normalizer replaces it by U+FFFD, which separates words). A text
// without letters or digits gives an empty() signature, similar to nothing.
// Fails with kResourceExhausted if utf8.size() > options.max_input_bytes, and
// kInternal if the shared Normalizer cannot be created (ICU data missing).
Result<TextSignature> ComputeTextSignature(std::string_view utf8,
                                           const TextSignatureOptions& options = {});

// As above with the caller's Normalizer (whose own input budget also
// applies, with kResourceExhausted).
Result<TextSignature> ComputeTextSignature(const Normalizer& normalizer, std::string_view utf8,
                                           const TextSignatureOptions& options = {});

// Returns the text form "mh1:<shingles>:<bins>": <shingles> in decimal without
// leading zeros, <bins> 128 x 8 lowercase hex digits (bin 0 first, each
// big-endian). For an empty signature: "mh1:0:" followed by 1024 'f'.
std::string FormatTextSignature(const TextSignature& signature);

// Parses the output of FormatTextSignature(), strictly: the "mh1:" prefix,
// a decimal count (no sign, no leading zero, < 2^32), ":", exactly 1024
// lowercase hex digits, nothing else. Fails with kInvalidArgument naming
// what is wrong (unknown version prefix, bad count, wrong length, the offset
// of a bad digit, a count of 0 with bins that are not all empty).
Result<TextSignature> ParseTextSignature(std::string_view text);

// Returns the estimated Jaccard similarity of the two texts' shingle sets, in
// [0, 1]: the fraction of equal bins. Returns 0 if either signature is empty.
double TextSimilarity(const TextSignature& a, const TextSignature& b);

// Returns the kTextSignatureBands LSH band keys of `signature` (band i's key
// hashes i and its kTextSignatureRows bins, so keys of different bands never
// collide by construction of the input). Empty for an empty signature.
std::vector<std::uint64_t> TextSignatureBands(const TextSignature& signature);

}  // namespace moderato

#endif  // MODERATO_HASH_TEXT_SIGNATURE_H_
