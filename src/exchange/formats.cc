// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/exchange/formats.h"

#include <istream>
#include <ostream>
#include <streambuf>
#include <string>
#include <unordered_map>

#include "exchange/internal.h"

namespace moderato {
namespace {

constexpr std::size_t kDetectBytes = 4096;
constexpr std::uint64_t kProgressStep = std::uint64_t{1} << 20;

// Counts the bytes read from the source, stops at max_bytes (remembering
// that the budget was hit) and reports progress. Formats read through it, so
// every format gets the same byte budget, and format detection can look at
// the first chunk without consuming it.
class BudgetedStreambuf final : public std::streambuf {
 public:
  BudgetedStreambuf(std::streambuf* source, const ImportOptions& options)
      : source_(source), options_(options), buffer_(64 * 1024, '\0') {}

  std::uint64_t bytes_read() const { return total_; }
  bool exceeded() const { return exceeded_; }
  bool failed() const { return failed_; }
  // The unread part of the current chunk (fills one if empty).
  std::string_view Peek() {
    if (gptr() == egptr()) underflow();
    return std::string_view(gptr(), static_cast<std::size_t>(egptr() - gptr()));
  }
  void ReportProgress() {
    if (options_.progress) options_.progress(total_);
  }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    if (source_ == nullptr || exceeded_) return traits_type::eof();
    std::streamsize n = 0;
    try {
      n = source_->sgetn(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    } catch (...) {
      failed_ = true;
      return traits_type::eof();
    }
    if (n <= 0) return traits_type::eof();
    std::uint64_t before = total_;
    total_ += static_cast<std::uint64_t>(n);
    if (total_ > options_.max_bytes) {
      exceeded_ = true;
      n -= static_cast<std::streamsize>(total_ - options_.max_bytes);
      total_ = options_.max_bytes;
      if (n <= 0) return traits_type::eof();
    }
    if (options_.progress && before / kProgressStep != total_ / kProgressStep) {
      options_.progress(total_);
    }
    setg(buffer_.data(), buffer_.data(), buffer_.data() + n);
    return traits_type::to_int_type(*gptr());
  }

