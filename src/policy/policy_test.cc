// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/policy/policy.h"

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/rule.h"

namespace moderato {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr std::string_view kHeader = R"(
[policy]
name = "test"
)";

// Parses kHeader followed by `rules`; fails the test on error.
Policy MustParse(std::string_view rules) {
  std::string text = std::string(kHeader) + std::string(rules);
  Result<Policy> policy = Policy::Parse(text, "test.toml");
  EXPECT_TRUE(policy.ok()) << policy.status();
  if (!policy.ok()) std::abort();
  return *std::move(policy);
}

Status ParseError(std::string_view rules) {
  std::string text = std::string(kHeader) + std::string(rules);
  Result<Policy> policy = Policy::Parse(text, "test.toml");
  return policy.ok() ? OkStatus() : policy.status();
}

PolicyBankHit Hit(std::string bank, std::string kind, int distance = 0,
                  std::vector<std::string> labels = {}, double similarity = 1.0) {
  return PolicyBankHit{std::move(bank), std::move(kind), distance, similarity, std::move(labels)};
}

std::vector<std::string> Ids(const std::vector<RuleMatch>& matches) {
  std::vector<std::string> ids;
  for (const RuleMatch& m : matches) ids.push_back(m.rule);
  return ids;
}

// ---------------------------------------------------------------- actions

TEST(PolicyActionTest, NamesRoundTripInSeverityOrder) {
  const PolicyAction all[] = {PolicyAction::kAllow,  PolicyAction::kCounterNarrative,
                              PolicyAction::kReview, PolicyAction::kHidePendingReview,
                              PolicyAction::kRemove, PolicyAction::kEscalate};
  const char* names[] = {"allow",  "counter_narrative", "review", "hide_pending_review",
                         "remove", "escalate"};
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(PolicyActionName(all[i]), names[i]);
    EXPECT_EQ(ParsePolicyAction(names[i]), all[i]);
    if (i > 0) {
      EXPECT_LT(all[i - 1], all[i]);
    }
  }
  EXPECT_EQ(ParsePolicyAction("Remove"), std::nullopt);
  EXPECT_EQ(ParsePolicyAction(""), std::nullopt);
}

// ---------------------------------------------------------------- parsing

TEST(PolicyParseTest, SyntaxErrorNamesSourceLineAndColumn) {
  Result<Policy> p = Policy::Parse("[policy]\nname = \"x\"\nseverity = = 3\n", "my.toml");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(p.status().message(), HasSubstr("my.toml:3:"));
}

TEST(PolicyParseTest, UnknownRuleKeyIsRejectedWithRuleIdAndLine) {
  Status s = ParseError(R"(
[[rule]]
id = "r1"
action = "review"
sevrity = 3
[rule.when]
min_risk = 0.5
)");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("test.toml:8:1: rule 'r1': key 'sevrity'"));
}

TEST(PolicyParseTest, UnknownConditionIsRejected) {
  Status s = ParseError(R"(
[[rule]]
id = "r1"
action = "review"
[rule.when]
min_probabilty = 0.5
)");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("rule 'r1': key 'min_probabilty'"));
}

TEST(PolicyParseTest, UnknownTopLevelAndPolicyKeysAreRejected) {
  EXPECT_FALSE(Policy::Parse("[policy]\nname = \"x\"\n[rules]\n", "t").ok());
  Result<Policy> p = Policy::Parse("[policy]\nname = \"x\"\ndefault = \"allow\"\n", "t");
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(p.status().message(), HasSubstr("key 'default'"));
}

TEST(PolicyParseTest, PolicyNameIsRequired) {
  EXPECT_FALSE(Policy::Parse("", "t").ok());
  EXPECT_FALSE(Policy::Parse("[policy]\n", "t").ok());
  EXPECT_FALSE(Policy::Parse("[policy]\nname = \"has space\"\n", "t").ok());
  Result<Policy> p = Policy::Parse("[policy]\nname = \"empty\"\n", "t");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->rule_count(), 0u);
}

TEST(PolicyParseTest, BadActionIsRejected) {
  Status s = ParseError(R"(
[[rule]]
id = "r1"
action = "delete"
[rule.when]
min_risk = 0.5
)");
  EXPECT_THAT(s.message(), HasSubstr("rule 'r1': key 'action': unknown action 'delete'"));
}

TEST(PolicyParseTest, ThresholdsOutOfRangeAreRejected) {
  for (std::string_view cond :
       {"min_probability = 1.5", "max_probability = -0.1", "min_risk = 2", "max_distance = 300",
        "max_distance = -1", "min_similarity = 1.01", "min_lexicon_categories = 0",
        "min_lexicon_categories = 10", "min_probability = nan"}) {
    Status s = ParseError("[[rule]]\nid = \"r\"\naction = \"review\"\n[rule.when]\n" +
                          std::string(cond) + "\n");
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << cond;
  }
  EXPECT_FALSE(
      ParseError("[[rule]]\nid=\"r\"\naction=\"review\"\nseverity=6\n[rule.when]\nmin_risk=0.1\n")
          .ok());
  EXPECT_FALSE(
      ParseError("[[rule]]\nid=\"r\"\naction=\"review\"\nseverity=0\n[rule.when]\nmin_risk=0.1\n")
          .ok());
}

