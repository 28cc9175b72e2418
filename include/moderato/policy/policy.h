// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Policy turns the evidence gathered about one item (bank matches, lexicon
// categories, classifier probability, risk, language, surface) into a
// Verdict: what to do with it, how urgent it is, and why. The rules live in a
// TOML file owned by the trust-and-safety team, not in code; docs/policy.md is
// the format reference and data/policy/default.toml the shipped default.
//
// A policy is a list of rules. A rule matches when ALL of its condition
// groups hold; a list inside a group matches when ANY item does. A bank group
// (bank, bank_kind, max_distance, min_similarity, labels) must be satisfied by
// ONE bank hit. Every matching non-shadow rule is applied; the verdict's action
// is the most severe applied action (allow < counter_narrative < review <
// hide_pending_review < remove < escalate), or the policy's default_action
// when no rule applies. Shadow rules are evaluated and reported, never
// applied, so a new rule can be measured before it acts.
//
// Priority of a match = severity / 5 x confidence x 100, in [0, 100], where
// confidence is the largest of: for a bank group, 1 - distance / 64 of the
// best satisfying hit (PDQ), its similarity (text) or 1 (exact kinds); for a
// probability condition, the probability; for lexicon or risk conditions, the
// risk.
//
// Parsing is strict: unknown keys, unknown actions, lexicon categories or bank
// kinds, out-of-range thresholds, duplicate rule ids and rules without an
// evidence condition are errors, so a typo never silently disables a rule.
//
// Thread safety: a Policy is immutable once parsed; Evaluate() may be called
// from any number of threads at once. PolicyHolder publishes a new policy to
// running readers: every method is safe from any thread, and a reader keeps
// the policy it got alive.
//
// Cost: Parse() is linear in the file (bounded by PolicyLimits). Evaluate()
// is O(rules x (bank hits x labels + list sizes)), does no I/O and allocates
// only for the rules that match (their reasons and labels).
//
// Example:
//   MODERATO_ASSIGN_OR_RETURN(moderato::Policy policy,
//                             moderato::Policy::Load("data/policy/default.toml"));
//   moderato::PolicyHolder holder(std::move(policy));
//   moderato::Verdict v = holder.Get()->Evaluate(input);  // per request
//   if (v.needs_review) Enqueue(item, v.priority, v.review_deadline_seconds, v.labels);
//   MODERATO_RETURN_IF_ERROR(holder.ReloadFrom(path));  // on SIGHUP; keeps the old one on error

#ifndef MODERATO_POLICY_POLICY_H_
#define MODERATO_POLICY_POLICY_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "moderato/result.h"

namespace moderato {

// What to do with an item, in increasing severity. The numeric order is the
// severity order used to combine rules.
enum class PolicyAction : std::uint8_t {
  kAllow,              // leave it up
  kCounterNarrative,   // leave it up and answer with counter-narratives
  kReview,             // leave it up, queue for a human
  kHidePendingReview,  // hide it now, a human decides
  kRemove,             // take it down (known content, no review needed)
  kEscalate,           // take urgent human action (imminent harm, law enforcement)
};

// Returns "allow", "counter_narrative", "review", "hide_pending_review",
// "remove" or "escalate".
std::string_view PolicyActionName(PolicyAction action);

// Returns the action named `name` (exactly as PolicyActionName spells it), or
// nullopt.
std::optional<PolicyAction> ParsePolicyAction(std::string_view name);

// Returns true for the actions a human must decide: review,
// hide_pending_review and escalate.
bool PolicyActionNeedsReview(PolicyAction action);

// One bank match.
struct PolicyBankHit {
  std::string bank;                 // bank name
  std::string kind;                 // "pdq", "md5", "sha256", "url", "host", "text"
  int distance = 0;                 // PDQ Hamming distance, 0 for exact kinds
  double similarity = 1.0;          // text near-duplicates, in [0, 1]
  std::vector<std::string> labels;  // the signal's behaviours, tags and organisation
};

// The evidence about one item, flattened.
struct PolicyInput {
  std::string language;                          // "ar", "fr", "en", "arabizi", "other", ""
  std::optional<double> classifier_probability;  // calibrated; absent without a classifier
  double risk = 0;                               // the analyzer's combined risk in [0, 1]
  // Distinct categories of lexicon hits: "organisation", "media_outlet",
  // "slogan", "violent_call", "recruitment", "dehumanisation",
  // "glorification", "symbol", "other". Anything else counts as "other".
  std::vector<std::string> lexicon_categories;
  std::vector<PolicyBankHit> bank_hits;  // unsuppressed matches only
  std::string source;                    // "post", "comment", "profile", "message", ... or ""
};

// One rule that matched.
struct RuleMatch {
  std::string rule;  // rule id
  PolicyAction action = PolicyAction::kAllow;
  bool shadow = false;                // shadow rules are reported, never applied
  bool counter_narrative = false;     // the rule asks for counter-narratives
  double priority = 0;                // severity / 5 x confidence x 100, in [0, 100]
  std::int64_t deadline_seconds = 0;  // review deadline when the action needs review, else 0
  // Which conditions fired, with values, e.g.
  // "bank tcap-terrorism pdq distance 12 <= 31; label terrorism".
  std::string reason;
};

// What the policy decided for one item.
struct Verdict {
  // Most severe action among the applied (non-shadow) matching rules;
  // default_action when none.
  PolicyAction action = PolicyAction::kAllow;
  // Some applied rule asks for counter-narratives (action kCounterNarrative,
  // or `counter_narrative = true` on another action), or the default action
  // is kCounterNarrative and no rule applied.
  bool counter_narrative = false;
  bool needs_review = false;  // PolicyActionNeedsReview(action)
  double priority = 0;        // max priority over applied matches
  // Min deadline over applied matches needing review; 0 if none. With no
  // applied match and a default_action needing review, [policy]
  // default_deadline.
  std::int64_t review_deadline_seconds = 0;
  std::string rule;                // id of the deciding rule ("" = default action)
  std::string policy_version;      // Policy::version()
  std::vector<RuleMatch> applied;  // every matching non-shadow rule, in file order
  std::vector<RuleMatch> shadow;   // every matching shadow rule, in file order
  // Union of the bank labels and lexicon categories that fired in applied
  // rules (for the review queue's filters), sorted, unique.
  std::vector<std::string> labels;
};

// Budgets for untrusted policy text. Parse() fails with kResourceExhausted
// past any of them.
struct PolicyLimits {
  std::size_t max_bytes = 1 << 20;    // size of the file
  std::size_t max_rules = 1000;       // [[rule]] entries
  std::size_t max_list_items = 1000;  // items in any one list (bank, labels, ...)
};

namespace internal {
struct PolicyRule;  // a compiled rule; see src/policy/rule.h
}  // namespace internal

class Policy {
 public:
  // Copyable (a policy is a value; copies share the compiled rules) and
  // movable.
  Policy(const Policy&) = default;
  Policy& operator=(const Policy&) = default;
  Policy(Policy&&) noexcept = default;
  Policy& operator=(Policy&&) noexcept = default;
  ~Policy();

