// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// The measured comparison behind text_signature.h (docs/signals.md, "Text
// signature"): documents built from the shared public datasets are edited
// (insertions, deletions, reordering, obfuscation, truncation, word edits)
// and every candidate signature scores the edited copies against their
// originals and unrelated documents against each other.
//
// By default a small corpus keeps the test quick and asserts the chosen
// method's separation. MODERATO_TEXT_SIGNATURE_STUDY=1 runs the full study
// (the numbers in docs/signals.md) and prints every table.

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "hash/text_signature_internal.h"
#include "moderato/core/csv.h"
#include "moderato/hash/text_signature.h"
#include "moderato/text/normalize.h"

namespace moderato {
namespace {

using Sentences = std::vector<std::string>;

// A document: paragraphs of sentences.
struct Doc {
  std::vector<Sentences> paragraphs;
  std::string lang;
};

std::string Join(const Doc& d) {
  std::string out;
  for (const Sentences& p : d.paragraphs) {
    if (!out.empty()) out += "\n\n";
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (i > 0) out += ' ';
      out += p[i];
    }
  }
  return out;
}

std::size_t CountWords(std::string_view s) {
  std::size_t n = 0;
  bool in = false;
  for (char c : s) {
    const bool space = c == ' ' || c == '\n' || c == '\t';
    if (!space && !in) ++n;
    in = !space;
  }
  return n;
}

// 0: quick asserted run; 1: full study; 2: full study without SimHash.
int StudyLevel() {
  const char* v = std::getenv("MODERATO_TEXT_SIGNATURE_STUDY");
  return v == nullptr ? 0 : std::atoi(v);
}
bool FullStudy() { return StudyLevel() > 0; }

std::vector<std::string> ReadColumn(const std::string& path, const std::string& column,
                                    std::size_t limit) {
  std::vector<std::string> out;
  std::ifstream in(path, std::ios::binary);
  if (!in) return out;
  CsvReader reader(in);
  CsvRecord record;
  int col = -1;
  while (out.size() < limit) {
    Result<bool> more = reader.Next(&record);
    if (!more.ok()) continue;
    if (!*more) break;
    if (col < 0) {
      for (std::size_t i = 0; i < record.fields.size(); ++i) {
        if (record.fields[i] == column) col = static_cast<int>(i);
      }
      if (col < 0) return out;
      continue;
    }
    if (static_cast<std::size_t>(col) < record.fields.size() && !record.fields[col].empty()) {
      out.push_back(record.fields[col]);
    }
  }
  return out;
}

// Concatenates consecutive sentences into documents whose target lengths
// cycle through `lengths` (in words); paragraphs of 3-5 sentences.
std::vector<Doc> BuildDocs(const std::vector<std::string>& sentences, const std::string& lang,
                           const std::vector<std::size_t>& lengths, std::size_t max_docs,
                           std::size_t& cursor) {
  std::vector<Doc> docs;
  std::mt19937_64 rng(1234 + lang.size());
  while (docs.size() < max_docs && cursor < sentences.size()) {
    const std::size_t target = lengths[docs.size() % lengths.size()];
    Doc d;
    d.lang = lang;
    std::size_t words = 0;
    Sentences para;
    const std::size_t para_size = 3 + rng() % 3;
    while (words < target && cursor < sentences.size()) {
      const std::string& s = sentences[cursor++];
      words += CountWords(s);
      para.push_back(s);
      if (para.size() == para_size) d.paragraphs.push_back(std::move(para)), para.clear();
    }
    if (!para.empty()) d.paragraphs.push_back(std::move(para));
    if (words >= target) docs.push_back(std::move(d));
  }
  return docs;
}

// ---- edits -------------------------------------------------------------

using Rng = std::mt19937_64;

std::vector<std::string*> AllSentences(Doc& d) {
  std::vector<std::string*> out;
  for (Sentences& p : d.paragraphs) {
    for (std::string& s : p) out.push_back(&s);
  }
  return out;
}

Doc InsertSentences(Doc d, const Doc& donor, double fraction, Rng& rng) {
  const std::size_t total = CountWords(Join(d));
  std::size_t added = 0;
  std::vector<std::string> pool;
  for (const Sentences& p : donor.paragraphs) pool.insert(pool.end(), p.begin(), p.end());
  while (added < fraction * total && !pool.empty()) {
    const std::string& s = pool[rng() % pool.size()];
    Sentences& p = d.paragraphs[rng() % d.paragraphs.size()];
    p.insert(p.begin() + static_cast<std::ptrdiff_t>(rng() % (p.size() + 1)), s);
    added += CountWords(s);
  }
  return d;
}

Doc DeleteSentences(Doc d, double fraction, Rng& rng) {
  const std::size_t total = CountWords(Join(d));
  std::size_t removed = 0;
  while (removed < fraction * total) {
    Sentences& p = d.paragraphs[rng() % d.paragraphs.size()];
    if (p.empty() || (d.paragraphs.size() == 1 && p.size() == 1)) break;
    const std::size_t i = rng() % p.size();
    removed += CountWords(p[i]);
    p.erase(p.begin() + static_cast<std::ptrdiff_t>(i));
    if (p.empty()) {
      d.paragraphs.erase(std::find_if(d.paragraphs.begin(), d.paragraphs.end(),
                                      [](const Sentences& q) { return q.empty(); }));
    }
  }
  return d;
}

Doc ShuffleParagraphs(Doc d, Rng& rng) {
  std::shuffle(d.paragraphs.begin(), d.paragraphs.end(), rng);
  return d;
}

Doc ShuffleSentences(Doc d, Rng& rng) {
  std::vector<std::string> all;
  for (const Sentences& p : d.paragraphs) all.insert(all.end(), p.begin(), p.end());
  std::shuffle(all.begin(), all.end(), rng);
  std::size_t k = 0;
  for (Sentences& p : d.paragraphs) {
    for (std::string& s : p) s = all[k++];
  }
  return d;
}

Doc Truncate(const Doc& d, double keep) {
  const std::size_t total = CountWords(Join(d));
  Doc out;
  out.lang = d.lang;
  std::size_t words = 0;
  for (const Sentences& p : d.paragraphs) {
    Sentences q;
    for (const std::string& s : p) {
      if (words >= keep * total) break;
      q.push_back(s);
      words += CountWords(s);
    }
    if (!q.empty()) out.paragraphs.push_back(std::move(q));
  }
  return out;
}

// Obfuscates one ASCII word: leetspeak, Cyrillic look-alikes, spaced
// letters, zero-width spaces, fullwidth letters or upper case.
std::string ObfuscateWord(const std::string& w, Rng& rng) {
  std::string out;
  switch (rng() % 6) {
    case 0:
      for (char c : w) {
        switch (c) {
          case 'a':
            out += '4';
            break;
          case 'e':
            out += '3';
            break;
          case 'o':
            out += '0';
            break;
          case 'i':
            out += '1';
            break;
          case 's':
            out += '$';
            break;
          default:
            out += c;
        }
      }
      return out;
    case 1:
      for (char c : w) {
        switch (c) {
          case 'a':
            out += "\xD0\xB0";
            break;  // U+0430
          case 'e':
            out += "\xD0\xB5";
            break;  // U+0435
          case 'o':
            out += "\xD0\xBE";
            break;  // U+043E
          case 'c':
            out += "\xD1\x81";
            break;  // U+0441
          case 'p':
            out += "\xD1\x80";
            break;  // U+0440
          default:
            out += c;
        }
      }
      return out;
    case 2:
      for (std::size_t i = 0; i < w.size(); ++i) {
        if (i > 0) out += ' ';
        out += w[i];
      }
      return out;
    case 3:
      for (std::size_t i = 0; i < w.size(); ++i) {
        if (i > 0) out += "\xE2\x80\x8B";  // U+200B
        out += w[i];
      }
      return out;
    case 4:
      for (char c : w) {
        if (c >= 'a' && c <= 'z') {
          const char32_t f = U'\uFF41' + static_cast<char32_t>(c - 'a');
          out += static_cast<char>(0xE0 | (f >> 12));
          out += static_cast<char>(0x80 | ((f >> 6) & 0x3F));
          out += static_cast<char>(0x80 | (f & 0x3F));
        } else {
          out += c;
        }
      }
      return out;
    default:
      for (char c : w) out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
      return out;
  }
}

bool IsAsciiWord(const std::string& w) {
  return w.size() >= 3 && std::all_of(w.begin(), w.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
         });
}

