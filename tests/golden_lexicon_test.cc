// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Runs the golden lexicon cases in tests/cases/lexicon/*.test. Directives:
//
//   lexicon-define name=NAME        input lines are TSV rows (header implied);
//                                   expected "ok" or "error: <message substring>"
//   lexicon file=PATH [views]       scan the input (lines joined by '\n') with
//   lexicon use=NAME [views]        the lexicon at PATH (relative to the source
//                                   root) or defined earlier in the same file
//
// Expected lines for a scan: "entry_id start end matched_text" per hit (byte
// offsets in the original input), with " views=..." appended when the
// directive has `views`; "(none)" when there is no hit.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "moderato/lexicon/lexicon.h"
#include "moderato/text/normalize.h"
#include "tests/golden.h"

namespace moderato {
namespace {

using testing::GoldenCase;

std::string Join(const std::vector<std::string>& lines) {
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out += '\n';
    out += lines[i];
  }
  return out;
}

TEST(GoldenLexiconTest, AllCases) {
  std::unique_ptr<Normalizer> normalizer = Normalizer::Create().value();
  std::vector<GoldenCase> cases = testing::ReadGoldenCases("lexicon");
  ASSERT_FALSE(cases.empty());
  std::map<std::string, std::shared_ptr<const Lexicon>> by_file;
  std::map<std::string, std::shared_ptr<const Lexicon>> defined;  // key: file + name
  LexiconScratch scratch;
  int scans = 0;
  for (const GoldenCase& c : cases) {
    SCOPED_TRACE(c.where());
    if (c.command == "lexicon-define") {
      ASSERT_TRUE(c.args.count("name")) << "lexicon-define needs name=";
      std::string content = "id\tterm\tlanguages\tcategory\tweight\tmode\tsource\n" + Join(c.input);
      Result<std::shared_ptr<const Lexicon>> lexicon =
          Lexicon::Parse(content, c.args.at("name"), *normalizer);
      ASSERT_EQ(c.expected.size(), 1u);
      if (c.expected[0] == "ok") {
        ASSERT_TRUE(lexicon.ok()) << lexicon.status();
        defined[c.file + "/" + c.args.at("name")] = *lexicon;
      } else {
        ASSERT_EQ(c.expected[0].rfind("error: ", 0), 0u) << "expected 'ok' or 'error: ...'";
        ASSERT_FALSE(lexicon.ok());
        EXPECT_NE(lexicon.status().message().find(c.expected[0].substr(7)), std::string::npos)
            << lexicon.status();
      }
      continue;
    }
    ASSERT_EQ(c.command, "lexicon") << "unknown directive";
    std::shared_ptr<const Lexicon> lexicon;
    if (c.args.count("file")) {
      std::shared_ptr<const Lexicon>& cached = by_file[c.args.at("file")];
      if (cached == nullptr) {
        Result<std::shared_ptr<const Lexicon>> loaded =
            Lexicon::Load(std::string(MODERATO_SOURCE_ROOT) + "/" + c.args.at("file"), *normalizer);
        ASSERT_TRUE(loaded.ok()) << loaded.status();
        cached = *loaded;
      }
      lexicon = cached;
    } else {
      ASSERT_TRUE(c.args.count("use")) << "lexicon needs file= or use=";
      lexicon = defined[c.file + "/" + c.args.at("use")];
      ASSERT_NE(lexicon, nullptr) << "undefined lexicon " << c.args.at("use");
    }
    std::string input = Join(c.input);
    NormalizedText text = normalizer->Normalize(input).value();
    LexiconMatches matches = lexicon->Scan(text, scratch).value();
    std::vector<std::string> actual;
    for (const LexiconHit& h : matches.hits) {
      std::string line = h.id + " " + std::to_string(h.span.begin) + " " +
                         std::to_string(h.span.end) + " " +
                         input.substr(h.span.begin, h.span.size());
      if (c.args.count("views")) line += " views=" + LexiconViewsString(h.views);
      actual.push_back(line);
    }
    if (actual.empty()) actual.push_back("(none)");
    EXPECT_EQ(actual, c.expected);
    ++scans;
  }
  EXPECT_GT(scans, 10);
}

}  // namespace
}  // namespace moderato
