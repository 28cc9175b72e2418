// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// The rewrites that turn the normalized view into the skeleton view
// (docs/normalisation.md, "Skeleton-only foldings"). Each rewrite reads a
// view and, if it changes anything, replaces it with a new view whose bytes
// carry the original spans of the bytes they came from.

#include "text/skeleton.h"

#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace moderato::internal {
namespace {

// Appends without whitespace handling (rewrites of an already clean view).
struct RawBuilder {
  explicit RawBuilder(std::size_t reserve) {
    text.reserve(reserve);
    map.Reserve(reserve);
  }
  std::string text;
  OffsetMap map;
  void Push(std::string_view bytes, ByteSpan origin) {
    text.append(bytes);
    for (std::size_t k = 0; k < bytes.size(); ++k) map.Append(origin);
  }
  TextView Finish(std::uint32_t original_size) {
    TextView view{std::move(text), std::move(map)};
    view.offsets.set_original_size(original_size);
    return view;
  }
};

struct CodePoint {
  UChar32 c;
  std::uint32_t begin;  // byte range in the view
  std::uint32_t end;
};

std::vector<CodePoint> Decode(std::string_view s) {
  std::vector<CodePoint> cps;
  cps.reserve(s.size());
  for (std::size_t k = 0; k < s.size();) {
    std::size_t start = k;
    UChar32 c;
    U8_NEXT_OR_FFFD(s.data(), k, s.size(), c);
    cps.push_back({c, static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(k)});
  }
  return cps;
}

ByteSpan OriginOf(const TextView& v, const CodePoint& cp) {
  return {v.offsets.origin(cp.begin).begin, v.offsets.origin(cp.end - 1).end};
}

bool IsAsciiLetter(UChar32 c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool IsLatinLetter(UChar32 c) {
  if (c < 0x80) return IsAsciiLetter(c);
  if (!u_isalpha(c)) return false;
  UErrorCode e = U_ZERO_ERROR;
  return uscript_getScript(c, &e) == USCRIPT_LATIN;
}

bool IsWordCodePoint(UChar32 c) {
  if (c < 0x80) return IsAsciiLetter(c) || (c >= '0' && c <= '9');
  if (u_isalnum(c)) return true;
  auto type = u_charType(c);
  return type == U_NON_SPACING_MARK || type == U_COMBINING_SPACING_MARK || type == U_ENCLOSING_MARK;
}

}  // namespace

bool FoldConfusables(const Tables& t, bool all, TextView* view) {
  std::vector<CodePoint> cps = Decode(view->text);
  RawBuilder out(view->text.size());
  bool changed = false;
  std::size_t k = 0;
  while (k < cps.size()) {
    if (!IsWordCodePoint(cps[k].c)) {
      out.Push(std::string_view(view->text).substr(cps[k].begin, cps[k].end - cps[k].begin),
               OriginOf(*view, cps[k]));
      ++k;
      continue;
    }
    std::size_t end = k;
    bool latin = false;
    bool confusable = false;
    while (end < cps.size() && IsWordCodePoint(cps[end].c)) {
      if (t.confusables.count(cps[end].c)) {
        confusable = true;
      } else if (IsLatinLetter(cps[end].c)) {
        latin = true;
      }
      ++end;
    }
    bool fold = confusable && (all || latin);
    for (; k < end; ++k) {
      auto it = fold ? t.confusables.find(cps[k].c) : t.confusables.end();
      if (it != t.confusables.end()) {
        out.Push(it->second, OriginOf(*view, cps[k]));
        changed = true;
      } else {
        out.Push(std::string_view(view->text).substr(cps[k].begin, cps[k].end - cps[k].begin),
                 OriginOf(*view, cps[k]));
      }
    }
  }
  if (changed) *view = out.Finish(view->offsets.original_size());
  return changed;
}

namespace {

bool IsSpacingSeparator(UChar32 c) { return c == ' ' || c == '.' || c == '-' || c == '_'; }

// Digits and symbols that FoldLeet may read as letters.
bool IsLeetCharacter(UChar32 c) {
  switch (c) {
    case '0':
    case '1':
    case '3':
    case '4':
    case '5':
    case '7':
    case '8':
    case '$':
    case '@':
    case '!':
    case '|':
      return true;
    default:
      return false;
  }
}

// Letters that may be glued together without creating a composition.
bool IsSpacedLetter(const Tables& t, UChar32 c) {
  if (c < 0x80) return IsAsciiLetter(c);
  return u_isalpha(c) && t.nfkc_cf->hasBoundaryBefore(c);
}

// The same characters as a leetspeak run, so that folding leetspeak after
// this pass can neither create a single letter nor merge runs. The apostrophe
// belongs to words: the "s" of "it's" and the "l" of "l'ecole" are not single.
bool IsSpacingWordChar(UChar32 c) {
  return IsWordCodePoint(c) || c == '@' || c == '$' || c == '!' || c == '|' || c == '\'';
}

bool IsSeparatorByte(char b) { return b == ' ' || b == '.' || b == '-' || b == '_'; }

bool IsAsciiAlnumByte(char b) {
  return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9');
}

// Length of the code point at s[k] if it may be a spaced element (an ASCII
// letter, a leetspeak character or any non-ASCII code point), else 0.
std::size_t MaybeLetterLength(std::string_view s, std::size_t k) {
  if (k >= s.size()) return 0;
  auto b = static_cast<unsigned char>(s[k]);
  if (b < 0x80) return IsAsciiLetter(b) || IsLeetCharacter(b) ? 1 : 0;
  std::size_t len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
  return k + len <= s.size() ? len : 0;
}

// Cheap necessary condition for CollapseSpacedLetters: a window
// "sep L sep L <not ASCII alnum or end>" (the second and third letters of a run).
bool MaybeSpacedLetters(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (!IsSeparatorByte(s[i])) continue;
    std::size_t len = MaybeLetterLength(s, i + 1);
    if (len == 0) continue;
    std::size_t k = i + 1 + len;
    if (k >= s.size() || !IsSeparatorByte(s[k])) continue;
    len = MaybeLetterLength(s, k + 1);
    if (len == 0) continue;
    std::size_t after = k + 1 + len;
    if (after == s.size() || !IsAsciiAlnumByte(s[after])) return true;
  }
  return false;
}

}  // namespace

