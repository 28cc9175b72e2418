// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// RedirectEngine: campaign triggers compiled into one Lexicon, resolved per
// query (include/moderato/counter/redirect.h).

#include "moderato/counter/redirect.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "moderato/counter/campaign.h"
#include "moderato/lexicon/lexicon.h"
#include "moderato/status.h"
#include "moderato/store/counter_store.h"

namespace moderato {

// Defined here only, so that no one else can make one.
struct RedirectEngine::Key {};

RedirectEngine::RedirectEngine(Key, const Normalizer& normalizer, RedirectOptions options)
    : normalizer_(normalizer), options_(options) {}

RedirectEngine::~RedirectEngine() = default;

Result<std::unique_ptr<RedirectEngine>> RedirectEngine::Build(std::span<const Campaign> campaigns,
                                                              const Normalizer& normalizer,
                                                              RedirectOptions options) {
  auto engine = std::make_unique<RedirectEngine>(Key{}, normalizer, options);
  std::unordered_set<std::string_view> ids;
  std::size_t total = 0;
  for (const Campaign& c : campaigns) {
    if (std::string error = ValidateCampaign(c); !error.empty()) {
      return InvalidArgumentError("campaign '" + c.id.substr(0, 64) + "': " + error);
    }
    if (!ids.insert(c.id).second) {
      return InvalidArgumentError("campaign '" + c.id + "' is listed twice");
    }
    total += c.triggers.size();
    if (total > options.max_total_triggers) {
      return ResourceExhaustedError("more than " + std::to_string(options.max_total_triggers) +
                                    " campaign triggers");
    }
  }
  engine->campaigns_.assign(campaigns.begin(), campaigns.end());
  // One lexicon line per trigger of an enabled campaign; terms were checked
  // free of tabs and control characters, so they cannot break the TSV.
  std::string tsv = "id\tterm\tlanguages\tcategory\tweight\tmode\tsource\n";
  for (std::size_t ci = 0; ci < engine->campaigns_.size(); ++ci) {
    const Campaign& c = engine->campaigns_[ci];
    if (!c.enabled) continue;
    for (std::size_t ti = 0; ti < c.triggers.size(); ++ti) {
      const CampaignTrigger& t = c.triggers[ti];
      tsv += 'c';
      tsv += std::to_string(ci);
      tsv += ".t";
      tsv += std::to_string(ti);
      tsv += '\t';
      tsv += t.term;
      tsv += '\t';
      tsv += t.language;
      tsv += "\tother\t1\tword\tcampaign\n";
      engine->entries_.push_back(EntryRef{ci, ti});
    }
  }
  if (engine->entries_.empty()) return engine;
  LexiconOptions lexicon_options;
  lexicon_options.max_entries = options.max_total_triggers;
  // A term is at most kMaxCampaignTermBytes; normalisation may expand it.
  lexicon_options.max_term_bytes = kMaxCampaignTermBytes * 18 + 16;
  lexicon_options.max_hits = 1024;
  Result<std::shared_ptr<const Lexicon>> lexicon =
      Lexicon::Parse(tsv, "campaign triggers", normalizer, lexicon_options);
  if (!lexicon.ok()) return lexicon.status();
  engine->lexicon_ = std::move(*lexicon);
  return engine;
}

Result<std::optional<RedirectDecision>> RedirectEngine::Resolve(std::string_view query,
                                                                std::string_view language,
                                                                std::int64_t now) const {
  if (query.size() > options_.max_query_bytes) {
    return ResourceExhaustedError("query longer than " + std::to_string(options_.max_query_bytes) +
                                  " bytes");
  }
  if (lexicon_ == nullptr || query.empty()) return std::optional<RedirectDecision>();
  MODERATO_ASSIGN_OR_RETURN(NormalizedText text, normalizer_.Normalize(query));
  LexiconMatches matches;
  {
    std::lock_guard<std::mutex> lock(mu_);
    MODERATO_ASSIGN_OR_RETURN(matches, lexicon_->Scan(text, scratch_));
  }
  const LexiconHit* best = nullptr;
  std::size_t best_length = 0;
  for (const LexiconHit& hit : matches.hits) {
    const EntryRef& ref = entries_[hit.entry_index];
    const Campaign& c = campaigns_[ref.campaign];
    const CampaignTrigger& t = c.triggers[ref.trigger];
    if (!CampaignActiveAt(c, now)) continue;
    if (!language.empty() && t.language != "*" && t.language != language) continue;
    const std::size_t length = lexicon_->entry(hit.entry_index).normalized_term.size();
    if (best != nullptr) {
      const Campaign& bc = campaigns_[entries_[best->entry_index].campaign];
      // Hits are sorted by start, so an equal (length, id) keeps the earliest.
      if (length < best_length) continue;
      if (length == best_length && c.id >= bc.id) continue;
    }
    best = &hit;
    best_length = length;
  }
  if (best == nullptr) return std::optional<RedirectDecision>();
  const EntryRef& ref = entries_[best->entry_index];
  const Campaign& c = campaigns_[ref.campaign];
  RedirectDecision decision;
  decision.campaign_id = c.id;
  decision.trigger = c.triggers[ref.trigger];
  decision.span = best->span;
  decision.playlist = c.playlist;
  return std::optional<RedirectDecision>(std::move(decision));
}

Result<std::vector<CounterItem>> RedirectItems(const RedirectDecision& decision,
                                               CounterStore& store, std::string_view language,
                                               std::size_t max_items) {
  std::vector<CounterItem> servable;
  bool any_in_language = false;
  for (const std::string& id : decision.playlist) {
    Result<CounterItem> item = store.GetServable(id);
    if (!item.ok()) {
      if (item.status().code() == StatusCode::kNotFound) continue;
      return item.status();
    }
    if (item->status != "approved") continue;  // defence in depth: only approved is served
    if (!language.empty() && item->language == language) any_in_language = true;
    servable.push_back(std::move(*item));
  }
  std::vector<CounterItem> shown;
  for (CounterItem& item : servable) {
    if (shown.size() >= max_items) break;
    if (any_in_language && item.language != language) continue;
    shown.push_back(std::move(item));
  }
  return shown;
}

}  // namespace moderato
