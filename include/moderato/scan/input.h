// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Readers for the items `moderato scan` analyses: JSONL objects
// ({"id": …, "text": …, "lang"?: …, "time"?: …}), CSV with a header row, or
// plain text lines. They stream in constant memory: one record at a time.
//
// Input is untrusted. A record that cannot be read (malformed JSON, a missing
// or non-string "text", a line over InputOptions::max_record_bytes, a CSV
// row without the text column) is returned as a record whose `error` is set,
// with its line number, and reading goes on with the next record.
//
// Thread safety: a RecordReader is used by one thread at a time.
//
// Example:
//   MODERATO_ASSIGN_OR_RETURN(auto reader,
//       moderato::RecordReader::Create(std::cin, {.format = moderato::InputFormat::kJsonl}));
//   moderato::InputRecord record;
//   while (reader->Next(&record)) {
//     if (!record.error.ok()) { report(record); continue; }
//     analyse(record.text);
//   }

#ifndef MODERATO_SCAN_INPUT_H_
#define MODERATO_SCAN_INPUT_H_

#include <cstddef>
#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "moderato/status.h"

namespace moderato {

enum class InputFormat { kJsonl, kCsv, kLines };

// Parses "jsonl", "csv" or "lines".
Result<InputFormat> ParseInputFormat(std::string_view name);

struct InputOptions {
  InputFormat format = InputFormat::kJsonl;
  // CSV only: header names of the columns. The text column is required; when
  // the id column is empty or absent, ids are line numbers.
  std::string text_column = "text";
  std::string id_column = "id";
  std::string lang_column = "lang";
  // JSONL field / CSV column holding the post's timestamp. Empty: the first
  // present of kDefaultTimeFields. The value is an ISO-8601 / RFC 3339 string
  // (ParseTimestamp) or, in JSONL, a number of Unix seconds.
  std::string time_field;
  // A record (line, or CSV record) larger than this is an error record.
  std::size_t max_record_bytes = 1u << 20;
  // JSONL: objects nested deeper than this are error records.
  std::size_t max_json_depth = 32;
};

struct InputRecord {
  std::uint64_t line = 0;  // 1-based line where the record starts
  std::string id;          // from the input, or the line number
  std::string text;
  std::string lang;  // optional language hint from the input ("" if none)
  Status error;      // not OK: the record could not be read; text is empty
  // JSONL only: the line held invalid UTF-8, which was replaced by U+FFFD
  // before parsing (JSON must be UTF-8, RFC 8259).
  bool repaired_utf8 = false;
  // The post's timestamp in Unix seconds (UTC), when the input had one.
  std::optional<std::int64_t> time;
  // The timestamp field was present but unreadable (not a date, out of
  // range, wrong JSON type). Not an error: the record has no `time`.
  bool invalid_time = false;
};

// Timestamp fields tried in this order when InputOptions::time_field is empty.
inline constexpr std::string_view kDefaultTimeFields[] = {"time", "created_at", "timestamp",
                                                          "date"};

// Parses an ISO-8601 / RFC 3339 date-time: "YYYY-MM-DD", optionally followed
// by 'T' or ' ' and "HH:MM[:SS[.fraction]]", optionally followed by "Z" or an
// offset "+HH:MM" / "+HHMM" / "+HH" (a date alone is midnight UTC). Returns
// Unix seconds (fractions dropped). Fails with kInvalidArgument on anything
// else, or on a year outside 1970..9999 or a time before the epoch.
Result<std::int64_t> ParseTimestamp(std::string_view text);

// Returns "YYYY-MM-DDTHH:MM:SSZ" for Unix seconds `seconds` (>= 0).
std::string FormatTimestamp(std::int64_t seconds);

// Returns `bytes` with each maximal invalid UTF-8 subsequence replaced by
// U+FFFD (the Unicode "substitution of maximal subparts" practice), and sets
// `*changed` when anything was replaced.
std::string ReplaceInvalidUtf8(std::string_view bytes, bool* changed);

class RecordReader {
 public:
  // Reads from `in`, which must outlive the reader. Fails with
  // kInvalidArgument if a CSV input has no header or lacks the text column.
  static Result<std::unique_ptr<RecordReader>> Create(std::istream& in, InputOptions options);

  virtual ~RecordReader() = default;

  // Reads the next record (possibly an error record). Returns false at the end.
  virtual bool Next(InputRecord* record) = 0;

  // Bytes consumed from the stream so far (for progress).
  virtual std::uint64_t bytes_read() const = 0;
};

// Parses one JSONL line into `record` (id, text, lang, time; or error). Exposed for
// tests and the fuzzer.
void ParseJsonlRecord(std::string_view line, std::uint64_t line_number, const InputOptions& options,
                      InputRecord* record);

}  // namespace moderato

#endif  // MODERATO_SCAN_INPUT_H_