bool CollapseSpacedLetters(const Tables& t, TextView* view) {
  if (!MaybeSpacedLetters(view->text)) return false;
  std::vector<CodePoint> cps = Decode(view->text);
  // A single letter or leetspeak character standing alone between separators.
  auto single = [&](std::size_t k) {
    return (IsSpacedLetter(t, cps[k].c) || IsLeetCharacter(cps[k].c)) &&
           (k == 0 || !IsSpacingWordChar(cps[k - 1].c)) &&
           (k + 1 == cps.size() || !IsSpacingWordChar(cps[k + 1].c));
  };
  RawBuilder out(view->text.size());
  bool changed = false;
  std::string_view text = view->text;
  auto copy = [&](std::size_t k) {
    out.Push(text.substr(cps[k].begin, cps[k].end - cps[k].begin), OriginOf(*view, cps[k]));
  };
  std::size_t k = 0;
  while (k < cps.size()) {
    if (single(k)) {
      std::size_t last = k;
      std::size_t count = 1;
      std::size_t letters = IsSpacedLetter(t, cps[k].c) ? 1 : 0;
      while (last + 2 < cps.size() && IsSpacingSeparator(cps[last + 1].c) && single(last + 2)) {
        last += 2;
        ++count;
        if (IsSpacedLetter(t, cps[last].c)) ++letters;
      }
      // "d 4 e s h" collapses (FoldLeet then reads "d4esh"); "1 3 5" does not.
      if (count >= 3 && letters >= 2) {
        for (std::size_t m = k; m <= last; m += 2) copy(m);
        changed = true;
        k = last + 1;
        continue;
      }
    }
    copy(k);
    ++k;
  }
  if (changed) *view = out.Finish(view->offsets.original_size());
  return changed;
}

