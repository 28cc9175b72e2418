// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// The compiled form of a policy rule, shared by the parser (policy.cc) and
// the evaluator (evaluate.cc). Not part of the public API.

#ifndef MODERATO_POLICY_RULE_H_
#define MODERATO_POLICY_RULE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "moderato/policy/policy.h"

namespace moderato::internal {

// A bank-name pattern with `*` (any run) and `?` (any one byte), classified
// at parse time so the common shapes (exact name, "prefix-*", "*") avoid the
// general matcher.
class Glob {
 public:
  explicit Glob(std::string pattern);

  bool Matches(std::string_view name) const;
  const std::string& pattern() const { return pattern_; }

 private:
  enum class Shape : std::uint8_t { kExact, kPrefix, kAny, kGeneral };

  std::string pattern_;
  std::string prefix_;  // kPrefix: the pattern without its trailing '*'
  Shape shape_;
};

// The general glob matcher, exposed for tests: greedy with one backtrack
// point, O(|pattern| x |name|) worst case.
bool GlobMatch(std::string_view pattern, std::string_view name);

// The bank hit kinds, as bits of PolicyRule::bank_kinds.
inline constexpr std::string_view kBankKinds[] = {"pdq", "md5", "sha256", "url", "host", "text"};
inline constexpr int kPdqKindIndex = 0;
inline constexpr int kTextKindIndex = 5;

// The lexicon categories, as bits of PolicyRule::lexicon_mask. Unknown
// categories in the input count as "other" (the last one).
inline constexpr std::string_view kLexiconCategories[] = {
    "organisation",   "media_outlet",  "slogan", "violent_call", "recruitment",
    "dehumanisation", "glorification", "symbol", "other"};
inline constexpr int kOtherCategoryIndex = 8;

// Returns the index of `kind` in kBankKinds, or -1.
int BankKindIndex(std::string_view kind);
// Returns the index of `category` in kLexiconCategories, or -1.
int LexiconCategoryIndex(std::string_view category);

struct PolicyRule {
  std::string id;
  PolicyAction action = PolicyAction::kAllow;
  int severity = 3;
  std::int64_t deadline_seconds = 0;  // resolved: 0 unless the action needs review
  bool shadow = false;
  bool counter_narrative = false;

  // The bank group: one hit must satisfy every given key.
  bool has_bank = false;
  std::vector<Glob> banks;       // empty: any bank
  std::uint32_t bank_kinds = 0;  // bit i = kBankKinds[i]; 0: any kind
  std::optional<int> max_distance;
  std::optional<double> min_similarity;
  std::vector<std::string> labels;  // lower-cased; empty: any labels

  std::uint32_t lexicon_mask = 0;  // 0: no lexicon condition
  int min_lexicon_categories = 0;  // 0: no condition
  std::optional<double> min_probability;
  std::optional<double> max_probability;
  std::optional<double> min_risk;
  std::optional<double> max_risk;
  std::vector<std::string> languages;  // empty: any
  std::vector<std::string> sources;    // empty: any
};

}  // namespace moderato::internal

#endif  // MODERATO_POLICY_RULE_H_
