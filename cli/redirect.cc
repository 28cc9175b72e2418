// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// moderato redirect [--lang L] [--max N] [--now UNIX] QUERY...
// moderato redirect click CAMPAIGN [--lang L] [--now UNIX]
// moderato redirect report [--from DAY] [--to DAY] [--format table|csv]
// moderato redirect campaigns import FILE | list | export | delete ID
//
// Every subcommand takes --db PATH (else $MODERATO_DB, else ./moderato.db).
// Only aggregates per campaign x day x language are recorded: never the
// query, a user or an address (docs/redirect.md).

#include "moderato/counter/redirect.h"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/defaults.h"
#include "moderato/counter/campaign.h"
#include "moderato/store/campaign_store.h"
#include "moderato/store/counter_store.h"
#include "moderato/text/normalize.h"
#include "nlohmann/json.hpp"

namespace moderato::cli {
namespace {

struct RedirectFlags {
  std::string db;
  std::string lang;
  std::int64_t now = -1;  // -1: the clock
  std::size_t max_items = 3;
  std::vector<std::string> query;
  std::string campaign;
  std::string from;
  std::string to;
  std::string format = "table";
  std::string file;
};

std::int64_t Now(const RedirectFlags& flags) {
  if (flags.now >= 0) return flags.now;
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status CheckLanguage(const std::string& lang) {
  if (lang.empty() || lang == "ar" || lang == "fr" || lang == "en") return OkStatus();
  return InvalidArgumentError("--lang must be ar, fr or en");
}

Status CheckDbExists(const RedirectFlags& flags) {
  return ResolveDbPathFor(flags.db, /*create=*/false, "database",
                          "`moderato redirect campaigns import FILE` makes one")
      .status();
}

Result<std::unique_ptr<CampaignStore>> OpenCampaigns(const RedirectFlags& flags, bool create) {
  if (!create) MODERATO_RETURN_IF_ERROR(CheckDbExists(flags));
  return OpenSqliteCampaignStore(ResolveDbPath(flags.db));
}

int RunResolve(const RedirectFlags& flags) {
  MODERATO_RETURN_EXIT_IF_ERROR(CheckLanguage(flags.lang));
  std::string query;
  for (const std::string& part : flags.query) query += (query.empty() ? "" : " ") + part;
  MODERATO_ASSIGN_OR_RETURN_EXIT(auto campaigns, OpenCampaigns(flags, /*create=*/false));
  MODERATO_ASSIGN_OR_RETURN_EXIT(std::vector<Campaign> all, campaigns->ListCampaigns());
  MODERATO_ASSIGN_OR_RETURN_EXIT(std::unique_ptr<Normalizer> normalizer, Normalizer::Create());
  MODERATO_ASSIGN_OR_RETURN_EXIT(auto engine, RedirectEngine::Build(all, *normalizer));
  const std::int64_t now = Now(flags);
  MODERATO_ASSIGN_OR_RETURN_EXIT(std::optional<RedirectDecision> decision,
                                 engine->Resolve(query, flags.lang, now));
  if (!decision) return kExitOk;
  MODERATO_ASSIGN_OR_RETURN_EXIT(auto library, OpenSqliteCounterStore(ResolveDbPath(flags.db)));
  MODERATO_ASSIGN_OR_RETURN_EXIT(std::vector<CounterItem> items,
                                 RedirectItems(*decision, *library, flags.lang, flags.max_items));
  if (items.empty()) return kExitOk;  // nothing servable: show nothing, count nothing
  nlohmann::ordered_json j;
  j["campaign"] = decision->campaign_id;
  nlohmann::ordered_json trigger;
  trigger["term"] = decision->trigger.term;
  trigger["language"] = decision->trigger.language;
  trigger["mode"] = decision->trigger.mode;
  trigger["matched"] = query.substr(decision->span.begin, decision->span.size());
  trigger["span"] = {decision->span.begin, decision->span.end};
  j["trigger"] = trigger;
  nlohmann::ordered_json shown = nlohmann::ordered_json::array();
  for (const CounterItem& item : items) {
    shown.push_back(
        {{"id", item.id}, {"language", item.language}, {"title", item.title}, {"link", item.link}});
  }
  j["items"] = shown;
  MODERATO_RETURN_EXIT_IF_ERROR(
      campaigns->RecordImpression(decision->campaign_id, MetricsDayOf(now), flags.lang));
  std::printf("%s\n",
              j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace).c_str());
  return kExitOk;
}

int RunClick(const RedirectFlags& flags) {
  MODERATO_RETURN_EXIT_IF_ERROR(CheckLanguage(flags.lang));
  MODERATO_ASSIGN_OR_RETURN_EXIT(auto campaigns, OpenCampaigns(flags, /*create=*/false));
  MODERATO_RETURN_EXIT_IF_ERROR(
      campaigns->RecordClick(flags.campaign, MetricsDayOf(Now(flags)), flags.lang));
  return kExitOk;
}

std::string Ctr(const CampaignMetricsRow& row, bool percent) {
  if (row.impressions == 0) return "";
  const double ctr = static_cast<double>(row.clicks) / static_cast<double>(row.impressions);
  char buffer[32];
  if (percent) {
    std::snprintf(buffer, sizeof(buffer), "%.1f%%", 100.0 * ctr);
  } else {
    std::snprintf(buffer, sizeof(buffer), "%.4f", ctr);
  }
  return buffer;
}

int RunReport(const RedirectFlags& flags) {
  if (flags.format != "table" && flags.format != "csv") {
    return ReportError(InvalidArgumentError("--format must be table or csv"));
  }
  MODERATO_ASSIGN_OR_RETURN_EXIT(auto campaigns, OpenCampaigns(flags, /*create=*/false));
  MODERATO_ASSIGN_OR_RETURN_EXIT(std::vector<CampaignMetricsRow> rows,
                                 campaigns->Report(flags.from, flags.to));
  if (flags.format == "csv") {
    // Campaign ids, days and languages are validated: no CSV quoting needed.
    std::printf("campaign,day,language,impressions,clicks,ctr\n");
    for (const CampaignMetricsRow& r : rows) {
      std::printf("%s,%s,%s,%lld,%lld,%s\n", r.campaign.c_str(), r.day.c_str(), r.language.c_str(),
                  static_cast<long long>(r.impressions), static_cast<long long>(r.clicks),
                  Ctr(r, false).c_str());
    }
    return kExitOk;
  }
  std::printf("%-32s %-10s %-4s %11s %7s %7s\n", "campaign", "day", "lang", "impressions", "clicks",
              "ctr");
  for (const CampaignMetricsRow& r : rows) {
    std::printf("%-32s %-10s %-4s %11lld %7lld %7s\n", r.campaign.c_str(), r.day.c_str(),
                r.language.empty() ? "-" : r.language.c_str(),
                static_cast<long long>(r.impressions), static_cast<long long>(r.clicks),
                Ctr(r, true).c_str());
  }
  return kExitOk;
}

int RunImport(const RedirectFlags& flags) {
  std::ifstream in(flags.file, std::ios::binary);
  if (!in) return ReportError(NotFoundError("cannot open " + flags.file));
  std::ostringstream content;
  content << in.rdbuf();
  Result<std::vector<Campaign>> parsed = ParseCampaigns(content.str());
  if (!parsed.ok()) return ReportError(parsed.status().WithContext(flags.file));
  MODERATO_ASSIGN_OR_RETURN_EXIT(auto campaigns, OpenCampaigns(flags, /*create=*/true));
  MODERATO_RETURN_EXIT_IF_ERROR(campaigns->PutCampaigns(*parsed));
  // Warn about playlist items that cannot be shown (yet): they are skipped.
  MODERATO_ASSIGN_OR_RETURN_EXIT(auto library, OpenSqliteCounterStore(ResolveDbPath(flags.db)));
  for (const Campaign& c : *parsed) {
    for (const std::string& id : c.playlist) {
      if (!library->GetServable(id).ok()) {
        std::fprintf(stderr,
                     "moderato: warning: campaign '%s': item '%s' is not approved in the "
                     "library; it will not be shown\n",
                     c.id.c_str(), id.c_str());
      }
    }
  }
  nlohmann::ordered_json j;
  j["file"] = flags.file;
  j["campaigns"] = parsed->size();
  std::printf("%s\n", j.dump().c_str());
  return kExitOk;
}

int RunList(const RedirectFlags& flags) {
  MODERATO_ASSIGN_OR_RETURN_EXIT(auto campaigns, OpenCampaigns(flags, /*create=*/false));
  MODERATO_ASSIGN_OR_RETURN_EXIT(std::vector<Campaign> all, campaigns->ListCampaigns());
  const std::int64_t now = Now(flags);
  std::printf("%-32s %-8s %-6s %10s %10s %8s %8s %s\n", "id", "enabled", "active", "starts_at",
              "ends_at", "triggers", "playlist", "name");
  for (const Campaign& c : all) {
    std::printf("%-32s %-8s %-6s %10lld %10lld %8zu %8zu %s\n", c.id.c_str(),
                c.enabled ? "yes" : "no", CampaignActiveAt(c, now) ? "yes" : "no",
                static_cast<long long>(c.starts_at), static_cast<long long>(c.ends_at),
                c.triggers.size(), c.playlist.size(), c.name.c_str());
  }
  return kExitOk;
}

int RunExport(const RedirectFlags& flags) {
  MODERATO_ASSIGN_OR_RETURN_EXIT(auto campaigns, OpenCampaigns(flags, /*create=*/false));
  MODERATO_ASSIGN_OR_RETURN_EXIT(std::vector<Campaign> all, campaigns->ListCampaigns());
  std::cout << CampaignsToJson(all);
  std::cout.flush();
  return std::cout ? kExitOk : ReportError(UnavailableError("write failed"));
}

int RunDelete(const RedirectFlags& flags) {
  MODERATO_ASSIGN_OR_RETURN_EXIT(auto campaigns, OpenCampaigns(flags, /*create=*/false));
  MODERATO_RETURN_EXIT_IF_ERROR(campaigns->DeleteCampaign(flags.campaign));
  return kExitOk;
}

void AddDb(CLI::App* cmd, RedirectFlags* flags) {
  cmd->add_option("--db", flags->db, "SQLite database (else $MODERATO_DB, else ./moderato.db)");
}

void AddNow(CLI::App* cmd, RedirectFlags* flags) {
  cmd->add_option("--now", flags->now, "The time, in Unix seconds (default: the clock)");
}

}  // namespace

void RegisterRedirect(CLI::App& app, Action* action) {
  auto flags = std::make_shared<RedirectFlags>();
  CLI::App* redirect = app.add_subcommand(
      "redirect",
      "Answer a search query with a campaign's counter-narratives (one JSON object), or nothing");
  redirect->require_subcommand(0, 1);
  AddDb(redirect, flags.get());
  AddNow(redirect, flags.get());
  redirect->add_option("--lang", flags->lang, "The query's language (ar, fr, en)");
  redirect->add_option("--max", flags->max_items, "At most this many items")->capture_default_str();
  redirect->add_option("query", flags->query, "The search query");
  redirect->callback([redirect, flags, action] {
    if (!redirect->get_subcommands().empty()) return;
    if (flags->query.empty()) throw CLI::RequiredError("query");
    *action = [flags] { return RunResolve(*flags); };
  });

  CLI::App* click = redirect->add_subcommand("click", "Count one click on a campaign's item");
  AddDb(click, flags.get());
  AddNow(click, flags.get());
  click->add_option("campaign", flags->campaign, "Campaign id")->required();
  click->add_option("--lang", flags->lang, "The query's language (ar, fr, en)");
  click->callback([flags, action] { *action = [flags] { return RunClick(*flags); }; });

  CLI::App* report = redirect->add_subcommand(
      "report", "Impressions, clicks and click-through rate per campaign, day and language");
  AddDb(report, flags.get());
  report->add_option("--from", flags->from, "First day, YYYY-MM-DD (UTC)");
  report->add_option("--to", flags->to, "Last day, YYYY-MM-DD (UTC)");
  report->add_option("--format", flags->format, "table or csv")->capture_default_str();
  report->callback([flags, action] { *action = [flags] { return RunReport(*flags); }; });

  CLI::App* campaigns = redirect->add_subcommand("campaigns", "Manage campaigns");
  campaigns->require_subcommand(1);
  CLI::App* import = campaigns->add_subcommand(
      "import", "Add or replace campaigns from a JSON or JSONL file, all or nothing");
  AddDb(import, flags.get());
  import->add_option("file", flags->file, "Campaign file (docs/redirect.md)")->required();
  import->callback([flags, action] { *action = [flags] { return RunImport(*flags);
};
}  // namespace moderato::cli
);
CLI::App* list = campaigns->add_subcommand("list", "List campaigns");
AddDb(list, flags.get());
AddNow(list, flags.get());
list->callback([flags, action] { *action = [flags] { return RunList(*flags); }; });
CLI::App* exp = campaigns->add_subcommand("export", "Write every campaign as JSON to stdout");
AddDb(exp, flags.get());
exp->callback([flags, action] { *action = [flags] { return RunExport(*flags); }; });
CLI::App* del = campaigns->add_subcommand("delete", "Delete a campaign (its metrics stay)");
AddDb(del, flags.get());
del->add_option("campaign", flags->campaign, "Campaign id")->required();
del->callback([flags, action] { *action = [flags] { return RunDelete(*flags); }; });
}

}  // namespace moderato::cli
