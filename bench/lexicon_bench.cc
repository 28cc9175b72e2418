// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Lexicon scan throughput on real text: MLMA tweets (EN, FR, AR) and
// Stormfront sentences from ../shared/data, grouped into ~4 KiB documents.
// Lexicons are synthetic: N generated Latin and Arabic words, plus 100
// corpus words (second argument) so that there are hits to report. Bytes processed are
// bytes of the ORIGINAL text.
//
//   BM_ScanOnly/N/F          Lexicon::Scan on pre-normalised documents
//   BM_NormalizeAndScan/N/F  Normalizer::Normalize + Lexicon::Scan
//   BM_ScanTweets/N/F        Scan only, one tweet at a time (per-call overhead)
//   BM_ScanStarter           Scan only with data/lexicons/starter.tsv
//   BM_ScanTwoRegexes        Scan only, 2 regex entries (windowed regex pass)
//   BM_NaiveOracle/100/10    baseline: internal::NaiveScan (string_view::find per term)
//   BM_StdFind/100/10        baseline: std::string::find of 100 terms, no boundaries
//   BM_Parse/N               Lexicon::Parse (normalise terms + Vectorscan compile)
// (N entries, F of them frequent corpus words.)
//
// Run: build/lex/lexicon_bench --benchmark_min_time=1

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "bench/shared_corpus.h"
#include "benchmark/benchmark.h"
#include "lexicon/oracle.h"
#include "moderato/core/csv.h"
#include "moderato/lexicon/lexicon.h"
#include "moderato/text/normalize.h"

