// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Campaign files: a JSON array of campaigns or JSONL (docs/redirect.md,
// "File format"). Campaign files are untrusted input: sizes, counts and
// nesting are budgeted before nlohmann::json sees them, and every error
// names the line (JSONL) or the array index.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "moderato/core/json_depth.h"
#include "moderato/counter/campaign.h"
#include "moderato/counter/redirect.h"
#include "moderato/status.h"

namespace moderato {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

std::string ReadString(const Json& j, std::string_view field, std::string* out) {
  if (!j.is_string()) return std::string(field) + ": not a string";
  *out = j.get<std::string>();
  return "";
}

std::string ReadInt(const Json& j, std::string_view field, std::int64_t* out) {
  if (!j.is_number_integer()) return std::string(field) + ": not an integer";
  *out = j.get<std::int64_t>();
  return "";
}

std::string ReadStringList(const Json& j, std::string_view field, std::vector<std::string>* out) {
  if (!j.is_array()) return std::string(field) + ": not an array";
  for (const Json& v : j) {
    if (!v.is_string()) return std::string(field) + ": not an array of strings";
    out->push_back(v.get<std::string>());
  }
  return "";
}

std::string ReadTrigger(const Json& j, std::string_view field, CampaignTrigger* out) {
  if (j.is_string()) {  // shorthand: "term" = {"language": "*", "term": ..., "mode": "word"}
    out->term = j.get<std::string>();
    return "";
  }
  if (!j.is_object()) return std::string(field) + ": not an object or a string";
  for (const auto& [key, value] : j.items()) {
    std::string e;
    if (key == "language") {
      e = ReadString(value, std::string(field) + ".language", &out->language);
    } else if (key == "term") {
      e = ReadString(value, std::string(field) + ".term", &out->term);
    } else if (key == "mode") {
      e = ReadString(value, std::string(field) + ".mode", &out->mode);
    } else {
      e = std::string(field) + ": unknown field '" + key.substr(0, 32) + "'";
    }
    if (!e.empty()) return e;
  }
  return "";
}

// Fills `out` from the JSON object `j`; returns "" or what is wrong.
std::string ReadCampaign(const Json& j, Campaign* out) {
  if (!j.is_object()) return "not a JSON object";
  for (const auto& [key, value] : j.items()) {
    std::string e;
    if (key == "id") {
      e = ReadString(value, "id", &out->id);
    } else if (key == "name") {
      e = ReadString(value, "name", &out->name);
    } else if (key == "owner") {
      e = ReadString(value, "owner", &out->owner);
    } else if (key == "starts_at") {
      e = ReadInt(value, "starts_at", &out->starts_at);
    } else if (key == "ends_at") {
      e = ReadInt(value, "ends_at", &out->ends_at);
    } else if (key == "enabled") {
      if (!value.is_boolean()) {
        e = "enabled: not a boolean";
      } else {
        out->enabled = value.get<bool>();
      }
    } else if (key == "playlist") {
      e = ReadStringList(value, "playlist", &out->playlist);
    } else if (key == "triggers") {
      if (!value.is_array()) {
        e = "triggers: not an array";
      } else if (value.size() > kMaxCampaignTriggers) {
        e = "triggers: more than " + std::to_string(kMaxCampaignTriggers);
      } else {
        for (std::size_t i = 0; i < value.size() && e.empty(); ++i) {
          CampaignTrigger trigger;
          e = ReadTrigger(value[i], "triggers[" + std::to_string(i) + "]", &trigger);
          out->triggers.push_back(std::move(trigger));
        }
      }
    } else if (key == "comment" || key == "demo") {
      // Notes for people reading the file; not stored.
    } else {
      e = "unknown field '" + key.substr(0, 32) + "'";
    }
    if (!e.empty()) return e;
  }
  return ValidateCampaign(*out);
}

}  // namespace