// Applies `f` to each space-separated word of every sentence.
template <typename F>
Doc MapWords(Doc d, F f) {
  for (std::string* s : AllSentences(d)) {
    std::string out, word;
    auto flush = [&] {
      if (!word.empty()) out += f(word);
      word.clear();
    };
    for (char c : *s) {
      if (c == ' ') {
        flush();
        out += ' ';
      } else {
        word += c;
      }
    }
    flush();
    *s = out;
  }
  return d;
}

Doc Obfuscate(Doc d, double rate, Rng& rng) {
  return MapWords(std::move(d), [&](const std::string& w) {
    if (IsAsciiWord(w) && (rng() % 1000) < rate * 1000) return ObfuscateWord(w, rng);
    return w;
  });
}

// Word-level edits: each word is, with probability `rate`, deleted, replaced
// or followed by an inserted word.
Doc WordEdits(Doc d, double rate, Rng& rng) {
  static const char* kFillers[] = {"really", "indeed", "very", "just", "also", "now"};
  return MapWords(std::move(d), [&](const std::string& w) -> std::string {
    if ((rng() % 1000) >= rate * 1000) return w;
    switch (rng() % 3) {
      case 0:
        return "";
      case 1:
        return kFillers[rng() % 6];
      default:
        return w + " " + kFillers[rng() % 6];
    }
  });
}

