// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/exchange/formats.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "moderato/hash/text_signature.h"
#include "moderato/store/store.h"

namespace moderato {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pair;

const std::string kPdq = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
const std::string kPdq2 = "0000000000000000000000000000000000000000000000000000000000000001";
const std::string kMd5 = "d41d8cd98f00b204e9800998ecf8427e";
const std::string kSha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const std::string kUrl = "https://example.com/manifesto.pdf";

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string TextSig() {
  TextSignature sig;
  for (std::size_t i = 0; i < sig.bins.size(); ++i) sig.bins[i] = static_cast<uint32_t>(i * 7919);
  sig.shingles = 42;
  return FormatTextSignature(sig);
}

ImportBatch MustImport(std::string_view bytes, std::optional<ExchangeFormat> format,
                       const ImportOptions& options = {}) {
  Result<ImportBatch> batch = ImportSignalsFromBytes(bytes, format, options);
  EXPECT_TRUE(batch.ok()) << batch.status();
  if (!batch.ok()) return {};
  return *std::move(batch);
}

std::vector<std::string> ErrorStrings(const ImportBatch& batch) {
  std::vector<std::string> out;
  for (const ImportError& e : batch.errors) out.push_back(e.ToString());
  return out;
}

Signal MakeSignal(SignalType type, std::string value) {
  Signal s;
  s.type = type;
  s.value = std::move(value);
  return s;
}

// A signal with every field set, as a store would return it.
Signal FullSignal(SignalType type, std::string value, int64_t id) {
  Signal s = MakeSignal(type, std::move(value));
  s.id = id;
  s.labels.organisation = "Example Front";
  s.labels.behaviours = {"recruitment", "glorification"};
  s.labels.tags = {"ideology:islamist", "file_type:video", "lang:ar"};
  s.source = "tat";
  s.external_id = std::to_string(1000 + id);
  s.quality = type == SignalType::kPdq ? 87 : -1;
  s.added_at = 1700000000 + id;
  s.enabled = id % 2 == 1;
  return s;
}

std::string Export(std::span<const Signal> signals, ExchangeFormat format,
                   const ExportOptions& options = {}) {
  std::ostringstream out;
  Result<ExportSummary> summary = ExportSignals(signals, format, out, options);
  EXPECT_TRUE(summary.ok()) << summary.status();
  return out.str();
}

// Compares what a format carries; `id` and `bank` are never carried.
void ExpectSameSignals(const std::vector<Signal>& got, const std::vector<Signal>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    Signal w = want[i];
    w.id = 0;
    w.bank.clear();
    EXPECT_EQ(got[i], w) << "signal " << i;
  }
}

// ------------------------------------------------------------- names, detection

TEST(ExchangeFormatTest, NamesRoundTrip) {
  for (ExchangeFormat f : {ExchangeFormat::kPytx, ExchangeFormat::kHmaJson, ExchangeFormat::kTat,
                           ExchangeFormat::kStopNcii, ExchangeFormat::kCsv}) {
    EXPECT_EQ(ParseExchangeFormat(ExchangeFormatName(f)), f);
  }
  EXPECT_EQ(ParseExchangeFormat("HMA"), ExchangeFormat::kHmaJson);
  EXPECT_EQ(ParseExchangeFormat("tcap"), ExchangeFormat::kTat);
  EXPECT_EQ(ParseExchangeFormat("xml"), std::nullopt);
}

TEST(ExchangeFormatTest, DetectsEachFormatFromItsFirstBytes) {
  EXPECT_EQ(DetectExchangeFormat("pdq " + kPdq + "\n"), ExchangeFormat::kPytx);
  EXPECT_EQ(DetectExchangeFormat("# comment\n" + kPdq + "\n"), ExchangeFormat::kPytx);
  EXPECT_EQ(DetectExchangeFormat("\xEF\xBB\xBFtype,value,tags\npdq,x,y\n"), ExchangeFormat::kCsv);
  EXPECT_EQ(DetectExchangeFormat("  {\"count\": 1, \"next\": null, \"results\": [{\"id\": 1, "
                                 "\"hash_digest\": \"ab\"}]}"),
            ExchangeFormat::kTat);
  EXPECT_EQ(DetectExchangeFormat("[{\"hash_digest\": \"ab\"}]"), ExchangeFormat::kTat);
  EXPECT_EQ(DetectExchangeFormat("{\"count\": 0, \"hashRecords\": []}"), ExchangeFormat::kStopNcii);
  EXPECT_EQ(DetectExchangeFormat("{\"name\": \"b\", \"contents\": []}"), ExchangeFormat::kHmaJson);
  EXPECT_EQ(DetectExchangeFormat("{\"unrelated\": 1}"), std::nullopt);
  EXPECT_EQ(DetectExchangeFormat(" \n "), std::nullopt);
}

TEST(ExchangeFormatTest, AutoDetectionIsUsedWhenNoFormatIsGiven) {
  ImportBatch batch = MustImport("type,value\nmd5," + kMd5 + "\n", std::nullopt);
  EXPECT_EQ(batch.format, ExchangeFormat::kCsv);
  ASSERT_EQ(batch.add.size(), 1u);
  Result<ImportBatch> unknown = ImportSignalsFromBytes("{\"what\": 1}", std::nullopt);
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
}

// ------------------------------------------------------------------ values, dates

TEST(CanonicalSignalValueTest, CanonicalisesEachType) {
  EXPECT_EQ(*CanonicalSignalValue(SignalType::kPdq, " " + Upper(kPdq) + "\t"), kPdq);
  EXPECT_EQ(*CanonicalSignalValue(SignalType::kMd5, Upper(kMd5)), kMd5);
  EXPECT_EQ(*CanonicalSignalValue(SignalType::kSha256, Upper(kSha256)), kSha256);
  EXPECT_EQ(*CanonicalSignalValue(SignalType::kUrl, "HTTP://WWW.Example.com:80/manifesto.pdf"),
            kUrl);
  EXPECT_EQ(*CanonicalSignalValue(SignalType::kText, TextSig()), TextSig());
}

