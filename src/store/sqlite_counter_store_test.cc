// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include <sqlite3.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "moderato/counter/item.h"
#include "moderato/status.h"
#include "moderato/store/banks.h"
#include "moderato/store/counter_store.h"
#include "moderato/store/store.h"
#include "store/sqlite_migrations.h"
#include "store/testing_temp_dir.h"

namespace moderato {
namespace {

using ::testing::HasSubstr;

using testing_store::TempDir;

CounterItem Item(std::string id, std::string body = "A calm answer.") {
  CounterItem item;
  item.id = std::move(id);
  item.language = "en";
  item.title = "Title";
  item.body = std::move(body);
  item.themes = {"us_vs_them", "conspiracy"};
  item.strategy = "facts";
  item.audience = {"general"};
  item.messenger = Messenger{"NGO", "ngo", true, {"Partner; with semicolon", "Other"}};
  item.licence = "CC-BY-4.0";
  item.sources = {SourceRef{"claim", "source"}, SourceRef{"claim 2", "source 2"}};
  return item;
}

std::unique_ptr<CounterStore> OpenOrDie(const std::string& path) {
  Result<std::unique_ptr<CounterStore>> store = OpenSqliteCounterStore(path);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? std::move(store).value() : nullptr;
}

std::vector<std::string> Ids(CounterStore& store, const CounterFilter& filter) {
  std::vector<std::string> ids;
  Status status = store.ForEachItem(filter, [&](const CounterItem& item) {
    ids.push_back(item.id + "@" + std::to_string(item.version));
    return true;
  });
  EXPECT_TRUE(status.ok()) << status;
  return ids;
}

TEST(SqliteCounterStoreTest, PutCreatesVersionOneAsDraft) {
  auto store = OpenOrDie(":memory:");
  CounterItem item = Item("a");
  item.status = "approved";  // PutItem never approves
  Result<CounterItem> saved = store->PutItem(item, "ed@ngo");
  ASSERT_TRUE(saved.ok()) << saved.status();
  EXPECT_EQ(saved->version, 1);
  EXPECT_EQ(saved->status, "draft");
  EXPECT_EQ(saved->updated_by, "ed@ngo");
  EXPECT_GT(saved->updated_at, 0);
  EXPECT_EQ(saved->messenger, item.messenger);
  EXPECT_EQ(saved->sources, item.sources);
  EXPECT_EQ(saved->themes, item.themes);
  Result<CounterItem> got = store->GetItem("a");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, *saved);
  EXPECT_EQ(store->GetServable("a").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store->GetItem("b").status().code(), StatusCode::kNotFound);
}

TEST(SqliteCounterStoreTest, PutRejectsInvalidItems) {
  auto store = OpenOrDie(":memory:");
  CounterItem item = Item("a");
  item.themes = {"bogus"};
  Result<CounterItem> saved = store->PutItem(item, "ed");
  EXPECT_EQ(saved.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(saved.status().message(), HasSubstr("themes"));
}

TEST(SqliteCounterStoreTest, IdenticalContentMakesNoNewVersion) {
  auto store = OpenOrDie(":memory:");
  ASSERT_TRUE(store->PutItem(Item("a"), "ed").ok());
  Result<CounterItem> again = store->PutItem(Item("a"), "someone-else");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->version, 1);
  EXPECT_EQ(again->updated_by, "ed");
  EXPECT_EQ(store->History("a")->size(), 1u);
}

TEST(SqliteCounterStoreTest, ApprovalGateServesTheLastApprovedVersion) {
  auto store = OpenOrDie(":memory:");
  ASSERT_TRUE(store->PutItem(Item("a", "first"), "writer").ok());
  ASSERT_TRUE(store->Approve("a", "lead").ok());
  Result<CounterItem> servable = store->GetServable("a");
  ASSERT_TRUE(servable.ok());
  EXPECT_EQ(servable->version, 1);
  EXPECT_EQ(servable->status, "approved");
  EXPECT_EQ(servable->approved_by, "lead");
  EXPECT_GT(servable->approved_at, 0);

  Result<CounterItem> edited = store->PutItem(Item("a", "second"), "writer");
  ASSERT_TRUE(edited.ok());
  EXPECT_EQ(edited->version, 2);
  EXPECT_EQ(edited->status, "draft");
  EXPECT_EQ(store->GetItem("a")->body, "second");
  EXPECT_EQ(store->GetServable("a")->body, "first");
  EXPECT_EQ(Ids(*store, {.status = "approved"}), std::vector<std::string>{"a@1"});
  EXPECT_EQ(Ids(*store, {.status = "draft"}), std::vector<std::string>{"a@2"});
  EXPECT_EQ(Ids(*store, {}), std::vector<std::string>{"a@2"});

  ASSERT_TRUE(store->Approve("a", "lead").ok());
  EXPECT_EQ(store->GetServable("a")->body, "second");
  EXPECT_EQ(store->GetServable("a")->version, 2);
  ASSERT_TRUE(store->Approve("a", "lead").ok());  // idempotent

  Result<std::vector<CounterItem>> history = store->History("a");
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].body, "first");
  EXPECT_EQ((*history)[0].status, "approved");
  EXPECT_EQ((*history)[1].body, "second");
  EXPECT_EQ((*history)[1].status, "approved");
  EXPECT_EQ(store->History("zz").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store->Approve("zz", "lead").code(), StatusCode::kNotFound);
}

