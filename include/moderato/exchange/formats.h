// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Hash-list exchange formats: reading signal lists that other organisations
// publish (and writing our banks in the same shapes), so that a bank can be
// filled from, or shared with, pytx / Hasher-Matcher-Actioner, the Tech
// Against Terrorism TCAP hash list, StopNCII and plain CSV. The exact shapes
// are documented in docs/exchange.md.
//
// Import is two steps. ImportSignals() parses a stream into an ImportBatch
// (signals to add, values to remove, per-record errors with line or record
// numbers); it never touches a store, so it can be used to validate a file.
// ImportInto() writes a batch into a bank, all or nothing: a batch with any
// error writes nothing. Export streams a bank (or a vector of signals) to an
// std::ostream without loading the bank into memory.
//
// Every value is validated and canonicalised for its type on import
// (CanonicalSignalValue): hex hashes are lowercased and length-checked, URLs
// go through CanonicalizeUrl, text signatures through ParseTextSignature.
//
// Input is untrusted: ImportOptions holds budgets on total bytes, bytes per
// line or record, JSON nesting depth, number of records and number of errors
// kept. Line formats (pytx, CSV, JSON Lines) stream in constant memory apart
// from the batch itself; JSON documents (HMA bank JSON, a TCAP page or array,
// a StopNCII page) are held in memory whole, bounded by max_bytes (simdjson
// needs about 2-3x the document size while parsing).
//
// Thread safety: the functions are reentrant; an ImportBatch is a value.
//
// Example:
//   std::ifstream in("tat.json");
//   MODERATO_ASSIGN_OR_RETURN(ImportBatch batch,
//                             ImportSignals(in, ExchangeFormat::kTat, {}));
//   MODERATO_ASSIGN_OR_RETURN(ImportSummary s, ImportInto(*store, "tat", batch));
//   MODERATO_ASSIGN_OR_RETURN(ExportSummary e,
//       ExportSignals(*store, {.bank = "tat"}, ExchangeFormat::kCsv, std::cout));

#ifndef MODERATO_EXCHANGE_FORMATS_H_
#define MODERATO_EXCHANGE_FORMATS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "moderato/status.h"
#include "moderato/store/banks.h"
#include "moderato/store/store.h"

namespace moderato {

enum class ExchangeFormat : std::uint8_t {
  kPytx,      // "pytx": pytx/HMA local file, one `<signal_type> <value>` per line
  kHmaJson,   // "hma-json": one bank and its contents, modelled on HMA's bank_content
  kTat,       // "tat": Tech Against Terrorism TCAP hash-list page, array or JSON Lines
  kStopNcii,  // "stopncii": a StopNCII FetchHashes page
  kCsv,       // "csv": CSV with a header row
};

// Returns "pytx", "hma-json", "tat", "stopncii" or "csv".
std::string_view ExchangeFormatName(ExchangeFormat format);

// Parses the names above, case-insensitively, plus the aliases "hma",
// "local_file", "tcap" and "json" (= hma-json). Returns nullopt otherwise.
std::optional<ExchangeFormat> ParseExchangeFormat(std::string_view name);

// Guesses the format from the first bytes of an input (a few KiB are enough;
// more are ignored). Looks past a UTF-8 byte-order mark and leading
// whitespace. A JSON object or array is "stopncii" if it mentions
// "hashRecords" or "hashValue", "tat" if it mentions "hash_digest" or
// "checkpoint", "hma-json" if it mentions "contents" or "signals"; text whose
// first non-comment line is a CSV header naming `type` and `value` is "csv";
// any other text is "pytx". Returns nullopt for empty input and for JSON that
// matches none of the JSON formats.
std::optional<ExchangeFormat> DetectExchangeFormat(std::string_view first_bytes);

// Budgets and defaults for ImportSignals.
struct ImportOptions {
  // The whole input. Exceeding it fails the import with kResourceExhausted.
  std::uint64_t max_bytes = std::uint64_t{1} << 30;
  // One line (pytx, JSON Lines) or CSV record. An overlong one is a
  // per-record error; the import goes on with the next line.
  std::size_t max_record_bytes = 64 * 1024;
  // JSON nesting depth; a deeper document fails the import (kResourceExhausted),
  // a deeper JSON line is a per-record error.
  std::size_t max_json_depth = 32;
  // Records read (added, removed, skipped or in error). Exceeding it fails the
  // import with kResourceExhausted.
  std::uint64_t max_records = 5'000'000;
  // Per-record errors kept in ImportBatch::errors. When this many have been
  // collected the import stops reading and the batch says so (errors_truncated).
  std::size_t max_errors = 1000;
  // pytx only: the type of lines that hold a bare value (no type name).
  // Without it such lines are errors.
  std::optional<SignalType> default_type;
  // Signal::source for records that carry none. Empty: the format's default
  // ("pytx", "hma", "tat", "stopncii", "csv").
  std::string source;
  // Called with the number of input bytes read so far, about every MiB and
  // once at the end. May be empty.
  std::function<void(std::uint64_t bytes_read)> progress;
};

// One rejected record. `line` is the 1-based line where the record starts
// (line formats and JSON Lines); `record` is the 1-based index of the record
// in a JSON document's array (HMA contents, TCAP results, StopNCII
// hashRecords; for a TCAP page on one JSON line, both are set). Either may be
// 0 when it does not apply (e.g. an error in the HMA bank header).
struct ImportError {
  std::uint64_t line = 0;
  std::uint64_t record = 0;
  std::string message;

