// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/counter/redirect.h"

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "counter/testing_items.h"
#include "gtest/gtest.h"
#include "moderato/counter/campaign.h"
#include "moderato/status.h"
#include "moderato/store/counter_store.h"
#include "moderato/text/normalize.h"

namespace moderato {
namespace {

constexpr std::int64_t kNow = 1'800'000'000;

Campaign Make(std::string id, std::vector<CampaignTrigger> triggers,
              std::vector<std::string> playlist) {
  Campaign c;
  c.id = std::move(id);
  c.name = "test";
  c.triggers = std::move(triggers);
  c.playlist = std::move(playlist);
  return c;
}

class RedirectEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto n = Normalizer::Create();
    ASSERT_TRUE(n.ok()) << n.status();
    normalizer_ = std::move(*n);
  }

  std::unique_ptr<RedirectEngine> Build(const std::vector<Campaign>& campaigns) {
    auto engine = RedirectEngine::Build(campaigns, *normalizer_);
    EXPECT_TRUE(engine.ok()) << engine.status();
    return engine.ok() ? std::move(*engine) : nullptr;
  }

  // The id of the campaign `query` resolves to, or "" for none.
  std::string Resolve(const RedirectEngine& engine, std::string_view query,
                      std::string_view language = "", std::int64_t now = kNow) {
    auto decision = engine.Resolve(query, language, now);
    EXPECT_TRUE(decision.ok()) << decision.status();
    if (!decision.ok() || !decision->has_value()) return "";
    return (*decision)->campaign_id;
  }

  std::unique_ptr<Normalizer> normalizer_;
};

TEST_F(RedirectEngineTest, ObfuscatedQueriesTriggerAndNeutralOnesDoNot) {
  auto engine = Build({Make(
      "isil", {{"*", "Daesh", "word"}, {"en", "ISIS", "word"}, {"ar", "داعش", "word"}}, {"a"})});
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(Resolve(*engine, "daesh videos"), "isil");
  EXPECT_EQ(Resolve(*engine, "D a e s h"), "isil");
  EXPECT_EQ(Resolve(*engine, "d4esh"), "isil");
  EXPECT_EQ(Resolve(*engine,
                    "d\xD0\xB0"
                    "esh"),
            "isil");  // Cyrillic а
  EXPECT_EQ(Resolve(*engine, "how to join ISI$"), "isil");
  EXPECT_EQ(Resolve(*engine, "فيديو داـــعش"), "isil");  // tatweel
  EXPECT_EQ(Resolve(*engine, "والداعش"), "isil");        // clitic
  EXPECT_EQ(Resolve(*engine, "weather in Paris tomorrow"), "");
  EXPECT_EQ(Resolve(*engine, "daeshboard"), "");  // whole words only
  EXPECT_EQ(Resolve(*engine, ""), "");
}

TEST_F(RedirectEngineTest, DecisionCarriesTriggerSpanAndPlaylist) {
  auto engine = Build({Make("isil", {{"*", "Daesh", "word"}}, {"b", "a"})});
  ASSERT_NE(engine, nullptr);
  const std::string query = "news on D4ESH today";
  auto decision = engine->Resolve(query, "en", kNow);
  ASSERT_TRUE(decision.ok());
  ASSERT_TRUE(decision->has_value());
  const RedirectDecision& d = **decision;
  EXPECT_EQ(d.trigger.term, "Daesh");
  EXPECT_EQ(query.substr(d.span.begin, d.span.size()), "D4ESH");
  EXPECT_EQ(d.playlist, (std::vector<std::string>{"b", "a"}));
}

TEST_F(RedirectEngineTest, InactiveOrDisabledCampaignsNeverTrigger) {
  Campaign future = Make("future", {{"*", "Daesh", "word"}}, {"a"});
  future.starts_at = kNow + 1;
  Campaign past = Make("past", {{"*", "Daesh", "word"}}, {"a"});
  past.starts_at = kNow - 100;
  past.ends_at = kNow;
  Campaign off = Make("off", {{"*", "Daesh", "word"}}, {"a"});
  off.enabled = false;
  auto engine = Build({future, past, off});
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(Resolve(*engine, "daesh", "", kNow), "");
  EXPECT_EQ(Resolve(*engine, "daesh", "", kNow - 1), "past");
  EXPECT_EQ(Resolve(*engine, "daesh", "", kNow + 1), "future");
}

