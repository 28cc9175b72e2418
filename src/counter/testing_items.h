// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Test and benchmark helper: loads data/counter/*.jsonl through the library
// reader (library_io), failing on any bad record.

#ifndef MODERATO_SRC_COUNTER_TESTING_ITEMS_H_
#define MODERATO_SRC_COUNTER_TESTING_ITEMS_H_

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "moderato/counter/item.h"
#include "moderato/counter/library_io.h"
#include "moderato/status.h"

namespace moderato::testing_items {

inline Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot open " + path);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

inline Result<std::vector<CounterItem>> LoadItems(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot open " + path);
  MODERATO_ASSIGN_OR_RETURN(CounterReadResult read, ReadCounterJsonl(in));
  if (!read.errors.empty()) {
    return InvalidArgumentError(path + ": line " + std::to_string(read.errors[0].line) + ": " +
                                read.errors[0].message);
  }
  return std::move(read.items);
}

inline std::string SourcePath(const std::string& relative) {
  return std::string(MODERATO_SOURCE_ROOT) + "/" + relative;
}

}  // namespace moderato::testing_items

#endif  // MODERATO_SRC_COUNTER_TESTING_ITEMS_H_