TEST(PolicyParseTest, MinAboveMaxIsRejected) {
  Status s = ParseError(
      "[[rule]]\nid=\"r\"\naction=\"review\"\n[rule.when]\nmin_probability=0.8\n"
      "max_probability=0.2\n");
  EXPECT_THAT(s.message(), HasSubstr("greater than max_probability"));
}

TEST(PolicyParseTest, WrongTypesAreRejected) {
  for (std::string_view cond : {"min_risk = \"0.5\"", "lexicon = 3", "bank = []",
                                "bank = [\"a\", 1]", "labels = [\"\"]", "language = {}"}) {
    Status s = ParseError("[[rule]]\nid = \"r\"\naction = \"review\"\n[rule.when]\n" +
                          std::string(cond) + "\n");
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << cond;
  }
}

TEST(PolicyParseTest, UnknownLexiconCategoryAndBankKindAreRejected) {
  EXPECT_THAT(
      ParseError("[[rule]]\nid=\"r\"\naction=\"review\"\n[rule.when]\nlexicon=\"violence\"\n")
          .message(),
      HasSubstr("unknown lexicon category 'violence'"));
  EXPECT_THAT(ParseError("[[rule]]\nid=\"r\"\naction=\"review\"\n[rule.when]\nbank_kind=\"sha1\"\n")
                  .message(),
              HasSubstr("unknown bank kind 'sha1'"));
}

TEST(PolicyParseTest, DuplicateRuleIdIsRejected) {
  Status s = ParseError(R"(
[[rule]]
id = "dup"
action = "review"
[rule.when]
min_risk = 0.5
[[rule]]
id = "dup"
action = "remove"
[rule.when]
min_risk = 0.9
)");
  EXPECT_THAT(s.message(), HasSubstr("duplicate rule id 'dup'"));
}

TEST(PolicyParseTest, RuleWithoutConditionsIsRejected) {
  EXPECT_THAT(ParseError("[[rule]]\nid=\"r\"\naction=\"remove\"\n").message(),
              HasSubstr("rule 'r': key 'when'"));
  EXPECT_THAT(ParseError("[[rule]]\nid=\"r\"\naction=\"remove\"\n[rule.when]\n").message(),
              HasSubstr("evidence condition"));
  // Language and source only narrow; alone they would match everything.
  EXPECT_FALSE(
      ParseError("[[rule]]\nid=\"r\"\naction=\"remove\"\n[rule.when]\nlanguage=\"ar\"\n").ok());
}

TEST(PolicyParseTest, MissingIdOrActionIsRejected) {
  EXPECT_FALSE(ParseError("[[rule]]\naction=\"remove\"\n[rule.when]\nmin_risk=0.1\n").ok());
  EXPECT_THAT(ParseError("[[rule]]\nid=\"r\"\n[rule.when]\nmin_risk=0.1\n").message(),
              HasSubstr("key 'action': is required"));
}

TEST(PolicyParseTest, DeadlineFormats) {
  auto deadline = [](std::string_view d) -> Result<std::int64_t> {
    Result<Policy> p =
        Policy::Parse(std::string(kHeader) + "[[rule]]\nid=\"r\"\naction=\"review\"\ndeadline=\"" +
                          std::string(d) + "\"\n[rule.when]\nmin_risk=0\n",
                      "t");
    if (!p.ok()) return p.status();
    return p->Evaluate({}).review_deadline_seconds;
  };
  EXPECT_EQ(*deadline("90s"), 90);
  EXPECT_EQ(*deadline("30m"), 1800);
  EXPECT_EQ(*deadline("1h"), 3600);
  EXPECT_EQ(*deadline("24h"), 86400);
  EXPECT_EQ(*deadline("2d"), 172800);
  for (std::string_view bad : {"", "h", "0h", "1w", "-1h", "1.5h", "1 h", "366d", "99999999d"}) {
    EXPECT_FALSE(deadline(bad).ok()) << bad;
  }
}

TEST(PolicyParseTest, DeadlineOnANonReviewActionIsRejected) {
  EXPECT_THAT(
      ParseError(
          "[[rule]]\nid=\"r\"\naction=\"remove\"\ndeadline=\"1h\"\n[rule.when]\nmin_risk=0.1\n")
          .message(),
      HasSubstr("key 'deadline': only applies"));
}

TEST(PolicyParseTest, LimitsAreEnforced) {
  std::string rules;
  for (int i = 0; i < 4; ++i) {
    rules += "[[rule]]\nid=\"r" + std::to_string(i) + "\"\naction=\"review\"\n[rule.when]\n" +
             "language=[\"a\",\"b\",\"c\"]\nmin_risk=0.1\n";
  }
  std::string text = std::string(kHeader) + rules;
  EXPECT_TRUE(Policy::Parse(text, "t").ok());
  EXPECT_EQ(Policy::Parse(text, "t", {.max_bytes = 10}).status().code(),
            StatusCode::kResourceExhausted);
  EXPECT_EQ(Policy::Parse(text, "t", {.max_rules = 3}).status().code(),
            StatusCode::kResourceExhausted);
  EXPECT_EQ(Policy::Parse(text, "t", {.max_list_items = 2}).status().code(),
            StatusCode::kResourceExhausted);
}

