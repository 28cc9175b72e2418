// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// A streaming CSV reader (RFC 4180: comma-separated, fields optionally quoted
// with '"', quotes doubled inside quoted fields, quoted fields may span lines;
// CRLF or LF line ends; a UTF-8 byte-order mark at the start is skipped).
//
// Input is untrusted: a record larger than CsvOptions::max_record_bytes or
// with more than max_fields fields fails with kResourceExhausted; an
// unterminated quote or a stray quote inside an unquoted field fails with
// kInvalidArgument naming the line. After an error the reader resynchronises
// at the next line end, so the caller may report the record and go on.
//
// Thread safety: a CsvReader is used by one thread at a time.
//
// Example:
//   moderato::CsvReader reader(stream);
//   moderato::CsvRecord record;
//   while (true) {
//     moderato::Result<bool> more = reader.Next(&record);
//     if (!more.ok()) { report(more.status()); continue; }
//     if (!*more) break;
//     use(record.fields, record.line);
//   }

#ifndef MODERATO_CORE_CSV_H_
#define MODERATO_CORE_CSV_H_

#include <cstddef>
#include <cstdint>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "moderato/status.h"

namespace moderato {

struct CsvOptions {
  char delimiter = ',';
  std::size_t max_record_bytes = 1u << 20;
  std::size_t max_fields = 4096;
};

struct CsvRecord {
  std::vector<std::string> fields;
  std::uint64_t line = 0;  // 1-based line number where the record starts
};

class CsvReader {
 public:
  // Reads from `in`, which must outlive the reader.
  explicit CsvReader(std::istream& in, CsvOptions options = {});

  // Not copyable: holds a reference to a stream and its position.
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Reads the next record into `*record`. Returns true if one was read, false
  // at end of input. Fails as described in the file comment; the next call
  // continues with the following line. Blank lines are skipped.
  Result<bool> Next(CsvRecord* record);

  // Line number (1-based) of the next unread line.
  std::uint64_t line() const { return line_; }

 private:
  int Get();
  void SkipRestOfLine();

  std::istream& in_;
  CsvOptions options_;
  std::uint64_t line_ = 1;
  bool at_start_ = true;
};

// Parses one record from `text` (all of it), for tests and small inputs.
Result<std::vector<std::string>> ParseCsvLine(std::string_view text, CsvOptions options = {});

// Returns `field` quoted for CSV output if it needs quoting.
std::string CsvEscape(std::string_view field, char delimiter = ',');

}  // namespace moderato

#endif  // MODERATO_CORE_CSV_H_