 private:
  std::streambuf* source_;
  const ImportOptions& options_;
  std::string buffer_;
  std::uint64_t total_ = 0;
  bool exceeded_ = false;
  bool failed_ = false;
};

// Reads `bytes` in place (std::istringstream would copy them). The get area
// is never written through, so the const_cast is safe.
class MemoryStreambuf final : public std::streambuf {
 public:
  explicit MemoryStreambuf(std::string_view bytes) {
    char* begin = const_cast<char*>(bytes.data());
    setg(begin, begin, begin + bytes.size());
  }
};

std::string_view DefaultSource(ExchangeFormat format) {
  switch (format) {
    case ExchangeFormat::kPytx:
      return "pytx";
    case ExchangeFormat::kHmaJson:
      return "hma";
    case ExchangeFormat::kTat:
      return "tat";
    case ExchangeFormat::kStopNcii:
      return "stopncii";
    case ExchangeFormat::kCsv:
      return "csv";
  }
  return "";
}

std::string RemovalKey(SignalType type, std::string_view value) {
  std::string key(1, static_cast<char>('0' + static_cast<int>(type)));
  key += value;
  return key;
}

Status ExportWith(internal::SignalWriter& writer,
                  const std::function<Status(const std::function<Status(const Signal&)>&)>& each,
                  const ExportOptions& options, ExportSummary* summary) {
  MODERATO_RETURN_IF_ERROR(writer.Begin());
  Status status = each([&](const Signal& signal) -> Status {
    if (options.skip_disabled && !signal.enabled) {
      ++summary->skipped;
      return OkStatus();
    }
    bool skipped = false;
    MODERATO_RETURN_IF_ERROR(writer.Write(signal, &skipped));
    ++(skipped ? summary->skipped : summary->written);
    return OkStatus();
  });
  if (!status.ok()) return status;
  return writer.End();
}

}  // namespace

std::string_view ExchangeFormatName(ExchangeFormat format) {
  switch (format) {
    case ExchangeFormat::kPytx:
      return "pytx";
    case ExchangeFormat::kHmaJson:
      return "hma-json";
    case ExchangeFormat::kTat:
      return "tat";
    case ExchangeFormat::kStopNcii:
      return "stopncii";
    case ExchangeFormat::kCsv:
      return "csv";
  }
  return "unknown";
}

std::optional<ExchangeFormat> ParseExchangeFormat(std::string_view name) {
  struct Alias {
    std::string_view name;
    ExchangeFormat format;
  };
  static constexpr Alias kAliases[] = {
      {"pytx", ExchangeFormat::kPytx},        {"local_file", ExchangeFormat::kPytx},
      {"hma-json", ExchangeFormat::kHmaJson}, {"hma", ExchangeFormat::kHmaJson},
      {"json", ExchangeFormat::kHmaJson},     {"tat", ExchangeFormat::kTat},
      {"tcap", ExchangeFormat::kTat},         {"stopncii", ExchangeFormat::kStopNcii},
      {"csv", ExchangeFormat::kCsv},
  };
  for (const Alias& alias : kAliases) {
    if (internal::EqualsIgnoreCase(alias.name, name)) return alias.format;
  }
  return std::nullopt;
}

std::optional<ExchangeFormat> DetectExchangeFormat(std::string_view first_bytes) {
  std::string_view text = first_bytes.substr(0, kDetectBytes);
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  std::size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return std::nullopt;
  text.remove_prefix(start);
  if (text[0] == '{' || text[0] == '[') {
    auto has = [&](std::string_view key) { return text.find(key) != std::string_view::npos; };
    if (has("\"hashRecords\"") || has("\"hashValue\"")) return ExchangeFormat::kStopNcii;
    if (has("\"hash_digest\"") || has("\"checkpoint\"")) return ExchangeFormat::kTat;
    if (has("\"contents\"") || has("\"signals\"")) return ExchangeFormat::kHmaJson;
    return std::nullopt;
  }
  // The first line that is not a comment decides between CSV and pytx.
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::string_view line = internal::TrimAscii(text.substr(0, end));
    if (!line.empty() && line[0] != '#') {
      if (line.find(',') == std::string_view::npos) return ExchangeFormat::kPytx;
      std::vector<std::string> columns = internal::SplitList(line, ',');
      bool type = false, value = false;
      for (const std::string& c : columns) {
        std::string name = internal::ToLowerAscii(internal::TrimAscii(c));
        if (name == "type" || name == "\"type\"") type = true;
        if (name == "value" || name == "\"value\"") value = true;
      }
      return type && value ? ExchangeFormat::kCsv : ExchangeFormat::kPytx;
    }
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return ExchangeFormat::kPytx;
}

Result<ImportBatch> ImportSignals(std::istream& in, std::optional<ExchangeFormat> format,
                                  const ImportOptions& options) {
  BudgetedStreambuf buf(in.rdbuf(), options);
  std::istream budgeted(&buf);
  if (!format) {
    format = DetectExchangeFormat(buf.Peek());
    if (!format) {
      return InvalidArgumentError(
          "cannot tell the input's exchange format; name it (pytx, hma-json, tat, stopncii, "
          "csv)");
    }
  }
  ImportBatch batch;
  batch.format = *format;
  internal::BatchBuilder builder(&batch, options, DefaultSource(*format));
  Status status;
  switch (*format) {
    case ExchangeFormat::kPytx:
      status = internal::ImportPytx(budgeted, builder);
      break;
    case ExchangeFormat::kCsv:
      status = internal::ImportCsv(budgeted, builder);
      break;
    case ExchangeFormat::kHmaJson:
      status = internal::ImportHmaJson(budgeted, builder, &batch);
      break;
    case ExchangeFormat::kTat:
      status = internal::ImportTat(budgeted, builder);
      break;
    case ExchangeFormat::kStopNcii:
      status = internal::ImportStopNcii(budgeted, builder);
      break;
  }
  batch.bytes_read = buf.bytes_read();
  buf.ReportProgress();
  if (buf.exceeded()) {
    return ResourceExhaustedError("input is larger than " + std::to_string(options.max_bytes) +
                                  " bytes (max_bytes)");
  }
  if (buf.failed() || in.bad()) return UnavailableError("reading the import input failed");
  if (!status.ok()) return status;
  return batch;
}

Result<ImportBatch> ImportSignalsFromBytes(std::string_view bytes,
                                           std::optional<ExchangeFormat> format,
                                           const ImportOptions& options) {
  MemoryStreambuf buf(bytes);
  std::istream in(&buf);
  return ImportSignals(in, format, options);
}

Result<ImportSummary> ImportInto(BankStore& store, std::string_view bank,
                                 const ImportBatch& batch) {
  MODERATO_RETURN_IF_ERROR(ImportErrorsToStatus(batch.errors, batch.errors_truncated));
  Result<Bank> existing = store.GetBank(bank);
  if (!existing.ok()) return existing.status();
  ImportSummary summary;
  summary.skipped_unsupported = batch.skipped();

  // A value both added and removed in one batch stays: the add wins (a list
  // that deletes one entry of a hash and keeps another still lists it).
  std::vector<bool> keep_removal(batch.remove.size(), true);
  if (!batch.remove.empty()) {
    std::unordered_map<std::string, std::vector<std::size_t>> removals;
    for (std::size_t i = 0; i < batch.remove.size(); ++i) {
      removals[RemovalKey(batch.remove[i].first, batch.remove[i].second)].push_back(i);
    }
    for (const Signal& signal : batch.add) {
      auto it = removals.find(RemovalKey(signal.type, signal.value));
      if (it == removals.end()) continue;
      for (std::size_t i : it->second) keep_removal[i] = false;
      removals.erase(it);
    }
  }

  std::vector<SignalValue> removals;
  for (std::size_t i = 0; i < batch.remove.size(); ++i) {
    if (keep_removal[i]) removals.push_back({batch.remove[i].first, batch.remove[i].second});
  }
  summary.removals_requested = static_cast<std::int64_t>(removals.size());
  if (batch.add.empty() && removals.empty()) return summary;
  // Adds and removals in one transaction: the import is all or nothing.
  Result<ApplyResult> applied = store.ApplySignalChanges(bank, batch.add, removals);
  if (!applied.ok()) return applied.status();
  summary.added = applied->added.added;
  summary.duplicates = applied->added.duplicates;
  summary.removed = applied->removed;
  return summary;
}

Result<ExportSummary> ExportSignals(BankStore& store, const SignalFilter& filter,
                                    ExchangeFormat format, std::ostream& out,
                                    const ExportOptions& options) {
  ExportOptions resolved = options;
  if (format == ExchangeFormat::kHmaJson && !resolved.bank && filter.bank) {
    Result<Bank> bank = store.GetBank(*filter.bank);
    if (!bank.ok()) return bank.status();
    resolved.bank = *std::move(bank);
  }
  std::unique_ptr<internal::SignalWriter> writer =
      internal::MakeSignalWriter(format, out, resolved);
  ExportSummary summary;
  Status status = ExportWith(
      *writer,
      [&](const std::function<Status(const Signal&)>& write) -> Status {
        Status failure;
        Status walked = store.ForEachSignal(filter, [&](const Signal& signal) {
          failure = write(signal);
          return failure.ok();
        });
        return walked.ok() ? failure : walked;
      },
      resolved, &summary);
  if (!status.ok()) return status;
  return summary;
}

Result<ExportSummary> ExportSignals(std::span<const Signal> signals, ExchangeFormat format,
                                    std::ostream& out, const ExportOptions& options) {
  std::unique_ptr<internal::SignalWriter> writer = internal::MakeSignalWriter(format, out, options);
  ExportSummary summary;
  Status status = ExportWith(
      *writer,
      [&](const std::function<Status(const Signal&)>& write) -> Status {
        for (const Signal& signal : signals) {
          Status written = write(signal);
          if (!written.ok()) return written;
        }
        return OkStatus();
      },
      options, &summary);
  if (!status.ok()) return status;
  return summary;
}

}  // namespace moderato
