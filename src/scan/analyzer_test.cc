// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/scan/analyzer.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace moderato {
namespace {

using ::testing::HasSubstr;

// A tiny lexicon with neutral made-up terms, one per behaviour under test.
constexpr char kLexicon[] =
    "id\tterm\tlanguages\tcategory\tweight\tmode\tsource\n"
    "t.org\tzorblax front\t*\torganisation\t0.5\tword\ttest fixture\n"
    "t.org2\tquintor brigade\t*\torganisation\t0.5\tword\ttest fixture\n"
    "t.call\tflibber the wobbles\ten\tviolent_call\t0.9\tword\ttest fixture\n"
    "t.dehum\tglorpish vermin\ten\tdehumanisation\t0.7\tword\ttest fixture\n"
    "t.symbol\tfront line\ten\tsymbol\t0.6\tword\ttest fixture\n";

class AnalyzerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    path_ = new std::string((std::filesystem::temp_directory_path() /
                             ("analyzer_test_" + std::to_string(::getpid()) + ".tsv"))
                                .string());
    std::ofstream(*path_) << kLexicon;
    AnalyzerOptions options;
    options.lexicon_path = *path_;
    Result<std::unique_ptr<Analyzer>> created = Analyzer::Create(options);
    ASSERT_TRUE(created.ok()) << created.status();
    analyzer_ = std::move(created).value().release();
  }
  static void TearDownTestSuite() {
    delete analyzer_;
    std::remove(path_->c_str());
    delete path_;
  }

  Evidence Analyze(std::string_view text, std::string_view lang = "en") {
    Result<Evidence> e = analyzer_->Analyze(text, lang, scratch_);
    EXPECT_TRUE(e.ok()) << e.status();
    return e.ok() ? *e : Evidence{};
  }

  static std::string* path_;
  static Analyzer* analyzer_;
  Analyzer::Scratch scratch_;
};

std::string* AnalyzerTest::path_ = nullptr;
Analyzer* AnalyzerTest::analyzer_ = nullptr;

TEST_F(AnalyzerTest, NeutralTextIsClean) {
  Evidence e = Analyze("the weather is lovely today");
  EXPECT_EQ(e.label, RiskLabel::kClean);
  EXPECT_TRUE(e.lexicon.hits.empty());
  EXPECT_DOUBLE_EQ(e.risk, 0.0);
  EXPECT_FALSE(e.classifier_probability.has_value());
}

TEST_F(AnalyzerTest, AnOrganisationNameAloneGoesToReview) {
  Evidence e = Analyze("a report about the Zorblax Front today");
  ASSERT_EQ(e.lexicon.hits.size(), 1u);
  EXPECT_EQ(e.lexicon.hits[0].id, "t.org");
  EXPECT_DOUBLE_EQ(e.lexicon_score, 0.5);
  EXPECT_FALSE(e.flagged);
  EXPECT_EQ(e.label, RiskLabel::kReview);
}

TEST_F(AnalyzerTest, RepeatingOneEntryIsNotMoreEvidence) {
  Evidence e = Analyze("zorblax front, zorblax front, zorblax front");
  EXPECT_EQ(e.lexicon.hits.size(), 3u);
  EXPECT_DOUBLE_EQ(e.lexicon_score, 0.5);
  EXPECT_EQ(e.label, RiskLabel::kReview);
}

TEST_F(AnalyzerTest, MentionsAloneNeverFlagEvenWhenSeveral) {
  Evidence e = Analyze("zorblax front and quintor brigade");
  EXPECT_DOUBLE_EQ(e.lexicon_score, 0.75);
  EXPECT_DOUBLE_EQ(e.violation_score, 0.0);
  EXPECT_FALSE(e.flagged);
  EXPECT_EQ(e.label, RiskLabel::kReview);
}

TEST_F(AnalyzerTest, OverlappingHitsCountAsOneMention) {
  // "zorblax front" and "front line" overlap on "front": one cluster, the stronger hit counts.
  Evidence e = Analyze("zorblax front line");
  ASSERT_EQ(e.lexicon.hits.size(), 2u);
  EXPECT_DOUBLE_EQ(e.lexicon_score, 0.6);
  EXPECT_DOUBLE_EQ(e.violation_score, 0.0);
}

TEST_F(AnalyzerTest, AMentionWithAPositiveClassifierIsExtremism) {
  Evidence e = Analyze("a report about the zorblax front");
  e.classifier_probability = 0.8;
  e.classifier_positive = true;
  analyzer_->Decide(e);
  EXPECT_EQ(e.label, RiskLabel::kViolentExtremism);
}

