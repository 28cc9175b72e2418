// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/counter/retrieval.h"

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "counter/testing_items.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace moderato {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

CounterItem Item(std::string id, std::string language, std::string body,
                 std::vector<std::string> themes = {"conspiracy"}, std::string strategy = "facts",
                 std::vector<std::string> audience = {"general"}, std::string status = "approved") {
  CounterItem item;
  item.id = std::move(id);
  item.language = std::move(language);
  item.title = "t";
  item.body = std::move(body);
  item.themes = std::move(themes);
  item.strategy = std::move(strategy);
  item.audience = std::move(audience);
  item.status = std::move(status);
  return item;
}

std::unique_ptr<CounterRetriever> BuildOrDie(const std::vector<CounterItem>& items,
                                             const RetrievalOptions& options = {}) {
  Result<std::unique_ptr<CounterRetriever>> r = CounterRetriever::Build(items, options);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? std::move(r).value() : nullptr;
}

std::vector<Suggestion> SuggestOrDie(const CounterRetriever& r, std::string_view message,
                                     const SuggestQuery& q) {
  Result<std::vector<Suggestion>> s = r.Suggest(message, q);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *s : std::vector<Suggestion>{};
}

std::vector<std::string> Ids(const std::vector<Suggestion>& s) {
  std::vector<std::string> ids;
  for (const Suggestion& x : s) ids.push_back(x.id);
  return ids;
}

SuggestQuery Query(std::string language, std::size_t k = 5) {
  SuggestQuery q;
  q.language = std::move(language);
  q.k = k;
  return q;
}

TEST(CounterRetrieverTest, LanguageFallbackFollowsTheConfiguredOrder) {
  const std::vector<CounterItem> items = {
      Item("en-1", "en", "the banks and the media are not secretly controlled"),
      Item("fr-1", "fr", "les banques et les medias ne sont pas controles en secret"),
  };
  std::unique_ptr<CounterRetriever> r = BuildOrDie(items);
  // No Arabic item: English first (default order en, fr, ar), then French.
  std::vector<Suggestion> s = SuggestOrDie(*r, "conspiracy banks media", Query("ar"));
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].id, "en-1");
  EXPECT_EQ(s[0].explanation.language_note, "fallback: en");
  EXPECT_DOUBLE_EQ(s[0].explanation.language_factor, 0.5);
  EXPECT_THAT(s[0].explanation.text, HasSubstr("fallback: en"));
  EXPECT_EQ(s[1].explanation.language_note, "fallback: fr");
  EXPECT_DOUBLE_EQ(s[1].explanation.language_factor, 0.25);

  RetrievalOptions french_first;
  french_first.language_fallback = {"fr", "en"};
  const std::vector<CounterItem> twins = {Item("en-1", "en", "banks media"),
                                          Item("fr-1", "fr", "banks media")};
  std::unique_ptr<CounterRetriever> r2 = BuildOrDie(twins, french_first);
  s = SuggestOrDie(*r2, "banks media", Query("ar"));
  ASSERT_FALSE(s.empty());
  EXPECT_EQ(s[0].id, "fr-1");
  EXPECT_EQ(s[0].explanation.language_note, "fallback: fr");

  // The query's own language always comes first.
  s = SuggestOrDie(*r, "banques medias complot", Query("fr"));
  ASSERT_FALSE(s.empty());
  EXPECT_EQ(s[0].id, "fr-1");
  EXPECT_EQ(s[0].explanation.language_note, "same language");

  // A language outside the order is never served.
  RetrievalOptions english_only;
  english_only.language_fallback = {"en"};
  std::unique_ptr<CounterRetriever> r3 = BuildOrDie(items, english_only);
  EXPECT_THAT(Ids(SuggestOrDie(*r3, "banques medias banks media", Query("ar"))),
              ElementsAre("en-1"));
}

TEST(CounterRetrieverTest, UnknownLanguageWeighsEveryServedLanguageAlike) {
  const std::vector<CounterItem> items = {Item("en-1", "en", "banks media"),
                                          Item("fr-1", "fr", "banks media")};
  std::unique_ptr<CounterRetriever> r = BuildOrDie(items);
  std::vector<Suggestion> s = SuggestOrDie(*r, "banks media", Query(""));
  ASSERT_EQ(s.size(), 2u);
  EXPECT_DOUBLE_EQ(s[0].explanation.language_factor, 1.0);
  EXPECT_DOUBLE_EQ(s[1].explanation.language_factor, 1.0);
  EXPECT_EQ(s[0].explanation.language_note, "language unknown");
}

