// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// App: the routes of `moderato serve` (docs/server.md, docs/openapi.json)
// over the stores, the policy, the analyzer and the bank matcher.
//
//   MODERATO_ASSIGN_OR_RETURN(std::unique_ptr<App> app, App::Create(options));
//   Router router;
//   app->Register(router);
//   MODERATO_ASSIGN_OR_RETURN(auto server, HttpServer::Start({}, router, &app->metrics()));
//
// AUTH. Every /v1 route requires "Authorization: Bearer <token>". A
// successful authentication is cached in memory for at most 5 seconds, so a
// revoked key stops working within 5 seconds. Each route allows a set of
// roles (403 otherwise); each key has a token bucket (429 with Retry-After).
//
// TENANCY. Items, cases and audit entries of another organisation answer
// 404, exactly as ids that do not exist; so do its private banks and its
// counter-narrative drafts. Bank matches from private banks of other
// organisations are never reported.
//
// Thread safety: after Register(), handlers may run concurrently. The bank
// matcher follows the bank change log at most once a second (on the first
// request that needs it), and at once after a bank write through the API.
#ifndef MODERATO_SERVER_APP_H_
#define MODERATO_SERVER_APP_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "moderato/match/bank_matcher.h"
#include "moderato/policy/policy.h"
#include "moderato/scan/analyzer.h"
#include "moderato/status.h"
#include "moderato/store/moderation_store.h"
#include "moderato/store/store.h"
#include "server/http.h"
#include "server/metrics.h"
#include "server/rate_limit.h"

namespace moderato::server {

struct AppOptions {
  std::string db_path;      // SQLite file shared by the bank and moderation stores
  std::string policy_path;  // "": data/policy/default.toml of the source tree
  AnalyzerOptions analyzer;
  double rate_per_second = 100;  // per API key; <= 0: unlimited
  double rate_burst = 200;
  int lease_seconds = 900;   // how long a claim holds
  std::string openapi_path;  // "": docs/openapi.json of the source tree
};

// The default analyzer options: the starter lexicon, the build's classifier
// model when its file exists, and the build's language identifier.
AnalyzerOptions DefaultAnalyzerOptions();

class App {
 public:
  // Opens the stores, loads the policy and the analyzer, builds the matcher.
  // Fails with the first error of any of them.
  static Result<std::unique_ptr<App>> Create(const AppOptions& options);
  ~App();
  // Not copyable or movable: routes hold a pointer to it.
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Adds every route to `router`. The App must outlive the server.
  void Register(Router& router);

  Metrics& metrics() { return metrics_; }
  ModerationStore& moderation_store() { return *moderation_; }
  BankStore& bank_store() { return *banks_; }

  // `listener` is called after each final decision is committed (its
  // webhook message is then in the outbox), e.g. to wake the webhook worker.
  // Set it before the server starts; it must outlive the server.
  void set_decision_listener(std::function<void()> listener) {
    decision_listener_ = std::move(listener);
  }

  // Reloads the policy from options.policy_path and appends a "policy.load"
  // audit entry with its version. On failure the old policy stays.
  Status ReloadPolicy();

  // What the route files (server/app*.cc) share; defined in
  // server/app_internal.h, not an interface for other code.
  struct Shared;

 private:
  struct Caller;
  struct Impl;          // app.cc
  struct CounterState;  // app_counter.cc
  explicit App(AppOptions options);

  AppOptions options_;
  std::unique_ptr<BankStore> banks_;
  std::unique_ptr<ModerationStore> moderation_;
  std::unique_ptr<PolicyHolder> policy_;
  std::unique_ptr<Analyzer> analyzer_;
  Analyzer::ScratchPool scratches_;
  RateLimiter limiter_;
  Metrics metrics_;
  std::string openapi_;
  std::function<void()> decision_listener_;

  // The matcher and the owner of each bank it holds, published together.
  // Requests copy the pointer under view_mu_ (held for nothing else) and
  // match without a lock; BankMatcher::Refresh never blocks a Match.
  struct MatcherView;
  std::mutex view_mu_;
  std::shared_ptr<const MatcherView> view_;  // guarded by view_mu_
  // Serialises refreshes. A request that finds the view older than a second
  // refreshes it if no other thread is doing so, and never waits for one.
  std::mutex refresh_mu_;
  std::atomic<std::int64_t> next_refresh_ns_{0};  // steady_clock

  std::mutex auth_mu_;
  struct CachedKey {
    ApiKey key;
    std::chrono::steady_clock::time_point until;
  };
  // Keyed by the SHA-256 of the token, so no secret is kept in memory.
  std::unordered_map<std::string, CachedKey> auth_cache_;  // guarded by auth_mu_

  // Counter-narrative library, retriever and redirect campaigns
  // (app_counter.cc). A shared_ptr, so the type may stay incomplete here.
  std::shared_ptr<CounterState> counter_;

  friend struct Impl;
  friend struct Shared;
};

}  // namespace moderato::server

#endif  // MODERATO_SERVER_APP_H_