TEST(PolicyParseTest, GarbageNeverParsesAndNeverCrashes) {
  std::mt19937_64 rng(20261204);
  for (int i = 0; i < 500; ++i) {
    std::string bytes(rng() % 200 + 1, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    Result<Policy> p = Policy::Parse(bytes, "garbage");
    EXPECT_FALSE(p.ok());
    EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(PolicyParseTest, VersionIsNameAndHashOfTheText) {
  Result<Policy> a = Policy::Parse("[policy]\nname = \"p\"\n", "t");
  Result<Policy> b = Policy::Parse("[policy]\nname = \"p\"\n# a comment\n", "t");
  Result<Policy> c = Policy::Parse("[policy]\nname = \"p\"\n", "other-source");
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a->name(), "p");
  EXPECT_THAT(a->version(), ::testing::MatchesRegex("p@[0-9a-f]{12}"));
  EXPECT_NE(a->version(), b->version());
  EXPECT_EQ(a->version(), c->version());
  EXPECT_EQ(a->Evaluate({}).policy_version, a->version());
}

TEST(PolicyParseTest, VersionMatchesKnownSha256) {
  // printf '[policy]\nname = "p"' | sha256sum
  Result<Policy> p = Policy::Parse("[policy]\nname = \"p\"", "t");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->version(), "p@70a9b60fd17a");
}

// ---------------------------------------------------------------- conditions

TEST(PolicyEvaluateTest, NoMatchGivesTheDefaultAction) {
  Policy p = *Policy::Parse(R"(
[policy]
name = "d"
default_action = "review"
default_deadline = "3h"
)",
                            "t");
  Verdict v = p.Evaluate({});
  EXPECT_EQ(v.action, PolicyAction::kReview);
  EXPECT_TRUE(v.needs_review);
  EXPECT_EQ(v.review_deadline_seconds, 3 * 3600);
  EXPECT_EQ(v.rule, "");
  EXPECT_THAT(v.applied, IsEmpty());
}

TEST(PolicyEvaluateTest, ProbabilityConditions) {
  Policy p = MustParse(R"(
[[rule]]
id = "band"
action = "review"
[rule.when]
min_probability = 0.4
max_probability = 0.9
)");
  PolicyInput in;
  EXPECT_EQ(p.Evaluate(in).action, PolicyAction::kAllow) << "absent probability";
  in.classifier_probability = 0.39;
  EXPECT_EQ(p.Evaluate(in).action, PolicyAction::kAllow);
  in.classifier_probability = 0.4;
  EXPECT_EQ(p.Evaluate(in).action, PolicyAction::kReview) << "bounds are inclusive";
  in.classifier_probability = 0.9;
  EXPECT_EQ(p.Evaluate(in).action, PolicyAction::kReview);
  in.classifier_probability = 0.91;
  EXPECT_EQ(p.Evaluate(in).action, PolicyAction::kAllow);
  in.classifier_probability = std::nan("");
  EXPECT_EQ(p.Evaluate(in).action, PolicyAction::kAllow);
}

TEST(PolicyEvaluateTest, RiskConditions) {
  Policy p = MustParse(R"(
[[rule]]
id = "risky"
action = "review"
[rule.when]
min_risk = 0.5
max_risk = 0.8
)");
  PolicyInput in;
  in.risk = 0.49;
  EXPECT_EQ(p.Evaluate(in).action, PolicyAction::kAllow);
  in.risk = 0.5;
  EXPECT_EQ(p.Evaluate(in).action, PolicyAction::kReview);
  in.risk = 0.81;
  EXPECT_EQ(p.Evaluate(in).action, PolicyAction::kAllow);
}

TEST(PolicyEvaluateTest, LexiconAnyOfAndDistinctCount) {
  Policy p = MustParse(R"(
[[rule]]
id = "calls"
action = "review"
[rule.when]
lexicon = ["violent_call", "recruitment"]
[[rule]]
id = "many"
action = "hide_pending_review"
[rule.when]
min_lexicon_categories = 2
)");
  PolicyInput in;
  in.lexicon_categories = {"organisation"};
  EXPECT_THAT(Ids(p.Evaluate(in).applied), IsEmpty());
  in.lexicon_categories = {"recruitment"};
  EXPECT_THAT(Ids(p.Evaluate(in).applied), ElementsAre("calls"));
  in.lexicon_categories = {"organisation", "slogan"};
  EXPECT_THAT(Ids(p.Evaluate(in).applied), ElementsAre("many"));
  // Unknown categories count as "other"; duplicates count once.
  in.lexicon_categories = {"organisation", "organisation"};
  EXPECT_THAT(Ids(p.Evaluate(in).applied), IsEmpty());
  in.lexicon_categories = {"organisation", "brand-new"};
  EXPECT_THAT(Ids(p.Evaluate(in).applied), ElementsAre("many"));
  in.lexicon_categories = {"violent_call", "symbol"};
  Verdict v = p.Evaluate(in);
  EXPECT_THAT(Ids(v.applied), ElementsAre("calls", "many"));
  EXPECT_EQ(v.action, PolicyAction::kHidePendingReview);
  EXPECT_EQ(v.rule, "many");
  EXPECT_THAT(v.labels, ElementsAre("symbol", "violent_call"));
}

