// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Policy::Evaluate and the pieces it needs at request time. Cheap scalar
// conditions run before the bank group; reasons and labels are built only
// for rules that match.

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>

#include "moderato/policy/policy.h"
#include "policy/rule.h"

namespace moderato {
namespace internal {

Glob::Glob(std::string pattern) : pattern_(std::move(pattern)) {
  const std::size_t wild = pattern_.find_first_of("*?");
  if (wild == std::string::npos) {
    shape_ = Shape::kExact;
  } else if (pattern_.find_first_not_of('*') == std::string::npos) {
    shape_ = Shape::kAny;
  } else if (wild == pattern_.size() - 1 && pattern_.back() == '*') {
    shape_ = Shape::kPrefix;
    prefix_ = pattern_.substr(0, wild);
  } else {
    shape_ = Shape::kGeneral;
  }
}

bool Glob::Matches(std::string_view name) const {
  switch (shape_) {
    case Shape::kExact:
      return name == pattern_;
    case Shape::kPrefix:
      return name.starts_with(prefix_);
    case Shape::kAny:
      return true;
    case Shape::kGeneral:
      break;
  }
  return GlobMatch(pattern_, name);
}

// Classic wildcard matching: on a mismatch, resume after the last '*' with
// one more byte of the name absorbed by it. Linear space, no recursion.
bool GlobMatch(std::string_view pattern, std::string_view name) {
  std::size_t p = 0;
  std::size_t n = 0;
  std::size_t star = std::string_view::npos;
  std::size_t star_n = 0;
  while (n < name.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == name[n])) {
      ++p;
      ++n;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_n = n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++star_n;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

int BankKindIndex(std::string_view kind) {
  for (std::size_t i = 0; i < std::size(kBankKinds); ++i) {
    if (kBankKinds[i] == kind) return static_cast<int>(i);
  }
  return -1;
}

int LexiconCategoryIndex(std::string_view category) {
  for (std::size_t i = 0; i < std::size(kLexiconCategories); ++i) {
    if (kLexiconCategories[i] == category) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace internal

namespace {

using internal::PolicyRule;

bool EqualsIgnoreCase(std::string_view lower, std::string_view s) {
  if (lower.size() != s.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

bool Contains(const std::vector<std::string>& list, std::string_view s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

// Non-finite evidence (a NaN risk from a broken upstream) must not poison
// the priority: it counts as no confidence.
double Unit(double v) {
  if (!std::isfinite(v)) return 0;
  return std::clamp(v, 0.0, 1.0);
}

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.4g", v);
  return buf;
}

// The bank hit chosen for a rule: the satisfying hit with the highest
// confidence, and which of its rule labels matched.
struct BankChoice {
  const PolicyBankHit* hit = nullptr;
  double confidence = 0;
  const std::string* label = nullptr;
};

BankChoice ChooseBankHit(const PolicyRule& rule, const PolicyInput& input) {
  BankChoice best;
  for (const PolicyBankHit& hit : input.bank_hits) {
    const int kind = internal::BankKindIndex(hit.kind);
    if (rule.bank_kinds != 0 && (kind < 0 || (rule.bank_kinds & (1u << kind)) == 0)) continue;
    const bool pdq = kind == internal::kPdqKindIndex;
    const bool text = kind == internal::kTextKindIndex;
    if (rule.max_distance && pdq && hit.distance > *rule.max_distance) continue;
    if (rule.min_similarity && text && !(hit.similarity >= *rule.min_similarity)) continue;
    if (!rule.banks.empty() &&
        std::none_of(rule.banks.begin(), rule.banks.end(),
                     [&](const internal::Glob& g) { return g.Matches(hit.bank); })) {
      continue;
    }
    const std::string* label = nullptr;
    if (!rule.labels.empty()) {
      for (const std::string& wanted : rule.labels) {
        for (const std::string& have : hit.labels) {
          if (EqualsIgnoreCase(wanted, have)) {
            label = &wanted;
            break;
          }
        }
        if (label != nullptr) break;
      }
      if (label == nullptr) continue;
    }
    double confidence = 1.0;
    if (pdq) confidence = Unit(1.0 - hit.distance / 64.0);
    if (text) confidence = Unit(hit.similarity);
    if (best.hit == nullptr || confidence > best.confidence) best = {&hit, confidence, label};
  }
  return best;
}

void Append(std::string& reason, std::string_view part) {
  if (!reason.empty()) reason += "; ";
  reason += part;
}

std::string DescribeBank(const PolicyRule& rule, const BankChoice& choice) {
  const PolicyBankHit& hit = *choice.hit;
  std::string out = "bank " + hit.bank + ' ' + hit.kind;
  const int kind = internal::BankKindIndex(hit.kind);
  if (kind == internal::kPdqKindIndex) {
    out += " distance " + std::to_string(hit.distance);
    if (rule.max_distance) out += " <= " + std::to_string(*rule.max_distance);
  } else if (kind == internal::kTextKindIndex) {
    out += " similarity " + Number(hit.similarity);
    if (rule.min_similarity) out += " >= " + Number(*rule.min_similarity);
  }
  if (choice.label != nullptr) out += "; label " + *choice.label;
  return out;
}

std::uint32_t LexiconMask(const PolicyInput& input) {
  std::uint32_t mask = 0;
  for (const std::string& category : input.lexicon_categories) {
    int index = internal::LexiconCategoryIndex(category);
    mask |= 1u << (index < 0 ? internal::kOtherCategoryIndex : index);
  }
  return mask;
}

std::string JoinCategories(std::uint32_t mask) {
  std::string out;
  for (std::size_t i = 0; i < std::size(internal::kLexiconCategories); ++i) {
    if ((mask & (1u << i)) == 0) continue;
    if (!out.empty()) out += ',';
    out += internal::kLexiconCategories[i];
  }
  return out;
}

void AddCategories(std::uint32_t mask, std::vector<std::string>& labels) {
  for (std::size_t i = 0; i < std::size(internal::kLexiconCategories); ++i) {
    if ((mask & (1u << i)) != 0) labels.emplace_back(internal::kLexiconCategories[i]);
  }
}

// Returns true and fills `match` (and `labels` with what fired) when every
// condition of `rule` holds for `input`.
bool MatchRule(const PolicyRule& rule, const PolicyInput& input, std::uint32_t input_lexicon,
               RuleMatch& match, std::vector<std::string>* labels) {
  const std::optional<double>& p = input.classifier_probability;
  if (rule.min_probability && !(p && *p >= *rule.min_probability)) return false;
  if (rule.max_probability && !(p && *p <= *rule.max_probability)) return false;
  if (rule.min_risk && !(input.risk >= *rule.min_risk)) return false;
  if (rule.max_risk && !(input.risk <= *rule.max_risk)) return false;
  if (!rule.languages.empty() && !Contains(rule.languages, input.language)) return false;
  if (!rule.sources.empty() && !Contains(rule.sources, input.source)) return false;
  const std::uint32_t lexicon_hit = rule.lexicon_mask & input_lexicon;
  if (rule.lexicon_mask != 0 && lexicon_hit == 0) return false;
  const int distinct = std::popcount(input_lexicon);
  if (rule.min_lexicon_categories > 0 && distinct < rule.min_lexicon_categories) return false;
  BankChoice bank;
  if (rule.has_bank) {
    bank = ChooseBankHit(rule, input);
    if (bank.hit == nullptr) return false;
  }

  double confidence = 0;
  std::string reason;
  if (bank.hit != nullptr) {
    confidence = bank.confidence;
    Append(reason, DescribeBank(rule, bank));
    if (labels != nullptr)
      labels->insert(labels->end(), bank.hit->labels.begin(), bank.hit->labels.end());
  }
  if (rule.lexicon_mask != 0) {
    Append(reason, "lexicon " + JoinCategories(lexicon_hit));
    if (labels != nullptr) AddCategories(lexicon_hit, *labels);
  }
  if (rule.min_lexicon_categories > 0) {
    Append(reason, "lexicon categories " + std::to_string(distinct) +
                       " >= " + std::to_string(rule.min_lexicon_categories));
    if (labels != nullptr) AddCategories(input_lexicon, *labels);
  }
  if (rule.lexicon_mask != 0 || rule.min_lexicon_categories > 0 || rule.min_risk || rule.max_risk) {
    confidence = std::max(confidence, Unit(input.risk));
  }
  if (rule.min_probability || rule.max_probability) {
    confidence = std::max(confidence, Unit(*p));
    std::string part = "probability " + Number(*p);
    if (rule.min_probability) part += " >= " + Number(*rule.min_probability);
    if (rule.max_probability) part += " <= " + Number(*rule.max_probability);
    Append(reason, part);
  }
  if (rule.min_risk || rule.max_risk) {
    std::string part = "risk " + Number(input.risk);
    if (rule.min_risk) part += " >= " + Number(*rule.min_risk);
    if (rule.max_risk) part += " <= " + Number(*rule.max_risk);
    Append(reason, part);
  }
  if (!rule.languages.empty()) Append(reason, "language " + input.language);
  if (!rule.sources.empty()) Append(reason, "source " + input.source);

  match.rule = rule.id;
  match.action = rule.action;
  match.shadow = rule.shadow;
  match.counter_narrative =
      rule.counter_narrative || rule.action == PolicyAction::kCounterNarrative;
  match.priority = std::clamp(rule.severity / 5.0 * confidence * 100.0, 0.0, 100.0);
  match.deadline_seconds = rule.deadline_seconds;
  match.reason = std::move(reason);
  return true;
}

}  // namespace

Verdict Policy::Evaluate(const PolicyInput& input) const {
  Verdict verdict;
  verdict.policy_version = version_;
  const std::uint32_t input_lexicon = LexiconMask(input);
  const RuleMatch* deciding = nullptr;
  if (rules_) {
    for (const PolicyRule& rule : *rules_) {
      RuleMatch match;
      if (!MatchRule(rule, input, input_lexicon, match, rule.shadow ? nullptr : &verdict.labels)) {
        continue;
      }
      if (rule.shadow) {
        verdict.shadow.push_back(std::move(match));
      } else {
        verdict.applied.push_back(std::move(match));
      }
    }
  }
  for (const RuleMatch& m : verdict.applied) {
    // The first rule in file order with the most severe action decides.
    if (deciding == nullptr || m.action > deciding->action) deciding = &m;
    verdict.priority = std::max(verdict.priority, m.priority);
    verdict.counter_narrative |= m.counter_narrative;
    if (m.deadline_seconds > 0 && (verdict.review_deadline_seconds == 0 ||
                                   m.deadline_seconds < verdict.review_deadline_seconds)) {
      verdict.review_deadline_seconds = m.deadline_seconds;
    }
  }
  if (deciding != nullptr) {
    verdict.action = deciding->action;
    verdict.rule = deciding->rule;
  } else {
    verdict.action = default_action_;
    verdict.counter_narrative = default_action_ == PolicyAction::kCounterNarrative;
    verdict.review_deadline_seconds = default_deadline_seconds_;
  }
  verdict.needs_review = PolicyActionNeedsReview(verdict.action);
  std::sort(verdict.labels.begin(), verdict.labels.end());
  verdict.labels.erase(std::unique(verdict.labels.begin(), verdict.labels.end()),
                       verdict.labels.end());
  return verdict;
}

}  // namespace moderato
