// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "store/sqlite_signal_codec.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace moderato::internal {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Optional;

TEST(StringListTest, RoundTripsAwkwardStrings) {
  const std::vector<std::string> lists[] = {
      {},
      {""},
      {"a", "b"},
      {"quote\"", "back\\slash", "comma,colon:", "[bracket]"},
      {"\xd8\xa7\xd9\x84\xd8\xaf\xd9\x88\xd9\x84\xd8\xa9", "\xf0\x9f\x98\x80", "caf\xc3\xa9"},
      {std::string("nul\0byte", 8), "tab\tnewline\n\x01\x1f"},
  };
  for (const std::vector<std::string>& list : lists) {
    std::string json = EncodeStringList(list);
    EXPECT_THAT(DecodeStringList(json), Optional(list)) << json;
  }
}

TEST(StringListTest, EncodesAsJsonArray) {
  EXPECT_EQ(EncodeStringList({}), "[]");
  EXPECT_EQ(EncodeStringList({"a", "b\"c"}), R"(["a","b\"c"])");
}

TEST(StringListTest, DecodesJsonEscapesAndWhitespace) {
  EXPECT_THAT(DecodeStringList(R"( [ "a\u00e9" , "\ud83d\ude00", "\/\n" ] )"),
              Optional(ElementsAre("a\xc3\xa9", "\xf0\x9f\x98\x80", "/\n")));
}

TEST(StringListTest, RejectsMalformedJson) {
  for (const char* bad : {"", "[", "]", "[\"a\"", "[\"a\",]", "[a]", "[\"a\"] x", "[\"\\x\"]",
                          "[\"\\ud83d\"]", "[\"\\ude00\"]", "[\"\\u12\"]", "{\"a\":1}", "[1]"}) {
    EXPECT_EQ(DecodeStringList(bad), std::nullopt) << bad;
  }
}

TEST(CanonicalSignalValueTest, LowercasesHexAndChecksLength) {
  std::string error;
  const std::string upper(64, 'A');
  EXPECT_THAT(CanonicalSignalValue(SignalType::kPdq, upper, &error),
              Optional(std::string(64, 'a')));
  EXPECT_THAT(CanonicalSignalValue(SignalType::kMd5, std::string(32, 'F'), &error),
              Optional(std::string(32, 'f')));
  EXPECT_EQ(CanonicalSignalValue(SignalType::kMd5, std::string(64, 'f'), &error), std::nullopt);
  EXPECT_THAT(error, HasSubstr("32 hex digits"));
  EXPECT_EQ(CanonicalSignalValue(SignalType::kSha256, std::string(63, '0') + "g", &error),
            std::nullopt);
  EXPECT_THAT(error, HasSubstr("position 63"));
}

TEST(CanonicalSignalValueTest, TextNeedsVersionPrefixAndPrintableAscii) {
  std::string error;
  EXPECT_THAT(CanonicalSignalValue(SignalType::kText, "xx1:abc DEF", &error),
              Optional(std::string("xx1:abc DEF")));
  for (const char* bad : {"", "abc", ":abc", "XX1:abc", "xx1:", "xx1:tab\there", "x y:z"}) {
    EXPECT_EQ(CanonicalSignalValue(SignalType::kText, bad, &error), std::nullopt) << bad;
  }
  EXPECT_EQ(CanonicalSignalValue(SignalType::kText, "v1:" + std::string(kMaxTextSignalBytes, 'a'),
                                 &error),
            std::nullopt);
}

TEST(CanonicalSignalValueTest, UrlIsNonEmptyBoundedAndWithoutSpaces) {
  std::string error;
  EXPECT_TRUE(CanonicalSignalValue(SignalType::kUrl, "https://example.org/a?b=c", &error));
  EXPECT_TRUE(
      CanonicalSignalValue(SignalType::kUrl, "https://xn--mgbh0fb.example/\xd9\x85", &error));
  for (const std::string& bad :
       {std::string(), std::string("https://a b"), std::string("https://a\x01"),
        std::string("https://\xff"), "https://" + std::string(kMaxUrlBytes, 'a')}) {
    EXPECT_EQ(CanonicalSignalValue(SignalType::kUrl, bad, &error), std::nullopt) << bad;
  }
}

TEST(ValidateSignalFieldsTest, NamesTheBadField) {
  Signal signal;
  EXPECT_EQ(ValidateSignalFields(signal), "");

  Signal bad_behaviour = signal;
  bad_behaviour.labels.behaviours = {"recruitment", "cooking"};
  EXPECT_THAT(ValidateSignalFields(bad_behaviour), HasSubstr("behaviours[1] 'cooking'"));

  Signal long_org = signal;
  long_org.labels.organisation = std::string(kMaxLabelBytes + 1, 'x');
  EXPECT_THAT(ValidateSignalFields(long_org), HasSubstr("organisation"));

  Signal too_many_tags = signal;
  too_many_tags.labels.tags.assign(kMaxTags + 1, "t");
  EXPECT_THAT(ValidateSignalFields(too_many_tags), HasSubstr("tags"));

  Signal empty_tag = signal;
  empty_tag.labels.tags = {"ok", ""};
  EXPECT_THAT(ValidateSignalFields(empty_tag), HasSubstr("tags[1] is empty"));

  Signal control_tag = signal;
  control_tag.labels.tags = {"a\nb"};
  EXPECT_THAT(ValidateSignalFields(control_tag), HasSubstr("tags[0] contains a control"));

  Signal bad_utf8 = signal;
  bad_utf8.source = "file\xc3(.csv";
  EXPECT_THAT(ValidateSignalFields(bad_utf8), HasSubstr("source is not valid UTF-8"));

  Signal bad_quality = signal;
  bad_quality.quality = 101;
  EXPECT_THAT(ValidateSignalFields(bad_quality), HasSubstr("quality"));

  Signal bad_time = signal;
  bad_time.added_at = -5;
  EXPECT_THAT(ValidateSignalFields(bad_time), HasSubstr("added_at"));
}

}  // namespace
}  // namespace moderato::internal
