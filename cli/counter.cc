// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// moderato counter add --id ID --lang L --title T --body B --theme X --strategy S ...
// moderato counter import FILE [--format jsonl|csv] [--keep-status]
// moderato counter export [--format jsonl|csv] [--lang L] [--status S]
// moderato counter list [--lang L] [--status S] [--theme X]
// moderato counter approve ID... | retire ID... | history ID
// moderato counter suggest [--lang L] [-k N] [--audience A] TEXT
// moderato counter eval FILE [--depth N]
//
// Every subcommand takes --db PATH (else $MODERATO_DB, else ./moderato.db).
// Only approved items are ever suggested.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/defaults.h"
#include "moderato/counter/eval.h"
#include "moderato/counter/library_io.h"
#include "moderato/counter/retrieval.h"
#include "moderato/store/counter_store.h"
#include "moderato/text/langid.h"
#include "moderato/text/normalize.h"
#include "nlohmann/json.hpp"

namespace moderato::cli {
namespace {

struct CounterFlags {
  std::string db;
  std::string editor = "cli";
  CounterItem item;
  std::string file;
  std::string format;
  bool keep_status = false;
  std::string lang;
  std::string status;
  std::string theme;
  std::vector<std::string> ids;
  std::vector<std::string> audience;
  std::size_t k = 5;
  std::size_t depth = 10;
  std::string lid_model;
  std::vector<std::string> texts;
};

Result<std::unique_ptr<CounterStore>> OpenStore(const CounterFlags& flags, bool create) {
  MODERATO_ASSIGN_OR_RETURN(
      std::string path,
      ResolveDbPathFor(flags.db, create, "database",
                       "`moderato counter import FILE` or `counter add` makes one"));
  return OpenSqliteCounterStore(path);
}

Result<CounterFileFormat> FormatFor(const CounterFlags& flags) {
  if (!flags.format.empty()) return ParseCounterFileFormat(flags.format);
  return std::filesystem::path(flags.file).extension() == ".csv" ? CounterFileFormat::kCsv
                                                                 : CounterFileFormat::kJsonl;
}

CounterFilter FilterFor(const CounterFlags& flags) {
  CounterFilter filter;
  if (!flags.lang.empty()) filter.language = flags.lang;
  if (!flags.status.empty()) filter.status = flags.status;
  if (!flags.theme.empty()) filter.theme = flags.theme;
  return filter;
}

int RunAdd(const CounterFlags& flags) {
  MODERATO_ASSIGN_OR_RETURN_EXIT(auto store, OpenStore(flags, /*create=*/true));
  CounterItem item = flags.item;
  item.status = "draft";  // only `approve` makes an item servable
  MODERATO_ASSIGN_OR_RETURN_EXIT(CounterItem saved, store->PutItem(item, flags.editor));
  std::printf("%s\n", CounterItemToJson(saved, /*with_store_fields=*/true).c_str());
  return kExitOk;
}

int RunImport(const CounterFlags& flags) {
  MODERATO_ASSIGN_OR_RETURN_EXIT(CounterFileFormat format, FormatFor(flags));
  std::ifstream in(flags.file, std::ios::binary);
  if (!in) return ReportError(NotFoundError("cannot open " + flags.file));
  MODERATO_ASSIGN_OR_RETURN_EXIT(auto store, OpenStore(flags, /*create=*/true));
  MODERATO_ASSIGN_OR_RETURN_EXIT(
      CounterImportResult result,
      ImportCounterLibrary(in, format, *store, flags.editor, flags.keep_status));
  nlohmann::ordered_json j;
  j["file"] = flags.file;
  j["added"] = result.added;
  j["updated"] = result.updated;
  j["unchanged"] = result.unchanged;
  std::printf("%s\n", j.dump().c_str());
  return kExitOk;
}

int RunExport(const CounterFlags& flags) {
  MODERATO_ASSIGN_OR_RETURN_EXIT(
      CounterFileFormat format,
      ParseCounterFileFormat(flags.format.empty() ? "jsonl" : flags.format));
  MODERATO_ASSIGN_OR_RETURN_EXIT(auto store, OpenStore(flags, /*create=*/false));
  MODERATO_RETURN_EXIT_IF_ERROR(ExportCounterLibrary(*store, FilterFor(flags), format, std::cout));
  std::cout.flush();
  return std::cout ? kExitOk : ReportError(UnavailableError("write failed"));
}

int RunList(const CounterFlags& flags) {
  MODERATO_ASSIGN_OR_RETURN_EXIT(auto store, OpenStore(flags, /*create=*/false));
  std::printf("%-22s %-4s %-9s %-22s %-40s %s\n", "id", "lang", "status", "strategy", "themes",
              "title");
  MODERATO_RETURN_EXIT_IF_ERROR(store->ForEachItem(FilterFor(flags), [](const CounterItem& item) {
    std::string themes;
    for (const std::string& t : item.themes) themes += (themes.empty() ? "" : ",") + t;
    std::printf("%-22s %-4s %-9s %-22s %-40s %s\n", item.id.c_str(), item.language.c_str(),
                item.status.c_str(), item.strategy.c_str(), themes.c_str(), item.title.c_str());
    return true;
  }));
  return kExitOk;
}

int RunApprove(const CounterFlags& flags, bool retire) {
  MODERATO_ASSIGN_OR_RETURN_EXIT(auto store, OpenStore(flags, /*create=*/false));
  for (const std::string& id : flags.ids) {
    MODERATO_RETURN_EXIT_IF_ERROR(retire ? store->Retire(id, flags.editor)
                                         : store->Approve(id, flags.editor));
    std::printf("%s %s\n", retire ? "retired" : "approved", id.c_str());
  }
  return kExitOk;
}

int RunHistory(const CounterFlags& flags) {
  MODERATO_ASSIGN_OR_RETURN_EXIT(auto store, OpenStore(flags, /*create=*/false));
  for (const std::string& id : flags.ids) {
    MODERATO_ASSIGN_OR_RETURN_EXIT(std::vector<CounterItem> versions, store->History(id));
    for (const CounterItem& v : versions) {
      std::printf("%s\n", CounterItemToJson(v, /*with_store_fields=*/true).c_str());
    }
  }
  return kExitOk;
}

// The retriever over the store's approved items.
Result<std::unique_ptr<CounterRetriever>> LoadRetriever(CounterStore& store) {
  std::vector<CounterItem> items;
  CounterFilter filter;
  filter.status = "approved";
  MODERATO_RETURN_IF_ERROR(store.ForEachItem(filter, [&](const CounterItem& item) {
    items.push_back(item);
    return true;
  }));
  return CounterRetriever::Build(items, RetrievalOptions{});
}

nlohmann::ordered_json SuggestionJson(const Suggestion& s) {
  nlohmann::ordered_json j;
  j["id"] = s.id;
  j["score"] = s.score;
  j["language"] = s.language;
  j["strategy"] = s.strategy;
  j["themes"] = s.themes;
  nlohmann::ordered_json e;
  e["bm25_words"] = s.explanation.bm25_words;
  e["bm25_chars"] = s.explanation.bm25_chars;
  e["theme_score"] = s.explanation.theme_score;
  e["matched_themes"] = s.explanation.matched_themes;
  e["language_factor"] = s.explanation.language_factor;
  e["language_note"] = s.explanation.language_note;
  e["mmr_penalty"] = s.explanation.mmr_penalty;
  if (!s.explanation.mmr_similar_to.empty()) e["mmr_similar_to"] = s.explanation.mmr_similar_to;
  e["text"] = s.explanation.text;
  j["explanation"] = e;
  return j;
}

int RunSuggest(const CounterFlags& flags) {
  MODERATO_ASSIGN_OR_RETURN_EXIT(auto store, OpenStore(flags, /*create=*/false));
  MODERATO_ASSIGN_OR_RETURN_EXIT(auto retriever, LoadRetriever(*store));
  std::unique_ptr<Normalizer> normalizer;
  std::unique_ptr<LanguageIdentifier> lid;
  if (flags.lang.empty()) {
    MODERATO_ASSIGN_OR_RETURN_EXIT(normalizer, Normalizer::Create());
    MODERATO_ASSIGN_OR_RETURN_EXIT(lid, LanguageIdentifier::Load(ResolveLidPath(flags.lid_model)));
  }
  for (const std::string& text : flags.texts) {
    SuggestQuery query;
    query.k = flags.k;
    query.audience = flags.audience;
    query.language = flags.lang;
    if (lid) {
      MODERATO_ASSIGN_OR_RETURN_EXIT(NormalizedText normalized, normalizer->Normalize(text));
      LanguageGuess guess = lid->Identify(normalized);
      query.language = guess.lang == "arabizi" ? "ar" : guess.lang == "other" ? "" : guess.lang;
    }
    MODERATO_ASSIGN_OR_RETURN_EXIT(std::vector<Suggestion> suggestions,
                                   retriever->Suggest(text, query));
    for (const Suggestion& s : suggestions) std::printf("%s\n", SuggestionJson(s).dump().c_str());
  }
  return kExitOk;
}

int RunEval(const CounterFlags& flags) {
  std::ifstream in(flags.file, std::ios::binary);
  if (!in) return ReportError(NotFoundError("cannot open " + flags.file));
  std::ostringstream content;
  content << in.rdbuf();
  MODERATO_ASSIGN_OR_RETURN_EXIT(std::vector<EvalCase> cases, ParseEvalCases(content.str()));
  MODERATO_ASSIGN_OR_RETURN_EXIT(auto store, OpenStore(flags, /*create=*/false));
  MODERATO_ASSIGN_OR_RETURN_EXIT(auto retriever, LoadRetriever(*store));
  EvalOptions options;
  options.depth = flags.depth;
  MODERATO_ASSIGN_OR_RETURN_EXIT(EvalReport report, EvaluateRetrieval(*retriever, cases, options));
  std::printf("%s", FormatEvalReport(report).c_str());
  return kExitOk;
}

void AddCommon(CLI::App* cmd, CounterFlags* flags) {
  cmd->add_option("--db", flags->db, "SQLite database (else $MODERATO_DB, else ./moderato.db)");
  cmd->add_option("--editor", flags->editor, "Who makes the change (recorded in the history)")
      ->capture_default_str();
}

void AddFilter(CLI::App* cmd, CounterFlags* flags) {
  cmd->add_option("--lang", flags->lang, "Only this language (ar, fr, en)");
  cmd->add_option("--status", flags->status, "Only this status (draft, approved, retired)");
  cmd->add_option("--theme", flags->theme, "Only items answering this theme");
}

}  // namespace

void RegisterCounter(CLI::App& app, Action* action) {
  auto flags = std::make_shared<CounterFlags>();
  CLI::App* counter = app.add_subcommand(
      "counter", "The counter-narrative library: add, import, approve, suggest, evaluate");
  counter->require_subcommand(1);

  CLI::App* add = counter->add_subcommand("add", "Add (or edit) one item; it starts as a draft");
  AddCommon(add, flags.get());
  CounterItem& item = flags->item;
  add->add_option("--id", item.id, "Item id ([A-Za-z0-9_.-], 1-64)")->required();
  add->add_option("--lang", item.language, "ar, fr or en")->required();
  add->add_option("--title", item.title, "Title")->required();
  add->add_option("--body", item.body, "The counter-narrative (short text)")->required();
  add->add_option("--link", item.link, "An http(s) link (article, video)");
  add->add_option("--format", item.format, "text, article, video_link, image")
      ->capture_default_str();
  add->add_option("--theme", item.themes, "Theme it answers (repeatable; docs/counter-themes.md)")
      ->required();
  add->add_option("--strategy", item.strategy,
                  "facts, alternative_narrative, denouncing, humour, question, personal_story, "
                  "positive_values")
      ->required();
  add->add_option("--audience", item.audience, "youth, general, parents_educators (repeatable)")
      ->required();
  add->add_option("--messenger", item.messenger.name, "Messenger (organisation) name")->required();
  add->add_option("--messenger-kind", item.messenger.kind,
                  "religious_scholars, ngo, survivors, former_extremists, educators, "
                  "public_institution")
      ->required();
  add->add_flag("--verified", item.messenger.verified, "The messenger's identity was verified");
  add->add_option("--endorsement", item.messenger.endorsements, "Who vouches (repeatable)");
  add->add_option("--licence", item.licence, "Licence of the text, e.g. CC-BY-4.0");
  add->callback([flags, action] { *action = [flags] { return RunAdd(*flags); }; });

  CLI::App* import = counter->add_subcommand(
      "import", "Import items from JSONL or CSV, all or nothing (one transaction)");
  AddCommon(import, flags.get());
  import->add_option("file", flags->file, "JSONL or CSV file")
      ->required()
      ->check(CLI::ExistingFile);
  import->add_option("--format", flags->format, "jsonl or csv (default: from the extension)");
  import->add_flag("--keep-status", flags->keep_status,
                   "Keep the file's status (an exported approved library stays approved); "
                   "otherwise new and changed items are drafts");
  import->callback([flags, action] { *action = [flags] { return RunImport(*flags);
};
}  // namespace moderato::cli
);

CLI::App* exp = counter->add_subcommand("export", "Write items to stdout (JSONL or CSV)");
AddCommon(exp, flags.get());
AddFilter(exp, flags.get());
exp->add_option("--format", flags->format, "jsonl (default) or csv");
exp->callback([flags, action] { *action = [flags] { return RunExport(*flags); }; });

CLI::App* list = counter->add_subcommand("list", "List items (latest version of each)");
AddCommon(list, flags.get());
AddFilter(list, flags.get());
list->callback([flags, action] { *action = [flags] { return RunList(*flags); }; });

CLI::App* approve = counter->add_subcommand("approve", "Approve the latest version of items");
AddCommon(approve, flags.get());
approve->add_option("ids", flags->ids, "Item ids")->required();
approve->callback([flags, action] { *action = [flags] { return RunApprove(*flags, false); }; });

CLI::App* retire = counter->add_subcommand("retire", "Never serve these items again");
AddCommon(retire, flags.get());
retire->add_option("ids", flags->ids, "Item ids")->required();
retire->callback([flags, action] { *action = [flags] { return RunApprove(*flags, true); }; });

CLI::App* history = counter->add_subcommand("history", "Every version of items (JSONL)");
AddCommon(history, flags.get());
history->add_option("ids", flags->ids, "Item ids")->required();
history->callback([flags, action] { *action = [flags] { return RunHistory(*flags); }; });

CLI::App* suggest = counter->add_subcommand(
    "suggest", "Rank approved counter-narratives for a message (JSONL with explanations)");
AddCommon(suggest, flags.get());
suggest->add_option("texts", flags->texts, "Messages")->required();
suggest->add_option("--lang", flags->lang,
                    "The message's language (default: detected with lid.176)");
suggest->add_option("-k", flags->k, "How many suggestions")->capture_default_str();
suggest->add_option("--audience", flags->audience, "Only items for this audience (repeatable)");
suggest->add_option("--lid-model", flags->lid_model,
                    "fastText language-identification model (else $MODERATO_LID_MODEL)");
suggest->callback([flags, action] { *action = [flags] { return RunSuggest(*flags); }; });

CLI::App* eval = counter->add_subcommand(
    "eval", "Recall@1, Recall@5 and MRR per language, next to a BM25-only baseline");
AddCommon(eval, flags.get());
eval->add_option("file", flags->file, "JSONL: id, language, message, gold_items, gold_themes")
    ->required()
    ->check(CLI::ExistingFile);
eval->add_option("--depth", flags->depth, "Suggestions retrieved per message (MRR cut-off)")
    ->capture_default_str();
eval->callback([flags, action] { *action = [flags] { return RunEval(*flags); }; });
}

}  // namespace moderato::cli
