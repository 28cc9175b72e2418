// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// The benchmarks' corpus: texts from the shared data folder (../shared/data,
// MODERATO_SHARED_DATA_DIR), read with the project's own CSV reader.

#ifndef MODERATO_BENCH_SHARED_CORPUS_H_
#define MODERATO_BENCH_SHARED_CORPUS_H_

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "moderato/core/csv.h"

namespace moderato::bench {

// Returns column `column` of the CSV file at `relative` (a path under the
// shared data folder), one string per record. Prints a note on stderr and
// returns what it has if the file or the column is missing; malformed records
// are skipped.
inline std::vector<std::string> ReadSharedColumn(const std::string& relative,
                                                 const std::string& column) {
  std::vector<std::string> out;
  std::string path = std::string(MODERATO_SHARED_DATA_DIR) + "/" + relative;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "bench: cannot open %s\n", path.c_str());
    return out;
  }
  CsvReader reader(in);
  CsvRecord record;
  std::ptrdiff_t index = -1;
  while (true) {
    Result<bool> more = reader.Next(&record);
    if (!more.ok()) continue;
    if (!*more) break;
    if (index < 0) {
      auto it = std::find(record.fields.begin(), record.fields.end(), column);
      if (it == record.fields.end()) {
        std::fprintf(stderr, "bench: %s has no column %s\n", path.c_str(), column.c_str());
        return out;
      }
      index = it - record.fields.begin();
      continue;
    }
    if (static_cast<std::size_t>(index) < record.fields.size()) {
      out.push_back(std::move(record.fields[index]));
    }
  }
  return out;
}

}  // namespace moderato::bench

#endif  // MODERATO_BENCH_SHARED_CORPUS_H_
