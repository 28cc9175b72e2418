// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/classify/dataset.h"

#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace moderato {
namespace {

using ::testing::HasSubstr;

Result<LabelledData> ReadJsonl(const std::string& text, LabelledFileOptions options = {}) {
  std::istringstream in(text);
  options.format = LabelledFormat::kJsonl;
  return ReadLabelledData(in, options, "t.jsonl");
}

Result<LabelledData> ReadCsv(const std::string& text, LabelledFileOptions options = {}) {
  std::istringstream in(text);
  options.format = LabelledFormat::kCsv;
  return ReadLabelledData(in, options, "t.csv");
}

TEST(DatasetTest, ReadsJsonlWithLabelsOfEveryKind) {
  Result<LabelledData> data = ReadJsonl(
      "{\"text\": \"a sunny day\", \"label\": \"Hateful\", \"lang\": \"EN\"}\n"
      "{\"text\": \"la pluie\", \"label\": 0, \"lang\": \"fr\"}\n"
      "\n"
      "{\"text\": \"yes\", \"label\": true}\r\n"
      "{\"text\": \"no\", \"label\": \"normal\", \"id\": 7}\n",
      {.id_column = "id", .default_lang = "ar"});
  ASSERT_TRUE(data.ok()) << data.status();
  ASSERT_EQ(data->examples.size(), 4u);
  EXPECT_TRUE(data->examples[0].positive);
  EXPECT_EQ(data->examples[0].lang, "en");
  EXPECT_EQ(data->examples[0].id, "input:1");
  EXPECT_FALSE(data->examples[1].positive);
  EXPECT_TRUE(data->examples[2].positive);
  EXPECT_EQ(data->examples[2].lang, "ar");
  EXPECT_FALSE(data->examples[3].positive);
  EXPECT_EQ(data->examples[3].id, "input:7");
  EXPECT_EQ(data->examples[3].split, SplitPart::kTrain);
}

TEST(DatasetTest, MalformedJsonLineFailsNamingTheLine) {
  Result<LabelledData> data = ReadJsonl(
      "{\"text\": \"fine\", \"label\": 1}\n"
      "{\"text\": \"broken\", \"label\": \n"
      "{\"text\": \"fine\", \"label\": 0}\n");
  ASSERT_FALSE(data.ok());
  EXPECT_EQ(data.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(data.status().message(), HasSubstr("t.jsonl:2"));
}

TEST(DatasetTest, SkipMalformedCountsAndKeepsMessages) {
  Result<LabelledData> data = ReadJsonl(
      "{\"text\": \"fine\", \"label\": 1}\n"
      "not json\n"
      "[1, 2]\n"
      "{\"label\": 1}\n"
      "{\"text\": \"no label\"}\n"
      "{\"text\": \"fine\", \"label\": 0}\n",
      {.skip_malformed = true});
  ASSERT_TRUE(data.ok()) << data.status();
  EXPECT_EQ(data->examples.size(), 2u);
  EXPECT_EQ(data->skipped_malformed, 4u);
  ASSERT_EQ(data->errors.size(), 4u);
  EXPECT_THAT(data->errors[0], HasSubstr("t.jsonl:2"));
  EXPECT_THAT(data->errors[2], HasSubstr("\"text\""));
}

TEST(DatasetTest, BudgetsFailWithResourceExhausted) {
  const std::string deep = "{\"text\": \"x\", \"label\": 1, \"a\": " + std::string(40, '[') +
                           std::string(40, ']') + "}\n";
  EXPECT_EQ(ReadJsonl(deep).status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(ReadJsonl(deep, {.skip_malformed = true}).status().code(),
            StatusCode::kResourceExhausted);

  const std::string long_line = "{\"text\": \"" + std::string(2000, 'a') + "\", \"label\": 1}\n";
  Result<LabelledData> too_long = ReadJsonl(long_line, {.max_line_bytes = 1000});
  EXPECT_EQ(too_long.status().code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(too_long.status().message(), HasSubstr("t.jsonl:1"));

  const std::string three =
      "{\"text\": \"a\", \"label\": 1}\n{\"text\": \"b\", \"label\": 0}\n"
      "{\"text\": \"c\", \"label\": 1}\n";
  EXPECT_EQ(ReadJsonl(three, {.max_examples = 2}).status().code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(ReadJsonl(three, {.max_examples = 3}).ok());

  EXPECT_EQ(ReadCsv("text,label\n\"" + std::string(2000, 'a') + "\",1\n", {.max_line_bytes = 1000})
                .status()
                .code(),
            StatusCode::kResourceExhausted);
}

TEST(DatasetTest, ReadsCsvWithNamedColumns) {
  Result<LabelledData> data = ReadCsv(
      "id,body,verdict,language\n"
      "a1,\"sunny, warm\",HATE,en\n"
      "a2,cloudy,noHate,fr\n"
      "a3,unsure,idk/skip,fr\n"
      "a4,   ,hate,en\n",
      {.text_column = "body",
       .label_column = "verdict",
       .lang_column = "language",
       .id_column = "id",
       .positive_labels = {"hate"},
       .negative_labels = {"nohate"}});
  ASSERT_TRUE(data.ok()) << data.status();
  ASSERT_EQ(data->examples.size(), 2u);
  EXPECT_EQ(data->examples[0].text, "sunny, warm");
  EXPECT_TRUE(data->examples[0].positive);
  EXPECT_EQ(data->examples[0].id, "input:a1");
  EXPECT_FALSE(data->examples[1].positive);
  EXPECT_EQ(data->examples[1].lang, "fr");
  EXPECT_EQ(data->skipped_unlabelled, 1u);
  EXPECT_EQ(data->skipped_empty, 1u);
}

TEST(DatasetTest, MissingCsvColumnIsNamed) {
  Result<LabelledData> data = ReadCsv("text,lbl\nhello,1\n");
  ASSERT_FALSE(data.ok());
  EXPECT_EQ(data.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(data.status().message(), HasSubstr("\"label\""));
  EXPECT_THAT(ReadCsv("text,label\nhello,1\n", {.lang_column = "lang"}).status().message(),
              HasSubstr("\"lang\""));
}

TEST(DatasetTest, MalformedCsvRecordFailsOrIsSkipped) {
  const std::string csv = "text,label\nfine,1\nshort\n\"unterminated,0\n";
  Result<LabelledData> strict = ReadCsv(csv);
  ASSERT_FALSE(strict.ok());
  EXPECT_THAT(strict.status().message(), HasSubstr("t.csv:3"));
  Result<LabelledData> lenient = ReadCsv(csv, {.skip_malformed = true});
  ASSERT_TRUE(lenient.ok()) << lenient.status();
  EXPECT_EQ(lenient->examples.size(), 1u);
  EXPECT_GE(lenient->skipped_malformed, 2u);
}

TEST(DatasetTest, ParsesLabelLists) {
  EXPECT_EQ(ParseLabelList(" Hate, toxic ,,YES "),
            (std::vector<std::string>{"hate", "toxic", "yes"}));
  EXPECT_TRUE(ParseLabelList("").empty());
  EXPECT_EQ(ParseLabelList(kDefaultPositiveLabels), LabelledFileOptions{}.positive_labels);
}

// Split of MakeExamples(40) with seed 20260101, dev 0.25, test 0.25
// ('.' train, 'D' dev, 'T' test).
constexpr std::string_view kPinnedSplit = ".D.D..D.D.DT...D.T.T.TD.TT..TTTD....DD.T";

std::vector<LabelledExample> MakeExamples(int n) {
  std::vector<LabelledExample> out;
  for (int i = 0; i < n; ++i) {
    LabelledExample ex;
    // Appended rather than `"t" + std::to_string(i)`: GCC 12 -O3 reports a
    // false -Wrestrict on the latter.
    ex.id = "s:";
    ex.id += std::to_string(i);
    ex.text = ex.id;
    ex.lang = i % 3 == 0 ? "fr" : "en";
    ex.positive = i % 4 == 0;
    ex.source = i % 5 == 0 ? "a" : "b";
    out.push_back(ex);
  }
  return out;
}

std::map<std::string, SplitPart> SplitOf(const std::vector<LabelledExample>& examples) {
  std::map<std::string, SplitPart> out;
  for (const auto& ex : examples) out[ex.id] = ex.split;
  return out;
}

TEST(SplitTest, IsDeterministicAndIndependentOfInputOrder) {
  std::vector<LabelledExample> a = MakeExamples(1000);
  std::vector<LabelledExample> b(a.rbegin(), a.rend());
  ASSERT_TRUE(AssignSplits(a, {.seed = 42}).ok());
  ASSERT_TRUE(AssignSplits(b, {.seed = 42}).ok());
  EXPECT_EQ(SplitOf(a), SplitOf(b));
  std::vector<LabelledExample> c = MakeExamples(1000);
  ASSERT_TRUE(AssignSplits(c, {.seed = 43}).ok());
  EXPECT_NE(SplitOf(a), SplitOf(c));
}

TEST(SplitTest, FixedSeedGivesAPinnedSplit) {
  // Guards against an accidental change of the split algorithm, which would
  // silently move examples between train and the held-out test set.
  std::vector<LabelledExample> a = MakeExamples(40);
  ASSERT_TRUE(
      AssignSplits(a, {.seed = 20260101, .dev_fraction = 0.25, .test_fraction = 0.25}).ok());
  std::string parts;
  for (const auto& ex : a) {
    parts += ex.split == SplitPart::kTrain ? '.' : ex.split == SplitPart::kDev ? 'D' : 'T';
  }
  EXPECT_EQ(parts, kPinnedSplit);
}

TEST(SplitTest, IsStratifiedBySourceLanguageAndLabel) {
  std::vector<LabelledExample> a = MakeExamples(4000);
  ASSERT_TRUE(AssignSplits(a, {.seed = 1, .dev_fraction = 0.1, .test_fraction = 0.2}).ok());
  std::map<std::string, std::map<SplitPart, int>> counts;
  for (const auto& ex : a) {
    counts[ex.source + ex.lang + (ex.positive ? "+" : "-")][ex.split]++;
  }
  for (const auto& [stratum, parts] : counts) {
    const int n =
        parts.at(SplitPart::kTrain) + parts.at(SplitPart::kDev) + parts.at(SplitPart::kTest);
    EXPECT_NEAR(parts.at(SplitPart::kTest), 0.2 * n, 1.0) << stratum;
    EXPECT_NEAR(parts.at(SplitPart::kDev), 0.1 * n, 1.0) << stratum;
  }
}

TEST(SplitTest, RejectsImpossibleFractions) {
  std::vector<LabelledExample> a = MakeExamples(10);
  EXPECT_EQ(AssignSplits(a, {.dev_fraction = 0.6, .test_fraction = 0.5}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(AssignSplits(a, {.dev_fraction = -0.1}).code(), StatusCode::kInvalidArgument);
}

// The shipped corpora: counts from each PROVENANCE.md, and no ARENAS.
TEST(DatasetTest, DefaultCorpusMatchesProvenanceAndExcludesArenas) {
  Result<std::vector<LabelledExample>> corpus = LoadDefaultCorpus(MODERATO_SHARED_DATA_DIR);
  ASSERT_TRUE(corpus.ok()) << corpus.status();
  std::map<std::string, std::pair<int, int>> counts;  // source/lang -> (neg, pos)
  std::set<std::string> ids;
  for (const auto& ex : *corpus) {
    auto& c = counts[ex.source + "/" + ex.lang];
    ++(ex.positive ? c.second : c.first);
    EXPECT_NE(ex.source, "arenas");
    ids.insert(ex.id);
  }
  EXPECT_EQ(ids.size(), corpus->size()) << "ids must be unique";
  EXPECT_EQ(counts["mlma/en"], std::make_pair(661, 4986));
  EXPECT_EQ(counts["mlma/fr"], std::make_pair(821, 3193));
  EXPECT_EQ(counts["mlma/ar"], std::make_pair(915, 2438));
  EXPECT_EQ(counts["stormfront/en"], std::make_pair(9507, 1196));
  EXPECT_EQ(counts.size(), 4u);
}

TEST(DatasetTest, ArenasIsTestOnlyWithTheDocumentedRule) {
  Result<std::vector<LabelledExample>> arenas = LoadArenas(MODERATO_SHARED_DATA_DIR);
  ASSERT_TRUE(arenas.ok()) << arenas.status();
  EXPECT_EQ(arenas->size(), 298u);
  int positives = 0;
  for (const auto& ex : *arenas) {
    EXPECT_EQ(ex.split, SplitPart::kTest);
    EXPECT_EQ(ex.source, "arenas");
    EXPECT_EQ(ex.lang, "fr");
    positives += ex.positive;
  }
  EXPECT_EQ(positives, 154);  // PROVENANCE.md: "154 rows have at least one"
}

TEST(DatasetTest, MissingDataDirIsNotFound) {
  EXPECT_EQ(LoadDefaultCorpus("/nonexistent/moderato").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(LoadLabelledFile("/nonexistent/x.jsonl", {}).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace moderato