  // Returns "line 17: message", "record 3: message", "line 2, record 5:
  // message" or "message".
  std::string ToString() const;
  friend bool operator==(const ImportError&, const ImportError&) = default;
};

// The result of parsing one input. Nothing here has touched a store.
struct ImportBatch {
  ExchangeFormat format = ExchangeFormat::kPytx;
  // Signals to add, canonicalised, in input order. Signal::bank and
  // Signal::id are left empty/0; added_at is 0 when the input had no date.
  std::vector<Signal> add;
  // Values the source says are gone (TCAP `deleted: true`, StopNCII
  // Withdrawn/Deleted), canonicalised, in input order.
  std::vector<std::pair<SignalType, std::string>> remove;
  // Per-record problems. A batch with any error must not be applied;
  // ImportInto refuses it.
  std::vector<ImportError> errors;
  // True when more than ImportOptions::max_errors errors occurred and reading
  // stopped early.
  bool errors_truncated = false;
  // hma-json only: the bank described by the document (name, description,
  // enabled, suppression, thresholds). Absent for the other formats.
  std::optional<Bank> bank;
  // Records that were well formed but hold a signal type we cannot match
  // (TCAP SHA512, StopNCII VideoTMK, pytx raw_text, ...), by the name the
  // input used. They are skipped, not errors; see docs/exchange.md.
  std::map<std::string, std::uint64_t> skipped_unsupported;
  std::uint64_t added_by_type[kSignalTypeCount] = {};    // counts of `add`, by SignalType
  std::uint64_t removed_by_type[kSignalTypeCount] = {};  // counts of `remove`, by SignalType
  std::uint64_t records = 0;                             // records read, including skipped
  std::uint64_t bytes_read = 0;                          // input bytes consumed

