// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Theme inference: which counter-narrative themes (docs/counter-themes.md)
// and hate targets a message touches, with a weight and the reasons.
//
// Three kinds of evidence are combined:
//   * keywords per theme and language (ar, fr, en and Latin-script Arabic /
//     Arabizi), a built-in table of short neutral words ("martyr", "shahid",
//     "caliphate", "invasion", ...) in src/counter/theme_keywords.cc. They are
//     matched over the Normalizer's skeleton view, so accents, harakat,
//     tatweel, leetspeak and spaced letters do not hide them. Latin keywords
//     match at the start of a word (so "martyr" also matches "martyrdom");
//     Arabic keywords match inside a word (clitics: "والشهيد" contains "شهيد");
//   * lexicon categories from the lexicon engine (ThemeSignals::categories):
//     glorification -> glorification_martyrdom, recruitment ->
//     recruitment_travel, dehumanisation -> us_vs_them, violent_call ->
//     religious_justification, slogan -> religious_justification (weak),
//     organisation and media_outlet -> recruitment_travel and
//     religious_justification (weak);
//   * the classifier probability p, a confidence multiplier (0.5 + 0.5 p) on
//     every theme weight when present.
// Each piece of evidence has a weight in (0, 1]; a theme's weight is their
// noisy-OR 1 - prod(1 - w_i), times the classifier multiplier. A keyword in
// another language than the message's counts at 0.8 of its weight.
//
// Thread safety: ThemeInferrer is immutable after Create() and safe to use
// from many threads at once.
//
// Cost: O(message bytes x keywords) with a small constant (a few hundred
// keywords, each a substring search of the skeleton). Messages above
// ThemeInferenceOptions::max_message_bytes fail with kResourceExhausted.
//
// Example:
//   MODERATO_ASSIGN_OR_RETURN(std::unique_ptr<moderato::ThemeInferrer> inferrer,
//                             moderato::ThemeInferrer::Create());
//   MODERATO_ASSIGN_OR_RETURN(moderato::InferredThemes t, inferrer->Infer(post, "en"));
//   for (const moderato::ThemeScore& s : t.themes) Show(s.theme, s.weight, s.reasons);

#ifndef MODERATO_COUNTER_THEMES_H_
#define MODERATO_COUNTER_THEMES_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "moderato/lexicon/lexicon.h"
#include "moderato/scan/analyzer.h"
#include "moderato/status.h"
#include "moderato/text/normalize.h"

namespace moderato {

// One inferred theme (a kCounterThemes id) and why.
struct ThemeScore {
  std::string theme;
  double weight = 0;                 // in (0, 1]
  std::vector<std::string> reasons;  // e.g. "keyword 'martyr' (en)", "lexicon: glorification"
  friend bool operator==(const ThemeScore&, const ThemeScore&) = default;
};

struct InferredThemes {
  // Sorted by weight (descending), then theme id; weights >= min_weight.
  std::vector<ThemeScore> themes;
  // The hate targets among `themes` ("muslims", "jews", "christians",
  // "migrants", "women", "lgbt", "other"), in the same order.
  std::vector<std::string> targets;
};

// Evidence from the rest of the pipeline; everything is optional.
struct ThemeSignals {
  std::vector<LexiconCategory> categories;       // one per lexicon hit (repeats allowed)
  std::optional<double> classifier_probability;  // in [0, 1]; clamped
};

// Returns the signals of an analyzer Evidence (scan/analyzer.h): the
// categories of its lexicon hits and its classifier probability.
ThemeSignals ThemeSignalsFromEvidence(const Evidence& evidence);

struct ThemeInferenceOptions {
  // Infer() fails with kResourceExhausted above this many message bytes.
  std::size_t max_message_bytes = 16 * 1024;
  // Themes weighing less are dropped.
  double min_weight = 0.1;
  // Weight of a keyword hit whose language differs from the message's.
  double cross_language_factor = 0.8;
};

class ThemeInferrer {
 public:
  // Compiles the built-in keyword table with its own Normalizer. Fails with
  // kInternal if the Normalizer cannot be created (ICU data missing).
  static Result<std::unique_ptr<ThemeInferrer>> Create(ThemeInferenceOptions options = {});

  ~ThemeInferrer();
  // Not copyable or movable: shared by reference, like the Normalizer it owns.
  ThemeInferrer(const ThemeInferrer&) = delete;
  ThemeInferrer& operator=(const ThemeInferrer&) = delete;

  // Returns the themes of `message` written in `language` ("ar", "fr", "en",
  // "arabizi" or "" for unknown; any other value counts as unknown).
  // `signals` adds lexicon and classifier evidence. Invalid UTF-8 is not an
  // error (it is replaced, see normalize.h). Fails with kResourceExhausted if
  // message.size() > options().max_message_bytes.
  Result<InferredThemes> Infer(std::string_view message, std::string_view language,
                               const ThemeSignals& signals = {}) const;

  // As Infer(), on a message the caller has already normalised (the
  // skeleton view is used). Never fails on size.
  InferredThemes InferNormalized(const NormalizedText& text, std::string_view language,
                                 const ThemeSignals& signals = {}) const;

  // Number of compiled keywords (for tests and docs).
  std::size_t keyword_count() const;

  const ThemeInferenceOptions& options() const { return options_; }

 private:
  struct Impl;
  ThemeInferrer(ThemeInferenceOptions options, std::unique_ptr<Impl> impl);

  ThemeInferenceOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace moderato

#endif  // MODERATO_COUNTER_THEMES_H_
