// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Campaign files and redirect queries are untrusted input. The whole input is
// (1) parsed as a campaign file: ParseCampaigns must succeed or fail with
// kInvalidArgument / kResourceExhausted; a parsed file must round-trip
// through CampaignsToJson, and small ones must build a RedirectEngine (or
// fail cleanly) that resolves a few queries; and (2) resolved as a query
// against fixed demo campaigns, the first byte picking language and time:
// a decision must name a known active campaign and a span inside the query.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "moderato/counter/campaign.h"
#include "moderato/counter/redirect.h"
#include "moderato/text/normalize.h"

namespace {

const moderato::Normalizer& TheNormalizer() {
  static const moderato::Normalizer* normalizer = [] {
    auto n = moderato::Normalizer::Create();
    if (!n.ok()) __builtin_trap();
    return n->release();
  }();
  return *normalizer;
}

const moderato::RedirectEngine& Engine() {
  static const moderato::RedirectEngine* engine = [] {
    std::vector<moderato::Campaign> campaigns(2);
    campaigns[0].id = "isil";
    campaigns[0].triggers = {
        {"*", "Daesh", "word"}, {"en", "ISIS", "word"}, {"ar", "داعش", "word"}};
    campaigns[0].playlist = {"a", "b"};
    campaigns[1].id = "join";
    campaigns[1].triggers = {{"en", "join daesh", "phrase"}, {"fr", "rejoindre Daech", "phrase"}};
    campaigns[1].playlist = {"c"};
    campaigns[1].starts_at = 1000;
    campaigns[1].ends_at = 2000;
    auto built = moderato::RedirectEngine::Build(campaigns, TheNormalizer());
    if (!built.ok()) __builtin_trap();
    return built->release();
  }();
  return *engine;
}

bool Expected(const moderato::Status& status) {
  return status.code() == moderato::StatusCode::kInvalidArgument ||
         status.code() == moderato::StatusCode::kResourceExhausted;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  auto parsed = moderato::ParseCampaigns(input);
  if (!parsed.ok()) {
    if (!Expected(parsed.status())) __builtin_trap();
  } else {
    auto again = moderato::ParseCampaigns(moderato::CampaignsToJson(*parsed));
    if (!again.ok() || *again != *parsed) __builtin_trap();
    std::size_t triggers = 0;
    for (const moderato::Campaign& c : *parsed) triggers += c.triggers.size();
    if (triggers <= 64) {
      auto engine = moderato::RedirectEngine::Build(*parsed, TheNormalizer());
      if (!engine.ok()) {
        if (!Expected(engine.status())) __builtin_trap();
      } else {
        for (const char* query : {"daesh", "D a e s h", "join ISI$ now", "داعش"}) {
          if (!(*engine)->Resolve(query, "", 1500).ok()) __builtin_trap();
        }
      }
    }
  }

  if (size == 0) return 0;
  static constexpr const char* kLanguages[] = {"", "ar", "fr", "en"};
  const std::string_view language = kLanguages[data[0] & 3];
  const std::int64_t now = (data[0] & 4) != 0 ? 1500 : 5000;
  const std::string_view query = input.substr(1);
  auto decision = Engine().Resolve(query, language, now);
  if (!decision.ok()) {
    if (decision.status().code() != moderato::StatusCode::kResourceExhausted ||
        query.size() <= moderato::RedirectOptions{}.max_query_bytes) {
      __builtin_trap();
    }
    return 0;
  }
  if (!decision->has_value()) return 0;
  const moderato::RedirectDecision& d = **decision;
  if (d.campaign_id != "isil" && d.campaign_id != "join") __builtin_trap();
  if (d.campaign_id == "join" && now != 1500) __builtin_trap();
  if (d.span.begin > d.span.end || d.span.end > query.size()) __builtin_trap();
  if (d.playlist.empty()) __builtin_trap();
  return 0;
}