TEST(CounterRetrieverTest, OnlyApprovedItemsAreServed) {
  const std::string body = "martyrdom is not the killing of innocents";
  const std::vector<CounterItem> items = {
      Item("draft", "en", body, {"glorification_martyrdom"}, "facts", {"general"}, "draft"),
      Item("retired", "en", body, {"glorification_martyrdom"}, "facts", {"general"}, "retired"),
      Item("odd", "en", body, {"glorification_martyrdom"}, "facts", {"general"}, "Approved"),
      Item("ok", "en", "victims and their families", {"glorification_martyrdom"}),
  };
  std::unique_ptr<CounterRetriever> r = BuildOrDie(items);
  EXPECT_EQ(r->size(), 1u);
  EXPECT_THAT(Ids(SuggestOrDie(*r, body, Query("en", 10))), ElementsAre("ok"));

  // The starter library has drafts too: none ever comes back.
  Result<std::vector<CounterItem>> starter =
      testing_items::LoadItems(testing_items::SourcePath("data/counter/starter.jsonl"));
  ASSERT_TRUE(starter.ok()) << starter.status();
  std::set<std::string> drafts;
  for (const CounterItem& item : *starter) {
    if (item.status != "approved") drafts.insert(item.id);
  }
  ASSERT_FALSE(drafts.empty());
  std::unique_ptr<CounterRetriever> sr = BuildOrDie(*starter);
  for (const CounterItem& item : *starter) {
    if (!drafts.contains(item.id)) continue;
    for (const Suggestion& s : SuggestOrDie(*sr, item.title + " " + item.body, Query("", 20))) {
      EXPECT_FALSE(drafts.contains(s.id)) << s.id;
    }
  }
}

TEST(CounterRetrieverTest, MmrDiversifiesStrategies) {
  std::vector<CounterItem> items;
  for (int i = 0; i < 5; ++i) {
    items.push_back(Item("facts-" + std::to_string(i), "en",
                         "the hidden plot of the elites is a myth, point " + std::to_string(i),
                         {"conspiracy"}, "facts"));
  }
  items.push_back(Item("question-0", "en",
                       "who profits when you believe in a hidden plot of the elites?",
                       {"conspiracy"}, "question"));
  items.push_back(Item("humour-0", "en",
                       "a hidden plot of the elites that everybody on the internet knows about",
                       {"conspiracy"}, "humour"));
  // Unrelated items, so that the topic words are rare in the library.
  for (int i = 0; i < 20; ++i) {
    items.push_back(Item("other-" + std::to_string(i), "en",
                         "neighbours share a meal and talk about football " + std::to_string(i),
                         {"us_vs_them"}, "positive_values"));
  }
  const std::string message = "the hidden plot of the elites is real";

  RetrievalOptions no_mmr;
  no_mmr.mmr_lambda = 1.0;
  std::vector<Suggestion> plain = SuggestOrDie(*BuildOrDie(items, no_mmr), message, Query("en", 3));
  ASSERT_EQ(plain.size(), 3u);
  for (const Suggestion& s : plain) EXPECT_EQ(s.strategy, "facts");

  std::vector<Suggestion> diverse = SuggestOrDie(*BuildOrDie(items), message, Query("en", 3));
  ASSERT_EQ(diverse.size(), 3u);
  std::set<std::string> strategies;
  for (const Suggestion& s : diverse) strategies.insert(s.strategy);
  EXPECT_GE(strategies.size(), 2u);
  EXPECT_EQ(diverse[0].id, plain[0].id);  // MMR never changes the first pick
  bool penalised = false;
  for (const Suggestion& s : diverse) penalised |= s.explanation.mmr_penalty > 0;
  EXPECT_TRUE(penalised);
  for (std::size_t i = 1; i < diverse.size(); ++i)
    EXPECT_GE(diverse[i - 1].score, diverse[i].score);
}

TEST(CounterRetrieverTest, AudienceIsAHardFilter) {
  const std::vector<CounterItem> items = {
      Item("youth", "en", "banks media", {"conspiracy"}, "facts", {"youth"}),
      Item("parents", "en", "banks media banks media", {"conspiracy"}, "facts",
           {"parents_educators", "general"}),
  };
  std::unique_ptr<CounterRetriever> r = BuildOrDie(items);
  SuggestQuery q = Query("en");
  q.audience = {"youth"};
  EXPECT_THAT(Ids(SuggestOrDie(*r, "banks media", q)), ElementsAre("youth"));
  q.audience = {"general", "youth"};
  EXPECT_EQ(SuggestOrDie(*r, "banks media", q).size(), 2u);
  q.audience = {"teenagers"};
  EXPECT_EQ(r->Suggest("banks media", q).status().code(), StatusCode::kInvalidArgument);
}

