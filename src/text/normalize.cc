// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Normalisation pipeline (see docs/normalisation.md):
//   1. Decode UTF-8 (U8_NEXT: maximal invalid subparts become U+FFFD) and drop
//      invisible/format characters and characters that fold to nothing
//      (stripped marks, tatweel) *before* segmenting, so that removing them
//      can never leave two halves that compose or reorder on a second pass.
//   2. Segment at NFKC_Casefold boundaries (Normalizer2::hasBoundaryBefore,
//      UAX #15 section 9). Each segment is transformed on its own and all its
//      output bytes map to the segment's original byte range.
//   3. The transform of a segment is the fixed point of
//      NFKC_CF(fold(NFD(x))), where fold strips combining marks and applies
//      the Arabic/Latin foldings. One-code-point segments use a table
//      precomputed with the same transform; ASCII bytes followed by ASCII take
//      a 1:1 fast path. Both shortcuts are checked against the general path by
//      tests and by the fuzzer (internal::NormalizeSlowForTesting).
//   4. Whitespace runs collapse to one space, trimmed at both ends.
//   5. Words mixing Latin with Cyrillic/Greek look-alikes are folded (UTS #39
//      skeletons, per code point).
// The skeleton view is computed from the normalized view by three rewrites
// that carry the original spans along, so its map composes with the first.

#include "moderato/text/normalize.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/uspoof.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <limits>
#include <mutex>
#include <unordered_map>

#include "text/normalize_internal.h"
#include "text/skeleton.h"

