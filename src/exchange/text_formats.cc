// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// The two line formats: pytx/HMA local files and CSV with a header.

#include <charconv>
#include <istream>
#include <ostream>

#include "exchange/internal.h"
#include "moderato/core/csv.h"
#include "moderato/core/line_reader.h"

namespace moderato::internal {
namespace {

constexpr std::string_view kCsvColumns[] = {"type",     "value",  "organisation", "behaviours",
                                            "tags",     "source", "external_id",  "quality",
                                            "added_at", "enabled"};
enum CsvColumn {
  kColType,
  kColValue,
  kColOrganisation,
  kColBehaviours,
  kColTags,
  kColSource,
  kColExternalId,
  kColQuality,
  kColAddedAt,
  kColEnabled,
  kColCount
};

std::optional<int> CsvColumnIndex(std::string_view name) {
  for (int i = 0; i < kColCount; ++i) {
    if (kCsvColumns[i] == name) return i;
  }
  if (name == "organization") return kColOrganisation;
  if (name == "behaviors") return kColBehaviours;
  return std::nullopt;
}

// "CSV record at line 7: unterminated quoted field" -> "unterminated quoted field".
std::string StripCsvPrefix(std::string_view message) {
  constexpr std::string_view kPrefix = "CSV record at line ";
  if (!message.starts_with(kPrefix)) return std::string(message);
  message.remove_prefix(kPrefix.size());
  while (!message.empty() && message[0] >= '0' && message[0] <= '9') message.remove_prefix(1);
  if (message.starts_with(": ")) return std::string(message.substr(2));
  return "record" + std::string(message);
}

Result<bool> ParseBool(std::string_view text) {
  std::string lower = ToLowerAscii(TrimAscii(text));
  if (lower.empty() || lower == "true" || lower == "1" || lower == "yes") return true;
  if (lower == "false" || lower == "0" || lower == "no") return false;
  return InvalidArgumentError("enabled must be true or false, got " + Quote(text));
}

Result<int> ParseQuality(std::string_view text) {
  text = TrimAscii(text);
  if (text.empty()) return -1;
  int quality = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), quality);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    return InvalidArgumentError("quality must be an integer, got " + Quote(text));
  }
  return quality;
}

class PytxWriter final : public SignalWriter {
 public:
  explicit PytxWriter(std::ostream& out) : out_(out) {}
  Status Begin() override { return OkStatus(); }
  Status Write(const Signal& signal, bool*) override {
    if (signal.value.find_first_of("\r\n") != std::string::npos) {
      return InvalidArgumentError("signal " + std::to_string(signal.id) +
                                  ": a value with a line break cannot be written as pytx");
    }
    out_ << SignalTypeName(signal.type) << ' ' << signal.value << '\n';
    return CheckStream(out_);
  }
  Status End() override {
    out_.flush();
    return CheckStream(out_);
  }

 private:
  std::ostream& out_;
};

class CsvWriter final : public SignalWriter {
 public:
  explicit CsvWriter(std::ostream& out) : out_(out) {}
  Status Begin() override {
    for (int i = 0; i < kColCount; ++i) out_ << (i ? "," : "") << kCsvColumns[i];
    out_ << '\n';
    return CheckStream(out_);
  }
  Status Write(const Signal& signal, bool*) override {
    auto join = [&](const std::vector<std::string>& items, std::string* out) -> Status {
      for (std::size_t i = 0; i < items.size(); ++i) {
        if (items[i].find(';') != std::string::npos) {
          return InvalidArgumentError("signal " + std::to_string(signal.id) + ": label " +
                                      Quote(items[i]) +
                                      " contains ';' and cannot be written "
                                      "to CSV");
        }
        if (i) *out += ';';
        *out += items[i];
      }
      return OkStatus();
    };
    std::string behaviours, tags;
    MODERATO_RETURN_IF_ERROR(join(signal.labels.behaviours, &behaviours));
    MODERATO_RETURN_IF_ERROR(join(signal.labels.tags, &tags));
    out_ << CsvEscape(SignalTypeName(signal.type)) << ',' << CsvEscape(signal.value) << ','
         << CsvEscape(signal.labels.organisation) << ',' << CsvEscape(behaviours) << ','
         << CsvEscape(tags) << ',' << CsvEscape(signal.source) << ','
         << CsvEscape(signal.external_id) << ','
         << (signal.quality >= 0 ? std::to_string(signal.quality) : "") << ','
         << (signal.added_at > 0 ? FormatIso8601(signal.added_at) : "") << ','
         << (signal.enabled ? "true" : "false") << '\n';
    return CheckStream(out_);
  }
  Status End() override {
    out_.flush();
    return CheckStream(out_);
  }

