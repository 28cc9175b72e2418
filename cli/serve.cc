// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// moderato serve [--config FILE] [--db PATH] [--listen HOST:PORT] [--policy FILE]
//                [--threads N] [--print-config]
//
// Serves the HTTP API (docs/server.md). The configuration (server/config.h)
// is the defaults, overridden by the --config file, by MODERATO_<SECTION>_<KEY>
// environment variables, then by the flags. With [webhooks] enabled, a
// WebhookWorker delivers final decisions. SIGHUP reloads the policy
// (audited as "policy.load"); SIGINT and SIGTERM stop gracefully. The signals
// are blocked before any thread starts and taken with sigwait() in the main
// thread, so no code runs in a signal handler.

#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <tuple>
#include <utility>

#include "CLI/CLI.hpp"
#include "cli/commands.h"
#include "cli/defaults.h"
#include "server/app.h"
#include "server/config.h"
#include "server/http.h"
#include "server/webhook.h"

namespace moderato::cli {
namespace {

struct ServeFlags {
  std::string config;
  std::string db;
  std::string listen;
  std::string policy;
  std::string threads;
  bool print_config = false;
};

Result<server::ServeConfig> EffectiveConfig(const ServeFlags& flags) {
  MODERATO_ASSIGN_OR_RETURN(
      server::ServeConfig config,
      server::LoadServeConfig(flags.config, [](const char* name) { return std::getenv(name); }));
  for (const auto& [key, value, flag] : {std::tuple{"server.listen", &flags.listen, "--listen"},
                                         std::tuple{"server.threads", &flags.threads, "--threads"},
                                         std::tuple{"store.db", &flags.db, "--db"},
                                         std::tuple{"policy.path", &flags.policy, "--policy"}}) {
    if (!value->empty()) {
      MODERATO_RETURN_IF_ERROR(server::SetServeConfigValue(config, key, *value, flag));
    }
  }
  return config;
}

int RunServe(const ServeFlags& flags) {
  MODERATO_ASSIGN_OR_RETURN_EXIT(server::ServeConfig config, EffectiveConfig(flags));
  if (flags.print_config) {
    std::fputs(server::FormatServeConfig(config).c_str(), stdout);
    return kExitOk;
  }
  // An empty config.db means no flag, variable or file named one: the usual
  // resolution ($MODERATO_DB, then ./moderato.db) and its "not found" hint.
  MODERATO_ASSIGN_OR_RETURN_EXIT(std::string db,
                                 ResolveDbPathFor(config.db, /*create=*/false, "database",
                                                  "`moderato org create NAME` makes one"));
  server::AppOptions options;
  options.db_path = db;
  options.policy_path = config.policy;
  options.analyzer = server::DefaultAnalyzerOptions();
  options.rate_per_second = config.rate_per_second;
  options.rate_burst = config.rate_burst;
  options.lease_seconds = config.lease_seconds;
  MODERATO_ASSIGN_OR_RETURN_EXIT(std::unique_ptr<server::App> app, server::App::Create(options));
  server::Router router;
  app->Register(router);

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::unique_ptr<server::WebhookWorker> webhooks;
  if (config.webhooks.enabled) {
    server::WebhookOptions webhook_options;
    webhook_options.max_attempts = config.webhooks.max_attempts;
    webhook_options.initial_backoff = config.webhooks.initial_backoff;
    webhook_options.max_backoff = config.webhooks.max_backoff;
    webhook_options.timeout = config.webhooks.timeout;
    MODERATO_ASSIGN_OR_RETURN_EXIT(
        webhooks,
        server::WebhookWorker::Start(app->moderation_store(), webhook_options, &app->metrics()));
    app->set_decision_listener([worker = webhooks.get()] { worker->Wake(); });
  }
  MODERATO_ASSIGN_OR_RETURN_EXIT(std::unique_ptr<server::HttpServer> httpd,
                                 server::HttpServer::Start(config.http, router, &app->metrics()));
  const std::string host = config.http.host.find(':') == std::string::npos
                               ? config.http.host
                               : "[" + config.http.host + "]";
  std::fprintf(stderr, "moderato: serving on http://%s:%d\n", host.c_str(), httpd->port());
  for (;;) {
    int sig = 0;
    if (sigwait(&signals, &sig) != 0) continue;
    if (sig == SIGHUP) {
      Status reloaded = app->ReloadPolicy();
      if (reloaded.ok()) {
        std::fprintf(stderr, "moderato: policy reloaded\n");
      } else {
        std::fprintf(stderr, "moderato: policy reload failed, keeping the old one: %s\n",
                     reloaded.ToString().c_str());
      }
      continue;
    }
    break;
  }
  std::fprintf(stderr, "moderato: shutting down\n");
  httpd->Stop();
  // After the HTTP server: no decision can queue a message any more. An
  // attempt in flight is abandoned and its message stays pending.
  if (webhooks) webhooks->Stop();
  return kExitOk;
}

}  // namespace

void RegisterServe(CLI::App& app, Action* action) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* serve = app.add_subcommand("serve", "Serve the HTTP API");
  serve->footer(
      "Configuration: built-in defaults, overridden by the --config file (TOML; the example\n"
      "data/server/moderato.toml lists every key), overridden by environment variables\n"
      "MODERATO_<SECTION>_<KEY> (e.g. MODERATO_SERVER_LISTEN=127.0.0.1:0,\n"
      "MODERATO_LIMITS_RATE_PER_SECOND=0, MODERATO_SERVER_THREADS=2), overridden by the flags.\n"
      "The database is --db, else MODERATO_STORE_DB, else $MODERATO_DB, else [store] db, else\n"
      "./moderato.db. SIGHUP reloads the policy; SIGINT/SIGTERM stop gracefully.");
  serve->add_option("--config", flags->config, "TOML configuration file (see docs/server.md)");
  serve->add_option("--db", flags->db, "SQLite database (else $MODERATO_DB, else ./moderato.db)");
  serve->add_option("--listen", flags->listen, "HOST:PORT to listen on (default 127.0.0.1:8080)");
  serve->add_option("--policy", flags->policy, "Policy file (default data/policy/default.toml)");
  serve->add_option("--threads", flags->threads,
                    "I/O threads, 0..256 (default 0: the number of cores)");
  serve->add_flag("--print-config", flags->print_config,
                  "Print the effective configuration as TOML and exit");
  serve->callback([flags, action] { *action = [flags] { return RunServe(*flags); }; });
}

}  // namespace moderato::cli