TEST(PolicyEvaluateTest, LanguageAndSourceNarrow) {
  Policy p = MustParse(R"(
[[rule]]
id = "ar-posts"
action = "review"
[rule.when]
language = ["ar", "arabizi"]
source = "post"
min_risk = 0.1
)");
  PolicyInput in;
  in.risk = 0.5;
  in.language = "ar";
  in.source = "post";
  EXPECT_EQ(p.Evaluate(in).action, PolicyAction::kReview);
  in.language = "arabizi";
  EXPECT_EQ(p.Evaluate(in).action, PolicyAction::kReview);
  in.language = "fr";
  EXPECT_EQ(p.Evaluate(in).action, PolicyAction::kAllow);
  in.language = "ar";
  in.source = "comment";
  EXPECT_EQ(p.Evaluate(in).action, PolicyAction::kAllow);
}

TEST(PolicyEvaluateTest, AllGroupsMustHold) {
  Policy p = MustParse(R"(
[[rule]]
id = "and"
action = "remove"
[rule.when]
lexicon = "violent_call"
min_probability = 0.8
)");
  PolicyInput in;
  in.lexicon_categories = {"violent_call"};
  EXPECT_EQ(p.Evaluate(in).action, PolicyAction::kAllow);
  in.classifier_probability = 0.85;
  EXPECT_EQ(p.Evaluate(in).action, PolicyAction::kRemove);
  in.lexicon_categories = {"slogan"};
  EXPECT_EQ(p.Evaluate(in).action, PolicyAction::kAllow);
}

TEST(PolicyEvaluateTest, BankGlobsKindsAndDistance) {
  Policy p = MustParse(R"(
[[rule]]
id = "tcap"
action = "remove"
[rule.when]
bank = ["tcap-*", "own-known", "g?fct"]
bank_kind = ["pdq", "md5"]
max_distance = 20
)");
  auto action = [&](PolicyBankHit hit) {
    PolicyInput in;
    in.bank_hits.push_back(std::move(hit));
    return p.Evaluate(in).action;
  };
  EXPECT_EQ(action(Hit("tcap-terrorism", "pdq", 20)), PolicyAction::kRemove);
  EXPECT_EQ(action(Hit("tcap-terrorism", "pdq", 21)), PolicyAction::kAllow);
  EXPECT_EQ(action(Hit("tcap-", "md5")), PolicyAction::kRemove);
  EXPECT_EQ(action(Hit("own-known", "md5")), PolicyAction::kRemove);
  EXPECT_EQ(action(Hit("own-known-2", "md5")), PolicyAction::kAllow);
  EXPECT_EQ(action(Hit("gifct", "pdq", 3)), PolicyAction::kRemove);
  EXPECT_EQ(action(Hit("gift", "pdq", 3)), PolicyAction::kAllow);
  EXPECT_EQ(action(Hit("tcap-x", "sha256")), PolicyAction::kAllow);
  EXPECT_EQ(action(Hit("TCAP-x", "md5")), PolicyAction::kAllow) << "bank names are exact";
  // max_distance applies to PDQ only: an exact kind counts as distance 0.
  EXPECT_EQ(action(Hit("tcap-x", "md5", 99)), PolicyAction::kRemove);
}

TEST(PolicyEvaluateTest, TextSimilarityAndLabels) {
  Policy p = MustParse(R"(
[[rule]]
id = "text"
action = "hide_pending_review"
[rule.when]
bank_kind = "text"
min_similarity = 0.85
labels = ["Terrorism", "recruitment"]
)");
  PolicyInput in;
  in.bank_hits = {Hit("manifestos", "text", 0, {"terrorism"}, 0.9)};
  Verdict v = p.Evaluate(in);
  ASSERT_EQ(v.action, PolicyAction::kHidePendingReview);
  EXPECT_EQ(v.applied[0].reason, "bank manifestos text similarity 0.9 >= 0.85; label terrorism");
  in.bank_hits = {Hit("manifestos", "text", 0, {"TERRORISM", "isis"}, 0.8)};
  EXPECT_EQ(p.Evaluate(in).action, PolicyAction::kAllow);
  in.bank_hits = {Hit("manifestos", "text", 0, {"hate"}, 0.95)};
  EXPECT_EQ(p.Evaluate(in).action, PolicyAction::kAllow);
  in.bank_hits = {Hit("manifestos", "text", 0, {"hate", "Recruitment"}, 0.95)};
  v = p.Evaluate(in);
  EXPECT_EQ(v.action, PolicyAction::kHidePendingReview);
  EXPECT_THAT(v.labels, ElementsAre("Recruitment", "hate"));
}