TEST_F(RedirectEngineTest, TriggerLanguageMustMatchAKnownQueryLanguage) {
  auto engine = Build({Make("fr", {{"fr", "Daech", "word"}}, {"a"})});
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(Resolve(*engine, "daech", "fr"), "fr");
  EXPECT_EQ(Resolve(*engine, "daech", "en"), "");
  EXPECT_EQ(Resolve(*engine, "daech", ""), "fr");
}

TEST_F(RedirectEngineTest, LongestTriggerWinsThenSmallestCampaignId) {
  auto engine = Build({Make("b.short", {{"*", "Daesh", "word"}}, {"a"}),
                       Make("z.long", {{"en", "join daesh", "phrase"}}, {"a"}),
                       Make("a.short", {{"*", "Daesh", "word"}}, {"a"})});
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(Resolve(*engine, "how to join daesh"), "z.long");
  EXPECT_EQ(Resolve(*engine, "daesh"), "a.short");
}

TEST_F(RedirectEngineTest, BudgetsAndInvalidCampaignsFailCleanly) {
  auto engine = Build({Make("c", {{"*", "Daesh", "word"}}, {"a"})});
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(engine->Resolve(std::string(2049, 'a'), "", kNow).status().code(),
            StatusCode::kResourceExhausted);
  EXPECT_TRUE(engine->Resolve(std::string(2048, 'a'), "", kNow).ok());
  std::vector<Campaign> twice = {Make("c", {{"*", "x", "word"}}, {"a"}),
                                 Make("c", {{"*", "y", "word"}}, {"a"})};
  EXPECT_EQ(RedirectEngine::Build(twice, *normalizer_).status().code(),
            StatusCode::kInvalidArgument);
  std::vector<Campaign> bad = {Make("c", {{"de", "x", "word"}}, {"a"})};
  EXPECT_EQ(RedirectEngine::Build(bad, *normalizer_).status().code(), StatusCode::kInvalidArgument);
  auto empty = RedirectEngine::Build(std::vector<Campaign>{}, *normalizer_);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(Resolve(**empty, "daesh"), "");
}

class RedirectItemsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenSqliteCounterStore(":memory:");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    auto items = testing_items::LoadItems(testing_items::SourcePath("data/counter/starter.jsonl"));
    ASSERT_TRUE(items.ok()) << items.status();
    auto imported = store_->ImportItems(*items, "test", /*keep_status=*/true);
    ASSERT_TRUE(imported.ok()) << imported.status();
  }

  std::vector<std::string> Shown(std::vector<std::string> playlist, std::string_view language,
                                 std::size_t n) {
    RedirectDecision decision;
    decision.campaign_id = "c";
    decision.playlist = std::move(playlist);
    auto items = RedirectItems(decision, *store_, language, n);
    EXPECT_TRUE(items.ok()) << items.status();
    std::vector<std::string> ids;
    if (items.ok()) {
      for (const CounterItem& item : *items) ids.push_back(item.id);
    }
    return ids;
  }

  std::unique_ptr<CounterStore> store_;
};

TEST_F(RedirectItemsTest, DraftsAndMissingItemsAreNeverShown) {
  EXPECT_EQ(Shown({"starter-en-024", "nope", "starter-en-007"}, "en", 5),
            (std::vector<std::string>{"starter-en-007"}));
  EXPECT_TRUE(Shown({"starter-en-024"}, "", 5).empty());
}

TEST_F(RedirectItemsTest, PrefersTheQueryLanguageElsePlaylistOrderAtMostN) {
  const std::vector<std::string> playlist = {"starter-fr-007", "starter-en-007", "starter-en-008",
                                             "starter-ar-007"};
  EXPECT_EQ(Shown(playlist, "en", 5),
            (std::vector<std::string>{"starter-en-007", "starter-en-008"}));
  EXPECT_EQ(Shown(playlist, "en", 1), (std::vector<std::string>{"starter-en-007"}));
  EXPECT_EQ(Shown({"starter-fr-007", "starter-ar-007"}, "en", 5),
            (std::vector<std::string>{"starter-fr-007", "starter-ar-007"}));
  EXPECT_EQ(Shown(playlist, "", 2), (std::vector<std::string>{"starter-fr-007", "starter-en-007"}));
}

TEST_F(RedirectItemsTest, RetiredItemsDisappear) {
  ASSERT_TRUE(store_->Retire("starter-en-007", "test").ok());
  EXPECT_EQ(Shown({"starter-en-007", "starter-en-008"}, "en", 5),
            (std::vector<std::string>{"starter-en-008"}));
}

