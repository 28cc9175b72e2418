// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/text/langid.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "moderato/text/normalize.h"

namespace moderato {
namespace {

class LanguageIdentifierTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto n = Normalizer::Create();
    ASSERT_TRUE(n.ok());
    normalizer_ = std::move(n).value().release();
    auto lid = LanguageIdentifier::Load(MODERATO_DEFAULT_LID_MODEL);
    ASSERT_TRUE(lid.ok()) << lid.status().ToString();
    lid_ = std::move(lid).value().release();
  }
  static void TearDownTestSuite() {
    delete lid_;
    delete normalizer_;
  }

  LanguageGuess Identify(std::string_view text) {
    auto t = normalizer_->Normalize(text);
    EXPECT_TRUE(t.ok());
    return lid_->Identify(*t);
  }

  static Normalizer* normalizer_;
  static LanguageIdentifier* lid_;
};

Normalizer* LanguageIdentifierTest::normalizer_ = nullptr;
LanguageIdentifier* LanguageIdentifierTest::lid_ = nullptr;

TEST_F(LanguageIdentifierTest, IdentifiesFrench) {
  LanguageGuess g = Identify("Le chat dort sur le canapé");
  EXPECT_EQ(g.lang, "fr");
  EXPECT_EQ(g.fasttext_label, "fr");
  EXPECT_GT(g.confidence, 0.5f);
}

TEST_F(LanguageIdentifierTest, IdentifiesEnglish) {
  EXPECT_EQ(Identify("The weather is nice today").lang, "en");
}

TEST_F(LanguageIdentifierTest, IdentifiesArabic) {
  EXPECT_EQ(Identify("الجو جميل اليوم في المدينة").lang, "ar");
}

TEST_F(LanguageIdentifierTest, IdentifiesArabizi) {
  LanguageGuess g = Identify("wach nta mzyan khoya, ana m3a sahbi");
  EXPECT_EQ(g.lang, "arabizi");
  EXPECT_GE(g.confidence, 0.6f);
}

TEST_F(LanguageIdentifierTest, MapsOtherLanguagesToOther) {
  LanguageGuess g = Identify("Das Wetter ist heute sehr schön");
  EXPECT_EQ(g.lang, "other");
  EXPECT_EQ(g.fasttext_label, "de");
}

TEST_F(LanguageIdentifierTest, TextWithoutLettersIsOther) {
  LanguageGuess g = Identify("12345 !!! ...");
  EXPECT_EQ(g.lang, "other");
  EXPECT_EQ(g.confidence, 0.0f);
}

TEST_F(LanguageIdentifierTest, HandlesEmptyAndLongText) {
  EXPECT_EQ(Identify("").lang, "other");
  std::string long_text;
  for (int k = 0; k < 2000; ++k) long_text += "the weather is nice today ";
  EXPECT_EQ(Identify(long_text).lang, "en");
}

TEST_F(LanguageIdentifierTest, IdentifiesFromSeveralThreadsAtOnce) {
  auto t = normalizer_->Normalize("Le chat dort sur le canapé");
  ASSERT_TRUE(t.ok());
  std::vector<std::thread> threads;
  std::atomic<int> french{0};
  for (int k = 0; k < 4; ++k) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) french += lid_->Identify(*t).lang == "fr";
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(french.load(), 800);
}

TEST(LanguageIdentifierLoadTest, MissingModelIsNotFound) {
  auto lid = LanguageIdentifier::Load("/nonexistent/lid.176.ftz");
  ASSERT_FALSE(lid.ok());
  EXPECT_EQ(lid.status().code(), StatusCode::kNotFound);
}

TEST(LanguageIdentifierLoadTest, GarbageModelIsInvalidArgument) {
  std::filesystem::path path = std::filesystem::temp_directory_path() / "moderato_bad_lid.ftz";
  {
    std::ofstream out(path);
    out << "not a model";
  }
  auto lid = LanguageIdentifier::Load(path.string());
  std::filesystem::remove(path);
  ASSERT_FALSE(lid.ok());
  EXPECT_EQ(lid.status().code(), StatusCode::kInvalidArgument);
}

TEST(ArabiziScoreTest, ScoresDigitLettersAndFunctionWords) {
  EXPECT_DOUBLE_EQ(ArabiziScore("3la 7abibi wa9t"), 1.0);
  EXPECT_DOUBLE_EQ(ArabiziScore("wach dyal bzaf"), 1.0);
}

TEST(ArabiziScoreTest, IgnoresNumbersOrdinalsAndUnits) {
  EXPECT_DOUBLE_EQ(ArabiziScore("the 2nd of may 2024, 5km and 3eme"), 0.0);
}

TEST(ArabiziScoreTest, ScoresPlainEnglishAndFrenchLow) {
  EXPECT_DOUBLE_EQ(ArabiziScore("the weather is nice today"), 0.0);
  EXPECT_DOUBLE_EQ(ArabiziScore("le chat dort sur le canape"), 0.0);
}

TEST(ArabiziScoreTest, ScalesDownInArabicScriptText) {
  EXPECT_LT(ArabiziScore("الجو جميل اليوم في المدينة wallah"), 0.5);
}

TEST(ArabiziScoreTest, IgnoresHandlesModelNumbersAndUnits) {
  EXPECT_DOUBLE_EQ(ArabiziScore("cummins88 ar15 12oz file.7z mp3"), 0.0);
}

TEST_F(LanguageIdentifierTest, IdentifiesDarijaArabizi) {
  EXPECT_EQ(Identify("salam 3likom, kifach dayr? labas").lang, "arabizi");
  EXPECT_EQ(Identify("rani ghadi l dar daba inchallah").lang, "arabizi");
}

TEST(ArabiziScoreTest, EmptyTextScoresZero) { EXPECT_DOUBLE_EQ(ArabiziScore(""), 0.0); }

}  // namespace
}  // namespace moderato
