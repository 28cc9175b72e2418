// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Analyzer: the text detection pipeline behind `moderato scan` and `eval`.
//
// For one text it runs, in order: normalisation (both views and obfuscation
// flags), language identification (fastText lid.176 + the Arabizi detector,
// unless the caller supplies a language), the lexicon (hits with original
// byte spans) and the classifier (calibrated probability), then combines them
// into Evidence: a risk score in [0, 1] and a label.
//
// How the label is decided (docs/scan.md explains it with examples). Hits
// whose spans overlap form one cluster that counts with its strongest hit, and
// an entry counts once however often it occurs. Then:
//   lexicon_score   = 1 - prod(1 - weight) over the counted hits
//   violation_score = the same over hits that are acts (slogan, violent call,
//                     recruitment, glorification, dehumanisation, other), not
//                     mere mentions (organisation, media outlet, symbol)
//   risk            = 1 - (1 - lexicon_score) * (1 - classifier probability)
//   flagged         = classifier probability >= the model's threshold
//                     or violation_score >= RiskOptions::lexicon_flag_score
//   label           = violent_extremism  if flagged and an extremist category
//                                        hit (organisation, media outlet,
//                                        slogan, violent call, recruitment,
//                                        glorification, symbol)
//                     hate               if flagged otherwise
//                     review             if not flagged but risk >= review_risk
//                     clean              otherwise
// So naming an organisation (news, research) is "review" at most, unless the
// classifier or an act in the lexicon says more.
//
// Thread safety: an Analyzer is immutable after Create() and may be shared by
// any number of threads; each thread passes its own Analyzer::Scratch. The
// lexicon can be replaced while scans run (SwapLexicon).
//
// Example:
//   MODERATO_ASSIGN_OR_RETURN(auto analyzer, moderato::Analyzer::Create(options));
//   moderato::Analyzer::Scratch scratch;
//   MODERATO_ASSIGN_OR_RETURN(moderato::Evidence e, analyzer->Analyze(text, "", scratch));
//   if (e.label == moderato::RiskLabel::kViolentExtremism) ...

#ifndef MODERATO_SCAN_ANALYZER_H_
#define MODERATO_SCAN_ANALYZER_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "moderato/classify/classifier.h"
#include "moderato/lexicon/lexicon.h"
#include "moderato/status.h"
#include "moderato/text/langid.h"
#include "moderato/text/normalize.h"

namespace moderato {

enum class RiskLabel { kClean, kReview, kHate, kViolentExtremism };

// Returns "clean", "review", "hate" or "violent_extremism".
std::string_view RiskLabelName(RiskLabel label);

struct RiskOptions {
  // A violation score (acts, not mentions) at or above this flags the text.
  double lexicon_flag_score = 0.6;
  // Unflagged texts at or above this risk are labelled "review".
  double review_risk = 0.35;
  // The share of violating posts expected where the scan runs, in (0, 1), or 0
  // to use the classifier's probabilities as calibrated on its dev split. When
  // set, probabilities are moved to this prior (AdjustForPrevalence) and the
  // classifier flags a post when the adjusted probability is at least
  // prevalence_threshold, instead of using the model's own threshold.
  double prevalence = 0;
  double prevalence_threshold = 0.5;
};

// Moves a probability calibrated where positives had prior `from` to a
// population where they have prior `to` (Bayes' rule on the odds; Saerens,
// Latinne and Decaestecker, Neural Computation 2002). `from` and `to` must be
// in (0, 1); `p` is clamped to [0, 1].
double AdjustForPrevalence(double p, double from, double to);

struct AnalyzerOptions {
  // Lexicon file; empty: no lexicon.
  std::string lexicon_path;
  // Classifier model (fastText .bin with its .json sidecar); empty: none.
  std::string classifier_path;
  // fastText language-identification model (lid.176.ftz); empty: none, and
  // every text without a language hint gets "other" unless it is Arabizi.
  std::string lid_model_path;
  NormalizeOptions normalize;
  LexiconOptions lexicon;
  RiskOptions risk;
};

// What the analysis found, with every signal that fired.
struct Evidence {
  std::string lang;              // ar, fr, en, arabizi or other
  double lang_confidence = 0;    // in [0, 1]
  bool lang_from_input = false;  // true when the caller's hint was used
  std::uint32_t flags = 0;       // ObfuscationFlag bits
  LexiconMatches lexicon;
  double lexicon_score = 0;
  double violation_score = 0;  // lexicon score of acts only (see the file comment)
  bool extremist_hit = false;  // a hit in an extremist category
  std::optional<double> classifier_probability;  // absent without a classifier
  bool classifier_positive = false;
  double risk = 0;
  bool flagged = false;
  RiskLabel label = RiskLabel::kClean;
};

class Analyzer {
 public:
  // Per-thread working memory (lexicon scratch). Movable, not copyable.
  // After Analyze() returns OK, `normalized` holds that text's normalised
  // views, for callers that run more analyses on them (theme inference).
  struct Scratch {
    LexiconScratch lexicon;
    NormalizedText normalized;
  };

  // Lends scratches to worker threads: a thread takes one for a batch and
  // gives it back, so scratches are reused without thread-local storage.
  // Thread-safe.
  class ScratchPool {
   public:
    std::unique_ptr<Scratch> Take();
    void Give(std::unique_ptr<Scratch> scratch);

   private:
    std::mutex mu_;
    std::vector<std::unique_ptr<Scratch>> free_;
  };

  // Loads the models and the lexicon named in `options`. Fails with the
  // loaders' errors (kNotFound for a missing file, kInvalidArgument for a bad
  // lexicon line, ...), each prefixed with what was being loaded.
  static Result<std::unique_ptr<Analyzer>> Create(const AnalyzerOptions& options);

  ~Analyzer();
  // Not copyable or movable: shared by reference between threads.
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  // Analyses `text`. `lang_hint` ("ar", "fr", "en", "arabizi"; anything else
  // is ignored) replaces language identification. Fails with
  // kResourceExhausted if the text exceeds options.normalize.max_input_bytes.
  Result<Evidence> Analyze(std::string_view text, std::string_view lang_hint,
                           Scratch& scratch) const;

  // Decides flagged/label/risk from the signals already in `evidence`.
  void Decide(Evidence& evidence) const;

  // Replaces the lexicon for subsequent Analyze() calls.
  void SwapLexicon(std::shared_ptr<const Lexicon> lexicon) { lexicon_.Swap(std::move(lexicon)); }

  const Normalizer& normalizer() const { return *normalizer_; }
  std::shared_ptr<const Lexicon> lexicon() const { return lexicon_.Get(); }
  const Classifier* classifier() const { return classifier_.get(); }
  const LanguageIdentifier* language_identifier() const { return lid_.get(); }
  const AnalyzerOptions& options() const { return options_; }

 private:
  explicit Analyzer(AnalyzerOptions options);

  AnalyzerOptions options_;
  std::unique_ptr<Normalizer> normalizer_;
  LexiconHandle lexicon_;
  std::unique_ptr<Classifier> classifier_;
  std::unique_ptr<LanguageIdentifier> lid_;
};

// Returns true for the categories that mark violent extremism rather than
// generic hate (see the file comment).
bool IsExtremistCategory(LexiconCategory category);

// Returns true for organisation, media outlet and symbol: naming them is a
// mention, which raises risk but never flags a text on its own.
bool IsMentionCategory(LexiconCategory category);

}  // namespace moderato

#endif  // MODERATO_SCAN_ANALYZER_H_
