// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/hash/text_signature.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "hash/text_signature_internal.h"

namespace moderato {
namespace {

// Neutral texts only (STYLE: never extremist text in the repository).
constexpr std::string_view kCommunique =
    "The city council met on Tuesday evening to discuss the new library. Residents asked for "
    "longer opening hours on weekends and more quiet rooms for students. The mayor promised a "
    "decision before the summer, after a second public meeting in the old town hall. Several "
    "speakers praised the volunteers who run the reading club for children every Saturday "
    "morning, and the council thanked them warmly.";

constexpr std::string_view kOtherText =
    "Heavy rain is expected across the northern valleys tomorrow, with strong winds along the "
    "coast. Farmers are advised to bring animals indoors and drivers should avoid the mountain "
    "pass until Thursday, when the weather service expects clear skies and mild temperatures "
    "to return for the rest of the week across most of the region.";

TextSignature Sig(std::string_view text) { return ComputeTextSignature(text).value(); }

TEST(TextSignatureTest, IdenticalTextsAreIdentical) {
  EXPECT_EQ(Sig(kCommunique), Sig(kCommunique));
  EXPECT_DOUBLE_EQ(TextSimilarity(Sig(kCommunique), Sig(kCommunique)), 1.0);
}

TEST(TextSignatureTest, CaseSpacingAndPunctuationDoNotMatter) {
  std::string shouted(kCommunique);
  std::transform(shouted.begin(), shouted.end(), shouted.begin(),
                 [](char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; });
  EXPECT_DOUBLE_EQ(TextSimilarity(Sig(kCommunique), Sig(shouted)), 1.0);
  EXPECT_DOUBLE_EQ(TextSimilarity(Sig("the new library, opened today!"),
                                  Sig("The   new library -- opened\n today")),
                   1.0);
}

TEST(TextSignatureTest, ObfuscatedCopyStillMatches) {
  // Leetspeak, Cyrillic look-alikes (а е о), a zero-width space, spaced letters.
  std::string obfuscated(kCommunique);
  auto replace = [&](std::string_view from, std::string_view to) {
    const std::size_t at = obfuscated.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    obfuscated.replace(at, from.size(), to);
  };
  replace("council", "c0unc1l");
  replace("library", "libr\xD0\xB0ry");
  replace("Residents", "R\xD0\xB5sid\xD0\xB5nts");
  replace("students",
          "stu\xE2\x80\x8B"
          "dents");
  replace("mayor", "m a y o r");
  replace("volunteers", "v0lunt33rs");
  EXPECT_GE(TextSimilarity(Sig(kCommunique), Sig(obfuscated)), 0.8);
}

TEST(TextSignatureTest, EditedCopyMatchesAndUnrelatedTextDoesNot) {
  std::string edited(kCommunique);
  edited.erase(edited.find(" Several"));  // drop the last two sentences
  edited += " Coffee will be served.";
  const double same = TextSimilarity(Sig(kCommunique), Sig(edited));
  const double other = TextSimilarity(Sig(kCommunique), Sig(kOtherText));
  EXPECT_GE(same, kTextMatchThreshold);
  EXPECT_LT(other, 0.15);
}

TEST(TextSignatureTest, TextWithoutWordsIsEmptyAndMatchesNothing) {
  for (std::string_view text : {std::string_view(""), std::string_view("  ... !!! ---  "),
                                std::string_view("\xF0\x9F\x98\x80\xF0\x9F\x98\x80")}) {
    TextSignature s = Sig(text);
    EXPECT_TRUE(s.empty());
    EXPECT_EQ(s.shingles, 0u);
    EXPECT_DOUBLE_EQ(TextSimilarity(s, s), 0.0);
    EXPECT_TRUE(TextSignatureBands(s).empty());
  }
}

TEST(TextSignatureTest, ShortTextsGetASignature) {
  TextSignature one = Sig("library");
  EXPECT_EQ(one.shingles, 1u);
  EXPECT_DOUBLE_EQ(TextSimilarity(one, Sig("LIBRARY!")), 1.0);
  EXPECT_EQ(Sig("new library").shingles, 1u);
  EXPECT_EQ(Sig("the new library").shingles, 1u);
  EXPECT_EQ(Sig("the new library opens").shingles, 2u);
  EXPECT_LT(Sig("the new library opens").shingles, kMinReliableShingles);
}

TEST(TextSignatureTest, InputOverBudgetIsResourceExhausted) {
  TextSignatureOptions options;
  options.max_input_bytes = 100;
  const std::string text(101, 'a');
  EXPECT_EQ(ComputeTextSignature(text, options).status().code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(ComputeTextSignature(text.substr(0, 100), options).ok());
}

TEST(TextSignatureTest, InvalidUtf8IsTolerated) {
  TextSignature s = Sig("new \xFF\xFE library \xC3 opens");
  EXPECT_FALSE(s.empty());
  EXPECT_DOUBLE_EQ(TextSimilarity(s, Sig("new library opens")), 1.0);
}

TEST(TextSignatureTest, SplitWordsHandlesScripts) {
  const std::vector<std::string_view> words =
      internal::SplitWords("élève, l'école; \xD9\x85\xD8\xAB\xD8\xA7\xD9\x84 42x");
  ASSERT_EQ(words.size(), 5u);
  EXPECT_EQ(words[0], "élève");
  EXPECT_EQ(words[1], "l");
  EXPECT_EQ(words[2], "école");
  EXPECT_EQ(words[3], "\xD9\x85\xD8\xAB\xD8\xA7\xD9\x84");
  EXPECT_EQ(words[4], "42x");
}

// The mh1 hashing is frozen: stored signatures must stay comparable.
TEST(TextSignatureTest, Mh1FormatIsFrozen) {
  const std::string text = FormatTextSignature(Sig(kCommunique));
  EXPECT_EQ(text.substr(0, 7 + 16), "mh1:63:6033cd317159dce5");
}

TEST(TextSignatureFormatTest, RoundTrips) {
  for (std::string_view t :
       {kCommunique, kOtherText, std::string_view("x"), std::string_view("")}) {
    TextSignature s = Sig(t);
    const std::string text = FormatTextSignature(s);
    EXPECT_TRUE(text.starts_with("mh1:"));
    Result<TextSignature> back = ParseTextSignature(text);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(*back, s);
    EXPECT_EQ(FormatTextSignature(*back), text);
  }
  EXPECT_EQ(FormatTextSignature(Sig("")), "mh1:0:" + std::string(1024, 'f'));
}

TEST(TextSignatureFormatTest, ParseIsStrict) {
  const std::string good = FormatTextSignature(Sig(kCommunique));
  const std::string bins = good.substr(good.rfind(':') + 1);
  struct Bad {
    std::string text;
    std::string message_part;
  };
  std::string upper = good;
  upper.back() = 'A';
  std::string bad_digit = good;
  bad_digit[good.size() - 3] = 'g';
  const Bad bad[] = {
      {"", "mh1:"},
      {"mh2:61:" + bins, "mh1:"},
      {"MH1:61:" + bins, "mh1:"},
      {"mh1:63" + bins, "count"},
      {"mh1:" + bins, "':'"},
      {"mh1::" + bins, "count"},
      {"mh1:063:" + bins, "count"},
      {"mh1:-1:" + bins, "count"},
      {"mh1:4294967296:" + bins, "too large"},
      {"mh1:99999999999:" + bins, "count"},
      {"mh1:63:" + bins.substr(1), "1024"},
      {"mh1:63:" + bins + "0", "1024"},
      {good + " ", "1024"},
      {upper, "offset " + std::to_string(good.size() - 1)},
      {bad_digit, "offset " + std::to_string(good.size() - 3)},
      {"mh1:0:" + bins, "0 shingles"},
  };
  for (const Bad& b : bad) {
    SCOPED_TRACE(b.text.substr(0, 24));
    Result<TextSignature> r = ParseTextSignature(b.text);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(b.message_part), std::string::npos) << r.status();
  }
  EXPECT_TRUE(ParseTextSignature("mh1:4294967295:" + bins).ok());
}

TEST(TextSignatureBandsTest, SixtyFourDistinctKeysSharedByEqualSignatures) {
  const std::vector<std::uint64_t> a = TextSignatureBands(Sig(kCommunique));
  ASSERT_EQ(a.size(), kTextSignatureBands);
  EXPECT_EQ(kTextSignatureBands, 64u);
  EXPECT_EQ(a, TextSignatureBands(Sig(kCommunique)));
  std::vector<std::uint64_t> sorted = a;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::unique(sorted.begin(), sorted.end()), sorted.end());
  // Bands differ even when their bins are equal (a one-word text fills all bins alike).
  const std::vector<std::uint64_t> one = TextSignatureBands(Sig("library"));
  std::vector<std::uint64_t> one_sorted = one;
  std::sort(one_sorted.begin(), one_sorted.end());
  EXPECT_EQ(std::unique(one_sorted.begin(), one_sorted.end()), one_sorted.end());
}

TEST(TextSignatureBandsTest, EditedCopySharesABand) {
  std::string edited(kCommunique);
  edited.erase(edited.find(" Several"));
  const std::vector<std::uint64_t> a = TextSignatureBands(Sig(kCommunique));
  const std::vector<std::uint64_t> b = TextSignatureBands(Sig(edited));
  bool shared = false;
  for (std::size_t i = 0; i < a.size(); ++i) shared |= a[i] == b[i];
  EXPECT_TRUE(shared);
}

std::vector<std::uint64_t> RandomSet(std::mt19937_64& rng, std::size_t n) {
  std::vector<std::uint64_t> v(n);
  for (auto& x : v) x = rng();
  return v;
}

TEST(TextMinHashTest, FastPathAgreesWithSlowOracle) {
  std::mt19937_64 rng(99);
  for (std::size_t n : {0, 1, 2, 3, 10, 50, 127, 128, 129, 500, 2000}) {
    SCOPED_TRACE(n);
    std::vector<std::uint64_t> set = RandomSet(rng, n);
    if (n > 3) set.push_back(set[1]);  // duplicates count once
    EXPECT_EQ(internal::MinHashFromShingles(set), internal::MinHashFromShinglesSlow(set));
  }
}

TEST(TextMinHashTest, EstimateTracksExactJaccard) {
  std::mt19937_64 rng(7);
  for (double target : {0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0}) {
    for (std::size_t n : {40, 400, 4000}) {
      SCOPED_TRACE(std::to_string(target) + " " + std::to_string(n));
      // |A| = |B| = n with c common: J = c / (2n - c).
      const auto common = static_cast<std::size_t>(2.0 * target * n / (1.0 + target));
      std::vector<std::uint64_t> shared = RandomSet(rng, common);
      std::vector<std::uint64_t> a = shared, b = shared;
      for (std::uint64_t x : RandomSet(rng, n - common)) a.push_back(x);
      for (std::uint64_t x : RandomSet(rng, n - common)) b.push_back(x);
      std::sort(a.begin(), a.end());
      std::sort(b.begin(), b.end());
      const double exact = internal::ExactJaccard(a, b);
      const double estimate =
          TextSimilarity(internal::MinHashFromShingles(a), internal::MinHashFromShingles(b));
      EXPECT_NEAR(estimate, exact, 0.2);  // > 4 standard errors
    }
  }
}

}  // namespace
}  // namespace moderato
