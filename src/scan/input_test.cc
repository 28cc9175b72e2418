// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/scan/input.h"

#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace moderato {
namespace {

using ::testing::HasSubstr;

std::vector<InputRecord> ReadAll(const std::string& text, InputOptions options) {
  std::istringstream in(text);
  Result<std::unique_ptr<RecordReader>> reader = RecordReader::Create(in, options);
  EXPECT_TRUE(reader.ok()) << reader.status();
  std::vector<InputRecord> out;
  if (!reader.ok()) return out;
  InputRecord record;
  while ((*reader)->Next(&record)) out.push_back(record);
  return out;
}

TEST(JsonlInputTest, ReadsIdTextAndLang) {
  auto records = ReadAll(R"({"id": "a1", "text": "hello", "lang": "en"})"
                         "\n\n"
                         R"({"id": 42, "text": "bonjour \u00e9"})"
                         "\n",
                         {});
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].id, "a1");
  EXPECT_EQ(records[0].text, "hello");
  EXPECT_EQ(records[0].lang, "en");
  EXPECT_EQ(records[0].line, 1u);
  EXPECT_EQ(records[1].id, "42");
  EXPECT_EQ(records[1].text, "bonjour \xC3\xA9");
  EXPECT_EQ(records[1].lang, "");
  EXPECT_EQ(records[1].line, 3u);
}

TEST(JsonlInputTest, MalformedLinesBecomeErrorRecordsAndReadingGoesOn) {
  auto records = ReadAll(
      "{\"text\": \"ok\"}\n"
      "{not json\n"
      "[1,2]\n"
      "{\"id\": \"x\"}\n"
      "{\"text\": 5}\n"
      "{\"text\": \"fine\", \"id\": \"z\"}\n",
      {});
  ASSERT_EQ(records.size(), 6u);
  EXPECT_TRUE(records[0].error.ok());
  EXPECT_EQ(records[0].id, "1");  // no id: the line number
  EXPECT_THAT(records[1].error.message(), HasSubstr("line 2: malformed JSON"));
  EXPECT_THAT(records[2].error.message(), HasSubstr("not a JSON object"));
  EXPECT_THAT(records[3].error.message(), HasSubstr("missing \"text\""));
  EXPECT_EQ(records[3].id, "x");  // the id is kept when it could be read
  EXPECT_THAT(records[4].error.message(), HasSubstr("must be a string"));
  EXPECT_TRUE(records[5].error.ok());
  EXPECT_EQ(records[5].text, "fine");
}

TEST(JsonlInputTest, EnforcesSizeAndDepthBudgets) {
  std::string deep =
      "{\"text\": \"t\", \"x\": " + std::string(40, '[') + std::string(40, ']') + "}";
  std::string big = "{\"text\": \"" + std::string(5000, 'a') + "\"}";
  auto records = ReadAll(deep + "\n" + big + "\n{\"text\": \"after\"}\n",
                         {.max_record_bytes = 4096, .max_json_depth = 16});
  ASSERT_EQ(records.size(), 3u);
  EXPECT_THAT(records[0].error.message(), HasSubstr("deeper than 16"));
  EXPECT_THAT(records[1].error.message(), HasSubstr("line 2"));
  EXPECT_EQ(records[2].text, "after");
}

TEST(JsonlInputTest, InvalidUtf8IsRepairedAndMarked) {
  auto records =
      ReadAll("{\"id\": \"u\", \"text\": \"bad \xff\xfe end\"}\n{\"text\": \"ok\"}\n", {});
  ASSERT_EQ(records.size(), 2u);
  EXPECT_TRUE(records[0].error.ok()) << records[0].error;
  EXPECT_TRUE(records[0].repaired_utf8);
  EXPECT_EQ(records[0].text, "bad \xEF\xBF\xBD\xEF\xBF\xBD end");
  EXPECT_FALSE(records[1].repaired_utf8);
}

TEST(ReplaceInvalidUtf8Test, ReplacesMaximalSubpartsOnly) {
  bool changed = false;
  EXPECT_EQ(ReplaceInvalidUtf8("caf\xC3\xA9", &changed), "caf\xC3\xA9");
  EXPECT_FALSE(changed);
  // A truncated three-byte sequence is one maximal subpart: one U+FFFD.
  EXPECT_EQ(ReplaceInvalidUtf8("a\xE2\x82z", &changed), "a\xEF\xBF\xBDz");
  EXPECT_TRUE(changed);
  // Overlong encodings and surrogates are invalid, byte by byte.
  EXPECT_EQ(ReplaceInvalidUtf8("\xC0\xAF", &changed), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(ReplaceInvalidUtf8("\xED\xA0\x80", &changed), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(ReplaceInvalidUtf8("\xF0\x9F\x98\x80", &changed), "\xF0\x9F\x98\x80");
}

TEST(CsvInputTest, PicksNamedColumns) {
  auto records = ReadAll(
      "id,lang,body\n"
      "p1,fr,\"salut, toi\"\n"
      ",en,hi\n",
      {.format = InputFormat::kCsv, .text_column = "body"});
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].id, "p1");
  EXPECT_EQ(records[0].text, "salut, toi");
  EXPECT_EQ(records[0].lang, "fr");
  EXPECT_EQ(records[1].id, "3");  // empty id: the line number
}

TEST(CsvInputTest, MissingTextColumnIsAnErrorAtCreation) {
  std::istringstream in("a,b\n1,2\n");
  auto reader = RecordReader::Create(in, {.format = InputFormat::kCsv, .text_column = "body"});
  ASSERT_FALSE(reader.ok());
  EXPECT_THAT(reader.status().message(), HasSubstr("\"body\""));
}

TEST(CsvInputTest, ShortRowsAndBadQuotesAreErrorRecords) {
  auto records = ReadAll("id,text\n1\n2,a\"b\n3,fine\n", {.format = InputFormat::kCsv});
  ASSERT_EQ(records.size(), 3u);
  EXPECT_THAT(records[0].error.message(), HasSubstr("no text column"));
  EXPECT_FALSE(records[1].error.ok());
  EXPECT_EQ(records[2].text, "fine");
}

TEST(LinesInputTest, EachNonEmptyLineIsARecord) {
  auto records = ReadAll("one\n\ntwo\r\n", {.format = InputFormat::kLines});
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].text, "one");
  EXPECT_EQ(records[1].text, "two");
  EXPECT_EQ(records[1].id, "3");
}

TEST(InputFormatTest, ParsesNames) {
  EXPECT_EQ(*ParseInputFormat("csv"), InputFormat::kCsv);
  EXPECT_FALSE(ParseInputFormat("xml").ok());
}

}  // namespace
}  // namespace moderato