TEST(PolicyEvaluateTest, BankGroupNeedsOneHitSatisfyingEveryKey) {
  Policy p = MustParse(R"(
[[rule]]
id = "one-hit"
action = "remove"
[rule.when]
bank = "tcap-*"
max_distance = 10
labels = "terrorism"
)");
  PolicyInput in;
  // The first hit has the right bank and distance but not the label; the
  // second has the label but the wrong bank. Neither alone satisfies the group.
  in.bank_hits = {Hit("tcap-a", "pdq", 4, {"hate"}), Hit("own", "pdq", 2, {"terrorism"})};
  EXPECT_EQ(p.Evaluate(in).action, PolicyAction::kAllow);
  in.bank_hits.push_back(Hit("tcap-b", "pdq", 40, {"terrorism"}));
  EXPECT_EQ(p.Evaluate(in).action, PolicyAction::kAllow);
  in.bank_hits.push_back(Hit("tcap-c", "pdq", 8, {"terrorism"}));
  Verdict v = p.Evaluate(in);
  EXPECT_EQ(v.action, PolicyAction::kRemove);
  EXPECT_EQ(v.applied[0].reason, "bank tcap-c pdq distance 8 <= 10; label terrorism");
}

TEST(PolicyEvaluateTest, BestHitIsTheMostConfident) {
  Policy p = MustParse(R"(
[[rule]]
id = "any-pdq"
action = "remove"
severity = 5
[rule.when]
bank_kind = "pdq"
)");
  PolicyInput in;
  in.bank_hits = {Hit("a", "pdq", 32), Hit("b", "pdq", 16), Hit("c", "pdq", 48)};
  Verdict v = p.Evaluate(in);
  EXPECT_DOUBLE_EQ(v.priority, 75.0);
  EXPECT_EQ(v.applied[0].reason, "bank b pdq distance 16");
}

// ---------------------------------------------------------------- combining

constexpr std::string_view kLadder = R"(
[[rule]]
id = "cn"
action = "counter_narrative"
[rule.when]
min_risk = 0.1
[[rule]]
id = "rev"
action = "review"
deadline = "2d"
[rule.when]
min_risk = 0.2
[[rule]]
id = "esc"
action = "escalate"
deadline = "1h"
[rule.when]
min_risk = 0.9
[[rule]]
id = "hide"
action = "hide_pending_review"
deadline = "6h"
[rule.when]
min_risk = 0.3
[[rule]]
id = "rm"
action = "remove"
[rule.when]
min_risk = 0.4
[[rule]]
id = "rm-again"
action = "remove"
[rule.when]
min_risk = 0.4
)";

TEST(PolicyEvaluateTest, MostSevereActionWinsFirstInFileOrderDecides) {
  Policy p = MustParse(kLadder);
  PolicyInput in;
  const std::pair<double, PolicyAction> cases[] = {
      {0.05, PolicyAction::kAllow},  {0.15, PolicyAction::kCounterNarrative},
      {0.25, PolicyAction::kReview}, {0.35, PolicyAction::kHidePendingReview},
      {0.5, PolicyAction::kRemove},  {0.95, PolicyAction::kEscalate}};
  for (const auto& [risk, action] : cases) {
    in.risk = risk;
    EXPECT_EQ(p.Evaluate(in).action, action) << risk;
  }
  in.risk = 0.5;
  Verdict v = p.Evaluate(in);
  EXPECT_EQ(v.rule, "rm");
  EXPECT_THAT(Ids(v.applied), ElementsAre("cn", "rev", "hide", "rm", "rm-again"));
  EXPECT_TRUE(v.counter_narrative);
  EXPECT_FALSE(v.needs_review) << "remove needs no human";
  EXPECT_EQ(v.review_deadline_seconds, 6 * 3600) << "min over matches needing review";
  in.risk = 0.95;
  v = p.Evaluate(in);
  EXPECT_EQ(v.rule, "esc");
  EXPECT_TRUE(v.needs_review);
  EXPECT_EQ(v.review_deadline_seconds, 3600);
}

TEST(PolicyEvaluateTest, DefaultDeadlineAppliesToReviewRulesWithoutOne) {
  Policy p = *Policy::Parse(R"(
[policy]
name = "d"
default_deadline = "8h"
[[rule]]
id = "r"
action = "review"
[rule.when]
min_risk = 0.5
)",
                            "t");
  PolicyInput in;
  in.risk = 0.6;
  Verdict v = p.Evaluate(in);
  EXPECT_EQ(v.review_deadline_seconds, 8 * 3600);
  EXPECT_EQ(v.applied[0].deadline_seconds, 8 * 3600);
  in.risk = 0.1;
  EXPECT_EQ(p.Evaluate(in).review_deadline_seconds, 0);
}

