// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// End-to-end tests of `moderato org`, `moderato key` and `moderato audit`:
// the real binary on a temporary database, checked through the store.

#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "moderato/store/moderation_store.h"
#include "nlohmann/json.hpp"
#include "tests/cli_util.h"

namespace moderato {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

class CliServerAdminTest : public CliDbTest {
 protected:
  std::string DbPath() const { return (dir_ / "t.db").string(); }

  std::unique_ptr<ModerationStore> Store() {
    Result<std::unique_ptr<ModerationStore>> store = OpenSqliteModerationStore(DbPath());
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? std::move(*store) : nullptr;
  }

  void Sql(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(DbPath().c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
        << (error != nullptr ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
  }
};

TEST_F(CliServerAdminTest, OrgCreateAndList) {
  CliRun run = Moderato("org create acme" + db_);
  ASSERT_EQ(run.exit_code, 0);
  std::vector<json> lines = ParseLines(run.out);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["name"], "acme");
  EXPECT_EQ(lines[0]["webhook_url"], "");

  run = Moderato("org create beta --webhook-url https://hooks.example/m --webhook-secret s3" + db_);
  ASSERT_EQ(run.exit_code, 0);
  EXPECT_EQ(ParseLines(run.out)[0]["webhook_url"], "https://hooks.example/m");
  EXPECT_EQ(*Store()->GetWebhookSecret("beta"), "s3");

  EXPECT_EQ(Moderato("org create acme" + db_).exit_code, 4) << "already exists";
  EXPECT_EQ(Moderato("org create Bad_Name" + db_).exit_code, 4);
  EXPECT_NE(Moderato("org create gamma --webhook-url https://x.example" + db_).exit_code, 0);
  EXPECT_NE(Moderato("org create gamma --webhook-url ftp://x --webhook-secret s" + db_).exit_code,
            0);

  run = Moderato("org list" + db_);
  ASSERT_EQ(run.exit_code, 0);
  lines = ParseLines(run.out);
  ASSERT_EQ(lines.size(), 2u) << "a rejected flag leaves no organisation behind";
  EXPECT_EQ(lines[0]["name"], "acme");
  EXPECT_EQ(lines[1]["name"], "beta");
}

TEST_F(CliServerAdminTest, ReadsDoNotCreateADatabase) {
  EXPECT_EQ(Moderato("org list" + db_).exit_code, 3);
  EXPECT_EQ(Moderato("key list --org acme" + db_).exit_code, 3);
  EXPECT_EQ(Moderato("audit verify" + db_).exit_code, 3);
  EXPECT_FALSE(std::filesystem::exists(DbPath()));
}

TEST_F(CliServerAdminTest, KeyCreatePrintsTheTokenAloneAndItAuthenticates) {
  ASSERT_EQ(Moderato("org create acme" + db_).exit_code, 0);
  CliRun run = Moderato("key create --org acme --role reviewer --label alice" + db_);
  ASSERT_EQ(run.exit_code, 0);
  ASSERT_TRUE(std::regex_match(run.out, std::regex("mod_[0-9a-f]{16}_[A-Za-z0-9_-]{43}\n")))
      << run.out;
  const std::string token = run.out.substr(0, run.out.size() - 1);
  const std::string id = token.substr(4, 16);
  const std::string secret = token.substr(21);

  Result<ApiKey> key = Store()->Authenticate(token);
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->org, "acme");
  EXPECT_EQ(key->role, Role::kReviewer);
  EXPECT_EQ(key->label, "alice");

  run = Moderato("key list --org acme" + db_);
  ASSERT_EQ(run.exit_code, 0);
  EXPECT_THAT(run.out, Not(HasSubstr(secret)));
  std::vector<json> lines = ParseLines(run.out);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["id"], id);
  EXPECT_EQ(lines[0]["role"], "reviewer");
  EXPECT_EQ(lines[0]["active"], true);
  EXPECT_FALSE(lines[0].contains("token"));
  EXPECT_FALSE(lines[0].contains("hash"));

  run = Moderato("key revoke " + id + db_);
  ASSERT_EQ(run.exit_code, 0);
  EXPECT_FALSE(Store()->Authenticate(token).ok());
  EXPECT_EQ(ParseLines(Moderato("key list --org acme" + db_).out)[0]["active"], false);
  EXPECT_EQ(Moderato("key revoke 0123456789abcdef" + db_).exit_code, 3);
  EXPECT_EQ(Moderato("key create --org nope --role admin" + db_).exit_code, 3);
  EXPECT_EQ(Moderato("key create --org acme --role root" + db_).exit_code, 4);
  EXPECT_NE(Moderato("key create --org acme" + db_).exit_code, 0) << "--role is required";

  // The audit trail of it all names the CLI and never holds the secret.
  run = Moderato("audit list" + db_);
  ASSERT_EQ(run.exit_code, 0);
  EXPECT_THAT(run.out, Not(HasSubstr(secret)));
  lines = ParseLines(run.out);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0]["action"], "org.create");
  EXPECT_EQ(lines[1]["action"], "key.create");
  EXPECT_EQ(lines[1]["details"]["role"], "reviewer");
  EXPECT_EQ(lines[2]["action"], "key.revoke");
  for (const json& line : lines) EXPECT_EQ(line["actor"], "cli");
}

TEST_F(CliServerAdminTest, AuditListFilters) {
  ASSERT_EQ(Moderato("org create acme" + db_).exit_code, 0);
  ASSERT_EQ(Moderato("org create beta" + db_).exit_code, 0);
  ASSERT_EQ(Moderato("key create --org beta --role admin" + db_).exit_code, 0);
  std::vector<json> lines = ParseLines(Moderato("audit list --org beta" + db_).out);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["seq"], 2);
  EXPECT_EQ(lines[1]["seq"], 3);
  lines = ParseLines(Moderato("audit list --after 1 --limit 1" + db_).out);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["seq"], 2);
  EXPECT_EQ(lines[0]["prev_hash"].get<std::string>().size(), 64u);
  EXPECT_NE(Moderato("audit list --limit 0" + db_).exit_code, 0);
}

TEST_F(CliServerAdminTest, AuditVerifyReportsTheHeadThenTheFirstBadEntry) {
  ASSERT_EQ(Moderato("org create acme" + db_).exit_code, 0);
  ASSERT_EQ(Moderato("key create --org acme --role admin" + db_).exit_code, 0);
  ASSERT_EQ(Moderato("key create --org acme --role analyst" + db_).exit_code, 0);
  CliRun run = Moderato("audit verify" + db_);
  ASSERT_EQ(run.exit_code, 0) << run.out;
  std::smatch m;
  ASSERT_TRUE(std::regex_match(run.out, m,
                               std::regex("audit chain: 3 entries, intact, head ([0-9a-f]{64})\n")))
      << run.out;
  EXPECT_EQ(m[1].str(), ParseLines(Moderato("audit list" + db_).out).back()["hash"]);

  Sql("UPDATE audit_log SET details = '{\"role\":\"reviewer\"}' WHERE seq = 2");
  run = Moderato("audit verify" + db_);
  EXPECT_EQ(run.exit_code, 4);
  EXPECT_THAT(run.out, HasSubstr("BROKEN at seq 2"));
}

}  // namespace
}  // namespace moderato
