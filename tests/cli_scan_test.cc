// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// End-to-end tests of `moderato scan`: the real binary, real files, real
// exit codes.

#include <sys/wait.h>

#include <cstdio>
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

const std::string kSamples = std::string(MODERATO_SOURCE_ROOT) + "/data/samples/posts.jsonl";

TEST(CliScanTest, SamplePostsGiveOneRecordPerLineInOrder) {
  CliRun run = Moderato("scan --no-classifier --threads 2 " + kSamples);
  // The samples end with two malformed lines: exit code 1, scan goes on.
  EXPECT_EQ(run.exit_code, 1);
  std::vector<json> records = ParseLines(run.out);
  std::ifstream in(kSamples);
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) ++n;
  ASSERT_EQ(records.size(), n);
  for (std::size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(records[i]["line"], i + 1);
  }
  EXPECT_EQ(records[0]["id"], "en-1");
  EXPECT_EQ(records[0]["label"], "clean");
  EXPECT_TRUE(records[n - 2].contains("error"));
  EXPECT_EQ(records[n - 1]["id"], "no-text");
  EXPECT_THAT(records[n - 1]["error"]["message"].get<std::string>(), HasSubstr("missing"));
}

TEST(CliScanTest, LexiconSpansPointAtTheOriginalBytes) {
  CliRun run = Moderato("scan --no-classifier " + kSamples);
  std::vector<json> records = ParseLines(run.out);
  std::ifstream in(kSamples);
  std::string line;
  int hits = 0;
  for (const json& record : records) {
    ASSERT_TRUE(std::getline(in, line));
    if (record.contains("error")) continue;
    std::string text = json::parse(line)["text"];
    for (const json& hit : record["lexicon"]) {
      std::size_t start = hit["start"], end = hit["end"];
      ASSERT_LE(start, end);
      ASSERT_LE(end, text.size());
      EXPECT_EQ(hit["text"], text.substr(start, end - start));
      ++hits;
    }
  }
  EXPECT_GT(hits, 10);
}

TEST(CliScanTest, ObfuscatedNamesAreFoundAndFlagged) {
  CliRun run = Moderato("scan --no-classifier " + kSamples);
  std::vector<json> records = ParseLines(run.out);
  auto find = [&](const std::string& id) {
    for (const json& r : records) {
      if (r["id"] == id) return r;
    }
    return json();
  };
  json zero_width = find("en-6");
  ASSERT_FALSE(zero_width.is_null());
  EXPECT_FALSE(zero_width["lexicon"].empty());
  EXPECT_THAT(zero_width["flags"].dump(), HasSubstr("invisible"));
  json tatweel = find("ar-4");
  EXPECT_FALSE(tatweel["lexicon"].empty());
  EXPECT_THAT(tatweel["flags"].dump(), HasSubstr("tatweel"));
  json spaced = find("en-8");
  EXPECT_FALSE(spaced["lexicon"].empty());
  json clean = find("fr-4");
  EXPECT_TRUE(clean["lexicon"].empty());
}

TEST(CliScanTest, OutputIsTheSameWithOneOrTwoThreads) {
  std::string big;
  for (int i = 0; i < 3000; ++i) {
    big += "{\"id\": " + std::to_string(i) + ", \"text\": \"post " + std::to_string(i) +
           (i % 7 == 0 ? " about Daesh" : " about the weather") + "\"}\n";
  }
  std::string path = TempFile("threads.jsonl", big);
  CliRun one = Moderato("scan --no-classifier --threads 1 " + path);
  CliRun two = Moderato("scan --no-classifier --threads 2 " + path);
  EXPECT_EQ(one.exit_code, 0);
  EXPECT_EQ(two.exit_code, 0);
  EXPECT_EQ(one.out, two.out);
  EXPECT_EQ(ParseLines(one.out).size(), 3000u);
}

