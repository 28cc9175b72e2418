// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "counter/retrieval_tokens.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

namespace moderato::internal {
namespace {

// Calls fn(begin, end, code_point_offsets) for every word; offsets holds the
// byte offset of each code point of the word plus the end offset.
template <typename Fn>
void ForEachWord(std::string_view text, Fn&& fn) {
  const auto* s = reinterpret_cast<const std::uint8_t*>(text.data());
  const auto length = static_cast<std::int32_t>(text.size());
  std::vector<std::uint32_t> offsets;
  std::int32_t i = 0;
  std::int32_t start = -1;
  while (i < length) {
    const std::int32_t at = i;
    UChar32 c = 0;
    U8_NEXT(s, i, length, c);
    const bool word = c >= 0 && (u_isalnum(c) || u_charType(c) == U_NON_SPACING_MARK);
    if (word) {
      if (start < 0) {
        start = at;
        offsets.clear();
      }
      offsets.push_back(static_cast<std::uint32_t>(at));
    } else if (start >= 0) {
      offsets.push_back(static_cast<std::uint32_t>(at));
      fn(offsets);
      start = -1;
    }
  }
  if (start >= 0) {
    offsets.push_back(static_cast<std::uint32_t>(length));
    fn(offsets);
  }
}

}  // namespace

std::uint64_t Fnv1a64(std::string_view bytes, std::uint64_t seed) {
  std::uint64_t h = seed;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

void AppendWords(std::string_view text, std::size_t min_code_points,
                 std::vector<std::string_view>* words) {
  ForEachWord(text, [&](const std::vector<std::uint32_t>& offsets) {
    if (offsets.size() - 1 < min_code_points) return;
    words->push_back(text.substr(offsets.front(), offsets.back() - offsets.front()));
  });
}

void AppendCharNgramHashes(std::string_view text, std::size_t n_min, std::size_t n_max,
                           std::vector<std::uint64_t>* hashes) {
  constexpr std::uint64_t kPad = 0x20;
  ForEachWord(text, [&](const std::vector<std::uint32_t>& offsets) {
    // Padded word: code point -1 and m are the spaces.
    const std::size_t m = offsets.size() - 1;
    const std::size_t padded = m + 2;
    for (std::size_t n = n_min; n <= n_max; ++n) {
      if (n > padded) break;
      for (std::size_t first = 0; first + n <= padded; ++first) {
        std::uint64_t h = 14695981039346656037ull ^ n;
        h *= 1099511628211ull;
        const std::size_t last = first + n;  // exclusive, in padded positions
        std::size_t from = first;
        if (from == 0) {
          h = (h ^ kPad) * 1099511628211ull;
          from = 1;
        }
        const bool pad_end = last == padded;
        const std::size_t to = pad_end ? padded - 1 : last;
        if (to > from) {
          h = Fnv1a64(text.substr(offsets[from - 1], offsets[to - 1] - offsets[from - 1]), h);
        }
        if (pad_end) h = (h ^ kPad) * 1099511628211ull;
        hashes->push_back(h);
      }
    }
  });
}

}  // namespace moderato::internal
