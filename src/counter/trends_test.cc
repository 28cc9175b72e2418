// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/counter/trends.h"

#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "moderato/core/csv.h"

namespace moderato {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A hand-written scan output: two days, two languages, a clean record, an
// error record, a record without time, and three malformed lines (4, 8, 9).
const char kScanOutput[] =
    R"({"id":"1","line":1,"time":"2026-03-01T08:00:00Z","lang":"en","label":"review","themes":[{"theme":"glorification_martyrdom","weight":0.6},{"theme":"us_vs_them","weight":0.2}]}
{"id":"2","line":2,"time":"2026-03-01T09:30:00Z","lang":"en","label":"hate","themes":[{"theme":"glorification_martyrdom","weight":0.5},{"theme":"glorification_martyrdom","weight":0.3}]}
{"id":"3","line":3,"time":"2026-03-02T10:00:00Z","lang":"fr","label":"review","themes":[{"theme":"glorification_martyrdom","weight":0.4}]}
not json at all
{"id":"5","line":5,"lang":"fr","label":"review","themes":[{"theme":"recruitment_travel","weight":0.3}]}
{"id":"6","line":6,"time":"2026-03-02T11:00:00Z","lang":"en","label":"clean","themes":[]}
{"id":"7","line":7,"error":{"code":"INVALID_ARGUMENT","message":"line 7: malformed JSON"}}
{"id":"8","line":8,"label":"review"}
[1,2,3]

{"id":"10","line":10,"time":"2026-03-02T12:00:00Z","lang":"en","label":"review","themes":[]}
)";

TrendCounts Aggregate(const std::string& text, TrendOptions options = {}) {
  TrendAggregator trends(std::move(options));
  std::istringstream in(text);
  EXPECT_TRUE(trends.Read(in, "scan.jsonl").ok());
  return trends.counts();
}

TEST(TrendsTest, AggregatesPerDayLanguageAndTheme) {
  TrendCounts counts = Aggregate(kScanOutput);
  std::map<TrendKey, std::uint64_t> expected = {
      {{"2026-03-01", "en", "glorification_martyrdom"}, 2},
      {{"2026-03-01", "en", "us_vs_them"}, 1},
      {{"2026-03-02", "fr", "glorification_martyrdom"}, 1},
      {{"unknown", "fr", "recruitment_travel"}, 1},
  };
  EXPECT_EQ(counts.volume, expected);
  EXPECT_EQ(counts.lines, 10u);
  EXPECT_EQ(counts.themed, 4u);
  EXPECT_EQ(counts.unthemed, 1u);  // line 10: flagged for review, no theme
  EXPECT_EQ(counts.records, 5u);
  EXPECT_EQ(counts.ignored_clean, 1u);
  EXPECT_EQ(counts.error_records, 1u);
  EXPECT_EQ(counts.malformed, 3u);
  ASSERT_EQ(counts.malformed_lines.size(), 3u);
  EXPECT_EQ(counts.malformed_lines[0].line, 4u);
  EXPECT_EQ(counts.malformed_lines[0].source, "scan.jsonl");
  EXPECT_EQ(counts.malformed_lines[1].line, 8u);
  EXPECT_EQ(counts.malformed_lines[2].line, 9u);
}

TEST(TrendsTest, FiltersByDayRangeAndLanguage) {
  TrendCounts counts = Aggregate(kScanOutput, {.from_day = "2026-03-02", .to_day = "2026-03-02"});
  EXPECT_EQ(counts.volume.size(), 1u);
  EXPECT_EQ(counts.volume.count({"2026-03-02", "fr", "glorification_martyrdom"}), 1u);
  // Days 03-01 (two records) and "unknown" (one) are out.
  EXPECT_EQ(counts.filtered, 3u);

  counts = Aggregate(kScanOutput, {.language = "fr"});
  EXPECT_EQ(counts.volume.size(), 2u);
  EXPECT_EQ(counts.volume.count({"unknown", "fr", "recruitment_travel"}), 1u);
}

