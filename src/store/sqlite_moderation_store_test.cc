// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include <openssl/evp.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "moderato/status.h"
#include "moderato/store/banks.h"
#include "moderato/store/moderation_store.h"
#include "moderato/store/store.h"
#include "nlohmann/json.hpp"
#include "store/sqlite_migrations.h"
#include "store/testing_temp_dir.h"

namespace moderato {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using testing_store::TempDir;

constexpr std::int64_t kNow = 1'767'225'600;  // 2026-01-01T00:00:00Z

std::unique_ptr<ModerationStore> OpenOrDie(const std::string& path) {
  Result<std::unique_ptr<ModerationStore>> store = OpenSqliteModerationStore(path);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? std::move(*store) : nullptr;
}

// Runs `sql` on `path` through a raw connection (to tamper with the file).
void RawExec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  EXPECT_EQ(rc, SQLITE_OK) << (error != nullptr ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

std::int64_t RawInt(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
  std::int64_t value = -1;
  if (sqlite3_step(stmt) == SQLITE_ROW) value = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

ItemSubmission Submission(std::string org, std::string external_id, bool open_case = true,
                          std::string action = "review") {
  ItemSubmission s;
  s.org = std::move(org);
  s.external_id = std::move(external_id);
  s.request_digest = "d1";
  s.language = "en";
  s.action = std::move(action);
  s.policy_version = "p1";
  s.verdict_json = R"({"action":"review"})";
  s.evidence_json = "{}";
  s.open_case = open_case;
  s.priority = 0.5;
  s.labels = {"violent_extremism"};
  s.actor = "key:0000000000000001";
  s.now = kNow;
  return s;
}

DecisionInput Input(std::string decision, std::string exemption = "") {
  return DecisionInput{std::move(decision), "tos.3.1", "glorifies an attack", std::move(exemption)};
}

// A store with organisations "acme" and "beta" and helpers for cases.
class ModerationStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.File("moderato.db");
    store_ = OpenOrDie(path_);
    ASSERT_NE(store_, nullptr);
    ASSERT_TRUE(store_->CreateOrganisation("acme", "cli").ok());
    ASSERT_TRUE(store_->CreateOrganisation("beta", "cli").ok());
  }

  // Submits an item of `org` with a review case; returns the case id.
  std::int64_t NewCase(const std::string& org, const std::string& external_id,
                       double priority = 0.5, std::vector<std::string> labels = {"ve"},
                       std::string language = "en") {
    ItemSubmission s = Submission(org, external_id);
    s.priority = priority;
    s.labels = std::move(labels);
    s.language = std::move(language);
    Result<SubmitResult> r = store_->SubmitItem(s);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->item.case_id : 0;
  }

  // Claims and decides case `id` of "acme" as `reviewer`.
  Result<Decision> Decide(std::int64_t id, const std::string& reviewer,
                          const DecisionInput& input) {
    Result<Case> claimed = store_->ClaimCase("acme", id, reviewer, 600, kNow);
    if (!claimed.ok()) return claimed.status();
    return store_->DecideCase("acme", id, reviewer, input, kNow + 1);
  }

  TempDir dir_;
  std::string path_;
  std::unique_ptr<ModerationStore> store_;
};

TEST(RoleTest, NamesRoundTrip) {
  for (Role role :
       {Role::kAdmin, Role::kReviewer, Role::kIntegrator, Role::kAnalyst, Role::kEditor}) {
    EXPECT_EQ(ParseRole(RoleName(role)), role);
  }
  EXPECT_EQ(ParseRole("root"), std::nullopt);
  EXPECT_EQ(ParseRole("Admin"), std::nullopt);
}

TEST(OrganisationNameTest, FollowsTheDocumentedPattern) {
  EXPECT_TRUE(IsValidOrganisationName("acme"));
  EXPECT_TRUE(IsValidOrganisationName("0x.acme_eu-1"));
  EXPECT_TRUE(IsValidOrganisationName(std::string(64, 'a')));
  EXPECT_FALSE(IsValidOrganisationName(std::string(65, 'a')));
  EXPECT_FALSE(IsValidOrganisationName(""));
  EXPECT_FALSE(IsValidOrganisationName("Acme"));
  EXPECT_FALSE(IsValidOrganisationName("-acme"));
  EXPECT_FALSE(IsValidOrganisationName(".acme"));
  EXPECT_FALSE(IsValidOrganisationName("ac me"));
  EXPECT_FALSE(IsValidOrganisationName("acme/x"));
}

TEST(AuditCanonicalTest, MatchesTheDocumentedExample) {
  AuditEntry e{.seq = 1,
               .at = 1767225600,
               .org = "acme",
               .actor = "cli",
               .action = "org.create",
               .subject = "org:acme",
               .details = "{}"};
  const std::string canonical = "1:1,10:1767225600,4:acme,3:cli,10:org.create,8:org:acme,2:{},";
  EXPECT_EQ(AuditCanonicalBytes(e), canonical);
  // An independent SHA-256 of genesis || canonical.
  const std::string input = std::string(kAuditGenesisHash) + canonical;
  unsigned char digest[32];
  unsigned int n = 0;
  ASSERT_EQ(EVP_Digest(input.data(), input.size(), digest, &n, EVP_sha256(), nullptr), 1);
  std::string hex;
  for (unsigned char b : digest) {
    static constexpr char kDigits[] = "0123456789abcdef";
    hex += kDigits[b >> 4];
    hex += kDigits[b & 0xf];
  }
  EXPECT_EQ(AuditEntryHash(kAuditGenesisHash, e), hex);
  // Length prefixes make field boundaries unambiguous.
  AuditEntry shifted = e;
  shifted.org = "acmecli";
  shifted.actor = "";
  EXPECT_NE(AuditCanonicalBytes(shifted), canonical);
}

TEST_F(ModerationStoreTest, OrganisationLifecycle) {
  EXPECT_EQ(store_->CreateOrganisation("acme", "cli").status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->CreateOrganisation("Bad Name", "cli").status().code(),
            StatusCode::kInvalidArgument);
  Result<Organisation> acme = store_->GetOrganisation("acme");
  ASSERT_TRUE(acme.ok()) << acme.status();
  EXPECT_EQ(acme->name, "acme");
  EXPECT_GT(acme->created_at, 0);
  EXPECT_EQ(acme->webhook_url, "");
  EXPECT_EQ(store_->GetOrganisation("nope").status().code(), StatusCode::kNotFound);
  Result<std::vector<Organisation>> orgs = store_->ListOrganisations();
  ASSERT_TRUE(orgs.ok());
  ASSERT_EQ(orgs->size(), 2u);
  EXPECT_EQ((*orgs)[0].name, "acme");
  EXPECT_EQ((*orgs)[1].name, "beta");
}

TEST_F(ModerationStoreTest, WebhookIsValidatedStoredAndClearedWithoutAuditingTheSecret) {
  EXPECT_EQ(store_->SetWebhook("acme", "ftp://x", "s3cret", "cli").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->SetWebhook("acme", "https://", "s3cret", "cli").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->SetWebhook("acme", "https://a b", "s3cret", "cli").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->SetWebhook("acme", "https://hooks.example/x", "", "cli").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->SetWebhook("nope", "https://hooks.example/x", "s", "cli").code(),
            StatusCode::kNotFound);
  ASSERT_TRUE(store_->SetWebhook("acme", "https://hooks.example/x", "topsecretvalue", "cli").ok());
  EXPECT_EQ(store_->GetOrganisation("acme")->webhook_url, "https://hooks.example/x");
  EXPECT_EQ(*store_->GetWebhookSecret("acme"), "topsecretvalue");
  EXPECT_EQ(store_->GetWebhookSecret("nope").status().code(), StatusCode::kNotFound);
  std::vector<AuditEntry> audit = *store_->ListAudit("acme", 0, 100);
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[1].action, "org.webhook");
  EXPECT_THAT(audit[1].details, Not(HasSubstr("topsecretvalue")));
  ASSERT_TRUE(store_->SetWebhook("acme", "", "", "cli").ok());
  EXPECT_EQ(store_->GetOrganisation("acme")->webhook_url, "");
  EXPECT_EQ(*store_->GetWebhookSecret("acme"), "");
}

