// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzzes the labelled-data readers (JSONL and CSV, strict and skipping) and
// the fastText tokenizer. The first byte picks the format and policy; the
// rest is the file. Properties checked: no crash, budgets respected, and
// tokens never contain fastText separators or start with the label prefix.

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>

#include "moderato/classify/dataset.h"
#include "moderato/classify/tokenize.h"

namespace {

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

void CheckTokens(std::string_view text) {
  const std::string tokens = moderato::FastTextTokens(text);
  std::string_view rest = tokens;
  while (!rest.empty()) {
    const std::size_t space = rest.find(' ');
    const std::string_view token = rest.substr(0, space);
    Check(!token.empty());
    Check(!token.starts_with("__label__"));
    for (char c : token) {
      Check(c != '\n' && c != '\r' && c != '\t' && c != '\v' && c != '\f' && c != '\0');
    }
    if (space == std::string_view::npos) break;
    rest.remove_prefix(space + 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t mode = data[0];
  const std::string input(reinterpret_cast<const char*>(data + 1), size - 1);

  moderato::LabelledFileOptions options;
  options.format = (mode & 1) ? moderato::LabelledFormat::kCsv : moderato::LabelledFormat::kJsonl;
  options.skip_malformed = (mode & 2) != 0;
  if (mode & 4) options.lang_column = "lang";
  if (mode & 8) options.negative_labels = {"0", "no"};
  if (mode & 16) options.id_column = "id";
  options.max_line_bytes = 4096;
  options.max_examples = 64;
  options.max_json_depth = 8;

  std::istringstream in(input);
  moderato::Result<moderato::LabelledData> result = moderato::ReadLabelledData(in, options, "fuzz");
  if (result.ok()) {
    Check(result->examples.size() <= options.max_examples);
    Check(result->errors.size() <= 10);
    for (const moderato::LabelledExample& ex : result->examples) {
      Check(!ex.text.empty());
      CheckTokens(ex.text);
    }
  }
  CheckTokens(input);
  return 0;
}