TEST(CounterRetrieverTest, ExplanationComponentsSumToTheScore) {
  Result<std::vector<CounterItem>> starter =
      testing_items::LoadItems(testing_items::SourcePath("data/counter/starter.jsonl"));
  ASSERT_TRUE(starter.ok()) << starter.status();
  std::unique_ptr<CounterRetriever> r = BuildOrDie(*starter);
  const char* messages[] = {"they call him a martyr and a hero",
                            "le grand remplacement, un complot", "الشهداء في الجنة",
                            "join the caliphate, make hijra"};
  for (const char* m : messages) {
    for (const char* lang : {"en", "fr", "ar", ""}) {
      for (const Suggestion& s : SuggestOrDie(*r, m, Query(lang, 8))) {
        const Explanation& e = s.explanation;
        EXPECT_NEAR(
            e.bm25_words + e.bm25_chars + e.theme_score + e.language_adjustment - e.mmr_penalty,
            s.score, 1e-9);
        EXPECT_DOUBLE_EQ(e.final, s.score);
        EXPECT_GE(e.mmr_penalty, 0);
        EXPECT_LE(e.language_adjustment, 0);
        EXPECT_FALSE(e.text.empty());
      }
    }
  }
  std::vector<Suggestion> s = SuggestOrDie(*r, "they call him a martyr and a hero", Query("en"));
  ASSERT_FALSE(s.empty());
  EXPECT_THAT(s[0].explanation.matched_themes, ElementsAre("glorification_martyrdom"));
  EXPECT_GT(s[0].explanation.theme_score, 0);
}

TEST(CounterRetrieverTest, CallerThemesReplaceInference) {
  const std::vector<CounterItem> items = {Item("a", "en", "alpha", {"hate_women"}),
                                          Item("b", "en", "alpha", {"conspiracy"})};
  std::unique_ptr<CounterRetriever> r = BuildOrDie(items);
  SuggestQuery q = Query("en");
  q.themes = std::vector<ThemeScore>{{"hate_women", 0.9, {"caller"}}};
  std::vector<Suggestion> s = SuggestOrDie(*r, "alpha", q);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].id, "a");
  q.themes = std::vector<ThemeScore>{{"not_a_theme", 0.9, {}}};
  EXPECT_EQ(r->Suggest("alpha", q).status().code(), StatusCode::kInvalidArgument);
  // Lexicon signals count as evidence too.
  SuggestQuery signalled = Query("en");
  signalled.signals.categories = {LexiconCategory::kGlorification};
  const std::vector<CounterItem> glory = {Item("g", "en", "beta", {"glorification_martyrdom"}),
                                          Item("h", "en", "beta", {"hate_lgbt"})};
  std::vector<Suggestion> g = SuggestOrDie(*BuildOrDie(glory), "beta", signalled);
  ASSERT_FALSE(g.empty());
  EXPECT_EQ(g[0].id, "g");
}

TEST(CounterRetrieverTest, TiesAreBrokenById) {
  const std::vector<CounterItem> items = {
      Item("c", "en", "same words here", {"conspiracy"}, "facts"),
      Item("a", "en", "same words here", {"conspiracy"}, "facts"),
      Item("b", "en", "same words here", {"conspiracy"}, "facts"),
  };
  EXPECT_THAT(Ids(SuggestOrDie(*BuildOrDie(items), "same words", Query("en"))),
              ElementsAre("a", "b", "c"));
  RetrievalOptions no_mmr;
  no_mmr.mmr_lambda = 1.0;
  std::vector<Suggestion> s = SuggestOrDie(*BuildOrDie(items, no_mmr), "same words", Query("en"));
  EXPECT_THAT(Ids(s), ElementsAre("a", "b", "c"));
  EXPECT_DOUBLE_EQ(s[0].score, s[2].score);
}

