// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "moderato/counter/item.h"

namespace moderato {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

CounterItem Valid() {
  CounterItem item;
  item.id = "ngo-en-001";
  item.language = "en";
  item.title = "A title";
  item.body = "A body that answers.";
  item.format = "text";
  item.themes = {"us_vs_them"};
  item.strategy = "facts";
  item.audience = {"youth"};
  item.messenger = Messenger{"An NGO", "ngo", true, {"Another NGO"}};
  item.licence = "CC-BY-4.0";
  item.status = "approved";
  item.sources = {SourceRef{"a claim", "a source"}};
  return item;
}

TEST(CounterItemTest, TaxonomyPredicatesKnowTheIds) {
  EXPECT_TRUE(IsCounterTheme("hate_lgbt"));
  EXPECT_FALSE(IsCounterTheme("hate"));
  EXPECT_TRUE(IsCounterStrategy("humour"));
  EXPECT_FALSE(IsCounterStrategy("humor"));
  EXPECT_TRUE(IsCounterAudience("parents_educators"));
  EXPECT_TRUE(IsCounterFormat("video_link"));
  EXPECT_TRUE(IsMessengerKind("former_extremists"));
  EXPECT_TRUE(IsCounterLanguage("ar"));
  EXPECT_FALSE(IsCounterLanguage("de"));
}

TEST(CounterItemTest, AcceptsAValidItem) { EXPECT_EQ(ValidateCounterItem(Valid()), ""); }

TEST(CounterItemTest, ChecksTheId) {
  CounterItem item = Valid();
  for (std::string id : {std::string(), std::string(65, 'a'), std::string("a b"),
                         std::string("a/b"), std::string("é")}) {
    item.id = id;
    EXPECT_THAT(ValidateCounterItem(item), StartsWith("id:")) << id;
  }
  item.id = std::string(64, 'Z');
  EXPECT_EQ(ValidateCounterItem(item), "");
  item.id = "a_b.c-9";
  EXPECT_EQ(ValidateCounterItem(item), "");
}

TEST(CounterItemTest, ChecksTaxonomiesAndCounts) {
  CounterItem item = Valid();
  item.themes = {"nope"};
  EXPECT_EQ(ValidateCounterItem(item), "themes: unknown theme 'nope'");
  item.themes = {};
  EXPECT_THAT(ValidateCounterItem(item), StartsWith("themes:"));
  item.themes = {"us_vs_them", "conspiracy", "hate_jews", "hate_women", "hate_lgbt", "hate_other"};
  EXPECT_THAT(ValidateCounterItem(item), StartsWith("themes:"));
  item.themes = {"conspiracy", "conspiracy"};
  EXPECT_THAT(ValidateCounterItem(item), HasSubstr("twice"));
  item = Valid();
  item.audience = {"youth", "general", "parents_educators", "youth"};
  EXPECT_THAT(ValidateCounterItem(item), StartsWith("audience:"));
  item = Valid();
  item.strategy = "shouting";
  EXPECT_THAT(ValidateCounterItem(item), StartsWith("strategy:"));
  item = Valid();
  item.language = "de";
  EXPECT_THAT(ValidateCounterItem(item), StartsWith("language:"));
  item = Valid();
  item.format = "podcast";
  EXPECT_THAT(ValidateCounterItem(item), StartsWith("format:"));
  item = Valid();
  item.messenger.kind = "celebrity";
  EXPECT_THAT(ValidateCounterItem(item), StartsWith("messenger.kind:"));
  item = Valid();
  item.status = "published";
  EXPECT_THAT(ValidateCounterItem(item), StartsWith("status:"));
}

TEST(CounterItemTest, ChecksSizes) {
  CounterItem item = Valid();
  item.title = std::string(300, 'x');
  EXPECT_EQ(ValidateCounterItem(item), "");
  item.title = std::string(301, 'x');
  EXPECT_THAT(ValidateCounterItem(item), StartsWith("title:"));
  item = Valid();
  item.body = std::string(8 * 1024 + 1, 'x');
  EXPECT_THAT(ValidateCounterItem(item), StartsWith("body:"));
  item = Valid();
  item.body.clear();
  EXPECT_THAT(ValidateCounterItem(item), StartsWith("body:"));
  item = Valid();
  item.sources.assign(17, SourceRef{"c", "s"});
  EXPECT_THAT(ValidateCounterItem(item), StartsWith("sources:"));
  item = Valid();
  item.sources = {SourceRef{std::string(1025, 'c'), "s"}};
  EXPECT_THAT(ValidateCounterItem(item), StartsWith("sources[0].claim:"));
  item = Valid();
  item.messenger.endorsements.assign(17, "x");
  EXPECT_THAT(ValidateCounterItem(item), StartsWith("messenger.endorsements:"));
  item = Valid();
  item.messenger.name = std::string(201, 'n');
  EXPECT_THAT(ValidateCounterItem(item), StartsWith("messenger.name:"));
}

TEST(CounterItemTest, ChecksTheLink) {
  CounterItem item = Valid();
  item.link = "https://www.un.org/en/about-us/universal-declaration-of-human-rights";
  EXPECT_EQ(ValidateCounterItem(item), "");
  item.link = "http://x.org";
  EXPECT_EQ(ValidateCounterItem(item), "");
  for (std::string link :
       {std::string("javascript:alert(1)"), std::string("ftp://x.org"), std::string("https://"),
        std::string("http://a b"), std::string("https://") + std::string(2048, 'a')}) {
    item.link = link;
    EXPECT_THAT(ValidateCounterItem(item), StartsWith("link:")) << link;
  }
}

TEST(CounterItemTest, RejectsInvalidUtf8InEveryTextField) {
  const std::string bad = "ok\xC3(";
  CounterItem item = Valid();
  item.title = bad;
  EXPECT_EQ(ValidateCounterItem(item), "title: not valid UTF-8");
  item = Valid();
  item.body = "\xED\xA0\x80";  // an encoded surrogate
  EXPECT_EQ(ValidateCounterItem(item), "body: not valid UTF-8");
  item = Valid();
  item.messenger.endorsements = {bad};
  EXPECT_THAT(ValidateCounterItem(item), StartsWith("messenger.endorsements[0]:"));
  item = Valid();
  item.sources = {SourceRef{"c", bad}};
  EXPECT_THAT(ValidateCounterItem(item), StartsWith("sources[0].source:"));
  item = Valid();
  item.body = "مرحبا بالجميع — ça va? 🙂";
  EXPECT_EQ(ValidateCounterItem(item), "");
}

}  // namespace
}  // namespace moderato
