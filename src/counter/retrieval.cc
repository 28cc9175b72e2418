// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// BM25 as in Robertson & Zaragoza, "The Probabilistic Relevance Framework:
// BM25 and Beyond" (2009), with the non-negative IDF ln(1 + (N - df + 0.5) /
// (df + 0.5)); the saturated term weight tf (k1 + 1) / (tf + k1 (1 - b + b
// dl / avgdl)) is precomputed per posting so a query only multiplies by IDF.
// MMR as in Carbonell & Goldstein, "The use of MMR, diversity-based
// reranking for reordering documents and producing summaries" (SIGIR 1998).

#include "moderato/counter/retrieval.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <unordered_map>
#include <utility>

#include "counter/retrieval_tokens.h"
#include "moderato/text/normalize.h"

namespace moderato {
namespace {

constexpr std::size_t kThemeCount = std::size(kCounterThemes);

template <typename Table>
int IndexOf(const Table& table, std::string_view id) {
  for (std::size_t i = 0; i < std::size(table); ++i) {
    if (table[i] == id) return static_cast<int>(i);
  }
  return -1;
}

bool IsLanguageCode(std::string_view s, std::size_t min_size) {
  if (s.size() < min_size || s.size() > 8) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

// Postings in compressed-row form: the postings of term t are
// [offsets[t], offsets[t + 1]).
struct InvertedIndex {
  std::vector<std::uint32_t> offsets;
  std::vector<std::uint32_t> docs;
  std::vector<float> weights;  // saturated term frequency
  std::vector<float> idf;

  std::uint32_t df(std::uint32_t term) const { return offsets[term + 1] - offsets[term]; }
};

using TermCounts = std::vector<std::pair<std::uint32_t, std::uint32_t>>;  // (term, tf)

// Sorts `terms` and folds repeats into (term, tf).
void CountTerms(std::vector<std::uint32_t>* terms, TermCounts* out) {
  out->clear();
  std::sort(terms->begin(), terms->end());
  for (std::uint32_t t : *terms) {
    if (!out->empty() && out->back().first == t) {
      ++out->back().second;
    } else {
      out->emplace_back(t, 1);
    }
  }
}

// Two passes over the documents (count, then fill) so that no per-document
// term list is kept: `terms_of(doc, &counts)` must return the same counts in
// both passes; `length[doc]` is the document's length in terms.
template <typename TermsOf>
InvertedIndex BuildIndex(std::size_t num_terms, std::size_t num_docs,
                         const std::vector<std::uint32_t>& length, double k1, double b,
                         TermsOf&& terms_of) {
  InvertedIndex index;
  index.offsets.assign(num_terms + 1, 0);
  TermCounts counts;
  for (std::size_t d = 0; d < num_docs; ++d) {
    terms_of(d, &counts);
    for (const auto& [term, tf] : counts) ++index.offsets[term + 1];
  }
  for (std::size_t t = 0; t < num_terms; ++t) index.offsets[t + 1] += index.offsets[t];
  index.docs.resize(index.offsets[num_terms]);
  index.weights.resize(index.offsets[num_terms]);
  double total = 0;
  for (std::uint32_t l : length) total += l;
  const double avgdl = num_docs == 0 || total == 0 ? 1.0 : total / static_cast<double>(num_docs);
  std::vector<std::uint32_t> cursor(index.offsets.begin(), index.offsets.end() - 1);
  for (std::size_t d = 0; d < num_docs; ++d) {
    terms_of(d, &counts);
    const double norm = k1 * (1.0 - b + b * static_cast<double>(length[d]) / avgdl);
    for (const auto& [term, tf] : counts) {
      const std::uint32_t at = cursor[term]++;
      index.docs[at] = static_cast<std::uint32_t>(d);
      index.weights[at] = static_cast<float>(tf * (k1 + 1.0) / (tf + norm));
    }
  }
  index.idf.resize(num_terms);
  const auto n = static_cast<double>(num_docs);
  for (std::size_t t = 0; t < num_terms; ++t) {
    const double df = index.offsets[t + 1] - index.offsets[t];
    index.idf[t] = static_cast<float>(std::log(1.0 + (n - df + 0.5) / (df + 0.5)));
  }
  return index;
}

struct Doc {
  std::string id;
  std::string language;
  std::string strategy;
  std::vector<std::string> themes;
  std::uint8_t language_index = 0;
  int strategy_index = -1;
  std::uint16_t theme_bits = 0;
  std::uint8_t audience_bits = 0;
};

std::string Fixed(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.3f", v);
  return buffer;
}

// Keeps the `limit` terms of highest IDF (ties by term id, for determinism).
void KeepRarest(const InvertedIndex& index, std::size_t limit, std::vector<std::uint32_t>* terms) {
  if (terms->size() <= limit) return;
  auto rarer = [&](std::uint32_t a, std::uint32_t b) {
    if (index.idf[a] != index.idf[b]) return index.idf[a] > index.idf[b];
    return a < b;
  };
  std::nth_element(terms->begin(), terms->begin() + static_cast<std::ptrdiff_t>(limit),
                   terms->end(), rarer);
  terms->resize(limit);
}

}  // namespace

struct CounterRetriever::Impl {
  std::unique_ptr<Normalizer> normalizer;
  std::unique_ptr<ThemeInferrer> inferrer;
  std::vector<Doc> docs;
  std::vector<std::string> languages;  // language_index -> code
  std::unordered_map<std::string, std::uint32_t> vocabulary;
  InvertedIndex words;
  InvertedIndex chars;
  std::uint64_t bucket_mask = 0;
  std::array<std::vector<std::uint32_t>, kThemeCount> theme_postings;
};

CounterRetriever::CounterRetriever(RetrievalOptions options, std::unique_ptr<Impl> impl)
    : options_(std::move(options)), impl_(std::move(impl)) {}

CounterRetriever::~CounterRetriever() = default;

std::size_t CounterRetriever::size() const { return impl_->docs.size(); }

Result<std::unique_ptr<CounterRetriever>> CounterRetriever::Build(
    std::span<const CounterItem> items, const RetrievalOptions& options) {
  if (options.char_ngram_buckets == 0 || !std::has_single_bit(options.char_ngram_buckets) ||
      options.char_ngram_buckets > (1u << 28)) {
    return InvalidArgumentError("retrieval: char_ngram_buckets must be a power of two <= 2^28");
  }
  if (options.char_ngram_min < 1 || options.char_ngram_min > options.char_ngram_max ||
      options.char_ngram_max > 8) {
    return InvalidArgumentError("retrieval: need 1 <= char_ngram_min <= char_ngram_max <= 8");
  }
  if (!(options.mmr_lambda > 0 && options.mmr_lambda <= 1)) {
    return InvalidArgumentError("retrieval: mmr_lambda must be in (0, 1]");
  }
  const double numbers[] = {options.weights.bm25_words,
                            options.weights.bm25_chars,
                            options.weights.themes,
                            options.language_discount,
                            options.bm25_k1,
                            options.bm25_b,
                            options.mmr_strategy_weight,
                            options.mmr_theme_weight,
                            options.char_ngram_max_df};
  for (double x : numbers) {
    if (!(x >= 0) || !std::isfinite(x)) {
      return InvalidArgumentError("retrieval: weights and parameters must be finite and >= 0");
    }
  }
  if (options.bm25_b > 1 || options.language_discount > 1) {
    return InvalidArgumentError("retrieval: bm25_b and language_discount must be <= 1");
  }
  for (const std::string& l : options.language_fallback) {
    if (!IsLanguageCode(l, 2)) {
      return InvalidArgumentError("retrieval: bad fallback language '" + l + "'");
    }
  }
  if (options.max_k == 0) return InvalidArgumentError("retrieval: max_k must be >= 1");
  if (items.size() > options.max_items) {
    return ResourceExhaustedError("retrieval: " + std::to_string(items.size()) +
                                  " items exceed max_items " + std::to_string(options.max_items));
  }

  auto impl = std::make_unique<Impl>();
  NormalizeOptions normalize_options;
  normalize_options.max_input_bytes = std::max<std::size_t>(options.max_message_bytes, 1u << 16);
  Result<std::unique_ptr<Normalizer>> normalizer = Normalizer::Create(normalize_options);
  if (!normalizer.ok()) return normalizer.status().WithContext("retrieval");
  impl->normalizer = std::move(normalizer).value();
  ThemeInferenceOptions theme_options = options.themes;
  theme_options.max_message_bytes = options.max_message_bytes;
  Result<std::unique_ptr<ThemeInferrer>> inferrer = ThemeInferrer::Create(theme_options);
  if (!inferrer.ok()) return inferrer.status().WithContext("retrieval");
  impl->inferrer = std::move(inferrer).value();

  std::vector<std::string> normalized;
  std::vector<std::string> skeletons;
  std::unordered_map<std::string_view, std::size_t> seen_ids;
  for (const CounterItem& item : items) {
    if (item.status != "approved") continue;
    if (!seen_ids.emplace(item.id, impl->docs.size()).second) {
      return InvalidArgumentError("retrieval: duplicate approved item id '" + item.id + "'");
    }
    Doc doc;
    doc.id = item.id;
    doc.language = item.language;
    doc.strategy = item.strategy;
    doc.strategy_index = IndexOf(kCounterStrategies, item.strategy);
    for (const std::string& theme : item.themes) {
      const int t = IndexOf(kCounterThemes, theme);
      if (t < 0 || (doc.theme_bits & (1u << t)) != 0) continue;
      doc.theme_bits = static_cast<std::uint16_t>(doc.theme_bits | (1u << t));
      doc.themes.push_back(theme);
    }
    for (const std::string& audience : item.audience) {
      const int a = IndexOf(kCounterAudiences, audience);
      if (a >= 0) doc.audience_bits = static_cast<std::uint8_t>(doc.audience_bits | (1u << a));
    }
    auto lang = std::find(impl->languages.begin(), impl->languages.end(), item.language);
    if (lang == impl->languages.end()) {
      if (impl->languages.size() == 255) {
        return ResourceExhaustedError("retrieval: more than 255 item languages");
      }
      impl->languages.push_back(item.language);
      lang = impl->languages.end() - 1;
    }
    doc.language_index = static_cast<std::uint8_t>(lang - impl->languages.begin());
    std::string text = item.title;
    text += '\n';
    text += item.body;
    Result<NormalizedText> folded = impl->normalizer->Normalize(text);
    if (!folded.ok()) return folded.status().WithContext("retrieval: item '" + item.id + "'");
    normalized.push_back(std::move(folded->normalized.text));
    skeletons.push_back(std::move(folded->skeleton.text));
    impl->docs.push_back(std::move(doc));
  }
  const std::size_t n = impl->docs.size();

  std::vector<std::uint32_t> word_length(n);
  std::vector<std::string_view> words;
  std::vector<std::uint32_t> ids;
  for (std::size_t d = 0; d < n; ++d) {
    words.clear();
    internal::AppendWords(normalized[d], 2, &words);
    word_length[d] = static_cast<std::uint32_t>(words.size());
    for (std::string_view w : words) {
      impl->vocabulary.emplace(std::string(w), static_cast<std::uint32_t>(impl->vocabulary.size()));
    }
  }
  impl->words = BuildIndex(impl->vocabulary.size(), n, word_length, options.bm25_k1, options.bm25_b,
                           [&](std::size_t d, TermCounts* counts) {
                             words.clear();
                             ids.clear();
                             internal::AppendWords(normalized[d], 2, &words);
                             for (std::string_view w : words)
                               ids.push_back(impl->vocabulary.find(std::string(w))->second);
                             CountTerms(&ids, counts);
                           });

  impl->bucket_mask = options.char_ngram_buckets - 1;
  std::vector<std::uint64_t> hashes;
  std::vector<std::uint32_t> char_length(n);
  auto ngrams_of = [&](std::size_t d) {
    hashes.clear();
    ids.clear();
    internal::AppendCharNgramHashes(skeletons[d], options.char_ngram_min, options.char_ngram_max,
                                    &hashes);
    for (std::uint64_t h : hashes) ids.push_back(static_cast<std::uint32_t>(h & impl->bucket_mask));
  };
  for (std::size_t d = 0; d < n; ++d) {
    ngrams_of(d);
    char_length[d] = static_cast<std::uint32_t>(ids.size());
  }
  impl->chars = BuildIndex(options.char_ngram_buckets, n, char_length, options.bm25_k1,
                           options.bm25_b, [&](std::size_t d, TermCounts* counts) {
                             ngrams_of(d);
                             CountTerms(&ids, counts);
                           });

  for (std::size_t d = 0; d < n; ++d) {
    for (std::size_t t = 0; t < kThemeCount; ++t) {
      if ((impl->docs[d].theme_bits & (1u << t)) != 0) {
        impl->theme_postings[t].push_back(static_cast<std::uint32_t>(d));
      }
    }
  }
  return std::unique_ptr<CounterRetriever>(new CounterRetriever(options, std::move(impl)));
}

Result<std::vector<Suggestion>> CounterRetriever::Suggest(std::string_view message,
                                                          const SuggestQuery& q) const {
  const RetrievalOptions& o = options_;
  if (message.size() > o.max_message_bytes) {
    return ResourceExhaustedError("suggest: message of " + std::to_string(message.size()) +
                                  " bytes exceeds max_message_bytes " +
                                  std::to_string(o.max_message_bytes));
  }
  if (q.k == 0 || q.k > o.max_k) {
    return InvalidArgumentError("suggest: k must be in 1.." + std::to_string(o.max_k));
  }
  if (!q.language.empty() && !IsLanguageCode(q.language, 2)) {
    return InvalidArgumentError("suggest: language must be empty or [a-z]{2,8}");
  }
  std::uint8_t audience_mask = 0;
  for (const std::string& a : q.audience) {
    const int index = IndexOf(kCounterAudiences, a);
    if (index < 0) return InvalidArgumentError("suggest: unknown audience '" + a + "'");
    audience_mask = static_cast<std::uint8_t>(audience_mask | (1u << index));
  }
  if (q.themes.has_value()) {
    for (const ThemeScore& s : *q.themes) {
      if (IndexOf(kCounterThemes, s.theme) < 0) {
        return InvalidArgumentError("suggest: unknown theme '" + s.theme + "'");
      }
    }
  }

  const Impl& x = *impl_;
  const std::size_t n = x.docs.size();
  std::vector<Suggestion> out;
  if (n == 0) return out;

  Result<NormalizedText> text = x.normalizer->Normalize(message);
  if (!text.ok()) return text.status().WithContext("suggest");

  // Language factors per item language.
  const std::string query_language = q.language == "arabizi" ? "ar" : q.language;
  std::vector<std::string> order;
  if (!query_language.empty()) order.push_back(query_language);
  for (const std::string& l : o.language_fallback) {
    if (std::find(order.begin(), order.end(), l) == order.end()) order.push_back(l);
  }
  std::vector<double> language_factor(x.languages.size(), 0.0);
  std::vector<std::string> language_note(x.languages.size());
  for (std::size_t li = 0; li < x.languages.size(); ++li) {
    auto at = std::find(order.begin(), order.end(), x.languages[li]);
    if (at == order.end()) continue;
    const auto position = static_cast<int>(at - order.begin());
    if (query_language.empty()) {
      language_factor[li] = 1.0;
      language_note[li] = "language unknown";
    } else if (position == 0) {
      language_factor[li] = 1.0;
      language_note[li] = "same language";
    } else {
      language_factor[li] = std::pow(o.language_discount, position);
      language_note[li] = "fallback: " + x.languages[li];
    }
  }

  std::vector<ThemeScore> inferred;
  if (!q.bm25_only) {
    if (q.themes.has_value()) {
      inferred = *q.themes;
    } else {
      inferred = x.inferrer->InferNormalized(*text, q.language, q.signals).themes;
    }
  }
  std::array<double, kThemeCount> theme_weight{};
  for (const ThemeScore& s : inferred) {
    const int t = IndexOf(kCounterThemes, s.theme);
    theme_weight[t] = std::max(theme_weight[t], std::clamp(s.weight, 0.0, 1.0));
  }

  std::vector<float> word_acc(n, 0.0f);
  std::vector<float> char_acc(n, 0.0f);
  std::vector<std::uint8_t> touched_flag(n, 0);
  std::vector<std::uint32_t> touched;
  auto touch = [&](std::uint32_t d) {
    if (touched_flag[d] == 0) {
      touched_flag[d] = 1;
      touched.push_back(d);
    }
  };

  std::vector<std::uint32_t> terms;
  {
    std::vector<std::string_view> words;
    internal::AppendWords(text->normalized.text, 2, &words);
    std::string key;
    for (std::string_view w : words) {
      key.assign(w);
      auto it = x.vocabulary.find(key);
      if (it != x.vocabulary.end()) terms.push_back(it->second);
    }
    std::sort(terms.begin(), terms.end());
    terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
    KeepRarest(x.words, o.max_query_words, &terms);
    for (std::uint32_t t : terms) {
      const float idf = x.words.idf[t];
      for (std::uint32_t p = x.words.offsets[t]; p < x.words.offsets[t + 1]; ++p) {
        const std::uint32_t d = x.words.docs[p];
        word_acc[d] += idf * x.words.weights[p];
        touch(d);
      }
    }
  }
  if (!q.bm25_only && o.weights.bm25_chars > 0) {
    std::vector<std::uint64_t> hashes;
    internal::AppendCharNgramHashes(text->skeleton.text, o.char_ngram_min, o.char_ngram_max,
                                    &hashes);
    terms.clear();
    const double max_df = std::max(o.char_ngram_max_df * static_cast<double>(n),
                                   static_cast<double>(o.char_ngram_min_df_cut));
    for (std::uint64_t h : hashes) {
      const auto t = static_cast<std::uint32_t>(h & x.bucket_mask);
      const std::uint32_t df = x.chars.df(t);
      if (df == 0 || static_cast<double>(df) > max_df) continue;
      terms.push_back(t);
    }
    std::sort(terms.begin(), terms.end());
    terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
    KeepRarest(x.chars, o.max_query_ngrams, &terms);
    for (std::uint32_t t : terms) {
      const float idf = x.chars.idf[t];
      for (std::uint32_t p = x.chars.offsets[t]; p < x.chars.offsets[t + 1]; ++p) {
        const std::uint32_t d = x.chars.docs[p];
        char_acc[d] += idf * x.chars.weights[p];
        touch(d);
      }
    }
  }
  if (!q.bm25_only && o.weights.themes > 0) {
    for (std::size_t t = 0; t < kThemeCount; ++t) {
      if (theme_weight[t] <= 0) continue;
      for (std::uint32_t d : x.theme_postings[t]) touch(d);
    }
  }

  // Eligible candidates: served language, audience filter.
  std::vector<std::uint32_t> candidates;
  candidates.reserve(touched.size());
  double max_word = 0;
  double max_char = 0;
  for (std::uint32_t d : touched) {
    const Doc& doc = x.docs[d];
    if (language_factor[doc.language_index] <= 0) continue;
    if (audience_mask != 0 && (doc.audience_bits & audience_mask) == 0) continue;
    candidates.push_back(d);
    max_word = std::max<double>(max_word, word_acc[d]);
    max_char = std::max<double>(max_char, char_acc[d]);
  }

  struct Scored {
    std::uint32_t doc;
    double words;
    double chars;
    double themes;
    double adjusted;
  };
  const double w_words = q.bm25_only ? 1.0 : o.weights.bm25_words;
  const double w_chars = q.bm25_only ? 0.0 : o.weights.bm25_chars;
  const double w_themes = q.bm25_only ? 0.0 : o.weights.themes;
  std::vector<Scored> scored;
  scored.reserve(candidates.size());
  for (std::uint32_t d : candidates) {
    const Doc& doc = x.docs[d];
    Scored s{d, 0, 0, 0, 0};
    if (max_word > 0) s.words = w_words * word_acc[d] / max_word;
    if (max_char > 0) s.chars = w_chars * char_acc[d] / max_char;
    double theme_sum = 0;
    for (std::size_t t = 0; t < kThemeCount; ++t) {
      if ((doc.theme_bits & (1u << t)) != 0) theme_sum += theme_weight[t];
    }
    s.themes = w_themes * std::min(1.0, theme_sum);
    s.adjusted = (s.words + s.chars + s.themes) * language_factor[doc.language_index];
    if (s.adjusted > 1e-12) scored.push_back(s);
  }
  auto better = [&](const Scored& a, const Scored& b) {
    if (a.adjusted != b.adjusted) return a.adjusted > b.adjusted;
    return x.docs[a.doc].id < x.docs[b.doc].id;
  };
  const bool use_mmr = !q.bm25_only && o.mmr_lambda < 1.0;
  const std::size_t pool_size =
      std::min(scored.size(), use_mmr ? std::max<std::size_t>(50, 10 * q.k) : q.k);
  std::partial_sort(scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(pool_size),
                    scored.end(), better);
  scored.resize(pool_size);

  // Greedy MMR: each step takes the pool item maximising adjusted - penalty.
  const double max_adjusted = scored.empty() ? 0.0 : scored.front().adjusted;
  const double penalty_scale = use_mmr ? (1.0 - o.mmr_lambda) / o.mmr_lambda * max_adjusted : 0.0;
  auto similarity = [&](const Doc& a, const Doc& b) {
    const double same_strategy = a.strategy_index == b.strategy_index ? 1.0 : 0.0;
    const int inter = std::popcount(static_cast<unsigned>(a.theme_bits & b.theme_bits));
    const int uni = std::popcount(static_cast<unsigned>(a.theme_bits | b.theme_bits));
    const double jaccard = uni == 0 ? 0.0 : static_cast<double>(inter) / uni;
    return o.mmr_strategy_weight * same_strategy + o.mmr_theme_weight * jaccard;
  };
  std::vector<double> max_sim(scored.size(), 0.0);
  std::vector<std::int32_t> most_similar(scored.size(), -1);
  std::vector<std::uint8_t> taken(scored.size(), 0);
  const std::size_t k = std::min(q.k, scored.size());
  for (std::size_t step = 0; step < k; ++step) {
    std::size_t best = scored.size();
    double best_value = 0;
    for (std::size_t i = 0; i < scored.size(); ++i) {
      if (taken[i] != 0) continue;
      const double value = scored[i].adjusted - penalty_scale * max_sim[i];
      // The pool is sorted by (adjusted, id), so the first maximum wins ties
      // deterministically.
      if (best == scored.size() || value > best_value) {
        best = i;
        best_value = value;
      }
    }
    taken[best] = 1;
    const Scored& s = scored[best];
    const Doc& doc = x.docs[s.doc];
    Suggestion suggestion;
    suggestion.id = doc.id;
    suggestion.language = doc.language;
    suggestion.strategy = doc.strategy;
    suggestion.themes = doc.themes;
    Explanation& e = suggestion.explanation;
    e.bm25_words = s.words;
    e.bm25_chars = s.chars;
    e.theme_score = s.themes;
    for (std::size_t t = 0; t < kThemeCount; ++t) {
      if ((doc.theme_bits & (1u << t)) != 0 && theme_weight[t] > 0) {
        e.matched_themes.emplace_back(kCounterThemes[t]);
      }
    }
    e.language_factor = language_factor[doc.language_index];
    e.language_adjustment = s.adjusted - (s.words + s.chars + s.themes);
    e.language_note = language_note[doc.language_index];
    e.mmr_penalty = penalty_scale * max_sim[best];
    if (most_similar[best] >= 0 && e.mmr_penalty > 0) {
      e.mmr_similar_to = x.docs[scored[static_cast<std::size_t>(most_similar[best])].doc].id;
    }
    e.final = e.bm25_words + e.bm25_chars + e.theme_score + e.language_adjustment - e.mmr_penalty;
    suggestion.score = e.final;
    e.text = "words " + Fixed(e.bm25_words) + " + chars " + Fixed(e.bm25_chars) + " + themes " +
             Fixed(e.theme_score);
    if (!e.matched_themes.empty()) {
      e.text += " [";
      for (std::size_t i = 0; i < e.matched_themes.size(); ++i) {
        if (i > 0) e.text += ",";
        e.text += e.matched_themes[i];
      }
      e.text += "]";
    }
    e.text += "; " + e.language_note + " x" + Fixed(e.language_factor) + " (" +
              Fixed(e.language_adjustment) + ")";
    if (e.mmr_penalty > 0) {
      e.text += "; mmr -" + Fixed(e.mmr_penalty) + " (like " + e.mmr_similar_to + ")";
    }
    e.text += " = " + Fixed(e.final);
    out.push_back(std::move(suggestion));
    for (std::size_t i = 0; i < scored.size(); ++i) {
      if (taken[i] != 0 || penalty_scale == 0) continue;
      const double sim = similarity(x.docs[scored[i].doc], doc);
      if (sim > max_sim[i]) {
        max_sim[i] = sim;
        most_similar[i] = static_cast<std::int32_t>(best);
      }
    }
  }
  return out;
}

}  // namespace moderato
