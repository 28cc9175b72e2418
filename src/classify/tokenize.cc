// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/classify/tokenize.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <cstdint>

namespace moderato {
namespace {

enum class CharClass { kSpace, kWord, kAt, kOther };

CharClass Classify(UChar32 c) {
  if (c < 0x80) {
    if (c <= 0x20 || c == 0x7f) return CharClass::kSpace;  // controls count as space
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') {
      return CharClass::kWord;
    }
    return c == '@' ? CharClass::kAt : CharClass::kOther;
  }
  if (u_isUWhiteSpace(c) || u_iscntrl(c)) return CharClass::kSpace;
  if (u_isalnum(c) || (U_GET_GC_MASK(c) & U_GC_M_MASK) != 0) return CharClass::kWord;
  return CharClass::kOther;
}

constexpr std::string_view kLabelPrefix = "__label__";
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

}  // namespace

int AppendFastTextTokens(std::string_view text, std::string* out) {
  int count = 0;
  std::size_t token_start = std::string::npos;  // offset in *out of the open word
  auto close_word = [&] {
    if (token_start == std::string::npos) return;
    if (std::string_view(*out).substr(token_start).starts_with(kLabelPrefix)) {
      out->erase(token_start, 1);
    }
    token_start = std::string::npos;
  };
  auto open_token = [&] {
    if (!out->empty()) out->push_back(' ');
    ++count;
    return out->size();
  };
  const auto* s = reinterpret_cast<const std::uint8_t*>(text.data());
  const auto n = static_cast<std::int64_t>(text.size());
  std::int64_t i = 0;
  while (i < n) {
    const std::int64_t begin = i;
    UChar32 c;
    U8_NEXT(s, i, n, c);
    const bool invalid = c < 0;
    const CharClass cls = invalid ? CharClass::kWord : Classify(c);
    bool starts_word = cls == CharClass::kWord;
    if (cls == CharClass::kAt && token_start == std::string::npos && i < n) {
      std::int64_t j = i;
      UChar32 next;
      U8_NEXT(s, j, n, next);
      starts_word = next >= 0 && Classify(next) == CharClass::kWord;
    }
    if (starts_word) {
      if (token_start == std::string::npos) token_start = open_token();
      if (invalid) {
        out->append(kReplacement);
      } else {
        out->append(text.substr(begin, i - begin));
      }
      continue;
    }
    close_word();
    if (cls == CharClass::kOther || cls == CharClass::kAt) {
      open_token();
      out->append(text.substr(begin, i - begin));
    }
  }
  close_word();
  return count;
}

std::string FastTextTokens(std::string_view normalized) {
  std::string out;
  out.reserve(normalized.size() + normalized.size() / 4);
  AppendFastTextTokens(normalized, &out);
  return out;
}

}  // namespace moderato
