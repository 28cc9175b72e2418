// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// The SQLite CampaignStore. It shares the database file, the migrations
// (migration 3 holds its tables) and the durability settings with the bank
// and counter stores; docs/redirect.md documents schema and privacy rules.
//
// Concurrency: one connection in SQLite's multi-thread mode, guarded by mu_.
// Statements are prepared per call: campaigns are few and written rarely,
// and one metrics UPSERT per shown redirect is dominated by the WAL sync.

#include <openssl/rand.h>
#include <sqlite3.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "moderato/counter/campaign.h"
#include "moderato/status.h"
#include "moderato/store/campaign_store.h"
#include "store/sqlite_db.h"
#include "store/sqlite_migrations.h"
#include "store/sqlite_signal_codec.h"

namespace moderato {
namespace {

using internal::DecodeStringList;
using internal::EncodeStringList;
using internal::ScopedReset;
using internal::SqliteDb;
using internal::SqliteStatement;
using internal::WriteTransaction;

constexpr int kBusyTimeoutMs = 5000;  // as the bank and counter stores

constexpr const char kCampaignColumns[] =
    "SELECT id, name, triggers, playlist, starts_at, ends_at, enabled, owner FROM campaigns ";

std::string Quoted(std::string_view id) {
  std::string quoted;
  quoted.reserve(id.size() + 2);
  quoted += '\'';
  quoted += id;
  quoted += '\'';
  return quoted;
}

bool IsMetricsLanguage(std::string_view language) {
  return language.empty() || language == "ar" || language == "fr" || language == "en";
}

Result<Campaign> ReadCampaign(const SqliteStatement& stmt) {
  Campaign c;
  c.id = std::string(stmt.ColumnText(0));
  c.name = std::string(stmt.ColumnText(1));
  std::optional<std::vector<std::string>> flat = DecodeStringList(stmt.ColumnText(2));
  if (!flat || flat->size() % 3 != 0) {
    return DataLossError("campaign " + Quoted(c.id) + ": malformed triggers column");
  }
  for (std::size_t i = 0; i < flat->size(); i += 3) {
    c.triggers.push_back(CampaignTrigger{std::move((*flat)[i]), std::move((*flat)[i + 1]),
                                         std::move((*flat)[i + 2])});
  }
  std::optional<std::vector<std::string>> playlist = DecodeStringList(stmt.ColumnText(3));
  if (!playlist) return DataLossError("campaign " + Quoted(c.id) + ": malformed playlist column");
  c.playlist = std::move(*playlist);
  c.starts_at = stmt.ColumnInt64(4);
  c.ends_at = stmt.ColumnInt64(5);
  c.enabled = stmt.ColumnInt64(6) != 0;
  c.owner = std::string(stmt.ColumnText(7));
  return c;
}

class SqliteCampaignStore final : public CampaignStore {
 public:
  explicit SqliteCampaignStore(SqliteDb db) : db_(std::move(db)) {}

  // Not copyable or movable: owns a connection.
  SqliteCampaignStore(const SqliteCampaignStore&) = delete;
  SqliteCampaignStore& operator=(const SqliteCampaignStore&) = delete;

  Status PutCampaign(const Campaign& campaign) override {
    return PutCampaigns(std::vector<Campaign>{campaign});
  }