struct Edit {
  std::string name;
  std::function<Doc(const Doc&, const Doc& donor, Rng&)> apply;
};

std::vector<Edit> Edits() {
  return {
      {"identical", [](const Doc& d, const Doc&, Rng&) { return d; }},
      {"insert 10%",
       [](const Doc& d, const Doc& o, Rng& r) { return InsertSentences(d, o, 0.1, r); }},
      {"insert 30%",
       [](const Doc& d, const Doc& o, Rng& r) { return InsertSentences(d, o, 0.3, r); }},
      {"delete 10%", [](const Doc& d, const Doc&, Rng& r) { return DeleteSentences(d, 0.1, r); }},
      {"delete 30%", [](const Doc& d, const Doc&, Rng& r) { return DeleteSentences(d, 0.3, r); }},
      {"reorder paragraphs",
       [](const Doc& d, const Doc&, Rng& r) { return ShuffleParagraphs(d, r); }},
      {"reorder sentences",
       [](const Doc& d, const Doc&, Rng& r) { return ShuffleSentences(d, r); }},
      {"obfuscate 30% words",
       [](const Doc& d, const Doc&, Rng& r) { return Obfuscate(d, 0.3, r); }},
      {"word edits 5%", [](const Doc& d, const Doc&, Rng& r) { return WordEdits(d, 0.05, r); }},
      {"word edits 10%", [](const Doc& d, const Doc&, Rng& r) { return WordEdits(d, 0.10, r); }},
      {"truncate to 70%", [](const Doc& d, const Doc&, Rng&) { return Truncate(d, 0.7); }},
      {"truncate to 50%", [](const Doc& d, const Doc&, Rng&) { return Truncate(d, 0.5); }},
      {"combo",
       [](const Doc& d, const Doc& o, Rng& r) {
         return Obfuscate(
             ShuffleParagraphs(InsertSentences(DeleteSentences(d, 0.1, r), o, 0.1, r), r), 0.2, r);
       }},
  };
}

// ---- candidates ----------------------------------------------------------

struct Features {
  std::vector<std::uint64_t> shingles;  // word 3-shingles
  std::vector<std::uint64_t> words;     // distinct words
  TextSignature sig;
};