TEST(SqliteCounterStoreTest, ServableGenerationMovesOnlyWhenWhatIsServedChanges) {
  TempDir dir;
  const std::string path = dir.File("generation.db");
  auto store = OpenOrDie(path);
  auto other = OpenOrDie(path);  // another process, as far as SQLite knows
  auto generation = [&] {
    Result<std::int64_t> g = other->ServableGeneration();
    EXPECT_TRUE(g.ok()) << g.status();
    return g.ok() ? *g : -1;
  };
  const std::int64_t start = generation();
  ASSERT_TRUE(store->PutItem(Item("a", "first"), "writer").ok());
  EXPECT_EQ(generation(), start) << "a draft is not served";
  ASSERT_TRUE(store->Approve("a", "lead").ok());
  const std::int64_t approved = generation();
  EXPECT_GT(approved, start);
  ASSERT_TRUE(store->PutItem(Item("a", "second"), "writer").ok());
  EXPECT_EQ(generation(), approved) << "version 1 is still the one served";
  ASSERT_TRUE(store->Approve("a", "lead").ok());
  const std::int64_t reapproved = generation();
  EXPECT_GT(reapproved, approved);
  ASSERT_TRUE(store->Retire("a", "lead").ok());
  EXPECT_GT(generation(), reapproved);
}

TEST(SqliteCounterStoreTest, RetiredItemsAreNeverServed) {
  auto store = OpenOrDie(":memory:");
  ASSERT_TRUE(store->PutItem(Item("a"), "w").ok());
  ASSERT_TRUE(store->Approve("a", "lead").ok());
  ASSERT_TRUE(store->PutItem(Item("b"), "w").ok());
  ASSERT_TRUE(store->Approve("b", "lead").ok());
  ASSERT_TRUE(store->Retire("a", "lead").ok());
  EXPECT_EQ(store->GetServable("a").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store->GetItem("a")->status, "retired");
  EXPECT_EQ(store->Approve("a", "lead").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store->PutItem(Item("a", "new text"), "w").status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_TRUE(store->PutItem(Item("a"), "w").ok());  // same content: unchanged
  EXPECT_EQ(Ids(*store, {.status = "approved"}), std::vector<std::string>{"b@1"});
  EXPECT_EQ(Ids(*store, {.status = "retired"}), std::vector<std::string>{"a@1"});
  EXPECT_EQ(store->Retire("zz", "lead").code(), StatusCode::kNotFound);
}

TEST(SqliteCounterStoreTest, ForEachFiltersAndStreamsInIdOrder) {
  auto store = OpenOrDie(":memory:");
  std::vector<CounterItem> items;
  for (int i = 599; i >= 0; --i) {  // more than one page, inserted out of order
    CounterItem item = Item("item-" + std::to_string(1000 + i));
    if (i % 3 == 0) item.language = "fr";
    if (i % 2 == 0) item.themes = {"hate_women"};
    items.push_back(item);
  }
  ASSERT_TRUE(store->ImportItems(items, "w", false).ok());
  std::vector<std::string> all = Ids(*store, {});
  ASSERT_EQ(all.size(), 600u);
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));
  EXPECT_EQ(Ids(*store, {.language = "fr"}).size(), 200u);
  EXPECT_EQ(Ids(*store, {.theme = "hate_women"}).size(), 300u);
  EXPECT_EQ(Ids(*store, {.language = "fr", .theme = "hate_women"}).size(), 100u);
  EXPECT_TRUE(Ids(*store, {.status = "approved"}).empty());
  auto ignore = [](const CounterItem&) { return true; };
  EXPECT_EQ(store->ForEachItem({.status = "published"}, ignore).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store->ForEachItem({.theme = "nope"}, ignore).code(), StatusCode::kInvalidArgument);
  int seen = 0;
  ASSERT_TRUE(store
                  ->ForEachItem({},
                                [&](const CounterItem&) {
                                  ++seen;
                                  return seen < 5;
                                })
                  .ok());
  EXPECT_EQ(seen, 5);
  // Visitors may call back into the store.
  ASSERT_TRUE(store
                  ->ForEachItem(
                      {.language = "en"},
                      [&](const CounterItem& item) { return store->Approve(item.id, "lead").ok(); })
                  .ok());
  EXPECT_EQ(Ids(*store, {.status = "approved"}).size(), 400u);
}

