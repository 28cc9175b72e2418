// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Redirect campaigns: a search query that contains a campaign's trigger term
// (an organisation's name, an alias, a slogan) is answered with the
// campaign's playlist of approved counter-narratives (the Redirect Method).
// docs/redirect.md describes campaigns, the file format and the metrics.
//
// RedirectEngine compiles the triggers of every enabled campaign into ONE
// Lexicon (entry id "c<campaign index>.t<trigger index>"), so obfuscated
// queries still trigger: leetspeak ("ISI$"), spaced letters ("D a e s h"),
// look-alike letters, harakat and tatweel, Arabic clitics (see lexicon.h).
// Both `word` and `phrase` triggers match whole words (lexicon word mode).
//
// Choice. Among the triggers found in the query, from campaigns active at
// `now` whose trigger language is "*" or the query's language (any language
// when the query's is unknown), the longest normalised trigger wins (the most
// specific); ties go to the smallest campaign id, then the earliest match.
//
// Budgets: queries longer than RedirectOptions::max_query_bytes (2 KiB) fail
// with kResourceExhausted; campaigns are validated (ValidateCampaign).
//
// Thread safety: a built RedirectEngine is immutable; Resolve() may be called
// from many threads (they share one scratch under a mutex).
//
// Example:
//   MODERATO_ASSIGN_OR_RETURN(auto engine, RedirectEngine::Build(campaigns, normalizer));
//   MODERATO_ASSIGN_OR_RETURN(auto decision, engine->Resolve("d4esh videos", "en", now));
//   if (decision) {
//     MODERATO_ASSIGN_OR_RETURN(auto items, RedirectItems(*decision, store, "en", 3));
//   }
#ifndef MODERATO_COUNTER_REDIRECT_H_
#define MODERATO_COUNTER_REDIRECT_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "moderato/counter/campaign.h"
#include "moderato/counter/item.h"
#include "moderato/lexicon/lexicon.h"
#include "moderato/status.h"
#include "moderato/store/counter_store.h"
#include "moderato/text/normalize.h"

namespace moderato {

struct RedirectOptions {
  // Resolve() fails with kResourceExhausted for longer queries.
  std::size_t max_query_bytes = 2048;
  // Build() fails with kResourceExhausted above this many triggers in total.
  std::size_t max_total_triggers = 100'000;
};

// What Resolve() found: the campaign to show and why.
struct RedirectDecision {
  std::string campaign_id;
  CampaignTrigger trigger;            // the trigger that matched, as written in the campaign
  ByteSpan span;                      // where it matched, in the ORIGINAL query bytes
  std::vector<std::string> playlist;  // the campaign's ordered item ids
  friend bool operator==(const RedirectDecision&, const RedirectDecision&) = default;
};

class RedirectEngine {
 public:
  // Compiles the triggers of the enabled campaigns in `campaigns` (copied)
  // with `normalizer`, which must outlive the engine. Fails with
  // kInvalidArgument if a campaign is invalid (ValidateCampaign), ids repeat,
  // or a term normalises to nothing; kResourceExhausted above the budgets.
  static Result<std::unique_ptr<RedirectEngine>> Build(std::span<const Campaign> campaigns,
                                                       const Normalizer& normalizer,
                                                       RedirectOptions options = {});

  // Only Build() can make a Key: use it.
  struct Key;
  RedirectEngine(Key, const Normalizer& normalizer, RedirectOptions options);

  // Not copyable or movable: holds a compiled lexicon and a mutex.
  RedirectEngine(const RedirectEngine&) = delete;
  RedirectEngine& operator=(const RedirectEngine&) = delete;
  ~RedirectEngine();

  // Returns the campaign to show for `query` (see the file comment), or
  // nullopt when none triggers. `language` is "ar", "fr", "en" or "" for
  // unknown; `now` is Unix seconds. Fails with kResourceExhausted if the
  // query is longer than max_query_bytes, and as Lexicon::Scan otherwise.
  Result<std::optional<RedirectDecision>> Resolve(std::string_view query, std::string_view language,
                                                  std::int64_t now) const;

  // The campaigns the engine was built from, in the given order.
  std::span<const Campaign> campaigns() const { return campaigns_; }

 private:
  struct EntryRef {
    std::size_t campaign = 0;
    std::size_t trigger = 0;
  };
  const Normalizer& normalizer_;
  RedirectOptions options_;
  std::vector<Campaign> campaigns_;
  std::vector<EntryRef> entries_;           // parallel to lexicon_->entries()
  std::shared_ptr<const Lexicon> lexicon_;  // null when no trigger was compiled
  mutable std::mutex mu_;
  mutable LexiconScratch scratch_;  // guarded by mu_
};

// Returns what to show for `decision`: the playlist's items that `store`
// serves (GetServable: the latest approved version; drafts, retired and
// missing items are skipped), keeping only those in `language` when at least
// one is (else all, in playlist order), at most `max_items`. Fails with the
// store's error other than kNotFound.
Result<std::vector<CounterItem>> RedirectItems(const RedirectDecision& decision,
                                               CounterStore& store, std::string_view language,
                                               std::size_t max_items);

// Campaign files: a JSON array of campaign objects, or JSONL (one object a
// line). Fields: id, name, triggers [{language, term, mode}], playlist
// [item ids], starts_at, ends_at (Unix seconds, 0 = open), enabled
// (default true), owner; a trigger may also be written as a bare string
// (language "*", mode "word"). "comment" and "demo" are notes for readers,
// accepted and not stored. Any other field is an error.
struct CampaignFileOptions {
  std::size_t max_file_bytes = 8u << 20;
  std::size_t max_campaigns = 1000;
  std::size_t max_json_depth = 8;
};

// Parses a campaign file. Fails with kInvalidArgument naming the line
// (JSONL, "line 3: ...") or the array index ("campaign 2: ...") for
// malformed JSON, a wrong type, an unknown field, an invalid campaign
// (ValidateCampaign) or a repeated id; kResourceExhausted above `options`.
Result<std::vector<Campaign>> ParseCampaigns(std::string_view content,
                                             CampaignFileOptions options = {});

// Returns `campaigns` as a JSON array (one campaign a line), which
// ParseCampaigns reads back to equal campaigns.
std::string CampaignsToJson(std::span<const Campaign> campaigns);

}  // namespace moderato

#endif  // MODERATO_COUNTER_REDIRECT_H_
