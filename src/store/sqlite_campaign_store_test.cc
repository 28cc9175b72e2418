// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include <sqlite3.h>

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "moderato/counter/campaign.h"
#include "moderato/status.h"
#include "moderato/store/campaign_store.h"
#include "moderato/store/counter_store.h"
#include "store/sqlite_migrations.h"
#include "store/testing_temp_dir.h"

namespace moderato {
namespace {

using testing_store::TempDir;

Campaign Demo(std::string id) {
  Campaign c;
  c.id = std::move(id);
  c.name = "Demo";
  c.triggers = {
      {"*", "Daesh", "word"}, {"ar", "داعش", "word"}, {"en", "join the caliphate", "phrase"}};
  c.playlist = {"item.a", "item.b"};
  c.starts_at = 100;
  c.ends_at = 200;
  c.owner = "ngo";
  return c;
}

TEST(CampaignValidationTest, AcceptsAValidCampaignAndNamesTheBadField) {
  EXPECT_EQ(ValidateCampaign(Demo("c1")), "");
  Campaign c = Demo("c1");
  c.triggers[1].language = "de";
  EXPECT_NE(ValidateCampaign(c).find("triggers[1].language"), std::string::npos);
  c = Demo("bad id");
  EXPECT_NE(ValidateCampaign(c).find("id"), std::string::npos);
  c = Demo("c1");
  c.playlist.push_back("item.a");
  EXPECT_NE(ValidateCampaign(c).find("twice"), std::string::npos);
  c = Demo("c1");
  c.playlist.assign(kMaxCampaignPlaylist + 1, "x");
  EXPECT_NE(ValidateCampaign(c), "");
  c = Demo("c1");
  c.triggers.assign(kMaxCampaignTriggers + 1, CampaignTrigger{"*", "x", "word"});
  EXPECT_NE(ValidateCampaign(c), "");
  c = Demo("c1");
  c.triggers[0].term = std::string(kMaxCampaignTermBytes + 1, 'a');
  EXPECT_NE(ValidateCampaign(c), "");
  c = Demo("c1");
  c.ends_at = 50;
  EXPECT_NE(ValidateCampaign(c), "");
}

TEST(CampaignValidationTest, ActivePeriodIsHalfOpenAndDisabledNeverActive) {
  Campaign c = Demo("c1");
  EXPECT_FALSE(CampaignActiveAt(c, 99));
  EXPECT_TRUE(CampaignActiveAt(c, 100));
  EXPECT_TRUE(CampaignActiveAt(c, 199));
  EXPECT_FALSE(CampaignActiveAt(c, 200));
  c.starts_at = c.ends_at = 0;
  EXPECT_TRUE(CampaignActiveAt(c, 1));
  c.enabled = false;
  EXPECT_FALSE(CampaignActiveAt(c, 1));
}

TEST(SqliteCampaignStoreTest, PutGetListDeleteRoundTrip) {
  auto store = OpenSqliteCampaignStore(":memory:");
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->PutCampaign(Demo("b")).ok());
  ASSERT_TRUE((*store)->PutCampaign(Demo("a")).ok());
  Result<Campaign> got = (*store)->GetCampaign("b");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, Demo("b"));
  Campaign changed = Demo("b");
  changed.enabled = false;
  ASSERT_TRUE((*store)->PutCampaign(changed).ok());
  EXPECT_FALSE((*store)->GetCampaign("b")->enabled);
  Result<std::vector<Campaign>> all = (*store)->ListCampaigns();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, "a");
  EXPECT_TRUE((*store)->DeleteCampaign("a").ok());
  EXPECT_EQ((*store)->DeleteCampaign("a").code(), StatusCode::kNotFound);
  EXPECT_EQ((*store)->GetCampaign("a").status().code(), StatusCode::kNotFound);
}

