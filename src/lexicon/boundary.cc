// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "lexicon/boundary.h"

#include <unicode/uchar.h>

#include <algorithm>
#include <array>
#include <string>

namespace moderato::internal {
namespace {

constexpr char32_t kBad = 0xFFFD;

// Decodes the code point starting at text[i]; sets *len to its byte length.
char32_t DecodeAt(std::string_view text, std::size_t i, std::size_t* len) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char c = b(i);
  std::size_t n = c < 0x80           ? 1
                  : (c >> 5) == 0x6  ? 2
                  : (c >> 4) == 0xE  ? 3
                  : (c >> 3) == 0x1E ? 4
                                     : 0;
  if (n == 0 || i + n > text.size()) {
    *len = 1;
    return kBad;
  }
  char32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) {
      *len = 1;
      return kBad;
    }
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  *len = n;
  return cp;
}

// Decodes the code point ending just before text[end]; sets *len.
char32_t DecodeBefore(std::string_view text, std::size_t end, std::size_t* len) {
  std::size_t start = end - 1;
  while (start > 0 && end - start < 4 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) {
    --start;
  }
  std::size_t n = 0;
  char32_t cp = DecodeAt(text, start, &n);
  if (start + n != end) {
    *len = 1;
    return kBad;
  }
  *len = n;
  return cp;
}

bool IsArabicLetter(char32_t c) {
  bool arabic_block = (c >= 0x0600 && c <= 0x06FF) || (c >= 0x0750 && c <= 0x077F) ||
                      (c >= 0x08A0 && c <= 0x08FF) || (c >= 0xFB50 && c <= 0xFDFF) ||
                      (c >= 0xFE70 && c <= 0xFEFF);
  return arabic_block && u_isalpha(static_cast<UChar32>(c));
}

// conjunction? (و ف) + preposition? (ب ك ل) + article? (ال), with ل + ال
// written لل. Sorted for binary search.
const std::vector<std::string>& CliticPrefixes() {
  static const std::vector<std::string> prefixes = [] {
    std::vector<std::string> out;
    for (std::string conj : {"", "\u0648", "\u0641"}) {
      for (std::string prep : {"", "\u0628", "\u0643", "\u0644"}) {
        for (std::string art : {"", "\u0627\u0644"}) {
          std::string p = conj + prep + (prep == "\u0644" && !art.empty() ? "\u0644" : art);
          if (!p.empty()) out.push_back(p);
        }
      }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }();
  return prefixes;
}

// The longest clitic prefix in bytes: conjunction + preposition + article.
constexpr std::size_t kMaxCliticBytes = 8;

enum class Clitics { kNone, kAll, kConjunctionOnly };

bool StartOk(std::string_view text, std::size_t begin, Clitics clitics) {
  if (begin == 0) return true;
  std::size_t len = 0;
  if (!IsWordCodePoint(DecodeBefore(text, begin, &len))) return true;
  if (clitics == Clitics::kNone) return false;
  std::size_t p = begin;
  while (p > 0) {
    char32_t c = DecodeBefore(text, p, &len);
    if (!IsWordCodePoint(c)) break;
    p -= len;
    if (begin - p > kMaxCliticBytes) return false;
  }
  std::string_view prefix = text.substr(p, begin - p);
  if (clitics == Clitics::kConjunctionOnly) return prefix == "\u0648" || prefix == "\u0641";
  return IsArabicCliticPrefix(prefix);
}

bool EndOk(std::string_view text, std::size_t end) {
  if (end >= text.size()) return true;
  std::size_t len = 0;
  return !IsWordCodePoint(DecodeAt(text, end, &len));
}

}  // namespace

bool IsWordCodePoint(char32_t c) {
  if (c < 0x80) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }
  UChar32 u = static_cast<UChar32>(c);
  return u_isalnum(u) || (U_GET_GC_MASK(u) & U_GC_M_MASK) != 0;
}

TermShape ShapeOf(std::string_view term) {
  TermShape shape;
  if (term.empty()) return shape;
  std::size_t len = 0;
  char32_t first = DecodeAt(term, 0, &len);
  char32_t last = DecodeBefore(term, term.size(), &len);
  shape.word_start = IsWordCodePoint(first);
  shape.word_end = IsWordCodePoint(last);
  shape.arabic_start = IsArabicLetter(first);
  return shape;
}

bool IsArabicCliticPrefix(std::string_view prefix) {
  const std::vector<std::string>& all = CliticPrefixes();
  return std::binary_search(all.begin(), all.end(), prefix);
}

std::string LamVariant(std::string_view term) {
  constexpr std::string_view kArticle = "\u0627\u0644";
  if (!term.starts_with(kArticle) || term.size() == kArticle.size()) return "";
  std::size_t len = 0;
  if (!IsArabicLetter(DecodeAt(term, kArticle.size(), &len))) return "";
  std::string variant = "\u0644\u0644";
  variant += term.substr(kArticle.size());
  return variant;
}

bool AcceptLiteralMatch(std::string_view text, std::size_t begin, std::size_t end, LexiconMode mode,
                        const TermShape& shape, bool lam_variant) {
  Clitics clitics = lam_variant          ? Clitics::kConjunctionOnly
                    : shape.arabic_start ? Clitics::kAll
                                         : Clitics::kNone;
  if (shape.word_start && !StartOk(text, begin, clitics)) return false;
  if (mode == LexiconMode::kWord && shape.word_end && !EndOk(text, end)) return false;
  return true;
}

}  // namespace moderato::internal