namespace moderato {

ByteSpan OffsetMap::ToOriginal(std::size_t view_begin, std::size_t view_end) const {
  MODERATO_DCHECK(view_begin <= view_end && view_end <= origins_.size());
  view_end = std::min(view_end, origins_.size());
  view_begin = std::min(view_begin, view_end);
  if (view_begin == view_end) {
    std::uint32_t at = view_begin < origins_.size() ? origins_[view_begin].begin : original_size_;
    return {at, at};
  }
  ByteSpan first = origins_[view_begin];
  ByteSpan last = origins_[view_end - 1];
  return {first.begin, std::max(first.end, last.end)};
}

std::vector<std::string_view> ObfuscationFlagNames(std::uint32_t flags) {
  static constexpr std::array<std::string_view, 11> kNames = {
      "invalid_utf8",      "invisible",        "bidi_control",       "confusable",
      "fullwidth",         "leetspeak",        "spaced_letters",     "tatweel",
      "arabic_diacritics", "latin_diacritics", "mixed_digits_script"};
  std::vector<std::string_view> names;
  for (std::size_t bit = 0; bit < kNames.size(); ++bit) {
    if (flags & (1u << bit)) names.push_back(kNames[bit]);
  }
  return names;
}

namespace internal {
namespace {

constexpr std::uint32_t Bit(ObfuscationFlag f) { return static_cast<std::uint32_t>(f); }

constexpr UChar32 kTableSize = 0x20000;  // BMP and plane 1 (emoji) are tabulated

// CpInfo::cls bits.
constexpr std::uint8_t kClsInvisible = 1;        // removed before segmentation
constexpr std::uint8_t kClsBoundary = 2;         // NFKC_CF boundary before this code point
constexpr std::uint8_t kClsConfusable = 8;       // the output contains a Latin look-alike
constexpr std::uint8_t kClsSymbol = 16;          // So/Sk: a following VS or ZWJ is benign
constexpr std::uint8_t kClsBenignAfterSym = 32;  // VS15/VS16/ZWJ
constexpr std::uint8_t kClsAbsorbed = 64;  // removed mark or tatweel: part of the previous span

bool IsBidiControl(UChar32 c) {
  return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E ||
         c == 0x200F || c == 0x061C;
}

// Removed before segmentation: format (Cf) characters, default ignorables and
// C0/C1 controls other than whitespace.
bool IsInvisible(UChar32 c) {
  if (c < 0x80) return (c < 0x20 && !(c >= 0x09 && c <= 0x0D)) || c == 0x7F;
  if (c >= 0x80 && c < 0xA0) return c != 0x85;
  if (c == 0xFFFD) return false;
  return u_charType(c) == U_FORMAT_CHAR ||
         u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT);
}

// Harakat, tanwin, shadda, sukun, superscript alef, Quranic annotation signs
// (U+0610-061A honorifics and small letters, U+06D6-06ED, U+08D3-08FF).
bool IsArabicMark(UChar32 c) {
  return (c >= 0x064B && c <= 0x065F) || c == 0x0670 || (c >= 0x06D6 && c <= 0x06ED) ||
         (c >= 0x0610 && c <= 0x061A) || (c >= 0x08D3 && c <= 0x08FF && c != 0x08E2);
}

bool IsLatinMark(UChar32 c) {
  return (c >= 0x0300 && c <= 0x036F) || (c >= 0x1AB0 && c <= 0x1AFF) ||
         (c >= 0x1DC0 && c <= 0x1DFF) || (c >= 0x20D0 && c <= 0x20FF) ||
         (c >= 0xFE20 && c <= 0xFE2F);
}

// The per-code-point folds applied after NFD. Appends to `out` (UTF-16).
void FoldCodePoint(UChar32 c, std::uint32_t* flags, icu::UnicodeString* out) {
  if (IsArabicMark(c)) {
    *flags |= Bit(ObfuscationFlag::kArabicDiacritics);
    return;
  }
  if (IsLatinMark(c)) {
    *flags |= Bit(ObfuscationFlag::kLatinDiacritics);
    return;
  }
  if (c == 0x0640) {
    *flags |= Bit(ObfuscationFlag::kTatweel);
    return;
  }
  if (IsInvisible(c)) {
    *flags |= Bit(IsBidiControl(c) ? ObfuscationFlag::kBidiControl : ObfuscationFlag::kInvisible);
    return;
  }
  if (c >= 0x0660 && c <= 0x0669) {
    *flags |= Bit(ObfuscationFlag::kMixedDigitsScript);
    out->append(static_cast<UChar>('0' + (c - 0x0660)));
    return;
  }
  if (c >= 0x06F0 && c <= 0x06F9) {
    *flags |= Bit(ObfuscationFlag::kMixedDigitsScript);
    out->append(static_cast<UChar>('0' + (c - 0x06F0)));
    return;
  }
  if (c != ' ' && u_isUWhiteSpace(c)) {
    out->append(static_cast<UChar>(' '));
    return;
  }
  switch (c) {
    // Alef variants (the hamza/madda forms are already alef + mark after NFD).
    case 0x0671:  // alef wasla
    case 0x0672:  // alef with wavy hamza above
    case 0x0673:  // alef with wavy hamza below
      out->append(static_cast<UChar>(0x0627));
      return;
    // Yeh variants.
    case 0x0649:  // alef maqsura
    case 0x06CC:  // Farsi yeh
    case 0x06CD:  // yeh with tail
    case 0x06CE:  // yeh with small v
    case 0x06D0:  // yeh (E)
    case 0x06D1:  // yeh with three dots below
    case 0x06D2:  // yeh barree
      out->append(static_cast<UChar>(0x064A));
      return;
    // Heh variants and ta marbuta.
    case 0x0629:  // ta marbuta
    case 0x06D5:  // ae
    case 0x06C1:  // heh goal
    case 0x06BE:  // heh doachashmee
    case 0x06C3:  // ta marbuta goal
      out->append(static_cast<UChar>(0x0647));
      return;
    // Kaf variants.
    case 0x06A9:  // keheh
    case 0x06AA:  // swash kaf
      out->append(static_cast<UChar>(0x0643));
      return;
    // Latin letters whose stroke is not a combining mark.
    case 0x00E6:
      out->append(u"ae");
      *flags |= Bit(ObfuscationFlag::kLatinDiacritics);
      return;
    case 0x0153:
      out->append(u"oe");
      *flags |= Bit(ObfuscationFlag::kLatinDiacritics);
      return;
    case 0x00F8:
      out->append(static_cast<UChar>('o'));
      *flags |= Bit(ObfuscationFlag::kLatinDiacritics);
      return;
    case 0x0142:
      out->append(static_cast<UChar>('l'));
      *flags |= Bit(ObfuscationFlag::kLatinDiacritics);
      return;
    case 0x0111:
      out->append(static_cast<UChar>('d'));
      *flags |= Bit(ObfuscationFlag::kLatinDiacritics);
      return;
    case 0x0127:
      out->append(static_cast<UChar>('h'));
      *flags |= Bit(ObfuscationFlag::kLatinDiacritics);
      return;
    case 0x0131:
      out->append(static_cast<UChar>('i'));
      *flags |= Bit(ObfuscationFlag::kLatinDiacritics);
      return;
    // Typographic apostrophes and hyphens (French "l’école").
    case 0x2018:
    case 0x2019:
    case 0x02BC:
      out->append(static_cast<UChar>('\''));
      return;
    case 0x2010:
    case 0x2011:
      out->append(static_cast<UChar>('-'));
      return;
    default:
      out->append(c);
  }
}

// Compatibility forms worth a flag: fullwidth/halfwidth, circled, math
// alphanumerics, squared, small, super/subscript, and Arabic presentation
// forms of letters. Not the ordinary ones ("…", "™", "ﬁ", NBSP, "ﷺ").
bool HasCompatibilityDecomposition(UChar32 c) {
  if (c < 0x80 || u_isUWhiteSpace(c)) return false;
  if ((c >= 0xFDF0 && c <= 0xFDFD) || c == 0x2122) return false;  // ﷲ, ﷺ, ™
  switch (u_getIntPropertyValue(c, UCHAR_DECOMPOSITION_TYPE)) {
    case U_DT_WIDE:
    case U_DT_NARROW:
    case U_DT_CIRCLE:
    case U_DT_FONT:
    case U_DT_SQUARE:
    case U_DT_SMALL:
    case U_DT_SUPER:
    case U_DT_SUB:
    case U_DT_INITIAL:
    case U_DT_MEDIAL:
    case U_DT_FINAL:
    case U_DT_ISOLATED:
      return true;
    default:
      return false;
  }
}

// Returns the UTS #39 skeleton of `c` lowercased if it is one or two ASCII
// letters, else "".
std::string AsciiSkeleton(const USpoofChecker* sc, UChar32 c) {
  UChar src[2];
  std::int32_t len = 0;
  U16_APPEND_UNSAFE(src, len, c);
  UChar dst[16];
  UErrorCode e = U_ZERO_ERROR;
  std::int32_t n = uspoof_getSkeleton(sc, 0, src, len, dst, 16, &e);
  if (U_FAILURE(e) || n <= 0 || n > 2) return "";
  std::string ascii;
  for (std::int32_t k = 0; k < n; ++k) {
    UChar d = dst[k];
    if (d >= 'A' && d <= 'Z') d = static_cast<UChar>(d - 'A' + 'a');
    if (d < 'a' || d > 'z') return "";
    ascii += static_cast<char>(d);
  }
  return ascii;
}

// UTS #39 look-alikes of Latin letters among non-Latin, non-Arabic letters.
std::unordered_map<UChar32, std::string> BuildConfusables(const icu::Normalizer2* nfkc_cf) {
  std::unordered_map<UChar32, std::string> table;
  UErrorCode status = U_ZERO_ERROR;
  USpoofChecker* sc = uspoof_open(&status);
  if (U_FAILURE(status)) return table;
  uspoof_setChecks(sc, USPOOF_CONFUSABLE, &status);
  static constexpr std::array<std::pair<UChar32, UChar32>, 6> kRanges = {{
      {0x0370, 0x0530},  // Greek, Cyrillic
      {0x0530, 0x0590},  // Armenian
      {0x13A0, 0x1400},  // Cherokee
      {0x1F00, 0x2000},  // Greek extended
      {0x2C80, 0x2D00},  // Coptic
      {0xA640, 0xA6A0},  // Cyrillic extended-B
  }};
  for (auto [lo, hi] : kRanges) {
    for (UChar32 c = lo; c < hi; ++c) {
      if (!u_isalpha(c)) continue;
      UErrorCode e = U_ZERO_ERROR;
      UScriptCode script = uscript_getScript(c, &e);
      if (U_FAILURE(e) || script == USCRIPT_LATIN || script == USCRIPT_ARABIC ||
          script == USCRIPT_COMMON || script == USCRIPT_INHERITED) {
        continue;
      }
      UErrorCode ne = U_ZERO_ERROR;
      if (!nfkc_cf->isNormalized(icu::UnicodeString(c), ne)) continue;
      // The lowercase letter's skeleton, else its capital's: casefolding
      // already turned "В" into "в", whose own skeleton is not Latin.
      for (UChar32 form : {c, u_toupper(c)}) {
        std::string ascii = AsciiSkeleton(sc, form);
        if (!ascii.empty()) {
          table.emplace(c, std::move(ascii));
          break;
        }
      }
    }
  }
  uspoof_close(sc);
  return table;
}

// The general transform of one segment: fixed point of NFKC_CF(fold(NFD(x))).
std::string TransformSegment(const Tables& t, const UChar32* cps, std::size_t n,
                             std::uint32_t* flags) {
  icu::UnicodeString src;
  for (std::size_t k = 0; k < n; ++k) {
    src.append(cps[k]);
    if (HasCompatibilityDecomposition(cps[k])) *flags |= Bit(ObfuscationFlag::kFullwidth);
  }
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString x = t.nfkc_cf->normalize(src, status);
  for (int iter = 0; iter < 4 && U_SUCCESS(status); ++iter) {
    icu::UnicodeString d = t.nfd->normalize(x, status);
    icu::UnicodeString folded;
    for (std::int32_t k = 0; k < d.length();) {
      UChar32 c = d.char32At(k);
      FoldCodePoint(c, flags, &folded);
      k += U16_LENGTH(c);
    }
    icu::UnicodeString y = t.nfkc_cf->normalize(folded, status);
    if (y == x) break;
    x = std::move(y);
  }
  if (U_FAILURE(status)) return "\xEF\xBF\xBD";
  std::string out;
  x.toUTF8String(out);
  return out;
}

bool HasConfusable(const Tables& t, std::string_view s) {
  for (std::size_t k = 0; k < s.size();) {
    UChar32 c;
    U8_NEXT_OR_FFFD(s.data(), k, s.size(), c);
    if (c >= 0x80 && t.confusables.count(c)) return true;
  }
  return false;
}

std::unique_ptr<Tables> BuildTables(Status* error) {
  auto t = std::make_unique<Tables>();
  UErrorCode status = U_ZERO_ERROR;
  t->nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(status);
  t->nfd = icu::Normalizer2::getNFDInstance(status);
  if (U_FAILURE(status)) {
    *error = InternalError(std::string("ICU normalizer data unavailable: ") + u_errorName(status));
    return nullptr;
  }
  t->confusables = BuildConfusables(t->nfkc_cf);
  for (int b = 0; b < 128; ++b) {
    t->ascii_out[b] = static_cast<std::uint8_t>((b >= 'A' && b <= 'Z') ? b - 'A' + 'a' : b);
    bool ws = (b >= 0x09 && b <= 0x0D) || b == ' ';
    if (ws) t->ascii_out[b] = ' ';
    t->ascii_plain[b] = ws || (b >= 0x20 && b < 0x7F);
  }
  t->info.resize(kTableSize);
  for (UChar32 c = 0; c < kTableSize; ++c) {
    CpInfo& info = t->info[c];
    if (U_IS_SURROGATE(c)) continue;  // never produced by U8_NEXT
    if (IsInvisible(c)) {
      info.cls = kClsInvisible;
      info.flags = static_cast<std::uint16_t>(
          Bit(IsBidiControl(c) ? ObfuscationFlag::kBidiControl : ObfuscationFlag::kInvisible));
      if ((c >= 0xFE00 && c <= 0xFE0F) || c == 0x200D) info.cls |= kClsBenignAfterSym;
      continue;
    }
    if (t->nfkc_cf->hasBoundaryBefore(c)) info.cls |= kClsBoundary;
    if (c >= 0x80) {
      auto type = u_charType(c);
      if (type == U_OTHER_SYMBOL || type == U_MODIFIER_SYMBOL) info.cls |= kClsSymbol;
    }
    std::string out;
    std::uint32_t flags = 0;
    if (c < 0x80) {
      out.push_back(static_cast<char>(t->ascii_out[c]));
    } else {
      out = TransformSegment(*t, &c, 1, &flags);
      if (HasConfusable(*t, out)) info.cls |= kClsConfusable;
    }
    if (out.size() > 255 || t->pool.size() > std::numeric_limits<std::uint32_t>::max()) {
      *error = InternalError("normalisation table overflow");
      return nullptr;
    }
    info.offset = static_cast<std::uint32_t>(t->pool.size());
    info.length = static_cast<std::uint8_t>(out.size());
    info.flags = static_cast<std::uint16_t>(flags);
    t->pool += out;
    // A code point that folds to nothing (a stripped mark, tatweel) is removed
    // before segmentation like an invisible character: if it started a
    // segment, the marks after it would otherwise be appended to the previous
    // segment's output without canonical reordering.
    if (out.empty()) info.cls = kClsInvisible | kClsAbsorbed;
  }
  return t;
}

// Appends bytes with their origin, collapsing whitespace to one space and
// trimming it at both ends.
class ViewBuilder {
 public:
  explicit ViewBuilder(std::size_t reserve) {
    text_.reserve(reserve);
    map_.Reserve(reserve);
  }