TEST(PolicyEvaluateTest, ShadowRulesAreReportedNotApplied) {
  Policy p = MustParse(R"(
[[rule]]
id = "live"
action = "review"
[rule.when]
min_risk = 0.5
[[rule]]
id = "trial"
action = "remove"
shadow = true
counter_narrative = true
severity = 5
[rule.when]
lexicon = "recruitment"
)");
  PolicyInput in;
  in.risk = 0.6;
  in.lexicon_categories = {"recruitment"};
  Verdict v = p.Evaluate(in);
  EXPECT_EQ(v.action, PolicyAction::kReview);
  EXPECT_EQ(v.rule, "live");
  EXPECT_FALSE(v.counter_narrative);
  EXPECT_THAT(Ids(v.applied), ElementsAre("live"));
  ASSERT_THAT(Ids(v.shadow), ElementsAre("trial"));
  EXPECT_TRUE(v.shadow[0].shadow);
  EXPECT_EQ(v.shadow[0].action, PolicyAction::kRemove);
  EXPECT_DOUBLE_EQ(v.shadow[0].priority, 60.0);
  EXPECT_DOUBLE_EQ(v.priority, 36.0) << "shadow priority does not count";
  EXPECT_THAT(v.labels, IsEmpty()) << "shadow labels do not count";
}

TEST(PolicyEvaluateTest, CounterNarrativeFlagOnAnotherAction) {
  Policy p = MustParse(R"(
[[rule]]
id = "glor"
action = "review"
counter_narrative = true
[rule.when]
lexicon = "glorification"
)");
  PolicyInput in;
  in.lexicon_categories = {"glorification"};
  Verdict v = p.Evaluate(in);
  EXPECT_EQ(v.action, PolicyAction::kReview);
  EXPECT_TRUE(v.counter_narrative);
  EXPECT_TRUE(v.applied[0].counter_narrative);
  EXPECT_FALSE(p.Evaluate({}).counter_narrative);
}

// ---------------------------------------------------------------- priority

TEST(PolicyEvaluateTest, PriorityFormula) {
  Policy p = MustParse(R"(
[[rule]]
id = "pdq"
action = "remove"
severity = 4
[rule.when]
bank_kind = "pdq"
[[rule]]
id = "exact"
action = "remove"
severity = 3
[rule.when]
bank_kind = "md5"
[[rule]]
id = "text"
action = "review"
severity = 5
[rule.when]
bank_kind = "text"
[[rule]]
id = "prob"
action = "review"
severity = 2
[rule.when]
min_probability = 0.5
[[rule]]
id = "lex"
action = "review"
severity = 5
[rule.when]
lexicon = "slogan"
[[rule]]
id = "prob-and-lex"
action = "review"
severity = 5
[rule.when]
lexicon = "slogan"
min_probability = 0.1
)");
  auto priority = [&](const PolicyInput& in, std::string_view id) {
    for (const RuleMatch& m : p.Evaluate(in).applied) {
      if (m.rule == id) return m.priority;
    }
    return -1.0;
  };
  PolicyInput in;
  in.bank_hits = {Hit("b", "pdq", 16)};
  EXPECT_DOUBLE_EQ(priority(in, "pdq"), 4 / 5.0 * (1 - 16 / 64.0) * 100);  // 60
  in.bank_hits = {Hit("b", "pdq", 100)};
  EXPECT_DOUBLE_EQ(priority(in, "pdq"), 0.0) << "clamped at 0";
  in.bank_hits = {Hit("b", "md5")};
  EXPECT_DOUBLE_EQ(priority(in, "exact"), 60.0);
  in.bank_hits = {Hit("b", "text", 0, {}, 0.9)};
  EXPECT_DOUBLE_EQ(priority(in, "text"), 90.0);
  in = {};
  in.classifier_probability = 0.75;
  EXPECT_DOUBLE_EQ(priority(in, "prob"), 30.0);
  in.lexicon_categories = {"slogan"};
  in.risk = 0.6;
  EXPECT_DOUBLE_EQ(priority(in, "lex"), 60.0) << "lexicon-only rules use the risk";
  EXPECT_DOUBLE_EQ(priority(in, "prob-and-lex"), 75.0) << "max of probability and risk";
  in.risk = std::nan("");
  EXPECT_DOUBLE_EQ(priority(in, "lex"), 0.0) << "NaN risk counts as no confidence";
  Verdict v = p.Evaluate(in);
  EXPECT_DOUBLE_EQ(v.priority, 75.0);
}

