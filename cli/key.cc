// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// moderato key create --org NAME --role ROLE [--label L]
// moderato key revoke KEY_ID
// moderato key list --org NAME
//
// `key create` prints the new token ALONE on stdout (so scripts can capture
// it) and a note on stderr: the token is shown once, the database keeps only
// a salted hash. `key list` prints one JSON object per key and never a token
// or a hash. Every subcommand takes --db PATH (else $MODERATO_DB, else
// ./moderato.db). Changes are audited with the actor "cli".

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "cli/commands.h"
#include "cli/defaults.h"
#include "moderato/store/moderation_store.h"
#include "nlohmann/json.hpp"

namespace moderato::cli {
namespace {

struct KeyFlags {
  std::string db;
  std::string org;
  std::string role;
  std::string label;
  std::string key_id;
};

Result<std::unique_ptr<ModerationStore>> OpenStore(const KeyFlags& flags) {
  MODERATO_ASSIGN_OR_RETURN(std::string path,
                            ResolveDbPathFor(flags.db, /*create=*/false, "database",
                                             "`moderato org create NAME` makes one"));
  return OpenSqliteModerationStore(path);
}

int RunCreate(const KeyFlags& flags) {
  std::optional<Role> role = ParseRole(flags.role);
  if (!role) {
    return ReportError(InvalidArgumentError("unknown role '" + flags.role +
                                            "' (admin, reviewer, integrator, analyst, editor)"));
  }
  MODERATO_ASSIGN_OR_RETURN_EXIT(auto store, OpenStore(flags));
  MODERATO_ASSIGN_OR_RETURN_EXIT(NewApiKey key,
                                 store->CreateApiKey(flags.org, *role, flags.label, "cli"));
  std::fprintf(
      stderr, "created %s key %s for %s; the token below is shown only once, store it now\n",
      std::string(RoleName(key.key.role)).c_str(), key.key.id.c_str(), key.key.org.c_str());
  std::printf("%s\n", key.token.c_str());
  return kExitOk;
}

int RunRevoke(const KeyFlags& flags) {
  MODERATO_ASSIGN_OR_RETURN_EXIT(auto store, OpenStore(flags));
  MODERATO_RETURN_EXIT_IF_ERROR(store->RevokeApiKey(flags.key_id, "cli"));
  std::printf("revoked key %s\n", flags.key_id.c_str());
  return kExitOk;
}

int RunList(const KeyFlags& flags) {
  MODERATO_ASSIGN_OR_RETURN_EXIT(auto store, OpenStore(flags));
  MODERATO_ASSIGN_OR_RETURN_EXIT(std::vector<ApiKey> keys, store->ListApiKeys(flags.org));
  for (const ApiKey& key : keys) {
    nlohmann::ordered_json j;
    j["id"] = key.id;
    j["org"] = key.org;
    j["role"] = RoleName(key.role);
    j["label"] = key.label;
    j["created_at"] = key.created_at;
    j["revoked_at"] = key.revoked_at;
    j["active"] = key.revoked_at == 0;
    std::printf("%s\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  }
  return kExitOk;
}

void AddDb(CLI::App* cmd, KeyFlags* flags) {
  cmd->add_option("--db", flags->db, "SQLite database (else $MODERATO_DB, else ./moderato.db)");
}

}  // namespace

void RegisterKey(CLI::App& app, Action* action) {
  auto flags = std::make_shared<KeyFlags>();
  CLI::App* key = app.add_subcommand("key", "Manage the API keys of the server");
  key->require_subcommand(1);

  CLI::App* create =
      key->add_subcommand("create", "Create an API key; prints its token alone on stdout, once");
  AddDb(create, flags.get());
  create->add_option("--org", flags->org, "Organisation the key acts for")->required();
  create->add_option("--role", flags->role, "admin, reviewer, integrator, analyst or editor")
      ->required();
  create->add_option("--label", flags->label, "Who or what holds the key");
  create->callback([flags, action] { *action = [flags] { return RunCreate(*flags); }; });

  CLI::App* revoke = key->add_subcommand("revoke", "Revoke an API key (it stops working at once)");
  AddDb(revoke, flags.get());
  revoke->add_option("key_id", flags->key_id, "The key's id (16 hex digits)")->required();
  revoke->callback([flags, action] { *action = [flags] { return RunRevoke(*flags); }; });

  CLI::App* list =
      key->add_subcommand("list", "List an organisation's keys (never tokens or hashes)");
  AddDb(list, flags.get());
  list->add_option("--org", flags->org, "Organisation")->required();
  list->callback([flags, action] { *action = [flags] { return RunList(*flags); }; });
}

}  // namespace moderato::cli