  void Push(char b, ByteSpan origin) {
    if (b == ' ') {
      if (pending_) {
        pending_span_.end = std::max(pending_span_.end, origin.end);
      } else {
        pending_ = true;
        pending_span_ = origin;
      }
      return;
    }
    if (pending_) {
      if (!text_.empty()) {
        text_.push_back(' ');
        map_.Append(pending_span_);
      }
      pending_ = false;
    }
    text_.push_back(b);
    map_.Append(origin);
  }

  void Push(std::string_view bytes, ByteSpan origin) {
    for (char b : bytes) Push(b, origin);
  }

  TextView Finish(std::uint32_t original_size) {
    TextView view{std::move(text_), std::move(map_)};
    view.offsets.set_original_size(original_size);
    return view;
  }

 private:
  std::string text_;
  OffsetMap map_;
  bool pending_ = false;
  ByteSpan pending_span_;
};

const Tables* SharedTables(Status* error) {
  static std::once_flag once;
  static std::unique_ptr<Tables> tables;
  static Status build_error;
  std::call_once(once, [] { tables = BuildTables(&build_error); });
  if (!tables) *error = build_error;
  return tables.get();
}

}  // namespace

NormalizedText NormalizeImpl(const Tables& t, std::string_view input, bool use_shortcuts) {
  NormalizedText result;
  const std::size_t n = input.size();
  const auto* in = reinterpret_cast<const std::uint8_t*>(input.data());
  ViewBuilder view(n + n / 8 + 16);
  std::uint32_t flags = 0;
  bool maybe_confusable = false;
  std::vector<UChar32> segment;

  auto info_of = [&](UChar32 c) -> CpInfo {
    if (c < kTableSize) return t.info[c];
    CpInfo info;
    if (IsInvisible(c)) {
      info.cls = kClsInvisible;
      info.flags = static_cast<std::uint16_t>(Bit(ObfuscationFlag::kInvisible));
      if (c >= 0xE0100 && c <= 0xE01EF) info.cls |= kClsBenignAfterSym;
    } else if (t.nfkc_cf->hasBoundaryBefore(c)) {
      info.cls = kClsBoundary;
    }
    return info;
  };
  auto decode = [&](std::size_t* pos) {
    UChar32 c;
    std::size_t k = *pos;
    U8_NEXT(in, k, n, c);
    if (c < 0) {
      c = 0xFFFD;
      flags |= Bit(ObfuscationFlag::kInvalidUtf8);
    }
    *pos = k;
    return c;
  };
  // Invisible characters after a symbol (emoji presentation selectors, ZWJ in
  // emoji sequences) are removed silently.
  auto drop_invisible = [&](const CpInfo& info, bool after_symbol) {
    if (!(after_symbol && (info.cls & kClsBenignAfterSym))) flags |= info.flags;
  };

  bool after_symbol = false;
  std::size_t i = 0;
  while (i < n) {
    std::uint8_t b = in[i];
    if (use_shortcuts && b < 0x80 && t.ascii_plain[b] &&
        (i + 1 == n || (in[i + 1] < 0x80 && t.ascii_plain[in[i + 1]]))) {
      view.Push(static_cast<char>(t.ascii_out[b]),
                {static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(i + 1)});
      after_symbol = false;
      ++i;
      continue;
    }
    std::size_t seg_begin = i;
    UChar32 first = decode(&i);
    CpInfo first_info = info_of(first);
    if (first_info.cls & kClsInvisible) {
      drop_invisible(first_info, after_symbol);
      continue;
    }
    segment.clear();
    segment.push_back(first);
    std::size_t seg_end = i;
    after_symbol = (first_info.cls & kClsSymbol) != 0;
    while (i < n) {
      std::size_t next = i;
      UChar32 c = decode(&next);
      CpInfo info = info_of(c);
      if (info.cls & kClsInvisible) {
        drop_invisible(info, after_symbol);
        if (info.cls & kClsAbsorbed) seg_end = next;
        i = next;
        continue;
      }
      if (info.cls & kClsBoundary) break;
      segment.push_back(c);
      after_symbol = false;
      seg_end = next;
      i = next;
    }
    ByteSpan origin{static_cast<std::uint32_t>(seg_begin), static_cast<std::uint32_t>(seg_end)};
    if (use_shortcuts && first < kTableSize && segment.size() == 1) {
      view.Push(std::string_view(t.pool).substr(first_info.offset, first_info.length), origin);
      flags |= first_info.flags;
      if (first_info.cls & kClsConfusable) maybe_confusable = true;
    } else {
      std::string out = TransformSegment(t, segment.data(), segment.size(), &flags);
      if (!maybe_confusable && HasConfusable(t, out)) maybe_confusable = true;
      view.Push(out, origin);
    }
  }

  result.normalized = view.Finish(static_cast<std::uint32_t>(n));
  if (maybe_confusable && FoldConfusables(t, /*all=*/false, &result.normalized)) {
    flags |= Bit(ObfuscationFlag::kConfusable);
  }
  result.skeleton = result.normalized;
  if (maybe_confusable) FoldConfusables(t, /*all=*/true, &result.skeleton);
  if (CollapseSpacedLetters(t, &result.skeleton)) flags |= Bit(ObfuscationFlag::kSpacedLetters);
  if (FoldLeet(&result.skeleton)) flags |= Bit(ObfuscationFlag::kLeetspeak);
  result.flags = flags;
  return result;
}

Result<const Tables*> GetTables() {
  Status error;
  const Tables* t = SharedTables(&error);
  if (t == nullptr) return error;
  return t;
}

}  // namespace internal

