// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// moderato serve [--db PATH] [--listen HOST:PORT] [--policy FILE] [--threads N]
//
// Serves the HTTP API (docs/server.md). SIGHUP reloads the policy (audited
// as "policy.load"); SIGINT and SIGTERM stop gracefully. The signals are
// blocked before any thread starts and taken with sigwait() in the main
// thread, so no code runs in a signal handler.

#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "cli/commands.h"
#include "cli/defaults.h"
#include "server/app.h"
#include "server/http.h"

namespace moderato::cli {
namespace {

struct ServeFlags {
  std::string db;
  std::string listen = "127.0.0.1:8080";
  std::string policy;
  int threads = 0;
};

int RunServe(const ServeFlags& flags) {
  server::HttpServerOptions http;
  const std::size_t colon = flags.listen.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return ReportError(InvalidArgumentError("--listen must be HOST:PORT"));
  }
  http.host = flags.listen.substr(0, colon);
  try {
    http.port = std::stoi(flags.listen.substr(colon + 1));
  } catch (const std::exception&) {
    return ReportError(InvalidArgumentError("--listen must be HOST:PORT"));
  }
  if (http.port < 0 || http.port > 65535) {
    return ReportError(InvalidArgumentError("--listen port must be 0..65535"));
  }
  http.threads = flags.threads;

  MODERATO_ASSIGN_OR_RETURN_EXIT(std::string db,
                                 ResolveDbPathFor(flags.db, /*create=*/false, "database",
                                                  "`moderato org create NAME` makes one"));
  server::AppOptions options;
  options.db_path = db;
  options.policy_path = flags.policy;
  options.analyzer = server::DefaultAnalyzerOptions();
  MODERATO_ASSIGN_OR_RETURN_EXIT(std::unique_ptr<server::App> app, server::App::Create(options));
  server::Router router;
  app->Register(router);

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  MODERATO_ASSIGN_OR_RETURN_EXIT(std::unique_ptr<server::HttpServer> httpd,
                                 server::HttpServer::Start(http, router, &app->metrics()));
  std::fprintf(stderr, "moderato: serving on http://%s:%d\n", http.host.c_str(), httpd->port());
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
  return kExitOk;
}

}  // namespace

void RegisterServe(CLI::App& app, Action* action) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* serve = app.add_subcommand("serve", "Serve the HTTP API");
  serve->add_option("--db", flags->db, "SQLite database (else $MODERATO_DB, else ./moderato.db)");
  serve->add_option("--listen", flags->listen, "HOST:PORT to listen on (default 127.0.0.1:8080)");
  serve->add_option("--policy", flags->policy, "Policy file (default data/policy/default.toml)");
  serve->add_option("--threads", flags->threads, "I/O threads (default: the number of cores)")
      ->check(CLI::Range(0, 256));
  serve->callback([flags, action] { *action = [flags] { return RunServe(*flags); }; });
}

}  // namespace moderato::cli
