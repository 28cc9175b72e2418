// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Validation of counter-narrative items (include/moderato/counter/item.h).
// Lives in store/ because the store validates every write and store/ may
// depend only on value types.

#include <unicode/utf8.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "moderato/core/json_depth.h"
#include "moderato/counter/item.h"

namespace moderato {
namespace {

constexpr std::size_t kMaxIdBytes = 64;
constexpr std::size_t kMaxTitleBytes = 300;
constexpr std::size_t kMaxBodyBytes = 8 * 1024;
constexpr std::size_t kMaxLinkBytes = 2 * 1024;
constexpr std::size_t kMaxSources = 16;
constexpr std::size_t kMaxSourceBytes = 1024;
constexpr std::size_t kMaxEndorsements = 16;
constexpr std::size_t kMaxEndorsementBytes = 1024;
constexpr std::size_t kMaxMessengerNameBytes = 200;
constexpr std::size_t kMaxLicenceBytes = 200;
constexpr std::size_t kMaxOwnerBytes = 200;
constexpr std::size_t kMaxThemes = 5;
constexpr std::size_t kMaxAudiences = 3;

bool In(std::span<const std::string_view> set, std::string_view id) {
  return std::find(set.begin(), set.end(), id) != set.end();
}

bool IsValidId(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdBytes) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
  });
}

// Returns "" or "<field>: ..." for a text field with a byte budget.
std::string CheckText(std::string_view field, std::string_view value, std::size_t max_bytes,
                      bool required) {
  if (required && value.empty()) return std::string(field) + ": must not be empty";
  if (value.size() > max_bytes) {
    return std::string(field) + ": " + std::to_string(value.size()) + " bytes, more than " +
           std::to_string(max_bytes);
  }
  if (!internal::IsValidUtf8(value)) return std::string(field) + ": not valid UTF-8";
  return "";
}

// Checks a list of taxonomy ids: count within [1, max], known, no repeats.
std::string CheckIdList(std::string_view field, std::string_view what,
                        const std::vector<std::string>& ids, std::size_t max,
                        bool (*known)(std::string_view)) {
  if (ids.empty() || ids.size() > max) {
    return std::string(field) + ": " + std::to_string(ids.size()) + " entries, need 1 to " +
           std::to_string(max);
  }
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (!known(ids[i])) {
      std::string shown =
          internal::IsValidUtf8(ids[i]) && ids[i].size() <= 64 ? ids[i] : "(invalid)";
      return std::string(field) + ": unknown " + std::string(what) + " '" + shown + "'";
    }
    if (std::find(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(i), ids[i]) !=
        ids.begin() + static_cast<std::ptrdiff_t>(i)) {
      return std::string(field) + ": '" + ids[i] + "' listed twice";
    }
  }
  return "";
}

std::string CheckEnum(std::string_view field, std::string_view value,
                      bool (*known)(std::string_view)) {
  if (known(value)) return "";
  std::string shown =
      internal::IsValidUtf8(value) && value.size() <= 64 ? std::string(value) : "(invalid)";
  return std::string(field) + ": unknown value '" + shown + "'";
}

bool IsReviewStatus(std::string_view id) { return In(kReviewStatuses, id); }

}  // namespace

bool IsCounterTheme(std::string_view id) { return In(kCounterThemes, id); }
bool IsCounterStrategy(std::string_view id) { return In(kCounterStrategies, id); }
bool IsCounterAudience(std::string_view id) { return In(kCounterAudiences, id); }
bool IsCounterFormat(std::string_view id) { return In(kCounterFormats, id); }
bool IsMessengerKind(std::string_view id) { return In(kMessengerKinds, id); }
bool IsCounterLanguage(std::string_view id) { return In(kCounterLanguages, id); }

std::string ValidateCounterItem(const CounterItem& item) {
  if (!IsValidId(item.id)) return "id: must match [A-Za-z0-9_.-]{1,64}";
  std::string error;
  if (!(error = CheckEnum("language", item.language, IsCounterLanguage)).empty()) return error;
  if (!(error = CheckText("title", item.title, kMaxTitleBytes, true)).empty()) return error;
  if (!(error = CheckText("body", item.body, kMaxBodyBytes, true)).empty()) return error;
  if (!(error = CheckText("link", item.link, kMaxLinkBytes, false)).empty()) return error;
  if (!item.link.empty()) {
    const std::string_view link = item.link;
    const bool http = link.starts_with("http://") && link.size() > 7;
    const bool https = link.starts_with("https://") && link.size() > 8;
    if (!http && !https) return "link: must be empty or an http:// or https:// URL";
    if (std::any_of(link.begin(), link.end(),
                    [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; })) {
      return "link: must not contain spaces or control characters";
    }
  }
  if (!(error = CheckEnum("format", item.format, IsCounterFormat)).empty()) return error;
  if (!(error = CheckIdList("themes", "theme", item.themes, kMaxThemes, IsCounterTheme)).empty()) {
    return error;
  }
  if (!(error = CheckEnum("strategy", item.strategy, IsCounterStrategy)).empty()) return error;
  if (!(error =
            CheckIdList("audience", "audience", item.audience, kMaxAudiences, IsCounterAudience))
           .empty()) {
    return error;
  }
  if (!(error = CheckText("messenger.name", item.messenger.name, kMaxMessengerNameBytes, true))
           .empty()) {
    return error;
  }
  if (!(error = CheckEnum("messenger.kind", item.messenger.kind, IsMessengerKind)).empty()) {
    return error;
  }
  if (item.messenger.endorsements.size() > kMaxEndorsements) {
    return "messenger.endorsements: more than " + std::to_string(kMaxEndorsements);
  }
  for (std::size_t i = 0; i < item.messenger.endorsements.size(); ++i) {
    const std::string field = "messenger.endorsements[" + std::to_string(i) + "]";
    if (!(error = CheckText(field, item.messenger.endorsements[i], kMaxEndorsementBytes, true))
             .empty()) {
      return error;
    }
  }
  if (!(error = CheckText("licence", item.licence, kMaxLicenceBytes, false)).empty()) return error;
  if (!(error = CheckEnum("status", item.status, IsReviewStatus)).empty()) return error;
  if (item.sources.size() > kMaxSources) {
    return "sources: more than " + std::to_string(kMaxSources);
  }
  for (std::size_t i = 0; i < item.sources.size(); ++i) {
    const std::string prefix = "sources[" + std::to_string(i) + "].";
    if (!(error = CheckText(prefix + "claim", item.sources[i].claim, kMaxSourceBytes, true))
             .empty() ||
        !(error = CheckText(prefix + "source", item.sources[i].source, kMaxSourceBytes, true))
             .empty()) {
      return error;
    }
  }
  if (!(error = CheckText("owner", item.owner, kMaxOwnerBytes, false)).empty()) return error;
  if (!(error = CheckText("updated_by", item.updated_by, kMaxOwnerBytes, false)).empty()) {
    return error;
  }
  if (!(error = CheckText("approved_by", item.approved_by, kMaxOwnerBytes, false)).empty()) {
    return error;
  }
  return "";
}

}  // namespace moderato
