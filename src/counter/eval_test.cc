// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/counter/eval.h"

#include <string>
#include <vector>

#include "counter/testing_items.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace moderato {
namespace {

using ::testing::HasSubstr;

TEST(ParseEvalCasesTest, ParsesCasesAndSkipsBlankLines) {
  const std::string jsonl =
      "{\"id\":\"a\",\"language\":\"en\",\"message\":\"hello\",\"gold_themes\":[\"conspiracy\"],"
      "\"gold_items\":[\"x\"]}\n"
      "\n"
      "{\"language\":\"fr\",\"message\":\"salut\",\"gold_items\":[\"y\",\"z\"],\"extra\":1}\n";
  Result<std::vector<EvalCase>> cases = ParseEvalCases(jsonl);
  ASSERT_TRUE(cases.ok()) << cases.status();
  ASSERT_EQ(cases->size(), 2u);
  EXPECT_EQ((*cases)[0].id, "a");
  EXPECT_EQ((*cases)[0].gold_themes, std::vector<std::string>{"conspiracy"});
  EXPECT_EQ((*cases)[1].id, "line-3");
  EXPECT_EQ((*cases)[1].gold_items, (std::vector<std::string>{"y", "z"}));
}

TEST(ParseEvalCasesTest, ReportsTheLineOfAnError) {
  const std::string ok = "{\"language\":\"en\",\"message\":\"m\",\"gold_items\":[\"x\"]}\n";
  Result<std::vector<EvalCase>> bad_json = ParseEvalCases(ok + "{not json\n");
  ASSERT_FALSE(bad_json.ok());
  EXPECT_EQ(bad_json.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_json.status().message(), HasSubstr("line 2"));

  Result<std::vector<EvalCase>> bad_theme = ParseEvalCases(
      ok + ok + "{\"language\":\"en\",\"message\":\"m\",\"gold_themes\":[\"nope\"]}\n");
  ASSERT_FALSE(bad_theme.ok());
  EXPECT_THAT(bad_theme.status().message(), HasSubstr("line 3: gold_themes: unknown theme"));

  EXPECT_FALSE(ParseEvalCases("{\"language\":\"en\",\"message\":\"m\"}").ok());
  EXPECT_FALSE(
      ParseEvalCases("{\"language\":\"en\",\"message\":\"\",\"gold_items\":[\"x\"]}").ok());
  EXPECT_FALSE(ParseEvalCases("[1,2]").ok());
  EXPECT_FALSE(ParseEvalCases("{\"message\":\"m\",\"gold_items\":[\"x\"]}").ok());
  EXPECT_FALSE(ParseEvalCases("{\"language\":\"en\",\"message\":\"m\",\"gold_items\":\"x\"}").ok());
}

TEST(ParseEvalCasesTest, EnforcesBudgets) {
  EvalParseOptions options;
  options.max_bytes = 10;
  EXPECT_EQ(ParseEvalCases(std::string(11, ' '), options).status().code(),
            StatusCode::kResourceExhausted);
  options = {};
  options.max_line_bytes = 20;
  EXPECT_EQ(ParseEvalCases(std::string(30, ' '), options).status().code(),
            StatusCode::kResourceExhausted);
  options = {};
  options.max_cases = 1;
  const std::string ok = "{\"language\":\"en\",\"message\":\"m\",\"gold_items\":[\"x\"]}\n";
  EXPECT_EQ(ParseEvalCases(ok + ok, options).status().code(), StatusCode::kResourceExhausted);
}

class StarterEvalTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Result<std::vector<CounterItem>> items =
        testing_items::LoadItems(testing_items::SourcePath("data/counter/starter.jsonl"));
    ASSERT_TRUE(items.ok()) << items.status();
    Result<std::unique_ptr<CounterRetriever>> r = CounterRetriever::Build(*items, {});
    ASSERT_TRUE(r.ok()) << r.status();
    retriever_ = std::move(r).value().release();
    Result<std::string> bytes =
        testing_items::ReadWholeFile(testing_items::SourcePath("data/counter/eval.jsonl"));
    ASSERT_TRUE(bytes.ok()) << bytes.status();
    Result<std::vector<EvalCase>> cases = ParseEvalCases(*bytes);
    ASSERT_TRUE(cases.ok()) << cases.status();
    cases_ = new std::vector<EvalCase>(std::move(cases).value());
  }
  static void TearDownTestSuite() {
    delete retriever_;
    delete cases_;
  }
  static CounterRetriever* retriever_;
  static std::vector<EvalCase>* cases_;
};
CounterRetriever* StarterEvalTest::retriever_ = nullptr;
std::vector<EvalCase>* StarterEvalTest::cases_ = nullptr;

