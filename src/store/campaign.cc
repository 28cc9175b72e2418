// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Validation of redirect campaigns (include/moderato/counter/campaign.h).
// It lives in store/ beside counter_item.cc so that the store can refuse an
// invalid campaign without depending on the counter module.

#include "moderato/counter/campaign.h"

#include <unicode/utf8.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>

#include "moderato/core/json_depth.h"

namespace moderato {
namespace {

bool HasControl(std::string_view text) {
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

// "" when `text` is acceptable free text of at most `max_bytes`.
std::string CheckText(std::string_view field, std::string_view text, std::size_t max_bytes,
                      bool required) {
  if (required && text.empty()) return std::string(field) + ": empty";
  if (text.size() > max_bytes) {
    return std::string(field) + ": longer than " + std::to_string(max_bytes) + " bytes";
  }
  if (text.size() > 0xFFFFFF || !internal::IsValidUtf8(text))
    return std::string(field) + ": invalid UTF-8";
  if (HasControl(text)) return std::string(field) + ": control character";
  return "";
}

}  // namespace

bool IsValidCampaignId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string ValidateCampaign(const Campaign& campaign) {
  if (!IsValidCampaignId(campaign.id)) return "id: must match [A-Za-z0-9_.-]{1,64}";
  if (std::string e = CheckText("name", campaign.name, kMaxCampaignNameBytes, false); !e.empty()) {
    return e;
  }
  if (std::string e = CheckText("owner", campaign.owner, kMaxCampaignOwnerBytes, false);
      !e.empty()) {
    return e;
  }
  if (campaign.triggers.empty()) return "triggers: at least one trigger is needed";
  if (campaign.triggers.size() > kMaxCampaignTriggers) {
    return "triggers: more than " + std::to_string(kMaxCampaignTriggers);
  }
  for (std::size_t i = 0; i < campaign.triggers.size(); ++i) {
    const CampaignTrigger& t = campaign.triggers[i];
    const std::string field = "triggers[" + std::to_string(i) + "]";
    if (t.language != "*" && t.language != "ar" && t.language != "fr" && t.language != "en") {
      return field + ".language: unknown language '" + t.language.substr(0, 16) +
             "' (ar, fr, en or *)";
    }
    if (t.mode != "word" && t.mode != "phrase") {
      return field + ".mode: unknown mode '" + t.mode.substr(0, 16) + "' (word or phrase)";
    }
    if (std::string e = CheckText(field + ".term", t.term, kMaxCampaignTermBytes, true);
        !e.empty()) {
      return e;
    }
    if (t.term.find_first_not_of(' ') == std::string::npos) return field + ".term: blank";
  }
  if (campaign.playlist.empty()) return "playlist: at least one item is needed";
  if (campaign.playlist.size() > kMaxCampaignPlaylist) {
    return "playlist: more than " + std::to_string(kMaxCampaignPlaylist) + " items";
  }
  std::unordered_set<std::string_view> seen;
  for (std::size_t i = 0; i < campaign.playlist.size(); ++i) {
    const std::string& id = campaign.playlist[i];
    const std::string field = "playlist[" + std::to_string(i) + "]";
    if (!IsValidCampaignId(id)) return field + ": not a valid item id";
    if (!seen.insert(id).second) return field + ": '" + id + "' is listed twice";
  }
  if (campaign.starts_at < 0 || campaign.ends_at < 0) return "starts_at/ends_at: negative";
  if (campaign.starts_at != 0 && campaign.ends_at != 0 && campaign.ends_at <= campaign.starts_at) {
    return "ends_at: not after starts_at";
  }
  return "";
}

bool CampaignActiveAt(const Campaign& campaign, std::int64_t now) {
  if (!campaign.enabled) return false;
  if (campaign.starts_at != 0 && now < campaign.starts_at) return false;
  if (campaign.ends_at != 0 && now >= campaign.ends_at) return false;
  return true;
}

}  // namespace moderato
