// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/core/csv.h"

#include <sstream>

namespace moderato {

CsvReader::CsvReader(std::istream& in, CsvOptions options) : in_(in), options_(options) {}

int CsvReader::Get() {
  int c = in_.get();
  if (c == '\n') ++line_;
  return c;
}

void CsvReader::SkipRestOfLine() {
  int c;
  while ((c = Get()) != EOF && c != '\n') {
  }
}

Result<bool> CsvReader::Next(CsvRecord* record) {
  record->fields.clear();
  if (at_start_) {
    at_start_ = false;
    // Skip a UTF-8 byte-order mark.
    if (in_.peek() == 0xEF) {
      char bom[3];
      in_.read(bom, 3);
      if (in_.gcount() != 3 || bom[1] != '\xBB' || bom[2] != '\xBF') {
        in_.clear();
        for (std::streamsize i = in_.gcount(); i > 0; --i) in_.unget();
      }
    }
  }
  // Skip blank lines.
  while (true) {
    int c = in_.peek();
    if (c == EOF) return false;
    if (c == '\n') {
      Get();
      continue;
    }
    if (c == '\r') {
      in_.get();
      continue;
    }
    break;
  }
  record->line = line_;
  std::size_t bytes = 0;
  std::string field;
  bool quoted = false;
  bool field_started = false;  // a quoted field was closed; only a delimiter may follow
  int c = 0;
  auto fail = [&](Status s) -> Result<bool> {
    if (!quoted && c != '\n' && c != EOF) {
      // Error found mid-line: drop the rest of the line.
      SkipRestOfLine();
    }
    record->fields.clear();
    return s;
  };
  auto push = [&]() -> Status {
    if (record->fields.size() >= options_.max_fields) {
      return ResourceExhaustedError("CSV record at line " + std::to_string(record->line) +
                                    " has more than " + std::to_string(options_.max_fields) +
                                    " fields");
    }
    record->fields.push_back(std::move(field));
    field.clear();
    return OkStatus();
  };
  while (true) {
    c = Get();
    if (++bytes > options_.max_record_bytes) {
      quoted = false;
      return fail(ResourceExhaustedError("CSV record at line " + std::to_string(record->line) +
                                         " is larger than " +
                                         std::to_string(options_.max_record_bytes) + " bytes"));
    }
    if (quoted) {
      if (c == EOF) {
        return fail(InvalidArgumentError("CSV record at line " + std::to_string(record->line) +
                                         ": unterminated quoted field"));
      }
      if (c == '"') {
        if (in_.peek() == '"') {
          in_.get();
          field.push_back('"');
        } else {
          quoted = false;
          field_started = true;
        }
      } else {
        field.push_back(static_cast<char>(c));
      }
      continue;
    }
    if (c == EOF || c == '\n') {
      if (!field_started && !field.empty() && field.back() == '\r') field.pop_back();
      Status s = push();
      if (!s.ok()) return fail(s);
      return true;
    }
    if (c == options_.delimiter) {
      Status s = push();
      if (!s.ok()) return fail(s);
      field_started = false;
      continue;
    }
    if (field_started) {
      if (c == '\r' && (in_.peek() == '\n' || in_.peek() == EOF)) continue;
      return fail(InvalidArgumentError("CSV record at line " + std::to_string(line_) +
                                       ": unexpected character after a closing quote"));
    }
    if (c == '"') {
      if (!field.empty()) {
        return fail(InvalidArgumentError("CSV record at line " + std::to_string(line_) +
                                         ": quote inside an unquoted field"));
      }
      quoted = true;
      continue;
    }
    field.push_back(static_cast<char>(c));
  }
}

Result<std::vector<std::string>> ParseCsvLine(std::string_view text, CsvOptions options) {
  std::istringstream in{std::string(text)};
  CsvReader reader(in, options);
  CsvRecord record;
  MODERATO_ASSIGN_OR_RETURN(bool any, reader.Next(&record));
  if (!any) return std::vector<std::string>{};
  return std::move(record.fields);
}

std::string CsvEscape(std::string_view field, char delimiter) {
  // A leading byte-order mark is quoted too, or a reader would skip it at the
  // start of a file.
  bool needs = field.find_first_of(std::string{'"', '\n', '\r', delimiter}) != std::string::npos ||
               field.starts_with("\xEF\xBB\xBF");
  if (!needs) return std::string(field);
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace moderato
