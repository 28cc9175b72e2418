// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/scan/report.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace moderato {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

Evidence OneHit() {
  Evidence e;
  e.lang = "fr";
  e.lang_confidence = 0.987654;
  e.flags = static_cast<std::uint32_t>(ObfuscationFlag::kInvisible);
  LexiconHit hit;
  hit.id = "org.x";
  hit.category = LexiconCategory::kOrganisation;
  hit.weight = 0.5;
  hit.span = {4, 9};
  hit.views = static_cast<std::uint32_t>(LexiconView::kSkeleton);
  e.lexicon.hits.push_back(hit);
  e.lexicon_score = 0.5;
  e.risk = 0.5;
  e.label = RiskLabel::kReview;
  return e;
}

TEST(ReportTest, EvidenceRecordCarriesSpansAndMatchedText) {
  InputRecord record{.line = 3, .id = "p1", .text = "see Zorbl there"};
  std::string out;
  AppendEvidenceJson(record, OneHit(), &out);
  ASSERT_EQ(out.back(), '\n');
  json j = json::parse(out);
  EXPECT_EQ(j["id"], "p1");
  EXPECT_EQ(j["line"], 3);
  EXPECT_EQ(j["lang"], "fr");
  EXPECT_DOUBLE_EQ(j["lang_confidence"].get<double>(), 0.9877);
  EXPECT_EQ(j["flags"], json::array({"invisible"}));
  ASSERT_EQ(j["lexicon"].size(), 1u);
  EXPECT_EQ(j["lexicon"][0]["text"], "Zorbl");
  EXPECT_EQ(j["lexicon"][0]["start"], 4);
  EXPECT_EQ(j["lexicon"][0]["end"], 9);
  EXPECT_EQ(j["lexicon"][0]["category"], "organisation");
  EXPECT_TRUE(j["classifier"].is_null());
  EXPECT_EQ(j["label"], "review");
  // Field order is part of the format: id first, label last.
  EXPECT_EQ(out.rfind("{\"id\":", 0), 0u);
}

TEST(ReportTest, InvalidUtf8InIdsAndTextIsReplacedNotFatal) {
  InputRecord record{.line = 1, .id = "bad\xff", .text = "see \xff\xfe\xfd\xfc\xfb there"};
  std::string out;
  AppendEvidenceJson(record, OneHit(), &out);
  json j = json::parse(out);
  EXPECT_EQ(j["id"], "bad\xEF\xBF\xBD");
  EXPECT_THAT(j["lexicon"][0]["text"].get<std::string>(), HasSubstr("\xEF\xBF\xBD"));
}

TEST(ReportTest, SpansBeyondTheTextAreClamped) {
  InputRecord record{.line = 1, .id = "x", .text = "short"};
  Evidence e = OneHit();
  e.lexicon.hits[0].span = {3, 99};
  std::string out;
  AppendEvidenceJson(record, e, &out);
  json j = json::parse(out);
  EXPECT_EQ(j["lexicon"][0]["end"], 5);
  EXPECT_EQ(j["lexicon"][0]["text"], "rt");
}

TEST(ReportTest, ErrorRecordNamesCodeAndMessage) {
  InputRecord record{.line = 7, .id = "7"};
  std::string out;
  AppendErrorJson(record, InvalidArgumentError("line 7: malformed JSON"), &out);
  json j = json::parse(out);
  EXPECT_EQ(j["error"]["code"], "INVALID_ARGUMENT");
  EXPECT_EQ(j["error"]["message"], "line 7: malformed JSON");
}

TEST(ScanTotalsTest, CountsLabelsLanguagesFlagsAndDistinctEntries) {
  ScanTotals a;
  Evidence e = OneHit();
  e.lexicon.hits.push_back(e.lexicon.hits[0]);  // same entry twice counts once per item
  a.Add(e, 10);
  ScanTotals b;
  b.Add(e, 5);
  b.errors = 2;
  a.Merge(b);
  EXPECT_EQ(a.items, 2u);
  EXPECT_EQ(a.errors, 2u);
  EXPECT_EQ(a.bytes, 15u);
  EXPECT_EQ(a.by_label["review"], 2u);
  EXPECT_EQ(a.by_lang["fr"], 2u);
  EXPECT_EQ(a.by_flag["invisible"], 2u);
  EXPECT_EQ(a.by_entry["org.x"], 2u);
  EXPECT_THAT(a.Summary(1.0), HasSubstr("scanned 2 items (2 unreadable)"));
}

}  // namespace
}  // namespace moderato
