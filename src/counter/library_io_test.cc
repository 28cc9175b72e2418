// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/counter/library_io.h"

#include <algorithm>
#include <cstddef>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "moderato/counter/item.h"
#include "moderato/status.h"
#include "moderato/store/counter_store.h"

namespace moderato {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::string kStarterPath = std::string(MODERATO_SOURCE_ROOT) + "/data/counter/starter.jsonl";

std::string ReadStarter() {
  std::ifstream in(kStarterPath, std::ios::binary);
  EXPECT_TRUE(in.good()) << kStarterPath;
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::unique_ptr<CounterStore> MemoryStore() {
  Result<std::unique_ptr<CounterStore>> store = OpenSqliteCounterStore(":memory:");
  EXPECT_TRUE(store.ok()) << store.status();
  return std::move(store).value();
}

CounterReadResult ReadOk(const std::string& text, CounterFileFormat format,
                         const CounterIoOptions& options = {}) {
  std::istringstream in(text);
  Result<CounterReadResult> read = ReadCounterLibrary(in, format, options);
  EXPECT_TRUE(read.ok()) << read.status();
  return read.ok() ? std::move(read).value() : CounterReadResult{};
}

// The content an editor controls, without the store's fields.
CounterItem Content(CounterItem item) {
  item.version = item.updated_at = item.approved_at = 0;
  item.updated_by.clear();
  item.approved_by.clear();
  return item;
}

std::vector<CounterItem> Contents(const std::vector<CounterItem>& items) {
  std::vector<CounterItem> out;
  for (const CounterItem& item : items) out.push_back(Content(item));
  return out;
}

const char kGoodLine[] =
    R"({"id":"t-1","language":"en","title":"T","body":"B","link":null,"format":"text",)"
    R"("themes":["conspiracy"],"strategy":"facts","audience":["youth"],"messenger":{"name":"N",)"
    R"("kind":"ngo","verified":false,"endorsements":[]},"licence":"CC-BY-4.0","status":"approved",)"
    R"("starter":true,"sources":[{"claim":"c","source":"s"}]})";

TEST(CounterLibraryIoTest, StarterLibraryImportsCompletely) {
  const std::string starter = ReadStarter();
  CounterReadResult read = ReadOk(starter, CounterFileFormat::kJsonl);
  EXPECT_EQ(read.error_count, 0u);
  for (const CounterReadError& error : read.errors)
    ADD_FAILURE() << error.line << ": " << error.message;
  ASSERT_EQ(read.items.size(), 72u);

  auto store = MemoryStore();
  std::istringstream in(starter);
  Result<CounterImportResult> imported =
      ImportCounterLibrary(in, CounterFileFormat::kJsonl, *store, "importer", true);
  ASSERT_TRUE(imported.ok()) << imported.status();
  EXPECT_EQ(imported->added, 72);
  int approved = 0;
  int drafts = 0;
  ASSERT_TRUE(store
                  ->ForEachItem({},
                                [&](const CounterItem& item) {
                                  approved += item.status == "approved";
                                  drafts += item.status == "draft";
                                  return true;
                                })
                  .ok());
  EXPECT_EQ(approved, 69);
  EXPECT_EQ(drafts, 3);
  EXPECT_EQ(store->GetServable("starter-fr-024").status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store->GetServable("starter-ar-001").ok());
}

TEST(CounterLibraryIoTest, StarterWritesBackByteForByte) {
  const std::string starter = ReadStarter();
  CounterReadResult read = ReadOk(starter, CounterFileFormat::kJsonl);
  std::ostringstream out;
  ASSERT_TRUE(WriteCounterItems(read.items, CounterFileFormat::kJsonl, false, out).ok());
  EXPECT_EQ(out.str(), starter);
}

TEST(CounterLibraryIoTest, StarterRoundTripsThroughStoreExportJsonlAndCsv) {
  const std::string starter = ReadStarter();
  std::vector<CounterItem> original = ReadOk(starter, CounterFileFormat::kJsonl).items;
  std::sort(original.begin(), original.end(),
            [](const CounterItem& a, const CounterItem& b) { return a.id < b.id; });
  auto store = MemoryStore();
  ASSERT_TRUE(store->ImportItems(original, "importer", true).ok());

  for (CounterFileFormat format : {CounterFileFormat::kJsonl, CounterFileFormat::kCsv}) {
    std::ostringstream out;
    ASSERT_TRUE(ExportCounterLibrary(*store, {}, format, out).ok());
    CounterReadResult read = ReadOk(out.str(), format);
    EXPECT_EQ(read.error_count, 0u);
    ASSERT_EQ(read.items.size(), 72u);
    // Export is in id order.
    const std::vector<CounterItem> exported = Contents(read.items);
    for (std::size_t i = 0; i < exported.size(); ++i) {
      EXPECT_TRUE(exported[i] == original[i]) << original[i].id << " became " << exported[i].id;
    }
    for (const CounterItem& item : read.items) {
      EXPECT_EQ(item.version, 1);
      EXPECT_EQ(item.updated_by, "importer");
      EXPECT_EQ(item.approved_by, item.status == "approved" ? "importer" : "");
    }
    // Re-importing the export changes nothing.
    std::istringstream again(out.str());
    Result<CounterImportResult> result =
        ImportCounterLibrary(again, format, *store, "importer", true);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->unchanged, 72);
    EXPECT_EQ(result->added + result->updated, 0);
  }
}

TEST(CounterLibraryIoTest, CsvEscapesListSeparators) {
  CounterItem item = ReadOk(kGoodLine, CounterFileFormat::kJsonl).items.at(0);
  item.messenger.endorsements = {"A; B", "C|D", "back\\slash", "x"};
  item.sources = {SourceRef{"claim; with | bars", "source\\;"}, SourceRef{"c2", "s2"}};
  item.body = "line one,\nline \"two\"\r\nthree";
  item.themes = {"conspiracy", "hate_jews"};
  std::ostringstream out;
  ASSERT_TRUE(WriteCounterItems({&item, 1}, CounterFileFormat::kCsv, false, out).ok());
  CounterReadResult read = ReadOk(out.str(), CounterFileFormat::kCsv);
  ASSERT_EQ(read.items.size(), 1u) << (read.errors.empty() ? "" : read.errors[0].message);
  EXPECT_EQ(read.items[0], item);
}

TEST(CounterLibraryIoTest, CsvHeaderMayReorderAndOmitOptionalColumns) {
  const std::string csv =
      "language,id,title,body,themes,strategy,audience,messenger_name,messenger_kind,sources\n"
      "fr,x-1,Titre,Corps,conspiracy;us_vs_them,humour,youth;general,ONG,ngo,c1|s1;c2|s2\n";
  CounterReadResult read = ReadOk(csv, CounterFileFormat::kCsv);
  ASSERT_EQ(read.items.size(), 1u) << read.errors.at(0).message;
  EXPECT_EQ(read.items[0].language, "fr");
  EXPECT_EQ(read.items[0].status, "draft");
  EXPECT_EQ(read.items[0].themes, (std::vector<std::string>{"conspiracy", "us_vs_them"}));
  EXPECT_EQ(read.items[0].sources.size(), 2u);

  std::istringstream bad_header("id,title,colour\n");
  EXPECT_THAT(ReadCounterCsv(bad_header).status().message(), HasSubstr("colour"));
  std::istringstream missing("id,title\n");
  EXPECT_THAT(ReadCounterCsv(missing).status().message(), HasSubstr("missing column"));
  std::istringstream empty("");
  EXPECT_EQ(ReadCounterCsv(empty).status().code(), StatusCode::kInvalidArgument);
}

TEST(CounterLibraryIoTest, GarbageIsReportedWithLineNumbers) {
  std::string good = kGoodLine;
  auto with_id = [&](const std::string& id) {
    std::string line = good;
    line.replace(line.find("t-1"), 3, id);
    return line;
  };
  std::string wrong_type = with_id("t-3");
  wrong_type.replace(wrong_type.find(R"("themes":["conspiracy"])"), 23, R"("themes":"conspiracy")");
  std::string unknown_theme = with_id("t-4");
  unknown_theme.replace(unknown_theme.find("conspiracy"), 10, "astrology");
  std::string bad_utf8 = with_id("t-5");
  bad_utf8.replace(bad_utf8.find(R"("B")"), 3, "\"\xC3(\"");
  std::string unknown_field = with_id("t-6");
  unknown_field.insert(1, R"("colour":"red",)");
  const std::string text = good + "\n" +                                   // line 1: good
                           with_id("t-2").substr(0, 80) + "\n" +           // 2: truncated
                           wrong_type + "\n" +                             // 3
                           "\n" +                                          // 4: blank, skipped
                           unknown_theme + "\n" +                          // 5
                           bad_utf8 + "\n" +                               // 6
                           unknown_field + "\n" +                          // 7
                           good + "\n" +                                   // 8: repeated id
                           "[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]\n" +  // 9: too deep
                           "42\n";                                         // 10: not an object
  CounterReadResult read = ReadOk(text, CounterFileFormat::kJsonl);
  ASSERT_EQ(read.items.size(), 1u);
  ASSERT_EQ(read.errors.size(), 8u);
  EXPECT_EQ(read.error_count, 8u);
  std::vector<std::uint64_t> lines;
  for (const CounterReadError& error : read.errors) lines.push_back(error.line);
  EXPECT_EQ(lines, (std::vector<std::uint64_t>{2, 3, 5, 6, 7, 8, 9, 10}));
  EXPECT_THAT(read.errors[0].message, HasSubstr("malformed JSON"));
  EXPECT_THAT(read.errors[1].message, StartsWith("themes: expected an array"));
  EXPECT_EQ(read.errors[2].message, "themes: unknown theme 'astrology'");
  EXPECT_THAT(read.errors[3].message, HasSubstr("UTF-8"));
  EXPECT_EQ(read.errors[4].message, "unknown field 'colour'");
  EXPECT_THAT(read.errors[5].message, HasSubstr("appears twice"));
  EXPECT_THAT(read.errors[6].message, HasSubstr("nested deeper"));
  EXPECT_THAT(read.errors[7].message, HasSubstr("expected a JSON object"));

  // The import refuses the whole file and writes nothing.
  auto store = MemoryStore();
  std::istringstream in(text);
  Result<CounterImportResult> result =
      ImportCounterLibrary(in, CounterFileFormat::kJsonl, *store, "w", true);
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("line 2: malformed JSON"));
  EXPECT_EQ(store->GetItem("t-1").status().code(), StatusCode::kNotFound);
}

