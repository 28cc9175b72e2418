// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/text/normalize.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unicode/utf8.h>

#include <atomic>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "text/normalize_internal.h"

namespace moderato {
namespace {

using ::testing::ElementsAre;

const Normalizer& N() {
  static std::unique_ptr<Normalizer> n = [] {
    auto created = Normalizer::Create();
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return std::move(created).value();
  }();
  return *n;
}

NormalizedText Norm(std::string_view s) {
  Result<NormalizedText> r = N().Normalize(s);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : NormalizedText{};
}

std::string Normalized(std::string_view s) { return Norm(s).normalized.text; }
std::string Skeleton(std::string_view s) { return Norm(s).skeleton.text; }

bool IsValidUtf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    int c;
    U8_NEXT(s.data(), i, s.size(), c);
    if (c < 0) return false;
  }
  return true;
}

// Checks every invariant promised by normalize.h for one input.
void ExpectInvariants(std::string_view input) {
  NormalizedText t = Norm(input);
  for (const TextView* v : {&t.normalized, &t.skeleton}) {
    ASSERT_TRUE(IsValidUtf8(v->text));
    ASSERT_EQ(v->offsets.size(), v->text.size());
    ASSERT_LE(v->text.size(), 18 * input.size() + 16);
    std::uint32_t prev = 0;
    for (std::size_t i = 0; i < v->offsets.size(); ++i) {
      ByteSpan o = v->offsets.origin(i);
      ASSERT_LE(prev, o.begin);
      ASSERT_LE(o.begin, o.end);
      ASSERT_LE(o.end, input.size());
      prev = o.begin;
    }
  }
  EXPECT_EQ(Normalized(t.normalized.text), t.normalized.text) << "input: " << input;
  EXPECT_EQ(Skeleton(t.skeleton.text), t.skeleton.text) << "input: " << input;
  Result<NormalizedText> slow = internal::NormalizeSlowForTesting(input);
  ASSERT_TRUE(slow.ok());
  EXPECT_EQ(slow->normalized.text, t.normalized.text) << "input: " << input;
  EXPECT_EQ(slow->skeleton.text, t.skeleton.text) << "input: " << input;
  EXPECT_EQ(slow->flags, t.flags) << "input: " << input;
  for (std::size_t i = 0; i < t.normalized.offsets.size(); ++i) {
    ASSERT_EQ(slow->normalized.offsets.origin(i), t.normalized.offsets.origin(i))
        << "input: " << input << " byte " << i;
  }
}

TEST(NormalizerTest, LowercasesAscii) { EXPECT_EQ(Normalized("Hello World"), "hello world"); }

TEST(NormalizerTest, FoldsFrenchAccents) {
  EXPECT_EQ(Normalized("Élève à l'école"), "eleve a l'ecole");
}

TEST(NormalizerTest, FoldsTypographicApostrophe) { EXPECT_EQ(Normalized("l\u2019été"), "l'ete"); }

TEST(NormalizerTest, FoldsFullwidthLatin) {
  NormalizedText t = Norm("ｆｒｅｅ ｍｏｎｅｙ");
  EXPECT_EQ(t.normalized.text, "free money");
  EXPECT_TRUE(HasFlag(t.flags, ObfuscationFlag::kFullwidth));
}

TEST(NormalizerTest, RemovesZeroWidthCharacters) {
  NormalizedText t = Norm("he\u200Bll\u200Do\uFEFF");
  EXPECT_EQ(t.normalized.text, "hello");
  EXPECT_TRUE(HasFlag(t.flags, ObfuscationFlag::kInvisible));
}

TEST(NormalizerTest, RemovesBidiControls) {
  NormalizedText t = Norm("\u202Eabc\u202C \u2066x\u2069");
  EXPECT_EQ(t.normalized.text, "abc x");
  EXPECT_TRUE(HasFlag(t.flags, ObfuscationFlag::kBidiControl));
}

TEST(NormalizerTest, EmojiVariationSelectorIsNotFlagged) {
  NormalizedText t = Norm("ok \u2764\uFE0F");
  EXPECT_EQ(t.normalized.text, "ok \u2764");
  EXPECT_FALSE(HasFlag(t.flags, ObfuscationFlag::kInvisible));
}

TEST(NormalizerTest, CollapsesAndTrimsWhitespace) {
  EXPECT_EQ(Normalized("  a \t\n b\u00A0\u3000c  "), "a b c");
}

TEST(NormalizerTest, StripsArabicDiacritics) {
  NormalizedText t = Norm("كَتَبَ");
  EXPECT_EQ(t.normalized.text, "كتب");
  EXPECT_TRUE(HasFlag(t.flags, ObfuscationFlag::kArabicDiacritics));
}

TEST(NormalizerTest, RemovesTatweel) {
  NormalizedText t = Norm("كـــتاب");
  EXPECT_EQ(t.normalized.text, "كتاب");
  EXPECT_TRUE(HasFlag(t.flags, ObfuscationFlag::kTatweel));
}

TEST(NormalizerTest, FoldsAlefVariants) { EXPECT_EQ(Normalized("أ إ آ ٱ"), "ا ا ا ا"); }

