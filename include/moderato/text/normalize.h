// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Multilingual text normalisation for matching (Arabic, French, English,
// Latin-script Arabic), with an exact map back to the original bytes.
//
// Normalize() turns one untrusted UTF-8 text into two views:
//   * `normalized`: NFKC + case folding (ICU), invisible and format characters
//     removed (zero-width, bidi controls, soft hyphen, variation selectors, tag
//     characters, other controls), combining marks removed (élève -> eleve),
//     Arabic folded (harakat, tatweel, alef variants, alef maqsura, ta marbuta,
//     Persian/Urdu look-alikes, Arabic-Indic digits), typographic apostrophes
//     made ASCII, whitespace runs collapsed to one space and trimmed, and
//     Latin look-alikes inside mixed-script words folded to Latin.
//     docs/normalisation.md has the full table.
//   * `skeleton`: the normalized view, further folded for obfuscation: every
//     Cyrillic/Greek confusable folded to Latin (ICU spoof checker), leetspeak
//     folded inside words that contain letters (4->a, 3->e, 1->i, 0->o, 5/$->s,
//     @->a, ...), and letters spaced out inside a word collapsed
//     ("h a t e" -> "hate"). Numbers without letters ("2024", "10 ans") keep
//     their digits; Arabizi digits fold too ("3la" -> "ela"): lexicon terms go
//     through the same function, so they still match.
// Each view carries an OffsetMap: any byte span of the view maps back to the
// exact byte span of the original input it came from.
//
// Invalid UTF-8 never fails: each maximal invalid subsequence becomes U+FFFD
// in the views and ObfuscationFlag::kInvalidUtf8 is raised.
//
// Invariants (tested and fuzzed): both views are valid UTF-8;
// Normalize(view).normalized == view for view = Normalize(x).normalized, and
// likewise for the skeleton (idempotence); offset maps are monotone (begins
// non-decreasing) and within the input's bounds; the fast paths agree with a
// slow all-ICU oracle.
//
// Thread safety: Normalizer is immutable after Create() and safe to use from
// many threads at once.
//
// Cost: linear in the input (about 90 MB/s on one core for tweets; ASCII
// takes a 1:1 fast path). Each view holds 8 bytes of offset map per byte, and
// a view is at most 18x the input + 16 bytes. Inputs larger than
// NormalizeOptions::max_input_bytes fail with kResourceExhausted. The first
// Create() in a process builds shared tables (~1.5 MB, about 20 ms).
//
// Example:
//   MODERATO_ASSIGN_OR_RETURN(std::unique_ptr<moderato::Normalizer> n,
//                             moderato::Normalizer::Create());
//   MODERATO_ASSIGN_OR_RETURN(moderato::NormalizedText t, n->Normalize(post));
//   moderato::ByteSpan where = t.skeleton.offsets.ToOriginal(3, 7);

#ifndef MODERATO_TEXT_NORMALIZE_H_
#define MODERATO_TEXT_NORMALIZE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "moderato/status.h"

namespace moderato {

// A half-open byte range [begin, end) in some string.
struct ByteSpan {
  std::uint32_t begin = 0;
  std::uint32_t end = 0;

  std::uint32_t size() const { return end - begin; }
  friend bool operator==(const ByteSpan&, const ByteSpan&) = default;
};

// Maps each byte of a view to the byte range of the original text that
// produced it. Several view bytes may share one original range (a ligature
// expanded), and an original range may produce no view byte (a removed
// zero-width space).
class OffsetMap {
 public:
  OffsetMap() = default;

  // Appends the origin of the next view byte.
  void Append(ByteSpan origin) { origins_.push_back(origin); }
  void Reserve(std::size_t n) { origins_.reserve(n); }
  void Clear() { origins_.clear(); }

  // Returns the original span covering view bytes [view_begin, view_end):
  // from the start of the first byte's origin to the end of the last one's.
  // An empty view span maps to the empty span at the origin of view_begin (or
  // at original_size when view_begin is at the end). Out-of-range arguments
  // are clamped; they are programmer errors checked in debug builds.
  ByteSpan ToOriginal(std::size_t view_begin, std::size_t view_end) const;

