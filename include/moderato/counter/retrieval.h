// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Counter-narrative retrieval: given an extremist message and its language,
// the top-k approved counter-narrative items, each with an explanation of
// its score. docs/counter-retrieval.md has the formula, the parameters and
// the evaluation.
//
// Scoring of an item d for a message m (all components are in [0, 1] before
// their weights, see RetrievalWeights):
//   relevance(d) = w_words * BM25_words(m, d) / max_d' BM25_words(m, d')
//                + w_chars * BM25_chars(m, d) / max_d' BM25_chars(m, d')
//                + w_themes * min(1, sum of inferred weights of d's themes)
//   adjusted(d)  = relevance(d) * language_factor(d)
//   final(d)     = adjusted(d) - mmr_penalty(d)
// BM25_words runs over the word tokens of the Normalizer's normalized view;
// BM25_chars over the character 3..5-grams of the skeleton view's words
// (hashed into buckets), which covers Arabic clitics and morphology and
// obfuscated spellings. language_factor is 1 for the first language of the
// fallback order (the query's language, then RetrievalOptions::
// language_fallback) and language_discount^position for the next ones;
// languages outside the order are not served. The audience filter is hard.
// Greedy maximal marginal relevance (Carbonell & Goldstein, 1998) then picks
// the k items: mmr_penalty(d) = (1 - lambda) / lambda * max_s sim(d, s) *
// max adjusted, over the items s already picked, where sim = strategy_weight
// * [same strategy] + theme_weight * Jaccard(themes). Ties are broken by id.
// Explanation::final == bm25_words + bm25_chars + theme_score +
// language_adjustment - mmr_penalty == Suggestion::score.
//
// Only items with status "approved" are indexed (the approval gate): drafts
// and retired items are never returned.
//
// Thread safety: a CounterRetriever is immutable after Build() and Suggest()
// may be called from many threads at once.
//
// Cost: Build() is linear in the library's bytes (about 1.4 s for 10,000
// items). Suggest() walks the postings of the message's terms (inverted
// indexes, never a scan over the items) and runs MMR on a pool of at most
// max(50, 10 k) candidates: well under 1 ms for a post against 10,000 items
// (bench/counter_bench.cc). Messages above max_message_bytes fail with
// kResourceExhausted.
//
// Example:
//   MODERATO_ASSIGN_OR_RETURN(std::unique_ptr<moderato::CounterRetriever> r,
//                             moderato::CounterRetriever::Build(items, {}));
//   moderato::SuggestQuery q;
//   q.language = "fr";
//   MODERATO_ASSIGN_OR_RETURN(std::vector<moderato::Suggestion> s, r->Suggest(post, q));
//   for (const auto& x : s) Show(x.id, x.score, x.explanation.text);

#ifndef MODERATO_COUNTER_RETRIEVAL_H_
#define MODERATO_COUNTER_RETRIEVAL_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "moderato/counter/item.h"
#include "moderato/counter/themes.h"
#include "moderato/status.h"