namespace moderato {
namespace {

const Normalizer& TheNormalizer() {
  static const Normalizer* normalizer = Normalizer::Create().value().release();
  return *normalizer;
}

// Reads column `column` of a CSV file under the shared data directory.
void ReadColumn(const std::string& relative, const std::string& column,
                std::vector<std::string>* out) {
  for (std::string& text : bench::ReadSharedColumn(relative, column))
    out->push_back(std::move(text));
}

struct Corpus {
  std::vector<std::string> tweets;     // one record each
  std::vector<std::string> documents;  // records joined into ~4 KiB documents
  std::vector<NormalizedText> normalized_documents;
  std::vector<NormalizedText> normalized_tweets;
  std::vector<std::string> frequent_words;
  std::size_t document_bytes = 0;
  std::size_t tweet_bytes = 0;
};

const Corpus& TheCorpus() {
  static const Corpus* corpus = [] {
    auto c = std::make_unique<Corpus>();
    ReadColumn("mlma/en_dataset.csv", "tweet", &c->tweets);
    ReadColumn("mlma/fr_dataset.csv", "tweet", &c->tweets);
    ReadColumn("mlma/ar_dataset.csv", "tweet", &c->tweets);
    ReadColumn("stormfront/stormfront_sentences.csv", "text", &c->tweets);
    std::string doc;
    std::map<std::string, int> counts;
    for (const std::string& t : c->tweets) {
      doc += t;
      doc += '\n';
      if (doc.size() >= 4096) c->documents.push_back(std::move(doc)), doc.clear();
      std::size_t start = 0;
      while (start < t.size()) {
        std::size_t end = t.find(' ', start);
        if (end == std::string::npos) end = t.size();
        if (end - start >= 4) ++counts[t.substr(start, end - start)];
        start = end + 1;
      }
    }
    if (!doc.empty()) c->documents.push_back(doc);
    for (const std::string& d : c->documents) {
      c->document_bytes += d.size();
      c->normalized_documents.push_back(TheNormalizer().Normalize(d).value());
    }
    for (const std::string& t : c->tweets) {
      c->tweet_bytes += t.size();
      c->normalized_tweets.push_back(TheNormalizer().Normalize(t).value());
    }
    std::vector<std::pair<int, std::string>> by_count;
    for (const auto& [w, n] : counts) by_count.emplace_back(n, w);
    std::sort(by_count.rbegin(), by_count.rend());
    for (std::size_t i = 0; i < by_count.size() && c->frequent_words.size() < 300; ++i) {
      const std::string& w = by_count[i].second;
      if (w.find_first_of("\t\r\n\"") == std::string::npos) c->frequent_words.push_back(w);
    }
    std::fprintf(stderr, "corpus: %zu records, %zu documents, %.1f MB\n", c->tweets.size(),
                 c->documents.size(), c->document_bytes / 1e6);
    return c.release();
  }();
  return *corpus;
}

// Corpus words from this frequency rank on become lexicon entries (the most
// frequent ones are stop words, which no real lexicon would list).
constexpr std::size_t kFirstFrequentRank = 100;

// A lexicon of `n` entries: `frequent` corpus words, then generated words.
std::shared_ptr<const Lexicon> MakeLexicon(std::size_t n, std::size_t frequent) {
  static std::map<std::pair<std::size_t, std::size_t>, std::shared_ptr<const Lexicon>> cache;
  if (auto it = cache.find({n, frequent}); it != cache.end()) return it->second;
  const Corpus& corpus = TheCorpus();
  std::mt19937_64 rng(n);
  std::string tsv = "id\tterm\tlanguages\tcategory\tweight\tmode\tsource\n";
  const std::vector<std::string> arabic = {"ا", "ب", "ت", "د", "ر", "س", "ع", "ق", "ل",
                                           "م", "ن", "ه", "و", "ي", "ش", "ك", "ف", "ح"};
  for (std::size_t i = 0; i < n; ++i) {
    std::string term;
    if (i < frequent && kFirstFrequentRank + i < corpus.frequent_words.size()) {
      term = corpus.frequent_words[kFirstFrequentRank + i];
    } else if (i % 5 == 0) {
      for (std::size_t k = 0, len = 3 + rng() % 5; k < len; ++k) term += arabic[rng() % 18];
    } else {
      for (std::size_t k = 0, len = 5 + rng() % 8; k < len; ++k) {
        term += static_cast<char>('a' + rng() % 26);
      }
      if (i % 7 == 0) {
        term += ' ';
        term += static_cast<char>('a' + rng() % 26);
        term += "ion";
      }
    }
    // Appended piece by piece: GCC 12 reports a false -Wrestrict on the
    // equivalent chain of operator+.
    tsv += 'e';
    tsv += std::to_string(i);
    tsv += '\t';
    tsv += term;
    tsv += "\t*\tother\t0.5\t";
    tsv += i % 4 == 0 ? "prefix" : "word";
    tsv += "\tbench\n";
  }
  Result<std::shared_ptr<const Lexicon>> lexicon =
      Lexicon::Parse(tsv, "bench.tsv", TheNormalizer());
  if (!lexicon.ok()) {
    std::fprintf(stderr, "lexicon_bench: %s\n", lexicon.status().ToString().c_str());
    std::abort();
  }
  cache[{n, frequent}] = *lexicon;
  return *lexicon;
}

// Parse + compile time of a lexicon of N generated entries.
void BM_Parse(benchmark::State& state) {
  std::shared_ptr<const Lexicon> model = MakeLexicon(static_cast<std::size_t>(state.range(0)), 10);
  std::string tsv = "id\tterm\tlanguages\tcategory\tweight\tmode\tsource\n";
  for (const LexiconEntry& e : model->entries()) {
    tsv += e.id;
    tsv += '\t';
    tsv += e.term;
    tsv += "\t*\tother\t0.5\t";
    tsv += LexiconModeName(e.mode);
    tsv += "\tbench\n";
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(Lexicon::Parse(tsv, "bench.tsv", TheNormalizer()));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * model->size()));
}
BENCHMARK(BM_Parse)->Arg(10000)->Unit(benchmark::kMillisecond)->Iterations(2);

void BM_ScanOnly(benchmark::State& state) {
  const Corpus& corpus = TheCorpus();
  std::shared_ptr<const Lexicon> lexicon = MakeLexicon(static_cast<std::size_t>(state.range(0)),
                                                       static_cast<std::size_t>(state.range(1)));
  LexiconScratch scratch;
  std::size_t hits = 0;
  for (auto _ : state) {
    for (const NormalizedText& text : corpus.normalized_documents) {
      Result<LexiconMatches> m = lexicon->Scan(text, scratch);
      hits += m->hits.size();
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * corpus.document_bytes));
  state.counters["hits/pass"] = static_cast<double>(hits) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_ScanOnly)
    ->Args({100, 10})
    ->Args({10000, 0})
    ->Args({10000, 10})
    ->Args({10000, 100})
    ->Unit(benchmark::kMillisecond);

// The shipped starter lexicon (~170 literals and 2 regexes): includes the
// regex pass, which scans in overlapping 254-byte windows.
void BM_ScanStarter(benchmark::State& state) {
  const Corpus& corpus = TheCorpus();
  static const std::shared_ptr<const Lexicon> lexicon =
      Lexicon::Load(std::string(MODERATO_SOURCE_ROOT) + "/data/lexicons/starter.tsv",
                    TheNormalizer())
          .value();
  LexiconScratch scratch;
  for (auto _ : state) {
    for (const NormalizedText& text : corpus.normalized_documents) {
      Result<LexiconMatches> m = lexicon->Scan(text, scratch);
      benchmark::DoNotOptimize(m);
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * corpus.document_bytes));
}
BENCHMARK(BM_ScanStarter)->Unit(benchmark::kMillisecond);

// Two regex entries: the cost of the regex pass, which scans in overlapping
// 254-byte windows to avoid a Vectorscan <= 5.4.12 bug (see lexicon.cc).
void BM_ScanTwoRegexes(benchmark::State& state) {
  const Corpus& corpus = TheCorpus();
  static const std::shared_ptr<const Lexicon> lexicon =
      Lexicon::Parse(
          "id\tterm\tlanguages\tcategory\tweight\tmode\tsource\n"
          "a\tis\\s+(?:fighters?|militants?|terrorists?)\ten\torganisation\t0.7\tregex\tb\n"
          "b\t(?:combattants?|djihadistes?|jihadistes?)\\s+(?:de\\s+l'|du\\s+groupe\\s+)?ei"
          "\tfr\torganisation\t0.7\tregex\tb\n",
          "regex.tsv", TheNormalizer())
          .value();
  LexiconScratch scratch;
  for (auto _ : state) {
    for (const NormalizedText& text : corpus.normalized_documents) {
      Result<LexiconMatches> m = lexicon->Scan(text, scratch);
      benchmark::DoNotOptimize(m);
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * corpus.document_bytes));
}
BENCHMARK(BM_ScanTwoRegexes)->Unit(benchmark::kMillisecond);

void BM_NormalizeAndScan(benchmark::State& state) {
  const Corpus& corpus = TheCorpus();
  std::shared_ptr<const Lexicon> lexicon = MakeLexicon(static_cast<std::size_t>(state.range(0)),
                                                       static_cast<std::size_t>(state.range(1)));
  LexiconScratch scratch;
  for (auto _ : state) {
    for (const std::string& doc : corpus.documents) {
      Result<NormalizedText> text = TheNormalizer().Normalize(doc);
      Result<LexiconMatches> m = lexicon->Scan(*text, scratch);
      benchmark::DoNotOptimize(m);
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * corpus.document_bytes));
}
BENCHMARK(BM_NormalizeAndScan)->Args({10000, 10})->Unit(benchmark::kMillisecond);

void BM_ScanTweets(benchmark::State& state) {
  const Corpus& corpus = TheCorpus();
  std::shared_ptr<const Lexicon> lexicon = MakeLexicon(static_cast<std::size_t>(state.range(0)),
                                                       static_cast<std::size_t>(state.range(1)));
  LexiconScratch scratch;
  for (auto _ : state) {
    for (const NormalizedText& text : corpus.normalized_tweets) {
      Result<LexiconMatches> m = lexicon->Scan(text, scratch);
      benchmark::DoNotOptimize(m);
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * corpus.tweet_bytes));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * corpus.tweets.size()));
}
BENCHMARK(BM_ScanTweets)->Args({10000, 10})->Unit(benchmark::kMillisecond);