  // Total of skipped_unsupported.
  std::uint64_t skipped() const;
  bool ok() const { return errors.empty() && !errors_truncated; }
};

// Parses `in` as `format` (or, when `format` is nullopt, as the format that
// DetectExchangeFormat finds in the first 4 KiB). Per-record problems are
// collected in the batch's `errors` and do not fail the call. Fails with
//   kResourceExhausted  when max_bytes or max_records is exceeded, or a JSON
//                       document is deeper than max_json_depth;
//   kInvalidArgument    when the input as a whole is unusable: the format
//                       cannot be detected, a JSON document is malformed
//                       (truncated, bad UTF-8, a number too large) or has the
//                       wrong top-level shape, a CSV header is missing, lacks
//                       `type`/`value` or names unknown columns;
//   kUnavailable        when the stream reports a read error.
// `in` is read to its end (or until a budget stops the import).
Result<ImportBatch> ImportSignals(std::istream& in, std::optional<ExchangeFormat> format,
                                  const ImportOptions& options = {});

// The same, reading from memory (tests, fuzzers, HTTP bodies).
Result<ImportBatch> ImportSignalsFromBytes(std::string_view bytes,
                                           std::optional<ExchangeFormat> format,
                                           const ImportOptions& options = {});

// Returns kInvalidArgument whose message lists the first `max_listed` errors
// ("3 errors; line 2: ...; line 9: ..."), or OK when `errors` is empty.
Status ImportErrorsToStatus(std::span<const ImportError> errors, bool truncated = false,
                            std::size_t max_listed = 20);

// What ImportInto did.
struct ImportSummary {
  std::int64_t added = 0;               // new signals
  std::int64_t duplicates = 0;          // already in the bank (labels merged by the store)
  std::int64_t removed = 0;             // signals deleted by the batch's removals
  std::int64_t removals_requested = 0;  // after dropping values the batch also adds
  std::uint64_t skipped_unsupported = 0;
};

// Writes `batch` into `bank`:
//   1. if the batch has any error, writes nothing and fails with
//      kInvalidArgument listing the first 20 errors (ImportErrorsToStatus);
//   2. fails with kNotFound if `bank` does not exist;
//   3. adds batch.add and removes each value of batch.remove that the batch
//      does not also add, with ONE BankStore::ApplySignalChanges call: one
//      transaction, all or none; its failure is returned unchanged and
//      nothing was written. Re-running the same import is safe: adds become
//      duplicates, absent values remove nothing.
// An empty batch is OK and writes nothing.
Result<ImportSummary> ImportInto(BankStore& store, std::string_view bank, const ImportBatch& batch);

// Options for export.
struct ExportOptions {
  // hma-json: the bank written as the document's header. ExportSignals from a
  // store fills it from filter.bank when unset; without either the header is
  // {"name": ""}.
  std::optional<Bank> bank;
  // Skip disabled signals instead of writing them (formats that cannot carry
  // `enabled` -- pytx, tat, stopncii -- would otherwise re-enable them on import).
  bool skip_disabled = false;
};

struct ExportSummary {
  std::uint64_t written = 0;
  // Signals the format cannot represent (a URL in a TCAP list, a SHA-256 in a
  // StopNCII page, text in either) or disabled ones with skip_disabled.
  std::uint64_t skipped = 0;
};

// Writes every signal that `filter` selects, in id order, streaming through
// BankStore::ForEachSignal. Fails with the store's error, kInvalidArgument if
// a signal cannot be written faithfully (a CSV tag containing ';', a pytx
// value containing a line break), or kUnavailable when `out` fails. On
// failure `out` may hold a partial document.
Result<ExportSummary> ExportSignals(BankStore& store, const SignalFilter& filter,
                                    ExchangeFormat format, std::ostream& out,
                                    const ExportOptions& options = {});

// The same for signals already in memory, in the order given.
Result<ExportSummary> ExportSignals(std::span<const Signal> signals, ExchangeFormat format,
                                    std::ostream& out, const ExportOptions& options = {});

// Validates `value` as a signal of `type` and returns its canonical form:
//   pdq     64 hex digits -> lowercase (via ParseHash256Hex / ToHex);
//   md5     32 hex digits -> lowercase;
//   sha256  64 hex digits -> lowercase;
//   url     CanonicalizeUrl (hash/url.h): https, lowercase host without
//           www., tracking parameters dropped, ... -- the returned `url`;
//   text    a text near-duplicate signature "mh1:..." parsed strictly by
//           ParseTextSignature and re-formatted (hash/text_signature.h).
//           Raw text is not a signal: compute its signature first.
// Surrounding ASCII whitespace is ignored for every type. Fails with
// kInvalidArgument saying what is wrong.
Result<std::string> CanonicalSignalValue(SignalType type, std::string_view value);

// Parses an ISO-8601 / RFC 3339 date-time: "YYYY-MM-DD", optionally followed by
// 'T' or ' ' and "HH:MM[:SS[.fraction]]", optionally followed by "Z" or an
// offset "+HH:MM" / "+HHMM" / "+HH". Returns Unix seconds (fractions dropped),
// or kInvalidArgument. Years 1970..9999 only.
Result<std::int64_t> ParseIso8601(std::string_view text);

// Returns "YYYY-MM-DDTHH:MM:SSZ" for Unix seconds `seconds` (>= 0).
std::string FormatIso8601(std::int64_t seconds);

}  // namespace moderato

#endif  // MODERATO_EXCHANGE_FORMATS_H_