  Status PutCampaigns(const std::vector<Campaign>& campaigns) override {
    for (std::size_t i = 0; i < campaigns.size(); ++i) {
      if (std::string error = ValidateCampaign(campaigns[i]); !error.empty()) {
        return InvalidArgumentError("campaign " + std::to_string(i) + " (" +
                                    Quoted(campaigns[i].id.substr(0, 64)) + "): " + error);
      }
    }
    std::lock_guard<std::mutex> lock(mu_);
    WriteTransaction txn(db_);
    MODERATO_RETURN_IF_ERROR(txn.Begin("storing campaigns"));
    MODERATO_ASSIGN_OR_RETURN(
        SqliteStatement stmt,
        SqliteStatement::Prepare(
            db_.get(),
            "INSERT OR REPLACE INTO campaigns (id, name, triggers, playlist, starts_at, ends_at, "
            "enabled, owner) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
    for (const Campaign& c : campaigns) {
      std::vector<std::string> flat;
      flat.reserve(c.triggers.size() * 3);
      for (const CampaignTrigger& t : c.triggers) {
        flat.push_back(t.language);
        flat.push_back(t.term);
        flat.push_back(t.mode);
      }
      const std::string triggers = EncodeStringList(flat);
      const std::string playlist = EncodeStringList(c.playlist);
      stmt.BindText(1, c.id);
      stmt.BindText(2, c.name);
      stmt.BindText(3, triggers);
      stmt.BindText(4, playlist);
      stmt.BindInt64(5, c.starts_at);
      stmt.BindInt64(6, c.ends_at);
      stmt.BindInt64(7, c.enabled ? 1 : 0);
      stmt.BindText(8, c.owner);
      MODERATO_RETURN_IF_ERROR(stmt.Run());
    }
    return txn.Commit("storing campaigns");
  }

  Result<Campaign> GetCampaign(std::string_view id) override {
    std::lock_guard<std::mutex> lock(mu_);
    MODERATO_ASSIGN_OR_RETURN(
        SqliteStatement stmt,
        SqliteStatement::Prepare(db_.get(), std::string(kCampaignColumns) + "WHERE id = ?1"));
    ScopedReset reset(stmt);
    stmt.BindText(1, id);
    MODERATO_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return NotFoundError("no campaign " + Quoted(id));
    return ReadCampaign(stmt);
  }

  Result<std::vector<Campaign>> ListCampaigns() override {
    std::lock_guard<std::mutex> lock(mu_);
    MODERATO_ASSIGN_OR_RETURN(
        SqliteStatement stmt,
        SqliteStatement::Prepare(db_.get(), std::string(kCampaignColumns) + "ORDER BY id"));
    ScopedReset reset(stmt);
    std::vector<Campaign> campaigns;
    for (;;) {
      MODERATO_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      MODERATO_ASSIGN_OR_RETURN(Campaign c, ReadCampaign(stmt));
      campaigns.push_back(std::move(c));
    }
    return campaigns;
  }

  Status DeleteCampaign(std::string_view id) override {
    std::lock_guard<std::mutex> lock(mu_);
    MODERATO_ASSIGN_OR_RETURN(
        SqliteStatement stmt,
        SqliteStatement::Prepare(db_.get(), "DELETE FROM campaigns WHERE id = ?1"));
    stmt.BindText(1, id);
    MODERATO_RETURN_IF_ERROR(stmt.Run());
    if (sqlite3_changes(db_.get()) == 0) return NotFoundError("no campaign " + Quoted(id));
    return OkStatus();
  }

  Status RecordImpression(std::string_view campaign, std::string_view day,
                          std::string_view language) override {
    return Increment(campaign, day, language, /*click=*/false);
  }

  Status RecordClick(std::string_view campaign, std::string_view day,
                     std::string_view language) override {
    return Increment(campaign, day, language, /*click=*/true);
  }

  Result<std::vector<CampaignMetricsRow>> Report(std::string_view from_day,
                                                 std::string_view to_day) override {
    if (!from_day.empty() && !IsValidMetricsDay(from_day)) {
      return InvalidArgumentError("from: not a YYYY-MM-DD day");
    }
    if (!to_day.empty() && !IsValidMetricsDay(to_day)) {
      return InvalidArgumentError("to: not a YYYY-MM-DD day");
    }
    std::lock_guard<std::mutex> lock(mu_);
    MODERATO_ASSIGN_OR_RETURN(
        SqliteStatement stmt,
        SqliteStatement::Prepare(
            db_.get(),
            "SELECT campaign, day, language, impressions, clicks FROM campaign_metrics "
            "WHERE (?1 = '' OR day >= ?1) AND (?2 = '' OR day <= ?2) "
            "ORDER BY campaign, day, language"));
    ScopedReset reset(stmt);
    stmt.BindText(1, from_day);
    stmt.BindText(2, to_day);
    std::vector<CampaignMetricsRow> rows;
    for (;;) {
      MODERATO_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      rows.push_back(CampaignMetricsRow{
          std::string(stmt.ColumnText(0)), std::string(stmt.ColumnText(1)),
          std::string(stmt.ColumnText(2)), stmt.ColumnInt64(3), stmt.ColumnInt64(4)});
    }
    return rows;
  }

  Result<std::int64_t> Generation() override {
    std::lock_guard<std::mutex> lock(mu_);
    return db_.QueryInt64("SELECT generation FROM change_generations WHERE name = 'campaigns'",
                          "reading the campaigns generation");
  }

  Result<std::string> ClickTokenSecret() override {
    std::array<unsigned char, kClickTokenSecretBytes> fresh{};
    if (RAND_bytes(fresh.data(), static_cast<int>(fresh.size())) != 1) {
      return InternalError("OpenSSL RAND_bytes failed: no randomness for the click-token secret");
    }
    std::string hex;
    hex.reserve(2 * fresh.size());
    constexpr char kHex[] = "0123456789abcdef";
    for (unsigned char b : fresh) {
      hex += kHex[b >> 4];
      hex += kHex[b & 0xf];
    }
    std::lock_guard<std::mutex> lock(mu_);
    // INSERT OR IGNORE inside one write transaction: when two processes race
    // on first use, both read back the one secret that was stored first.
    WriteTransaction txn(db_);
    MODERATO_RETURN_IF_ERROR(txn.Begin("creating the click-token secret"));
    MODERATO_ASSIGN_OR_RETURN(
        SqliteStatement insert,
        SqliteStatement::Prepare(db_.get(),
                                 "INSERT OR IGNORE INTO settings (name, value) "
                                 "VALUES ('redirect.click_token_secret', ?1)"));
    insert.BindText(1, hex);
    MODERATO_RETURN_IF_ERROR(insert.Run());
    MODERATO_ASSIGN_OR_RETURN(
        std::string stored,
        db_.QueryText("SELECT value FROM settings WHERE name = 'redirect.click_token_secret'",
                      "reading the click-token secret"));
    MODERATO_RETURN_IF_ERROR(txn.Commit("creating the click-token secret"));
    if (stored.size() != 2 * kClickTokenSecretBytes) {
      return DataLossError("the stored click-token secret is malformed");
    }
    std::string secret(kClickTokenSecretBytes, '\0');
    for (std::size_t i = 0; i < secret.size(); ++i) {
      auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return -1;
      };
      const int hi = nibble(stored[2 * i]);
      const int lo = nibble(stored[2 * i + 1]);
      if (hi < 0 || lo < 0) return DataLossError("the stored click-token secret is malformed");
      secret[i] = static_cast<char>(hi * 16 + lo);
    }
    return secret;
  }

 private:
  Status Increment(std::string_view campaign, std::string_view day, std::string_view language,
                   bool click) {
    if (!IsValidCampaignId(campaign)) return InvalidArgumentError("not a valid campaign id");
    if (!IsValidMetricsDay(day)) return InvalidArgumentError("not a YYYY-MM-DD day");
    if (!IsMetricsLanguage(language)) {
      return InvalidArgumentError("language must be ar, fr, en or empty");
    }
    std::lock_guard<std::mutex> lock(mu_);
    MODERATO_ASSIGN_OR_RETURN(
        SqliteStatement stmt,
        SqliteStatement::Prepare(
            db_.get(),
            click ? "INSERT INTO campaign_metrics (campaign, day, language, impressions, clicks) "
                    "VALUES (?1, ?2, ?3, 0, 1) ON CONFLICT (campaign, day, language) "
                    "DO UPDATE SET clicks = clicks + 1"
                  : "INSERT INTO campaign_metrics (campaign, day, language, impressions, clicks) "
                    "VALUES (?1, ?2, ?3, 1, 0) ON CONFLICT (campaign, day, language) "
                    "DO UPDATE SET impressions = impressions + 1"));
    stmt.BindText(1, campaign);
    stmt.BindText(2, day);
    stmt.BindText(3, language);
    return stmt.Run();
  }

  std::mutex mu_;
  SqliteDb db_;  // guarded by mu_
};

}  // namespace

bool IsValidMetricsDay(std::string_view day) {
  if (day.size() != 10 || day[4] != '-' || day[7] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (day[i] < '0' || day[i] > '9') return false;
  }
  const int month = (day[5] - '0') * 10 + (day[6] - '0');
  const int dom = (day[8] - '0') * 10 + (day[9] - '0');
  return month >= 1 && month <= 12 && dom >= 1 && dom <= 31;
}

std::string MetricsDayOf(std::int64_t now) {
  // Howard Hinnant's civil_from_days (http://howardhinnant.github.io/date_algorithms.html).
  std::int64_t z = (now >= 0 ? now : 0) / 86400 + 719468;
  const std::int64_t era = z / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%04lld-%02lld-%02lld", static_cast<long long>(y),
                static_cast<long long>(m), static_cast<long long>(d));
  return buffer;
}

Result<std::unique_ptr<CampaignStore>> OpenSqliteCampaignStore(const std::string& path) {
  if (path.empty()) {
    return InvalidArgumentError(
        "OpenSqliteCampaignStore: empty path (use \":memory:\" for a private in-memory store)");
  }
  MODERATO_ASSIGN_OR_RETURN(SqliteDb db, SqliteDb::Open(path));
  MODERATO_RETURN_IF_ERROR(internal::ConfigureConnection(db, path, kBusyTimeoutMs));
  return std::unique_ptr<CampaignStore>(std::make_unique<SqliteCampaignStore>(std::move(db)));
}

}  // namespace moderato