TEST(PolicyEvaluateTest, ReasonListsEveryConditionWithValues) {
  Policy p = MustParse(R"(
[[rule]]
id = "full"
action = "escalate"
[rule.when]
bank = "tcap-*"
bank_kind = "pdq"
max_distance = 31
labels = "terrorism"
lexicon = ["violent_call", "recruitment"]
min_lexicon_categories = 2
min_probability = 0.9
min_risk = 0.5
language = "ar"
source = "post"
)");
  PolicyInput in;
  in.language = "ar";
  in.source = "post";
  in.classifier_probability = 0.95;
  in.risk = 0.97;
  in.lexicon_categories = {"violent_call", "organisation"};
  in.bank_hits = {Hit("tcap-terrorism", "pdq", 12, {"terrorism", "isis"})};
  Verdict v = p.Evaluate(in);
  ASSERT_EQ(v.applied.size(), 1u);
  EXPECT_EQ(v.applied[0].reason,
            "bank tcap-terrorism pdq distance 12 <= 31; label terrorism; lexicon violent_call; "
            "lexicon categories 2 >= 2; probability 0.95 >= 0.9; risk 0.97 >= 0.5; language ar; "
            "source post");
  EXPECT_THAT(v.labels, ElementsAre("isis", "organisation", "terrorism", "violent_call"));
}

// ---------------------------------------------------------------- globs

TEST(GlobTest, MatchesLikeShellWildcards) {
  using internal::GlobMatch;
  EXPECT_TRUE(GlobMatch("", ""));
  EXPECT_FALSE(GlobMatch("", "a"));
  EXPECT_TRUE(GlobMatch("*", ""));
  EXPECT_TRUE(GlobMatch("a*c", "abbbc"));
  EXPECT_TRUE(GlobMatch("a*b*c", "axxbyyc"));
  EXPECT_FALSE(GlobMatch("a*b*c", "axxcyyb"));
  EXPECT_TRUE(GlobMatch("?b?", "abc"));
  EXPECT_FALSE(GlobMatch("?b?", "abcd"));
  EXPECT_TRUE(GlobMatch("*-known", "own-known"));
  EXPECT_TRUE(GlobMatch("**a", "bba"));
  EXPECT_FALSE(GlobMatch("a*", "ba"));
}

// The shape-specialised Glob agrees with the general matcher (the oracle).
TEST(GlobTest, SpecialisedShapesAgreeWithGeneralMatcher) {
  std::mt19937 rng(7);
  const char alphabet[] = "ab*?";
  for (int i = 0; i < 5000; ++i) {
    std::string pattern(rng() % 5, 'a');
    for (char& c : pattern) c = alphabet[rng() % 4];
    std::string name(rng() % 5, 'a');
    for (char& c : name) c = alphabet[rng() % 2];
    EXPECT_EQ(internal::Glob(pattern).Matches(name), internal::GlobMatch(pattern, name))
        << pattern << " " << name;
  }
}

// ---------------------------------------------------------------- loading

class PolicyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("policy_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, std::string_view text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  std::filesystem::path dir_;
};

TEST_F(PolicyFileTest, LoadReportsMissingAndOversizedFiles) {
  EXPECT_EQ(Policy::Load((dir_ / "missing.toml").string()).status().code(), StatusCode::kNotFound);
  std::string path = Write("p.toml", "[policy]\nname = \"p\"\n");
  EXPECT_TRUE(Policy::Load(path).ok());
  EXPECT_EQ(Policy::Load(path, {.max_bytes = 4}).status().code(), StatusCode::kResourceExhausted);
  std::string bad = Write("bad.toml", "[policy]\nname = \n");
  Result<Policy> p = Policy::Load(bad);
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(p.status().message(), HasSubstr(bad + ":2:"));
}

TEST_F(PolicyFileTest, FailedReloadKeepsTheOldPolicy) {
  std::string path = Write("p.toml", std::string(kHeader) + R"(
[[rule]]
id = "one"
action = "review"
[rule.when]
min_risk = 0.5
)");
  PolicyHolder holder(*Policy::Load(path));
  const std::string first = holder.Get()->version();
  Write("p.toml", "[policy]\nname = \"test\"\n[[rule]]\nid = \"broken\"\n");
  Status s = holder.ReloadFrom(path);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(holder.Get()->version(), first);
  EXPECT_EQ(holder.Get()->rule_count(), 1u);

  Write("p.toml", std::string(kHeader) + R"(
[[rule]]
id = "two"
action = "remove"
[rule.when]
min_risk = 0.5
)");
  ASSERT_TRUE(holder.ReloadFrom(path).ok());
  EXPECT_NE(holder.Get()->version(), first);
  EXPECT_EQ(holder.Get()->rule_ids(), std::vector<std::string>{"two"});
  EXPECT_EQ(holder.ReloadFrom((dir_ / "gone.toml").string()).code(), StatusCode::kNotFound);
  EXPECT_EQ(holder.Get()->rule_ids(), std::vector<std::string>{"two"});
}

// Readers evaluate while a writer swaps policies. Every verdict must come
// from one of the two policies, whole (run under ThreadSanitizer in CI).
TEST(PolicyHolderTest, ReadersSeeWholePoliciesWhileSetRuns) {
  auto make = [](std::string_view action) {
    return *Policy::Parse(std::string(kHeader) + "[[rule]]\nid = \"r\"\naction = \"" +
                              std::string(action) + "\"\n[rule.when]\nmin_risk = 0.5\n",
                          "t");
  };
  const Policy review = make("review");
  const Policy remove = make("remove");
  PolicyHolder holder(review);
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      PolicyInput in;
      in.risk = 0.7;
      while (!stop.load()) {
        std::shared_ptr<const Policy> p = holder.Get();
        Verdict v = p->Evaluate(in);
        const bool ok =
            (v.action == PolicyAction::kReview && v.policy_version == review.version()) ||
            (v.action == PolicyAction::kRemove && v.policy_version == remove.version());
        if (!ok) bad.fetch_add(1);
      }
    });
  }
  for (int i = 0; i < 2000; ++i) holder.Set(i % 2 ? review : remove);
  stop.store(true);
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(bad.load(), 0);
}