TEST(CanonicalSignalValueTest, RejectsMalformedValues) {
  EXPECT_FALSE(CanonicalSignalValue(SignalType::kPdq, kPdq.substr(1)).ok());
  EXPECT_FALSE(CanonicalSignalValue(SignalType::kPdq, "g" + kPdq.substr(1)).ok());
  EXPECT_FALSE(CanonicalSignalValue(SignalType::kMd5, kSha256).ok());
  EXPECT_FALSE(CanonicalSignalValue(SignalType::kSha256, "z" + kSha256.substr(1)).ok());
  EXPECT_FALSE(CanonicalSignalValue(SignalType::kUrl, "ftp://example.com/").ok());
  EXPECT_FALSE(CanonicalSignalValue(SignalType::kText, "hello world").ok());
  EXPECT_FALSE(CanonicalSignalValue(SignalType::kMd5, "").ok());
}

TEST(Iso8601Test, ParsesCommonForms) {
  EXPECT_EQ(*ParseIso8601("1970-01-01"), 0);
  EXPECT_EQ(*ParseIso8601("2023-11-14T22:13:20Z"), 1700000000);
  EXPECT_EQ(*ParseIso8601("2023-11-14T22:13:20.123456Z"), 1700000000);
  EXPECT_EQ(*ParseIso8601("2023-11-14 23:13:20+01:00"), 1700000000);
  EXPECT_EQ(*ParseIso8601("2023-11-14T21:13:20-0100"), 1700000000);
  EXPECT_EQ(*ParseIso8601("2023-11-14T22:13"), 1699999980);
  EXPECT_EQ(FormatIso8601(1700000000), "2023-11-14T22:13:20Z");
  EXPECT_EQ(*ParseIso8601(FormatIso8601(1234567890)), 1234567890);
}

TEST(Iso8601Test, RejectsBadDates) {
  for (std::string_view bad :
       {"", "yesterday", "2023-02-30", "2023-13-01", "2023-1-01", "1969-12-31", "2023-11-14T25:00",
        "2023-11-14T22:13:20Q", "2023-11-14T22:13:20+99:00", "2023-11-14T22:13:20Zjunk",
        "2023-11-14T22:13:20.Z"}) {
    EXPECT_FALSE(ParseIso8601(bad).ok()) << bad;
  }
}

// ----------------------------------------------------------------------- pytx

TEST(PytxTest, ReadsTypedLinesCommentsAndAliases) {
  std::string input = "# exported\n\npdq " + Upper(kPdq) + "\nvideo_md5 " + kMd5 + "\r\nsha256\t" +
                      kSha256 + "\nurl " + kUrl + "\ntext " + TextSig() +
                      "\nraw_text some words here\n";
  ImportBatch batch = MustImport(input, ExchangeFormat::kPytx);
  EXPECT_TRUE(batch.ok()) << ::testing::PrintToString(ErrorStrings(batch));
  ASSERT_EQ(batch.add.size(), 5u);
  EXPECT_EQ(batch.add[0].type, SignalType::kPdq);
  EXPECT_EQ(batch.add[0].value, kPdq);
  EXPECT_EQ(batch.add[0].source, "pytx");
  EXPECT_EQ(batch.add[1].type, SignalType::kMd5);
  EXPECT_EQ(batch.add[2].type, SignalType::kSha256);
  EXPECT_EQ(batch.add[3].value, kUrl);
  EXPECT_EQ(batch.add[4].type, SignalType::kText);
  EXPECT_THAT(batch.skipped_unsupported, ElementsAre(Pair("raw_text", 1u)));
  EXPECT_EQ(batch.records, 6u);
  EXPECT_EQ(batch.added_by_type[static_cast<int>(SignalType::kPdq)], 1u);
}

TEST(PytxTest, ReportsUnknownTypesAndBadValuesWithLineNumbers) {
  std::string input = "pdq " + kPdq + "\nfoo " + kPdq + "\nmd5 xyz\n" + kMd5 + "\n";
  ImportBatch batch = MustImport(input, ExchangeFormat::kPytx);
  EXPECT_FALSE(batch.ok());
  std::vector<std::string> errors = ErrorStrings(batch);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_THAT(errors[0], HasSubstr("line 2: unknown signal type 'foo'"));
  EXPECT_THAT(errors[1], HasSubstr("line 3: md5 must be 32 hex digits"));
  EXPECT_THAT(errors[2], HasSubstr("line 4: expected '<signal_type> <value>'"));
}

TEST(PytxTest, BareValuesUseTheDefaultType) {
  ImportOptions options;
  options.default_type = SignalType::kMd5;
  options.source = "partner.txt";
  ImportBatch batch =
      MustImport(kMd5 + "\nmd5 " + Upper(kMd5) + "\n", ExchangeFormat::kPytx, options);
  ASSERT_TRUE(batch.ok());
  ASSERT_EQ(batch.add.size(), 2u);
  EXPECT_EQ(batch.add[0].value, kMd5);
  EXPECT_EQ(batch.add[1].value, kMd5);
  EXPECT_EQ(batch.add[0].source, "partner.txt");
}

TEST(PytxTest, RoundTripCarriesTypeAndValueOnly) {
  std::vector<Signal> signals = {
      FullSignal(SignalType::kPdq, kPdq, 1), FullSignal(SignalType::kMd5, kMd5, 2),
      FullSignal(SignalType::kUrl, kUrl, 3), FullSignal(SignalType::kText, TextSig(), 4)};
  std::string text = Export(signals, ExchangeFormat::kPytx);
  EXPECT_EQ(text.substr(0, 68), "pdq " + kPdq);
  ImportBatch batch = MustImport(text, ExchangeFormat::kPytx);
  ASSERT_TRUE(batch.ok());
  std::vector<Signal> want;
  for (const Signal& s : signals) {
    Signal w = MakeSignal(s.type, s.value);
    w.source = "pytx";
    want.push_back(w);
  }
  ExpectSameSignals(batch.add, want);
}