namespace {

bool IsLeetRunChar(UChar32 c) { return IsSpacingWordChar(c); }

char LeetDigit(UChar32 c) {
  switch (c) {
    case '0':
      return 'o';
    case '1':
      return 'i';
    case '3':
      return 'e';
    case '4':
      return 'a';
    case '5':
      return 's';
    case '7':
      return 't';
    case '8':
      return 'b';
    default:
      return 0;
  }
}

// "1er", "3eme", "10km": digits followed by an ordinal or unit suffix stay digits.
bool IsNumberWithSuffix(const std::vector<CodePoint>& cps, std::size_t begin, std::size_t end) {
  std::size_t k = begin;
  while (k < end && cps[k].c >= '0' && cps[k].c <= '9') ++k;
  if (k == begin || k == end) return false;
  std::string suffix;
  for (; k < end; ++k) {
    if (!IsAsciiLetter(cps[k].c)) return false;
    suffix += static_cast<char>(cps[k].c);
  }
  static constexpr std::array<std::string_view, 19> kSuffixes = {
      "e",  "er", "re", "eme", "em", "st", "nd", "rd",  "th", "h",
      "am", "pm", "k",  "km",  "kg", "m",  "mn", "min", "s"};
  return std::find(kSuffixes.begin(), kSuffixes.end(), suffix) != kSuffixes.end();
}

}  // namespace

bool FoldLeet(TextView* view) {
  std::string_view text = view->text;
  // Cheap test: a byte run of [a-z0-9@$!|] or non-ASCII holding both a
  // foldable character and a letter (any non-ASCII byte counts as one).
  auto in_run = [&](std::size_t k) {
    auto b = static_cast<unsigned char>(text[k]);
    return b >= 0x80 || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '@' || b == '$' ||
           b == '!' || b == '|';
  };
  bool candidate = false;
  for (std::size_t k = 0; k < text.size() && !candidate;) {
    bool fold = false;
    bool letter = false;
    std::size_t begin = k;
    for (; k < text.size() && in_run(k); ++k) {
      char b = text[k];
      if (static_cast<unsigned char>(b) >= 0x80 || (b >= 'a' && b <= 'z')) {
        letter = true;
      } else if (b == '$' || (b >= '0' && b <= '9' && LeetDigit(b) != 0)) {
        fold = true;
      } else if ((b == '@' || b == '!' || b == '|') && k > begin && k + 1 < text.size() &&
                 in_run(k + 1)) {
        fold = true;
      }
    }
    candidate = fold && letter;
    ++k;
  }
  if (!candidate) return false;
  std::vector<CodePoint> cps = Decode(text);
  RawBuilder out(text.size());
  bool changed = false;
  auto copy = [&](std::size_t k) {
    out.Push(text.substr(cps[k].begin, cps[k].end - cps[k].begin), OriginOf(*view, cps[k]));
  };
  auto alnum = [&](std::size_t k) {
    UChar32 c = cps[k].c;
    return IsWordCodePoint(c) || c == '$' || c == '@';
  };
  std::size_t k = 0;
  while (k < cps.size()) {
    if (!IsLeetRunChar(cps[k].c)) {
      copy(k++);
      continue;
    }
    std::size_t begin = k;
    std::size_t end = k;
    bool latin = false;
    while (end < cps.size() && IsLeetRunChar(cps[end].c)) {
      if (IsLatinLetter(cps[end].c)) latin = true;
      ++end;
    }
    bool fold = latin && !IsNumberWithSuffix(cps, begin, end);
    for (; k < end; ++k) {
      UChar32 c = cps[k].c;
      char to = 0;
      if (fold) {
        if (c >= '0' && c <= '9') {
          to = LeetDigit(c);
        } else if (c == '$') {
          to = 's';
        } else if (c == '@' && k > begin) {
          to = 'a';
        } else if ((c == '!' || c == '|') && k > begin && k + 1 < end && alnum(k - 1) &&
                   alnum(k + 1)) {
          to = c == '!' ? 'i' : 'l';
        }
      }
      if (to != 0) {
        out.Push(std::string_view(&to, 1), OriginOf(*view, cps[k]));
        changed = true;
      } else {
        copy(k);
      }
    }
  }
  if (changed) *view = out.Finish(view->offsets.original_size());
  return changed;
}

}  // namespace moderato::internal
