// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Tokenisation shared by the retriever and the theme inferrer: words are
// maximal runs of letters and digits (ICU u_isalnum), so apostrophes, Arabic
// punctuation and U+FFFD split words.

#ifndef MODERATO_SRC_COUNTER_RETRIEVAL_TOKENS_H_
#define MODERATO_SRC_COUNTER_RETRIEVAL_TOKENS_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace moderato::internal {

// Appends the words of `text` (valid UTF-8) of at least `min_code_points`.
void AppendWords(std::string_view text, std::size_t min_code_points,
                 std::vector<std::string_view>* words);

// Appends the 64-bit hashes of the code-point n-grams (n in [n_min, n_max])
// of each word of `text`, padded with one space on each side.
void AppendCharNgramHashes(std::string_view text, std::size_t n_min, std::size_t n_max,
                           std::vector<std::uint64_t>* hashes);

// FNV-1a, 64 bits.
std::uint64_t Fnv1a64(std::string_view bytes, std::uint64_t seed = 14695981039346656037ull);

}  // namespace moderato::internal

#endif  // MODERATO_SRC_COUNTER_RETRIEVAL_TOKENS_H_