TEST(CounterRetrieverTest, GarbageEmptyHugeAndInvalidInput) {
  const std::vector<CounterItem> items = {Item("a", "en", "banks media", {"conspiracy"})};
  std::unique_ptr<CounterRetriever> r = BuildOrDie(items);
  EXPECT_TRUE(SuggestOrDie(*r, "", Query("en")).empty());
  EXPECT_TRUE(SuggestOrDie(*r, "!!! ??? ...", Query("en")).empty());
  EXPECT_TRUE(SuggestOrDie(*r, "zzqx wvvk", Query("en")).empty());
  EXPECT_THAT(Ids(SuggestOrDie(*r, "banks \xff\xfe media \xc3", Query("en"))), ElementsAre("a"));

  Result<std::vector<Suggestion>> huge = r->Suggest(std::string(16 * 1024 + 1, 'a'), Query("en"));
  EXPECT_EQ(huge.status().code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(r->Suggest(std::string(16 * 1024, 'a'), Query("en")).ok());

  EXPECT_EQ(r->Suggest("banks", Query("en", 0)).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r->Suggest("banks", Query("en", 101)).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r->Suggest("banks", Query("EN")).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r->Suggest("banks", Query("e\n")).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(r->Suggest("banks", Query("arabizi")).ok());

  std::unique_ptr<CounterRetriever> empty = BuildOrDie({});
  EXPECT_EQ(empty->size(), 0u);
  EXPECT_TRUE(SuggestOrDie(*empty, "banks", Query("en")).empty());
}

TEST(CounterRetrieverTest, BuildRejectsBadOptionsAndDuplicates) {
  const std::vector<CounterItem> dup = {Item("a", "en", "x"), Item("a", "fr", "y")};
  EXPECT_EQ(CounterRetriever::Build(dup, {}).status().code(), StatusCode::kInvalidArgument);
  // A duplicate draft does not clash with its approved version.
  const std::vector<CounterItem> versions = {
      Item("a", "en", "x"), Item("a", "en", "y", {"conspiracy"}, "facts", {"general"}, "draft")};
  EXPECT_TRUE(CounterRetriever::Build(versions, {}).ok());

  RetrievalOptions o;
  o.char_ngram_buckets = 1000;
  EXPECT_FALSE(CounterRetriever::Build({}, o).ok());
  o = {};
  o.mmr_lambda = 0;
  EXPECT_FALSE(CounterRetriever::Build({}, o).ok());
  o = {};
  o.char_ngram_min = 6;
  EXPECT_FALSE(CounterRetriever::Build({}, o).ok());
  o = {};
  o.weights.themes = -1;
  EXPECT_FALSE(CounterRetriever::Build({}, o).ok());
  o = {};
  o.language_fallback = {"EN"};
  EXPECT_FALSE(CounterRetriever::Build({}, o).ok());
  o = {};
  o.max_items = 1;
  EXPECT_EQ(CounterRetriever::Build(dup, o).status().code(), StatusCode::kResourceExhausted);
}

TEST(CounterRetrieverTest, CharacterNgramsCoverArabicClitics) {
  // "والمؤامرات" (and the conspiracies) shares no word with "مؤامرة" but many
  // character n-grams.
  const std::vector<CounterItem> items = {
      Item("ar-1", "ar", "المؤامرة قصة مريحة لكنها لا تفسر شيئا", {"hate_other"}),
      Item("ar-2", "ar", "التعايش ممكن في كل مدينة", {"hate_other"}),
  };
  std::unique_ptr<CounterRetriever> r = BuildOrDie(items);
  std::vector<Suggestion> s = SuggestOrDie(*r, "والمؤامرات", Query("ar"));
  ASSERT_FALSE(s.empty());
  EXPECT_EQ(s[0].id, "ar-1");
  EXPECT_GT(s[0].explanation.bm25_chars, 0);
  EXPECT_EQ(s[0].explanation.bm25_words, 0);
  // The baseline sees nothing.
  SuggestQuery baseline = Query("ar");
  baseline.bm25_only = true;
  EXPECT_TRUE(SuggestOrDie(*r, "والمؤامرات", baseline).empty());
}

TEST(CounterRetrieverTest, ConcurrentSuggestAgreesWithSequential) {
  Result<std::vector<CounterItem>> starter =
      testing_items::LoadItems(testing_items::SourcePath("data/counter/starter.jsonl"));
  ASSERT_TRUE(starter.ok()) << starter.status();
  std::unique_ptr<CounterRetriever> r = BuildOrDie(*starter);
  const std::vector<std::string> messages = {"martyr hero paradise", "complot des elites",
                                             "الخلافة والهجرة", "they will never accept you"};
  std::vector<std::vector<std::string>> expected;
  for (const std::string& m : messages) expected.push_back(Ids(SuggestOrDie(*r, m, Query(""))));
  std::vector<std::thread> threads;
  std::atomic<int> mismatches = 0;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        const std::size_t m = static_cast<std::size_t>(t + i) % messages.size();
        Result<std::vector<Suggestion>> s = r->Suggest(messages[m], Query(""));
        if (!s.ok() || Ids(*s) != expected[m]) ++mismatches;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace moderato
