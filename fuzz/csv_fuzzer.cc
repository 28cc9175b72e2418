// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Feeds arbitrary bytes to the CSV reader and the CSV record reader. Errors
// are fine; crashes, hangs, budget overruns and records whose escaped form
// does not parse back are not.

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "moderato/core/csv.h"
#include "moderato/scan/input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  {
    std::istringstream in(bytes);
    moderato::CsvOptions options{.max_record_bytes = 256, .max_fields = 16};
    moderato::CsvReader reader(in, options);
    moderato::CsvRecord record;
    int guard = 0;
    while (++guard < 100000) {
      moderato::Result<bool> more = reader.Next(&record);
      if (!more.ok()) continue;
      if (!*more) break;
      if (record.fields.size() > options.max_fields) __builtin_trap();
      // Round trip: escaping each field and parsing the line gives the fields back.
      std::string line;
      for (std::size_t i = 0; i < record.fields.size(); ++i) {
        if (i) line += ',';
        line += moderato::CsvEscape(record.fields[i]);
      }
      auto parsed = moderato::ParseCsvLine(line, {.max_record_bytes = 1u << 20});
      bool blank = record.fields.size() == 1 &&
                   record.fields[0].find_first_not_of('\r') == std::string::npos;
      if (!blank && (!parsed.ok() || *parsed != record.fields)) __builtin_trap();
    }
    if (guard >= 100000) __builtin_trap();  // the reader must always make progress
  }
  {
    std::istringstream in(bytes);
    auto reader = moderato::RecordReader::Create(
        in, {.format = moderato::InputFormat::kCsv, .max_record_bytes = 256});
    if (reader.ok()) {
      moderato::InputRecord record;
      while ((*reader)->Next(&record)) {
        if (!record.error.ok() && !record.text.empty()) __builtin_trap();
      }
    }
  }
  return 0;
}