  // Origin of one view byte, i < size().
  ByteSpan origin(std::size_t i) const { return origins_[i]; }
  std::size_t size() const { return origins_.size(); }

  // Set by the producer: the size of the original text (for empty spans at the end).
  void set_original_size(std::uint32_t n) { original_size_ = n; }
  std::uint32_t original_size() const { return original_size_; }

 private:
  std::vector<ByteSpan> origins_;
  std::uint32_t original_size_ = 0;
};

// One view of a text and the map from its bytes to the original bytes.
struct TextView {
  std::string text;   // valid UTF-8
  OffsetMap offsets;  // offsets.size() == text.size()
};

// Bits describing what the normaliser saw; several may be set.
enum class ObfuscationFlag : std::uint32_t {
  kNone = 0,
  kInvalidUtf8 = 1u << 0,         // invalid sequences were replaced by U+FFFD
  kInvisible = 1u << 1,           // zero-width, soft hyphen, variation selector or tag characters
  kBidiControl = 1u << 2,         // bidi embedding/override/isolate controls
  kConfusable = 1u << 3,          // a word mixed Latin with Cyrillic/Greek look-alikes
  kFullwidth = 1u << 4,           // fullwidth or other compatibility forms (NFKC changed them)
  kLeetspeak = 1u << 5,           // digits or symbols used as letters inside a word
  kSpacedLetters = 1u << 6,       // a word spelled with letters spaced apart
  kTatweel = 1u << 7,             // Arabic tatweel (kashida) used to stretch words
  kArabicDiacritics = 1u << 8,    // harakat, tanwin, shadda, sukun
  kLatinDiacritics = 1u << 9,     // accents folded (ordinary in French; informational)
  kMixedDigitsScript = 1u << 10,  // Arabic-Indic or Persian digits
};

constexpr std::uint32_t operator|(ObfuscationFlag a, ObfuscationFlag b) {
  return static_cast<std::uint32_t>(a) | static_cast<std::uint32_t>(b);
}
constexpr bool HasFlag(std::uint32_t flags, ObfuscationFlag f) {
  return (flags & static_cast<std::uint32_t>(f)) != 0;
}

// Returns the names of the set flags, in bit order: "invalid_utf8", "invisible",
// "bidi_control", "confusable", "fullwidth", "leetspeak", "spaced_letters",
// "tatweel", "arabic_diacritics", "latin_diacritics", "mixed_digits_script".
// The views point to static strings.
std::vector<std::string_view> ObfuscationFlagNames(std::uint32_t flags);

struct NormalizedText {
  TextView normalized;
  TextView skeleton;
  std::uint32_t flags = 0;  // ObfuscationFlag bits
};

struct NormalizeOptions {
  // Normalize() fails with kResourceExhausted above this many input bytes.
  std::size_t max_input_bytes = 1u << 20;
};

class Normalizer {
 public:
  // Fails with kInternal if ICU data (normalisers, spoof checker) cannot be loaded.
  static Result<std::unique_ptr<Normalizer>> Create(NormalizeOptions options = {});

  ~Normalizer();
  // Not copyable or movable: holds ICU objects shared by reference.
  Normalizer(const Normalizer&) = delete;
  Normalizer& operator=(const Normalizer&) = delete;

  // Returns both views of `input`. Fails only with kResourceExhausted when
  // input.size() > options().max_input_bytes.
  Result<NormalizedText> Normalize(std::string_view input) const;

  // Normalizes a lexicon term exactly as Normalize() treats text (same views,
  // maps and flags), so that terms and texts fold alike. Same failures.
  Result<NormalizedText> NormalizeTerm(std::string_view term) const { return Normalize(term); }

  const NormalizeOptions& options() const { return options_; }

 private:
  struct Impl;
  Normalizer(NormalizeOptions options, std::unique_ptr<Impl> impl);

  NormalizeOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace moderato

#endif  // MODERATO_TEXT_NORMALIZE_H_