// ------------------------------------------------------------------------ csv

TEST(CsvFormatTest, RoundTripCarriesEveryField) {
  std::vector<Signal> signals = {
      FullSignal(SignalType::kPdq, kPdq, 1), FullSignal(SignalType::kMd5, kMd5, 2),
      FullSignal(SignalType::kSha256, kSha256, 3), FullSignal(SignalType::kUrl, kUrl, 4),
      FullSignal(SignalType::kText, TextSig(), 5)};
  signals[1].labels.organisation = "Comma, \"Quoted\" Org";
  signals[2].labels = {};
  signals[2].source.clear();
  signals[2].external_id.clear();
  signals[2].added_at = 0;
  std::string csv = Export(signals, ExchangeFormat::kCsv);
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "type,value,organisation,behaviours,tags,source,external_id,quality,added_at,enabled");
  ImportBatch batch = MustImport(csv, ExchangeFormat::kCsv);
  ASSERT_TRUE(batch.ok()) << ::testing::PrintToString(ErrorStrings(batch));
  signals[2].source = "csv";  // the format's default for a record without one
  ExpectSameSignals(batch.add, signals);
}

TEST(CsvFormatTest, MissingOptionalColumnsTakeDefaults) {
  ImportBatch batch = MustImport("value,type\n" + kMd5 + ",video_md5\n", ExchangeFormat::kCsv);
  ASSERT_TRUE(batch.ok());
  ASSERT_EQ(batch.add.size(), 1u);
  EXPECT_EQ(batch.add[0].type, SignalType::kMd5);
  EXPECT_EQ(batch.add[0].quality, -1);
  EXPECT_TRUE(batch.add[0].enabled);
  EXPECT_EQ(batch.add[0].source, "csv");
}

TEST(CsvFormatTest, HeaderProblemsFailTheWholeImport) {
  Result<ImportBatch> unknown =
      ImportSignalsFromBytes("type,value,colour,size\n", ExchangeFormat::kCsv);
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(unknown.status().message(), HasSubstr("unknown columns: 'colour', 'size'"));
  Result<ImportBatch> no_value = ImportSignalsFromBytes("type,tags\n", ExchangeFormat::kCsv);
  EXPECT_THAT(no_value.status().message(), HasSubstr("'type' and 'value'"));
  Result<ImportBatch> twice = ImportSignalsFromBytes("type,value,type\n", ExchangeFormat::kCsv);
  EXPECT_THAT(twice.status().message(), HasSubstr("twice"));
  EXPECT_FALSE(ImportSignalsFromBytes("", ExchangeFormat::kCsv).ok());
}

TEST(CsvFormatTest, RowErrorsNameTheirLine) {
  std::string csv =
      "type,value,behaviours,quality,added_at,enabled\n"  // line 1
      "pdq," +
      kPdq +
      ",recruitment,80,2023-11-14,true\n"  // 2: fine
      "pdq," +
      kPdq +
      ",dancing,,,\n"  // 3: behaviour
      "md5," +
      kMd5 +
      ",,200,,\n"  // 4: quality
      "md5," +
      kMd5 +
      ",,,2023-02-30,\n"  // 5: date
      "md5," +
      kMd5 +
      ",,,,maybe\n"  // 6: bool
      "md5,\"" +
      kMd5 +
      "\"x,,,,\n"  // 7: CSV syntax
      "md5," +
      kMd5 +
      "\n"                 // 8: field count
      "sha512,abc,,,,\n";  // 9: unknown type
  ImportBatch batch = MustImport(csv, ExchangeFormat::kCsv);
  std::vector<std::string> errors = ErrorStrings(batch);
  ASSERT_EQ(errors.size(), 7u) << ::testing::PrintToString(errors);
  EXPECT_THAT(errors[0], HasSubstr("line 3: unknown behaviour 'dancing'"));
  EXPECT_THAT(errors[1], HasSubstr("line 4: quality"));
  EXPECT_THAT(errors[2], HasSubstr("line 5: bad date"));
  EXPECT_THAT(errors[3], HasSubstr("line 6: enabled"));
  EXPECT_THAT(errors[4], HasSubstr("line 7: "));
  EXPECT_THAT(errors[5], HasSubstr("line 8: expected 6 fields, got 2"));
  EXPECT_THAT(errors[6], HasSubstr("line 9: unknown signal type 'sha512'"));
  ASSERT_EQ(batch.add.size(), 1u);
  EXPECT_EQ(batch.add[0].added_at, 1699920000);
}

// ------------------------------------------------------------------- hma-json

TEST(HmaJsonTest, RoundTripCarriesEveryFieldAndTheBank) {
  std::vector<Signal> signals = {
      FullSignal(SignalType::kPdq, kPdq, 1), FullSignal(SignalType::kMd5, kMd5, 2),
      FullSignal(SignalType::kSha256, kSha256, 3), FullSignal(SignalType::kUrl, kUrl, 4),
      FullSignal(SignalType::kText, TextSig(), 5)};
  Bank bank{.name = "tat-islamist",
            .description = "TCAP, islamist",
            .suppression = true,
            .pdq_threshold = 20,
            .pdq_quality_min = 60};
  std::string json = Export(signals, ExchangeFormat::kHmaJson, {.bank = bank});
  EXPECT_EQ(DetectExchangeFormat(json), ExchangeFormat::kHmaJson);
  ImportBatch batch = MustImport(json, ExchangeFormat::kHmaJson);
  ASSERT_TRUE(batch.ok()) << ::testing::PrintToString(ErrorStrings(batch));
  ExpectSameSignals(batch.add, signals);
  ASSERT_TRUE(batch.bank.has_value());
  EXPECT_EQ(batch.bank->name, "tat-islamist");
  EXPECT_EQ(batch.bank->description, "TCAP, islamist");
  EXPECT_TRUE(batch.bank->suppression);
  EXPECT_EQ(batch.bank->pdq_threshold, 20);
  EXPECT_EQ(batch.bank->pdq_quality_min, 60);
}