TEST(SqliteCampaignStoreTest, RefusesInvalidCampaignsAllOrNothing) {
  auto store = OpenSqliteCampaignStore(":memory:");
  ASSERT_TRUE(store.ok());
  Campaign bad = Demo("bad");
  bad.playlist.clear();
  EXPECT_EQ((*store)->PutCampaigns({Demo("good"), bad}).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE((*store)->ListCampaigns()->empty());
}

TEST(SqliteCampaignStoreTest, CountsAggregatesPerCampaignDayLanguage) {
  auto store = OpenSqliteCampaignStore(":memory:");
  ASSERT_TRUE(store.ok());
  CampaignStore& s = **store;
  ASSERT_TRUE(s.RecordImpression("c1", "2026-11-29", "en").ok());
  ASSERT_TRUE(s.RecordImpression("c1", "2026-11-29", "en").ok());
  ASSERT_TRUE(s.RecordImpression("c1", "2026-11-29", "ar").ok());
  ASSERT_TRUE(s.RecordClick("c1", "2026-11-29", "en").ok());
  ASSERT_TRUE(s.RecordImpression("c1", "2026-11-30", "").ok());
  EXPECT_EQ(s.RecordClick("c1", "29/11/2026", "en").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.RecordClick("c1", "2026-11-29", "de").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.RecordClick("bad id", "2026-11-29", "en").code(), StatusCode::kInvalidArgument);
  Result<std::vector<CampaignMetricsRow>> all = s.Report("", "");
  ASSERT_TRUE(all.ok()) << all.status();
  std::vector<CampaignMetricsRow> expected = {{"c1", "2026-11-29", "ar", 1, 0},
                                              {"c1", "2026-11-29", "en", 2, 1},
                                              {"c1", "2026-11-30", "", 1, 0}};
  EXPECT_EQ(*all, expected);
  Result<std::vector<CampaignMetricsRow>> one_day = s.Report("2026-11-30", "2026-11-30");
  ASSERT_TRUE(one_day.ok());
  ASSERT_EQ(one_day->size(), 1u);
  EXPECT_EQ(s.Report("yesterday", "").status().code(), StatusCode::kInvalidArgument);
}

TEST(SqliteCampaignStoreTest, GenerationFollowsEveryCampaignWriteOfAnyConnection) {
  TempDir dir;
  const std::string path = dir.File("generation.db");
  auto writer = OpenSqliteCampaignStore(path);
  auto reader = OpenSqliteCampaignStore(path);
  ASSERT_TRUE(writer.ok() && reader.ok());
  Result<std::int64_t> g0 = (*reader)->Generation();
  ASSERT_TRUE(g0.ok()) << g0.status();
  ASSERT_TRUE((*writer)->PutCampaign(Demo("demo.one")).ok());
  Result<std::int64_t> g1 = (*reader)->Generation();
  ASSERT_TRUE(g1.ok());
  EXPECT_GT(*g1, *g0);
  Campaign renamed = Demo("demo.one");
  renamed.name = "Renamed";
  ASSERT_TRUE((*writer)->PutCampaign(renamed).ok());  // INSERT OR REPLACE
  Result<std::int64_t> g2 = (*reader)->Generation();
  EXPECT_GT(*g2, *g1);
  ASSERT_TRUE((*writer)->RecordImpression("demo.one", "2026-11-29", "en").ok());
  EXPECT_EQ(*(*reader)->Generation(), *g2) << "metrics are not campaigns";
  ASSERT_TRUE((*writer)->DeleteCampaign("demo.one").ok());
  EXPECT_GT(*(*reader)->Generation(), *g2);
}

TEST(SqliteCampaignStoreTest, ClickTokenSecretIsMadeOnceAndSharedByEveryConnection) {
  TempDir dir;
  const std::string path = dir.File("secret.db");
  std::string first;
  {
    auto store = OpenSqliteCampaignStore(path);
    ASSERT_TRUE(store.ok());
    Result<std::string> secret = (*store)->ClickTokenSecret();
    ASSERT_TRUE(secret.ok()) << secret.status();
    EXPECT_EQ(secret->size(), kClickTokenSecretBytes);
    EXPECT_NE(*secret, std::string(kClickTokenSecretBytes, '\0'));
    EXPECT_EQ(*(*store)->ClickTokenSecret(), *secret);
    first = *secret;
  }
  auto reopened = OpenSqliteCampaignStore(path);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(*(*reopened)->ClickTokenSecret(), first);
  auto other = OpenSqliteCampaignStore(dir.File("other.db"));
  ASSERT_TRUE(other.ok());
  EXPECT_NE(*(*other)->ClickTokenSecret(), first);
}

TEST(SqliteCampaignStoreTest, MetricsDayIsTheUtcDate) {
  EXPECT_EQ(MetricsDayOf(0), "1970-01-01");
  EXPECT_EQ(MetricsDayOf(1795996799), "2026-11-29");
  EXPECT_EQ(MetricsDayOf(1795996800), "2026-11-30");
  EXPECT_TRUE(IsValidMetricsDay("2026-02-28"));
  EXPECT_FALSE(IsValidMetricsDay("2026-13-01"));
}

TEST(SqliteCampaignStoreTest, SharesTheFileAndSchemaWithTheCounterStoreDurably) {
  TempDir dir;
  const std::string path = dir.File("m.db");
  {
    auto counter = OpenSqliteCounterStore(path);
    ASSERT_TRUE(counter.ok()) << counter.status();
    auto store = OpenSqliteCampaignStore(path);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->PutCampaign(Demo("c1")).ok());
    ASSERT_TRUE((*store)->RecordClick("c1", "2026-11-29", "fr").ok());
  }
  auto reopened = OpenSqliteCampaignStore(path);
  ASSERT_TRUE(reopened.ok());
  EXPECT_TRUE((*reopened)->GetCampaign("c1").ok());
  EXPECT_EQ((*reopened)->Report("", "")->size(), 1u);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT * FROM pragma_journal_mode, pragma_user_version", -1,
                               &stmt, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "wal");
  EXPECT_EQ(sqlite3_column_int(stmt, 1), internal::LatestSchemaVersion());
  EXPECT_GE(internal::LatestSchemaVersion(), 3);
  sqlite3_finalize(stmt);
  // Privacy: the metrics table holds aggregate counters only, nothing per user or query.
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info('campaign_metrics')", -1,
                               &stmt, nullptr),
            SQLITE_OK);
  std::vector<std::string> columns;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    columns.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
  }
  EXPECT_EQ(columns,
            (std::vector<std::string>{"campaign", "day", "language", "impressions", "clicks"}));
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

}  // namespace
}  // namespace moderato