TEST(SqliteCounterStoreTest, ImportIsAllOrNothing) {
  auto store = OpenOrDie(":memory:");
  ASSERT_TRUE(store->PutItem(Item("keep"), "w").ok());
  std::vector<CounterItem> items = {Item("x1"), Item("x2"), Item("x3")};
  items[2].audience = {"pets"};
  Result<CounterImportResult> result = store->ImportItems(items, "w", true);
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("item 2"));
  EXPECT_THAT(result.status().message(), HasSubstr("audience"));
  EXPECT_EQ(Ids(*store, {}), std::vector<std::string>{"keep@1"});

  // A failure in the middle of the writes (a retired id with new content)
  // rolls back the items already written.
  ASSERT_TRUE(store->Retire("keep", "lead").ok());
  items = {Item("x1"), Item("keep", "changed"), Item("x3")};
  result = store->ImportItems(items, "w", true);
  EXPECT_EQ(result.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(result.status().message(), HasSubstr("item 1"));
  EXPECT_EQ(Ids(*store, {}), std::vector<std::string>{"keep@1"});
}

TEST(SqliteCounterStoreTest, ImportCountsAndKeepsStatus) {
  auto store = OpenOrDie(":memory:");
  std::vector<CounterItem> items = {Item("a"), Item("b"), Item("c")};
  items[0].status = "approved";
  items[1].status = "draft";
  items[2].status = "retired";
  Result<CounterImportResult> result = store->ImportItems(items, "importer", true);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->added, 3);
  EXPECT_EQ(store->GetServable("a")->approved_by, "importer");
  EXPECT_EQ(store->GetItem("b")->status, "draft");
  EXPECT_EQ(store->GetItem("c")->status, "retired");

  result = store->ImportItems(items, "importer", true);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->unchanged, 3);

  items[0].body = "edited";
  items[1].status = "approved";  // same content, now approved
  result = store->ImportItems(items, "importer", false);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->updated, 1);
  EXPECT_EQ(result->unchanged, 2);
  EXPECT_EQ(store->GetItem("a")->status, "draft");
  EXPECT_EQ(store->GetServable("a")->version, 1);
  EXPECT_EQ(store->GetItem("b")->status, "draft");

  result = store->ImportItems(items, "importer", true);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->updated, 2);  // a's draft and b approved
  EXPECT_EQ(store->GetServable("a")->body, "edited");
  EXPECT_EQ(store->GetServable("b")->version, 1);
}

TEST(SqliteCounterStoreTest, PersistsAcrossReopen) {
  TempDir dir;
  const std::string path = dir.File("moderato.db");
  {
    auto store = OpenOrDie(path);
    ASSERT_TRUE(store->PutItem(Item("a", "v1"), "w").ok());
    ASSERT_TRUE(store->Approve("a", "lead").ok());
    ASSERT_TRUE(store->PutItem(Item("a", "v2"), "w").ok());
  }
  auto store = OpenOrDie(path);
  EXPECT_EQ(store->GetItem("a")->body, "v2");
  EXPECT_EQ(store->GetServable("a")->body, "v1");
  EXPECT_EQ(store->History("a")->size(), 2u);
  EXPECT_EQ(store->GetItem("a")->messenger.endorsements,
            (std::vector<std::string>{"Partner; with semicolon", "Other"}));

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT * FROM pragma_journal_mode, pragma_user_version", -1,
                               &stmt, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "wal");
  EXPECT_EQ(sqlite3_column_int(stmt, 1), internal::LatestSchemaVersion());
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

TEST(SqliteCounterStoreTest, SharesTheFileWithTheBankStore) {
  TempDir dir;
  const std::string path = dir.File("moderato.db");
  Result<std::unique_ptr<BankStore>> banks = OpenSqliteBankStore(path);
  ASSERT_TRUE(banks.ok()) << banks.status();
  auto counter = OpenOrDie(path);
  ASSERT_NE(counter, nullptr);
  Bank bank;
  bank.name = "tat";
  ASSERT_TRUE((*banks)->CreateBank(bank).ok());
  ASSERT_TRUE(counter->PutItem(Item("a"), "w").ok());
  ASSERT_TRUE((*banks)->GetBank("tat").ok());
  ASSERT_TRUE(counter->GetItem("a").ok());
  banks->reset();
  counter.reset();

  // Opened the other way round, from a file the counter store created.
  const std::string second = dir.File("second.db");
  counter = OpenOrDie(second);
  ASSERT_TRUE(counter->PutItem(Item("b"), "w").ok());
  banks = OpenSqliteBankStore(second);
  ASSERT_TRUE(banks.ok()) << banks.status();
  ASSERT_TRUE((*banks)->CreateBank(bank).ok());
  counter.reset();
  counter = OpenOrDie(path);
  EXPECT_TRUE(counter->GetItem("a").ok());
}

TEST(SqliteCounterStoreTest, UpgradesASchemaOneFile) {
  TempDir dir;
  const std::string path = dir.File("old.db");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  const std::string setup = std::string(internal::SqliteMigrations()[0]) +
                            "; PRAGMA user_version = 1; PRAGMA application_id = " +
                            std::to_string(internal::kModeratoApplicationId);
  ASSERT_EQ(sqlite3_exec(db, setup.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto store = OpenOrDie(path);
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->PutItem(Item("a"), "w").ok());
}

TEST(SqliteCounterStoreTest, RefusesNonModeratoFiles) {
  TempDir dir;
  const std::string path = dir.File("other.db");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE t (x)", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  EXPECT_EQ(OpenSqliteCounterStore(path).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenSqliteCounterStore("").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace moderato