TEST_F(ModerationStoreTest, KeyLifecycle) {
  Result<NewApiKey> created = store_->CreateApiKey("acme", Role::kReviewer, "alice", "cli");
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_TRUE(std::regex_match(created->token, std::regex("mod_[0-9a-f]{16}_[A-Za-z0-9_-]{43}")))
      << created->token;
  EXPECT_EQ(created->token.substr(4, 16), created->key.id);
  EXPECT_EQ(store_->CreateApiKey("nope", Role::kAdmin, "", "cli").status().code(),
            StatusCode::kNotFound);

  Result<ApiKey> who = store_->Authenticate(created->token);
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(who->id, created->key.id);
  EXPECT_EQ(who->org, "acme");
  EXPECT_EQ(who->role, Role::kReviewer);
  EXPECT_EQ(who->label, "alice");
  EXPECT_EQ(who->revoked_at, 0);

  // Wrong secret, unknown id, malformed: one status for all.
  std::string wrong = created->token;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  std::string unknown = created->token;
  unknown[4] = unknown[4] == 'a' ? 'b' : 'a';
  for (const std::string& token : {wrong, unknown, std::string("mod_"), std::string(""),
                                   created->token + "x", std::string("Bearer ") + created->token}) {
    Result<ApiKey> denied = store_->Authenticate(token);
    ASSERT_FALSE(denied.ok()) << token;
    EXPECT_EQ(denied.status().code(), StatusCode::kUnauthenticated);
    EXPECT_EQ(denied.status().message(), "invalid or revoked API key");
  }

  ASSERT_TRUE(store_->RevokeApiKey(created->key.id, "cli").ok());
  Result<ApiKey> revoked = store_->Authenticate(created->token);
  ASSERT_FALSE(revoked.ok());
  EXPECT_EQ(revoked.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(revoked.status().message(), "invalid or revoked API key");
  EXPECT_TRUE(store_->RevokeApiKey(created->key.id, "cli").ok()) << "revoking twice is OK";
  EXPECT_EQ(store_->RevokeApiKey("0123456789abcdef", "cli").code(), StatusCode::kNotFound);

  std::vector<ApiKey> keys = *store_->ListApiKeys("acme");
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_GT(keys[0].revoked_at, 0);
  EXPECT_THAT(*store_->ListApiKeys("beta"), IsEmpty());
  EXPECT_EQ(store_->ListApiKeys("nope").status().code(), StatusCode::kNotFound);

  // key.create then key.revoke (once), with role and label but no token.
  std::vector<AuditEntry> audit = *store_->ListAudit("acme", 0, 100);
  ASSERT_EQ(audit.size(), 3u);
  EXPECT_EQ(audit[1].action, "key.create");
  EXPECT_EQ(audit[1].subject, "key:" + created->key.id);
  EXPECT_EQ(nlohmann::json::parse(audit[1].details),
            nlohmann::json({{"role", "reviewer"}, {"label", "alice"}}));
  EXPECT_EQ(audit[2].action, "key.revoke");
}

TEST_F(ModerationStoreTest, TheTokenSecretIsNeverStored) {
  Result<NewApiKey> created = store_->CreateApiKey("acme", Role::kAdmin, "ops", "cli");
  ASSERT_TRUE(created.ok());
  const std::string secret = created->token.substr(21);
  ASSERT_EQ(secret.size(), 43u);
  store_.reset();  // close, so everything is on disk
  std::string bytes = ReadBytes(path_);
  if (std::filesystem::exists(path_ + "-wal")) bytes += ReadBytes(path_ + "-wal");
  ASSERT_THAT(bytes, HasSubstr(created->key.id)) << "the scan must see the key's row";
  EXPECT_THAT(bytes, Not(HasSubstr(secret)));
  EXPECT_THAT(bytes, Not(HasSubstr(created->token)));
  EXPECT_EQ(RawInt(path_,
                   "SELECT count(*) FROM api_keys WHERE instr(salt || secret_hash || "
                   "label, '" +
                       secret + "') > 0"),
            0);
  EXPECT_EQ(RawInt(path_, "SELECT length(secret_hash) FROM api_keys"), 64);
  // Still usable after reopening.
  store_ = OpenOrDie(path_);
  EXPECT_TRUE(store_->Authenticate(created->token).ok());
}

TEST_F(ModerationStoreTest, SubmitItemIsIdempotentPerOrganisationAndExternalId) {
  Result<SubmitResult> first = store_->SubmitItem(Submission("acme", "post-1"));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE(first->replayed);
  EXPECT_GT(first->item.id, 0);
  EXPECT_GT(first->item.case_id, 0);

  ItemSubmission again = Submission("acme", "post-1");
  again.request_digest = "different";
  Result<SubmitResult> second = store_->SubmitItem(again);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE(second->replayed);
  EXPECT_EQ(second->item.id, first->item.id);
  EXPECT_EQ(second->item.case_id, first->item.case_id);
  EXPECT_EQ(second->item.request_digest, "d1") << "the stored item, for the caller to compare";
  EXPECT_EQ(*store_->CountOpenCases(), 1);

  // The same external id in another organisation is another item.
  Result<SubmitResult> other = store_->SubmitItem(Submission("beta", "post-1"));
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->replayed);
  EXPECT_NE(other->item.id, first->item.id);

  Result<ItemRecord> got = store_->GetItemByExternalId("acme", "post-1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->verdict_json, R"({"action":"review"})");
  EXPECT_EQ(got->created_at, kNow);
  EXPECT_EQ(store_->SubmitItem(Submission("nope", "x")).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->SubmitItem(Submission("acme", "")).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(ModerationStoreTest, OnlyNonAllowVerdictsAreAudited) {
  ASSERT_TRUE(store_->SubmitItem(Submission("acme", "ok-1", false, "allow")).ok());
  Result<SubmitResult> flagged = store_->SubmitItem(Submission("acme", "bad-1", false, "remove"));
  ASSERT_TRUE(flagged.ok());
  EXPECT_EQ(flagged->item.case_id, 0);
  std::vector<AuditEntry> audit = *store_->ListAudit("acme", 0, 100);
  ASSERT_EQ(audit.size(), 2u);  // org.create, item.verdict
  EXPECT_EQ(audit[1].action, "item.verdict");
  EXPECT_EQ(audit[1].subject, "item:" + std::to_string(flagged->item.id));
  EXPECT_EQ(audit[1].actor, "key:0000000000000001");
  EXPECT_EQ(
      nlohmann::json::parse(audit[1].details),
      nlohmann::json({{"external_id", "bad-1"}, {"action", "remove"}, {"policy_version", "p1"}}));
}

TEST_F(ModerationStoreTest, AnotherOrganisationsRowsAreNotFound) {
  const std::int64_t id = NewCase("acme", "post-1");
  const std::int64_t item_id = store_->GetCase("acme", id)->item_id;
  EXPECT_EQ(store_->GetCase("beta", id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->GetCase("beta", id).status().message(), "no case " + std::to_string(id))
      << "the same words as for an id that does not exist: no existence oracle";
  EXPECT_EQ(store_->ClaimCase("beta", id, "key:b", 600, kNow).status().code(),
            StatusCode::kNotFound);
  ASSERT_TRUE(store_->ClaimCase("acme", id, "key:a", 600, kNow).ok());
  EXPECT_EQ(store_->DecideCase("beta", id, "key:a", Input("remove"), kNow).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(store_->GetItem("beta", item_id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->GetItemByExternalId("beta", "post-1").status().code(), StatusCode::kNotFound);
  EXPECT_THAT(*store_->ListCases("beta", {}), IsEmpty());
  ASSERT_TRUE(store_->DecideCase("acme", id, "key:a", Input("remove"), kNow).ok());
  EXPECT_EQ(store_->AppealCase("beta", id, "key:b", "unfair", kNow).status().code(),
            StatusCode::kNotFound);
  EXPECT_THAT(*store_->ListAudit("beta", 0, 100),
              ElementsAre(::testing::Field(&AuditEntry::action, "org.create")));
  EXPECT_EQ(store_->GetCase("acme", id)->status, "decided");
}

TEST_F(ModerationStoreTest, ClaimsAreLeasesThatExpire) {
  const std::int64_t id = NewCase("acme", "post-1");
  Result<Case> claimed = store_->ClaimCase("acme", id, "key:r1", 300, kNow);
  ASSERT_TRUE(claimed.ok()) << claimed.status();
  EXPECT_EQ(claimed->claimed_by, "key:r1");
  EXPECT_EQ(claimed->lease_until, kNow + 300);
  EXPECT_EQ(store_->GetCase("acme", id)->lease_until, kNow + 300);

  EXPECT_EQ(store_->ClaimCase("acme", id, "key:r2", 300, kNow + 299).status().code(),
            StatusCode::kFailedPrecondition);
  // Renewing one's own lease is fine.
  Result<Case> renewed = store_->ClaimCase("acme", id, "key:r1", 300, kNow + 200);
  ASSERT_TRUE(renewed.ok());
  EXPECT_EQ(renewed->lease_until, kNow + 500);
  EXPECT_EQ(store_->ClaimCase("acme", id, "key:r2", 300, kNow + 499).status().code(),
            StatusCode::kFailedPrecondition);
  // Expired: another reviewer takes it, and the first may no longer decide.
  Result<Case> taken = store_->ClaimCase("acme", id, "key:r2", 300, kNow + 500);
  ASSERT_TRUE(taken.ok()) << taken.status();
  EXPECT_EQ(taken->claimed_by, "key:r2");
  EXPECT_EQ(store_->DecideCase("acme", id, "key:r1", Input("remove"), kNow + 501).status().code(),
            StatusCode::kFailedPrecondition);
  ASSERT_TRUE(store_->DecideCase("acme", id, "key:r2", Input("remove"), kNow + 501).ok());
  EXPECT_EQ(store_->ClaimCase("acme", id, "key:r3", 300, kNow + 9999).status().code(),
            StatusCode::kFailedPrecondition)
      << "a decided case cannot be claimed";
  EXPECT_EQ(store_->ClaimCase("acme", id, "key:r1", 0, kNow).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(ModerationStoreTest, DecidingRequiresALiveLease) {
  const std::int64_t id = NewCase("acme", "post-1");
  EXPECT_EQ(store_->DecideCase("acme", id, "key:r1", Input("remove"), kNow).status().code(),
            StatusCode::kFailedPrecondition);
  ASSERT_TRUE(store_->ClaimCase("acme", id, "key:r1", 60, kNow).ok());
  EXPECT_EQ(store_->DecideCase("acme", id, "key:r2", Input("remove"), kNow).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->DecideCase("acme", id, "key:r1", Input("remove"), kNow + 60).status().code(),
            StatusCode::kFailedPrecondition)
      << "the lease holds while now < lease_until";
  Result<Decision> d = store_->DecideCase("acme", id, "key:r1", Input("remove"), kNow + 59);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->case_id, id);
  EXPECT_EQ(d->reviewer, "key:r1");
  EXPECT_EQ(d->at, kNow + 59);
  Result<Case> c = store_->GetCase("acme", id);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->status, "decided");
  EXPECT_EQ(c->decided_at, kNow + 59);
  ASSERT_TRUE(c->decision.has_value());
  EXPECT_EQ(c->decision->decision, "remove");
  EXPECT_EQ(c->decision->reason, "glorifies an attack");
  EXPECT_EQ(c->decision->policy, "tos.3.1");
  EXPECT_EQ(store_->DecideCase("acme", id, "key:r1", Input("allow"), kNow + 59).status().code(),
            StatusCode::kFailedPrecondition)
      << "decided once";
  EXPECT_EQ(*store_->CountOpenCases(), 0);
}

TEST_F(ModerationStoreTest, DecisionWordsDependOnTheCaseKind) {
  const std::int64_t id = NewCase("acme", "post-1");
  ASSERT_TRUE(store_->ClaimCase("acme", id, "key:r1", 600, kNow).ok());
  for (const char* word : {"uphold", "overturn", "delete", "", "ALLOW"}) {
    EXPECT_EQ(store_->DecideCase("acme", id, "key:r1", Input(word), kNow).status().code(),
              StatusCode::kInvalidArgument)
        << word;
  }
  DecisionInput no_reason = Input("remove");
  no_reason.reason = "";
  EXPECT_EQ(store_->DecideCase("acme", id, "key:r1", no_reason, kNow).status().code(),
            StatusCode::kInvalidArgument);
  for (const char* word : {"allow", "remove", "restrict", "escalate"}) {
    const std::int64_t other = NewCase("acme", std::string("w-") + word);
    EXPECT_TRUE(Decide(other, "key:r1", Input(word)).ok()) << word;
  }
  ASSERT_TRUE(store_->DecideCase("acme", id, "key:r1", Input("remove"), kNow).ok());
  Result<Case> appeal = store_->AppealCase("acme", id, "key:user", "satire", kNow);
  ASSERT_TRUE(appeal.ok()) << appeal.status();
  ASSERT_TRUE(store_->ClaimCase("acme", appeal->id, "key:r2", 600, kNow).ok());
  for (const char* word : {"allow", "remove", "restrict", "escalate"}) {
    EXPECT_EQ(store_->DecideCase("acme", appeal->id, "key:r2", Input(word), kNow).status().code(),
              StatusCode::kInvalidArgument)
        << word;
  }
  EXPECT_TRUE(store_->DecideCase("acme", appeal->id, "key:r2", Input("uphold"), kNow).ok());
}

TEST_F(ModerationStoreTest, ExemptionsAreKnownWordsAndOnlyWithAllowOrOverturn) {
  const std::int64_t id = NewCase("acme", "post-1");
  ASSERT_TRUE(store_->ClaimCase("acme", id, "key:r1", 600, kNow).ok());
  EXPECT_EQ(
      store_->DecideCase("acme", id, "key:r1", Input("allow", "satire"), kNow).status().code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(
      store_->DecideCase("acme", id, "key:r1", Input("remove", "journalism"), kNow).status().code(),
      StatusCode::kInvalidArgument);
  Result<Decision> d = store_->DecideCase("acme", id, "key:r1", Input("allow", "journalism"), kNow);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->exemption, "journalism");
  for (const char* e : {"research", "education", "counter_narrative"}) {
    const std::int64_t other = NewCase("acme", std::string("e-") + e);
    EXPECT_TRUE(Decide(other, "key:r1", Input("allow", e)).ok()) << e;
  }

  // Appeals: exemption only with overturn.
  const std::int64_t removed = NewCase("acme", "post-2");
  ASSERT_TRUE(Decide(removed, "key:r1", Input("remove")).ok());
  Result<Case> appeal = store_->AppealCase("acme", removed, "key:user", "news report", kNow);
  ASSERT_TRUE(appeal.ok());
  ASSERT_TRUE(store_->ClaimCase("acme", appeal->id, "key:r2", 600, kNow).ok());
  EXPECT_EQ(store_->DecideCase("acme", appeal->id, "key:r2", Input("uphold", "journalism"), kNow)
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(
      store_->DecideCase("acme", appeal->id, "key:r2", Input("overturn", "journalism"), kNow).ok());
}

TEST_F(ModerationStoreTest, AppealsGoToADifferentReviewerOnce) {
  const std::int64_t open = NewCase("acme", "open-1");
  EXPECT_EQ(store_->AppealCase("acme", open, "key:user", "why", kNow).status().code(),
            StatusCode::kFailedPrecondition)
      << "an open case has nothing to appeal";

  ItemSubmission s = Submission("acme", "post-1");
  s.priority = 0.9;
  s.labels = {"a", "b"};
  s.language = "fr";
  const std::int64_t id = store_->SubmitItem(s)->item.case_id;
  ASSERT_TRUE(Decide(id, "key:r1", Input("remove")).ok());
  EXPECT_EQ(store_->AppealCase("acme", id, "key:user", "", kNow).status().code(),
            StatusCode::kInvalidArgument);
  Result<Case> appeal = store_->AppealCase("acme", id, "key:user", "it is satire", kNow + 10);
  ASSERT_TRUE(appeal.ok()) << appeal.status();
  EXPECT_EQ(appeal->kind, "appeal");
  EXPECT_EQ(appeal->status, "open");
  EXPECT_EQ(appeal->parent_case_id, id);
  EXPECT_EQ(appeal->excluded_reviewer, "key:r1");
  EXPECT_EQ(appeal->appeal_reason, "it is satire");
  EXPECT_EQ(appeal->priority, 0.9);
  EXPECT_EQ(appeal->language, "fr");
  EXPECT_THAT(appeal->labels, ElementsAre("a", "b"));
  EXPECT_EQ(appeal->item_id, store_->GetCase("acme", id)->item_id);
  Result<Case> stored = store_->GetCase("acme", appeal->id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->excluded_reviewer, "key:r1");
  EXPECT_FALSE(stored->decision.has_value());

  EXPECT_EQ(store_->AppealCase("acme", id, "key:user", "again", kNow).status().code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->ClaimCase("acme", appeal->id, "key:r1", 600, kNow).status().code(),
            StatusCode::kPermissionDenied);
  ASSERT_TRUE(store_->ClaimCase("acme", appeal->id, "key:r2", 600, kNow).ok());
  Result<Decision> d =
      store_->DecideCase("acme", appeal->id, "key:r2", Input("overturn"), kNow + 20);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(store_->AppealCase("acme", appeal->id, "key:user", "more", kNow).status().code(),
            StatusCode::kFailedPrecondition)
      << "an appeal is final";

  std::vector<AuditEntry> audit = *store_->ListAudit("acme", 0, 100);
  std::vector<std::string> actions;
  for (const AuditEntry& e : audit) actions.push_back(e.action);
  EXPECT_THAT(actions, ElementsAre("org.create", "item.verdict", "item.verdict", "case.decide",
                                   "appeal.open", "appeal.decide"));
  EXPECT_EQ(audit[4].subject, "case:" + std::to_string(appeal->id));
  EXPECT_EQ(audit[4].actor, "key:user");
  EXPECT_EQ(audit[5].actor, "key:r2");
  EXPECT_EQ(nlohmann::json::parse(audit[3].details),
            nlohmann::json({{"decision", "remove"},
                            {"policy", "tos.3.1"},
                            {"reason", "glorifies an attack"},
                            {"exemption", ""}}));
}

TEST_F(ModerationStoreTest, ListCasesFiltersAndOrders) {
  const std::int64_t low = NewCase("acme", "low", 0.1, {"hate_speech"}, "en");
  const std::int64_t high = NewCase("acme", "high", 0.9, {"hate"}, "fr");
  const std::int64_t mid = NewCase("acme", "mid", 0.5, {"hate", "spam"}, "en");
  const std::int64_t done = NewCase("acme", "done", 0.7, {"spam"}, "en");
  ASSERT_TRUE(Decide(done, "key:r1", Input("allow")).ok());
  ASSERT_TRUE(store_->ClaimCase("acme", mid, "key:r1", 100, kNow).ok());

  auto ids = [&](CaseFilter f) {
    std::vector<std::int64_t> out;
    Result<std::vector<Case>> cases = store_->ListCases("acme", f);
    EXPECT_TRUE(cases.ok()) << cases.status();
    if (cases.ok()) {
      for (const Case& c : *cases) out.push_back(c.id);
    }
    return out;
  };
  EXPECT_THAT(ids({}), ElementsAre(low, high, mid, done));
  EXPECT_THAT(ids({.status = "open"}), ElementsAre(high, mid, low));
  EXPECT_THAT(ids({.status = "decided"}), ElementsAre(done));
  EXPECT_THAT(ids({.status = "claimed", .now = kNow + 99}), ElementsAre(mid));
  EXPECT_THAT(ids({.status = "claimed", .now = kNow + 100}), IsEmpty()) << "lease expired";
  EXPECT_THAT(ids({.label = "hate"}), ElementsAre(high, mid)) << "exact element, not substring";
  EXPECT_THAT(ids({.label = "hat"}), IsEmpty());
  EXPECT_THAT(ids({.language = "fr"}), ElementsAre(high));
  EXPECT_THAT(ids({.kind = "appeal"}), IsEmpty());
  EXPECT_THAT(ids({.status = "open", .kind = "review"}), ElementsAre(high, mid, low));
  EXPECT_THAT(ids({.status = "open", .min_priority = 0.5}), ElementsAre(high, mid));
  EXPECT_THAT(ids({.after_id = high}), ElementsAre(mid, done));
  EXPECT_THAT(ids({.limit = 2}), ElementsAre(low, high));
  EXPECT_EQ(store_->ListCases("acme", {.status = "pending"}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->ListCases("acme", {.kind = "x"}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->ListCases("acme", {.limit = 0}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->ListCases("acme", {.limit = 501}).status().code(),
            StatusCode::kInvalidArgument);
  Result<std::vector<Case>> decided = store_->ListCases("acme", {.status = "decided"});
  ASSERT_TRUE(decided.ok());
  ASSERT_TRUE((*decided)[0].decision.has_value());
  EXPECT_EQ((*decided)[0].decision->decision, "allow");
}

TEST_F(ModerationStoreTest, AppendAuditValidatesAndChains) {
  Result<AuditEntry> e = store_->AppendAudit("", "system", "policy.load", "policy:v2",
                                             R"({"b": 1, "a": [true]})", kNow);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->seq, 3);  // after the two org.create entries
  EXPECT_EQ(e->details, R"({"b":1,"a":[true]})") << "stored compact";
  std::vector<AuditEntry> all = *store_->ListAudit("", 0, 100);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].prev_hash, kAuditGenesisHash);
  EXPECT_EQ(all[1].prev_hash, all[0].hash);
  EXPECT_EQ(all[2].prev_hash, all[1].hash);
  EXPECT_EQ(all[2].hash, AuditEntryHash(all[1].hash, all[2]));
  EXPECT_EQ(store_->ListAudit("", 1, 1)->at(0).seq, 2);
  EXPECT_EQ(store_->AppendAudit("", "system", "x", "", "[1]", kNow).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->AppendAudit("", "system", "x", "", "{", kNow).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->AppendAudit("", "system", "", "", "{}", kNow).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->ListAudit("", 0, 0).status().code(), StatusCode::kInvalidArgument);
}

// Builds a chain of 2 (orgs) + 6 entries and returns the head.
std::string FillAudit(ModerationStore& store) {
  for (int i = 0; i < 6; ++i) {
    EXPECT_TRUE(
        store.AppendAudit("acme", "cli", "test.event", "n:" + std::to_string(i), "{}", kNow + i)
            .ok());
  }
  Result<AuditVerification> v = store.VerifyAudit();
  EXPECT_TRUE(v.ok()) << v.status();
  EXPECT_TRUE(v->ok) << v->problem;
  EXPECT_EQ(v->entries, 8);
  EXPECT_EQ(v->first_bad_seq, 0);
  EXPECT_EQ(v->head_hash, store.ListAudit("", 7, 1)->at(0).hash);
  return v->head_hash;
}

TEST_F(ModerationStoreTest, VerifyAuditFindsAChangedField) {
  FillAudit(*store_);
  RawExec(path_, "UPDATE audit_log SET details = '{\"x\":1}' WHERE seq = 5");
  Result<AuditVerification> v = store_->VerifyAudit();
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->ok);
  EXPECT_EQ(v->first_bad_seq, 5);
  EXPECT_EQ(v->entries, 4);
  EXPECT_THAT(v->problem, HasSubstr("hash mismatch"));
}

TEST_F(ModerationStoreTest, VerifyAuditFindsADeletedEntry) {
  FillAudit(*store_);
  RawExec(path_, "DELETE FROM audit_log WHERE seq = 4");
  Result<AuditVerification> v = store_->VerifyAudit();
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->ok);
  EXPECT_EQ(v->first_bad_seq, 4);
  EXPECT_THAT(v->problem, HasSubstr("missing"));
}

TEST_F(ModerationStoreTest, VerifyAuditFindsARenumberedDeletion) {
  // A forger deletes entry 3 and renumbers the rest to close the gap: the
  // prev_hash link gives it away.
  FillAudit(*store_);
  RawExec(path_,
          "DELETE FROM audit_log WHERE seq = 3; UPDATE audit_log SET seq = seq - 1 WHERE seq > 3");
  Result<AuditVerification> v = store_->VerifyAudit();
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->ok);
  EXPECT_EQ(v->first_bad_seq, 3);
}

TEST_F(ModerationStoreTest, VerifyAuditFindsAChangedFirstEntryAndAForgedHash) {
  FillAudit(*store_);
  RawExec(path_, "UPDATE audit_log SET actor = 'someone' WHERE seq = 1");
  EXPECT_EQ(store_->VerifyAudit()->first_bad_seq, 1);
  RawExec(path_, "UPDATE audit_log SET actor = 'cli' WHERE seq = 1");
  EXPECT_TRUE(store_->VerifyAudit()->ok);
  // Rewriting an entry's hash to match its new content breaks the next link.
  RawExec(path_, "UPDATE audit_log SET hash = '" + std::string(64, 'a') + "' WHERE seq = 6");
  EXPECT_EQ(store_->VerifyAudit()->first_bad_seq, 6);
}

TEST_F(ModerationStoreTest, VerifyAuditWalksMoreThanOnePage) {
  for (int i = 0; i < 2100; ++i) {
    ASSERT_TRUE(store_->AppendAudit("", "system", "bulk", "", "{}", kNow).ok());
  }
  Result<AuditVerification> v = store_->VerifyAudit();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok) << v->problem;
  EXPECT_EQ(v->entries, 2102);
  RawExec(path_, "UPDATE audit_log SET subject = 'x' WHERE seq = 2050");
  EXPECT_EQ(store_->VerifyAudit()->first_bad_seq, 2050);
}

TEST_F(ModerationStoreTest, EmptyChainVerifies) {
  TempDir dir;
  std::unique_ptr<ModerationStore> empty = OpenOrDie(dir.File("e.db"));
  Result<AuditVerification> v = empty->VerifyAudit();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok);
  EXPECT_EQ(v->entries, 0);
  EXPECT_EQ(v->head_hash, "");
}

TEST_F(ModerationStoreTest, AppendersOnSeveralConnectionsFormOneChain) {
  std::unique_ptr<ModerationStore> other = OpenOrDie(path_);
  ASSERT_NE(other, nullptr);
  constexpr int kEach = 40;
  auto append = [](ModerationStore* store, const char* actor) {
    for (int i = 0; i < kEach; ++i) {
      ASSERT_TRUE(store->AppendAudit("", actor, "concurrent", "", "{}", kNow).ok());
    }
  };
  std::thread a(append, store_.get(), "a");
  std::thread b(append, other.get(), "b");
  a.join();
  b.join();
  Result<AuditVerification> v = store_->VerifyAudit();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok) << v->problem;
  EXPECT_EQ(v->entries, 2 + 2 * kEach);
}

TEST_F(ModerationStoreTest, DecisionsQueueAWebhookOnlyWhenConfigured) {
  const std::int64_t quiet = NewCase("acme", "quiet");
  ASSERT_TRUE(Decide(quiet, "key:r1", Input("remove")).ok());
  EXPECT_EQ(*store_->CountPendingOutbox(), 0);

  ASSERT_TRUE(store_->SetWebhook("acme", "https://hooks.example/m", "k", "cli").ok());
  const std::int64_t id = NewCase("acme", "post-9");
  ASSERT_TRUE(Decide(id, "key:r1", Input("allow", "research")).ok());
  EXPECT_EQ(*store_->CountPendingOutbox(), 1);
  Result<std::vector<OutboxMessage>> due = store_->DueOutbox(kNow + 1, 10);
  ASSERT_TRUE(due.ok()) << due.status();
  ASSERT_EQ(due->size(), 1u);
  const OutboxMessage m = (*due)[0];
  EXPECT_EQ(m.org, "acme");
  EXPECT_EQ(m.url, "https://hooks.example/m");
  EXPECT_EQ(m.event, "case.decided");
  EXPECT_EQ(m.status, "pending");
  EXPECT_EQ(m.attempts, 0);
  EXPECT_EQ(m.next_attempt_at, kNow + 1);
  nlohmann::json payload = nlohmann::json::parse(m.payload);
  EXPECT_EQ(payload["event"], "case.decided");
  EXPECT_EQ(payload["org"], "acme");
  EXPECT_EQ(payload["case_id"], id);
  EXPECT_EQ(payload["item_id"], store_->GetCase("acme", id)->item_id);
  EXPECT_EQ(payload["external_id"], "post-9");
  EXPECT_EQ(payload["decision"], "allow");
  EXPECT_EQ(payload["policy"], "tos.3.1");
  EXPECT_EQ(payload["reason"], "glorifies an attack");
  EXPECT_EQ(payload["exemption"], "research");
  EXPECT_EQ(payload["reviewer"], "key:r1");
  EXPECT_EQ(payload["decided_at"], kNow + 1);
  const std::vector<AuditEntry> audit = *store_->ListAudit("acme", 0, 1000);
  EXPECT_EQ(payload["audit_seq"], audit.back().seq);
  EXPECT_EQ(audit.back().action, "case.decide");
  EXPECT_THAT(*store_->DueOutbox(kNow, 10), IsEmpty()) << "not due before next_attempt_at";

  ASSERT_TRUE(store_->MarkAttemptFailed(m.id, "HTTP 503", kNow + 60, false).ok());
  EXPECT_THAT(*store_->DueOutbox(kNow + 59, 10), IsEmpty());
  due = store_->DueOutbox(kNow + 60, 10);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].attempts, 1);
  EXPECT_EQ((*due)[0].last_error, "HTTP 503");
  ASSERT_TRUE(store_->MarkDelivered(m.id, kNow + 61).ok());
  EXPECT_EQ(*store_->CountPendingOutbox(), 0);
  EXPECT_THAT(*store_->DueOutbox(kNow + 1000, 10), IsEmpty());
  EXPECT_EQ(store_->MarkDelivered(m.id, kNow).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->MarkDelivered(99999, kNow).code(), StatusCode::kNotFound);
  std::vector<OutboxMessage> listed = *store_->ListOutbox("acme", 10);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].status, "delivered");
  EXPECT_EQ(listed[0].attempts, 2);
  EXPECT_THAT(*store_->ListOutbox("beta", 10), IsEmpty());

  // An appeal decision is its own event; giving up marks it failed.
  Result<Case> appeal = store_->AppealCase("acme", id, "key:user", "wrong", kNow);
  ASSERT_TRUE(appeal.ok());
  ASSERT_TRUE(Decide(appeal->id, "key:r2", Input("uphold")).ok());
  due = store_->DueOutbox(kNow + 1, 10);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].event, "appeal.decided");
  EXPECT_EQ(nlohmann::json::parse((*due)[0].payload)["event"], "appeal.decided");
  ASSERT_TRUE(store_->MarkAttemptFailed((*due)[0].id, "refused", 0, true).ok());
  EXPECT_EQ(*store_->CountPendingOutbox(), 0);
  EXPECT_EQ(store_->ListOutbox("", 10)->at(0).status, "failed");
}

