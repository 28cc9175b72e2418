// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// End-to-end tests of `moderato trends`: the real binary scans a few neutral
// posts with times, then reports their themes against the shipped starter
// library imported into a temporary database.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/cli_util.h"

namespace moderato {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::string kStarter = std::string(MODERATO_SOURCE_ROOT) + "/data/counter/starter.jsonl";

// Neutral posts naming organisations of the starter lexicon (news, research).
const char kPosts[] =
    R"({"id":"p1","lang":"en","time":"2026-03-01T08:00:00Z","text":"A news report on how Daesh lost its last territory."}
{"id":"p2","lang":"en","created_at":"2026-03-01T23:30:00-02:00","text":"Researchers discussed ISIS at the university."}
{"id":"p3","lang":"fr","time":1772524800,"text":"Un reportage sur la chute de Daech."}
{"id":"p4","lang":"en","time":"2026-03-02T09:00:00Z","text":"The weather is nice today."}
{"id":"p5","lang":"en","time":"yesterday","text":"Analysts met to discuss ISIL."}
)";

class CliTrendsTest : public CliDbTest {
 protected:
  void SetUp() override {
    CliDbTest::SetUp();
    std::filesystem::path posts = dir_ / "posts.jsonl";
    std::ofstream(posts, std::ios::binary) << kPosts;
    scan_ = (dir_ / "scan.jsonl").string();
    CliRun run = Moderato("scan -q --no-classifier --no-lid " + posts.string() + " -o " + scan_);
    ASSERT_EQ(run.exit_code, 0);
  }

  std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  std::string scan_;
};

TEST_F(CliTrendsTest, ScanRecordsCarryTimeAndThemes) {
  std::vector<json> records = ParseLines(Read(scan_));
  ASSERT_EQ(records.size(), 5u);
  EXPECT_EQ(records[0]["time"], "2026-03-01T08:00:00Z");
  EXPECT_EQ(records[1]["time"], "2026-03-02T01:30:00Z");  // the offset is applied
  EXPECT_EQ(records[2]["time"], "2026-03-03T08:00:00Z");  // Unix seconds
  EXPECT_FALSE(records[4].contains("time"));
  EXPECT_EQ(records[4]["time_invalid"], true);
  ASSERT_FALSE(records[0]["themes"].empty());
  for (const json& theme : records[0]["themes"]) {
    EXPECT_GE(theme["weight"].get<double>(), 0.1);
    EXPECT_FALSE(theme["theme"].get<std::string>().empty());
  }
  EXPECT_TRUE(records[3]["themes"].empty());
  EXPECT_EQ(records[3]["label"], "clean");
}

TEST_F(CliTrendsTest, LongTextsStillGetThemes) {
  std::string text = "Daesh ";
  while (text.size() < 20000) text += "a long neutral paragraph about the weather, ";
  std::filesystem::path posts = dir_ / "long.jsonl";
  std::ofstream(posts, std::ios::binary)
      << json{{"id", "long"}, {"lang", "en"}, {"time", "2026-03-01"}, {"text", text}}.dump()
      << "\n";
  CliRun run = Moderato("scan -q --no-classifier --no-lid " + posts.string());
  ASSERT_EQ(run.exit_code, 0);
  std::vector<json> records = ParseLines(run.out);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["time"], "2026-03-01T00:00:00Z");
  EXPECT_FALSE(records[0]["themes"].empty());
}

TEST_F(CliTrendsTest, TableCsvAndSvgAgainstTheStarterLibrary) {
  ASSERT_EQ(Moderato("counter import " + kStarter + " --keep-status" + db_).exit_code, 0);

  CliRun table = Moderato("trends" + db_ + scan_);
  ASSERT_EQ(table.exit_code, 0);
  EXPECT_THAT(table.out, HasSubstr("2026-03-01  en"));
  EXPECT_THAT(table.out, HasSubstr("unknown     en"));
  EXPECT_THAT(table.out, HasSubstr("Gap report"));
  EXPECT_THAT(table.out, HasSubstr("religious_justification"));

  CliRun csv = Moderato("trends --format csv" + db_ + scan_);
  ASSERT_EQ(csv.exit_code, 0);
  EXPECT_THAT(csv.out, StartsWith("kind,day,language,theme,volume,approved,gap\n"));
  // en: p1, p2 (03-02 after the offset) and p5 (unknown) name an organisation.
  EXPECT_THAT(csv.out, HasSubstr("volume,2026-03-01,en,religious_justification,1,,\n"));
  EXPECT_THAT(csv.out, HasSubstr("volume,2026-03-02,en,religious_justification,1,,\n"));
  EXPECT_THAT(csv.out, HasSubstr("volume,unknown,en,religious_justification,1,,\n"));
  EXPECT_THAT(csv.out, HasSubstr("volume,2026-03-03,fr,religious_justification,1,,\n"));
  // The starter library has approved items for this theme: coverage is not 0.
  EXPECT_THAT(csv.out, HasSubstr("gap,,en,religious_justification,3,"));
  EXPECT_THAT(csv.out, ::testing::Not(HasSubstr("gap,,en,religious_justification,3,0,")));

  std::string svg_path = (dir_ / "gaps.svg").string();
  CliRun svg = Moderato("trends --format svg -o " + svg_path + db_ + scan_);
  ASSERT_EQ(svg.exit_code, 0);
  std::string doc = Read(svg_path);
  EXPECT_THAT(doc, StartsWith("<?xml"));
  EXPECT_THAT(doc, HasSubstr("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_THAT(doc, HasSubstr(">religious_justification</text>"));
  EXPECT_THAT(doc, HasSubstr("</svg>\n"));
}

TEST_F(CliTrendsTest, FiltersMissingDatabaseAndMalformedLines) {
  CliRun run = Moderato("trends --format csv --from 2026-03-03 --to 2026-03-03" + db_ + scan_);
  ASSERT_EQ(run.exit_code, 0);
  EXPECT_THAT(run.out, HasSubstr("volume,2026-03-03,fr,"));
  EXPECT_THAT(run.out, ::testing::Not(HasSubstr(",en,")));
  // No database: coverage 0, and the table says so.
  EXPECT_THAT(run.out, HasSubstr("gap,,fr,religious_justification,1,0,1.00"));
  CliRun table = Moderato("trends --lang fr" + db_ + scan_);
  EXPECT_THAT(table.out, HasSubstr("no database"));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "t.db"));

  std::string broken = (dir_ / "broken.jsonl").string();
  std::ofstream(broken, std::ios::binary) << Read(scan_) << "{not json\n";
  CliRun bad = Moderato("trends" + db_ + "- < " + broken);
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.out, HasSubstr("stdin:6: malformed JSON"));

  EXPECT_EQ(Moderato("trends --from 2026-3-1" + db_ + scan_).exit_code, 4);
  EXPECT_EQ(Moderato("trends" + db_ + (dir_ / "nope.jsonl").string()).exit_code, 3);
}

}  // namespace
}  // namespace moderato
