// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/scan/analyzer.h"

#include <algorithm>
#include <vector>

namespace moderato {

std::string_view RiskLabelName(RiskLabel label) {
  switch (label) {
    case RiskLabel::kClean:
      return "clean";
    case RiskLabel::kReview:
      return "review";
    case RiskLabel::kHate:
      return "hate";
    case RiskLabel::kViolentExtremism:
      return "violent_extremism";
  }
  return "clean";
}

bool IsExtremistCategory(LexiconCategory category) {
  switch (category) {
    case LexiconCategory::kOrganisation:
    case LexiconCategory::kMediaOutlet:
    case LexiconCategory::kSlogan:
    case LexiconCategory::kViolentCall:
    case LexiconCategory::kRecruitment:
    case LexiconCategory::kGlorification:
    case LexiconCategory::kSymbol:
      return true;
    case LexiconCategory::kDehumanisation:
    case LexiconCategory::kOther:
      return false;
  }
  return false;
}

std::unique_ptr<Analyzer::Scratch> Analyzer::ScratchPool::Take() {
  std::lock_guard<std::mutex> lock(mu_);
  if (free_.empty()) return std::make_unique<Scratch>();
  std::unique_ptr<Scratch> scratch = std::move(free_.back());
  free_.pop_back();
  return scratch;
}

void Analyzer::ScratchPool::Give(std::unique_ptr<Scratch> scratch) {
  std::lock_guard<std::mutex> lock(mu_);
  free_.push_back(std::move(scratch));
}

double AdjustForPrevalence(double p, double from, double to) {
  p = std::clamp(p, 0.0, 1.0);
  if (p == 0.0 || p == 1.0) return p;
  double odds = p / (1.0 - p) * (to / (1.0 - to)) / (from / (1.0 - from));
  return odds / (1.0 + odds);
}

Analyzer::Analyzer(AnalyzerOptions options) : options_(std::move(options)) {}
Analyzer::~Analyzer() = default;

Result<std::unique_ptr<Analyzer>> Analyzer::Create(const AnalyzerOptions& options) {
  std::unique_ptr<Analyzer> analyzer(new Analyzer(options));
  MODERATO_ASSIGN_OR_RETURN(analyzer->normalizer_, Normalizer::Create(options.normalize));
  if (!options.lexicon_path.empty()) {
    Result<std::shared_ptr<const Lexicon>> lexicon =
        Lexicon::Load(options.lexicon_path, *analyzer->normalizer_, options.lexicon);
    if (!lexicon.ok()) return lexicon.status().WithContext("loading the lexicon");
    analyzer->lexicon_.Swap(std::move(lexicon).value());
  }
  if (!options.classifier_path.empty()) {
    Result<std::unique_ptr<Classifier>> classifier = Classifier::Load(options.classifier_path);
    if (!classifier.ok()) return classifier.status().WithContext("loading the classifier");
    analyzer->classifier_ = std::move(classifier).value();
  }
  if (options.risk.prevalence != 0) {
    if (!(options.risk.prevalence > 0 && options.risk.prevalence < 1)) {
      return InvalidArgumentError("prevalence must be in (0, 1)");
    }
    if (analyzer->classifier_ != nullptr && analyzer->classifier_->dev_prevalence() == 0) {
      return FailedPreconditionError(
          "the classifier's sidecar does not record its dev prevalence; cannot adjust to "
          "--prevalence");
    }
  }
  if (!options.lid_model_path.empty()) {
    Result<std::unique_ptr<LanguageIdentifier>> lid =
        LanguageIdentifier::Load(options.lid_model_path);
    if (!lid.ok()) return lid.status().WithContext("loading the language-identification model");
    analyzer->lid_ = std::move(lid).value();
  }
  return analyzer;
}

Result<Evidence> Analyzer::Analyze(std::string_view text, std::string_view lang_hint,
                                   Scratch& scratch) const {
  MODERATO_ASSIGN_OR_RETURN(scratch.normalized, normalizer_->Normalize(text));
  const NormalizedText& normalized = scratch.normalized;
  Evidence evidence;
  evidence.flags = normalized.flags;

  if (lang_hint == "ar" || lang_hint == "fr" || lang_hint == "en" || lang_hint == "arabizi") {
    evidence.lang = std::string(lang_hint);
    evidence.lang_confidence = 1.0;
    evidence.lang_from_input = true;
  } else if (lid_ != nullptr) {
    LanguageGuess guess = lid_->Identify(normalized);
    evidence.lang = std::move(guess.lang);
    evidence.lang_confidence = guess.confidence;
  } else if (double arabizi = ArabiziScore(normalized.normalized.text); arabizi >= 0.5) {
    evidence.lang = "arabizi";
    evidence.lang_confidence = arabizi;
  } else {
    evidence.lang = "other";
  }

  if (std::shared_ptr<const Lexicon> lexicon = lexicon_.Get(); lexicon != nullptr) {
    MODERATO_ASSIGN_OR_RETURN(evidence.lexicon, lexicon->Scan(normalized, scratch.lexicon));
  }
  if (classifier_ != nullptr) {
    double p = classifier_->Probability(normalized);
    if (options_.risk.prevalence > 0) {
      p = AdjustForPrevalence(p, classifier_->dev_prevalence(), options_.risk.prevalence);
      evidence.classifier_positive = p >= options_.risk.prevalence_threshold;
    } else {
      evidence.classifier_positive = p >= classifier_->threshold();
    }
    evidence.classifier_probability = p;
  }
  Decide(evidence);
  return evidence;
}

bool IsMentionCategory(LexiconCategory category) {
  return category == LexiconCategory::kOrganisation || category == LexiconCategory::kMediaOutlet ||
         category == LexiconCategory::kSymbol;
}

void Analyzer::Decide(Evidence& evidence) const {
  // Overlapping hits ("Amaq" inside "Amaq News Agency", an alias inside a long
  // name) describe one mention: each cluster of overlapping spans contributes
  // its strongest hit only. An entry counts once however often it occurs:
  // repetition is not more evidence.
  struct Chosen {
    std::uint32_t entry;
    double weight;
    bool mention;
  };
  std::vector<Chosen> chosen;
  evidence.extremist_hit = false;
  const std::vector<LexiconHit>& hits = evidence.lexicon.hits;
  for (std::size_t i = 0; i < hits.size();) {
    std::size_t best = i;
    std::uint32_t cluster_end = hits[i].span.end;
    std::size_t j = i + 1;
    for (; j < hits.size() && hits[j].span.begin < cluster_end; ++j) {
      cluster_end = std::max(cluster_end, hits[j].span.end);
      if (hits[j].weight > hits[best].weight) best = j;
    }
    for (std::size_t k = i; k < j; ++k) {
      if (IsExtremistCategory(hits[k].category)) evidence.extremist_hit = true;
    }
    const LexiconHit& hit = hits[best];
    bool seen = std::any_of(chosen.begin(), chosen.end(),
                            [&](const Chosen& c) { return c.entry == hit.entry_index; });
    if (!seen) {
      chosen.push_back(
          {hit.entry_index, std::clamp(hit.weight, 0.0, 1.0), IsMentionCategory(hit.category)});
    }
    i = j;
  }
  double keep_all = 1.0;
  double keep_acts = 1.0;
  for (const Chosen& c : chosen) {
    keep_all *= 1.0 - c.weight;
    if (!c.mention) keep_acts *= 1.0 - c.weight;
  }
  evidence.lexicon_score = 1.0 - keep_all;
  evidence.violation_score = 1.0 - keep_acts;
  double p = evidence.classifier_probability.value_or(0.0);
  evidence.risk = 1.0 - (1.0 - evidence.lexicon_score) * (1.0 - p);
  evidence.flagged =
      evidence.classifier_positive || evidence.violation_score >= options_.risk.lexicon_flag_score;
  if (evidence.flagged) {
    evidence.label = evidence.extremist_hit ? RiskLabel::kViolentExtremism : RiskLabel::kHate;
  } else if (evidence.risk >= options_.risk.review_risk) {
    evidence.label = RiskLabel::kReview;
  } else {
    evidence.label = RiskLabel::kClean;
  }
}

}  // namespace moderato
