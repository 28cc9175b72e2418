// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// What the route files of App share (app.cc, app_counter.cc, app_banks.cc).
// Not part of the server's interface: include it only from server/app*.cc
// and their tests.
//
// A route file defines App::Shared::Register<Group>(App&, Router&) and adds
// its routes with Guard(), which authenticates the bearer key, checks the
// role and the key's rate limit, and hands the handler the Caller.
#ifndef MODERATO_SERVER_APP_INTERNAL_H_
#define MODERATO_SERVER_APP_INTERNAL_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "moderato/hash/media.h"
#include "moderato/match/bank_matcher.h"
#include "moderato/policy/policy.h"
#include "moderato/result.h"
#include "server/app.h"
#include "server/http.h"

namespace moderato::server {

namespace app_internal {

// The body limit of every JSON route.
inline constexpr std::size_t kMaxBodyBytes = 1 << 20;

std::int64_t Now();  // Unix seconds
std::string Lower(std::string s);
// kInvalidArgument "<what> must be an integer" unless all of `text` is one.
Result<std::int64_t> ParseInt(std::string_view text, std::string_view what);
// The {id} path parameter; kNotFound unless it is a positive integer (an id
// that cannot exist is the same 404 as one of another organisation).
Result<std::int64_t> IdParam(const HttpRequest& req);
// body[field] as a string; "" when absent or null; kInvalidArgument when it
// is another type.
Result<std::string> OptionalString(const nlohmann::json& body, const char* field);
// Stored JSON text as JSON; the text itself as a string if it does not parse.
nlohmann::json ParseStoredJson(const std::string& text);

// Puts the hashes of an image into a bank query: MD5, SHA-256 and, when it
// decoded, its PDQ (the 8 rotations and flips when `h` has them, so a
// rotated or mirrored re-upload matches) and quality.
void AddImageToQuery(const MediaHashes& h, MatchQuery& query);

// A bank as the API shows it (GET /v1/banks, POST /v1/banks).
nlohmann::json BankJson(const Bank& bank);

}  // namespace app_internal

// The authenticated caller of a /v1 route.
struct App::Caller {
  ApiKey key;
  std::string actor;  // "key:<id>"
};

struct App::Shared {
  using RoleSet = std::initializer_list<Role>;
  using CallerHandler = std::function<HttpResponse(HttpRequest&, const Caller&)>;

  // Authenticates, checks that the key's role is in `roles` (403), takes a
  // token from the key's bucket (429), then calls `handler`.
  static Handler Guard(App& app, RoleSet roles, CallerHandler handler);
  // The request body as JSON, within kMaxBodyBytes and depth 32.
  static Result<nlohmann::json> Body(const HttpRequest& req);

  // The matches of `query` visible to `org` (global banks and its own; no
  // suppression hits), appended as JSON to `matches` and as policy input to
  // `hits`. Refreshes the matcher at most once a second.
  static Status MatchBanks(App& app, const MatchQuery& query, const std::string& org,
                           nlohmann::json& matches, std::vector<PolicyBankHit>& hits);
  // Makes the next MatchBanks() read the bank change log (after a bank write).
  static void InvalidateMatcher(App& app);

  // --- app_counter.cc ---
  // Opens the counter-narrative and campaign stores and builds the
  // retriever and redirect engine. Called by App::Create.
  static Status InitCounter(App& app);
  static void RegisterCounter(App& app, Router& router);
  // Counter-narrative suggestions for a scanned text, as the JSON array that
  // /v1/scan returns ("counter_narratives"). Only approved items are
  // suggested (drafts are never served). Empty when nothing is relevant.
  static nlohmann::json SuggestCounters(App& app, std::string_view text, std::string_view language,
                                        const Verdict& verdict);

  // --- app_banks.cc ---
  static void RegisterBanks(App& app, Router& router);
};

}  // namespace moderato::server

#endif  // MODERATO_SERVER_APP_INTERNAL_H_
