// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/scan/input.h"

#include <charconv>
#include <cstring>
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
  record->error = std::move(status);
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
