// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Shared pieces of the exchange formats: the batch builder that enforces the
// record and error budgets, label and text checks, and the per-format entry
// points that formats.cc dispatches to. Not API.

#ifndef MODERATO_SRC_EXCHANGE_INTERNAL_H_
#define MODERATO_SRC_EXCHANGE_INTERNAL_H_

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "moderato/exchange/formats.h"
#include "moderato/status.h"
#include "moderato/store/banks.h"

namespace moderato::internal {

// Collects the records of one input into an ImportBatch, counting them
// against ImportOptions::max_records and keeping at most max_errors errors.
class BatchBuilder {
 public:
  BatchBuilder(ImportBatch* batch, const ImportOptions& options, std::string_view default_source);

  BatchBuilder(const BatchBuilder&) = delete;
  BatchBuilder& operator=(const BatchBuilder&) = delete;

  // Counts one record; fails with kResourceExhausted past max_records.
  Status CountRecord();
  // Records an error. Returns false once the error budget is spent: the
  // caller stops reading.
  bool Error(std::uint64_t line, std::uint64_t record, std::string message);
  void Add(Signal signal);
  void Remove(SignalType type, std::string value);
  void SkipUnsupported(std::string_view kind);

  // True once reading should stop (error budget spent).
  bool stopped() const { return batch_->errors_truncated; }
  // The source for records that carry none.
  const std::string& source() const { return source_; }
  const ImportOptions& options() const { return options_; }

 private:
  ImportBatch* batch_;
  const ImportOptions& options_;
  std::string source_;
};

// How a type name in an input resolves.
struct TypeName {
  enum class Kind { kSupported, kUnsupported, kUnknown } kind = Kind::kUnknown;
  SignalType type = SignalType::kPdq;
};
// ParseSignalType plus a few pytx/HMA names: "photo_md5" maps to md5;
// "raw_text", "trend_query", "url_md5", "text_tlsh", "video_tmk_pdqf",
// "vpdq", "tmk" are known but unsupported.
TypeName ResolveTypeName(std::string_view name);

std::string_view TrimAscii(std::string_view text);
std::string ToLowerAscii(std::string_view text);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
// Valid UTF-8 without C0 control characters or DEL.
bool IsCleanText(std::string_view text);
// Splits on `separator`, trims each part, drops empty parts.
std::vector<std::string> SplitList(std::string_view text, char separator);
// Quotes `text` for an error message, cut to 40 bytes.
std::string Quote(std::string_view text);

// Checks and canonicalises a signal's labels and free-text fields in place:
// behaviours lowercased and known, tags and organisation clean text of
// bounded length, duplicates dropped, quality in -1..100. Returns an error
// message, or an empty string.
std::string NormaliseSignalFields(Signal* signal);

// A date as Unix seconds: an integer or an ISO-8601 string in `text`.
Result<std::int64_t> ParseTimestampText(std::string_view text);

// Per-format readers. Each reads `in` to its end, filling `builder`; they
// fail only for the whole-input reasons listed at ImportSignals.
Status ImportPytx(std::istream& in, BatchBuilder& builder);
Status ImportCsv(std::istream& in, BatchBuilder& builder);
Status ImportHmaJson(std::istream& in, BatchBuilder& builder, ImportBatch* batch);
Status ImportTat(std::istream& in, BatchBuilder& builder);
Status ImportStopNcii(std::istream& in, BatchBuilder& builder);

// Streams signals out in one format: Begin, Write per signal, End.
class SignalWriter {
 public:
  virtual ~SignalWriter() = default;
  virtual Status Begin() = 0;
  // Writes `signal`, or sets *skipped when the format cannot represent it.
  virtual Status Write(const Signal& signal, bool* skipped) = 0;
  virtual Status End() = 0;
};
// pytx or CSV (text_formats.cc).
std::unique_ptr<SignalWriter> MakeTextWriter(ExchangeFormat format, std::ostream& out);
// Any format (json_formats.cc).
std::unique_ptr<SignalWriter> MakeSignalWriter(ExchangeFormat format, std::ostream& out,
                                               const ExportOptions& options);
// kUnavailable when `out` is in a failed state.
Status CheckStream(const std::ostream& out);

}  // namespace moderato::internal

#endif  // MODERATO_SRC_EXCHANGE_INTERNAL_H_
