// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/core/csv.h"

#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace moderato {
namespace {

using ::testing::ElementsAre;

std::vector<CsvRecord> ReadAll(const std::string& text, std::vector<Status>* errors = nullptr,
                               CsvOptions options = {}) {
  std::istringstream in(text);
  CsvReader reader(in, options);
  std::vector<CsvRecord> out;
  CsvRecord record;
  while (true) {
    Result<bool> more = reader.Next(&record);
    if (!more.ok()) {
      if (errors) errors->push_back(more.status());
      continue;
    }
    if (!*more) break;
    out.push_back(record);
  }
  return out;
}

TEST(CsvReaderTest, ReadsQuotedFieldsWithCommasQuotesAndNewlines) {
  auto records = ReadAll("id,text\n1,\"a, \"\"b\"\"\nc\"\r\n2,plain\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_THAT(records[0].fields, ElementsAre("id", "text"));
  EXPECT_THAT(records[1].fields, ElementsAre("1", "a, \"b\"\nc"));
  EXPECT_EQ(records[1].line, 2u);
  EXPECT_THAT(records[2].fields, ElementsAre("2", "plain"));
  EXPECT_EQ(records[2].line, 4u);
}

TEST(CsvReaderTest, SkipsByteOrderMarkAndBlankLines) {
  auto records = ReadAll("\xEF\xBB\xBFx,y\n\n\n1,2");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_THAT(records[0].fields, ElementsAre("x", "y"));
  EXPECT_THAT(records[1].fields, ElementsAre("1", "2"));
  EXPECT_EQ(records[1].line, 4u);
}

TEST(CsvReaderTest, KeepsEmptyFields) {
  auto records = ReadAll(",,\n\"\",a,\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_THAT(records[0].fields, ElementsAre("", "", ""));
  EXPECT_THAT(records[1].fields, ElementsAre("", "a", ""));
}

TEST(CsvReaderTest, ReportsStrayQuoteAndResumesOnNextLine) {
  std::vector<Status> errors;
  auto records = ReadAll("a,b\"c,d\ne,f\n", &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(errors[0].message(), ::testing::HasSubstr("line 1"));
  ASSERT_EQ(records.size(), 1u);
  EXPECT_THAT(records[0].fields, ElementsAre("e", "f"));
}

TEST(CsvReaderTest, ReportsUnterminatedQuote) {
  std::vector<Status> errors;
  auto records = ReadAll("1,\"never closed\n2,x\n", &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0].message(), ::testing::HasSubstr("unterminated"));
  EXPECT_TRUE(records.empty());
}

TEST(CsvReaderTest, EnforcesBudgets) {
  std::vector<Status> errors;
  CsvOptions small{.max_record_bytes = 8, .max_fields = 3};
  auto records = ReadAll("a,b,c,d\n0123456789\nok\n", &errors, small);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(errors[1].code(), StatusCode::kResourceExhausted);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_THAT(records[0].fields, ElementsAre("ok"));
}

// Found by csv_fuzzer: a carriage return inside quotes is data, not a line end.
TEST(CsvReaderTest, KeepsCarriageReturnInsideQuotesAtEndOfRecord) {
  EXPECT_THAT(*ParseCsvLine("a,\"e\r\""), ElementsAre("a", "e\r"));
  EXPECT_THAT(*ParseCsvLine("a,e\r"), ElementsAre("a", "e"));
}

TEST(CsvEscapeTest, QuotesOnlyWhenNeeded) {
  EXPECT_EQ(CsvEscape("plain"), "plain");
  EXPECT_EQ(CsvEscape("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvEscape("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_THAT(*ParseCsvLine(CsvEscape("x,\"y\"\nz")), ElementsAre("x,\"y\"\nz"));
  // Found by csv_fuzzer: a field starting with a byte-order mark survives a round trip.
  EXPECT_THAT(*ParseCsvLine(CsvEscape("\xEF\xBB\xBF"
                                      "aa")),
              ElementsAre("\xEF\xBB\xBF"
                          "aa"));
}

}  // namespace
}  // namespace moderato
