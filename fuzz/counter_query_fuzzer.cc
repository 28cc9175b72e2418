// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Feeds arbitrary bytes to CounterRetriever::Suggest (and so to theme
// inference) over a handful of items built in code. The first byte picks
// the query language, k, the audience filter and the baseline mode; the rest
// is the message. Every call must either fail with kResourceExhausted (only
// above the byte budget) or return at most k approved suggestions with
// finite, non-increasing scores whose explanation adds up (MMR may push a
// late score below zero; that is allowed).

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "moderato/counter/retrieval.h"

namespace {

moderato::CounterItem Item(std::string id, std::string language, std::string body,
                           std::vector<std::string> themes, std::string strategy,
                           std::vector<std::string> audience, std::string status = "approved") {
  moderato::CounterItem item;
  item.id = std::move(id);
  item.language = std::move(language);
  item.title = "starter";
  item.body = std::move(body);
  item.themes = std::move(themes);
  item.strategy = std::move(strategy);
  item.audience = std::move(audience);
  item.status = std::move(status);
  return item;
}

const moderato::CounterRetriever& Retriever() {
  static const moderato::CounterRetriever* retriever = [] {
    const std::vector<moderato::CounterItem> items = {
        Item("en-1", "en", "Killing innocents is not martyrdom; remember the victims.",
             {"glorification_martyrdom"}, "facts", {"general"}),
        Item("en-2", "en", "Who profits when you believe a hidden plot?", {"conspiracy"},
             "question", {"youth"}),
        Item("fr-1", "fr", "Le « grand remplacement » est un mythe démenti par les chiffres.",
             {"conspiracy", "hate_migrants"}, "facts", {"general", "youth"}),
        Item("fr-2", "fr", "Partir là-bas ? Les familles racontent le retour.",
             {"recruitment_travel"}, "personal_story", {"parents_educators"}),
        Item("ar-1", "ar", "من قتل نفسا بغير نفس فكأنما قتل الناس جميعا",
             {"religious_justification"}, "facts", {"general"}),
        Item("ar-2", "ar", "الشهيد الحقيقي لا يقتل الأبرياء", {"glorification_martyrdom"},
             "alternative_narrative", {"youth"}),
        Item("draft", "en", "martyr plot hidden caliphate", {"conspiracy"}, "humour", {"youth"},
             "draft"),
    };
    moderato::RetrievalOptions options;
    options.max_message_bytes = 4096;
    options.char_ngram_buckets = 1u << 12;
    auto built = moderato::CounterRetriever::Build(items, options);
    if (!built.ok()) __builtin_trap();
    return built->release();
  }();
  return *retriever;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const moderato::CounterRetriever& r = Retriever();
  const std::uint8_t control = data[0];
  const std::string_view message(reinterpret_cast<const char*>(data + 1), size - 1);
  static constexpr const char* kLanguages[] = {"", "ar", "fr", "en", "arabizi", "de", "en", "fr"};
  moderato::SuggestQuery q;
  q.language = kLanguages[control & 7];
  q.k = 1 + ((control >> 3) & 7);
  if ((control & 0x40) != 0) q.audience = {"youth"};
  q.bm25_only = (control & 0x80) != 0;
  auto result = r.Suggest(message, q);
  if (!result.ok()) {
    if (result.status().code() != moderato::StatusCode::kResourceExhausted) __builtin_trap();
    if (message.size() <= r.options().max_message_bytes) __builtin_trap();
    return 0;
  }
  if (result->size() > q.k) __builtin_trap();
  double previous = INFINITY;
  for (const moderato::Suggestion& s : *result) {
    if (s.id == "draft") __builtin_trap();
    if (!std::isfinite(s.score) || s.score > previous + 1e-12) {
      __builtin_trap();
    }
    previous = s.score;
    const moderato::Explanation& e = s.explanation;
    const double sum =
        e.bm25_words + e.bm25_chars + e.theme_score + e.language_adjustment - e.mmr_penalty;
    if (std::fabs(sum - s.score) > 1e-9) __builtin_trap();
    if (!q.audience.empty() && s.id != "en-2" && s.id != "fr-1" && s.id != "ar-2") {
      __builtin_trap();
    }
  }
  return 0;
}
