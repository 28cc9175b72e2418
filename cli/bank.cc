// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// moderato bank create NAME [--threshold N] [--quality-min Q] [--suppression] ...
// moderato bank list [--json]
// moderato bank stats [BANK...] [--json]
// moderato bank add BANK [--type T] VALUE|FILE... [--org O] [--behaviour B] [--tag T]
// moderato bank remove BANK (--id N... | --type T VALUE...)
// moderato bank import BANK FILE [--format F] [--create]
// moderato bank export BANK [--format F] [-o FILE]
// moderato bank delete NAME --yes
//
// Every subcommand takes --db PATH (else $MODERATO_DB, else ./moderato.db).
// Every change (create, add, remove, import, delete) appends a system-wide
// entry (organisation "", actor "cli") to the audit chain of that database
// (`moderato audit list`), as the server does for its bank routes.

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/defaults.h"
#include "cli/media_signals.h"
#include "cli/progress.h"
#include "moderato/exchange/formats.h"
#include "moderato/store/moderation_store.h"
#include "moderato/store/store.h"
#include "nlohmann/json.hpp"

namespace moderato::cli {
namespace {

struct BankFlags {
  std::string db;
  bool json = false;
  // create
  Bank bank;
  bool disabled = false;
  // add / remove
  std::string bank_name;
  std::string type;
  std::vector<std::string> values;
  std::vector<int64_t> ids;
  SignalLabels labels;
  std::string source = "manual";
  bool fast = false;
  // import / export
  std::string file;
  std::string format;
  std::string output;
  std::string export_format = "csv";
  bool create = false;
  std::string progress = "auto";
  bool yes = false;
};

// Only `bank create` and `bank import --create` may create the database.
Result<std::unique_ptr<BankStore>> OpenStore(const BankFlags& flags, bool create = false) {
  return OpenBankStore(flags.db, create);
}

// Appends the audit entry of a bank change made by this command. The change
// is already committed (the bank store and the audit chain are separate
// transactions), so a failure here is reported as such.
int AuditChange(const BankFlags& flags, const std::string& action, const std::string& bank,
                const nlohmann::json& details) {
  Status appended = [&]() -> Status {
    MODERATO_ASSIGN_OR_RETURN(std::unique_ptr<ModerationStore> audit,
                              OpenSqliteModerationStore(ResolveDbPath(flags.db)));
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    return audit
        ->AppendAudit("", "cli", action, "bank:" + bank,
                      details.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), now)
        .status();
  }();
  if (appended.ok()) return kExitOk;
  return ReportError(InternalError("the bank changed, but its audit entry was not written: " +
                                   appended.ToString()));
}

nlohmann::ordered_json BankJson(const Bank& bank) {
  nlohmann::ordered_json j;
  j["name"] = bank.name;
  j["description"] = bank.description;
  j["enabled"] = bank.enabled;
  j["suppression"] = bank.suppression;
  j["pdq_threshold"] = bank.pdq_threshold;
  j["pdq_quality_min"] = bank.pdq_quality_min;
  j["created_at"] = bank.created_at;
  return j;
}

int RunCreate(BankFlags& flags) {
  MODERATO_ASSIGN_OR_RETURN_EXIT(auto store, OpenStore(flags, /*create=*/true));
  flags.bank.enabled = !flags.disabled;
  MODERATO_ASSIGN_OR_RETURN_EXIT(Bank bank, store->CreateBank(flags.bank));
  if (int code = AuditChange(flags, "bank.create", bank.name, BankJson(bank)); code != kExitOk) {
    return code;
  }
  if (flags.json) {
    std::printf("%s\n", BankJson(bank).dump().c_str());
  } else {
    std::printf("created bank %s%s (pdq threshold %d, quality gate %d)\n", bank.name.c_str(),
                bank.suppression ? " [suppression]" : "", bank.pdq_threshold, bank.pdq_quality_min);
  }
  return kExitOk;
}

int RunList(const BankFlags& flags) {
  MODERATO_ASSIGN_OR_RETURN_EXIT(auto store, OpenStore(flags));
  MODERATO_ASSIGN_OR_RETURN_EXIT(std::vector<Bank> banks, store->ListBanks());
  if (flags.json) {
    for (const Bank& bank : banks) std::printf("%s\n", BankJson(bank).dump().c_str());
    return kExitOk;
  }
  std::printf("%-24s %-8s %-11s %9s %7s %10s\n", "bank", "enabled", "kind", "threshold", "quality",
              "signals");
  for (const Bank& bank : banks) {
    MODERATO_ASSIGN_OR_RETURN_EXIT(BankStats stats, store->Stats(bank.name));
    std::printf("%-24s %-8s %-11s %9d %7d %10lld\n", bank.name.c_str(), bank.enabled ? "yes" : "no",
                bank.suppression ? "suppression" : "match", bank.pdq_threshold,
                bank.pdq_quality_min, static_cast<long long>(stats.total));
  }
  return kExitOk;
}

int RunStats(const BankFlags& flags) {
  MODERATO_ASSIGN_OR_RETURN_EXIT(auto store, OpenStore(flags));
  std::vector<std::string> names = flags.values;
  if (names.empty()) {
    MODERATO_ASSIGN_OR_RETURN_EXIT(std::vector<Bank> banks, store->ListBanks());
    for (const Bank& bank : banks) names.push_back(bank.name);
  }
  for (const std::string& name : names) {
    MODERATO_ASSIGN_OR_RETURN_EXIT(BankStats stats, store->Stats(name));
    nlohmann::ordered_json j;
    j["bank"] = stats.bank;
    j["total"] = stats.total;
    for (int t = 0; t < kSignalTypeCount; ++t) {
      j[std::string(SignalTypeName(static_cast<SignalType>(t)))] = stats.signals[t];
    }
    j["disabled"] = stats.disabled;
    j["last_added_at"] = stats.last_added_at;
    if (flags.json) {
      std::printf("%s\n", j.dump().c_str());
    } else {
      std::printf(
          "%s: %lld signals (pdq %lld, md5 %lld, sha256 %lld, text %lld, url %lld), %lld "
          "disabled\n",
          stats.bank.c_str(), static_cast<long long>(stats.total),
          static_cast<long long>(stats.signals[0]), static_cast<long long>(stats.signals[1]),
          static_cast<long long>(stats.signals[2]), static_cast<long long>(stats.signals[3]),
          static_cast<long long>(stats.signals[4]), static_cast<long long>(stats.disabled));
    }
  }
  return kExitOk;
}

int RunAdd(const BankFlags& flags) {
  for (const std::string& b : flags.labels.behaviours) {
    if (!IsKnownBehaviour(b)) {
      return ReportError(
          InvalidArgumentError("unknown behaviour '" + b + "' (see docs/banks.md for the list)"));
    }
  }
  std::vector<Signal> signals;
  for (const std::string& value : flags.values) {
    MODERATO_ASSIGN_OR_RETURN_EXIT(std::vector<Signal> from_value,
                                   SignalsFromArgument(value, flags.type, {.fast = flags.fast}));
    for (Signal& s : from_value) {
      s.labels = flags.labels;
      s.source = flags.source;
      signals.push_back(std::move(s));
    }
  }
  MODERATO_ASSIGN_OR_RETURN_EXIT(auto store, OpenStore(flags));
  MODERATO_ASSIGN_OR_RETURN_EXIT(AddResult result, store->AddSignals(flags.bank_name, signals));
  for (size_t i = 0; i < signals.size(); ++i) {
    nlohmann::ordered_json j;
    j["id"] = result.ids[i];
    j["bank"] = flags.bank_name;
    j["type"] = SignalTypeName(signals[i].type);
    j["value"] = signals[i].value;
    if (signals[i].quality >= 0) j["quality"] = signals[i].quality;
    std::printf("%s\n", j.dump().c_str());
  }
  std::fprintf(stderr, "added %lld, already present %lld\n", static_cast<long long>(result.added),
               static_cast<long long>(result.duplicates));
  return AuditChange(flags, "bank.signals.add", flags.bank_name,
                     {{"added", result.added}, {"duplicates", result.duplicates}});
}

int RunRemove(const BankFlags& flags) {
  MODERATO_ASSIGN_OR_RETURN_EXIT(auto store, OpenStore(flags));
  MODERATO_ASSIGN_OR_RETURN_EXIT(Bank bank, store->GetBank(flags.bank_name));
  int64_t removed = 0;
  for (int64_t id : flags.ids) {
    MODERATO_ASSIGN_OR_RETURN_EXIT(Signal signal, store->GetSignal(id));
    if (signal.bank != bank.name) {
      return ReportError(
          NotFoundError("signal " + std::to_string(id) + " is not in bank " + bank.name));
    }
    MODERATO_RETURN_EXIT_IF_ERROR(store->RemoveSignal(id));
    ++removed;
  }
  for (const std::string& value : flags.values) {
    MODERATO_ASSIGN_OR_RETURN_EXIT(std::vector<Signal> signals,
                                   SignalsFromArgument(value, flags.type, {}));
    for (const Signal& s : signals) {
      MODERATO_ASSIGN_OR_RETURN_EXIT(int64_t n,
                                     store->RemoveSignalsByValue(bank.name, s.type, s.value));
      removed += n;
    }
  }
  std::printf("removed %lld signal%s from %s\n", static_cast<long long>(removed),
              removed == 1 ? "" : "s", bank.name.c_str());
  if (removed == 0) return kExitNotFound;
  return AuditChange(flags, "bank.signals.remove", bank.name, {{"removed", removed}});
}

int RunDelete(const BankFlags& flags) {
  if (!flags.yes) {
    return ReportError(
        FailedPreconditionError("deleting a bank removes all its signals; pass "
                                "--yes to confirm"));
  }
  MODERATO_ASSIGN_OR_RETURN_EXIT(auto store, OpenStore(flags));
  MODERATO_RETURN_EXIT_IF_ERROR(store->DeleteBank(flags.bank_name));
  std::printf("deleted bank %s\n", flags.bank_name.c_str());
  return AuditChange(flags, "bank.delete", flags.bank_name, nlohmann::json::object());
}

int RunImport(const BankFlags& flags) {
  MODERATO_ASSIGN_OR_RETURN_EXIT(auto store, OpenStore(flags, flags.create));
  bool exists = store->GetBank(flags.bank_name).ok();
  if (!exists && !flags.create) {
    return ReportError(
        NotFoundError("no bank named '" + flags.bank_name + "' (create it, or pass --create)"));
  }
  std::optional<ExchangeFormat> format;
  if (!flags.format.empty()) {
    format = ParseExchangeFormat(flags.format);
    if (!format) return ReportError(InvalidArgumentError("unknown format '" + flags.format + "'"));
  }
  std::ifstream in(flags.file, std::ios::binary);
  if (!in) return ReportError(NotFoundError("cannot open " + flags.file));
  std::error_code ec;
  uint64_t total = std::filesystem::file_size(flags.file, ec);
  Progress progress(ShowProgress(flags.progress, false) && !ec, ec ? 0 : total);
  ImportOptions options;
  options.progress = [&](uint64_t bytes) { progress.Update(0, bytes); };
  Result<ImportBatch> batch = ImportSignals(in, format, options);
  progress.Finish();
  if (!batch.ok()) return ReportError(batch.status());
  if (!batch->ok()) {
    return ReportError(ImportErrorsToStatus(batch->errors, batch->errors_truncated));
  }
  if (!exists) {
    // An HMA bank document carries the bank's settings; other formats get defaults.
    Bank bank = batch->bank.value_or(Bank{});
    bank.name = flags.bank_name;
    MODERATO_RETURN_EXIT_IF_ERROR(store->CreateBank(bank).status());
  }
  MODERATO_ASSIGN_OR_RETURN_EXIT(ImportSummary summary,
                                 ImportInto(*store, flags.bank_name, *batch));
  nlohmann::ordered_json j;
  j["bank"] = flags.bank_name;
  j["format"] = ExchangeFormatName(batch->format);
  j["records"] = batch->records;
  j["added"] = summary.added;
  j["duplicates"] = summary.duplicates;
  j["removed"] = summary.removed;
  j["skipped_unsupported"] = batch->skipped_unsupported;
  std::printf("%s\n", j.dump().c_str());
  return AuditChange(flags, "bank.import", flags.bank_name, nlohmann::json(j));
}

int RunExport(const BankFlags& flags) {
  MODERATO_ASSIGN_OR_RETURN_EXIT(auto store, OpenStore(flags));
  MODERATO_ASSIGN_OR_RETURN_EXIT(Bank bank, store->GetBank(flags.bank_name));
  std::optional<ExchangeFormat> format = ParseExchangeFormat(flags.export_format);
  if (!format) {
    return ReportError(InvalidArgumentError("unknown format '" + flags.export_format + "'"));
  }
  std::ofstream file;
  std::ostream* out = &std::cout;
  if (!flags.output.empty() && flags.output != "-") {
    file.open(flags.output, std::ios::binary | std::ios::trunc);
    if (!file) return ReportError(NotFoundError("cannot write " + flags.output));
    out = &file;
  }
  SignalFilter filter;
  filter.bank = bank.name;
  ExportOptions options;
  options.bank = bank;
  MODERATO_ASSIGN_OR_RETURN_EXIT(ExportSummary summary,
                                 ExportSignals(*store, filter, *format, *out, options));
  out->flush();
  if (!*out) return ReportError(UnavailableError("write failed"));
  std::fprintf(stderr, "exported %llu signals", static_cast<unsigned long long>(summary.written));
  if (summary.skipped > 0) {
    std::fprintf(stderr, " (%llu skipped: the format cannot carry them)",
                 static_cast<unsigned long long>(summary.skipped));
  }
  std::fprintf(stderr, "\n");
  return kExitOk;
}

void AddDb(CLI::App* cmd, BankFlags* flags) {
  cmd->add_option("--db", flags->db, "SQLite database (else $MODERATO_DB, else ./moderato.db)");
}

void AddLabels(CLI::App* cmd, BankFlags* flags) {
  cmd->add_option("--org", flags->labels.organisation, "Organisation the content belongs to");
  cmd->add_option("--behaviour", flags->labels.behaviours,
                  "Behaviour label (repeatable): glorification, recruitment, instruction, "
                  "imminent_threat, incitement, propaganda, financing, threat");
  cmd->add_option("--tag", flags->labels.tags, "Free tag (repeatable)");
  cmd->add_option("--source", flags->source, "Where the signal came from")->capture_default_str();
}

}  // namespace

