// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/counter/themes.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "moderato/counter/item.h"

namespace moderato {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

class ThemeInferrerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Result<std::unique_ptr<ThemeInferrer>> created = ThemeInferrer::Create();
    ASSERT_TRUE(created.ok()) << created.status();
    inferrer_ = std::move(created).value().release();
  }
  static void TearDownTestSuite() { delete inferrer_; }

  static const ThemeScore* Find(const InferredThemes& t, std::string_view theme) {
    for (const ThemeScore& s : t.themes) {
      if (s.theme == theme) return &s;
    }
    return nullptr;
  }
  static InferredThemes Infer(std::string_view message, std::string_view language,
                              const ThemeSignals& signals = {}) {
    Result<InferredThemes> t = inferrer_->Infer(message, language, signals);
    EXPECT_TRUE(t.ok()) << t.status();
    return t.ok() ? *t : InferredThemes{};
  }
  static ThemeInferrer* inferrer_;
};
ThemeInferrer* ThemeInferrerTest::inferrer_ = nullptr;

TEST_F(ThemeInferrerTest, EveryKeywordNamesAKnownThemeAndCompiles) {
  EXPECT_GT(inferrer_->keyword_count(), 300u);
}

TEST_F(ThemeInferrerTest, KeywordsInEachLanguage) {
  InferredThemes en = Infer("they say he died a martyr", "en");
  ASSERT_FALSE(en.themes.empty());
  EXPECT_EQ(en.themes[0].theme, "glorification_martyrdom");
  EXPECT_THAT(en.themes[0].reasons, Contains("keyword 'martyr' (en)"));

  InferredThemes fr = Infer("ils parlent du califat et de partir là-bas", "fr");
  ASSERT_FALSE(fr.themes.empty());
  EXPECT_EQ(fr.themes[0].theme, "recruitment_travel");

  // A clitic prefix (wa-al-) does not hide the Arabic keyword.
  InferredThemes ar = Infer("والشهيد في الجنة", "ar");
  ASSERT_NE(Find(ar, "glorification_martyrdom"), nullptr);

  InferredThemes arabizi = Infer("kayhder 3la l khilafa", "ar");
  ASSERT_NE(Find(arabizi, "recruitment_travel"), nullptr);
}

TEST_F(ThemeInferrerTest, ObfuscatedSpellingsStillMatch) {
  EXPECT_NE(Find(Infer("he is a m4rtyr now", "en"), "glorification_martyrdom"), nullptr);
  EXPECT_NE(Find(Infer("the c o n s p i r a c y is real", "en"), "conspiracy"), nullptr);
  EXPECT_NE(Find(Infer("le COMPLÔT des élites", "fr"), "conspiracy"), nullptr);
}

TEST_F(ThemeInferrerTest, LatinKeywordsMatchOnlyAtAWordStart) {
  // "hero" must not fire inside "sheroes"-like words, nor "rats" in "pirates".
  EXPECT_EQ(Find(Infer("the pirates and the theros", "en"), "glorification_martyrdom"), nullptr);
  EXPECT_EQ(Find(Infer("the pirates sailed", "en"), "us_vs_them"), nullptr);
  EXPECT_NE(Find(Infer("heroes of the day", "en"), "glorification_martyrdom"), nullptr);
}

TEST_F(ThemeInferrerTest, HateTargetsAreListed) {
  InferredThemes t = Infer("send them back, the migrants are an invasion", "en");
  ASSERT_NE(Find(t, "hate_migrants"), nullptr);
  EXPECT_THAT(t.targets, Contains("migrants"));
}

TEST_F(ThemeInferrerTest, LexiconCategoriesAndClassifierAddEvidence) {
  ThemeSignals signals;
  signals.categories = {LexiconCategory::kRecruitment, LexiconCategory::kRecruitment,
                        LexiconCategory::kDehumanisation};
  InferredThemes t = Infer("nothing to see here", "en", signals);
  const ThemeScore* recruitment = Find(t, "recruitment_travel");
  ASSERT_NE(recruitment, nullptr);
  EXPECT_DOUBLE_EQ(recruitment->weight, 0.6);  // counted once, not per hit
  EXPECT_THAT(recruitment->reasons, Contains("lexicon: recruitment"));
  EXPECT_NE(Find(t, "us_vs_them"), nullptr);

  signals.classifier_probability = 0.0;
  InferredThemes damped = Infer("nothing to see here", "en", signals);
  ASSERT_NE(Find(damped, "recruitment_travel"), nullptr);
  EXPECT_DOUBLE_EQ(Find(damped, "recruitment_travel")->weight, 0.3);
  EXPECT_THAT(Find(damped, "recruitment_travel")->reasons.back(), HasSubstr("classifier p=0.00"));
}

TEST_F(ThemeInferrerTest, EvidenceToSignals) {
  Evidence evidence;
  LexiconHit hit;
  hit.category = LexiconCategory::kGlorification;
  evidence.lexicon.hits.push_back(hit);
  evidence.classifier_probability = 0.9;
  ThemeSignals signals = ThemeSignalsFromEvidence(evidence);
  ASSERT_EQ(signals.categories.size(), 1u);
  EXPECT_EQ(signals.categories[0], LexiconCategory::kGlorification);
  EXPECT_EQ(signals.classifier_probability, 0.9);
}

TEST_F(ThemeInferrerTest, CrossLanguageKeywordsCountLess) {
  const InferredThemes fr = Infer("complot", "fr");
  const InferredThemes en = Infer("complot", "en");
  const ThemeScore* same = Find(fr, "conspiracy");
  const ThemeScore* other = Find(en, "conspiracy");
  ASSERT_NE(same, nullptr);
  ASSERT_NE(other, nullptr);
  EXPECT_GT(same->weight, other->weight);
}

TEST_F(ThemeInferrerTest, SortedAndDeterministic) {
  InferredThemes a = Infer("martyr caliphate conspiracy jews crusaders", "en");
  InferredThemes b = Infer("martyr caliphate conspiracy jews crusaders", "en");
  ASSERT_GE(a.themes.size(), 4u);
  for (std::size_t i = 1; i < a.themes.size(); ++i) {
    EXPECT_GE(a.themes[i - 1].weight, a.themes[i].weight);
  }
  EXPECT_EQ(a.themes, b.themes);
  for (const ThemeScore& s : a.themes) EXPECT_TRUE(IsCounterTheme(s.theme)) << s.theme;
}

TEST_F(ThemeInferrerTest, GarbageEmptyAndOversizedInput) {
  EXPECT_TRUE(Infer("", "en").themes.empty());
  EXPECT_TRUE(Infer("\xff\xfe\xc3", "").themes.empty());
  EXPECT_TRUE(Infer("a perfectly ordinary sentence about lunch", "en").themes.empty());
  Result<InferredThemes> big = inferrer_->Infer(std::string(16 * 1024 + 1, 'a'), "en");
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.status().code(), StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace moderato