template <int kBits>
std::array<std::uint64_t, kBits / 64> SimHash(const std::vector<std::uint64_t>& features) {
  std::array<int, kBits> counts{};
  for (std::uint64_t f : features) {
    for (int w = 0; w < kBits / 64; ++w) {
      const std::uint64_t bits = internal::Mix64(f + 0x9e3779b97f4a7c15ULL * (w + 1));
      for (int b = 0; b < 64; ++b) counts[w * 64 + b] += ((bits >> b) & 1) ? 1 : -1;
    }
  }
  std::array<std::uint64_t, kBits / 64> out{};
  for (int i = 0; i < kBits; ++i) {
    if (counts[i] > 0) out[i / 64] |= std::uint64_t{1} << (i % 64);
  }
  return out;
}

template <int kBits>
double SimHashSimilarity(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
  const auto x = SimHash<kBits>(a), y = SimHash<kBits>(b);
  int d = 0;
  for (std::size_t i = 0; i < x.size(); ++i) d += std::popcount(x[i] ^ y[i]);
  return 1.0 - static_cast<double>(d) / kBits;
}

double MinHashFirstBins(const TextSignature& a, const TextSignature& b, std::size_t bins) {
  if (a.empty() || b.empty()) return 0;
  std::size_t eq = 0;
  for (std::size_t i = 0; i < bins; ++i) eq += a.bins[i] == b.bins[i];
  return static_cast<double>(eq) / static_cast<double>(bins);
}

// Estimated containment of the smaller set in the larger from the Jaccard
// estimate and the set sizes: |A n B| = J (|A| + |B|) / (1 + J).
double Containment(const TextSignature& a, const TextSignature& b) {
  if (a.empty() || b.empty()) return 0.0;
  const double j = TextSimilarity(a, b);
  const double na = a.shingles, nb = b.shingles;
  return std::min(1.0, j * (na + nb) / (1.0 + j) / std::min(na, nb));
}

bool ShareBand(const TextSignature& a, const TextSignature& b, std::size_t rows) {
  const std::vector<std::uint64_t> x = internal::BandKeys(a, rows), y = internal::BandKeys(b, rows);
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (x[i] == y[i]) return true;
  }
  return false;
}

struct Method {
  std::string name;
  std::function<double(const Features&, const Features&)> score;
};

std::vector<Method> Methods() {
  return {
      {"exact Jaccard 3-shingles (ceiling)",
       [](const Features& a, const Features& b) {
         return internal::ExactJaccard(a.shingles, b.shingles);
       }},
      {"MinHash OPH 128 (chosen)",
       [](const Features& a, const Features& b) { return TextSimilarity(a.sig, b.sig); }},
      {"MinHash OPH 64",
       [](const Features& a, const Features& b) { return MinHashFirstBins(a.sig, b.sig, 64); }},
      {"MinHash 128 containment",
       [](const Features& a, const Features& b) { return Containment(a.sig, b.sig); }},
      {"LSH 2x64 then MinHash 128",
       [](const Features& a, const Features& b) {
         return ShareBand(a.sig, b.sig, 2) ? TextSimilarity(a.sig, b.sig) : 0.0;
       }},
      {"LSH 3x42 then MinHash 128",
       [](const Features& a, const Features& b) {
         return ShareBand(a.sig, b.sig, 3) ? TextSimilarity(a.sig, b.sig) : 0.0;
       }},
      {"LSH 4x32 then MinHash 128",
       [](const Features& a, const Features& b) {
         return ShareBand(a.sig, b.sig, 4) ? TextSimilarity(a.sig, b.sig) : 0.0;
       }},
      {"LSH 3x42 candidate (any shared band)",
       [](const Features& a, const Features& b) { return ShareBand(a.sig, b.sig, 3) ? 1.0 : 0.0; }},
      {"LSH 2x64 candidate (any shared band)",
       [](const Features& a, const Features& b) { return ShareBand(a.sig, b.sig, 2) ? 1.0 : 0.0; }},
      {"SimHash 64 3-shingles",
       [](const Features& a, const Features& b) {
         return SimHashSimilarity<64>(a.shingles, b.shingles);
       }},
      {"SimHash 128 3-shingles",
       [](const Features& a, const Features& b) {
         return SimHashSimilarity<128>(a.shingles, b.shingles);
       }},
      {"SimHash 256 3-shingles",
       [](const Features& a, const Features& b) {
         return SimHashSimilarity<256>(a.shingles, b.shingles);
       }},
      {"SimHash 64 words",
       [](const Features& a, const Features& b) {
         return SimHashSimilarity<64>(a.words, b.words);
       }},
  };
}