TEST(CounterLibraryIoTest, CsvGarbageIsReportedWithLineNumbers) {
  const std::string header =
      "id,language,title,body,themes,strategy,audience,messenger_name,messenger_kind,starter\n";
  const std::string text = header +
                           "a,en,T,B,conspiracy,facts,youth,N,ngo,true\n"            // 2: good
                           "b,en,T,B,astrology,facts,youth,N,ngo,false\n"            // 3: theme
                           "c,en,T,B,conspiracy,facts,youth,N,ngo,maybe\n"           // 4: bool
                           "d,en,T,B,conspiracy,facts\n"                             // 5: short
                           "e,en,T,\"multi\nline\",conspiracy,facts,youth,N,ngo,\n"  // 6-7: good
                           "f,en,T,B,conspiracy,facts,youth,N,ngo,x\"y\n";  // 8: stray quote
  CounterReadResult read = ReadOk(text, CounterFileFormat::kCsv);
  ASSERT_EQ(read.items.size(), 2u);
  EXPECT_EQ(read.items[1].body, "multi\nline");
  ASSERT_EQ(read.errors.size(), 4u);
  EXPECT_EQ(read.errors[0].line, 3u);
  EXPECT_THAT(read.errors[0].message, HasSubstr("themes"));
  EXPECT_EQ(read.errors[1].line, 4u);
  EXPECT_THAT(read.errors[1].message, HasSubstr("starter"));
  EXPECT_EQ(read.errors[2].line, 5u);
  EXPECT_EQ(read.errors[3].line, 8u);
}