// A child process decides cases and acknowledges each decision after
// DecideCase returns; the parent kills it with SIGKILL mid-stream. Every
// acknowledged decision must be there after reopening, with its audit entry
// (the chain verifies). See the bank store's test of the same name.
TEST(SqliteModerationStoreTest, AcknowledgedDecisionsSurviveAKill) {
  TempDir dir;
  const std::string path = dir.File("moderato.db");
  constexpr int kCases = 400;
  {
    std::unique_ptr<ModerationStore> store = OpenOrDie(path);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->CreateOrganisation("acme", "cli").ok());
    ASSERT_TRUE(store->SetWebhook("acme", "https://hooks.example/x", "k", "cli").ok());
    for (int i = 0; i < kCases; ++i) {
      std::string external_id = "p";
      external_id += std::to_string(i);  // not "p" + ...: g++ 12 -O3 -Wrestrict false positive
      ASSERT_TRUE(store->SubmitItem(Submission("acme", external_id)).ok());
    }
  }
  constexpr int kAcksBeforeKill = 5;
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    Result<std::unique_ptr<ModerationStore>> store = OpenSqliteModerationStore(path);
    if (!store.ok()) _exit(2);
    for (std::int64_t id = 1; id <= kCases; ++id) {
      if (!(*store)->ClaimCase("acme", id, "key:r1", 600, kNow).ok()) _exit(3);
      if (!(*store)->DecideCase("acme", id, "key:r1", Input("remove"), kNow).ok()) _exit(4);
      if (write(fds[1], &id, sizeof(id)) != sizeof(id)) _exit(5);
    }
    _exit(0);
  }
  close(fds[1]);
  std::vector<std::int64_t> acked;
  std::int64_t id = 0;
  while (read(fds[0], &id, sizeof(id)) == sizeof(id)) {
    acked.push_back(id);
    if (acked.size() == kAcksBeforeKill) kill(child, SIGKILL);
  }
  close(fds[0]);
  int wait_status = 0;
  ASSERT_EQ(waitpid(child, &wait_status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(wait_status)) << "child exited with " << WEXITSTATUS(wait_status);
  ASSERT_GE(acked.size(), static_cast<std::size_t>(kAcksBeforeKill));

  std::unique_ptr<ModerationStore> store = OpenOrDie(path);
  ASSERT_NE(store, nullptr);
  for (std::int64_t a : acked) {
    Result<Case> c = store->GetCase("acme", a);
    ASSERT_TRUE(c.ok()) << c.status();
    EXPECT_EQ(c->status, "decided") << "case " << a;
    ASSERT_TRUE(c->decision.has_value()) << "case " << a;
  }
  // Decision, audit entry and outbox message were one transaction each.
  Result<std::vector<Case>> decided = store->ListCases("acme", {.status = "decided", .limit = 500});
  ASSERT_TRUE(decided.ok());
  EXPECT_GE(decided->size(), acked.size());
  const std::int64_t decided_count = static_cast<std::int64_t>(decided->size());
  EXPECT_EQ(*store->CountPendingOutbox(), decided_count);
  Result<AuditVerification> v = store->VerifyAudit();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok) << v->problem;
  // org.create, org.webhook, kCases item.verdict, one case.decide per decision.
  EXPECT_EQ(v->entries, 2 + kCases + decided_count);
}

