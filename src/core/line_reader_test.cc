// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/core/line_reader.h"

#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace moderato {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

struct ReadResult {
  std::vector<std::string> lines;
  std::vector<std::uint64_t> numbers;
  std::vector<Status> errors;
};

ReadResult ReadAll(const std::string& text, std::size_t max_line) {
  std::istringstream in(text);
  LineReader reader(in, max_line);
  ReadResult r;
  std::string_view line;
  while (true) {
    Result<bool> more = reader.Next(&line);
    if (!more.ok()) {
      r.errors.push_back(more.status());
      continue;
    }
    if (!*more) break;
    r.lines.emplace_back(line);
    r.numbers.push_back(reader.line_number());
  }
  return r;
}

TEST(LineReaderTest, SplitsLinesAndStripsCarriageReturns) {
  ReadResult r = ReadAll("a\r\nbb\n\nlast", 100);
  EXPECT_THAT(r.lines, ElementsAre("a", "bb", "", "last"));
  EXPECT_THAT(r.numbers, ElementsAre(1u, 2u, 3u, 4u));
  EXPECT_TRUE(r.errors.empty());
}

TEST(LineReaderTest, ReportsAndSkipsOverlongLines) {
  std::string big(300000, 'x');
  ReadResult r = ReadAll("ok\n" + big + "\nafter\n" + big, 1000);
  EXPECT_THAT(r.lines, ElementsAre("ok", "after"));
  EXPECT_THAT(r.numbers, ElementsAre(1u, 3u));
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.errors[0].code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(r.errors[0].message(), HasSubstr("line 2"));
  EXPECT_THAT(r.errors[1].message(), HasSubstr("line 4"));
}

TEST(LineReaderTest, LineExactlyAtTheBudgetIsAccepted) {
  std::string line(64, 'y');
  ReadResult r = ReadAll(line + "\n" + line + "z\n", 64);
  EXPECT_THAT(r.lines, ElementsAre(line));
  EXPECT_EQ(r.errors.size(), 1u);
}

TEST(LineReaderTest, ManyLinesAcrossBufferBoundaries) {
  std::string text;
  for (int i = 0; i < 50000; ++i) text += "line" + std::to_string(i) + "\n";
  ReadResult r = ReadAll(text, 16);
  ASSERT_EQ(r.lines.size(), 50000u);
  EXPECT_EQ(r.lines[12345], "line12345");
  EXPECT_EQ(r.numbers.back(), 50000u);
}

}  // namespace
}  // namespace moderato