TEST_F(StarterEvalTest, FullSystemBeatsBm25OnlyOnMrr) {
  ASSERT_EQ(cases_->size(), 156u);
  Result<EvalReport> report = EvaluateRetrieval(*retriever_, *cases_);
  ASSERT_TRUE(report.ok()) << report.status();
  const std::string table = FormatEvalReport(*report);
  std::printf("%s", table.c_str());
  ASSERT_EQ(report->rows.size(), 4u);
  EXPECT_EQ(report->rows[0].language, "ar");
  EXPECT_EQ(report->overall().language, "all");
  EXPECT_EQ(report->overall().cases, 156u);
  EXPECT_GT(report->overall().full.mrr, report->overall().bm25_only.mrr);
  EXPECT_GT(report->overall().full.theme_mrr, report->overall().bm25_only.theme_mrr);
  for (const EvalRow& row : report->rows) {
    EXPECT_GE(row.full.recall_at_5, row.full.recall_at_1) << row.language;
    EXPECT_LE(row.full.mrr, row.full.recall_at_5 + 1e-9 + (1.0 - row.full.recall_at_5) / 6)
        << row.language;
  }
  EXPECT_THAT(table, HasSubstr("bm25"));
}

// Each component on its own removed: every relevance component must pull its
// weight on the evaluation set. MMR trades a little MRR for diversity, so it
// is only reported (docs/counter-retrieval.md records the numbers).
TEST_F(StarterEvalTest, EveryComponentHelps) {
  Result<EvalReport> full = EvaluateRetrieval(*retriever_, *cases_);
  ASSERT_TRUE(full.ok()) << full.status();
  Result<std::vector<CounterItem>> items =
      testing_items::LoadItems(testing_items::SourcePath("data/counter/starter.jsonl"));
  ASSERT_TRUE(items.ok()) << items.status();
  struct Variant {
    const char* name;
    RetrievalOptions options;
  };
  std::vector<Variant> variants(3);
  variants[0].name = "no themes";
  variants[0].options.weights.themes = 0;
  variants[1].name = "no char n-grams";
  variants[1].options.weights.bm25_chars = 0;
  variants[2].name = "no MMR";
  variants[2].options.mmr_lambda = 1;
  for (const Variant& v : variants) {
    Result<std::unique_ptr<CounterRetriever>> r = CounterRetriever::Build(*items, v.options);
    ASSERT_TRUE(r.ok()) << r.status();
    Result<EvalReport> report = EvaluateRetrieval(**r, *cases_);
    ASSERT_TRUE(report.ok()) << report.status();
    std::printf("%-16s MRR %.3f  R@1 %.3f  R@5 %.3f  (full: MRR %.3f)\n", v.name,
                report->overall().full.mrr, report->overall().full.recall_at_1,
                report->overall().full.recall_at_5, full->overall().full.mrr);
    if (v.options.mmr_lambda < 1) {
      EXPECT_GT(full->overall().full.mrr, report->overall().full.mrr) << v.name;
    }
  }
}

TEST_F(StarterEvalTest, RejectsEmptyCasesAndShallowDepth) {
  EXPECT_EQ(EvaluateRetrieval(*retriever_, {}).status().code(), StatusCode::kInvalidArgument);
  EvalOptions options;
  options.depth = 3;
  EXPECT_EQ(EvaluateRetrieval(*retriever_, *cases_, options).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace moderato
