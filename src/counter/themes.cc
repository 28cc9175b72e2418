// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/counter/themes.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <utility>

#include "counter/themes_keywords.h"
#include "moderato/counter/item.h"

namespace moderato {
namespace {

constexpr std::size_t kThemeCount = std::size(kCounterThemes);

std::size_t ThemeIndex(std::string_view theme) {
  for (std::size_t i = 0; i < kThemeCount; ++i) {
    if (kCounterThemes[i] == theme) return i;
  }
  return kThemeCount;
}

struct CompiledKeyword {
  std::size_t theme = 0;
  std::string_view language;
  std::string_view original;
  double weight = 0;
  std::string skeleton;
  bool inside_words = false;  // Arabic script: clitics may precede it
};

bool IsArabicScript(std::string_view s) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(s.data());
  const auto n = static_cast<std::int32_t>(s.size());
  std::int32_t i = 0;
  while (i < n) {
    UChar32 c = 0;
    U8_NEXT(p, i, n, c);
    if (c >= 0x0600 && c <= 0x06FF) return true;
  }
  return false;
}

// True when the code point before byte `at` of `s` is not a letter or digit.
bool AtWordStart(std::string_view s, std::size_t at) {
  if (at == 0) return true;
  const auto* p = reinterpret_cast<const std::uint8_t*>(s.data());
  auto i = static_cast<std::int32_t>(at);
  UChar32 c = 0;
  U8_PREV(p, 0, i, c);
  return c < 0 || !u_isalnum(c);
}

bool SameLanguage(std::string_view keyword_language, std::string_view message_language) {
  auto family = [](std::string_view l) -> std::string_view {
    return l == "arabizi" ? std::string_view("ar") : l;
  };
  return family(keyword_language) == family(message_language);
}

struct CategoryRule {
  LexiconCategory category;
  std::string_view theme;
  double weight;
  std::string_view name;
};

// Lexicon categories are evidence about the act, themes about the narrative;
// the mapping follows docs/counter-themes.md.
constexpr CategoryRule kCategoryRules[] = {
    {LexiconCategory::kGlorification, "glorification_martyrdom", 0.6, "glorification"},
    {LexiconCategory::kRecruitment, "recruitment_travel", 0.6, "recruitment"},
    {LexiconCategory::kDehumanisation, "us_vs_them", 0.5, "dehumanisation"},
    {LexiconCategory::kViolentCall, "religious_justification", 0.4, "violent_call"},
    {LexiconCategory::kSlogan, "religious_justification", 0.2, "slogan"},
    {LexiconCategory::kOrganisation, "recruitment_travel", 0.15, "organisation"},
    {LexiconCategory::kOrganisation, "religious_justification", 0.15, "organisation"},
    {LexiconCategory::kMediaOutlet, "recruitment_travel", 0.15, "media_outlet"},
    {LexiconCategory::kMediaOutlet, "religious_justification", 0.15, "media_outlet"},
};

std::string Format(const char* format, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), format, value);
  return buffer;
}

}  // namespace

struct ThemeInferrer::Impl {
  std::unique_ptr<Normalizer> normalizer;
  std::vector<CompiledKeyword> keywords;
};

ThemeSignals ThemeSignalsFromEvidence(const Evidence& evidence) {
  ThemeSignals signals;
  for (const LexiconHit& hit : evidence.lexicon.hits) signals.categories.push_back(hit.category);
  signals.classifier_probability = evidence.classifier_probability;
  return signals;
}

ThemeInferrer::ThemeInferrer(ThemeInferenceOptions options, std::unique_ptr<Impl> impl)
    : options_(options), impl_(std::move(impl)) {}

ThemeInferrer::~ThemeInferrer() = default;

