// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Feeds arbitrary bytes to the JSONL and plain-line record readers. Every
// record must come back either with an error or with text, every line number
// must increase, JSONL text must be valid UTF-8, and nothing may crash or
// exceed the budgets.

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "moderato/scan/input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  for (moderato::InputFormat format :
       {moderato::InputFormat::kJsonl, moderato::InputFormat::kLines}) {
    std::istringstream in(bytes);
    moderato::InputOptions options{.format = format, .max_record_bytes = 512, .max_json_depth = 8};
    auto reader = moderato::RecordReader::Create(in, options);
    if (!reader.ok()) __builtin_trap();  // JSONL and lines readers always open
    moderato::InputRecord record;
    std::uint64_t last_line = 0;
    while ((*reader)->Next(&record)) {
      if (record.line <= last_line) __builtin_trap();
      last_line = record.line;
      if (!record.error.ok() && !record.text.empty()) __builtin_trap();
      if (record.text.size() > options.max_record_bytes) __builtin_trap();
      // JSONL text is always valid UTF-8 (repaired if need be); plain lines pass bytes through.
      bool changed = false;
      moderato::ReplaceInvalidUtf8(record.text, &changed);
      if (format == moderato::InputFormat::kJsonl && changed) __builtin_trap();
    }
  }
  return 0;
}
