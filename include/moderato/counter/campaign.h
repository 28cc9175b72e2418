// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Redirect campaigns (the value type): trigger terms and phrases per
// language, compiled by the lexicon engine so that obfuscated queries still
// trigger, and an ordered playlist of counter-narrative item ids to show
// instead, during an active period. RedirectEngine (redirect.h) resolves
// queries against campaigns; CampaignStore (store/campaign_store.h) keeps
// them and their aggregate metrics. docs/redirect.md has the file format.
//
//   Campaign c;
//   c.id = "demo.isil";
//   c.triggers.push_back({"*", "Daesh", "word"});
//   c.playlist = {"starter.en.glorification.1"};
//   if (std::string error = ValidateCampaign(c); !error.empty()) ...
//
// Thread safety: value types and pure functions.
#ifndef MODERATO_COUNTER_CAMPAIGN_H_
#define MODERATO_COUNTER_CAMPAIGN_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace moderato {

// Budgets of one campaign, checked by ValidateCampaign.
inline constexpr std::size_t kMaxCampaignTriggers = 1000;
inline constexpr std::size_t kMaxCampaignPlaylist = 50;
inline constexpr std::size_t kMaxCampaignTermBytes = 256;
inline constexpr std::size_t kMaxCampaignNameBytes = 300;
inline constexpr std::size_t kMaxCampaignOwnerBytes = 300;

// One trigger: a term or phrase that starts the campaign.
struct CampaignTrigger {
  std::string language = "*";  // "ar", "fr", "en", or "*" for every language
  std::string term;            // literal (no regex), 1..kMaxCampaignTermBytes bytes of UTF-8
  std::string mode = "word";   // "word": whole words; "phrase": same rule, several words
  friend bool operator==(const CampaignTrigger&, const CampaignTrigger&) = default;
};

struct Campaign {
  std::string id;                         // [A-Za-z0-9_.-]{1,64}, unique
  std::string name;                       // human-readable, ≤ kMaxCampaignNameBytes
  std::vector<CampaignTrigger> triggers;  // 1..kMaxCampaignTriggers
  std::vector<std::string> playlist;      // ordered counter item ids, 1..kMaxCampaignPlaylist
  std::int64_t starts_at = 0;             // Unix seconds, inclusive; 0 = no start
  std::int64_t ends_at = 0;               // Unix seconds, exclusive; 0 = no end
  bool enabled = true;
  std::string owner;  // organisation running it; ≤ kMaxCampaignOwnerBytes
  friend bool operator==(const Campaign&, const Campaign&) = default;
};

// Returns true when `id` is a valid campaign or item id ([A-Za-z0-9_.-]{1,64}).
bool IsValidCampaignId(std::string_view id);

// Returns "" when `campaign` is valid, else what is wrong, naming the field
// ("triggers[3].language: unknown language 'de'"). Checks ids (also of the
// playlist, which must not repeat), sizes against the budgets above, UTF-8
// and control characters, trigger languages and modes, and that ends_at is
// after starts_at when both are set.
std::string ValidateCampaign(const Campaign& campaign);

// Returns true when `campaign` is enabled and `now` (Unix seconds) lies in
// [starts_at, ends_at), an unset bound being open.
bool CampaignActiveAt(const Campaign& campaign, std::int64_t now);

}  // namespace moderato

#endif  // MODERATO_COUNTER_CAMPAIGN_H_