TEST(NormalizerTest, FoldsAlefMaqsuraAndTaMarbuta) {
  EXPECT_EQ(Normalized("على مدرسة"), "علي مدرسه");
}

TEST(NormalizerTest, FoldsPersianLookalikes) { EXPECT_EQ(Normalized("کی"), "كي"); }

TEST(NormalizerTest, FoldsArabicIndicDigits) {
  NormalizedText t = Norm("٢٠٢٤ ۱۲");
  EXPECT_EQ(t.normalized.text, "2024 12");
  EXPECT_TRUE(HasFlag(t.flags, ObfuscationFlag::kMixedDigitsScript));
}

TEST(NormalizerTest, FoldsArabicPresentationForms) { EXPECT_EQ(Normalized("ﻻ"), "لا"); }

TEST(NormalizerTest, FoldsCyrillicInsideLatinWordOnly) {
  NormalizedText t = Norm("p\u0430ypal \u0441\u043E\u0440");
  EXPECT_EQ(t.normalized.text, "paypal \u0441\u043E\u0440");
  EXPECT_EQ(t.skeleton.text, "paypal cop");
  EXPECT_TRUE(HasFlag(t.flags, ObfuscationFlag::kConfusable));
}

TEST(NormalizerTest, KeepsDigitsInNormalizedView) {
  EXPECT_EQ(Normalized("h4te 2024"), "h4te 2024");
}

TEST(NormalizerTest, FoldsLeetspeakInSkeleton) {
  NormalizedText t = Norm("h4te k1ll $ale");
  EXPECT_EQ(t.skeleton.text, "hate kill sale");
  EXPECT_TRUE(HasFlag(t.flags, ObfuscationFlag::kLeetspeak));
}

TEST(NormalizerTest, KeepsNumbersWithoutLettersInSkeleton) {
  EXPECT_EQ(Skeleton("2024 10 ans 1er"), "2024 10 ans 1er");
}

TEST(NormalizerTest, CollapsesSpacedLettersInSkeleton) {
  NormalizedText t = Norm("h a t e and h.a.t.e");
  EXPECT_EQ(t.skeleton.text, "hate and hate");
  EXPECT_EQ(t.normalized.text, "h a t e and h.a.t.e");
  EXPECT_TRUE(HasFlag(t.flags, ObfuscationFlag::kSpacedLetters));
}

TEST(NormalizerTest, ReplacesInvalidUtf8) {
  NormalizedText t = Norm(
      "a\xFF"
      "b\xC3");
  EXPECT_EQ(t.normalized.text, "a\uFFFDb\uFFFD");
  EXPECT_TRUE(HasFlag(t.flags, ObfuscationFlag::kInvalidUtf8));
}

TEST(NormalizerTest, RejectsInputOverBudget) {
  auto n = Normalizer::Create({.max_input_bytes = 4});
  ASSERT_TRUE(n.ok());
  Result<NormalizedText> r = (*n)->Normalize("hello");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
}

TEST(NormalizerTest, MapsNormalizedBytesToOriginalBytes) {
  std::string input = "Ｈé\u200Bllo";
  NormalizedText t = Norm(input);
  ASSERT_EQ(t.normalized.text, "hello");
  EXPECT_EQ(t.normalized.offsets.ToOriginal(0, 1), (ByteSpan{0, 3}));  // Ｈ
  EXPECT_EQ(t.normalized.offsets.ToOriginal(1, 2), (ByteSpan{3, 5}));  // é
  EXPECT_EQ(t.normalized.offsets.ToOriginal(2, 5), (ByteSpan{8, 11}));
  EXPECT_EQ(t.normalized.offsets.ToOriginal(5, 5), (ByteSpan{11, 11}));
}

TEST(NormalizerTest, MapsSkeletonBytesThroughNormalizedView) {
  std::string input = "say H A T E now";
  NormalizedText t = Norm(input);
  ASSERT_EQ(t.skeleton.text, "say hate now");
  EXPECT_EQ(t.skeleton.offsets.ToOriginal(4, 8), (ByteSpan{4, 11}));
}

TEST(NormalizerTest, ReturnsFlagNamesInBitOrder) {
  EXPECT_THAT(ObfuscationFlagNames(ObfuscationFlag::kInvalidUtf8 | ObfuscationFlag::kTatweel),
              ElementsAre("invalid_utf8", "tatweel"));
}

TEST(NormalizerTest, NormalizeTermMatchesNormalize) {
  auto term = N().NormalizeTerm("H4TE");
  ASSERT_TRUE(term.ok());
  EXPECT_EQ(term->skeleton.text, "hate");
}

