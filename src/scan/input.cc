// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/scan/input.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <string>
#include <vector>

#include "moderato/core/csv.h"
#include "moderato/core/line_reader.h"
#include "simdjson.h"
#include "unicode/utf8.h"

namespace moderato {
namespace {

std::string LineError(std::uint64_t line, std::string_view what) {
  return "line " + std::to_string(line) + ": " + std::string(what);
}

void SetError(InputRecord* record, Status status) {
  record->text.clear();
  record->lang.clear();
  record->time.reset();
  record->invalid_time = false;
  record->error = std::move(status);
}

void ResetTime(InputRecord* record) {
  record->time.reset();
  record->invalid_time = false;
}

void SetTimeFromString(std::string_view value, InputRecord* record) {
  Result<std::int64_t> seconds = ParseTimestamp(value);
  if (seconds.ok()) {
    record->time = *seconds;
  } else {
    record->invalid_time = true;
  }
}

// 9999-12-31T23:59:59Z, the last second ParseTimestamp accepts.
constexpr std::int64_t kMaxTimestamp = 253402300799;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant,
// "chrono-Compatible Low-Level Date Algorithms", days_from_civil).
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool ReadDigits(std::string_view text, std::size_t* pos, std::size_t n, int* value) {
  if (*pos + n > text.size()) return false;
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    char c = text[*pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  *value = v;
  return true;
}

bool Expect(std::string_view text, std::size_t* pos, char c) {
  if (*pos >= text.size() || text[*pos] != c) return false;
  ++*pos;
  return true;
}

// One simdjson DOM parser per thread: parsers are reusable but not shareable,
// and allocating one per record would dominate the cost of small records.
simdjson::dom::parser& ThreadParser(const InputOptions& options) {
  thread_local simdjson::dom::parser parser;
  thread_local std::size_t capacity = 0;
  thread_local std::size_t depth = 0;
  if (capacity != options.max_record_bytes || depth != options.max_json_depth) {
    if (parser.allocate(options.max_record_bytes, options.max_json_depth) == simdjson::SUCCESS) {
      capacity = options.max_record_bytes;
      depth = options.max_json_depth;
    }
  }
  return parser;
}

// JSONL and plain lines: one record per line, read with a LineReader.
class LineRecordReader final : public RecordReader {
 public:
  LineRecordReader(std::istream& in, InputOptions options)
      : options_(std::move(options)), lines_(in, options_.max_record_bytes) {}

  bool Next(InputRecord* record) override {
    const bool jsonl = options_.format == InputFormat::kJsonl;
    std::string_view line;
    while (true) {
      Result<bool> more = lines_.Next(&line);
      record->line = lines_.line_number();
      record->id = std::to_string(record->line);
      record->lang.clear();
      record->error = OkStatus();
      record->repaired_utf8 = false;
      ResetTime(record);
      if (!more.ok()) {
        SetError(record, InvalidArgumentError(LineError(record->line, more.status().message())));
        return true;
      }
      if (!*more) return false;
      // JSONL skips lines of white space; a plain line is text unless empty.
      if (jsonl ? line.find_first_not_of(" \t\r") == std::string_view::npos : line.empty()) {
        continue;
      }
      if (jsonl) {
        ParseJsonlRecord(line, record->line, options_, record);
      } else {
        record->text.assign(line);
      }
      return true;
    }
  }

  std::uint64_t bytes_read() const override { return lines_.bytes_read(); }

 private:
  InputOptions options_;
  LineReader lines_;
};

// Counts the bytes the CSV reader pulls through the stream.
class CountingBuf final : public std::streambuf {
 public:
  explicit CountingBuf(std::streambuf* inner) : inner_(inner) {}
  std::uint64_t count() const { return count_; }

 protected:
  int_type underflow() override {
    std::streamsize n = inner_->sgetn(buf_, sizeof(buf_));
    if (n <= 0) return traits_type::eof();
    count_ += static_cast<std::uint64_t>(n);
    setg(buf_, buf_, buf_ + n);
    return traits_type::to_int_type(buf_[0]);
  }

 private:
  std::streambuf* inner_;
  char buf_[1 << 16];
  std::uint64_t count_ = 0;
};

class CsvRecordReader final : public RecordReader {
 public:
  CsvRecordReader(std::istream& in, InputOptions options)
      : options_(std::move(options)),
        counting_(in.rdbuf()),
        stream_(&counting_),
        csv_(stream_, CsvOptions{.max_record_bytes = options_.max_record_bytes}) {}

  Status ReadHeader() {
    CsvRecord header;
    while (true) {
      Result<bool> more = csv_.Next(&header);
      if (!more.ok()) return more.status().WithContext("CSV header");
      if (!*more) return InvalidArgumentError("CSV input has no header row");
      break;
    }
    for (std::size_t i = 0; i < header.fields.size(); ++i) {
      const std::string& name = header.fields[i];
      if (name == options_.text_column) text_ = static_cast<int>(i);
      if (name == options_.id_column) id_ = static_cast<int>(i);
      if (name == options_.lang_column) lang_ = static_cast<int>(i);
    }
    if (!options_.time_field.empty()) {
      for (std::size_t i = 0; i < header.fields.size(); ++i) {
        if (header.fields[i] == options_.time_field) time_ = static_cast<int>(i);
      }
    } else {
      for (auto it = std::rbegin(kDefaultTimeFields); it != std::rend(kDefaultTimeFields); ++it) {
        for (std::size_t i = 0; i < header.fields.size(); ++i) {
          if (header.fields[i] == *it) time_ = static_cast<int>(i);
        }
      }
    }
    if (text_ < 0) {
      return InvalidArgumentError("CSV header has no column named \"" + options_.text_column +
                                  "\" (use --text-column)");
    }
    return OkStatus();
  }

  bool Next(InputRecord* record) override {
    Result<bool> more = csv_.Next(&row_);
    record->line = row_.line != 0 ? row_.line : csv_.line();
    record->id = std::to_string(record->line);
    record->lang.clear();
    record->error = OkStatus();
    ResetTime(record);
    if (!more.ok()) {
      record->line = csv_.line() > 1 ? csv_.line() - 1 : 1;
      record->id = std::to_string(record->line);
      SetError(record, more.status());
      return true;
    }
    if (!*more) return false;
    record->line = row_.line;
    record->id = std::to_string(row_.line);
    if (static_cast<std::size_t>(text_) >= row_.fields.size()) {
      SetError(record, InvalidArgumentError(LineError(row_.line, "CSV row has no text column")));
      return true;
    }
    record->text = std::move(row_.fields[text_]);
    if (id_ >= 0 && static_cast<std::size_t>(id_) < row_.fields.size() &&
        !row_.fields[id_].empty()) {
      record->id = std::move(row_.fields[id_]);
    }
    if (lang_ >= 0 && static_cast<std::size_t>(lang_) < row_.fields.size()) {
      record->lang = std::move(row_.fields[lang_]);
    }
    if (time_ >= 0 && static_cast<std::size_t>(time_) < row_.fields.size() &&
        !row_.fields[time_].empty()) {
      SetTimeFromString(row_.fields[time_], record);
    }
    return true;
  }

  std::uint64_t bytes_read() const override { return counting_.count(); }

 private:
  InputOptions options_;
  CountingBuf counting_;
  std::istream stream_;
  CsvReader csv_;
  CsvRecord row_;
  int text_ = -1;
  int id_ = -1;
  int lang_ = -1;
  int time_ = -1;
};

}  // namespace

std::string ReplaceInvalidUtf8(std::string_view bytes, bool* changed) {
  std::string out;
  out.reserve(bytes.size() + 8);
  *changed = false;
  const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
  const auto length = static_cast<std::int32_t>(bytes.size());
  std::int32_t i = 0;
  while (i < length) {
    std::int32_t start = i;
    UChar32 c;
    // U8_NEXT consumes one maximal invalid subpart at a time and returns a
    // negative value for it, as the normaliser's decoder does.
    U8_NEXT(data, i, length, c);
    if (c < 0) {
      out += "\xEF\xBF\xBD";
      *changed = true;
    } else {
      out.append(bytes.substr(start, i - start));
    }
  }
  return out;
}

Result<std::int64_t> ParseTimestamp(std::string_view text) {
  auto invalid = [&] {
    return InvalidArgumentError("invalid timestamp \"" + std::string(text.substr(0, 64)) + "\"");
  };
  std::size_t pos = 0;
  int year, month, day, hour = 0, minute = 0, second = 0;
  if (!ReadDigits(text, &pos, 4, &year) || !Expect(text, &pos, '-') ||
      !ReadDigits(text, &pos, 2, &month) || !Expect(text, &pos, '-') ||
      !ReadDigits(text, &pos, 2, &day)) {
    return invalid();
  }
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > kDays[month - 1]) {
    return invalid();
  }
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && day == 29 && !leap) return invalid();
  std::int64_t offset = 0;
  if (pos < text.size()) {
    if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') return invalid();
    ++pos;
    if (!ReadDigits(text, &pos, 2, &hour) || !Expect(text, &pos, ':') ||
        !ReadDigits(text, &pos, 2, &minute)) {
      return invalid();
    }
    if (pos < text.size() && text[pos] == ':') {
      ++pos;
      if (!ReadDigits(text, &pos, 2, &second)) return invalid();
      if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
        ++pos;
        std::size_t digits = 0;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos, ++digits;
        if (digits == 0) return invalid();
      }
    }
    // 60 admits a leap second; it is folded into the next minute.
    if (hour > 23 || minute > 59 || second > 60) return invalid();
    if (pos < text.size()) {
      char sign = text[pos];
      if (sign == 'Z' || sign == 'z') {
        ++pos;
      } else if (sign == '+' || sign == '-') {
        ++pos;
        int oh, om = 0;
        if (!ReadDigits(text, &pos, 2, &oh)) return invalid();
        if (pos < text.size()) {
          Expect(text, &pos, ':');
          if (!ReadDigits(text, &pos, 2, &om)) return invalid();
        }
        if (oh > 23 || om > 59) return invalid();
        offset = (sign == '+' ? 1 : -1) * (oh * 3600 + om * 60);
      } else {
        return invalid();
      }
    }
  }
  if (pos != text.size()) return invalid();
  std::int64_t seconds =
      DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset;
  if (seconds < 0 || seconds > kMaxTimestamp) return invalid();
  return seconds;
}

