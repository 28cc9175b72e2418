// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "lexicon/boundary.h"

#include "gtest/gtest.h"

namespace moderato::internal {
namespace {

TEST(LexiconBoundaryTest, WordCodePoints) {
  for (char32_t c : {U'a', U'Z', U'7', U'é', U'ж', U'\u062F', U'\u0661', U'\u064E', U'\u0301'}) {
    EXPECT_TRUE(IsWordCodePoint(c)) << static_cast<std::uint32_t>(c);
  }
  for (char32_t c : {U' ', U'_', U'-', U'#', U'@', U'\'', U'\u060C', U'\u00AB', U'\uFFFD'}) {
    EXPECT_FALSE(IsWordCodePoint(c)) << static_cast<std::uint32_t>(c);
  }
}

TEST(LexiconBoundaryTest, ShapeOfTerms) {
  TermShape latin = ShapeOf("daesh");
  EXPECT_TRUE(latin.word_start);
  EXPECT_TRUE(latin.word_end);
  EXPECT_FALSE(latin.arabic_start);
  TermShape tag = ShapeOf("#tag!");
  EXPECT_FALSE(tag.word_start);
  EXPECT_FALSE(tag.word_end);
  EXPECT_TRUE(ShapeOf("داعش").arabic_start);
}

TEST(LexiconBoundaryTest, LamVariantOnlyForTheArticle) {
  EXPECT_EQ(LamVariant("الدولة"), "للدولة");
  EXPECT_EQ(LamVariant("ال"), "");
  EXPECT_EQ(LamVariant("ال دولة"), "");
  EXPECT_EQ(LamVariant("داعش"), "");
  EXPECT_EQ(LamVariant("daesh"), "");
}

TEST(LexiconBoundaryTest, AcceptLiteralMatchAtEdgesAndAfterMalformedBytes) {
  const TermShape shape = ShapeOf("ab");
  EXPECT_TRUE(AcceptLiteralMatch("ab", 0, 2, LexiconMode::kWord, shape));
  EXPECT_FALSE(AcceptLiteralMatch("abc", 0, 2, LexiconMode::kWord, shape));
  EXPECT_TRUE(AcceptLiteralMatch("abc", 0, 2, LexiconMode::kPrefix, shape));
  EXPECT_FALSE(AcceptLiteralMatch("cab", 1, 3, LexiconMode::kPrefix, shape));
  // A stray continuation byte or truncated sequence is not a word character.
  EXPECT_TRUE(
      AcceptLiteralMatch("\x80"
                         "ab\xC3",
                         1, 3, LexiconMode::kWord, shape));
  // Clitic prefixes are bounded: a long Arabic word before the term is no clitic.
  const TermShape arabic = ShapeOf("داعش");
  std::string text = "وبال";
  text += "داعش";
  EXPECT_TRUE(AcceptLiteralMatch(text, 8, 16, LexiconMode::kWord, arabic));
  text = "كتابداعش";
  EXPECT_FALSE(AcceptLiteralMatch(text, 8, 16, LexiconMode::kWord, arabic));
}

}  // namespace
}  // namespace moderato::internal