TEST(CampaignFileTest, ParsesArraysAndJsonlAndRoundTrips) {
  const std::string array = R"([
    {"id": "a", "name": "A", "triggers": [{"language": "en", "term": "ISIS", "mode": "word"}, "Daesh"],
     "playlist": ["x", "y"], "starts_at": 10, "ends_at": 20, "enabled": false, "owner": "ngo"}
  ])";
  auto parsed = ParseCampaigns(array);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->size(), 1u);
  const Campaign& c = (*parsed)[0];
  EXPECT_EQ(c.triggers.size(), 2u);
  EXPECT_EQ(c.triggers[1], (CampaignTrigger{"*", "Daesh", "word"}));
  EXPECT_FALSE(c.enabled);
  EXPECT_EQ(c.ends_at, 20);
  auto again = ParseCampaigns(CampaignsToJson(*parsed));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, *parsed);

  const std::string jsonl =
      "{\"id\":\"a\",\"triggers\":[\"x\"],\"playlist\":[\"i\"]}\n\n"
      "{\"id\":\"b\",\"triggers\":[\"y\"],\"playlist\":[\"i\"]}\r\n";
  auto lines = ParseCampaigns(jsonl);
  ASSERT_TRUE(lines.ok()) << lines.status();
  EXPECT_EQ(lines->size(), 2u);
  EXPECT_TRUE(ParseCampaigns("").ok());
}

TEST(CampaignFileTest, ErrorsNameTheLineOrIndex) {
  auto bad_line = ParseCampaigns(
      "{\"id\":\"a\",\"triggers\":[\"x\"],\"playlist\":[\"i\"]}\n{\"id\":\"b\",\"colour\":1}\n");
  EXPECT_EQ(bad_line.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad_line.status().message().find("line 2"), std::string::npos) << bad_line.status();
  EXPECT_NE(bad_line.status().message().find("colour"), std::string::npos);
  auto bad_index = ParseCampaigns(
      R"([{"id":"a","triggers":["x"],"playlist":["i"]},{"id":"b","triggers":[],"playlist":["i"]}])");
  EXPECT_NE(bad_index.status().message().find("campaign 1"), std::string::npos)
      << bad_index.status();
  auto repeated = ParseCampaigns(
      "{\"id\":\"a\",\"triggers\":[\"x\"],\"playlist\":[\"i\"]}\n"
      "{\"id\":\"a\",\"triggers\":[\"x\"],\"playlist\":[\"i\"]}\n");
  EXPECT_NE(repeated.status().message().find("repeated"), std::string::npos);
  EXPECT_EQ(ParseCampaigns("{not json").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseCampaigns(std::string(100, '[')).status().code(), StatusCode::kInvalidArgument);
  CampaignFileOptions small;
  small.max_file_bytes = 10;
  EXPECT_EQ(ParseCampaigns(std::string(11, ' '), small).status().code(),
            StatusCode::kResourceExhausted);
}

TEST(CampaignFileTest, ShippedDemoCampaignsUseApprovedStarterItemsAndLexiconTerms) {
  auto content =
      testing_items::ReadWholeFile(testing_items::SourcePath("data/counter/campaigns.json"));
  ASSERT_TRUE(content.ok());
  auto campaigns = ParseCampaigns(*content);
  ASSERT_TRUE(campaigns.ok()) << campaigns.status();
  ASSERT_FALSE(campaigns->empty());
  auto items = testing_items::LoadItems(testing_items::SourcePath("data/counter/starter.jsonl"));
  ASSERT_TRUE(items.ok());
  std::set<std::string> approved;
  for (const CounterItem& item : *items) {
    if (item.status == "approved") approved.insert(item.id);
  }
  auto lexicon =
      testing_items::ReadWholeFile(testing_items::SourcePath("data/lexicons/starter.tsv"));
  ASSERT_TRUE(lexicon.ok());
  for (const Campaign& c : *campaigns) {
    EXPECT_TRUE(c.id.starts_with("demo.")) << c.id;
    for (const std::string& id : c.playlist) EXPECT_TRUE(approved.count(id)) << id;
    for (const CampaignTrigger& t : c.triggers) {
      EXPECT_NE(lexicon->find("\t" + t.term + "\t"), std::string::npos) << t.term;
    }
  }
}

}  // namespace
}  // namespace moderato