struct Normalizer::Impl {
  const internal::Tables* tables;
};

Normalizer::Normalizer(NormalizeOptions options, std::unique_ptr<Impl> impl)
    : options_(options), impl_(std::move(impl)) {}

Normalizer::~Normalizer() = default;

Result<std::unique_ptr<Normalizer>> Normalizer::Create(NormalizeOptions options) {
  MODERATO_ASSIGN_OR_RETURN(const internal::Tables* tables, internal::GetTables());
  return std::unique_ptr<Normalizer>(new Normalizer(options, std::make_unique<Impl>(Impl{tables})));
}

Result<NormalizedText> Normalizer::Normalize(std::string_view input) const {
  if (input.size() > options_.max_input_bytes ||
      input.size() > std::numeric_limits<std::uint32_t>::max() / 2) {
    return ResourceExhaustedError(
        "text of " + std::to_string(input.size()) +
        " bytes exceeds max_input_bytes=" + std::to_string(options_.max_input_bytes));
  }
  return internal::NormalizeImpl(*impl_->tables, input, /*use_shortcuts=*/true);
}

namespace internal {

Result<NormalizedText> NormalizeSlowForTesting(std::string_view input) {
  MODERATO_ASSIGN_OR_RETURN(const Tables* tables, GetTables());
  return NormalizeImpl(*tables, input, /*use_shortcuts=*/false);
}

}  // namespace internal

}  // namespace moderato
