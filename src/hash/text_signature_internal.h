// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Internals of text_signature.cc, exposed for the tests, the study and the
// fuzzer: tokenising, shingle hashing, the MinHash fast path and its oracle.

#ifndef MODERATO_HASH_TEXT_SIGNATURE_INTERNAL_H_
#define MODERATO_HASH_TEXT_SIGNATURE_INTERNAL_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "moderato/hash/text_signature.h"

namespace moderato::internal {

// Shingle size in words.
inline constexpr int kShingleWords = 3;

// SplitMix64's finaliser: a bijective 64-bit mixer.
constexpr std::uint64_t Mix64(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// Splits a (skeleton) text into words: maximal runs of code points that are
// letters, digits or combining marks (ICU u_isalnum, Mn, Mc). Invalid UTF-8
// separates words.
std::vector<std::string_view> SplitWords(std::string_view text);

// Returns the sorted, distinct 64-bit hashes of the `k`-word shingles of
// `words` (one shingle of all words if there are fewer than k; none if there
// are no words).
std::vector<std::uint64_t> ShingleHashes(std::span<const std::string_view> words,
                                         int k = kShingleWords);

// One-permutation MinHash with optimal densification over shingle hashes
// (any order, duplicates allowed). The fast path.
TextSignature MinHashFromShingles(std::span<const std::uint64_t> shingles);

// The same signature computed the obvious way (each bin scans every
// shingle): the oracle for MinHashFromShingles().
TextSignature MinHashFromShinglesSlow(std::span<const std::uint64_t> shingles);

// Exact Jaccard similarity of two sorted distinct sets (0 if both empty).
double ExactJaccard(std::span<const std::uint64_t> a, std::span<const std::uint64_t> b);

// LSH band keys of `signature` with `rows` bins per band and
// kTextSignatureBins / rows bands (leftover bins unused); band i's key mixes
// i with its bins. TextSignatureBands() is BandKeys(s, kTextSignatureRows).
std::vector<std::uint64_t> BandKeys(const TextSignature& signature, std::size_t rows);

}  // namespace moderato::internal

#endif  // MODERATO_HASH_TEXT_SIGNATURE_INTERNAL_H_