TEST(NormalizerTest, HoldsInvariantsOnSamples) {
  for (std::string_view s : {"",
                             " ",
                             "a",
                             "Hello, World!",
                             "\xE1\x84\x80\xE2\x80\x8B\xE1\x85\xA1",
                             "e\u200B\u0301",
                             "\xED\xA0\x80",
                             "\xF4\x90\x80\x80",
                             "ﷺ ﷽",
                             "a b c d",
                             "x|a b c",
                             "a!!b h!!",
                             "@user $100",
                             "ⓗⓐⓣⓔ",
                             "\uFF84\u0749\u20DF\u0619\u20DC\u1D00 ",
                             "كـ\u0619ـب",
                             "ে\u0301া",
                             "h4je!!!1 a a",
                             "7!ب a c",
                             "ǅemal İstanbul",
                             "ΆΈΉ ΰ",
                             "3la 7abibi wa9t",
                             "a\r\nb",
                             "\x01\x7F\xC2\x85"}) {
    ExpectInvariants(s);
  }
}

TEST(NormalizerTest, AsciiFastPathAgreesWithSlowOracle) {
  std::mt19937 rng(42);
  for (int iter = 0; iter < 2000; ++iter) {
    std::string s(rng() % 24, ' ');
    for (char& ch : s) ch = static_cast<char>(rng() % 128);
    ExpectInvariants(s);
  }
}

TEST(NormalizerTest, TablesAgreeWithSlowOracleOnRandomUnicode) {
  std::mt19937 rng(7);
  const std::uint32_t kPools[] = {0x0600, 0x0300, 0x0400, 0xFB50, 0xFE70, 0x1100, 0x2000, 0xFF00};
  for (int iter = 0; iter < 2000; ++iter) {
    std::string s;
    int len = static_cast<int>(rng() % 8);
    for (int k = 0; k < len; ++k) {
      std::uint32_t c = (rng() % 4 == 0) ? rng() % 128 : kPools[rng() % 8] + rng() % 256;
      if (c >= 0xD800 && c < 0xE000) c = 'x';
      char buf[4];
      int n = 0;
      [[maybe_unused]] UBool err = false;
      U8_APPEND(reinterpret_cast<std::uint8_t*>(buf), n, 4, c, err);
      s.append(buf, n);
    }
    ExpectInvariants(s);
  }
}

TEST(NormalizerTest, NormalizesFromSeveralThreadsAtOnce) {
  const std::string expected = Skeleton("Ｈ4ＴＥ كَتَبَ p\u0430ris");
  std::vector<std::thread> threads;
  std::atomic<int> same{0};
  for (int k = 0; k < 4; ++k) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        Result<NormalizedText> t = N().Normalize("Ｈ4ＴＥ كَتَبَ p\u0430ris");
        same += t.ok() && t->skeleton.text == expected;
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(same.load(), 800);
}

TEST(OffsetMapTest, SpanCoversFirstToLastOrigin) {
  OffsetMap map;
  map.Append({0, 3});
  map.Append({0, 3});
  map.Append({5, 6});
  map.set_original_size(9);
  EXPECT_EQ(map.ToOriginal(0, 3), (ByteSpan{0, 6}));
  EXPECT_EQ(map.ToOriginal(1, 2), (ByteSpan{0, 3}));
}

TEST(OffsetMapTest, EmptySpanSitsAtOriginOrEnd) {
  OffsetMap map;
  map.Append({2, 4});
  map.set_original_size(7);
  EXPECT_EQ(map.ToOriginal(0, 0), (ByteSpan{2, 2}));
  EXPECT_EQ(map.ToOriginal(1, 1), (ByteSpan{7, 7}));
}

TEST(OffsetMapTest, MapsArabicLettersThroughRemovedDiacritics) {
  std::string input = "كَتَبَ";  // each letter 2 bytes + fatha 2 bytes
  NormalizedText t = Norm(input);
  ASSERT_EQ(t.normalized.text, "كتب");
  EXPECT_EQ(t.normalized.offsets.ToOriginal(0, 2), (ByteSpan{0, 4}));
  EXPECT_EQ(t.normalized.offsets.ToOriginal(2, 6), (ByteSpan{4, 12}));
}

TEST(OffsetMapTest, MapsCollapsedWhitespaceToTheWholeRun) {
  NormalizedText t = Norm("a \t\n b");
  ASSERT_EQ(t.normalized.text, "a b");
  EXPECT_EQ(t.normalized.offsets.ToOriginal(1, 2), (ByteSpan{1, 5}));
}

TEST(NormalizerTest, NoBreakSpaceIsNotFullwidth) {
  NormalizedText t = Norm("10\u00A0km");
  EXPECT_EQ(t.normalized.text, "10 km");
  EXPECT_FALSE(HasFlag(t.flags, ObfuscationFlag::kFullwidth));
}

TEST(NormalizerTest, StripsZalgoMarks) {
  EXPECT_EQ(Normalized("h\u0336\u0337e\u0352\u0301llo"), "hello");
}

TEST(NormalizerTest, DoesNotGlueHangulJamoAcrossRemovedInvisible) {
  // U+1100 U+200B U+1161: the jamo compose once the zero-width space is gone,
  // so that a second pass gives the same text.
  std::string once = Normalized("\u1100\u200B\u1161");
  EXPECT_EQ(once, "\uAC00");
  EXPECT_EQ(Normalized(once), once);
}

}  // namespace
}  // namespace moderato