Features Featurize(const Normalizer& n, const std::string& text) {
  Features f;
  NormalizedText t = n.Normalize(text).value();
  const std::vector<std::string_view> words = internal::SplitWords(t.skeleton.text);
  f.shingles = internal::ShingleHashes(words, 3);
  f.words = internal::ShingleHashes(words, 1);
  f.sig = ComputeTextSignature(n, text).value();
  return f;
}

double Auc(std::vector<double> pos, std::vector<double> neg) {
  std::sort(neg.begin(), neg.end());
  double wins = 0;
  for (double p : pos) {
    const auto lo = std::lower_bound(neg.begin(), neg.end(), p);
    const auto hi = std::upper_bound(neg.begin(), neg.end(), p);
    wins += static_cast<double>(lo - neg.begin()) + 0.5 * static_cast<double>(hi - lo);
  }
  return wins / (static_cast<double>(pos.size()) * static_cast<double>(neg.size()));
}

double Quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1))];
}

double Rate(const std::vector<double>& v, double threshold) {
  if (v.empty()) return 0;
  return static_cast<double>(
             std::count_if(v.begin(), v.end(), [&](double x) { return x >= threshold; })) /
         static_cast<double>(v.size());
}

struct Corpus {
  std::vector<Doc> docs;
};

Corpus LoadCorpus(const std::vector<std::size_t>& lengths, std::size_t per_lang_en,
                  std::size_t per_lang_other, bool sentences_are_tweets_only) {
  const std::string dir = MODERATO_SHARED_DATA_DIR;
  Corpus c;
  std::size_t cursor = 0;
  const auto en = ReadColumn(dir + "/stormfront/stormfront_sentences.csv", "text", 20000);
  auto add = [&](std::vector<Doc> d) { c.docs.insert(c.docs.end(), d.begin(), d.end()); };
  add(BuildDocs(en, "en", lengths, per_lang_en, cursor));
  cursor = 0;
  const auto fr = ReadColumn(dir + "/mlma/fr_dataset.csv", "tweet", 20000);
  add(BuildDocs(fr, "fr", lengths, per_lang_other, cursor));
  cursor = 0;
  const auto ar = ReadColumn(dir + "/mlma/ar_dataset.csv", "tweet", 20000);
  add(BuildDocs(ar, "ar", lengths, per_lang_other, cursor));
  (void)sentences_are_tweets_only;
  return c;
}

struct Scores {
  std::map<std::string, std::vector<double>> positives;  // by edit
  std::vector<double> all_positives;
  std::vector<double> negatives;
};