TEST(HmaJsonTest, ReadsHmaStyleContentWithSeveralSignals) {
  std::string json = R"({"name": "b", "matching_enabled_ratio": 0.0, "contents": [
    {"id": 7, "original_content_uri": "https://x", "note": "n", "disable_until_ts": -1,
     "metadata": {"json": {"any": [1, 2]}},
     "signals": {"pdq": ")" +
                     kPdq + R"(", "video_md5": ")" + kMd5 + R"(", "vpdq": "x"}},
    {"id": 8, "signals": {"pdq": ")" +
                     kPdq2 + R"("}, "added_at": "2023-11-14T22:13:20Z"}]})";
  ImportBatch batch = MustImport(json, ExchangeFormat::kHmaJson);
  ASSERT_TRUE(batch.ok()) << ::testing::PrintToString(ErrorStrings(batch));
  ASSERT_EQ(batch.add.size(), 3u);
  EXPECT_FALSE(batch.add[0].enabled);
  EXPECT_EQ(batch.add[1].type, SignalType::kMd5);
  EXPECT_TRUE(batch.add[2].enabled);
  EXPECT_EQ(batch.add[2].added_at, 1700000000);
  EXPECT_EQ(batch.add[2].source, "hma");
  EXPECT_FALSE(batch.bank->enabled);
  EXPECT_THAT(batch.skipped_unsupported, ElementsAre(Pair("vpdq", 1u)));
}

TEST(HmaJsonTest, ContentErrorsNameTheirRecord) {
  std::string json = R"({"name": "b", "contents": [
    {"signals": {"pdq": ")" +
                     kPdq + R"("}},
    {"signals": {"pdq": "abc"}},
    {"signals": {"pdq": 5}},
    {"signals": {"wat": "x"}},
    {"tags": "notalist", "signals": {}},
    "string",
    {"quality": 1e400}]})";
  Result<ImportBatch> huge = ImportSignalsFromBytes(json, ExchangeFormat::kHmaJson);
  // 1e400 does not fit a double: simdjson rejects the document as a whole.
  EXPECT_EQ(huge.status().code(), StatusCode::kInvalidArgument);
  json.replace(json.find("1e400"), 5, "1.5");
  ImportBatch batch = MustImport(json, ExchangeFormat::kHmaJson);
  std::vector<std::string> errors = ErrorStrings(batch);
  ASSERT_EQ(errors.size(), 6u) << ::testing::PrintToString(errors);
  EXPECT_THAT(errors[0], HasSubstr("record 2: pdq must be 64 hex digits"));
  EXPECT_THAT(errors[1], HasSubstr("record 3: signal 'pdq' must have a string value"));
  EXPECT_THAT(errors[2], HasSubstr("record 4: unknown signal type 'wat'"));
  EXPECT_THAT(errors[3], HasSubstr("record 5: 'tags' must be an array"));
  EXPECT_THAT(errors[4], HasSubstr("record 6: content must be a JSON object"));
  EXPECT_THAT(errors[5], HasSubstr("record 7: 'quality' must be an integer"));
}

TEST(HmaJsonTest, BadBankHeaderIsAnError) {
  ImportBatch batch =
      MustImport(R"({"name": "bad name!", "contents": []})", ExchangeFormat::kHmaJson);
  ASSERT_EQ(batch.errors.size(), 1u);
  EXPECT_THAT(batch.errors[0].message, HasSubstr("bank: "));
  EXPECT_FALSE(ImportSignalsFromBytes(R"({"name": "b"})", ExchangeFormat::kHmaJson).ok());
  EXPECT_FALSE(ImportSignalsFromBytes(R"([1, 2])", ExchangeFormat::kHmaJson).ok());
}

// ------------------------------------------------------------------------ tat

std::string TatEntry(int id, std::string_view digest, std::string_view algorithm,
                     bool deleted = false, std::string_view created = "2023-11-14T22:13:20Z") {
  return "{\"id\": " + std::to_string(id) + ", \"hash_digest\": \"" + std::string(digest) +
         "\", \"algorithm\": \"" + std::string(algorithm) +
         "\", \"ideology\": \"Islamist\", \"file_type\": \"mp4\", \"deleted\": " +
         (deleted ? "true" : "false") + ", \"created_on\": \"" + std::string(created) +
         "\", \"updated_on\": \"" + std::string(created) + "\"}";
}

TEST(TatTest, ReadsAPage) {
  std::string page =
      "{\n  \"count\": 4, \"next\": \"https://app/next\", \"previous\": null,\n"
      "  \"checkpoint\": \"1700000000,4\", \"results\": [\n" +
      TatEntry(1, Upper(kPdq), "PDQ") + ",\n" + TatEntry(2, kMd5, "MD5") + ",\n" +
      TatEntry(3, std::string(128, 'a'), "SHA512") + ",\n" +
      TatEntry(4, kSha256, "SHA256", /*deleted=*/true) + "]}";
  ImportBatch batch = MustImport(page, ExchangeFormat::kTat);
  ASSERT_TRUE(batch.ok()) << ::testing::PrintToString(ErrorStrings(batch));
  ASSERT_EQ(batch.add.size(), 2u);
  const Signal& s = batch.add[0];
  EXPECT_EQ(s.type, SignalType::kPdq);
  EXPECT_EQ(s.value, kPdq);
  EXPECT_EQ(s.external_id, "1");
  EXPECT_EQ(s.source, "tat");
  EXPECT_EQ(s.added_at, 1700000000);
  EXPECT_THAT(s.labels.tags, ElementsAre("ideology:islamist", "file_type:mp4"));
  EXPECT_THAT(batch.remove, ElementsAre(Pair(SignalType::kSha256, kSha256)));
  EXPECT_THAT(batch.skipped_unsupported, ElementsAre(Pair("SHA512", 1u)));
  EXPECT_EQ(batch.records, 4u);
}

