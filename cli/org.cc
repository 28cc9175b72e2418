// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// moderato org create NAME [--webhook-url URL --webhook-secret SECRET]
// moderato org list
//
// Organisations are the tenants of the HTTP server: every API key, item,
// case and decision belongs to one. Both subcommands take --db PATH (else
// $MODERATO_DB, else ./moderato.db) and print one JSON object per line.
// Changes are audited with the actor "cli".

#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/defaults.h"
#include "moderato/store/moderation_store.h"
#include "nlohmann/json.hpp"

namespace moderato::cli {
namespace {

struct OrgFlags {
  std::string db;
  std::string name;
  std::string webhook_url;
  std::string webhook_secret;
};

nlohmann::ordered_json OrgJson(const Organisation& org) {
  nlohmann::ordered_json j;
  j["name"] = org.name;
  j["created_at"] = org.created_at;
  j["webhook_url"] = org.webhook_url;
  return j;
}

int RunCreate(const OrgFlags& flags) {
  if (!IsValidOrganisationName(flags.name)) {
    return ReportError(InvalidArgumentError("organisation name '" + flags.name +
                                            "' is not [a-z0-9][a-z0-9._-]{0,63}"));
  }
  // Checked before anything is written, so a bad flag leaves no half-made
  // organisation behind.
  if (!flags.webhook_url.empty()) {
    MODERATO_RETURN_EXIT_IF_ERROR(ValidateWebhookUrl(flags.webhook_url));
    if (flags.webhook_secret.empty()) {
      return ReportError(InvalidArgumentError("--webhook-url needs --webhook-secret"));
    }
  } else if (!flags.webhook_secret.empty()) {
    return ReportError(InvalidArgumentError("--webhook-secret needs --webhook-url"));
  }
  MODERATO_ASSIGN_OR_RETURN_EXIT(std::string path,
                                 ResolveDbPathFor(flags.db, /*create=*/true, "database", ""));
  MODERATO_ASSIGN_OR_RETURN_EXIT(auto store, OpenSqliteModerationStore(path));
  MODERATO_ASSIGN_OR_RETURN_EXIT(Organisation org, store->CreateOrganisation(flags.name, "cli"));
  if (!flags.webhook_url.empty()) {
    MODERATO_RETURN_EXIT_IF_ERROR(
        store->SetWebhook(org.name, flags.webhook_url, flags.webhook_secret, "cli"));
    org.webhook_url = flags.webhook_url;
  }
  std::printf("%s\n",
              OrgJson(org).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  return kExitOk;
}

int RunList(const OrgFlags& flags) {
  MODERATO_ASSIGN_OR_RETURN_EXIT(std::string path,
                                 ResolveDbPathFor(flags.db, /*create=*/false, "database",
                                                  "`moderato org create NAME` makes one"));
  MODERATO_ASSIGN_OR_RETURN_EXIT(auto store, OpenSqliteModerationStore(path));
  MODERATO_ASSIGN_OR_RETURN_EXIT(std::vector<Organisation> orgs, store->ListOrganisations());
  for (const Organisation& org : orgs) {
    std::printf(
        "%s\n",
        OrgJson(org).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  }
  return kExitOk;
}

}  // namespace

void RegisterOrg(CLI::App& app, Action* action) {
  auto flags = std::make_shared<OrgFlags>();
  CLI::App* org = app.add_subcommand("org", "Manage the organisations (tenants) of the server");
  org->require_subcommand(1);

  CLI::App* create = org->add_subcommand("create", "Create an organisation");
  create->add_option("--db", flags->db, "SQLite database (else $MODERATO_DB, else ./moderato.db)");
  create->add_option("name", flags->name, "Organisation name ([a-z0-9][a-z0-9._-]{0,63})")
      ->required();
  create->add_option("--webhook-url", flags->webhook_url,
                     "Where decisions are POSTed (http:// or https://)");
  create->add_option("--webhook-secret", flags->webhook_secret,
                     "Key of the callbacks' HMAC-SHA256 signature");
  create->callback([flags, action] { *action = [flags] { return RunCreate(*flags); }; });

  CLI::App* list = org->add_subcommand("list", "List organisations, one JSON object per line");
  list->add_option("--db", flags->db, "SQLite database (else $MODERATO_DB, else ./moderato.db)");
  list->callback([flags, action] { *action = [flags] { return RunList(*flags); }; });
}

}  // namespace moderato::cli