TEST_F(AnalyzerTest, AViolentCallIsFlaggedAsExtremism) {
  Evidence e = Analyze("they said: flibber the wobbles!");
  EXPECT_TRUE(e.extremist_hit);
  EXPECT_EQ(e.label, RiskLabel::kViolentExtremism);
}

TEST_F(AnalyzerTest, DehumanisationWithoutExtremistCategoryIsHate) {
  Evidence e = Analyze("those glorpish vermin again");
  EXPECT_FALSE(e.extremist_hit);
  EXPECT_EQ(e.label, RiskLabel::kHate);
}

TEST_F(AnalyzerTest, ObfuscatedHitReportsOriginalByteSpan) {
  // Zero-width spaces inside the name and fullwidth letters.
  std::string text =
      "see \xEF\xBD\x9A\xEF\xBD\x8F"
      "rb\xE2\x80\x8B"
      "lax front now";
  Evidence e = Analyze(text);
  ASSERT_EQ(e.lexicon.hits.size(), 1u);
  ByteSpan span = e.lexicon.hits[0].span;
  EXPECT_EQ(span.begin, 4u);
  EXPECT_EQ(text.substr(span.begin, span.size()),
            "\xEF\xBD\x9A\xEF\xBD\x8F"
            "rb\xE2\x80\x8B"
            "lax front");
  EXPECT_NE(e.flags, 0u);
}

TEST_F(AnalyzerTest, LanguageHintIsTrustedOnlyForKnownLanguages) {
  Evidence fr = Analyze("bonjour", "fr");
  EXPECT_EQ(fr.lang, "fr");
  EXPECT_TRUE(fr.lang_from_input);
  Evidence unknown = Analyze("bonjour", "xx");
  EXPECT_FALSE(unknown.lang_from_input);
  EXPECT_EQ(unknown.lang, "other");  // no language-identification model in this fixture
}

TEST_F(AnalyzerTest, OversizedTextIsAnError) {
  std::string big(analyzer_->options().normalize.max_input_bytes + 1, 'a');
  Result<Evidence> e = analyzer_->Analyze(big, "en", scratch_);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), StatusCode::kResourceExhausted);
}

TEST_F(AnalyzerTest, ClassifierProbabilityCombinesWithLexiconScore) {
  Evidence e;
  e.classifier_probability = 0.4;
  e.classifier_positive = false;
  analyzer_->Decide(e);
  EXPECT_DOUBLE_EQ(e.risk, 0.4);
  EXPECT_EQ(e.label, RiskLabel::kReview);

  e.classifier_positive = true;
  analyzer_->Decide(e);
  EXPECT_EQ(e.label, RiskLabel::kHate);

  e.classifier_probability = 0.2;
  e.classifier_positive = false;
  analyzer_->Decide(e);
  EXPECT_EQ(e.label, RiskLabel::kClean);
}

TEST(AdjustForPrevalenceTest, MovesOddsByTheRatioOfPriors) {
  // Same prior: unchanged.
  EXPECT_NEAR(AdjustForPrevalence(0.42, 0.5, 0.5), 0.42, 1e-12);
  // Odds 1 at prior 0.5 become the new prior's odds: p = the new prior.
  EXPECT_NEAR(AdjustForPrevalence(0.5, 0.5, 0.05), 0.05, 1e-12);
  // 0.9 at prior 0.5 (odds 9) to prior 0.1 (odds 1/9): odds 1, p 0.5.
  EXPECT_NEAR(AdjustForPrevalence(0.9, 0.5, 0.1), 0.5, 1e-12);
  // Monotone, and certainties stay certain.
  EXPECT_LT(AdjustForPrevalence(0.3, 0.5, 0.02), AdjustForPrevalence(0.4, 0.5, 0.02));
  EXPECT_EQ(AdjustForPrevalence(0.0, 0.5, 0.02), 0.0);
  EXPECT_EQ(AdjustForPrevalence(1.0, 0.5, 0.02), 1.0);
  EXPECT_EQ(AdjustForPrevalence(1.5, 0.5, 0.02), 1.0);
}

TEST(AnalyzerCreateTest, RejectsPrevalenceOutsideTheOpenInterval) {
  AnalyzerOptions options;
  options.risk.prevalence = 1.5;
  Result<std::unique_ptr<Analyzer>> created = Analyzer::Create(options);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.status().code(), StatusCode::kInvalidArgument);
}

TEST(AnalyzerCreateTest, MissingLexiconNamesWhatWasLoading) {
  AnalyzerOptions options;
  options.lexicon_path = "/nonexistent/lexicon.tsv";
  Result<std::unique_ptr<Analyzer>> created = Analyzer::Create(options);
  ASSERT_FALSE(created.ok());
  EXPECT_THAT(created.status().message(), HasSubstr("loading the lexicon"));
}

}  // namespace
}  // namespace moderato
