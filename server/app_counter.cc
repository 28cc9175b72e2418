// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Counter-narrative routes of `moderato serve` (docs/server.md, "Counter-
// narratives"): suggestions, the library with its approval gate, redirect
// campaigns and the click beacon.
//
// Freshness. The retriever (over the approved library) and the redirect
// engine (over the campaigns) are immutable snapshots behind shared_ptrs:
// readers copy the pointer under `mu` and never wait for a rebuild. An
// approval or retirement through the API rebuilds before it answers; changes
// made by another process (the CLI) are noticed by comparing the stores'
// generations (one indexed row each, bumped by triggers) at most every
// kCheckInterval, by whichever request comes first.

#include <openssl/rand.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "moderato/counter/campaign.h"
#include "moderato/counter/item.h"
#include "moderato/counter/library_io.h"
#include "moderato/counter/redirect.h"
#include "moderato/counter/retrieval.h"
#include "moderato/counter/themes.h"
#include "moderato/store/campaign_store.h"
#include "moderato/store/counter_store.h"
#include "moderato/text/normalize.h"
#include "server/app_internal.h"
#include "server/redirect_token.h"

namespace moderato::server {

using nlohmann::json;
using namespace app_internal;  // NOLINT: the route files share these helpers

namespace {

constexpr auto kCheckInterval = std::chrono::seconds(2);
constexpr std::size_t kScanSuggestions = 3;
constexpr std::size_t kDefaultK = 3;
constexpr std::size_t kMaxK = 20;
constexpr std::size_t kRedirectItems = 3;
constexpr std::int64_t kClickTokenMaxAgeDays = 7;
constexpr int kDefaultListLimit = 100;
constexpr int kMaxListLimit = 500;
constexpr std::int64_t kSecondsPerDay = 86400;

// The approved library as the handlers see it.
struct Library {
  std::int64_t generation = -1;
  std::unique_ptr<CounterRetriever> retriever;
  std::map<std::string, CounterItem, std::less<>> servable;  // id -> latest approved version
};

// The compiled campaigns. The engine refers to `normalizer`, which the
// snapshot keeps alive.
struct Campaigns {
  std::int64_t generation = -1;
  std::shared_ptr<const Normalizer> normalizer;
  std::unique_ptr<RedirectEngine> engine;
};

Result<std::shared_ptr<const Library>> BuildLibrary(CounterStore& store) {
  auto library = std::make_shared<Library>();
  // Read the generation first: a change racing with the scan below makes the
  // next check rebuild again, never miss it.
  MODERATO_ASSIGN_OR_RETURN(library->generation, store.ServableGeneration());
  std::vector<CounterItem> items;
  CounterFilter approved;
  approved.status = "approved";
  MODERATO_RETURN_IF_ERROR(store.ForEachItem(approved, [&](const CounterItem& item) {
    items.push_back(item);
    return true;
  }));
  MODERATO_ASSIGN_OR_RETURN(library->retriever, CounterRetriever::Build(items, RetrievalOptions{}));
  for (CounterItem& item : items) {
    std::string id = item.id;
    library->servable.emplace(std::move(id), std::move(item));
  }
  return std::shared_ptr<const Library>(std::move(library));
}

Result<std::shared_ptr<const Campaigns>> BuildCampaigns(
    CampaignStore& store, const std::shared_ptr<const Normalizer>& normalizer) {
  auto campaigns = std::make_shared<Campaigns>();
  MODERATO_ASSIGN_OR_RETURN(campaigns->generation, store.Generation());
  MODERATO_ASSIGN_OR_RETURN(std::vector<Campaign> all, store.ListCampaigns());
  campaigns->normalizer = normalizer;
  MODERATO_ASSIGN_OR_RETURN(campaigns->engine, RedirectEngine::Build(all, *normalizer));
  return std::shared_ptr<const Campaigns>(std::move(campaigns));
}

// "arabizi" is Arabic for the library; the analyzer's "other" is unknown.
std::string LibraryLanguage(std::string_view language) {
  if (language == "arabizi") return "ar";
  if (language == "ar" || language == "fr" || language == "en") return std::string(language);
  return "";
}

// The longest prefix of `text` within `max_bytes` that does not cut a UTF-8
// sequence.
std::string_view Utf8Prefix(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

json SuggestionJson(const Suggestion& s, const Library& library) {
  json j{{"id", s.id},
         {"score", s.score},
         {"language", s.language},
         {"strategy", s.strategy},
         {"themes", s.themes}};
  if (auto it = library.servable.find(s.id); it != library.servable.end()) {
    const CounterItem& item = it->second;
    j["title"] = item.title;
    j["body"] = item.body;
    j["link"] = item.link.empty() ? json(nullptr) : json(item.link);
    j["format"] = item.format;
    j["messenger"] = json{{"name", item.messenger.name},
                          {"kind", item.messenger.kind},
                          {"verified", item.messenger.verified}};
  }
  const Explanation& e = s.explanation;
  json explanation{{"text", e.text},
                   {"bm25_words", e.bm25_words},
                   {"bm25_chars", e.bm25_chars},
                   {"theme_score", e.theme_score},
                   {"matched_themes", e.matched_themes},
                   {"language_factor", e.language_factor},
                   {"language_note", e.language_note},
                   {"mmr_penalty", e.mmr_penalty}};
  if (!e.mmr_similar_to.empty()) explanation["mmr_similar_to"] = e.mmr_similar_to;
  j["explanation"] = std::move(explanation);
  return j;
}

// How a caller sees one item: its owner sees the latest version (drafts
// included); everyone else sees the servable version, or nothing.
struct VisibleItem {
  CounterItem item;
  bool owned = false;
  std::optional<std::int64_t> servable_version;
};

json ItemJson(const VisibleItem& v) {
  json j = json::parse(CounterItemToJson(v.item, /*with_store_fields=*/true), nullptr, false);
  if (!j.is_object()) j = json::object();
  j["owner"] = v.item.owner.empty() ? json(nullptr) : json(v.item.owner);
  j["servable_version"] = v.servable_version ? json(*v.servable_version) : json(nullptr);
  if (!v.owned) {
    // Which keys of another organisation wrote and approved an item is
    // theirs to know.
    j.erase("updated_by");
    j.erase("approved_by");
  }
  return j;
}

HttpResponse NotFound() { return JsonError(404, "not_found", "counter item not found"); }

// A path {id} that cannot name an item is the same 404 as an unknown one.
std::optional<std::string> ItemIdParam(const HttpRequest& req) {
  std::string id(req.Param("id"));
  if (!IsValidCampaignId(id)) return std::nullopt;
  return id;
}

// body["version"], when present, must be the latest version: an editor
// approves or edits exactly what they read.
Status CheckExpectedVersion(const json& body, const CounterItem& latest) {
  auto it = body.find("version");
  if (it == body.end() || it->is_null()) return OkStatus();
  if (!it->is_number_integer()) return InvalidArgumentError("version must be an integer");
  if (it->get<std::int64_t>() != latest.version) {
    return FailedPreconditionError("the item changed: its latest version is " +
                                   std::to_string(latest.version));
  }
  return OkStatus();
}

Result<std::vector<std::string>> StringList(const json& body, const char* field,
                                            bool (*valid)(std::string_view), const char* kind) {
  std::vector<std::string> out;
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return out;
  if (!it->is_array() || it->size() > 16) {
    return InvalidArgumentError(std::string(field) + " must be an array of at most 16 strings");
  }
  for (const json& v : *it) {
    if (!v.is_string()) return InvalidArgumentError(std::string(field) + " must hold strings");
    std::string s = v.get<std::string>();
    if (!valid(s)) {
      return InvalidArgumentError(std::string(field) + ": unknown " + kind + " '" +
                                  std::string(Utf8Prefix(s, 64)) + "'");
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::string RandomItemId() {
  std::array<unsigned char, 8> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) return "";
  constexpr char kHex[] = "0123456789abcdef";
  std::string id = "cn-";
  for (unsigned char b : bytes) {
    id += kHex[b >> 4];
    id += kHex[b & 0xf];
  }
  return id;
}

}  // namespace

struct App::CounterState {
  std::unique_ptr<CounterStore> items;
  std::unique_ptr<CampaignStore> campaigns;
  std::shared_ptr<const Normalizer> normalizer;
  std::string click_secret;  // never changes after InitCounter
  struct Routes;

  // Serialises the API's check-then-write sequences (ownership, four eyes).
  std::mutex write_mu;
  // One rebuild at a time; the periodic check skips when it is taken.
  std::mutex rebuild_mu;
  std::mutex mu;
  std::shared_ptr<const Library> library;            // guarded by mu
  std::shared_ptr<const Campaigns> redirects;        // guarded by mu
  std::chrono::steady_clock::time_point last_check;  // guarded by mu

  // Rebuilds what the stores' generations say is stale. The caller holds
  // rebuild_mu. On failure the old snapshot stays and the error is counted.
  void RefreshLocked(Metrics& metrics) {
    std::shared_ptr<const Library> old_library;
    std::shared_ptr<const Campaigns> old_redirects;
    {
      std::lock_guard<std::mutex> lock(mu);
      old_library = library;
      old_redirects = redirects;
    }
    std::shared_ptr<const Library> new_library = old_library;
    std::shared_ptr<const Campaigns> new_redirects = old_redirects;
    Result<std::int64_t> items_generation = items->ServableGeneration();
    if (items_generation.ok() && *items_generation != old_library->generation) {
      Result<std::shared_ptr<const Library>> built = BuildLibrary(*items);
      if (built.ok()) {
        new_library = std::move(*built);
      } else {
        metrics.Inc("moderato_counter_refresh_errors_total", {{"what", "library"}});
      }
    }
    Result<std::int64_t> campaigns_generation = campaigns->Generation();
    if (campaigns_generation.ok() && *campaigns_generation != old_redirects->generation) {
      Result<std::shared_ptr<const Campaigns>> built = BuildCampaigns(*campaigns, normalizer);
      if (built.ok()) {
        new_redirects = std::move(*built);
      } else {
        metrics.Inc("moderato_counter_refresh_errors_total", {{"what", "campaigns"}});
      }
    }
    if (!items_generation.ok() || !campaigns_generation.ok()) {
      metrics.Inc("moderato_counter_refresh_errors_total", {{"what", "generation"}});
    }
    std::lock_guard<std::mutex> lock(mu);
    library = std::move(new_library);
    redirects = std::move(new_redirects);
  }

  // After a write through the API: the next request sees it.
  void RefreshNow(Metrics& metrics) {
    std::lock_guard<std::mutex> rebuild(rebuild_mu);
    RefreshLocked(metrics);
  }

  // The current snapshots, checking the generations at most every
  // kCheckInterval.
  std::pair<std::shared_ptr<const Library>, std::shared_ptr<const Campaigns>> Current(
      Metrics& metrics) {
    const auto now = std::chrono::steady_clock::now();
    {
      std::lock_guard<std::mutex> lock(mu);
      if (now - last_check < kCheckInterval) return {library, redirects};
      last_check = now;
    }
    std::unique_lock<std::mutex> rebuild(rebuild_mu, std::try_to_lock);
    if (rebuild.owns_lock()) RefreshLocked(metrics);
    std::lock_guard<std::mutex> lock(mu);
    return {library, redirects};
  }

  // What `org` may see of item `id`; kNotFound (one message for every
  // reason) when nothing.
  Result<VisibleItem> Visible(std::string_view id, const std::string& org) {
    Result<CounterItem> latest = items->GetItem(id);
    if (!latest.ok()) {
      if (latest.status().code() == StatusCode::kNotFound) {
        return NotFoundError("counter item not found");
      }
      return latest.status();
    }
    Result<CounterItem> servable = items->GetServable(id);
    if (!servable.ok() && servable.status().code() != StatusCode::kNotFound) {
      return servable.status();
    }
    VisibleItem v;
    if (!latest->owner.empty() && latest->owner == org) {
      v.item = std::move(*latest);
      v.owned = true;
      if (servable.ok()) v.servable_version = servable->version;
      return v;
    }
    if (!servable.ok()) return NotFoundError("counter item not found");
    v.item = std::move(*servable);
    v.servable_version = v.item.version;
    return v;
  }
};

// The handlers. `state` outlives the server (App owns it).
struct App::CounterState::Routes {
  // An optional body: {} when empty.
  static Result<json> OptionalBody(const HttpRequest& req) {
    if (req.body.empty()) return json::object();
    return App::Shared::Body(req);
  }

  App::CounterState& state;
  Metrics& metrics;
  ModerationStore& moderation;
  Analyzer& analyzer;
  Analyzer::ScratchPool& scratches;

  void Audit(const App::Caller& caller, std::string_view action, const std::string& id,
             const json& details) const {
    // The store write is acknowledged already; a failed audit append is
    // counted rather than turned into an error the client would retry.
    Result<AuditEntry> entry =
        moderation.AppendAudit(caller.key.org, caller.actor, action, "counter:" + id,
                               details.dump(-1, ' ', false, json::error_handler_t::replace), Now());
    if (!entry.ok()) metrics.Inc("moderato_audit_errors_total", {{"action", std::string(action)}});
  }

  HttpResponse Suggest(HttpRequest& req, const App::Caller&) const {
    Result<json> body = App::Shared::Body(req);
    if (!body.ok()) return ErrorFromStatus(body.status());
    Result<std::string> text = OptionalString(*body, "text");
    if (!text.ok()) return ErrorFromStatus(text.status());
    if (text->empty()) return JsonError(400, "invalid_argument", "text is required");
    Result<std::string> language = OptionalString(*body, "language");
    if (!language.ok()) return ErrorFromStatus(language.status());
    if (!language->empty() && LibraryLanguage(*language).empty()) {
      return JsonError(400, "invalid_argument", "language must be ar, fr, en or arabizi");
    }
    SuggestQuery query;
    query.k = kDefaultK;
    if (auto it = body->find("k"); it != body->end() && !it->is_null()) {
      if (!it->is_number_integer() || it->get<std::int64_t>() < 1 ||
          it->get<std::int64_t>() > static_cast<std::int64_t>(kMaxK)) {
        return JsonError(400, "invalid_argument", "k must be an integer in 1..20");
      }
      query.k = static_cast<std::size_t>(it->get<std::int64_t>());
    }
    Result<std::vector<std::string>> audience =
        StringList(*body, "audience", &IsCounterAudience, "audience");
    if (!audience.ok()) return ErrorFromStatus(audience.status());
    query.audience = std::move(*audience);
    Result<std::vector<std::string>> themes = StringList(*body, "themes", &IsCounterTheme, "theme");
    if (!themes.ok()) return ErrorFromStatus(themes.status());
    if (!themes->empty()) {
      std::vector<ThemeScore> given;
      for (std::string& t : *themes) given.push_back(ThemeScore{std::move(t), 1.0, {"request"}});
      query.themes = std::move(given);
    }
    auto [library, redirects] = state.Current(metrics);
    if (text->size() > library->retriever->options().max_message_bytes) {
      return JsonError(413, "resource_exhausted",
                       "text must be at most " +
                           std::to_string(library->retriever->options().max_message_bytes) +
                           " bytes");
    }
    // The analyzer gives the language (unless the caller did) and the
    // lexicon and classifier evidence the theme inference uses.
    std::unique_ptr<Analyzer::Scratch> scratch = scratches.Take();
    Result<Evidence> evidence = analyzer.Analyze(*text, *language, *scratch);
    scratches.Give(std::move(scratch));
    if (!evidence.ok()) return ErrorFromStatus(evidence.status());
    query.language = LibraryLanguage(language->empty() ? evidence->lang : *language);
    query.signals = ThemeSignalsFromEvidence(*evidence);
    Result<std::vector<Suggestion>> found = library->retriever->Suggest(*text, query);
    if (!found.ok()) return ErrorFromStatus(found.status());
    json list = json::array();
    for (const Suggestion& s : *found) list.push_back(SuggestionJson(s, *library));
    return JsonResponse(200, json{{"language", query.language}, {"suggestions", list}});
  }

  HttpResponse List(HttpRequest& req, const App::Caller& caller) const {
    std::string status = req.Query("status").value_or("");
    std::string language = req.Query("language").value_or("");
    std::string theme = req.Query("theme").value_or("");
    std::string after = req.Query("after").value_or("");
    if (!status.empty() && status != "draft" && status != "approved" && status != "retired") {
      return JsonError(400, "invalid_argument", "status must be draft, approved or retired");
    }
    if (!language.empty() && !IsCounterLanguage(language)) {
      return JsonError(400, "invalid_argument", "language must be ar, fr or en");
    }
    if (!theme.empty() && !IsCounterTheme(theme)) {
      return JsonError(400, "invalid_argument", "unknown theme (docs/counter-themes.md)");
    }
    if (!after.empty() && !IsValidCampaignId(after)) {
      return JsonError(400, "invalid_argument", "after must be an item id");
    }
    int limit = kDefaultListLimit;
    if (auto p = req.Query("limit")) {
      Result<std::int64_t> v = ParseInt(*p, "limit");
      if (!v.ok()) return ErrorFromStatus(v.status());
      if (*v < 1 || *v > kMaxListLimit) {
        return JsonError(400, "invalid_argument", "limit must be 1..500");
      }
      limit = static_cast<int>(*v);
    }
    const std::string& org = caller.key.org;
    json list = json::array();
    Status failed = OkStatus();
    // Latest versions in id order; each is shown as its caller may see it
    // (VisibleItem), then filtered, so a filter never reveals a draft.
    Status s = state.items->ForEachItem(CounterFilter{}, [&](const CounterItem& latest) {
      if (latest.id <= after) return true;
      VisibleItem v;
      if (!latest.owner.empty() && latest.owner == org) {
        v.item = latest;
        v.owned = true;
        if (latest.status == "approved") {
          v.servable_version = latest.version;
        } else if (latest.status == "draft" && latest.version > 1) {
          Result<CounterItem> servable = state.items->GetServable(latest.id);
          if (servable.ok()) v.servable_version = servable->version;
        }
      } else if (latest.status == "approved") {
        v.item = latest;
        v.servable_version = latest.version;
      } else if (latest.status == "draft" && latest.version > 1) {
        Result<CounterItem> servable = state.items->GetServable(latest.id);
        if (!servable.ok()) {
          if (servable.status().code() != StatusCode::kNotFound) failed = servable.status();
          return failed.ok();
        }
        v.item = std::move(*servable);
        v.servable_version = v.item.version;
      } else {
        return true;
      }
      const CounterItem& shown = v.item;
      if (!status.empty() && shown.status != status) return true;
      if (!language.empty() && shown.language != language) return true;
      if (!theme.empty()) {
        bool found = false;
        for (const std::string& t : shown.themes) found = found || t == theme;
        if (!found) return true;
      }
      list.push_back(ItemJson(v));
      return static_cast<int>(list.size()) < limit;
    });
    if (!s.ok()) return ErrorFromStatus(s);
    if (!failed.ok()) return ErrorFromStatus(failed);
    json out{{"items", list}};
    out["next_after"] = static_cast<int>(list.size()) == limit ? list.back()["id"] : json(nullptr);
    return JsonResponse(200, out);
  }

  HttpResponse Get(HttpRequest& req, const App::Caller& caller) const {
    std::optional<std::string> id = ItemIdParam(req);
    if (!id) return NotFound();
    Result<VisibleItem> v = state.Visible(*id, caller.key.org);
    if (!v.ok()) return ErrorFromStatus(v.status());
    return JsonResponse(200, ItemJson(*v));
  }

  HttpResponse History(HttpRequest& req, const App::Caller& caller) const {
    std::optional<std::string> id = ItemIdParam(req);
    if (!id) return NotFound();
    Result<VisibleItem> v = state.Visible(*id, caller.key.org);
    if (!v.ok()) return ErrorFromStatus(v.status());
    Result<std::vector<CounterItem>> versions = state.items->History(*id);
    if (!versions.ok()) return ErrorFromStatus(versions.status());
    json list = json::array();
    for (CounterItem& version : *versions) {
      // Others see the versions that were approved (served once), never a
      // draft.
      if (!v->owned && version.approved_at == 0) continue;
      list.push_back(ItemJson(VisibleItem{std::move(version), v->owned, v->servable_version}));
    }
    return JsonResponse(200, json{{"id", *id}, {"versions", list}});
  }

  // The item in `body` as the caller's organisation writes it: a draft it
  // owns, whatever the body says about status, owner or store fields.
  static Result<CounterItem> ItemFromBody(json body, const std::string& id,
                                          const std::string& org) {
    for (const char* store_field : {"version", "updated_at", "updated_by", "approved_at",
                                    "approved_by", "servable_version"}) {
      body.erase(store_field);
    }
    body["id"] = id;
    body["owner"] = org;
    body["status"] = "draft";
    body["starter"] = false;
    std::istringstream in(body.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
    MODERATO_ASSIGN_OR_RETURN(CounterReadResult read, ReadCounterJsonl(in));
    if (!read.errors.empty()) return InvalidArgumentError(read.errors.front().message);
    if (read.items.size() != 1) return InvalidArgumentError("the body must be one counter item");
    return std::move(read.items.front());
  }

  HttpResponse Create(HttpRequest& req, const App::Caller& caller) const {
    Result<json> body = App::Shared::Body(req);
    if (!body.ok()) return ErrorFromStatus(body.status());
    Result<std::string> id = OptionalString(*body, "id");
    if (!id.ok()) return ErrorFromStatus(id.status());
    if (id->empty()) {
      *id = RandomItemId();
      if (id->empty()) return JsonError(500, "internal", "no randomness for an item id");
    } else if (!IsValidCampaignId(*id)) {
      return JsonError(400, "invalid_argument", "id must match [A-Za-z0-9_.-]{1,64}");
    }
    Result<CounterItem> item = ItemFromBody(*body, *id, caller.key.org);
    if (!item.ok()) return ErrorFromStatus(item.status());
    std::lock_guard<std::mutex> lock(state.write_mu);
    Result<CounterItem> existing = state.items->GetItem(*id);
    if (existing.ok()) {
      // Ids are global: the same answer whoever owns the item.
      return JsonError(409, "conflict", "counter item id already in use; choose another");
    }
    if (existing.status().code() != StatusCode::kNotFound) {
      return ErrorFromStatus(existing.status());
    }
    Result<CounterItem> saved = state.items->PutItem(*item, caller.actor);
    if (!saved.ok()) return ErrorFromStatus(saved.status());
    Audit(caller, "counter.create", *id, json{{"version", saved->version}});
    return JsonResponse(201, ItemJson(VisibleItem{std::move(*saved), true, std::nullopt}));
  }

  // The item at {id} if the caller's organisation owns it: 404 when the
  // caller cannot see it, 403 when it can but may not change it.
  Result<VisibleItem> Owned(const HttpRequest& req, const App::Caller& caller,
                            HttpResponse* error) const {
    std::optional<std::string> id = ItemIdParam(req);
    if (!id) {
      *error = NotFound();
      return NotFoundError("not found");
    }
    Result<VisibleItem> v = state.Visible(*id, caller.key.org);
    if (!v.ok()) {
      *error = ErrorFromStatus(v.status());
      return v.status();
    }
    if (!v->owned) {
      *error = JsonError(403, "permission_denied",
                         v->item.owner.empty()
                             ? "items of the shared library are managed with `moderato counter`"
                             : "only the organisation that owns this item may change it");
      return PermissionDeniedError("not owned");
    }
    return v;
  }

  HttpResponse Edit(HttpRequest& req, const App::Caller& caller) const {
    Result<json> body = App::Shared::Body(req);
    if (!body.ok()) return ErrorFromStatus(body.status());
    Result<std::string> body_id = OptionalString(*body, "id");
    if (!body_id.ok()) return ErrorFromStatus(body_id.status());
    std::lock_guard<std::mutex> lock(state.write_mu);
    HttpResponse error;
    Result<VisibleItem> v = Owned(req, caller, &error);
    if (!v.ok()) return error;
    const std::string id = v->item.id;
    if (!body_id->empty() && *body_id != id) {
      return JsonError(400, "invalid_argument", "the body's id differs from the path's");
    }
    if (Status s = CheckExpectedVersion(*body, v->item); !s.ok()) return ErrorFromStatus(s);
    Result<CounterItem> item = ItemFromBody(*body, id, caller.key.org);
    if (!item.ok()) return ErrorFromStatus(item.status());
    Result<CounterItem> saved = state.items->PutItem(*item, caller.actor);
    if (!saved.ok()) return ErrorFromStatus(saved.status());
    if (saved->version != v->item.version) {
      Audit(caller, "counter.edit", id, json{{"version", saved->version}});
    }
    return JsonResponse(200, ItemJson(VisibleItem{std::move(*saved), true, v->servable_version}));
  }

  HttpResponse Approve(HttpRequest& req, const App::Caller& caller) const {
    Result<json> body = OptionalBody(req);
    if (!body.ok()) return ErrorFromStatus(body.status());
    std::unique_lock<std::mutex> lock(state.write_mu);
    HttpResponse error;
    Result<VisibleItem> v = Owned(req, caller, &error);
    if (!v.ok()) return error;
    const CounterItem& latest = v->item;
    if (Status s = CheckExpectedVersion(*body, latest); !s.ok()) return ErrorFromStatus(s);
    if (latest.status == "retired") {
      return JsonError(409, "conflict", "counter item is retired; it cannot be approved");
    }
    if (latest.status == "approved") return JsonResponse(200, ItemJson(*v));
    // Four eyes: an editor never approves a version they wrote.
    if (caller.key.role != Role::kAdmin && latest.updated_by == caller.actor) {
      return JsonError(403, "permission_denied",
                       "the author of a version cannot approve it: another editor or an admin "
                       "of the organisation must");
    }
    if (Status s = state.items->Approve(latest.id, caller.actor); !s.ok()) {
      return ErrorFromStatus(s);
    }
    Audit(caller, "counter.approve", latest.id,
          json{{"version", latest.version}, {"author", latest.updated_by}});
    Result<VisibleItem> now = state.Visible(latest.id, caller.key.org);
    lock.unlock();
    state.RefreshNow(metrics);
    if (!now.ok()) return ErrorFromStatus(now.status());
    return JsonResponse(200, ItemJson(*now));
  }

  HttpResponse Retire(HttpRequest& req, const App::Caller& caller) const {
    Result<json> body = OptionalBody(req);
    if (!body.ok()) return ErrorFromStatus(body.status());
    std::unique_lock<std::mutex> lock(state.write_mu);
    HttpResponse error;
    Result<VisibleItem> v = Owned(req, caller, &error);
    if (!v.ok()) return error;
    const std::string id = v->item.id;
    if (v->item.status != "retired") {
      if (Status s = state.items->Retire(id, caller.actor); !s.ok()) return ErrorFromStatus(s);
      Audit(caller, "counter.retire", id, json{{"version", v->item.version}});
    }
    Result<VisibleItem> now = state.Visible(id, caller.key.org);
    lock.unlock();
    state.RefreshNow(metrics);
    if (!now.ok()) return ErrorFromStatus(now.status());
    return JsonResponse(200, ItemJson(*now));
  }

  HttpResponse Redirect(HttpRequest& req, const App::Caller&) const {
    std::optional<std::string> q = req.Query("q");
    if (!q || q->empty()) return JsonError(400, "invalid_argument", "q is required");
    const std::size_t max_query = RedirectOptions{}.max_query_bytes;
    if (q->size() > max_query) {
      return JsonError(400, "invalid_argument",
                       "q must be at most " + std::to_string(max_query) + " bytes");
    }
    const std::string language = req.Query("language").value_or("");
    if (!language.empty() && !IsCounterLanguage(language)) {
      return JsonError(400, "invalid_argument", "language must be ar, fr or en");
    }
    auto [library, redirects] = state.Current(metrics);
    const std::int64_t now = Now();
    Result<std::optional<RedirectDecision>> decision =
        redirects->engine->Resolve(*q, language, now);
    if (!decision.ok()) return ErrorFromStatus(decision.status());
    if (!*decision) return JsonResponse(200, json{{"campaign", nullptr}, {"items", json::array()}});
    const RedirectDecision& d = **decision;
    Result<std::vector<CounterItem>> shown =
        RedirectItems(d, *state.items, language, kRedirectItems);
    if (!shown.ok()) return ErrorFromStatus(shown.status());
    // Nothing servable: show nothing, count nothing (as the CLI).
    if (shown->empty()) {
      return JsonResponse(200, json{{"campaign", nullptr}, {"items", json::array()}});
    }
    const std::int64_t day = now / kSecondsPerDay;
    json items = json::array();
    for (const CounterItem& item : *shown) {
      const std::string token = SignClickToken(
          ClickToken{.campaign = d.campaign_id, .item = item.id, .language = language, .day = day},
          state.click_secret);
      items.push_back(json{{"id", item.id},
                           {"language", item.language},
                           {"title", item.title},
                           {"body", item.body},
                           {"link", item.link.empty() ? json(nullptr) : json(item.link)},
                           {"format", item.format},
                           {"strategy", item.strategy},
                           {"themes", item.themes},
                           {"messenger", item.messenger.name},
                           {"click_url", "/v1/redirect/click?token=" + token}});
    }
    std::string name;
    for (const Campaign& c : redirects->engine->campaigns()) {
      if (c.id == d.campaign_id) name = c.name;
    }
    // Aggregates only: campaign x day x language, never the query.
    if (Status s = state.campaigns->RecordImpression(d.campaign_id, MetricsDayOf(now), language);
        !s.ok()) {
      metrics.Inc("moderato_redirect_record_errors_total", {{"what", "impression"}});
    }
    metrics.Inc("moderato_redirect_impressions_total", {{"campaign", d.campaign_id}});
    return JsonResponse(200,
                        json{{"campaign", json{{"id", d.campaign_id},
                                               {"name", name},
                                               {"trigger", json{{"term", d.trigger.term},
                                                                {"language", d.trigger.language},
                                                                {"mode", d.trigger.mode}}}}},
                             {"items", items}});
  }

  HttpResponse Click(HttpRequest& req) const {
    std::optional<std::string> token = req.Query("token");
    if (!token) return JsonError(400, "invalid_argument", "token is required");
    const std::int64_t now = Now();
    Result<ClickToken> t =
        VerifyClickToken(*token, state.click_secret, now / kSecondsPerDay, kClickTokenMaxAgeDays);
    if (!t.ok()) return ErrorFromStatus(t.status());
    // Counted on the impression's day, so clicks / impressions of a day is
    // the click-through rate of that day's impressions.
    Status s = state.campaigns->RecordClick(t->campaign, MetricsDayOf(t->day * kSecondsPerDay),
                                            t->language);
    if (!s.ok()) return ErrorFromStatus(s);
    metrics.Inc("moderato_redirect_clicks_total", {{"campaign", t->campaign}});
    HttpResponse r;
    r.headers.emplace_back("Cache-Control", "no-store");
    r.headers.emplace_back("Referrer-Policy", "no-referrer");
    // The link comes from the approved library and the MAC binds the item:
    // this is not an open redirect. A retired item is not served any more.
    Result<CounterItem> item = state.items->GetServable(t->item);
    if (item.ok() && !item->link.empty()) {
      r.status = 302;
      r.headers.emplace_back("Location", item->link);
    } else {
      r.status = 204;
    }
    r.content_type.clear();
    return r;
  }
};

Status App::Shared::InitCounter(App& app) {
  auto state = std::make_shared<CounterState>();
  MODERATO_ASSIGN_OR_RETURN(state->items, OpenSqliteCounterStore(app.options_.db_path));
  MODERATO_ASSIGN_OR_RETURN(state->campaigns, OpenSqliteCampaignStore(app.options_.db_path));
  MODERATO_ASSIGN_OR_RETURN(std::unique_ptr<Normalizer> normalizer, Normalizer::Create());
  state->normalizer = std::shared_ptr<const Normalizer>(std::move(normalizer));
  MODERATO_ASSIGN_OR_RETURN(state->click_secret, state->campaigns->ClickTokenSecret());
  MODERATO_ASSIGN_OR_RETURN(state->library, BuildLibrary(*state->items));
  MODERATO_ASSIGN_OR_RETURN(state->redirects, BuildCampaigns(*state->campaigns, state->normalizer));
  state->last_check = std::chrono::steady_clock::now();
  Metrics& m = app.metrics_;
  m.DescribeCounter("moderato_redirect_impressions_total",
                    "Redirect answers that showed a campaign, by campaign.");
  m.DescribeCounter("moderato_redirect_clicks_total", "Valid click-beacon hits, by campaign.");
  m.DescribeCounter("moderato_counter_suggestions_total",
                    "Counter-narrative suggestions returned with /v1/scan verdicts.");
  m.DescribeCounter("moderato_counter_refresh_errors_total",
                    "Failed rebuilds of the counter library or campaign snapshots (the old "
                    "snapshot keeps serving).");
  app.counter_ = std::move(state);
  return OkStatus();
}

void App::Shared::RegisterCounter(App& app, Router& router) {
  using enum Role;
  auto routes = std::make_shared<CounterState::Routes>(CounterState::Routes{
      *app.counter_, app.metrics_, *app.moderation_, *app.analyzer_, app.scratches_});
  auto bind = [routes](HttpResponse (CounterState::Routes::*fn)(HttpRequest&, const Caller&)
                           const) {
    return [routes, fn](HttpRequest& req, const Caller& caller) {
      return ((*routes).*fn)(req, caller);
    };
  };
  const RouteOptions body_limit{.max_body_bytes = kMaxBodyBytes};
  router.Add(
      "POST", "/v1/counter/suggest", "counter.suggest",
      Guard(app, {kIntegrator, kEditor, kAdmin, kAnalyst}, bind(&CounterState::Routes::Suggest)),
      body_limit);
  router.Add("GET", "/v1/counter/items", "counter.list",
             Guard(app, {kEditor, kAdmin, kAnalyst, kReviewer}, bind(&CounterState::Routes::List)));
  router.Add("POST", "/v1/counter/items", "counter.create",
             Guard(app, {kEditor, kAdmin}, bind(&CounterState::Routes::Create)), body_limit);
  router.Add("GET", "/v1/counter/items/{id}", "counter.get",
             Guard(app, {kEditor, kAdmin, kAnalyst, kReviewer}, bind(&CounterState::Routes::Get)));
  router.Add("PUT", "/v1/counter/items/{id}", "counter.edit",
             Guard(app, {kEditor, kAdmin}, bind(&CounterState::Routes::Edit)), body_limit);
  router.Add(
      "GET", "/v1/counter/items/{id}/history", "counter.history",
      Guard(app, {kEditor, kAdmin, kAnalyst, kReviewer}, bind(&CounterState::Routes::History)));
  router.Add("POST", "/v1/counter/items/{id}/approve", "counter.approve",
             Guard(app, {kEditor, kAdmin}, bind(&CounterState::Routes::Approve)), body_limit);
  router.Add("POST", "/v1/counter/items/{id}/retire", "counter.retire",
             Guard(app, {kEditor, kAdmin}, bind(&CounterState::Routes::Retire)), body_limit);
  router.Add("GET", "/v1/redirect", "redirect",
             Guard(app, {kIntegrator, kAdmin}, bind(&CounterState::Routes::Redirect)));
  // Hit by end users' browsers: no key; the token is the authorisation.
  router.Add("GET", "/v1/redirect/click", "redirect.click",
             [routes](HttpRequest& req) { return routes->Click(req); });
}

json App::Shared::SuggestCounters(App& app, std::string_view text, std::string_view language,
                                  const Verdict& verdict) {
  // The common case, benign text, costs one comparison (/v1/scan's target is
  // 10k requests/s).
  if (!verdict.counter_narrative && verdict.action == PolicyAction::kAllow) return json::array();
  if (text.empty() || !app.counter_) return json::array();
  CounterState& state = *app.counter_;
  auto [library, redirects] = state.Current(app.metrics_);
  if (library->retriever->size() == 0) return json::array();
  SuggestQuery query;
  query.k = kScanSuggestions;
  query.language = LibraryLanguage(language);
  Result<std::vector<Suggestion>> found = library->retriever->Suggest(
      Utf8Prefix(text, library->retriever->options().max_message_bytes), query);
  json list = json::array();
  if (!found.ok()) return list;
  for (const Suggestion& s : *found) {
    json j = SuggestionJson(s, *library);
    j.erase("body");
    j.erase("format");
    j.erase("messenger");
    j["explanation"] = s.explanation.text;
    list.push_back(std::move(j));
  }
  if (!list.empty()) app.metrics_.Inc("moderato_counter_suggestions_total", {}, list.size());
  return list;
}

}  // namespace moderato::server