Result<std::unique_ptr<ThemeInferrer>> ThemeInferrer::Create(ThemeInferenceOptions options) {
  auto impl = std::make_unique<Impl>();
  NormalizeOptions normalize_options;
  normalize_options.max_input_bytes = std::max<std::size_t>(options.max_message_bytes, 1);
  Result<std::unique_ptr<Normalizer>> normalizer = Normalizer::Create(normalize_options);
  if (!normalizer.ok()) return normalizer.status().WithContext("theme inference");
  impl->normalizer = std::move(normalizer).value();
  for (const internal::ThemeKeyword& k : internal::BuiltinThemeKeywords()) {
    const std::size_t theme = ThemeIndex(k.theme);
    MODERATO_CHECK_MSG(theme < kThemeCount, k.theme);
    Result<NormalizedText> folded = impl->normalizer->NormalizeTerm(k.keyword);
    if (!folded.ok()) return folded.status().WithContext("theme keyword");
    CompiledKeyword compiled;
    compiled.theme = theme;
    compiled.language = k.language;
    compiled.original = k.keyword;
    compiled.weight = k.weight;
    compiled.skeleton = folded->skeleton.text;
    compiled.inside_words = IsArabicScript(compiled.skeleton);
    if (compiled.skeleton.empty()) continue;
    impl->keywords.push_back(std::move(compiled));
  }
  return std::unique_ptr<ThemeInferrer>(new ThemeInferrer(options, std::move(impl)));
}

std::size_t ThemeInferrer::keyword_count() const { return impl_->keywords.size(); }

Result<InferredThemes> ThemeInferrer::Infer(std::string_view message, std::string_view language,
                                            const ThemeSignals& signals) const {
  if (message.size() > options_.max_message_bytes) {
    return ResourceExhaustedError("theme inference: message of " + std::to_string(message.size()) +
                                  " bytes exceeds max_message_bytes " +
                                  std::to_string(options_.max_message_bytes));
  }
  Result<NormalizedText> text = impl_->normalizer->Normalize(message);
  if (!text.ok()) return text.status().WithContext("theme inference");
  return InferNormalized(*text, language, signals);
}

InferredThemes ThemeInferrer::InferNormalized(const NormalizedText& text, std::string_view language,
                                              const ThemeSignals& signals) const {
  // Noisy-OR: keep the product of (1 - w) per theme.
  std::array<double, kThemeCount> miss;
  miss.fill(1.0);
  std::array<std::vector<std::string>, kThemeCount> reasons;
  const std::string_view skeleton = text.skeleton.text;
  const bool known_language =
      language == "ar" || language == "fr" || language == "en" || language == "arabizi";
  for (const CompiledKeyword& k : impl_->keywords) {
    bool found = false;
    for (std::size_t at = skeleton.find(k.skeleton); at != std::string_view::npos;
         at = skeleton.find(k.skeleton, at + 1)) {
      if (k.inside_words || AtWordStart(skeleton, at)) {
        found = true;
        break;
      }
    }
    if (!found) continue;
    double w = k.weight;
    if (known_language && !SameLanguage(k.language, language)) {
      w *= options_.cross_language_factor;
    }
    miss[k.theme] *= 1.0 - std::clamp(w, 0.0, 1.0);
    std::string reason = "keyword '";
    reason += k.original;
    reason += "' (";
    reason += k.language;
    reason += ")";
    reasons[k.theme].push_back(std::move(reason));
  }
  for (const CategoryRule& rule : kCategoryRules) {
    if (std::find(signals.categories.begin(), signals.categories.end(), rule.category) ==
        signals.categories.end()) {
      continue;
    }
    const std::size_t theme = ThemeIndex(rule.theme);
    miss[theme] *= 1.0 - rule.weight;
    reasons[theme].push_back("lexicon: " + std::string(rule.name));
  }
  double multiplier = 1.0;
  std::string classifier_reason;
  if (signals.classifier_probability.has_value()) {
    const double p = std::clamp(*signals.classifier_probability, 0.0, 1.0);
    multiplier = 0.5 + 0.5 * p;
    classifier_reason = Format("classifier p=%.2f", p) + Format(" x%.2f", multiplier);
  }
  InferredThemes out;
  for (std::size_t t = 0; t < kThemeCount; ++t) {
    const double weight = (1.0 - miss[t]) * multiplier;
    if (reasons[t].empty() || weight < options_.min_weight) continue;
    ThemeScore score;
    score.theme = std::string(kCounterThemes[t]);
    score.weight = weight;
    score.reasons = std::move(reasons[t]);
    if (!classifier_reason.empty()) score.reasons.push_back(classifier_reason);
    out.themes.push_back(std::move(score));
  }
  std::stable_sort(out.themes.begin(), out.themes.end(),
                   [](const ThemeScore& a, const ThemeScore& b) {
                     if (a.weight != b.weight) return a.weight > b.weight;
                     return a.theme < b.theme;
                   });
  for (const ThemeScore& s : out.themes) {
    if (s.theme.starts_with("hate_")) out.targets.push_back(s.theme.substr(5));
  }
  return out;
}

}  // namespace moderato