TEST(SqliteModerationStoreTest, BankOwnerRoundTrips) {
  TempDir dir;
  Result<std::unique_ptr<BankStore>> banks = OpenSqliteBankStore(dir.File("b.db"));
  ASSERT_TRUE(banks.ok()) << banks.status();
  ASSERT_TRUE((*banks)->CreateBank({.name = "global"}).ok());
  Result<Bank> created = (*banks)->CreateBank({.name = "private", .owner = "acme"});
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->owner, "acme");
  EXPECT_EQ((*banks)->GetBank("private")->owner, "acme");
  EXPECT_EQ((*banks)->GetBank("global")->owner, "");
  std::vector<Bank> list = *(*banks)->ListBanks();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].owner, "");
  EXPECT_EQ(list[1].owner, "acme");
  Bank moved = *(*banks)->GetBank("private");
  moved.owner = "beta";
  ASSERT_TRUE((*banks)->UpdateBank(moved).ok());
  EXPECT_EQ((*banks)->GetBank("private")->owner, "beta");
  moved.owner = "Not An Org";
  EXPECT_EQ((*banks)->UpdateBank(moved).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*banks)->CreateBank({.name = "x", .owner = "-bad"}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(SqliteModerationStoreTest, UpgradesASchemaThreeDatabase) {
  TempDir dir;
  const std::string path = dir.File("v3.db");
  std::string setup;
  for (int i = 0; i < 3; ++i) setup += std::string(internal::SqliteMigrations()[i]) + ";\n";
  setup +=
      "INSERT INTO banks (name, pdq_threshold, pdq_quality_min, created_at) "
      "VALUES ('legacy', 31, 50, 1);\n"
      "PRAGMA user_version = 3; PRAGMA application_id = " +
      std::to_string(internal::kModeratoApplicationId) + ";";
  RawExec(path, setup);
  ASSERT_EQ(RawInt(path, "PRAGMA user_version"), 3);
  {
    Result<std::unique_ptr<BankStore>> banks = OpenSqliteBankStore(path);
    ASSERT_TRUE(banks.ok()) << banks.status();
    Result<Bank> legacy = (*banks)->GetBank("legacy");
    ASSERT_TRUE(legacy.ok()) << legacy.status();
    EXPECT_EQ(legacy->owner, "");
  }
  EXPECT_EQ(RawInt(path, "PRAGMA user_version"), internal::LatestSchemaVersion());
  std::unique_ptr<ModerationStore> store = OpenOrDie(path);
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->CreateOrganisation("acme", "cli").ok());
  EXPECT_TRUE(store->VerifyAudit()->ok);
}

}  // namespace
}  // namespace moderato
