// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Import and export of the counter-narrative library as JSONL (one item per
// line, the shape of data/counter/starter.jsonl) or CSV with a header row.
// The formats are specified in docs/counter.md, "File formats".
//
// Input is untrusted and read with budgets (CounterIoOptions): total bytes,
// bytes per line (JSONL) or record (CSV), number of items and JSON nesting
// depth. A bad record (malformed JSON or CSV, a wrong type, an unknown
// field, an item ValidateCounterItem rejects, a repeated id) does not stop
// the reader: it is reported with its line number in
// CounterReadResult::errors and left out. Exhausting a budget on the whole
// input (bytes, items) stops the read with kResourceExhausted.
//
// An import parses the whole input first and writes nothing unless every
// record is good; it then stores all items in one transaction
// (CounterStore::ImportItems), so a failed import leaves the store as it was.
//
//   std::ifstream in("data/counter/starter.jsonl");
//   MODERATO_ASSIGN_OR_RETURN(CounterImportResult r,
//       ImportCounterLibrary(in, CounterFileFormat::kJsonl, *store, "editor@ngo",
//                            /*keep_status=*/true));
//   MODERATO_RETURN_IF_ERROR(ExportCounterLibrary(*store, {}, CounterFileFormat::kCsv, out));
//
// Thread safety: pure functions over the caller's streams; the store calls
// follow CounterStore's contract.

#ifndef MODERATO_COUNTER_LIBRARY_IO_H_
#define MODERATO_COUNTER_LIBRARY_IO_H_

#include <cstddef>
#include <cstdint>
#include <istream>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "moderato/counter/item.h"
#include "moderato/status.h"
#include "moderato/store/counter_store.h"

namespace moderato {

enum class CounterFileFormat { kJsonl, kCsv };

// Parses "jsonl" or "csv"; kInvalidArgument otherwise.
Result<CounterFileFormat> ParseCounterFileFormat(std::string_view name);

struct CounterIoOptions {
  std::uint64_t max_bytes = std::uint64_t{256} << 20;  // whole input
  std::size_t max_line_bytes = std::size_t{64} << 10;  // one JSONL line or one CSV record
  std::size_t max_items = 100'000;                     // records (good or bad)
  std::size_t max_json_depth = 8;                      // the item format needs 4
  std::size_t max_errors = 100;                        // errors kept; later ones are counted
};

struct CounterReadError {
  std::uint64_t line = 0;  // 1-based line where the record starts
  std::string message;     // names the field, e.g. "themes: unknown theme 'x'"
};

struct CounterReadResult {
  std::vector<CounterItem> items;  // the good records, in input order
  std::vector<CounterReadError> errors;
  std::uint64_t error_count = 0;  // all errors, including those beyond max_errors
};

// Reads JSONL: one JSON object per line; blank lines are skipped. Store
// fields (version, updated_at, updated_by, approved_at, approved_by), as
// written by export, are read into the item (the store ignores them).
// Fails with kResourceExhausted when the input exceeds max_bytes or
// max_items records, kUnavailable on a read error.
Result<CounterReadResult> ReadCounterJsonl(std::istream& in, const CounterIoOptions& options = {});

// Reads CSV (RFC 4180, see moderato/core/csv.h) whose first record is a
// header naming the columns (any order; unknown columns are an error, the
// columns id, language, title, body, themes, strategy, audience,
// messenger_name and messenger_kind are required). Fails as ReadCounterJsonl,
// and with kInvalidArgument when the header is missing or wrong.
Result<CounterReadResult> ReadCounterCsv(std::istream& in, const CounterIoOptions& options = {});

// Reads `in` in `format`.
Result<CounterReadResult> ReadCounterLibrary(std::istream& in, CounterFileFormat format,
                                             const CounterIoOptions& options = {});

// Returns one JSONL line (without '\n') for `item`, keys in the order of
// starter.jsonl; "owner" only when set; the store fields only when
// `with_store_fields` and item.version > 0.
std::string CounterItemToJson(const CounterItem& item, bool with_store_fields);

// The CSV header row (without '\n') that CounterItemToCsv's rows follow.
std::string CounterCsvHeader();
// Returns one CSV record (without '\n') for `item`, columns as the header.
std::string CounterItemToCsv(const CounterItem& item);

// Writes `items` to `out`: JSONL, or CSV with the header first. Fails with
// kUnavailable if the stream fails.
Status WriteCounterItems(std::span<const CounterItem> items, CounterFileFormat format,
                         bool with_store_fields, std::ostream& out);

// Reads `in` completely; if any record is bad, fails with kInvalidArgument
// naming the first errors (line and field) and stores nothing; otherwise
// stores every item with store.ImportItems(items, editor, keep_status) in
// one transaction. Budget failures are reported as by the readers.
Result<CounterImportResult> ImportCounterLibrary(std::istream& in, CounterFileFormat format,
                                                 CounterStore& store, std::string_view editor,
                                                 bool keep_status,
                                                 const CounterIoOptions& options = {});

// Streams the items `filter` selects (CounterStore::ForEachItem) to `out`
// in id order, with store fields. Fails with the store's status or
// kUnavailable if the stream fails.
Status ExportCounterLibrary(CounterStore& store, const CounterFilter& filter,
                            CounterFileFormat format, std::ostream& out);

}  // namespace moderato

#endif  // MODERATO_COUNTER_LIBRARY_IO_H_