// Runs every method over (original, edited) and (original, other original) pairs.
std::vector<Scores> Score(const Normalizer& n, const Corpus& corpus,
                          const std::vector<Method>& methods, const std::vector<Edit>& edits,
                          std::size_t max_negative_pairs) {
  std::vector<Features> originals;
  for (const Doc& d : corpus.docs) originals.push_back(Featurize(n, Join(d)));
  std::vector<Scores> scores(methods.size());
  Rng rng(42);
  for (std::size_t i = 0; i < corpus.docs.size(); ++i) {
    const Doc& donor = corpus.docs[(i + 7) % corpus.docs.size()];
    for (const Edit& e : edits) {
      const Features edited = Featurize(n, Join(e.apply(corpus.docs[i], donor, rng)));
      for (std::size_t m = 0; m < methods.size(); ++m) {
        const double s = methods[m].score(originals[i], edited);
        scores[m].positives[e.name].push_back(s);
        if (e.name != "identical" && e.name.rfind("truncate", 0) != 0)
          scores[m].all_positives.push_back(s);
      }
    }
  }
  std::size_t pairs = 0;
  for (std::size_t i = 0; i < originals.size() && pairs < max_negative_pairs; ++i) {
    for (std::size_t j = i + 1; j < originals.size() && pairs < max_negative_pairs; ++j, ++pairs) {
      for (std::size_t m = 0; m < methods.size(); ++m) {
        scores[m].negatives.push_back(methods[m].score(originals[i], originals[j]));
      }
    }
  }
  return scores;
}

void Print(const std::vector<Method>& methods, const std::vector<Edit>& edits,
           const std::vector<Scores>& scores, std::size_t docs) {
  std::printf("\n%zu documents, %zu unrelated pairs\n", docs, scores[0].negatives.size());
  for (std::size_t m = 0; m < methods.size(); ++m) {
    const Scores& s = scores[m];
    const double max_neg = *std::max_element(s.negatives.begin(), s.negatives.end());
    const double t_star = std::nextafter(max_neg, 2.0);
    std::printf(
        "\n== %s: AUC %.4f (edits excl. truncation), unrelated max %.3f p99.9 %.3f p50 %.3f, "
        "share >= .3: %.5f, >= .4: %.5f, > 0: %.5f\n",
        methods[m].name.c_str(), Auc(s.all_positives, s.negatives), max_neg,
        Quantile(s.negatives, 0.999), Quantile(s.negatives, 0.5), Rate(s.negatives, 0.3),
        Rate(s.negatives, 0.4), Rate(s.negatives, 1e-9));
    std::printf("   %-22s %6s %6s %6s %9s %7s %7s %7s\n", "edit", "min", "p5", "mean", "TPR@FPR0",
                "TPR@.3", "TPR@.4", "TPR@.5");
    for (const Edit& e : edits) {
      const std::vector<double>& v = s.positives.at(e.name);
      double mean = 0;
      for (double x : v) mean += x;
      mean /= static_cast<double>(v.size());
      std::printf("   %-22s %6.3f %6.3f %6.3f %9.3f %7.3f %7.3f %7.3f\n", e.name.c_str(),
                  *std::min_element(v.begin(), v.end()), Quantile(v, 0.05), mean, Rate(v, t_star),
                  Rate(v, 0.3), Rate(v, 0.4), Rate(v, 0.5));
    }
  }
  std::fflush(stdout);
}

TEST(TextSignatureStudyTest, MinHashSeparatesEditedCopiesFromUnrelatedTexts) {
  const bool full = FullStudy();
  const std::vector<std::size_t> lengths =
      full ? std::vector<std::size_t>{100, 200, 400, 800, 1500, 2000}
           : std::vector<std::size_t>{100, 200, 400, 800};
  Corpus corpus = LoadCorpus(lengths, full ? 150 : 24, full ? 40 : 8, false);
  if (corpus.docs.size() < 20)
    GTEST_SKIP() << "shared data not found in " << MODERATO_SHARED_DATA_DIR;
  auto n = Normalizer::Create().value();
  std::vector<Method> methods = Methods();
  if (!full) methods.resize(4);  // no LSH or SimHash in the quick run
  if (StudyLevel() == 2) methods.resize(9);
  const std::vector<Edit> edits = Edits();
  const std::vector<Scores> scores = Score(*n, corpus, methods, edits, full ? 100000 : 2000);
  if (full) Print(methods, edits, scores, corpus.docs.size());

  const Scores& chosen = scores[1];
  const double max_neg = *std::max_element(chosen.negatives.begin(), chosen.negatives.end());
  EXPECT_LT(max_neg, kTextMatchThreshold - 0.2);
  EXPECT_EQ(Rate(chosen.positives.at("identical"), 1.0), 1.0);
  for (const char* mild : {"insert 10%", "delete 10%", "reorder paragraphs", "reorder sentences",
                           "obfuscate 30% words", "word edits 5%", "truncate to 70%", "combo"}) {
    SCOPED_TRACE(mild);
    EXPECT_GE(Rate(chosen.positives.at(mild), kTextMatchThreshold), 0.95);
  }
}

