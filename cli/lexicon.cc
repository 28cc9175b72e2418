// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// moderato lexicon check FILE              validate a lexicon, print counts
// moderato lexicon match [--lexicon FILE] TEXT...
//                                          print one JSON line of hits per TEXT
//                                          (lines of stdin when no TEXT is given)

#include "moderato/lexicon/lexicon.h"

#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/defaults.h"
#include "moderato/text/normalize.h"
#include "nlohmann/json.hpp"

namespace moderato::cli {
namespace {

struct LexiconFlags {
  std::string check_file;
  std::string lexicon;
  std::vector<std::string> texts;
};

int RunCheck(const LexiconFlags& flags) {
  Result<std::unique_ptr<Normalizer>> normalizer = Normalizer::Create();
  if (!normalizer.ok()) return ReportError(normalizer.status());
  Result<std::shared_ptr<const Lexicon>> lexicon = Lexicon::Load(flags.check_file, **normalizer);
  if (!lexicon.ok()) return ReportError(lexicon.status());
  std::map<std::string, int> categories;
  std::map<std::string, int> languages;
  std::map<std::string, int> modes;
  for (const LexiconEntry& e : (*lexicon)->entries()) {
    ++categories[std::string(LexiconCategoryName(e.category))];
    ++modes[std::string(LexiconModeName(e.mode))];
    for (std::uint32_t bit = 1; bit <= kAllLexiconLanguages; bit <<= 1) {
      if (e.languages & bit) ++languages[LexiconLanguagesString(bit)];
    }
  }
  std::printf("%s: OK, %zu entries\n", flags.check_file.c_str(), (*lexicon)->size());
  auto print = [](const char* title, const std::map<std::string, int>& counts) {
    std::printf("%s:\n", title);
    for (const auto& [name, n] : counts) std::printf("  %-16s %d\n", name.c_str(), n);
  };
  print("by category", categories);
  print("by language", languages);
  print("by mode", modes);
  return kExitOk;
}

nlohmann::json HitsJson(const std::string& text, const LexiconMatches& matches,
                        const Lexicon& lexicon) {
  nlohmann::json hits = nlohmann::json::array();
  for (const LexiconHit& h : matches.hits) {
    const LexiconEntry& e = lexicon.entry(h.entry_index);
    nlohmann::json views = nlohmann::json::array();
    if (h.views & static_cast<std::uint32_t>(LexiconView::kNormalized))
      views.push_back("normalized");
    if (h.views & static_cast<std::uint32_t>(LexiconView::kSkeleton)) views.push_back("skeleton");
    hits.push_back({{"id", h.id},
                    {"category", LexiconCategoryName(h.category)},
                    {"weight", h.weight},
                    {"languages", LexiconLanguagesString(e.languages)},
                    {"mode", LexiconModeName(e.mode)},
                    {"start", h.span.begin},
                    {"end", h.span.end},
                    {"match", text.substr(h.span.begin, h.span.size())},
                    {"views", views}});
  }
  return {{"text", text}, {"hits", hits}, {"truncated", matches.truncated}};
}

int RunMatch(const LexiconFlags& flags) {
  Result<std::unique_ptr<Normalizer>> normalizer = Normalizer::Create();
  if (!normalizer.ok()) return ReportError(normalizer.status());
  std::string path = ResolveLexiconPath(flags.lexicon);
  Result<std::shared_ptr<const Lexicon>> lexicon = Lexicon::Load(path, **normalizer);
  if (!lexicon.ok()) return ReportError(lexicon.status());
  LexiconScratch scratch;
  auto match_one = [&](const std::string& text) -> Status {
    MODERATO_ASSIGN_OR_RETURN(NormalizedText normalized, (*normalizer)->Normalize(text));
    MODERATO_ASSIGN_OR_RETURN(LexiconMatches matches, (*lexicon)->Scan(normalized, scratch));
    std::string line = HitsJson(text, matches, **lexicon)
                           .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::printf("%s\n", line.c_str());
    return OkStatus();
  };
  if (!flags.texts.empty()) {
    for (const std::string& text : flags.texts) {
      if (Status s = match_one(text); !s.ok()) return ReportError(s);
    }
    return kExitOk;
  }
  std::string line;
  while (std::getline(std::cin, line)) {
    if (Status s = match_one(line); !s.ok()) return ReportError(s);
  }
  return kExitOk;
}

}  // namespace

void RegisterLexicon(CLI::App& app, Action* action) {
  auto flags = std::make_shared<LexiconFlags>();
  auto* cmd = app.add_subcommand("lexicon", "Validate lexicon files and try them on texts");
  cmd->require_subcommand(1);

  auto* check = cmd->add_subcommand(
      "check", "Validate a lexicon file (docs/lexicon-format.md) and print counts");
  check->add_option("FILE", flags->check_file, "Lexicon TSV file")->required();
  check->callback([flags, action] { *action = [flags] { return RunCheck(*flags); }; });

  auto* match = cmd->add_subcommand(
      "match", "Print the lexicon hits of each TEXT (or stdin line) as one JSON line");
  match->add_option("--lexicon", flags->lexicon,
                    "Lexicon TSV file (default: $MODERATO_LEXICON or the starter lexicon)");
  match->add_option("TEXT", flags->texts, "Texts to scan; stdin lines if none");
  match->callback([flags, action] { *action = [flags] { return RunMatch(*flags); }; });
}

}  // namespace moderato::cli
