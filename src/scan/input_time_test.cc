// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Timestamps in scan input: ParseTimestamp, FormatTimestamp and the readers.

#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "moderato/scan/input.h"

namespace moderato {
namespace {

TEST(InputTimeTest, ParsesIso8601AndRfc3339) {
  EXPECT_EQ(*ParseTimestamp("1970-01-01"), 0);
  EXPECT_EQ(*ParseTimestamp("2026-03-01T08:00:00Z"), 1772352000);
  EXPECT_EQ(*ParseTimestamp("2026-03-01 08:00"), 1772352000);
  EXPECT_EQ(*ParseTimestamp("2026-03-01T10:00:00.123+02:00"), 1772352000);
  EXPECT_EQ(*ParseTimestamp("2026-03-01T03:00:00-0500"), 1772352000);
  EXPECT_EQ(*ParseTimestamp("2024-02-29"), *ParseTimestamp("2024-03-01") - 86400);
  for (const char* bad :
       {"", "2026", "2026-13-01", "2026-02-29", "2026-03-01T25:00", "2026-03-01T08:00:00Q",
        "1969-12-31", "yesterday", "2026-03-01T", "2026-03-01T08:00:00.Z", "10000-01-01"}) {
    EXPECT_FALSE(ParseTimestamp(bad).ok()) << bad;
  }
}

TEST(InputTimeTest, FormatsRoundTrip) {
  EXPECT_EQ(FormatTimestamp(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatTimestamp(1772352000), "2026-03-01T08:00:00Z");
  for (std::int64_t t : {951782400LL, 1709164800LL, 253402300799LL}) {
    EXPECT_EQ(*ParseTimestamp(FormatTimestamp(t)), t);
  }
}

TEST(InputTimeTest, JsonlPicksTheFirstPresentDefaultField) {
  InputOptions options;
  InputRecord record;
  ParseJsonlRecord(R"({"text":"a","date":"2026-01-01","time":"2026-03-01T08:00:00Z"})", 1, options,
                   &record);
  ASSERT_TRUE(record.time.has_value());
  EXPECT_EQ(*record.time, 1772352000);
  ParseJsonlRecord(R"({"text":"a","timestamp":1772352000.9})", 2, options, &record);
  EXPECT_EQ(record.time.value_or(-1), 1772352000);
  ParseJsonlRecord(R"({"text":"a","created_at":"soon"})", 3, options, &record);
  EXPECT_FALSE(record.time.has_value());
  EXPECT_TRUE(record.invalid_time);
  EXPECT_TRUE(record.error.ok());
  ParseJsonlRecord(R"({"text":"a","time":[1]})", 4, options, &record);
  EXPECT_TRUE(record.invalid_time);
  ParseJsonlRecord(R"({"text":"a","time":-5})", 5, options, &record);
  EXPECT_TRUE(record.invalid_time);
  ParseJsonlRecord(R"({"text":"a"})", 6, options, &record);
  EXPECT_FALSE(record.time.has_value());
  EXPECT_FALSE(record.invalid_time);

  options.time_field = "posted";
  ParseJsonlRecord(R"({"text":"a","time":"2026-03-01","posted":"1970-01-02"})", 7, options,
                   &record);
  EXPECT_EQ(record.time.value_or(-1), 86400);
}

TEST(InputTimeTest, CsvReadsTheTimeColumn) {
  std::istringstream in("id,date,text\n1,2026-03-01,hello\n2,not a date,world\n3,,again\n");
  auto reader = RecordReader::Create(in, {.format = InputFormat::kCsv});
  ASSERT_TRUE(reader.ok());
  InputRecord record;
  ASSERT_TRUE((*reader)->Next(&record));
  EXPECT_EQ(record.time.value_or(-1), 1772323200);
  ASSERT_TRUE((*reader)->Next(&record));
  EXPECT_FALSE(record.time.has_value());
  EXPECT_TRUE(record.invalid_time);
  ASSERT_TRUE((*reader)->Next(&record));
  EXPECT_FALSE(record.time.has_value());
  EXPECT_FALSE(record.invalid_time);
}

}  // namespace
}  // namespace moderato
