// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Feeds arbitrary bytes to Policy::Parse as a policy file. Parse must return
// a Status, never crash, and every error must name the source. When it
// succeeds, evaluates a few fixed inputs and checks the verdict's invariants:
// the action is the most severe applied action (or the default), priorities
// stay in [0, 100], labels are sorted and unique, shadow matches are shadow.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string_view>
#include <vector>

#include "moderato/policy/policy.h"

namespace {

std::vector<moderato::PolicyInput> FixedInputs() {
  std::vector<moderato::PolicyInput> inputs(5);
  inputs[1].language = "ar";
  inputs[1].source = "post";
  inputs[1].classifier_probability = 0.95;
  inputs[1].risk = 0.97;
  inputs[1].lexicon_categories = {"violent_call", "recruitment", "brand-new"};
  inputs[1].bank_hits = {{"tcap-terrorism", "pdq", 12, 1.0, {"terrorism", "ISIS"}},
                         {"own-known", "md5", 0, 1.0, {}},
                         {"manifestos", "text", 0, 0.91, {"recruitment"}}};
  inputs[2].language = "arabizi";
  inputs[2].classifier_probability = 0.5;
  inputs[2].risk = 0.5;
  inputs[2].lexicon_categories = {"glorification"};
  inputs[3].classifier_probability = std::numeric_limits<double>::quiet_NaN();
  inputs[3].risk = std::numeric_limits<double>::infinity();
  inputs[3].bank_hits = {{"", "", -5, -1.0, {""}}, {"x", "pdq", 1000, 2.0, {}}};
  inputs[4].risk = -1;
  inputs[4].lexicon_categories = {"organisation",  "media_outlet", "slogan",
                                  "violent_call",  "recruitment",  "dehumanisation",
                                  "glorification", "symbol",       "other"};
  return inputs;
}

void Check(const moderato::Policy& policy, const moderato::Verdict& v) {
  moderato::PolicyAction most = policy.default_action();
  if (!v.applied.empty()) most = moderato::PolicyAction::kAllow;
  for (const moderato::RuleMatch& m : v.applied) {
    if (m.shadow || !(m.priority >= 0 && m.priority <= 100)) std::abort();
    most = std::max(most, m.action);
  }
  for (const moderato::RuleMatch& m : v.shadow) {
    if (!m.shadow || !(m.priority >= 0 && m.priority <= 100)) std::abort();
  }
  if (v.action != most) std::abort();
  if (v.needs_review != moderato::PolicyActionNeedsReview(v.action)) std::abort();
  if (v.applied.empty() != v.rule.empty()) std::abort();
  if (v.policy_version != policy.version()) std::abort();
  if (!std::is_sorted(v.labels.begin(), v.labels.end()) ||
      std::adjacent_find(v.labels.begin(), v.labels.end()) != v.labels.end()) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<moderato::PolicyInput> inputs = FixedInputs();
  moderato::PolicyLimits limits;
  limits.max_bytes = 1 << 16;
  limits.max_rules = 64;
  limits.max_list_items = 64;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  moderato::Result<moderato::Policy> policy = moderato::Policy::Parse(text, "fuzz.toml", limits);
  if (!policy.ok()) {
    if (policy.status().code() != moderato::StatusCode::kInvalidArgument &&
        policy.status().code() != moderato::StatusCode::kResourceExhausted) {
      std::abort();
    }
    if (!policy.status().message().starts_with("fuzz.toml")) std::abort();
    return 0;
  }
  if (policy->rule_count() > limits.max_rules) std::abort();
  for (const moderato::PolicyInput& input : inputs) Check(*policy, policy->Evaluate(input));
  return 0;
}
