// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// moderato audit verify
// moderato audit list [--org O] [--after N] [--limit N]
//
// `audit verify` recomputes the hash chain. Intact: exit 0 and
//   audit chain: N entries, intact, head <hash>
// on stdout; record the head somewhere else, since removing the newest
// entries cannot be detected from the file alone. Broken: exit 4 and
//   audit chain: BROKEN at seq N: <problem>
// `audit list` prints one JSON object per entry, oldest first. Both take
// --db PATH (else $MODERATO_DB, else ./moderato.db).

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/defaults.h"
#include "moderato/store/moderation_store.h"
#include "nlohmann/json.hpp"

namespace moderato::cli {
namespace {

struct AuditFlags {
  std::string db;
  std::string org;
  std::int64_t after = 0;
  int limit = 100;
};

Result<std::unique_ptr<ModerationStore>> OpenStore(const AuditFlags& flags) {
  MODERATO_ASSIGN_OR_RETURN(std::string path,
                            ResolveDbPathFor(flags.db, /*create=*/false, "database",
                                             "`moderato org create NAME` makes one"));
  return OpenSqliteModerationStore(path);
}

int RunVerify(const AuditFlags& flags) {
  MODERATO_ASSIGN_OR_RETURN_EXIT(auto store, OpenStore(flags));
  MODERATO_ASSIGN_OR_RETURN_EXIT(AuditVerification v, store->VerifyAudit());
  if (v.ok) {
    std::printf("audit chain: %lld entries, intact, head %s\n", static_cast<long long>(v.entries),
                v.head_hash.empty() ? "-" : v.head_hash.c_str());
    return kExitOk;
  }
  std::printf("audit chain: BROKEN at seq %lld: %s\n", static_cast<long long>(v.first_bad_seq),
              v.problem.c_str());
  return ReportError(DataLossError("the audit chain is broken at seq " +
                                   std::to_string(v.first_bad_seq) + " (" +
                                   std::to_string(v.entries) + " entries before it verify)"));
}

int RunList(const AuditFlags& flags) {
  MODERATO_ASSIGN_OR_RETURN_EXIT(auto store, OpenStore(flags));
  MODERATO_ASSIGN_OR_RETURN_EXIT(std::vector<AuditEntry> entries,
                                 store->ListAudit(flags.org, flags.after, flags.limit));
  for (const AuditEntry& e : entries) {
    nlohmann::ordered_json j;
    j["seq"] = e.seq;
    j["at"] = e.at;
    j["org"] = e.org;
    j["actor"] = e.actor;
    j["action"] = e.action;
    j["subject"] = e.subject;
    nlohmann::ordered_json details =
        nlohmann::ordered_json::parse(e.details, nullptr, /*allow_exceptions=*/false);
    if (details.is_discarded()) {
      j["details"] = e.details;  // shown as stored, for an operator to inspect
    } else {
      j["details"] = std::move(details);
    }
    j["prev_hash"] = e.prev_hash;
    j["hash"] = e.hash;
    std::printf("%s\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  }
  return kExitOk;
}

}  // namespace

void RegisterAudit(CLI::App& app, Action* action) {
  auto flags = std::make_shared<AuditFlags>();
  CLI::App* audit = app.add_subcommand("audit", "Inspect and verify the audit chain");
  audit->require_subcommand(1);

  CLI::App* verify = audit->add_subcommand(
      "verify", "Recompute the hash chain; exit 0 and print the head when intact");
  verify->add_option("--db", flags->db, "SQLite database (else $MODERATO_DB, else ./moderato.db)");
  verify->callback([flags, action] { *action = [flags] { return RunVerify(*flags); }; });

  CLI::App* list = audit->add_subcommand("list", "Print audit entries as JSON lines, oldest first");
  list->add_option("--db", flags->db, "SQLite database (else $MODERATO_DB, else ./moderato.db)");
  list->add_option("--org", flags->org, "Only this organisation's entries");
  list->add_option("--after", flags->after, "Only entries with seq > N")->capture_default_str();
  list->add_option("--limit", flags->limit, "At most N entries (1-1000)")->capture_default_str();
  list->callback([flags, action] { *action = [flags] { return RunList(*flags); }; });
}

}  // namespace moderato::cli