 private:
  std::ostream& out_;
};

}  // namespace

Status ImportPytx(std::istream& in, BatchBuilder& builder) {
  const ImportOptions& options = builder.options();
  LineReader reader(in, options.max_record_bytes);
  std::string_view raw;
  bool first = true;
  while (!builder.stopped()) {
    Result<bool> more = reader.Next(&raw);
    const std::uint64_t line = reader.line_number();
    if (!more.ok()) {
      if (more.status().code() == StatusCode::kUnavailable) return more.status();
      MODERATO_RETURN_IF_ERROR(builder.CountRecord());
      builder.Error(line, 0,
                    "line is longer than " + std::to_string(options.max_record_bytes) + " bytes");
      continue;
    }
    if (!*more) break;
    if (first && raw.starts_with("\xEF\xBB\xBF")) raw.remove_prefix(3);
    first = false;
    std::string_view text = TrimAscii(raw);
    if (text.empty() || text[0] == '#') continue;
    MODERATO_RETURN_IF_ERROR(builder.CountRecord());

    std::size_t space = text.find_first_of(" \t");
    std::string_view name = text.substr(0, space);
    std::string_view value =
        space == std::string_view::npos ? std::string_view() : TrimAscii(text.substr(space));
    TypeName resolved = value.empty() ? TypeName{} : ResolveTypeName(name);
    if (resolved.kind == TypeName::Kind::kUnsupported) {
      builder.SkipUnsupported(ToLowerAscii(name));
      continue;
    }
    SignalType type;
    if (resolved.kind == TypeName::Kind::kSupported) {
      type = resolved.type;
    } else if (options.default_type) {
      type = *options.default_type;
      value = text;
    } else if (value.empty()) {
      builder.Error(line, 0,
                    "expected '<signal_type> <value>' (a bare value needs a default signal type)");
      continue;
    } else {
      builder.Error(line, 0, "unknown signal type " + Quote(name));
      continue;
    }
    Result<std::string> canonical = CanonicalSignalValue(type, value);
    if (!canonical.ok()) {
      builder.Error(line, 0, canonical.status().message());
      continue;
    }
    Signal signal;
    signal.type = type;
    signal.value = *std::move(canonical);
    builder.Add(std::move(signal));
  }
  return OkStatus();
}

