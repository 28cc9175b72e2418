// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// End-to-end tests of `moderato redirect`: the real binary, the shipped
// starter library and demo campaigns, a temporary database.

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/cli_util.h"

namespace moderato {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kStarter = std::string(MODERATO_SOURCE_ROOT) + "/data/counter/starter.jsonl";
const std::string kCampaigns = std::string(MODERATO_SOURCE_ROOT) + "/data/counter/campaigns.json";
// 2026-11-30 00:00:00 UTC.
const std::string kNow = " --now 1795996800 ";

class CliRedirectTest : public CliDbTest {
 protected:
  void Load(const std::string& campaigns_file) {
    ASSERT_EQ(Moderato("counter import " + kStarter + " --keep-status" + db_).exit_code, 0);
    CliRun run = Moderato("redirect campaigns import " + campaigns_file + db_);
    ASSERT_EQ(run.exit_code, 0);
    EXPECT_GE(ParseLines(run.out).at(0)["campaigns"].get<int>(), 1);
  }
};

TEST_F(CliRedirectTest, ObfuscatedQueriesTriggerTheDemoCampaignNeutralOnesDoNot) {
  Load(kCampaigns);
  CliRun run = Moderato("redirect --lang en 'D a e s h'" + kNow + db_);
  ASSERT_EQ(run.exit_code, 0);
  std::vector<json> lines = ParseLines(run.out);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["campaign"], "demo.isil");
  EXPECT_EQ(lines[0]["trigger"]["term"], "Daesh");
  EXPECT_EQ(lines[0]["trigger"]["matched"], "D a e s h");
  ASSERT_FALSE(lines[0]["items"].empty());
  for (const json& item : lines[0]["items"]) {
    EXPECT_EQ(item["language"], "en");
    EXPECT_TRUE(item.contains("title"));
    EXPECT_TRUE(item.contains("link"));
  }

  run = Moderato("redirect --lang en 'how to join ISI$'" + kNow + db_);
  ASSERT_EQ(run.exit_code, 0);
  EXPECT_EQ(ParseLines(run.out).at(0)["campaign"], "demo.isil");

  run = Moderato("redirect --lang ar 'فيديو داـــعش'" + kNow + db_);
  ASSERT_EQ(run.exit_code, 0);
  EXPECT_EQ(ParseLines(run.out).at(0)["items"].at(0)["language"], "ar");

  run = Moderato("redirect --lang fr 'recettes de cuisine faciles'" + kNow + db_);
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.out, "");
}

TEST_F(CliRedirectTest, InactiveCampaignsDoNotTriggerAndDraftsAreNeverShown) {
  const std::string file = dir_.string() + "/c.jsonl";
  std::ofstream(file)
      << R"({"id":"past","triggers":["Daesh"],"playlist":["starter-en-007"],"starts_at":1000,"ends_at":2000})"
      << "\n"
      << R"({"id":"drafty","triggers":["al-Qaida"],"playlist":["starter-en-024","starter-en-009"]})"
      << "\n"
      << R"({"id":"only.drafts","triggers":["AQIM"],"playlist":["starter-en-024"]})"
      << "\n";
  Load(file);
  CliRun run = Moderato("redirect --lang en 'daesh'" + kNow + db_);
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.out, "");
  run = Moderato("redirect --lang en 'daesh' --now 1500" + db_);
  ASSERT_EQ(run.exit_code, 0);
  EXPECT_EQ(ParseLines(run.out).at(0)["campaign"], "past");

  run = Moderato("redirect --lang en 'al-Qaida'" + kNow + db_);
  ASSERT_EQ(run.exit_code, 0);
  EXPECT_THAT(run.out, Not(HasSubstr("starter-en-024")));
  EXPECT_EQ(ParseLines(run.out).at(0)["items"].size(), 1u);
  run = Moderato("redirect --lang en 'AQIM'" + kNow + db_);
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.out, "");  // nothing servable: nothing shown, nothing counted
  run = Moderato("redirect report --format csv" + db_);
  EXPECT_THAT(run.out, Not(HasSubstr("only.drafts")));
}

TEST_F(CliRedirectTest, ReportCountsImpressionsAndClicksWithClickThroughRate) {
  Load(kCampaigns);
  for (int i = 0; i < 4; ++i) {
    ASSERT_EQ(Moderato("redirect --lang en 'Daesh'" + kNow + db_).exit_code, 0);
  }
  ASSERT_EQ(Moderato("redirect --lang fr 'Daech'" + kNow + db_).exit_code, 0);
  ASSERT_EQ(Moderato("redirect click demo.isil --lang en" + kNow + db_).exit_code, 0);
  CliRun run = Moderato("redirect report --format csv --from 2026-11-30 --to 2026-11-30" + db_);
  ASSERT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.out,
            "campaign,day,language,impressions,clicks,ctr\n"
            "demo.isil,2026-11-30,en,4,1,0.2500\n"
            "demo.isil,2026-11-30,fr,1,0,0.0000\n");
  run = Moderato("redirect report" + db_);
  ASSERT_EQ(run.exit_code, 0);
  EXPECT_THAT(run.out, HasSubstr("25.0%"));
  run = Moderato("redirect report --format csv --from 2026-12-01" + db_);
  EXPECT_EQ(run.out, "campaign,day,language,impressions,clicks,ctr\n");
}

TEST_F(CliRedirectTest, CampaignsListExportAndBadFiles) {
  Load(kCampaigns);
  CliRun run = Moderato("redirect campaigns list" + db_);
  ASSERT_EQ(run.exit_code, 0);
  EXPECT_THAT(run.out, HasSubstr("demo.isil"));
  run = Moderato("redirect campaigns export" + db_);
  ASSERT_EQ(run.exit_code, 0);
  json exported = json::parse(run.out);
  ASSERT_TRUE(exported.is_array());
  EXPECT_EQ(exported.size(), 2u);

  const std::string bad = dir_.string() + "/bad.jsonl";
  std::ofstream(bad) << R"({"id":"ok","triggers":["x"],"playlist":["i"]})"
                     << "\n{\"id\":\"broken\"\n";
  EXPECT_EQ(Moderato("redirect campaigns import " + bad + db_).exit_code, 4);
  EXPECT_NE(Moderato("redirect --lang de 'daesh'" + db_).exit_code, 0);
  EXPECT_EQ(Moderato("redirect 'daesh' --db " + dir_.string() + "/missing.db").exit_code, 3);
}

}  // namespace
}  // namespace moderato
