// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Runs tests/cases/normalize/*.test. Directives:
//   normalize view=normalized|skeleton   each input line -> one expected line
//   flags                                each input line -> its flag names,
//                                        comma-separated, or "none"
// Every input is also checked for idempotence of both views.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "moderato/text/normalize.h"
#include "tests/golden.h"

namespace moderato {
namespace {

std::string FlagList(std::uint32_t flags) {
  std::string out;
  for (std::string_view name : ObfuscationFlagNames(flags)) {
    if (!out.empty()) out += ",";
    out += name;
  }
  return out.empty() ? "none" : out;
}

TEST(GoldenNormalizeTest, CaseFilesPass) {
  Result<std::unique_ptr<Normalizer>> created = Normalizer::Create();
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  const Normalizer& n = **created;
  std::vector<testing::GoldenCase> cases = testing::ReadGoldenCases("normalize");
  ASSERT_GE(cases.size(), 14u);
  for (const testing::GoldenCase& c : cases) {
    SCOPED_TRACE(c.where());
    ASSERT_EQ(c.input.size(), c.expected.size()) << "one expected line per input line";
    for (std::size_t k = 0; k < c.input.size(); ++k) {
      Result<NormalizedText> t = n.Normalize(c.input[k]);
      ASSERT_TRUE(t.ok()) << t.status().ToString();
      if (c.command == "normalize") {
        auto view = c.args.find("view");
        ASSERT_NE(view, c.args.end()) << "normalize needs view=normalized|skeleton";
        if (view->second == "normalized") {
          EXPECT_EQ(t->normalized.text, c.expected[k]) << "input: " << c.input[k];
        } else if (view->second == "skeleton") {
          EXPECT_EQ(t->skeleton.text, c.expected[k]) << "input: " << c.input[k];
        } else {
          ADD_FAILURE() << "unknown view " << view->second;
        }
      } else if (c.command == "flags") {
        EXPECT_EQ(FlagList(t->flags), c.expected[k]) << "input: " << c.input[k];
      } else {
        ADD_FAILURE() << "unknown directive " << c.command;
      }
      Result<NormalizedText> again = n.Normalize(t->normalized.text);
      ASSERT_TRUE(again.ok());
      EXPECT_EQ(again->normalized.text, t->normalized.text) << "normalized view not idempotent";
      Result<NormalizedText> again_skeleton = n.Normalize(t->skeleton.text);
      ASSERT_TRUE(again_skeleton.ok());
      EXPECT_EQ(again_skeleton->skeleton.text, t->skeleton.text) << "skeleton not idempotent";
    }
  }
}

}  // namespace
}  // namespace moderato