TEST(CounterLibraryIoTest, BudgetsStopOrSkip) {
  const std::string two =
      std::string(kGoodLine) + "\n" + std::string(kGoodLine).replace(8, 3, "t-2") + "\n";
  CounterIoOptions options;
  options.max_items = 1;
  std::istringstream in(two);
  EXPECT_EQ(ReadCounterJsonl(in, options).status().code(), StatusCode::kResourceExhausted);

  options = {};
  options.max_bytes = 100;
  std::istringstream in2(two);
  EXPECT_EQ(ReadCounterJsonl(in2, options).status().code(), StatusCode::kResourceExhausted);

  options = {};
  options.max_line_bytes = 100;  // each line is longer: skipped and reported
  CounterReadResult read = ReadOk(two, CounterFileFormat::kJsonl, options);
  EXPECT_TRUE(read.items.empty());
  ASSERT_EQ(read.errors.size(), 2u);
  EXPECT_EQ(read.errors[1].line, 2u);
  EXPECT_THAT(read.errors[0].message, HasSubstr("longer than"));

  options = {};
  options.max_errors = 1;
  read = ReadOk("x\ny\nz\n", CounterFileFormat::kJsonl, options);
  EXPECT_EQ(read.errors.size(), 1u);
  EXPECT_EQ(read.error_count, 3u);
}

}  // namespace
}  // namespace moderato