TEST(TatTest, ReadsABareArrayAndJsonLines) {
  std::string array = "[" + TatEntry(1, kPdq, "pdq") + "," + TatEntry(2, kMd5, "md5") + "]";
  ImportBatch from_array = MustImport(array, ExchangeFormat::kTat);
  ASSERT_TRUE(from_array.ok());
  EXPECT_EQ(from_array.add.size(), 2u);

  std::string lines = TatEntry(1, kPdq, "PDQ") + "\n\n" + TatEntry(2, kMd5, "MD5") + "\n" +
                      "{\"results\": [" + TatEntry(3, kSha256, "SHA256") + "]}\n";
  ImportBatch from_lines = MustImport(lines, std::nullopt);
  EXPECT_EQ(from_lines.format, ExchangeFormat::kTat);
  ASSERT_TRUE(from_lines.ok()) << ::testing::PrintToString(ErrorStrings(from_lines));
  ASSERT_EQ(from_lines.add.size(), 3u);
  EXPECT_EQ(from_lines.add[2].type, SignalType::kSha256);
}

TEST(TatTest, JsonLinesErrorsNameTheirLine) {
  std::string lines = TatEntry(1, kPdq, "PDQ") + "\n" +                       // 1
                      TatEntry(2, kMd5, "CRC32") + "\n" +                     // 2
                      TatEntry(3, kMd5, "MD5", false, "14/11/2023") + "\n" +  // 3
                      "{\"id\": 4, \"hash_digest\": \"" + kMd5 + "\"\n" +     // 4: truncated
                      "{\"id\": 5, \"algorithm\": \"MD5\"}\n" +               // 5
                      "{\"id\": [], \"hash_digest\": \"" + kMd5 + "\", \"algorithm\": \"MD5\"}\n" +
                      "{\"results\": [" + TatEntry(7, "xyz", "MD5") + "]}\n";  // 7
  ImportBatch batch = MustImport(lines, ExchangeFormat::kTat);
  std::vector<std::string> errors = ErrorStrings(batch);
  ASSERT_EQ(errors.size(), 6u) << ::testing::PrintToString(errors);
  EXPECT_THAT(errors[0], HasSubstr("line 2: unknown algorithm 'CRC32'"));
  EXPECT_THAT(errors[1], HasSubstr("line 3: 'created_on' bad date"));
  EXPECT_THAT(errors[2], HasSubstr("line 4: malformed JSON"));
  EXPECT_THAT(errors[3], HasSubstr("line 5: entry has no 'hash_digest'"));
  EXPECT_THAT(errors[4], HasSubstr("line 6: 'id' must be a string or an integer"));
  EXPECT_THAT(errors[5], HasSubstr("line 7, record 1: md5 must be 32 hex digits"));
}

TEST(TatTest, RoundTripCarriesTypeValueIdDateAndTatTags) {
  std::vector<Signal> signals = {
      FullSignal(SignalType::kPdq, kPdq, 1), FullSignal(SignalType::kMd5, kMd5, 2),
      FullSignal(SignalType::kSha256, kSha256, 3), FullSignal(SignalType::kUrl, kUrl, 4)};
  signals[2].external_id = "tcap-abc";
  std::ostringstream out;
  Result<ExportSummary> summary = ExportSignals(signals, ExchangeFormat::kTat, out);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->written, 3u);
  EXPECT_EQ(summary->skipped, 1u);  // the URL
  ImportBatch batch = MustImport(out.str(), std::nullopt);
  EXPECT_EQ(batch.format, ExchangeFormat::kTat);
  ASSERT_TRUE(batch.ok()) << ::testing::PrintToString(ErrorStrings(batch));
  std::vector<Signal> want;
  for (int i = 0; i < 3; ++i) {
    Signal w = MakeSignal(signals[i].type, signals[i].value);
    w.source = "tat";
    w.external_id = signals[i].external_id;
    w.added_at = signals[i].added_at;
    w.labels.tags = {"ideology:islamist", "file_type:video"};
    want.push_back(w);
  }
  ExpectSameSignals(batch.add, want);
}

// ------------------------------------------------------------------- stopncii

TEST(StopNciiTest, ReadsAPage) {
  std::string page = R"({"count": 5, "nextPageToken": "abc", "nextSetTimestamp": 1700000001,
    "hasMoreRecords": true, "hashRecords": [
    {"lastModtimestamp": 1700000000, "signalType": "ImagePDQ", "hashValue": ")" +
                     kPdq + R"(",
     "hashStatus": "Active", "caseNumbers": {"c1": "Active"},
     "CSPFeedbacks": [{"feedbackValue": "Blocked", "tags": ["x"], "source": "me"}]},
    {"lastModtimestamp": 1700000000, "signalType": "VideoMD5", "hashValue": ")" +
                     kMd5 + R"(",
     "hashStatus": "Withdrawn"},
    {"signalType": "VideoTMK", "hashValue": "AAAA", "hashStatus": "Active"},
    {"signalType": "URL", "hashValue": "http://www.example.com/manifesto.pdf#x",
     "hashStatus": "Received"},
    {"signalType": "Text", "hashValue": "words", "hashStatus": "Deleted"}]})";
  ImportBatch batch = MustImport(page, std::nullopt);
  EXPECT_EQ(batch.format, ExchangeFormat::kStopNcii);
  ASSERT_TRUE(batch.ok()) << ::testing::PrintToString(ErrorStrings(batch));
  ASSERT_EQ(batch.add.size(), 2u);
  EXPECT_EQ(batch.add[0].value, kPdq);
  EXPECT_EQ(batch.add[0].added_at, 1700000000);
  EXPECT_EQ(batch.add[0].source, "stopncii");
  EXPECT_EQ(batch.add[1].value, kUrl);
  EXPECT_THAT(batch.remove, ElementsAre(Pair(SignalType::kMd5, kMd5)));
  EXPECT_THAT(batch.skipped_unsupported, ElementsAre(Pair("Text", 1u), Pair("VideoTMK", 1u)));
}