Result<std::vector<Campaign>> ParseCampaigns(std::string_view content,
                                             CampaignFileOptions options) {
  if (content.size() > options.max_file_bytes) {
    return ResourceExhaustedError("campaign file larger than " +
                                  std::to_string(options.max_file_bytes) + " bytes");
  }
  if (content.starts_with("\xEF\xBB\xBF")) content.remove_prefix(3);
  const std::size_t first = content.find_first_not_of(" \t\r\n");
  std::vector<Campaign> campaigns;
  std::unordered_set<std::string> ids;
  auto add = [&](Campaign c, const std::string& where) -> Status {
    if (campaigns.size() >= options.max_campaigns) {
      return ResourceExhaustedError(where + ": more than " + std::to_string(options.max_campaigns) +
                                    " campaigns");
    }
    if (!ids.insert(c.id).second) {
      return InvalidArgumentError(where + ": campaign id '" + c.id + "' is repeated");
    }
    campaigns.push_back(std::move(c));
    return OkStatus();
  };
  if (first == std::string_view::npos) return campaigns;
  try {
    if (content[first] == '[') {
      // Array depth 1 + campaign 1 + triggers 1 + trigger object 1.
      if (static_cast<std::size_t>(internal::JsonNestingDepth(content)) > options.max_json_depth) {
        return InvalidArgumentError("JSON nested deeper than " +
                                    std::to_string(options.max_json_depth));
      }
      Json array = Json::parse(content, nullptr, /*allow_exceptions=*/false);
      if (array.is_discarded() || !array.is_array()) {
        return InvalidArgumentError("malformed JSON (expected an array of campaigns)");
      }
      if (array.size() > options.max_campaigns) {
        return ResourceExhaustedError("more than " + std::to_string(options.max_campaigns) +
                                      " campaigns");
      }
      for (std::size_t i = 0; i < array.size(); ++i) {
        const std::string where = "campaign " + std::to_string(i);
        Campaign c;
        if (std::string e = ReadCampaign(array[i], &c); !e.empty()) {
          return InvalidArgumentError(where + ": " + e);
        }
        MODERATO_RETURN_IF_ERROR(add(std::move(c), where));
      }
      return campaigns;
    }
    std::size_t line_number = 0;
    std::size_t pos = 0;
    while (pos <= content.size()) {
      std::size_t end = content.find('\n', pos);
      if (end == std::string_view::npos) end = content.size();
      std::string_view line = content.substr(pos, end - pos);
      pos = end + 1;
      ++line_number;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
      const std::string where = "line " + std::to_string(line_number);
      if (static_cast<std::size_t>(internal::JsonNestingDepth(line)) > options.max_json_depth) {
        return InvalidArgumentError(where + ": JSON nested deeper than " +
                                    std::to_string(options.max_json_depth));
      }
      Json j = Json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (j.is_discarded()) return InvalidArgumentError(where + ": malformed JSON");
      Campaign c;
      if (std::string e = ReadCampaign(j, &c); !e.empty()) {
        return InvalidArgumentError(where + ": " + e);
      }
      MODERATO_RETURN_IF_ERROR(add(std::move(c), where));
    }
  } catch (const std::exception& e) {
    // nlohmann throws on invalid UTF-8 in get<std::string>()-adjacent paths
    // and on type errors we did not anticipate: never let it cross the API.
    return InvalidArgumentError(std::string("malformed campaign file: ") + e.what());
  }
  return campaigns;
}

std::string CampaignsToJson(std::span<const Campaign> campaigns) {
  std::string out = "[\n";
  for (std::size_t i = 0; i < campaigns.size(); ++i) {
    const Campaign& c = campaigns[i];
    OrderedJson j;
    j["id"] = c.id;
    j["name"] = c.name;
    j["owner"] = c.owner;
    j["enabled"] = c.enabled;
    j["starts_at"] = c.starts_at;
    j["ends_at"] = c.ends_at;
    OrderedJson triggers = OrderedJson::array();
    for (const CampaignTrigger& t : c.triggers) {
      triggers.push_back({{"language", t.language}, {"term", t.term}, {"mode", t.mode}});
    }
    j["triggers"] = std::move(triggers);
    j["playlist"] = c.playlist;
    out += "  ";
    out += j.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
    out += i + 1 < campaigns.size() ? ",\n" : "\n";
  }
  out += "]\n";
  return out;
}

}  // namespace moderato