Status ImportCsv(std::istream& in, BatchBuilder& builder) {
  const ImportOptions& options = builder.options();
  CsvReader reader(in, {.max_record_bytes = options.max_record_bytes, .max_fields = 64});
  CsvRecord record;
  std::vector<int> columns;  // header position -> CsvColumn
  {
    Result<bool> more = reader.Next(&record);
    if (!more.ok()) {
      return Status(more.status().code(), "CSV header: " + StripCsvPrefix(more.status().message()));
    }
    if (!*more) return InvalidArgumentError("CSV input is empty: a header row is required");
    bool seen[kColCount] = {};
    std::vector<std::string> unknown;
    for (const std::string& field : record.fields) {
      std::string name = ToLowerAscii(TrimAscii(field));
      std::optional<int> column = CsvColumnIndex(name);
      if (!column) {
        unknown.push_back(Quote(field));
        continue;
      }
      if (seen[*column]) {
        return InvalidArgumentError("CSV header names column '" +
                                    std::string(kCsvColumns[*column]) + "' twice");
      }
      seen[*column] = true;
      columns.push_back(*column);
    }
    if (!unknown.empty()) {
      std::string list;
      for (const std::string& u : unknown) list += (list.empty() ? "" : ", ") + u;
      return InvalidArgumentError(
          "CSV header has unknown columns: " + list +
          " (known: type, value, organisation, behaviours, tags, source, external_id, quality, "
          "added_at, enabled)");
    }
    if (!seen[kColType] || !seen[kColValue]) {
      return InvalidArgumentError("CSV header must name the columns 'type' and 'value'");
    }
  }
  while (!builder.stopped()) {
    Result<bool> more = reader.Next(&record);
    if (!more.ok()) {
      MODERATO_RETURN_IF_ERROR(builder.CountRecord());
      builder.Error(record.line, 0, StripCsvPrefix(more.status().message()));
      continue;
    }
    if (!*more) break;
    MODERATO_RETURN_IF_ERROR(builder.CountRecord());
    const std::uint64_t line = record.line;
    if (record.fields.size() != columns.size()) {
      builder.Error(line, 0,
                    "expected " + std::to_string(columns.size()) + " fields, got " +
                        std::to_string(record.fields.size()));
      continue;
    }
    std::string_view field[kColCount];
    for (std::size_t i = 0; i < columns.size(); ++i) field[columns[i]] = record.fields[i];

    std::string_view type_name = TrimAscii(field[kColType]);
    TypeName resolved = ResolveTypeName(type_name);
    if (resolved.kind == TypeName::Kind::kUnsupported) {
      builder.SkipUnsupported(ToLowerAscii(type_name));
      continue;
    }
    if (resolved.kind == TypeName::Kind::kUnknown) {
      builder.Error(line, 0, "unknown signal type " + Quote(type_name));
      continue;
    }
    Signal signal;
    signal.type = resolved.type;
    Result<std::string> value = CanonicalSignalValue(signal.type, field[kColValue]);
    Result<int> quality = ParseQuality(field[kColQuality]);
    Result<bool> enabled = ParseBool(field[kColEnabled]);
    Result<std::int64_t> added_at = TrimAscii(field[kColAddedAt]).empty()
                                        ? Result<std::int64_t>(std::int64_t{0})
                                        : ParseTimestampText(field[kColAddedAt]);
    const Status* failure = !value.ok()      ? &value.status()
                            : !quality.ok()  ? &quality.status()
                            : !enabled.ok()  ? &enabled.status()
                            : !added_at.ok() ? &added_at.status()
                                             : nullptr;
    if (failure != nullptr) {
      builder.Error(line, 0, failure->message());
      continue;
    }
    signal.value = *std::move(value);
    signal.quality = *quality;
    signal.enabled = *enabled;
    signal.added_at = *added_at;
    signal.labels.organisation = std::string(field[kColOrganisation]);
    signal.labels.behaviours = SplitList(field[kColBehaviours], ';');
    signal.labels.tags = SplitList(field[kColTags], ';');
    signal.source = std::string(field[kColSource]);
    signal.external_id = std::string(field[kColExternalId]);
    if (std::string error = NormaliseSignalFields(&signal); !error.empty()) {
      builder.Error(line, 0, error);
      continue;
    }
    builder.Add(std::move(signal));
  }
  return OkStatus();
}

std::unique_ptr<SignalWriter> MakeTextWriter(ExchangeFormat format, std::ostream& out) {
  if (format == ExchangeFormat::kCsv) return std::make_unique<CsvWriter>(out);
  return std::make_unique<PytxWriter>(out);
}

}  // namespace moderato::internal