TEST(StopNciiTest, RecordErrorsNameTheirIndex) {
  std::string page = R"({"hashRecords": [
    {"signalType": "ImagePDQ", "hashValue": "00", "hashStatus": "Active"},
    {"signalType": "AudioFoo", "hashValue": "00"},
    {"signalType": "VideoMD5", "hashValue": ")" +
                     kMd5 + R"(", "hashStatus": "Maybe"},
    {"signalType": "VideoMD5", "hashValue": ")" +
                     kMd5 + R"(", "lastModtimestamp": -5},
    {"signalType": "VideoMD5", "hashValue": ")" +
                     kMd5 + R"(", "caseNumbers": []},
    {"hashValue": ")" +
                     kMd5 + R"("}]})";
  ImportBatch batch = MustImport(page, ExchangeFormat::kStopNcii);
  std::vector<std::string> errors = ErrorStrings(batch);
  ASSERT_EQ(errors.size(), 6u) << ::testing::PrintToString(errors);
  EXPECT_THAT(errors[0], HasSubstr("record 1: pdq must be 64 hex digits"));
  EXPECT_THAT(errors[1], HasSubstr("record 2: unknown signalType 'AudioFoo'"));
  EXPECT_THAT(errors[2], HasSubstr("record 3: unknown hashStatus 'Maybe'"));
  EXPECT_THAT(errors[3], HasSubstr("record 4: 'lastModtimestamp' must be Unix seconds"));
  EXPECT_THAT(errors[4], HasSubstr("record 5: 'caseNumbers' must be an object"));
  EXPECT_THAT(errors[5], HasSubstr("record 6: hash record has no 'signalType'"));
}

TEST(StopNciiTest, RoundTripCarriesTypeValueAndTimestamp) {
  std::vector<Signal> signals = {
      FullSignal(SignalType::kPdq, kPdq, 1), FullSignal(SignalType::kMd5, kMd5, 2),
      FullSignal(SignalType::kSha256, kSha256, 3), FullSignal(SignalType::kUrl, kUrl, 4)};
  std::ostringstream out;
  Result<ExportSummary> summary = ExportSignals(signals, ExchangeFormat::kStopNcii, out);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->skipped, 1u);  // no SHA-256 in StopNCII
  ImportBatch batch = MustImport(out.str(), ExchangeFormat::kStopNcii);
  ASSERT_TRUE(batch.ok()) << ::testing::PrintToString(ErrorStrings(batch));
  std::vector<Signal> want;
  for (int i : {0, 1, 3}) {
    Signal w = MakeSignal(signals[i].type, signals[i].value);
    w.source = "stopncii";
    w.added_at = signals[i].added_at;
    want.push_back(w);
  }
  ExpectSameSignals(batch.add, want);
}

// -------------------------------------------------------------------- budgets

TEST(ImportBudgetTest, MaxBytesFailsTheImport) {
  std::string input;
  for (int i = 0; i < 100; ++i) input += "md5 " + kMd5 + "\n";
  ImportOptions options;
  options.max_bytes = 1000;
  for (ExchangeFormat f : {ExchangeFormat::kPytx, ExchangeFormat::kTat}) {
    Result<ImportBatch> batch = ImportSignalsFromBytes(input, f, options);
    EXPECT_EQ(batch.status().code(), StatusCode::kResourceExhausted) << ExchangeFormatName(f);
  }
  options.max_bytes = input.size();
  EXPECT_TRUE(ImportSignalsFromBytes(input, ExchangeFormat::kPytx, options).ok());
}

TEST(ImportBudgetTest, MaxRecordsFailsTheImport) {
  std::string input;
  for (int i = 0; i < 10; ++i) input += "md5 " + kMd5 + "\n";
  ImportOptions options;
  options.max_records = 9;
  EXPECT_EQ(ImportSignalsFromBytes(input, ExchangeFormat::kPytx, options).status().code(),
            StatusCode::kResourceExhausted);
  std::string page = "[";
  for (int i = 0; i < 10; ++i) {
    if (i) page += ',';
    page += TatEntry(i, kMd5, "MD5");
  }
  page += "]";
  EXPECT_EQ(ImportSignalsFromBytes(page, ExchangeFormat::kTat, options).status().code(),
            StatusCode::kResourceExhausted);
}

TEST(ImportBudgetTest, DeepJsonIsRejected) {
  ImportOptions options;
  options.max_json_depth = 8;
  std::string deep = "{\"contents\": [{\"metadata\": " + std::string(20, '[') +
                     std::string(20, ']') + ", \"signals\": {}}]}";
  EXPECT_EQ(ImportSignalsFromBytes(deep, ExchangeFormat::kHmaJson, options).status().code(),
            StatusCode::kResourceExhausted);
  std::string deep_line =
      TatEntry(1, kMd5, "MD5") + "\n{\"a\": " + std::string(20, '[') + std::string(20, ']') + "}\n";
  ImportBatch batch = MustImport(deep_line, ExchangeFormat::kTat, options);
  ASSERT_EQ(batch.errors.size(), 1u);
  EXPECT_THAT(batch.errors[0].ToString(), HasSubstr("line 2: JSON nested deeper than 8"));
}

TEST(ImportBudgetTest, OverlongLinesAreRecordErrors) {
  ImportOptions options;
  options.max_record_bytes = 100;
  std::string input =
      "md5 " + kMd5 + "\nurl https://example.com/" + std::string(200, 'a') + "\nmd5 " + kMd5 + "\n";
  ImportBatch batch = MustImport(input, ExchangeFormat::kPytx, options);
  ASSERT_EQ(batch.errors.size(), 1u);
  EXPECT_THAT(batch.errors[0].ToString(), HasSubstr("line 2: line is longer than 100 bytes"));
  EXPECT_EQ(batch.add.size(), 2u);
}