TEST(CliScanTest, ReadsCsvWithNamedColumns) {
  std::string path = TempFile("posts.csv",
                              "post_id,body,lang\n"
                              "a,\"hello, world\",en\n"
                              "b,\"Daech, encore\",fr\n");
  CliRun run = Moderato("scan --no-classifier --text-column body --id-column post_id " + path);
  EXPECT_EQ(run.exit_code, 0);
  std::vector<json> records = ParseLines(run.out);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0]["id"], "a");
  EXPECT_EQ(records[0]["lang_source"], "input");
  EXPECT_EQ(records[1]["id"], "b");
  EXPECT_FALSE(records[1]["lexicon"].empty());
}

TEST(CliScanTest, ReadsPlainLinesFromStdinAndSurvivesInvalidUtf8) {
  std::string path = TempFile("lines.txt", "first line\n\xff\xfe broken bytes\n");
  CliRun run = Moderato("scan --no-classifier --format lines - < " + path);
  EXPECT_EQ(run.exit_code, 0);
  std::vector<json> records = ParseLines(run.out);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_THAT(records[1]["flags"].dump(), HasSubstr("invalid_utf8"));
}

TEST(CliScanTest, JsonlWithInvalidUtf8IsScannedAndFlagged) {
  std::string path = TempFile("bad_utf8.jsonl", "{\"id\": \"x\", \"text\": \"Daesh \xff here\"}\n");
  CliRun run = Moderato("scan --no-classifier " + path);
  EXPECT_EQ(run.exit_code, 0);
  std::vector<json> records = ParseLines(run.out);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_THAT(records[0]["flags"].dump(), HasSubstr("invalid_utf8"));
  EXPECT_FALSE(records[0]["lexicon"].empty());
}

TEST(CliScanTest, MissingInputAndBadLexiconGiveDocumentedExitCodes) {
  EXPECT_EQ(Moderato("scan --no-classifier /nonexistent/posts.jsonl").exit_code, 3);
  std::string bad = TempFile("bad.tsv", "id\tterm\n");
  EXPECT_EQ(Moderato("scan --no-classifier --lexicon " + bad + " " + kSamples).exit_code, 4);
  EXPECT_EQ(Moderato("scan --no-such-flag").exit_code, 2);
}

TEST(CliScanTest, UsesTheBuildsClassifierWhenPresent) {
  if (!std::filesystem::exists(MODERATO_DEFAULT_CLASSIFIER_MODEL)) {
    GTEST_SKIP() << "the build has not trained " << MODERATO_DEFAULT_CLASSIFIER_MODEL;
  }
  CliRun run = Moderato("scan " + kSamples);
  std::vector<json> records = ParseLines(run.out);
  ASSERT_FALSE(records.empty());
  EXPECT_TRUE(records[0]["classifier"].is_number());
  double p = records[0]["classifier"];
  EXPECT_GE(p, 0.0);
  EXPECT_LE(p, 1.0);
}

TEST(CliScanTest, PrevalenceLowersClassifierProbabilities) {
  if (!std::filesystem::exists(MODERATO_DEFAULT_CLASSIFIER_MODEL)) {
    GTEST_SKIP() << "the build has not trained " << MODERATO_DEFAULT_CLASSIFIER_MODEL;
  }
  std::vector<json> as_calibrated = ParseLines(Moderato("scan " + kSamples).out);
  std::vector<json> rare = ParseLines(Moderato("scan --prevalence 0.01 " + kSamples).out);
  ASSERT_EQ(as_calibrated.size(), rare.size());
  int compared = 0;
  for (std::size_t i = 0; i < rare.size(); ++i) {
    if (rare[i].contains("error")) continue;
    double before = as_calibrated[i]["classifier"], after = rare[i]["classifier"];
    if (before > 0.0 && before < 1.0) {
      EXPECT_LT(after, before) << rare[i]["id"];
      ++compared;
    }
  }
  EXPECT_GT(compared, 10);
  EXPECT_EQ(Moderato("scan --prevalence 1 " + kSamples).exit_code, 4);
}

}  // namespace
}  // namespace moderato
