// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/lexicon/lexicon.h"

#include <atomic>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lexicon/boundary.h"
#include "lexicon/oracle.h"
#include "moderato/text/normalize.h"

namespace moderato {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr char kHeader[] = "id\tterm\tlanguages\tcategory\tweight\tmode\tsource\n";
constexpr std::uint32_t kNorm = static_cast<std::uint32_t>(LexiconView::kNormalized);
constexpr std::uint32_t kSkel = static_cast<std::uint32_t>(LexiconView::kSkeleton);

const Normalizer& TheNormalizer() {
  static const Normalizer* normalizer = Normalizer::Create().value().release();
  return *normalizer;
}

// One TSV line from its fields (tab-joined).
std::string Row(std::string id, std::string term, std::string mode = "word",
                std::string languages = "*", std::string category = "organisation",
                std::string weight = "0.9", std::string source = "test") {
  return id + "\t" + term + "\t" + languages + "\t" + category + "\t" + weight + "\t" + mode +
         "\t" + source + "\n";
}

Result<std::shared_ptr<const Lexicon>> ParseRows(const std::string& rows,
                                                 LexiconOptions options = {}) {
  return Lexicon::Parse(kHeader + rows, "test.tsv", TheNormalizer(), options);
}

std::shared_ptr<const Lexicon> MustParse(const std::string& rows, LexiconOptions options = {}) {
  Result<std::shared_ptr<const Lexicon>> lexicon = ParseRows(rows, options);
  EXPECT_TRUE(lexicon.ok()) << lexicon.status();
  return lexicon.ok() ? *lexicon : nullptr;
}

LexiconMatches Scan(const Lexicon& lexicon, std::string_view text) {
  LexiconScratch scratch;
  NormalizedText normalized = TheNormalizer().Normalize(text).value();
  return lexicon.Scan(normalized, scratch).value();
}

// "id=matched original text" for each hit, in order.
std::vector<std::string> Found(const Lexicon& lexicon, std::string_view text) {
  std::vector<std::string> out;
  for (const LexiconHit& h : Scan(lexicon, text).hits) {
    out.push_back(h.id + "=" + std::string(text.substr(h.span.begin, h.span.size())));
  }
  return out;
}

// ---------------------------------------------------------------------------
// Parsing and validation

struct BadFile {
  std::string name;
  std::string content;  // whole file
  StatusCode code;
  std::string message;  // expected substring, including "test.tsv:LINE:"
  LexiconOptions options = {};
};

TEST(LexiconParseTest, EveryErrorNamesFileAndLine) {
  const std::string h = kHeader;
  LexiconOptions two_entries;
  two_entries.max_entries = 2;
  LexiconOptions tiny_file;
  tiny_file.max_file_bytes = 64;
  LexiconOptions short_terms;
  short_terms.max_term_bytes = 8;
  LexiconOptions one_regex;
  one_regex.max_regex_entries = 1;
  std::vector<BadFile> cases = {
      {"missing header", Row("a", "x"), StatusCode::kInvalidArgument,
       "test.tsv:1: expected the header"},
      {"empty file", "", StatusCode::kInvalidArgument, "test.tsv:1: missing header"},
      {"field count", h + "a\tx\t*\n", StatusCode::kInvalidArgument, "test.tsv:2: expected 7"},
      {"bad id", h + Row("a b", "x"), StatusCode::kInvalidArgument, "test.tsv:2: invalid id"},
      {"duplicate id", h + Row("a", "x") + "# c\n" + Row("a", "y"), StatusCode::kInvalidArgument,
       "test.tsv:4: duplicate id 'a' (first defined on line 2)"},
      {"empty term", h + Row("a", ""), StatusCode::kInvalidArgument, "test.tsv:2: empty term"},
      {"language", h + Row("a", "x", "word", "en,de"), StatusCode::kInvalidArgument,
       "test.tsv:2: unknown language 'de'"},
      {"category", h + Row("a", "x", "word", "*", "bad"), StatusCode::kInvalidArgument,
       "test.tsv:2: unknown category 'bad'"},
      {"weight zero", h + Row("a", "x", "word", "*", "other", "0"), StatusCode::kInvalidArgument,
       "test.tsv:2: weight '0'"},
      {"weight above one", h + Row("a", "x", "word", "*", "other", "1.5"),
       StatusCode::kInvalidArgument, "test.tsv:2: weight '1.5'"},
      {"weight nan", h + Row("a", "x", "word", "*", "other", "nan"), StatusCode::kInvalidArgument,
       "test.tsv:2: weight 'nan'"},
      {"weight junk", h + Row("a", "x", "word", "*", "other", "0.5x"), StatusCode::kInvalidArgument,
       "test.tsv:2: weight '0.5x'"},
      {"mode", h + Row("a", "x", "glob"), StatusCode::kInvalidArgument,
       "test.tsv:2: unknown mode 'glob'"},
      {"source", h + Row("a", "x", "word", "*", "other", "0.5", ""), StatusCode::kInvalidArgument,
       "test.tsv:2: empty source"},
      {"bad regex", h + Row("a", "x") + Row("b", "(unclosed", "regex"),
       StatusCode::kInvalidArgument, "test.tsv:3: entry 'b': bad regex"},
      {"empty regex", h + Row("a", "x?y*", "regex"), StatusCode::kInvalidArgument,
       "test.tsv:2: entry 'a': regex can match the empty string"},
      {"too many entries", h + Row("a", "x") + Row("b", "y") + Row("c", "z"),
       StatusCode::kResourceExhausted, "test.tsv:4: more than max_entries (2)", two_entries},
      {"file too large", h + Row("a", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
       StatusCode::kResourceExhausted, "test.tsv: lexicon is", tiny_file},
      {"long term", h + Row("a", "abcdefghijk"), StatusCode::kResourceExhausted,
       "test.tsv:2: term is longer than max_term_bytes (8)", short_terms},
      {"too many regexes", h + Row("a", "ab+", "regex") + Row("b", "cd+", "regex"),
       StatusCode::kResourceExhausted, "test.tsv:3: more than max_regex_entries (1)", one_regex},
      {"invalid utf8", h + Row("a", "x\xC3("), StatusCode::kInvalidArgument,
       "test.tsv:2: invalid UTF-8"},
      {"control char", h + Row("a", std::string("x\x01y")), StatusCode::kInvalidArgument,
       "test.tsv:2: control character in field 'term'"},
      {"normalises to nothing", h + Row("a", "\u200b\u200c"), StatusCode::kInvalidArgument,
       "test.tsv:2: entry 'a': term normalises to an empty string"},
  };
  for (const BadFile& c : cases) {
    Result<std::shared_ptr<const Lexicon>> lexicon =
        Lexicon::Parse(c.content, "test.tsv", TheNormalizer(), c.options);
    ASSERT_FALSE(lexicon.ok()) << c.name;
    EXPECT_EQ(lexicon.status().code(), c.code) << c.name << ": " << lexicon.status();
    EXPECT_THAT(lexicon.status().message(), HasSubstr(c.message)) << c.name;
  }
}

TEST(LexiconParseTest, AcceptsCommentsBlankLinesCrlfAndBom) {
  std::string content = "\xEF\xBB\xBF# a comment\r\n\r\n" + std::string(kHeader) +
                        "a\tDaesh\ten,fr\tmedia_outlet\t0.25\tprefix\thttps://example.org\r\n"
                        "   \n" +
                        Row("b", "x+y", "regex", "arabizi", "violent_call", "1");
  Result<std::shared_ptr<const Lexicon>> lexicon =
      Lexicon::Parse(content, "ok.tsv", TheNormalizer());
  ASSERT_TRUE(lexicon.ok()) << lexicon.status();
  const Lexicon& lex = **lexicon;
  ASSERT_EQ(lex.size(), 2u);
  const LexiconEntry& a = lex.entry(0);
  EXPECT_EQ(a.id, "a");
  EXPECT_EQ(a.term, "Daesh");
  EXPECT_EQ(a.normalized_term, "daesh");
  EXPECT_EQ(a.languages, static_cast<std::uint32_t>(LexiconLanguage::kEnglish) |
                             static_cast<std::uint32_t>(LexiconLanguage::kFrench));
  EXPECT_EQ(a.category, LexiconCategory::kMediaOutlet);
  EXPECT_EQ(a.weight, 0.25);
  EXPECT_EQ(a.mode, LexiconMode::kPrefix);
  EXPECT_EQ(a.source, "https://example.org");
  EXPECT_EQ(a.line, 4u);
  EXPECT_EQ(lex.entry(1).mode, LexiconMode::kRegex);
  EXPECT_EQ(LexiconLanguagesString(lex.entry(1).languages), "arabizi");
  EXPECT_EQ(lex.FindEntry("b"), &lex.entry(1));
  EXPECT_EQ(lex.FindEntry("c"), nullptr);
}

TEST(LexiconParseTest, HeaderOnlyIsAnEmptyLexicon) {
  std::shared_ptr<const Lexicon> lexicon = MustParse("");
  ASSERT_NE(lexicon, nullptr);
  EXPECT_EQ(lexicon->size(), 0u);
  EXPECT_THAT(Scan(*lexicon, "anything at all").hits, IsEmpty());
}

TEST(LexiconParseTest, LoadReportsMissingFile) {
  Result<std::shared_ptr<const Lexicon>> lexicon =
      Lexicon::Load("/nonexistent/lexicon.tsv", TheNormalizer());
  ASSERT_FALSE(lexicon.ok());
  EXPECT_EQ(lexicon.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(lexicon.status().message(), HasSubstr("/nonexistent/lexicon.tsv"));
}

TEST(LexiconParseTest, StarterLexiconLoads) {
  Result<std::shared_ptr<const Lexicon>> lexicon = Lexicon::Load(
      std::string(MODERATO_SOURCE_ROOT) + "/data/lexicons/starter.tsv", TheNormalizer());
  ASSERT_TRUE(lexicon.ok()) << lexicon.status();
  EXPECT_GE((*lexicon)->size(), 100u);
  EXPECT_LE((*lexicon)->size(), 250u);
  for (const LexiconEntry& e : (*lexicon)->entries()) {
    EXPECT_FALSE(e.source.empty()) << e.id;
  }
}

// ---------------------------------------------------------------------------
// Boundaries and modes

TEST(LexiconScanTest, WordModeNeedsBoundariesOnBothSides) {
  auto lexicon = MustParse(Row("w", "daesh"));
  EXPECT_THAT(Found(*lexicon, "daesh"), ElementsAre("w=daesh"));
  EXPECT_THAT(Found(*lexicon, "(Daesh), #daesh_news"), ElementsAre("w=Daesh", "w=daesh"));
  EXPECT_THAT(Found(*lexicon, "daeshi xdaesh daesh2"), IsEmpty());
}

TEST(LexiconScanTest, PrefixModeNeedsOnlyAStartBoundary) {
  auto lexicon = MustParse(Row("p", "recruit", "prefix"));
  EXPECT_THAT(Found(*lexicon, "Recruiting now, recruit"), ElementsAre("p=Recruit", "p=recruit"));
  EXPECT_THAT(Found(*lexicon, "unrecruited"), IsEmpty());
}

TEST(LexiconScanTest, TermsEdgedWithPunctuationNeedNoBoundaryThere) {
  auto lexicon = MustParse(Row("tag", "#tag"));
  EXPECT_THAT(Found(*lexicon, "x#tag #tagged"), ElementsAre("tag=#tag"));
}

TEST(LexiconScanTest, MultiWordTerms) {
  auto lexicon = MustParse(Row("bh", "Boko Haram"));
  EXPECT_THAT(Found(*lexicon, "said BOKO HARAM."), ElementsAre("bh=BOKO HARAM"));
  EXPECT_THAT(Found(*lexicon, "boko harami"), IsEmpty());
}

TEST(LexiconScanTest, RegexModeMatchesTheNormalizedViewWithWordBoundaries) {
  auto lexicon = MustParse(Row("r", R"(is\s+fighters?)", "regex") + Row("s", "ab+c", "regex") +
                           Row("u", R"(\w+ haram)", "regex"));
  EXPECT_THAT(Found(*lexicon, "IS  fighters and this fighter"), ElementsAre("r=IS  fighters"));
  EXPECT_THAT(Found(*lexicon, "abbbc, xxabbbcxx abcd"), ElementsAre("s=abbbc"));
  EXPECT_THAT(Found(*lexicon, "Boko Haram"), ElementsAre("u=Boko Haram"));
  // The skeleton view is not searched: leetspeak does not match.
  EXPECT_THAT(Found(*lexicon, "15 fighters"), IsEmpty());
  LexiconMatches m = Scan(*lexicon, "is fighter");
  ASSERT_THAT(m.hits, SizeIs(1));
  EXPECT_EQ(m.hits[0].views, kNorm);
}

TEST(LexiconParseTest, RegexAnchorsAreRejected) {
  for (const char* regex : {"^daesh", "daesh$", R"(\Adaesh)", R"(daesh\z)", R"([a-z]+$)"}) {
    Result<std::shared_ptr<const Lexicon>> lexicon = ParseRows(Row("a", regex, "regex"));
    ASSERT_FALSE(lexicon.ok()) << regex;
    EXPECT_THAT(lexicon.status().message(), HasSubstr("test.tsv:2: entry 'a': regex anchors"));
  }
  for (const char* regex : {"[^a]b", R"(a\$b)", R"([$^]x)", R"([]^]y)", R"(\\Ab)"}) {
    Result<std::shared_ptr<const Lexicon>> lexicon = ParseRows(Row("a", regex, "regex"));
    EXPECT_TRUE(lexicon.ok()) << regex << ": " << lexicon.status();
  }
}

// Regexes are scanned in overlapping windows (a Vectorscan bug workaround, see
// lexicon.cc): a match must be found exactly once wherever it sits.
TEST(LexiconScanTest, RegexMatchesAcrossScanWindows) {
  auto lexicon = MustParse(Row("r", R"(jihadistes?\s+de\s+l'ei)", "regex") +
                           Row("w", "ab+c", "regex") + Row("l", "daesh"));
  const std::string match = "jihadistes de l'ei";
  const std::string long_match = "a" + std::string(100, 'b') + "c";
  for (std::size_t pad = 0; pad < 700; pad += 7) {
    for (const char* filler : {"x ", "\u062F "}) {
      std::string text;
      while (text.size() < pad) text += filler;
      const std::size_t at = text.size();
      text += match;
      text += ' ';
      const std::size_t long_at = text.size();
      text += long_match;
      text += ' ';
      text += text.substr(0, at);
      LexiconMatches m = Scan(*lexicon, text);
      ASSERT_THAT(m.hits, SizeIs(2)) << "pad=" << pad;
      EXPECT_EQ(m.hits[0].id, "r");
      EXPECT_EQ(m.hits[0].span, (ByteSpan{static_cast<std::uint32_t>(at),
                                          static_cast<std::uint32_t>(at + match.size())}));
      EXPECT_EQ(m.hits[1].id, "w");
      EXPECT_EQ(m.hits[1].span,
                (ByteSpan{static_cast<std::uint32_t>(long_at),
                          static_cast<std::uint32_t>(long_at + long_match.size())}));
    }
  }
}

// Regression: this text (259 bytes) made Vectorscan 5.4.9 abort ("buffer
// overflow detected") in release builds when scanned whole with this regex.
TEST(LexiconScanTest, LongArabicTextWithReverseAcceleratedRegex) {
  auto lexicon = MustParse(
      Row("r", R"((?:combattants?|djihadistes?|jihadistes?)\s+(?:de\s+l'|du\s+groupe\s+)?ei)",
          "regex"));
  const std::string text =
      "مدينة بورنهايم بالـ المانيا تمنع اللاجئين العرب والمسلمين البالغين من دخول بركة "
      "السباحة العامة بعد تلقي شكاوي من نساء المانيات تم التحرش بهن";
  EXPECT_THAT(Scan(*lexicon, text).hits, IsEmpty());
  EXPECT_THAT(Scan(*lexicon, text + " des jihadistes de l'EI").hits, SizeIs(1));
}

TEST(LexiconParseTest, RegexWordBoundaryEscapeIsRejectedWithTheEntry) {
  Result<std::shared_ptr<const Lexicon>> lexicon = ParseRows(Row("b", R"(\bis\b)", "regex"));
  ASSERT_FALSE(lexicon.ok());
  EXPECT_THAT(lexicon.status().message(), HasSubstr("test.tsv:2: entry 'b': bad regex"));
}

TEST(LexiconScanTest, ArabicCliticPrefixesAreAccepted) {
  auto lexicon = MustParse(Row("d", "داعش") + Row("s", "الدولة الإسلامية"));
  // The hit covers the term, not the clitic.
  EXPECT_THAT(Found(*lexicon, "وداعش"), ElementsAre("d=داعش"));
  EXPECT_THAT(Found(*lexicon, "بداعش لداعش فبداعش والداعش"),
              ElementsAre("d=داعش", "d=داعش", "d=داعش", "d=داعش"));
  EXPECT_THAT(Found(*lexicon, "والدولة الاسلامية"), ElementsAre("s=الدولة الاسلامية"));
  // Not clitics: another word glued in front.
  EXPECT_THAT(Found(*lexicon, "مداعش كتابداعش"), IsEmpty());
  // ل + ال is written لل: the hit then starts at the first ل.
  EXPECT_THAT(Found(*lexicon, "للدولة الاسلامية وللدولة الاسلامية"),
              ElementsAre("s=للدولة الاسلامية", "s=للدولة الاسلامية"));
  EXPECT_THAT(Found(*lexicon, "بللدولة الاسلامية"), IsEmpty());
  // Clitics apply to Arabic terms only.
  auto latin = MustParse(Row("l", "daesh"));
  EXPECT_THAT(Found(*latin, "وdaesh"), IsEmpty());
}

TEST(LexiconScanTest, CliticRulesMatchTheDocumentedSet) {
  using internal::IsArabicCliticPrefix;
  for (const char* p : {"و", "ف", "ب", "ك", "ل", "ال", "وال", "فال", "بال", "كال", "لل", "ولل",
                        "فلل", "وب", "فب", "وبال", "فكال"}) {
    EXPECT_TRUE(IsArabicCliticPrefix(p)) << p;
  }
  for (const char* p : {"", "م", "ت", "الل", "بب", "وو", "لال"}) {
    EXPECT_FALSE(IsArabicCliticPrefix(p)) << p;
  }
}

// ---------------------------------------------------------------------------
// Obfuscation: found on the skeleton view, spans in the original text.

TEST(LexiconScanTest, ObfuscatedLatinNamesMapToOriginalSpans) {
  auto lexicon = MustParse(Row("d", "daesh"));
  EXPECT_THAT(Found(*lexicon, "join d4esh now"), ElementsAre("d=d4esh"));
  EXPECT_THAT(Found(*lexicon, "join da\u200Besh now"), ElementsAre("d=da\u200Besh"));
  EXPECT_THAT(Found(*lexicon, "join d\u0430esh now"), ElementsAre("d=d\u0430esh"));  // Cyrillic a
  EXPECT_THAT(Found(*lexicon, "join ＤＡＥＳＨ now"), ElementsAre("d=ＤＡＥＳＨ"));
  EXPECT_THAT(Found(*lexicon, "join d a e s h now"), ElementsAre("d=d a e s h"));
  LexiconMatches leet = Scan(*lexicon, "d43sh");
  ASSERT_THAT(leet.hits, SizeIs(1));
  EXPECT_EQ(leet.hits[0].views, kSkel);
}

TEST(LexiconScanTest, ObfuscatedArabicNamesMapToOriginalSpans) {
  auto lexicon = MustParse(Row("d", "داعش"));
  EXPECT_THAT(Found(*lexicon, "دا\u0640\u0640عش"), ElementsAre("d=دا\u0640\u0640عش"));  // tatweel
  EXPECT_THAT(Found(*lexicon, "دَاعِش"), ElementsAre("d=دَاعِش"));                          // harakat
  EXPECT_THAT(Found(*lexicon, "دا\u200Cعش"), ElementsAre("d=دا\u200Cعش"));              // ZWNJ
}

// ---------------------------------------------------------------------------
// Merging, order, budget

TEST(LexiconScanTest, HitsOnBothViewsMergeIntoOne) {
  auto lexicon = MustParse(Row("d", "daesh"));
  LexiconMatches m = Scan(*lexicon, "daesh and d4esh");
  ASSERT_THAT(m.hits, SizeIs(2));
  EXPECT_EQ(m.hits[0].views, kNorm | kSkel);
  EXPECT_EQ(m.hits[0].span, (ByteSpan{0, 5}));
  EXPECT_EQ(m.hits[1].views, kSkel);
  EXPECT_EQ(m.hits[1].span, (ByteSpan{10, 15}));
  EXPECT_EQ(m.hits[1].id, "d");
  EXPECT_EQ(m.hits[1].category, LexiconCategory::kOrganisation);
  EXPECT_DOUBLE_EQ(m.hits[1].weight, 0.9);
  EXPECT_FALSE(m.truncated);
}

TEST(LexiconScanTest, SortsByStartThenId) {
  auto lexicon = MustParse(Row("z", "boko") + Row("a", "boko haram", "word") + Row("m", "haram"));
  EXPECT_THAT(Found(*lexicon, "haram boko haram"),
              ElementsAre("m=haram", "a=boko haram", "z=boko", "m=haram"));
}

TEST(LexiconScanTest, DuplicateTermsInDifferentEntriesAllHit) {
  auto lexicon = MustParse(Row("a", "amaq") + Row("b", "AMAQ", "prefix"));
  EXPECT_THAT(Found(*lexicon, "amaq"), ElementsAre("a=amaq", "b=amaq"));
}

TEST(LexiconScanTest, CapsHitsAndSetsTruncated) {
  LexiconOptions options;
  options.max_hits = 10;
  auto lexicon = MustParse(Row("d", "daesh"), options);
  std::string text;
  for (int i = 0; i < 300; ++i) text += "daesh ";
  LexiconMatches m = Scan(*lexicon, text);
  EXPECT_THAT(m.hits, SizeIs(10));
  EXPECT_TRUE(m.truncated);
  EXPECT_EQ(m.hits[0].span, (ByteSpan{0, 5}));

  LexiconMatches few = Scan(*lexicon, "daesh daesh");
  EXPECT_THAT(few.hits, SizeIs(2));
  EXPECT_FALSE(few.truncated);
}

TEST(LexiconScanTest, ManyEntriesSharingATermStayCheap) {
  // An adversarial file: 20,000 entries with one term. Parsing and scanning must
  // stay linear (checked by the test's running time) and the output capped.
  std::string rows;
  for (int i = 0; i < 20000; ++i) {
    char id[24];
    std::snprintf(id, sizeof(id), "e%d", i);
    rows += Row(id, "daesh", i % 2 ? "word" : "prefix");
  }
  auto lexicon = MustParse(rows);
  ASSERT_NE(lexicon, nullptr);
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "daeshx ";
  LexiconMatches m = Scan(*lexicon, text);
  EXPECT_THAT(m.hits, SizeIs(256));
  EXPECT_TRUE(m.truncated);
  for (const LexiconHit& h : m.hits) {
    EXPECT_EQ(lexicon->entry(h.entry_index).mode, LexiconMode::kPrefix);
  }
}

TEST(LexiconScanTest, ScratchIsReusableAcrossLexicons) {
  auto a = MustParse(Row("a", "alpha"));
  auto b = MustParse(Row("b", "beta") + Row("r", "gam+a", "regex"));
  LexiconScratch scratch;
  NormalizedText text = TheNormalizer().Normalize("alpha beta gammma").value();
  for (int i = 0; i < 3; ++i) {
    EXPECT_THAT(a->Scan(text, scratch).value().hits, SizeIs(1));
    EXPECT_THAT(b->Scan(text, scratch).value().hits, SizeIs(2));
  }
  LexiconScratch moved = std::move(scratch);
  EXPECT_THAT(b->Scan(text, moved).value().hits, SizeIs(2));
}

// ---------------------------------------------------------------------------
// Concurrency: many scanners, one swap in the middle.

TEST(LexiconConcurrencyTest, ConcurrentScansSurviveASwap) {
  auto first = MustParse(Row("old", "alpha"));
  auto second = MustParse(Row("new", "beta"));
  LexiconHandle handle(first);
  NormalizedText text = TheNormalizer().Normalize("alpha beta").value();
  std::atomic<bool> swapped{false};
  std::atomic<int> old_hits{0};
  std::atomic<int> new_hits{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      LexiconScratch scratch;
      // Scan until 50 scans have started after the swap was published.
      for (int after_swap = 0; after_swap < 50;) {
        if (swapped.load()) ++after_swap;
        std::shared_ptr<const Lexicon> lexicon = handle.Get();
        Result<LexiconMatches> m = lexicon->Scan(text, scratch);
        if (!m.ok() || m->hits.size() != 1) {
          ++failures;
          continue;
        }
        (m->hits[0].id == "old" ? old_hits : new_hits)++;
      }
    });
  }
  while (old_hits.load() < 100 && failures.load() == 0) std::this_thread::yield();
  std::shared_ptr<const Lexicon> previous = handle.Swap(second);
  swapped = true;
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(previous, first);
  EXPECT_EQ(handle.Get(), second);
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(old_hits.load(), 0);
  EXPECT_GE(new_hits.load(), 4 * 50);
}

// ---------------------------------------------------------------------------
// Differential test against the naive oracle.

TEST(LexiconDifferentialTest, AgreesWithNaiveOracle) {
  const std::vector<std::string> terms = {
      "daesh", "da3esh",  "isis",  "al-qaida", "al qaeda",  "boko haram", "amaq",
      "dabiq", "recruit", "kill",  "tuez",     "mécréants", "داعش",       "الدولة الإسلامية",
      "أعماق", "الدولة",  "تنظيم", "haram",    "qa",        "a",          "aa",
      "d4esh", "ﻻ",       "x-y",   "#tag",     "@amaq",     "جبهة النصرة"};
  std::string rows;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    // snprintf, not "t" + std::to_string(i): GCC 12 -O3 reports a false -Wrestrict.
    char id[24];
    std::snprintf(id, sizeof(id), "t%zu", i);
    rows += Row(id, terms[i], i % 3 == 0 ? "prefix" : "word");
  }
  LexiconOptions options;
  options.max_hits = 1'000'000;
  auto lexicon = MustParse(rows, options);
  ASSERT_NE(lexicon, nullptr);

