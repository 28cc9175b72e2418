// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// CampaignStore: where redirect campaigns (counter/campaign.h) and their
// metrics persist. The SQLite implementation shares the database file, the
// migrations (migration 3 holds its tables, migration 5 the generation
// counter and the click-token secret) and the durability settings
// (WAL, synchronous=FULL) with the bank and counter stores.
//
// PRIVACY. The metrics are aggregates only: one row per campaign × day ×
// language holding two counters (impressions, clicks). The store never
// records a user id, an IP address, a query text, a timestamp finer than the
// day, or anything else about one person; there is no API to pass one.
//
//   MODERATO_ASSIGN_OR_RETURN(auto store, OpenSqliteCampaignStore("moderato.db"));
//   MODERATO_RETURN_IF_ERROR(store->PutCampaign(campaign));
//   MODERATO_RETURN_IF_ERROR(store->RecordImpression("demo.isil", "2026-11-29", "en"));
//   MODERATO_ASSIGN_OR_RETURN(auto rows, store->Report("2026-11-01", "2026-11-30"));
//
// Every write is one transaction and survives a crash once acknowledged.
// Thread safety: every method may be called from any thread (a mutex
// serialises the connection); several processes may share the file.
#ifndef MODERATO_STORE_CAMPAIGN_STORE_H_
#define MODERATO_STORE_CAMPAIGN_STORE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "moderato/counter/campaign.h"
#include "moderato/status.h"

namespace moderato {

// One row of Report(): the counters of one campaign on one day in one language.
struct CampaignMetricsRow {
  std::string campaign;
  std::string day;       // "YYYY-MM-DD" (UTC)
  std::string language;  // "ar", "fr", "en", or "" when unknown
  std::int64_t impressions = 0;
  std::int64_t clicks = 0;
  friend bool operator==(const CampaignMetricsRow&, const CampaignMetricsRow&) = default;
};

// Size of CampaignStore::ClickTokenSecret(), in bytes.
inline constexpr std::size_t kClickTokenSecretBytes = 32;

// Returns true when `day` is a valid "YYYY-MM-DD" date.
bool IsValidMetricsDay(std::string_view day);

// Returns the UTC day "YYYY-MM-DD" of Unix second `now` (now >= 0).
std::string MetricsDayOf(std::int64_t now);

class CampaignStore {
 public:
  virtual ~CampaignStore() = default;

  // Inserts or replaces the campaign with this id. Fails with
  // kInvalidArgument if ValidateCampaign() rejects it.
  virtual Status PutCampaign(const Campaign& campaign) = 0;
  // Replaces or inserts every campaign in ONE transaction: all or none.
  virtual Status PutCampaigns(const std::vector<Campaign>& campaigns) = 0;
  // Returns the campaign; kNotFound.
  virtual Result<Campaign> GetCampaign(std::string_view id) = 0;
  // Returns every campaign in id order.
  virtual Result<std::vector<Campaign>> ListCampaigns() = 0;
  // Removes the campaign (its metrics stay, for the record); kNotFound.
  virtual Status DeleteCampaign(std::string_view id) = 0;

  // Adds one to the impressions (clicks) of `campaign` on `day` in
  // `language`. Fails with kInvalidArgument for a bad campaign id, day, or a
  // language other than ar, fr, en or "". The campaign need not exist any
  // more (a click may arrive after a campaign was deleted).
  virtual Status RecordImpression(std::string_view campaign, std::string_view day,
                                  std::string_view language) = 0;
  virtual Status RecordClick(std::string_view campaign, std::string_view day,
                             std::string_view language) = 0;

  // Returns the rows with from_day <= day <= to_day (an empty bound is
  // open), ordered by campaign, day, language. Fails with kInvalidArgument
  // for a malformed day.
  virtual Result<std::vector<CampaignMetricsRow>> Report(std::string_view from_day,
                                                         std::string_view to_day) = 0;

  // Returns a number that changes whenever a campaign is stored or deleted,
  // by any connection or process sharing the database (one indexed row):
  // compare it to know whether compiled campaigns are stale.
  virtual Result<std::int64_t> Generation() = 0;

  // Returns the kClickTokenSecretBytes random bytes that sign redirect click
  // tokens (docs/server.md). Made with OpenSSL's RAND_bytes on first use and
  // kept in the database, so every process sharing it, and every restart,
  // uses the same secret. Fails with kInternal if no randomness is
  // available, with the store's error otherwise.
  virtual Result<std::string> ClickTokenSecret() = 0;
};

// Opens (creating if needed) the store in the SQLite file at `path`
// (":memory:" for a private in-memory store). Fails as OpenSqliteCounterStore.
Result<std::unique_ptr<CampaignStore>> OpenSqliteCampaignStore(const std::string& path);

}  // namespace moderato

#endif  // MODERATO_STORE_CAMPAIGN_STORE_H_