// ---------------------------------------------------------------- shipped policy

class DefaultPolicyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Result<Policy> p = Policy::Load(MODERATO_SOURCE_ROOT "/data/policy/default.toml");
    ASSERT_TRUE(p.ok()) << p.status();
    policy_ = new Policy(*std::move(p));  // NOLINT: leaked test fixture, shared by the suite
  }
  static const Policy& policy() { return *policy_; }
  static inline Policy* policy_ = nullptr;
};

TEST_F(DefaultPolicyTest, Parses) {
  EXPECT_EQ(policy().name(), "default");
  EXPECT_EQ(policy().default_action(), PolicyAction::kAllow);
  EXPECT_GE(policy().rule_count(), 10u);
}

TEST_F(DefaultPolicyTest, CleanIsAllowed) {
  PolicyInput in;
  in.language = "en";
  in.classifier_probability = 0.02;
  in.risk = 0.02;
  Verdict v = policy().Evaluate(in);
  EXPECT_EQ(v.action, PolicyAction::kAllow);
  EXPECT_FALSE(v.needs_review);
  EXPECT_FALSE(v.counter_narrative);
  EXPECT_EQ(v.rule, "");
  EXPECT_THAT(v.applied, IsEmpty());
}

TEST_F(DefaultPolicyTest, KnownTerroristHashIsRemoved) {
  PolicyInput in;
  in.bank_hits = {Hit("tcap-terrorism", "md5", 0, {"terrorism"})};
  Verdict v = policy().Evaluate(in);
  EXPECT_EQ(v.action, PolicyAction::kRemove);
  EXPECT_EQ(v.rule, "known-content-exact");
  EXPECT_DOUBLE_EQ(v.priority, 100.0);
  EXPECT_THAT(v.labels, ElementsAre("terrorism"));

  in.bank_hits = {Hit("tcap-terrorism", "pdq", 10, {"terrorism"})};
  EXPECT_EQ(policy().Evaluate(in).action, PolicyAction::kRemove);
  in.bank_hits = {Hit("tcap-terrorism", "pdq", 28, {"terrorism"})};
  v = policy().Evaluate(in);
  EXPECT_EQ(v.action, PolicyAction::kHidePendingReview);
  EXPECT_EQ(v.review_deadline_seconds, 4 * 3600);
}

TEST_F(DefaultPolicyTest, ViolentCallWithHighProbabilityIsHiddenOrEscalated) {
  PolicyInput in;
  in.language = "ar";
  in.lexicon_categories = {"violent_call"};
  in.classifier_probability = 0.93;
  in.risk = 0.95;
  Verdict v = policy().Evaluate(in);
  EXPECT_EQ(v.action, PolicyAction::kHidePendingReview);
  EXPECT_EQ(v.rule, "violent-call-confident");
  EXPECT_TRUE(v.needs_review);
  EXPECT_EQ(v.review_deadline_seconds, 3600);

  in.classifier_probability = 0.99;
  in.risk = 0.995;
  v = policy().Evaluate(in);
  EXPECT_EQ(v.action, PolicyAction::kEscalate);
  EXPECT_EQ(v.rule, "imminent-violence");
  EXPECT_NEAR(v.priority, 99.5, 1e-9);
}

TEST_F(DefaultPolicyTest, GlorificationAtMidProbabilityIsReviewedWithCounterNarratives) {
  PolicyInput in;
  in.language = "fr";
  in.lexicon_categories = {"glorification"};
  in.classifier_probability = 0.6;
  in.risk = 0.7;
  Verdict v = policy().Evaluate(in);
  EXPECT_EQ(v.action, PolicyAction::kReview);
  EXPECT_TRUE(v.counter_narrative);
  EXPECT_TRUE(v.needs_review);
  EXPECT_EQ(v.rule, "glorification-counter");
  EXPECT_EQ(v.review_deadline_seconds, 86400);
  EXPECT_THAT(v.labels, ElementsAre("glorification"));
}

TEST_F(DefaultPolicyTest, ShadowRuleIsReportedOnly) {
  PolicyInput in;
  in.language = "arabizi";
  in.lexicon_categories = {"recruitment"};
  in.classifier_probability = 0.6;
  in.risk = 0.65;
  Verdict v = policy().Evaluate(in);
  EXPECT_EQ(v.action, PolicyAction::kReview);
  EXPECT_THAT(Ids(v.shadow), ElementsAre("shadow-arabizi-recruitment"));
}

}  // namespace
}  // namespace moderato