std::string FormatTimestamp(std::int64_t seconds) {
  if (seconds < 0) seconds = 0;
  std::int64_t days = seconds / 86400;
  std::int64_t rest = seconds % 86400;
  // civil_from_days, the inverse of DaysFromCivil.
  std::int64_t z = days + 719468;
  const std::int64_t era = z / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02uT%02d:%02d:%02dZ", static_cast<long long>(y), m,
                d, static_cast<int>(rest / 3600), static_cast<int>(rest / 60 % 60),
                static_cast<int>(rest % 60));
  return buf;
}

Result<InputFormat> ParseInputFormat(std::string_view name) {
  if (name == "jsonl" || name == "json") return InputFormat::kJsonl;
  if (name == "csv") return InputFormat::kCsv;
  if (name == "lines" || name == "text") return InputFormat::kLines;
  return InvalidArgumentError("unknown input format \"" + std::string(name) +
                              "\" (expected jsonl, csv or lines)");
}

void ParseJsonlRecord(std::string_view line, std::uint64_t line_number, const InputOptions& options,
                      InputRecord* record) {
  record->line = line_number;
  record->id = std::to_string(line_number);
  record->text.clear();
  record->lang.clear();
  record->error = OkStatus();
  record->repaired_utf8 = false;
  ResetTime(record);
  if (line.size() > options.max_record_bytes) {
    SetError(record, ResourceExhaustedError(LineError(line_number, "record too large")));
    return;
  }
  simdjson::dom::parser& parser = ThreadParser(options);
  thread_local std::string padded;
  padded.assign(line);
  padded.resize(line.size() + simdjson::SIMDJSON_PADDING);
  simdjson::dom::element doc;
  simdjson::error_code err = parser.parse(padded.data(), line.size(), false).get(doc);
  if (err == simdjson::UTF8_ERROR) {
    // Repair rather than drop the record: the text is scanned and flagged.
    bool changed = false;
    padded = ReplaceInvalidUtf8(line, &changed);
    std::size_t repaired_size = padded.size();
    padded.resize(repaired_size + simdjson::SIMDJSON_PADDING);
    record->repaired_utf8 = changed;
    if (repaired_size > options.max_record_bytes) {
      SetError(record, ResourceExhaustedError(LineError(line_number, "record too large")));
      return;
    }
    err = parser.parse(padded.data(), repaired_size, false).get(doc);
  }
  if (err) {
    std::string what = err == simdjson::DEPTH_ERROR
                           ? "JSON nested deeper than " + std::to_string(options.max_json_depth)
                           : std::string("malformed JSON: ") + simdjson::error_message(err);
    SetError(record, InvalidArgumentError(LineError(line_number, what)));
    return;
  }
  simdjson::dom::object object;
  if (doc.get_object().get(object)) {
    SetError(record, InvalidArgumentError(LineError(line_number, "not a JSON object")));
    return;
  }
  simdjson::dom::element id;
  if (!object["id"].get(id)) {
    std::string_view s;
    int64_t i;
    uint64_t u;
    if (!id.get_string().get(s)) {
      record->id.assign(s);
    } else if (!id.get_int64().get(i)) {
      record->id = std::to_string(i);
    } else if (!id.get_uint64().get(u)) {
      record->id = std::to_string(u);
    } else if (!id.is_null()) {
      SetError(record, InvalidArgumentError(
                           LineError(line_number, "\"id\" must be a string or an integer")));
      return;
    }
  }
  simdjson::dom::element text;
  if (object["text"].get(text)) {
    SetError(record, InvalidArgumentError(LineError(line_number, "missing \"text\"")));
    return;
  }
  std::string_view text_value;
  if (text.get_string().get(text_value)) {
    SetError(record, InvalidArgumentError(LineError(line_number, "\"text\" must be a string")));
    return;
  }
  record->text.assign(text_value);
  simdjson::dom::element lang;
  std::string_view lang_value;
  if (!object["lang"].get(lang) && !lang.get_string().get(lang_value)) {
    record->lang.assign(lang_value.substr(0, 16));
  }
  simdjson::dom::element time;
  bool has_time = false;
  if (!options.time_field.empty()) {
    has_time = !object[options.time_field].get(time);
  } else {
    for (std::string_view field : kDefaultTimeFields) {
      if (!object[field].get(time)) {
        has_time = true;
        break;
      }
    }
  }
  if (has_time) {
    std::string_view time_string;
    double time_number;
    if (!time.get_string().get(time_string)) {
      SetTimeFromString(time_string, record);
    } else if (!time.get_double().get(time_number)) {
      if (std::isfinite(time_number) && time_number >= 0 &&
          time_number <= static_cast<double>(kMaxTimestamp)) {
        record->time = static_cast<std::int64_t>(std::floor(time_number));
      } else {
        record->invalid_time = true;
      }
    } else if (!time.is_null()) {
      record->invalid_time = true;
    }
  }
}

Result<std::unique_ptr<RecordReader>> RecordReader::Create(std::istream& in, InputOptions options) {
  switch (options.format) {
    case InputFormat::kJsonl:
    case InputFormat::kLines:
      return std::unique_ptr<RecordReader>(
          std::make_unique<LineRecordReader>(in, std::move(options)));
    case InputFormat::kCsv: {
      auto reader = std::make_unique<CsvRecordReader>(in, std::move(options));
      MODERATO_RETURN_IF_ERROR(reader->ReadHeader());
      return std::unique_ptr<RecordReader>(std::move(reader));
    }
  }
  return InternalError("unknown input format");
}

}  // namespace moderato