// Short texts: how short can a text be and still match after a small edit?
TEST(TextSignatureStudyTest, ShortTextReliability) {
  const bool full = FullStudy();
  const std::vector<std::size_t> buckets = {5, 10, 20, 30, 50, 100};
  auto n = Normalizer::Create().value();
  const std::string dir = MODERATO_SHARED_DATA_DIR;
  const auto en = ReadColumn(dir + "/stormfront/stormfront_sentences.csv", "text", 20000);
  const auto fr = ReadColumn(dir + "/mlma/fr_dataset.csv", "tweet", 20000);
  if (en.size() < 1000 || fr.size() < 1000) GTEST_SKIP() << "shared data not found";
  const std::size_t per_bucket = full ? 150 : 30;
  if (full)
    std::printf(
        "\nshort texts (%zu EN + %zu FR per bucket): word edits 5%%/obfuscation/one inserted "
        "word\n",
        per_bucket, per_bucket);
  for (std::size_t words : buckets) {
    std::vector<Doc> docs;
    std::size_t cursor = 3000;
    for (const auto* src : {&en, &fr}) {
      // Cut exact word counts out of consecutive sentences.
      std::string all;
      for (std::size_t i = cursor; i < src->size() && CountWords(all) < per_bucket * words * 2;
           ++i) {
        all += (*src)[i] + " ";
      }
      std::vector<std::string> tokens;
      std::string cur;
      for (char c : all) {
        if (c == ' ') {
          if (!cur.empty()) tokens.push_back(cur);
          cur.clear();
        } else {
          cur += c;
        }
      }
      for (std::size_t k = 0; k < per_bucket && (k + 1) * words <= tokens.size(); ++k) {
        std::string text;
        for (std::size_t j = k * words; j < (k + 1) * words; ++j) text += tokens[j] + " ";
        Doc d;
        d.paragraphs = {{text}};
        docs.push_back(d);
      }
    }
    Rng rng(7);
    std::vector<TextSignature> sigs;
    std::vector<double> pos;
    for (const Doc& d : docs) {
      sigs.push_back(ComputeTextSignature(*n, Join(d)).value());
      Doc e = WordEdits(d, 0.05, rng);
      e = Obfuscate(e, 0.2, rng);
      e.paragraphs[0][0] += " indeed";
      pos.push_back(TextSimilarity(sigs.back(), ComputeTextSignature(*n, Join(e)).value()));
    }
    std::vector<double> neg;
    for (std::size_t i = 0; i < sigs.size(); ++i) {
      for (std::size_t j = i + 1; j < sigs.size(); ++j)
        neg.push_back(TextSimilarity(sigs[i], sigs[j]));
    }
    const double max_neg = *std::max_element(neg.begin(), neg.end());
    if (full) {
      std::printf(
          "  %4zu words: edited p5 %.3f p50 %.3f TPR@.3/.4/.5 %.3f %.3f %.3f | unrelated max %.3f "
          "FPR@.3/.4/.5 %.5f %.5f %.5f (%zu pairs)\n",
          words, Quantile(pos, 0.05), Quantile(pos, 0.5), Rate(pos, 0.3), Rate(pos, 0.4),
          Rate(pos, 0.5), max_neg, Rate(neg, 0.3), Rate(neg, 0.4), Rate(neg, 0.5), neg.size());
    }
    if (words >= 30) {
      EXPECT_GE(Rate(pos, kTextMatchThreshold), 0.9) << words << " words";
    }
    EXPECT_LT(Rate(neg, kTextMatchThreshold), 0.001) << words << " words";
  }
  std::fflush(stdout);
}

}  // namespace
}  // namespace moderato
