// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Test-only helpers for the PDQ and image tests: reading the shared vectors
// (../shared/data/pdq-vectors, see its PROVENANCE.md) and the expected CSVs.

#ifndef MODERATO_HASH_PDQ_TESTING_H_
#define MODERATO_HASH_PDQ_TESTING_H_

#include <cstdint>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace moderato::pdq_testing {

inline std::string VectorsDir() { return std::string(MODERATO_SHARED_DATA_DIR) + "/pdq-vectors/"; }

// The bytes of `relative` under VectorsDir(), or empty if unreadable.
inline std::vector<uint8_t> ReadVector(const std::string& relative) {
  std::ifstream in(VectorsDir() + relative, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

// A CSV without quoted fields: one map per row, keyed by the header names.
inline std::vector<std::map<std::string, std::string>> ReadCsv(const std::string& relative) {
  std::ifstream in(VectorsDir() + relative);
  std::vector<std::map<std::string, std::string>> rows;
  std::string line;
  std::vector<std::string> header;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<std::string> fields;
    std::stringstream ss(line);
    std::string field;
    while (std::getline(ss, field, ',')) fields.push_back(field);
    if (line.back() == ',') fields.emplace_back();
    if (header.empty()) {
      header = fields;
      continue;
    }
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < header.size() && i < fields.size(); ++i) row[header[i]] = fields[i];
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace moderato::pdq_testing

#endif  // MODERATO_HASH_PDQ_TESTING_H_
