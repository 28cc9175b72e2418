// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// End-to-end tests of `moderato counter`: the real binary, the shipped
// starter library and evaluation set, a temporary database.

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

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
const std::string kEval = std::string(MODERATO_SOURCE_ROOT) + "/data/counter/eval.jsonl";

using CliCounterTest = CliDbTest;

TEST_F(CliCounterTest, SuggestServesOnlyApprovedItemsWithExplanations) {
  CliRun run = Moderato("counter import " + kStarter + " --keep-status" + db_);
  ASSERT_EQ(run.exit_code, 0);
  EXPECT_EQ(ParseLines(run.out).at(0)["added"], 72);

  // The shipped drafts (one per language) answer exactly this theme; they are never served.
  run = Moderato("counter suggest --lang en -k 10 'an attack on worshippers praised as martyrdom'" +
                 db_);
  ASSERT_EQ(run.exit_code, 0);
  std::vector<json> lines = ParseLines(run.out);
  ASSERT_EQ(lines.size(), 10u);
  for (const json& s : lines) {
    EXPECT_NE(s["id"], "starter-en-024");
    EXPECT_EQ(s["language"], "en");
    EXPECT_TRUE(s["explanation"].contains("text"));
  }
  EXPECT_GE(lines[0]["score"].get<double>(), lines[1]["score"].get<double>());

  ASSERT_EQ(Moderato("counter approve starter-en-024" + db_).exit_code, 0);
  CliRun list = Moderato("counter list --status draft" + db_);
  EXPECT_THAT(list.out, Not(HasSubstr("starter-en-024")));
  EXPECT_THAT(list.out, HasSubstr("starter-fr-024"));
}

TEST_F(CliCounterTest, EditsAreDraftsUntilApprovedAndKeepTheirHistory) {
  ASSERT_EQ(Moderato("counter import " + kStarter + " --keep-status" + db_).exit_code, 0);
  CliRun add = Moderato(
      "counter add --id starter-en-001 --lang en --title 'New title' --body 'A shorter, "
      "neutral body for the test.' --theme religious_justification --strategy question "
      "--audience youth --messenger 'Moderato starter example' --messenger-kind educators" +
      db_);
  ASSERT_EQ(add.exit_code, 0);
  json saved = ParseLines(add.out).at(0);
  EXPECT_EQ(saved["status"], "draft");
  EXPECT_EQ(saved["version"], 2);
  std::vector<json> history = ParseLines(Moderato("counter history starter-en-001" + db_).out);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0]["status"], "approved");
  // The approved version 1 is what export of approved items still shows.
  CliRun exported = Moderato("counter export --status approved --lang en" + db_);
  EXPECT_THAT(exported.out, Not(HasSubstr("New title")));
}

TEST_F(CliCounterTest, EvalPrintsTheSystemNextToTheBaseline) {
  ASSERT_EQ(Moderato("counter import " + kStarter + " --keep-status" + db_).exit_code, 0);
  CliRun run = Moderato("counter eval " + kEval + db_);
  ASSERT_EQ(run.exit_code, 0);
  EXPECT_THAT(run.out, HasSubstr("full"));
  EXPECT_THAT(run.out, HasSubstr("bm25"));
  EXPECT_THAT(run.out, HasSubstr("all"));
}

TEST_F(CliCounterTest, BadInputHasExitCodes) {
  EXPECT_EQ(Moderato("counter list" + db_).exit_code, 3) << "no database yet";
  std::string bad = (dir_ / "bad.jsonl").string();
  std::ofstream(bad) << "{\"id\":\"x\",\"language\":\"xx\"}\n";
  EXPECT_EQ(Moderato("counter import " + bad + db_).exit_code, 4);
  ASSERT_EQ(Moderato("counter import " + kStarter + db_).exit_code, 0);
  EXPECT_EQ(Moderato("counter approve no-such-id" + db_).exit_code, 3);
}

}  // namespace
}  // namespace moderato
