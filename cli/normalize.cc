// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// moderato normalize [--view normalized|skeleton|all] [--json] [--lang] TEXT...
//   Prints the views of each TEXT (or of each line of stdin when no TEXT is
//   given), the obfuscation flags and, with --lang, the language guess. With
//   --json, prints one JSON object per text, including the offset spans that
//   map each view back to the original bytes.

#include "moderato/text/normalize.h"

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "moderato/text/langid.h"
#include "nlohmann/json.hpp"

namespace moderato::cli {
namespace {

struct NormalizeFlags {
  std::string view = "all";
  bool json = false;
  bool lang = false;
  std::vector<std::string> texts;
};

std::string FlagList(std::uint32_t flags) {
  std::string out;
  for (std::string_view name : ObfuscationFlagNames(flags)) {
    if (!out.empty()) out += ",";
    out += name;
  }
  return out.empty() ? "none" : out;
}

// Consecutive view bytes with the same origin form one span (a segment).
nlohmann::json Spans(const TextView& view) {
  nlohmann::json spans = nlohmann::json::array();
  std::size_t k = 0;
  while (k < view.offsets.size()) {
    std::size_t end = k + 1;
    while (end < view.offsets.size() && view.offsets.origin(end) == view.offsets.origin(k)) ++end;
    ByteSpan o = view.offsets.origin(k);
    spans.push_back({{"view", {k, end}}, {"original", {o.begin, o.end}}});
    k = end;
  }
  return spans;
}

int PrintOne(const Normalizer& normalizer, const LanguageIdentifier* lid,
             const NormalizeFlags& flags, const std::string& text) {
  Result<NormalizedText> t = normalizer.Normalize(text);
  if (!t.ok()) return ReportError(t.status());
  LanguageGuess guess;
  if (lid != nullptr) guess = lid->Identify(*t);
  if (flags.json) {
    nlohmann::json j = {{"text", text}};
    if (flags.view != "skeleton") {
      j["normalized"] = t->normalized.text;
      j["normalized_spans"] = Spans(t->normalized);
    }
    if (flags.view != "normalized") {
      j["skeleton"] = t->skeleton.text;
      j["skeleton_spans"] = Spans(t->skeleton);
    }
    nlohmann::json names = nlohmann::json::array();
    for (std::string_view name : ObfuscationFlagNames(t->flags)) names.push_back(name);
    j["flags"] = names;
    if (lid != nullptr) {
      j["lang"] = guess.lang;
      j["fasttext_label"] = guess.fasttext_label;
      j["lang_confidence"] = guess.confidence;
    }
    std::string line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::printf("%s\n", line.c_str());
    return kExitOk;
  }
  if (flags.view == "normalized") {
    std::printf("%s\n", t->normalized.text.c_str());
  } else if (flags.view == "skeleton") {
    std::printf("%s\n", t->skeleton.text.c_str());
  } else {
    std::printf("normalized: %s\nskeleton:   %s\nflags:      %s\n", t->normalized.text.c_str(),
                t->skeleton.text.c_str(), FlagList(t->flags).c_str());
    if (lid != nullptr) {
      std::printf("lang:       %s (fastText %s, %.2f)\n", guess.lang.c_str(),
                  guess.fasttext_label.c_str(), guess.confidence);
    }
  }
  return kExitOk;
}

int Run(const NormalizeFlags& flags) {
  Result<std::unique_ptr<Normalizer>> normalizer = Normalizer::Create();
  if (!normalizer.ok()) return ReportError(normalizer.status());
  std::unique_ptr<LanguageIdentifier> lid;
  if (flags.lang) {
    Result<std::unique_ptr<LanguageIdentifier>> loaded = LanguageIdentifier::Load("");
    if (!loaded.ok()) return ReportError(loaded.status());
    lid = std::move(loaded).value();
  }
  int worst = kExitOk;
  auto one = [&](const std::string& text) {
    int code = PrintOne(**normalizer, lid.get(), flags, text);
    if (code != kExitOk) worst = code;
  };
  if (!flags.texts.empty()) {
    for (const std::string& text : flags.texts) one(text);
  } else {
    std::string line;
    while (std::getline(std::cin, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      one(line);
    }
  }
  return worst;
}

}  // namespace

void RegisterNormalize(CLI::App& app, Action* action) {
  auto flags = std::make_shared<NormalizeFlags>();
  auto* cmd = app.add_subcommand(
      "normalize", "Print the normalized and skeleton views of texts (or of stdin lines)");
  cmd->add_option("--view", flags->view, "Which view to print")
      ->check(CLI::IsMember({"normalized", "skeleton", "all"}))
      ->capture_default_str();
  cmd->add_flag("--json", flags->json, "One JSON object per text, with offset spans");
  cmd->add_flag("--lang", flags->lang, "Also identify the language (fastText lid.176 + Arabizi)");
  cmd->add_option("text", flags->texts, "Texts to normalize; stdin lines when none");
  cmd->callback([flags, action] { *action = [flags] { return Run(*flags); }; });
}

}  // namespace moderato::cli