  // Parses the text of a policy file. `source_name` names it in messages.
  // Fails with kInvalidArgument and "<source_name>:<line>:<col>: message" for a
  // TOML syntax error or a semantic one (unknown key, bad action, threshold out
  // of range, duplicate rule id, rule without an evidence condition, ...);
  // semantic messages also name the rule id and the key. Fails with
  // kResourceExhausted if `text` or a list in it exceeds `limits`.
  static Result<Policy> Parse(std::string_view text, std::string_view source_name,
                              const PolicyLimits& limits = {});

  // Reads the file at `path` and parses it (`path` is the source name).
  // Fails with kNotFound if it does not exist, kUnavailable if it cannot be
  // read, kResourceExhausted if it is larger than limits.max_bytes, and as
  // Parse() otherwise.
  static Result<Policy> Load(const std::string& path, const PolicyLimits& limits = {});

  // Returns the verdict for `input`. Pure: no I/O, no shared mutable state.
  Verdict Evaluate(const PolicyInput& input) const;

  // Returns "<name>@<first 12 hex digits of the SHA-256 of the file text>":
  // any edit to the file changes it, so verdicts can be traced to a policy.
  const std::string& version() const { return version_; }
  // Returns [policy] name.
  const std::string& name() const { return name_; }
  // Returns [policy] default_action.
  PolicyAction default_action() const { return default_action_; }
  // Returns the number of [[rule]] entries (shadow rules included).
  std::size_t rule_count() const;
  // Returns the rule ids in file order.
  std::vector<std::string> rule_ids() const;

 private:
  Policy() = default;

  std::string name_;
  std::string version_;
  PolicyAction default_action_ = PolicyAction::kAllow;
  std::int64_t default_deadline_seconds_ = 0;
  std::shared_ptr<const std::vector<internal::PolicyRule>> rules_;
};

// Holds the current policy for concurrent readers. Get() copies a shared_ptr
// under a mutex held only for the copy (libstdc++ 12's
// std::atomic<std::shared_ptr> drew a ThreadSanitizer report; see
// docs/design.md). Thread safety: every method may be called from any thread.
class PolicyHolder {
 public:
  explicit PolicyHolder(Policy initial);
  // Not copyable or movable: threads share it by reference.
  PolicyHolder(const PolicyHolder&) = delete;
  PolicyHolder& operator=(const PolicyHolder&) = delete;

  // Returns the current policy. Never null. Callers keep it alive as long as
  // they hold the pointer, across a Set().
  std::shared_ptr<const Policy> Get() const;

  // Makes `policy` current.
  void Set(Policy policy);

  // Loads the policy at `path` and makes it current. On failure returns
  // Policy::Load's error and keeps the current policy.
  Status ReloadFrom(const std::string& path, const PolicyLimits& limits = {});

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const Policy> current_;  // guarded by mu_
};

}  // namespace moderato

#endif  // MODERATO_POLICY_POLICY_H_