namespace moderato {

// Weights of the relevance components. Each component is in [0, 1] before
// its weight; the weights need not sum to 1.
struct RetrievalWeights {
  double bm25_words = 0.35;
  double bm25_chars = 0.35;
  double themes = 0.30;
};

struct RetrievalOptions {
  // Languages tried after the query's own language, in order. A language
  // absent from this list (and not the query's) is never served.
  std::vector<std::string> language_fallback = {"en", "fr", "ar"};
  // Factor of the i-th language of the order (0 = query language): discount^i.
  double language_discount = 0.5;
  RetrievalWeights weights;
  // BM25 parameters (Robertson & Zaragoza 2009), shared by both indexes.
  double bm25_k1 = 1.2;
  double bm25_b = 0.75;
  // Character n-gram lengths, in code points, and the number of hash buckets
  // (a power of two) they are folded into.
  std::size_t char_ngram_min = 3;
  std::size_t char_ngram_max = 5;
  std::size_t char_ngram_buckets = 1u << 20;
  // Query n-grams present in more than max(char_ngram_max_df * items,
  // char_ngram_min_df_cut) items are skipped: their IDF is tiny and their
  // postings long (the floor keeps small libraries exact).
  double char_ngram_max_df = 0.5;
  std::size_t char_ngram_min_df_cut = 256;
  // Query terms kept, highest IDF first (bounds the work on long messages).
  std::size_t max_query_words = 256;
  std::size_t max_query_ngrams = 1024;
  // MMR: lambda in (0, 1]; 1 disables diversity. sim = strategy_weight *
  // [same strategy] + theme_weight * Jaccard(themes).
  double mmr_lambda = 0.7;
  double mmr_strategy_weight = 0.6;
  double mmr_theme_weight = 0.4;
  // Budgets. Suggest() fails with kResourceExhausted above max_message_bytes
  // and with kInvalidArgument for k > max_k. Build() fails with
  // kResourceExhausted above max_items.
  std::size_t max_message_bytes = 16 * 1024;
  std::size_t max_k = 100;
  std::size_t max_items = 1'000'000;
  // Theme inference used when a query brings no themes of its own.
  ThemeInferenceOptions themes;
};

struct SuggestQuery {
  // The message's language ("ar", "fr", "en"; "arabizi" counts as "ar").
  // "" means unknown: every language of the fallback order weighs 1.
  // Any other lowercase code ([a-z]{2,8}) is served through the fallback.
  std::string language;
  // Number of suggestions, 1..RetrievalOptions::max_k.
  std::size_t k = 5;
  // Hard filter: when non-empty, only items sharing one of these
  // kCounterAudiences ids are served.
  std::vector<std::string> audience;
  // Themes already inferred by the caller; when absent they are inferred from
  // the message and `signals`.
  std::optional<std::vector<ThemeScore>> themes;
  ThemeSignals signals;
  // The baseline: word BM25 and language only (no themes, no character
  // n-grams, no MMR). Used by the evaluation.
  bool bm25_only = false;
};

// Why an item got its score. final == bm25_words + bm25_chars + theme_score
// + language_adjustment - mmr_penalty.
struct Explanation {
  double bm25_words = 0;  // weighted, normalised word BM25
  double bm25_chars = 0;  // weighted, normalised character n-gram BM25
  double theme_score = 0;
  std::vector<std::string> matched_themes;  // inferred themes the item answers
  double language_factor = 1;               // multiplier of the relevance
  double language_adjustment = 0;           // relevance * (language_factor - 1), <= 0
  std::string language_note;                // "same language", "fallback: en", ...
  double mmr_penalty = 0;                   // >= 0, subtracted
  std::string mmr_similar_to;               // id of the most similar item ranked above
  double final = 0;
  std::string text;  // human-readable, one line
};

struct Suggestion {
  std::string id;
  double score = 0;
  std::string language;
  std::string strategy;
  std::vector<std::string> themes;
  Explanation explanation;
};

class CounterRetriever {
 public:
  // Indexes the approved items of `items` (others are skipped; the span is
  // not kept). Fails with kInvalidArgument if options are out of range
  // (buckets not a power of two, n-gram lengths not 1 <= min <= max <= 8,
  // lambda outside (0, 1], negative weights, unknown fallback language), or
  // if two approved items share an id; with kResourceExhausted above
  // options.max_items or if an approved item's title + body exceeds
  // max(max_message_bytes, 64 KiB); with kInternal if the Normalizer cannot
  // be created.
  static Result<std::unique_ptr<CounterRetriever>> Build(std::span<const CounterItem> items,
                                                         const RetrievalOptions& options);

  ~CounterRetriever();
  // Not copyable or movable: large and immutable, share it by pointer.
  CounterRetriever(const CounterRetriever&) = delete;
  CounterRetriever& operator=(const CounterRetriever&) = delete;

  // Returns at most q.k suggestions, best first (ties by id). Returns an empty
  // vector when nothing is relevant (an empty or garbage message, no item in
  // a served language or audience). Invalid UTF-8 is replaced, not rejected.
  // Fails with kResourceExhausted if message.size() > max_message_bytes;
  // with kInvalidArgument if q.k is 0 or > max_k, if q.language is not
  // [a-z]{0,8}, or if q.audience or q.themes hold an unknown id.
  Result<std::vector<Suggestion>> Suggest(std::string_view message, const SuggestQuery& q) const;

  // Number of indexed (approved) items.
  std::size_t size() const;
  const RetrievalOptions& options() const { return options_; }

 private:
  struct Impl;
  CounterRetriever(RetrievalOptions options, std::unique_ptr<Impl> impl);

  RetrievalOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace moderato

#endif  // MODERATO_COUNTER_RETRIEVAL_H_