TEST(ImportBudgetTest, ErrorCountIsBounded) {
  std::string input;
  for (int i = 0; i < 50; ++i) input += "md5 nothex\n";
  ImportOptions options;
  options.max_errors = 5;
  ImportBatch batch = MustImport(input, ExchangeFormat::kPytx, options);
  EXPECT_EQ(batch.errors.size(), 5u);
  EXPECT_TRUE(batch.errors_truncated);
  EXPECT_FALSE(batch.ok());
  Status status = ImportErrorsToStatus(batch.errors, batch.errors_truncated, 2);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("5+ errors"));
  EXPECT_THAT(status.message(), HasSubstr("line 1: md5"));
  EXPECT_THAT(status.message(), HasSubstr("line 2: md5"));
  EXPECT_THAT(status.message(), Not(HasSubstr("line 3:")));
}

TEST(ImportBudgetTest, ProgressReportsTheBytesRead) {
  std::string input;
  for (int i = 0; i < 40000; ++i) input += "md5 " + kMd5 + "\n";  // ~1.4 MB
  std::vector<uint64_t> seen;
  ImportOptions options;
  options.progress = [&](uint64_t bytes) { seen.push_back(bytes); };
  ImportBatch batch = MustImport(input, ExchangeFormat::kPytx, options);
  ASSERT_GE(seen.size(), 2u);
  EXPECT_EQ(seen.back(), input.size());
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(batch.bytes_read, input.size());
}

// -------------------------------------------------------------------- garbage

TEST(ImportGarbageTest, WholeDocumentProblemsAreInvalidArgument) {
  std::string truncated = "{\"hashRecords\": [{\"signalType\": \"ImagePDQ\", \"hashValue\": \"";
  EXPECT_EQ(ImportSignalsFromBytes(truncated, ExchangeFormat::kStopNcii).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ImportSignalsFromBytes("{\"contents\": [\"\xff\xfe\"]}", ExchangeFormat::kHmaJson)
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(
      ImportSignalsFromBytes("[{\"id\": 123456789012345678901234567890}]", ExchangeFormat::kTat)
          .status()
          .code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(
      ImportSignalsFromBytes("{\"hashRecords\": 5}", ExchangeFormat::kStopNcii).status().code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(ImportSignalsFromBytes("\"just a string\"", ExchangeFormat::kTat).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ImportSignalsFromBytes("", ExchangeFormat::kStopNcii).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(ImportGarbageTest, BadUtf8InLineFormatsIsARecordError) {
  ImportBatch pytx = MustImport("md5 " + kMd5 + "\ntext mh1:\xff\xfe\n", ExchangeFormat::kPytx);
  ASSERT_EQ(pytx.errors.size(), 1u);
  EXPECT_EQ(pytx.errors[0].line, 2u);
  ImportBatch csv =
      MustImport("type,value,tags\nmd5," + kMd5 + ",\xc3\x28\n", ExchangeFormat::kCsv);
  ASSERT_EQ(csv.errors.size(), 1u);
  EXPECT_EQ(csv.errors[0].line, 2u);
}

TEST(ImportGarbageTest, RandomBytesAndMutationsNeverCrash) {
  std::vector<std::string> seeds = {
      "pdq " + kPdq + "\n# c\nmd5 " + kMd5 + "\n",
      "type,value,tags\npdq," + kPdq + ",a;b\n",
      "{\"name\": \"b\", \"contents\": [{\"signals\": {\"pdq\": \"" + kPdq + "\"}}]}",
      "{\"count\": 1, \"results\": [" + TatEntry(1, kMd5, "MD5") + "]}",
      TatEntry(1, kMd5, "MD5") + "\n" + TatEntry(2, kPdq, "PDQ") + "\n",
      "{\"hashRecords\": [{\"signalType\": \"VideoMD5\", \"hashValue\": \"" + kMd5 + "\"}]}"};
  std::mt19937 rng(12345);
  ImportOptions options;
  options.max_record_bytes = 512;
  options.max_json_depth = 8;
  options.max_errors = 8;
  for (int round = 0; round < 300; ++round) {
    std::string input = seeds[rng() % seeds.size()];
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !input.empty(); ++e) {
      std::size_t at = rng() % input.size();
      switch (rng() % 3) {
        case 0:
          input[at] = static_cast<char>(rng());
          break;
        case 1:
          input.erase(at, 1 + rng() % 8);
          break;
        default:
          input.insert(at, 1, "{}[]\",:\n\\"[rng() % 9]);
      }
    }
    for (std::optional<ExchangeFormat> f :
         {std::optional<ExchangeFormat>(), std::optional(ExchangeFormat::kPytx),
          std::optional(ExchangeFormat::kCsv), std::optional(ExchangeFormat::kHmaJson),
          std::optional(ExchangeFormat::kTat), std::optional(ExchangeFormat::kStopNcii)}) {
      Result<ImportBatch> batch = ImportSignalsFromBytes(input, f, options);
      if (!batch.ok()) continue;
      EXPECT_LE(batch->errors.size(), options.max_errors);
      for (const Signal& s : batch->add) {
        EXPECT_EQ(*CanonicalSignalValue(s.type, s.value), s.value);
      }
    }
  }
}

// ------------------------------------------------------------ store integration

class ImportIntoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<BankStore>> store =
        OpenSqliteBankStore(":memory:", {.max_signals_per_call = 4});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    ASSERT_TRUE(store_->CreateBank({.name = "tat"}).ok());
  }

  std::vector<Signal> All(std::string_view bank = "tat") {
    std::vector<Signal> out;
    SignalFilter filter;
    filter.bank = std::string(bank);
    EXPECT_TRUE(store_
                    ->ForEachSignal(filter,
                                    [&](const Signal& s) {
                                      out.push_back(s);
                                      return true;
                                    })
                    .ok());
    return out;
  }

  std::unique_ptr<BankStore> store_;
};

TEST_F(ImportIntoTest, ABatchWithAnyErrorWritesNothing) {
  ImportBatch batch =
      MustImport("md5 " + kMd5 + "\npdq " + kPdq + "\nmd5 bad\n", ExchangeFormat::kPytx);
  ASSERT_EQ(batch.add.size(), 2u);
  Result<ImportSummary> summary = ImportInto(*store_, "tat", batch);
  EXPECT_EQ(summary.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(summary.status().message(), HasSubstr("line 3: md5 must be 32 hex digits"));
  EXPECT_TRUE(All().empty());
}

TEST_F(ImportIntoTest, AStoreFailureWritesNothing) {
  // The store takes at most 4 signals per call (SetUp): AddSignals fails as a
  // whole, and neither the adds nor the removals are applied.
  ASSERT_TRUE(
      store_->AddSignals("tat", std::vector<Signal>{MakeSignal(SignalType::kPdq, kPdq2)}).ok());
  std::string page = "[" + TatEntry(1, kMd5, "MD5");
  std::string digits = "0123456789";
  for (int i = 0; i < 5; ++i) {
    page += ',';
    page += TatEntry(2 + i, std::string(63, 'a') + digits[i], "SHA256");
  }
  page += ',';
  page += TatEntry(9, kPdq2, "PDQ", /*deleted=*/true) + "]";
  ImportBatch batch = MustImport(page, ExchangeFormat::kTat);
  ASSERT_TRUE(batch.ok());
  ASSERT_EQ(batch.add.size(), 6u);
  Result<ImportSummary> summary = ImportInto(*store_, "tat", batch);
  EXPECT_EQ(summary.status().code(), StatusCode::kResourceExhausted);
  std::vector<Signal> all = All();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].value, kPdq2);
}

TEST_F(ImportIntoTest, AddsThenRemovesAndTheAddWins) {
  ASSERT_TRUE(store_
                  ->AddSignals("tat", std::vector<Signal>{MakeSignal(SignalType::kPdq, kPdq2),
                                                          MakeSignal(SignalType::kSha256, kSha256)})
                  .ok());
  std::string page = "{\"results\": [" + TatEntry(1, kMd5, "MD5") + "," +
                     TatEntry(2, kPdq2, "PDQ", true) + "," + TatEntry(3, kMd5, "MD5", true) + "," +
                     TatEntry(4, kPdq, "PDQ") + "," + TatEntry(5, kPdq, "PDQ") + "]}";
  ImportBatch batch = MustImport(page, ExchangeFormat::kTat);
  ASSERT_TRUE(batch.ok());
  Result<ImportSummary> summary = ImportInto(*store_, "tat", batch);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->added, 2);
  EXPECT_EQ(summary->duplicates, 1);
  EXPECT_EQ(summary->removals_requested, 1);  // the md5 removal lost to its add
  EXPECT_EQ(summary->removed, 1);
  std::vector<std::string> values;
  for (const Signal& s : All()) values.push_back(s.value);
  EXPECT_THAT(values, ElementsAre(kSha256, kMd5, kPdq));

  // Re-running the same import changes nothing.
  Result<ImportSummary> again = ImportInto(*store_, "tat", batch);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->added, 0);
  EXPECT_EQ(again->removed, 0);
  EXPECT_EQ(All().size(), 3u);
}