  const std::vector<std::string> noise = {
      " ",      "  ",     ".", ",",      "-",  "_",  "x", "é",  "4", "3", "و", "ال", "ب", "\u200B",
      "\u0640", "\u064E", "Ж", "\u0430", "ａ", "\n", "'", "ll", "#", "@", "ل", "لل", "ف"};
  std::mt19937_64 rng(20261129);
  LexiconScratch scratch;
  int with_hits = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    int pieces = 1 + static_cast<int>(rng() % 12);
    for (int p = 0; p < pieces; ++p) {
      if (rng() % 2) {
        std::string term = terms[rng() % terms.size()];
        if (rng() % 4 == 0) {
          for (char& c : term) {
            if (c >= 'a' && c <= 'z' && rng() % 3 == 0) c = static_cast<char>(c - 'a' + 'A');
          }
        }
        text += term;
      } else {
        text += noise[rng() % noise.size()];
      }
    }
    NormalizedText normalized = TheNormalizer().Normalize(text).value();
    LexiconMatches fast = lexicon->Scan(normalized, scratch).value();
    LexiconMatches slow = internal::NaiveScan(*lexicon, normalized);
    ASSERT_EQ(fast.hits, slow.hits) << "text: '" << text << "'";
    EXPECT_FALSE(fast.truncated);
    with_hits += fast.hits.empty() ? 0 : 1;
  }
  EXPECT_GT(with_hits, 1000);
}

}  // namespace
}  // namespace moderato