void RegisterBank(CLI::App& app, Action* action) {
  auto flags = std::make_shared<BankFlags>();
  CLI::App* bank = app.add_subcommand("bank", "Manage banks of known content and their signals");
  bank->require_subcommand(1);

  CLI::App* create = bank->add_subcommand("create", "Create a bank");
  AddDb(create, flags.get());
  create->add_option("name", flags->bank.name, "Bank name ([A-Za-z0-9_.-], 1-64)")->required();
  create->add_option("--description", flags->bank.description, "What the bank holds");
  create->add_option("--threshold", flags->bank.pdq_threshold, "PDQ match radius, inclusive (0-63)")
      ->capture_default_str();
  create
      ->add_option("--quality-min", flags->bank.pdq_quality_min,
                   "Ignore PDQ hashes below this quality, on both sides (0-100)")
      ->capture_default_str();
  create->add_flag("--suppression", flags->bank.suppression,
                   "A suppression bank: its matches cancel matches in other banks");
  create->add_flag("--disabled", flags->disabled, "Create the bank disabled");
  create->add_flag("--json", flags->json, "Print the bank as JSON");
  create->callback([flags, action] { *action = [flags] { return RunCreate(*flags); }; });

  CLI::App* list = bank->add_subcommand("list", "List banks with their settings and sizes");
  AddDb(list, flags.get());
  list->add_flag("--json", flags->json, "One JSON object per bank");
  list->callback([flags, action] { *action = [flags] { return RunList(*flags); }; });

  CLI::App* stats = bank->add_subcommand("stats", "Signal counts per type (all banks by default)");
  AddDb(stats, flags.get());
  stats->add_option("banks", flags->values, "Banks to report");
  stats->add_flag("--json", flags->json, "One JSON object per bank");
  stats->callback([flags, action] { *action = [flags] { return RunStats(*flags); }; });

  CLI::App* add = bank->add_subcommand(
      "add",
      "Add signals: image or media files (PDQ, MD5, SHA-256 are computed), or values with "
      "--type (pdq, md5, sha256 hex; url; text: the text itself, its signature is stored)");
  AddDb(add, flags.get());
  add->add_option("bank", flags->bank_name, "Bank name")->required();
  add->add_option("values", flags->values, "Files or values")->required();
  add->add_option("--type", flags->type, "Signal type of the values: pdq, md5, sha256, url, text");
  add->add_flag("--fast", flags->fast, "Hash JPEGs in fast mode (reduced-scale decode)");
  AddLabels(add, flags.get());
  add->callback([flags, action] { *action = [flags] { return RunAdd(*flags); }; });

  CLI::App* remove = bank->add_subcommand("remove", "Remove signals by id or by value");
  AddDb(remove, flags.get());
  remove->add_option("bank", flags->bank_name, "Bank name")->required();
  remove->add_option("values", flags->values, "Files or values (with --type)");
  remove->add_option("--id", flags->ids, "Signal id (repeatable)");
  remove->add_option("--type", flags->type, "Signal type of the values");
  remove->callback([flags, action] { *action = [flags] { return RunRemove(*flags); }; });

  CLI::App* del = bank->add_subcommand("delete", "Delete a bank and all its signals");
  AddDb(del, flags.get());
  del->add_option("bank", flags->bank_name, "Bank name")->required();
  del->add_flag("--yes", flags->yes, "Confirm");
  del->callback([flags, action] { *action = [flags] { return RunDelete(*flags); }; });

  CLI::App* import = bank->add_subcommand(
      "import", "Import a hash list into a bank, all or nothing (one transaction)");
  AddDb(import, flags.get());
  import->add_option("bank", flags->bank_name, "Bank name")->required();
  import->add_option("file", flags->file, "File to import")->required()->check(CLI::ExistingFile);
  import->add_option("--format", flags->format,
                     "pytx, hma-json, tat, stopncii or csv (default: detected from the content)");
  import->add_flag("--create", flags->create, "Create the bank if it does not exist");
  import
      ->add_option("--progress", flags->progress,
                   "Progress bar on stderr: auto (only on a terminal), always, never")
      ->capture_default_str();
  import->callback([flags, action] { *action = [flags] { return RunImport(*flags);
};
}  // namespace moderato::cli
);

CLI::App* exp = bank->add_subcommand("export", "Export a bank's signals");
AddDb(exp, flags.get());
exp->add_option("bank", flags->bank_name, "Bank name")->required();
exp->add_option("--format", flags->export_format, "pytx, hma-json, tat, stopncii or csv")
    ->capture_default_str();
exp->add_option("-o,--output", flags->output, "Output file (default: stdout)");
exp->callback([flags, action] { *action = [flags] { return RunExport(*flags); }; });
}

}  // namespace moderato::cli