TEST_F(ImportIntoTest, UnknownBankIsNotFound) {
  ImportBatch batch = MustImport("md5 " + kMd5 + "\n", ExchangeFormat::kPytx);
  EXPECT_EQ(ImportInto(*store_, "nope", batch).status().code(), StatusCode::kNotFound);
}

TEST_F(ImportIntoTest, ExportFromTheStoreImportsBackIntoAnotherBank) {
  std::vector<Signal> signals = {FullSignal(SignalType::kPdq, kPdq, 1),
                                 FullSignal(SignalType::kMd5, kMd5, 2),
                                 FullSignal(SignalType::kUrl, kUrl, 3)};
  ASSERT_TRUE(store_->AddSignals("tat", signals).ok());
  ASSERT_TRUE(store_
                  ->UpdateBank([&] {
                    Bank b = *store_->GetBank("tat");
                    b.description = "from TCAP";
                    return b;
                  }())
                  .ok());
  for (ExchangeFormat format : {ExchangeFormat::kCsv, ExchangeFormat::kHmaJson}) {
    SCOPED_TRACE(ExchangeFormatName(format));
    std::ostringstream out;
    SignalFilter filter;
    filter.bank = "tat";
    Result<ExportSummary> exported = ExportSignals(*store_, filter, format, out);
    ASSERT_TRUE(exported.ok()) << exported.status();
    EXPECT_EQ(exported->written, 3u);
    ImportBatch batch = MustImport(out.str(), std::nullopt);
    ASSERT_TRUE(batch.ok()) << ::testing::PrintToString(ErrorStrings(batch));
    if (format == ExchangeFormat::kHmaJson) {
      ASSERT_TRUE(batch.bank.has_value());
      EXPECT_EQ(batch.bank->description, "from TCAP");
    }
    std::string copy = "copy-" + std::string(ExchangeFormatName(format));
    ASSERT_TRUE(store_->CreateBank({.name = copy}).ok());
    ASSERT_TRUE(ImportInto(*store_, copy, batch).ok());
    std::vector<Signal> original = All("tat");
    std::vector<Signal> copied = All(copy);
    ASSERT_EQ(copied.size(), original.size());
    for (std::size_t i = 0; i < original.size(); ++i) {
      Signal a = original[i], b = copied[i];
      a.id = b.id = 0;
      a.bank = b.bank = "";
      EXPECT_EQ(a, b);
    }
  }
}

}  // namespace
}  // namespace moderato