TEST(TrendsTest, LongLinesAndBudgets) {
  std::string long_line(1000, 'x');
  TrendOptions options{.max_line_bytes = 400};
  TrendCounts counts = Aggregate(long_line + "\n" + std::string(kScanOutput), options);
  EXPECT_EQ(counts.malformed, 4u);
  EXPECT_EQ(counts.malformed_lines[0].line, 1u);
  EXPECT_EQ(counts.malformed_lines[0].reason, "line too long");

  TrendAggregator few({.max_records = 2});
  std::istringstream in(kScanOutput);
  Status status = few.Read(in);
  EXPECT_EQ(status.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(few.counts().lines, 2u);

  TrendAggregator small({.max_bytes = 10});
  std::istringstream in2(kScanOutput);
  EXPECT_EQ(small.Read(in2).code(), StatusCode::kResourceExhausted);

  TrendAggregator keys({.max_keys = 1});
  std::istringstream in3(kScanOutput);
  EXPECT_EQ(keys.Read(in3).code(), StatusCode::kResourceExhausted);
}

CounterItem Item(std::string id, std::string lang, std::vector<std::string> themes,
                 std::string status) {
  CounterItem item;
  item.id = std::move(id);
  item.language = std::move(lang);
  item.themes = std::move(themes);
  item.status = std::move(status);
  return item;
}

TEST(TrendsTest, GapReportJoinsApprovedCoverageAndSortsByGap) {
  std::vector<CounterItem> items = {
      Item("a", "en", {"glorification_martyrdom", "us_vs_them"}, "approved"),
      Item("b", "en", {"glorification_martyrdom"}, "approved"),
      Item("c", "fr", {"glorification_martyrdom"}, "draft"),  // not counted
      Item("d", "en", {"recruitment_travel"}, "retired"),     // not counted
  };
  Coverage coverage = CoverageFromItems(items);
  EXPECT_EQ(coverage.at({"glorification_martyrdom", "en"}), 2u);
  EXPECT_EQ(coverage.at({"us_vs_them", "en"}), 1u);
  EXPECT_EQ(coverage.count({"glorification_martyrdom", "fr"}), 0u);

  std::vector<GapRow> gaps = GapReport(Aggregate(kScanOutput), coverage);
  ASSERT_EQ(gaps.size(), 4u);
  // fr glorification (1 / 1) and fr recruitment (1 / 1) tie on gap and
  // volume: theme id order. Then en glorification 2 / 3, en us_vs_them 1 / 2.
  EXPECT_EQ(gaps[0], (GapRow{"glorification_martyrdom", "fr", 1, 0, 1.0}));
  EXPECT_EQ(gaps[1], (GapRow{"recruitment_travel", "fr", 1, 0, 1.0}));
  EXPECT_EQ(gaps[2].theme, "glorification_martyrdom");
  EXPECT_EQ(gaps[2].language, "en");
  EXPECT_EQ(gaps[2].volume, 2u);
  EXPECT_EQ(gaps[2].approved, 2u);
  EXPECT_DOUBLE_EQ(gaps[2].gap, 2.0 / 3.0);
  EXPECT_EQ(gaps[3].theme, "us_vs_them");
  EXPECT_DOUBLE_EQ(gaps[3].gap, 0.5);
}

TEST(TrendsTest, TableIsAligned) {
  TrendCounts counts = Aggregate(kScanOutput);
  std::string table = FormatTrendTable(counts, GapReport(counts, {}));
  EXPECT_THAT(table, HasSubstr("day         lang  glorification_martyrdom  recruitment_travel"));
  EXPECT_THAT(table, HasSubstr("2026-03-01  en                          2"));
  EXPECT_THAT(table, HasSubstr("scan.jsonl:4: malformed JSON"));
  EXPECT_THAT(table, HasSubstr("theme"));
}

TEST(TrendsTest, CsvHasAHeaderAndEscapesFields) {
  TrendCounts counts;
  counts.volume[{"unknown", "en", "odd,\"theme\""}] = 3;
  std::string csv = FormatTrendCsv(counts, GapReport(counts, {}));
  std::istringstream lines(csv);
  std::string line;
  std::vector<std::vector<std::string>> rows;
  while (std::getline(lines, line)) {
    Result<std::vector<std::string>> fields = ParseCsvLine(line);
    ASSERT_TRUE(fields.ok()) << line;
    rows.push_back(*fields);
  }
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_THAT(rows[0],
              ElementsAre("kind", "day", "language", "theme", "volume", "approved", "gap"));
  EXPECT_THAT(rows[1], ElementsAre("volume", "unknown", "en", "odd,\"theme\"", "3", "", ""));
  EXPECT_THAT(rows[2], ElementsAre("gap", "", "en", "odd,\"theme\"", "3", "0", "3.00"));
}

// A tiny XML checker: tags balance, attributes are quoted, text holds no
// raw '<' or unescaped '&'.
bool WellFormed(const std::string& xml, std::string* why) {
  std::vector<std::string> stack;
  std::size_t i = 0;
  if (xml.rfind("<?xml", 0) == 0) i = xml.find("?>") + 2;
  while (i < xml.size()) {
    if (xml[i] == '&') {
      std::size_t semi = xml.find(';', i);
      std::string entity = xml.substr(i, semi == std::string::npos ? 8 : semi - i + 1);
      if (entity != "&amp;" && entity != "&lt;" && entity != "&gt;" && entity != "&quot;" &&
          entity != "&apos;") {
        *why = "bad entity at " + std::to_string(i);
        return false;
      }
      i = semi + 1;
      continue;
    }
    if (xml[i] == '>') {
      *why = "stray > at " + std::to_string(i);
      return false;
    }
    if (xml[i] != '<') {
      ++i;
      continue;
    }
    std::size_t end = i + 1;
    char quote = 0;
    while (end < xml.size() && (quote || xml[end] != '>')) {
      if (quote && xml[end] == quote) {
        quote = 0;
      } else if (!quote && (xml[end] == '"' || xml[end] == '\'')) {
        quote = xml[end];
      } else if (xml[end] == '<') {
        *why = "< inside a tag at " + std::to_string(end);
        return false;
      }
      ++end;
    }
    if (end >= xml.size()) {
      *why = "unterminated tag";
      return false;
    }
    std::string tag = xml.substr(i + 1, end - i - 1);
    if (tag.starts_with("/")) {
      if (stack.empty() || stack.back() != tag.substr(1)) {
        *why = "unbalanced </" + tag.substr(1) + ">";
        return false;
      }
      stack.pop_back();
    } else if (!tag.ends_with("/")) {
      stack.push_back(tag.substr(0, tag.find_first_of(" \n")));
    }
    i = end + 1;
  }
  if (!stack.empty()) *why = "unclosed <" + stack.back() + ">";
  return stack.empty();
}

TEST(TrendsTest, SvgIsWellFormedAndEscapesLabels) {
  TrendCounts counts = Aggregate(kScanOutput);
  counts.volume[{"unknown", "en", "a<b>&\"c\""}] = 5;
  std::string svg = FormatTrendSvg(GapReport(counts, {}));
  std::string why;
  EXPECT_TRUE(WellFormed(svg, &why)) << why;
  EXPECT_THAT(svg, HasSubstr("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_THAT(svg, HasSubstr("a&lt;b&gt;&amp;&quot;c&quot;"));
  EXPECT_THAT(svg, HasSubstr(">glorification_martyrdom</text>"));

  std::string empty = FormatTrendSvg({});
  EXPECT_TRUE(WellFormed(empty, &why)) << why;
  EXPECT_THAT(empty, HasSubstr("no themed records"));
}

TEST(TrendsTest, CheckerRejectsBrokenXml) {
  std::string why;
  EXPECT_FALSE(WellFormed("<svg><g></svg>", &why));
  EXPECT_FALSE(WellFormed("<svg>a < b</svg>", &why));
  EXPECT_FALSE(WellFormed("<svg>a & b</svg>", &why));
}

TEST(TrendsTest, XmlEscape) {
  EXPECT_EQ(XmlEscape("a<b>&'\"\x01"), "a&lt;b&gt;&amp;&apos;&quot;?");
  EXPECT_EQ(XmlEscape("شهيد"), "شهيد");
}

}  // namespace
}  // namespace moderato