void BM_NaiveOracle(benchmark::State& state) {
  const Corpus& corpus = TheCorpus();
  std::shared_ptr<const Lexicon> lexicon = MakeLexicon(static_cast<std::size_t>(state.range(0)),
                                                       static_cast<std::size_t>(state.range(1)));
  for (auto _ : state) {
    for (const NormalizedText& text : corpus.normalized_documents) {
      benchmark::DoNotOptimize(internal::NaiveScan(*lexicon, text));
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * corpus.document_bytes));
}
BENCHMARK(BM_NaiveOracle)->Args({100, 10})->Unit(benchmark::kMillisecond);

void BM_StdFind(benchmark::State& state) {
  const Corpus& corpus = TheCorpus();
  std::shared_ptr<const Lexicon> lexicon = MakeLexicon(static_cast<std::size_t>(state.range(0)),
                                                       static_cast<std::size_t>(state.range(1)));
  std::vector<std::string> terms;
  for (const LexiconEntry& e : lexicon->entries()) terms.push_back(e.normalized_term);
  std::size_t found = 0;
  for (auto _ : state) {
    for (const NormalizedText& text : corpus.normalized_documents) {
      for (const std::string& term : terms) {
        for (std::size_t pos = text.normalized.text.find(term); pos != std::string::npos;
             pos = text.normalized.text.find(term, pos + 1)) {
          ++found;
        }
      }
    }
  }
  benchmark::DoNotOptimize(found);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * corpus.document_bytes));
}
BENCHMARK(BM_StdFind)->Args({100, 10})->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace moderato

BENCHMARK_MAIN();
