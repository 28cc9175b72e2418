// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Counter-narrative items: short texts, articles, video links or images
// that answer an extremist message and promote tolerance, moderation and
// peaceful coexistence, each from a messenger with credibility metadata.
// The taxonomies (themes, strategies, audiences, messenger kinds) are
// defined in docs/counter-themes.md; the ids below are the only values
// accepted anywhere (files, CLI, API).
//
//   CounterItem item = ...;
//   if (std::string error = ValidateCounterItem(item); !error.empty()) ...
//
// Only items whose status is "approved" are ever served (suggestions,
// redirects); editing an item makes a new version in "draft" until an editor
// approves it again.
//
// Thread safety: value types and pure functions.

#ifndef MODERATO_COUNTER_ITEM_H_
#define MODERATO_COUNTER_ITEM_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace moderato {

inline constexpr std::string_view kCounterThemes[] = {"religious_justification",
                                                      "us_vs_them",
                                                      "grievance_victimhood",
                                                      "glorification_martyrdom",
                                                      "recruitment_travel",
                                                      "conspiracy",
                                                      "hate_muslims",
                                                      "hate_jews",
                                                      "hate_christians",
                                                      "hate_migrants",
                                                      "hate_women",
                                                      "hate_lgbt",
                                                      "hate_other"};
inline constexpr std::string_view kCounterStrategies[] = {
    "facts",    "alternative_narrative", "denouncing",     "humour",
    "question", "personal_story",        "positive_values"};
inline constexpr std::string_view kCounterAudiences[] = {"youth", "general", "parents_educators"};
inline constexpr std::string_view kCounterFormats[] = {"text", "article", "video_link", "image"};
inline constexpr std::string_view kMessengerKinds[] = {"religious_scholars", "ngo",
                                                       "survivors",          "former_extremists",
                                                       "educators",          "public_institution"};
inline constexpr std::string_view kCounterLanguages[] = {"ar", "fr", "en"};
inline constexpr std::string_view kReviewStatuses[] = {"draft", "approved", "retired"};

struct Messenger {
  std::string name;
  std::string kind;                       // kMessengerKinds
  bool verified = false;                  // the organisation's identity was checked by an editor
  std::vector<std::string> endorsements;  // who vouches for it (free text)
  friend bool operator==(const Messenger&, const Messenger&) = default;
};

struct SourceRef {
  std::string claim;   // the fact the body states
  std::string source;  // where it is established
  friend bool operator==(const SourceRef&, const SourceRef&) = default;
};

struct CounterItem {
  std::string id;                     // [A-Za-z0-9_.-]{1,64}, unique
  std::string language;               // kCounterLanguages
  std::string title;                  // ≤ 300 bytes
  std::string body;                   // ≤ 8 KiB, UTF-8
  std::string link;                   // empty, or an http(s) URL
  std::string format = "text";        // kCounterFormats
  std::vector<std::string> themes;    // 1..5 of kCounterThemes
  std::string strategy;               // kCounterStrategies
  std::vector<std::string> audience;  // 1..3 of kCounterAudiences
  Messenger messenger;
  std::string licence;           // e.g. "CC-BY-4.0"
  std::string status = "draft";  // kReviewStatuses
  bool starter = false;          // a project-written placeholder
  std::vector<SourceRef> sources;
  std::string owner;  // organisation that owns a draft; empty = shared library
  // Set by the store:
  int64_t version = 0;      // 1 for the first, +1 per edit
  int64_t updated_at = 0;   // Unix seconds
  std::string updated_by;   // editor of this version
  int64_t approved_at = 0;  // 0 unless approved
  std::string approved_by;
  friend bool operator==(const CounterItem&, const CounterItem&) = default;
};

bool IsCounterTheme(std::string_view id);
bool IsCounterStrategy(std::string_view id);
bool IsCounterAudience(std::string_view id);
bool IsCounterFormat(std::string_view id);
bool IsMessengerKind(std::string_view id);
bool IsCounterLanguage(std::string_view id);

// Returns "" when `item` is valid, else what is wrong, naming the field
// ("themes: unknown theme 'x'"). Checks ids, taxonomies, sizes and UTF-8.
std::string ValidateCounterItem(const CounterItem& item);

}  // namespace moderato

#endif  // MODERATO_COUNTER_ITEM_H_
