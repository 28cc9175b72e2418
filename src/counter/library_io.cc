// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/counter/library_io.h"

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <istream>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <span>
#include <streambuf>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "moderato/core/csv.h"
#include "moderato/core/json_depth.h"
#include "moderato/core/line_reader.h"

namespace moderato {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

// Passes at most `limit` bytes of `source` through and notes whether more
// were available, so that both readers share one byte budget.
class BudgetStreambuf : public std::streambuf {
 public:
  BudgetStreambuf(std::streambuf* source, std::uint64_t limit)
      : source_(source), remaining_(limit) {}

  bool exceeded() const { return exceeded_; }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    if (source_ == nullptr) return traits_type::eof();
    if (remaining_ == 0) {
      if (!traits_type::eq_int_type(source_->sgetc(), traits_type::eof())) exceeded_ = true;
      return traits_type::eof();
    }
    const auto want = static_cast<std::streamsize>(
        std::min<std::uint64_t>(remaining_, static_cast<std::uint64_t>(sizeof(buffer_))));
    const std::streamsize got = source_->sgetn(buffer_, want);
    if (got <= 0) return traits_type::eof();
    remaining_ -= static_cast<std::uint64_t>(got);
    setg(buffer_, buffer_, buffer_ + got);
    return traits_type::to_int_type(*gptr());
  }

 private:
  std::streambuf* source_;
  std::uint64_t remaining_;
  bool exceeded_ = false;
  char buffer_[8192];
};

// Collects errors up to the budget.
void AddError(CounterReadResult& result, const CounterIoOptions& options, std::uint64_t line,
              std::string message) {
  ++result.error_count;
  if (result.errors.size() < options.max_errors) {
    result.errors.push_back(CounterReadError{line, std::move(message)});
  }
}

// Field readers: each returns "" or an error naming the field.
std::string GetString(const Json& value, std::string_view field, std::string* out) {
  if (!value.is_string()) return std::string(field) + ": expected a string";
  *out = value.get_ref<const std::string&>();
  return "";
}

std::string GetBool(const Json& value, std::string_view field, bool* out) {
  if (!value.is_boolean()) return std::string(field) + ": expected true or false";
  *out = value.get<bool>();
  return "";
}

std::string GetInt(const Json& value, std::string_view field, std::int64_t* out) {
  if (value.is_number_integer() && !value.is_number_unsigned()) {
    *out = value.get<std::int64_t>();
  } else if (value.is_number_unsigned() &&
             value.get<std::uint64_t>() <=
                 static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    *out = static_cast<std::int64_t>(value.get<std::uint64_t>());
  } else {
    return std::string(field) + ": expected an integer";
  }
  if (*out < 0) return std::string(field) + ": must not be negative";
  return "";
}

std::string GetStringList(const Json& value, std::string_view field,
                          std::vector<std::string>* out) {
  if (!value.is_array()) return std::string(field) + ": expected an array of strings";
  out->clear();
  for (const Json& element : value) {
    if (!element.is_string()) return std::string(field) + ": expected an array of strings";
    out->push_back(element.get_ref<const std::string&>());
  }
  return "";
}

std::string GetMessenger(const Json& value, Messenger* out) {
  if (!value.is_object()) return "messenger: expected an object";
  bool has_name = false;
  bool has_kind = false;
  for (const auto& [key, field] : value.items()) {
    std::string error;
    if (key == "name") {
      error = GetString(field, "messenger.name", &out->name);
      has_name = true;
    } else if (key == "kind") {
      error = GetString(field, "messenger.kind", &out->kind);
      has_kind = true;
    } else if (key == "verified") {
      error = GetBool(field, "messenger.verified", &out->verified);
    } else if (key == "endorsements") {
      error = GetStringList(field, "messenger.endorsements", &out->endorsements);
    } else {
      error = "messenger: unknown field '" + key.substr(0, 64) + "'";
    }
    if (!error.empty()) return error;
  }
  if (!has_name) return "messenger.name: missing";
  if (!has_kind) return "messenger.kind: missing";
  return "";
}

std::string GetSources(const Json& value, std::vector<SourceRef>* out) {
  if (!value.is_array()) return "sources: expected an array of {claim, source} objects";
  out->clear();
  for (const Json& element : value) {
    if (!element.is_object() || element.size() != 2 || !element.contains("claim") ||
        !element.contains("source")) {
      return "sources: expected an array of {claim, source} objects";
    }
    SourceRef ref;
    std::string error = GetString(element["claim"], "sources.claim", &ref.claim);
    if (error.empty()) error = GetString(element["source"], "sources.source", &ref.source);
    if (!error.empty()) return error;
    out->push_back(std::move(ref));
  }
  return "";
}

// Fills `item` from a parsed JSON object. Returns "" or the first problem.
std::string ItemFromJson(const Json& json, CounterItem* item) {
  if (!json.is_object()) return "expected a JSON object";
  constexpr std::string_view kRequired[] = {"id",     "language", "title",    "body",
                                            "themes", "strategy", "audience", "messenger"};
  for (std::string_view key : kRequired) {
    if (!json.contains(key)) return std::string(key) + ": missing";
  }
  for (const auto& [key, value] : json.items()) {
    std::string error;
    if (key == "id") {
      error = GetString(value, key, &item->id);
    } else if (key == "language") {
      error = GetString(value, key, &item->language);
    } else if (key == "title") {
      error = GetString(value, key, &item->title);
    } else if (key == "body") {
      error = GetString(value, key, &item->body);
    } else if (key == "link") {
      if (value.is_null()) {
        item->link.clear();
      } else {
        error = GetString(value, key, &item->link);
        if (error.empty() && item->link.empty()) error = "link: use null for no link";
      }
    } else if (key == "format") {
      error = GetString(value, key, &item->format);
    } else if (key == "themes") {
      error = GetStringList(value, key, &item->themes);
    } else if (key == "strategy") {
      error = GetString(value, key, &item->strategy);
    } else if (key == "audience") {
      error = GetStringList(value, key, &item->audience);
    } else if (key == "messenger") {
      error = GetMessenger(value, &item->messenger);
    } else if (key == "licence") {
      error = GetString(value, key, &item->licence);
    } else if (key == "status") {
      error = GetString(value, key, &item->status);
    } else if (key == "starter") {
      error = GetBool(value, key, &item->starter);
    } else if (key == "sources") {
      error = GetSources(value, &item->sources);
    } else if (key == "owner") {
      error = GetString(value, key, &item->owner);
    } else if (key == "version") {
      error = GetInt(value, key, &item->version);
    } else if (key == "updated_at") {
      error = GetInt(value, key, &item->updated_at);
    } else if (key == "updated_by") {
      error = GetString(value, key, &item->updated_by);
    } else if (key == "approved_at") {
      error = GetInt(value, key, &item->approved_at);
    } else if (key == "approved_by") {
      error = GetString(value, key, &item->approved_by);
    } else {
      error = "unknown field '" + key.substr(0, 64) + "'";
    }
    if (!error.empty()) return error;
  }
  return "";
}

// Validates a parsed item and checks its id is new; "" or the problem.
std::string Accept(const CounterItem& item, std::unordered_set<std::string>& ids) {
  if (std::string error = ValidateCounterItem(item); !error.empty()) return error;
  if (!ids.insert(item.id).second) return "id: '" + item.id + "' appears twice";
  return "";
}

Status BudgetStatus(const BudgetStreambuf& budget, const CounterIoOptions& options) {
  if (budget.exceeded()) {
    return ResourceExhaustedError("counter library: input larger than " +
                                  std::to_string(options.max_bytes) + " bytes");
  }
  return OkStatus();
}

Status TooManyItems(const CounterIoOptions& options) {
  return ResourceExhaustedError("counter library: more than " + std::to_string(options.max_items) +
                                " records");
}

// The CSV columns, in the order export writes them.
constexpr std::string_view kCsvColumns[] = {
    "id",           "language",       "title",          "body",
    "link",         "format",         "themes",         "strategy",
    "audience",     "messenger_name", "messenger_kind", "messenger_verified",
    "endorsements", "licence",        "status",         "starter",
    "sources",      "owner",          "version",        "updated_at",
    "updated_by",   "approved_at",    "approved_by"};
constexpr std::size_t kCsvColumnCount = std::size(kCsvColumns);
constexpr std::string_view kCsvRequired[] = {"id",       "language",       "title",
                                             "body",     "themes",         "strategy",
                                             "audience", "messenger_name", "messenger_kind"};

// List cells: elements separated by ';', pairs by '|'; '\' escapes ';', '|'
// and '\' inside an element.
std::string EscapeElement(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\' || c == ';' || c == '|') out += '\\';
    out += c;
  }
  return out;
}

std::string JoinList(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ';';
    out += EscapeElement(items[i]);
  }
  return out;
}

// Splits `cell` at unescaped `separator`, keeping escapes for a later split
// when `unescape` is false. Returns false on a dangling '\'.
bool SplitEscaped(std::string_view cell, char separator, bool unescape,
                  std::vector<std::string>* out) {
  out->clear();
  if (cell.empty()) return true;
  std::string current;
  for (std::size_t i = 0; i < cell.size(); ++i) {
    const char c = cell[i];
    if (c == '\\') {
      if (i + 1 == cell.size()) return false;
      if (!unescape) current += c;
      current += cell[++i];
    } else if (c == separator) {
      out->push_back(std::move(current));
      current.clear();
    } else {
      current += c;
    }
  }
  out->push_back(std::move(current));
  return true;
}

std::string ParseCsvList(std::string_view cell, std::string_view field,
                         std::vector<std::string>* out) {
  if (!SplitEscaped(cell, ';', true, out)) return std::string(field) + ": dangling '\\'";
  return "";
}

std::string ParseCsvSources(std::string_view cell, std::vector<SourceRef>* out) {
  std::vector<std::string> pairs;
  if (!SplitEscaped(cell, ';', false, &pairs)) return "sources: dangling '\\'";
  out->clear();
  std::vector<std::string> parts;
  for (const std::string& pair : pairs) {
    if (!SplitEscaped(pair, '|', true, &parts) || parts.size() != 2) {
      return "sources: expected claim|source pairs separated by ';'";
    }
    out->push_back(SourceRef{std::move(parts[0]), std::move(parts[1])});
  }
  return "";
}

std::string ParseCsvBool(std::string_view cell, std::string_view field, bool* out) {
  if (cell == "true") {
    *out = true;
  } else if (cell == "false" || cell.empty()) {
    *out = false;
  } else {
    return std::string(field) + ": expected true or false";
  }
  return "";
}

std::string ParseCsvInt(std::string_view cell, std::string_view field, std::int64_t* out) {
  if (cell.empty()) {
    *out = 0;
    return "";
  }
  const auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), *out);
  if (ec != std::errc() || end != cell.data() + cell.size() || *out < 0) {
    return std::string(field) + ": expected a non-negative integer";
  }
  return "";
}

// Fills `item` from CSV cells; `columns[i]` is the kCsvColumns index of
// cell i. Returns "" or the first problem.
std::string ItemFromCsv(const std::vector<std::string>& cells, const std::vector<int>& columns,
                        CounterItem* item) {
  if (cells.size() != columns.size()) {
    return std::to_string(cells.size()) + " fields, the header has " +
           std::to_string(columns.size());
  }
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const std::string& cell = cells[i];
    const std::string_view name = kCsvColumns[columns[i]];
    std::string error;
    switch (columns[i]) {
      case 0:
        item->id = cell;
        break;
      case 1:
        item->language = cell;
        break;
      case 2:
        item->title = cell;
        break;
      case 3:
        item->body = cell;
        break;
      case 4:
        item->link = cell;
        break;
      case 5:
        item->format = cell;
        break;
      case 6:
        error = ParseCsvList(cell, name, &item->themes);
        break;
      case 7:
        item->strategy = cell;
        break;
      case 8:
        error = ParseCsvList(cell, name, &item->audience);
        break;
      case 9:
        item->messenger.name = cell;
        break;
      case 10:
        item->messenger.kind = cell;
        break;
      case 11:
        error = ParseCsvBool(cell, name, &item->messenger.verified);
        break;
      case 12:
        error = ParseCsvList(cell, name, &item->messenger.endorsements);
        break;
      case 13:
        item->licence = cell;
        break;
      case 14:
        item->status = cell;
        break;
      case 15:
        error = ParseCsvBool(cell, name, &item->starter);
        break;
      case 16:
        error = ParseCsvSources(cell, &item->sources);
        break;
      case 17:
        item->owner = cell;
        break;
      case 18:
        error = ParseCsvInt(cell, name, &item->version);
        break;
      case 19:
        error = ParseCsvInt(cell, name, &item->updated_at);
        break;
      case 20:
        item->updated_by = cell;
        break;
      case 21:
        error = ParseCsvInt(cell, name, &item->approved_at);
        break;
      case 22:
        item->approved_by = cell;
        break;
      default:
        error = "internal: bad column";
        break;
    }
    if (!error.empty()) return error;
  }
  return "";
}

}  // namespace

Result<CounterFileFormat> ParseCounterFileFormat(std::string_view name) {
  if (name == "jsonl") return CounterFileFormat::kJsonl;
  if (name == "csv") return CounterFileFormat::kCsv;
  return InvalidArgumentError("unknown counter library format '" + std::string(name) +
                              "' (use jsonl or csv)");
}

Result<CounterReadResult> ReadCounterJsonl(std::istream& in, const CounterIoOptions& options) {
  BudgetStreambuf budget(in.rdbuf(), options.max_bytes);
  std::istream limited(&budget);
  LineReader reader(limited, options.max_line_bytes);
  CounterReadResult result;
  std::unordered_set<std::string> ids;
  std::size_t records = 0;
  for (;;) {
    std::string_view line;
    Result<bool> more = reader.Next(&line);
    if (!more.ok()) {
      if (more.status().code() != StatusCode::kResourceExhausted) return more.status();
      MODERATO_RETURN_IF_ERROR(BudgetStatus(budget, options));
      if (++records > options.max_items) return TooManyItems(options);
      AddError(result, options, reader.line_number(),
               "line longer than " + std::to_string(options.max_line_bytes) + " bytes");
      continue;
    }
    if (!*more) break;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    if (++records > options.max_items) return TooManyItems(options);
    const std::uint64_t line_number = reader.line_number();
    if (static_cast<std::size_t>(internal::JsonNestingDepth(line)) > options.max_json_depth) {
      AddError(result, options, line_number,
               "JSON nested deeper than " + std::to_string(options.max_json_depth));
      continue;
    }
    Json json;
    try {
      json = Json::parse(line);
    } catch (const Json::exception& e) {
      AddError(result, options, line_number, std::string("malformed JSON: ") + e.what());
      continue;
    }
    CounterItem item;
    std::string error = ItemFromJson(json, &item);
    if (error.empty()) error = Accept(item, ids);
    if (!error.empty()) {
      AddError(result, options, line_number, std::move(error));
      continue;
    }
    result.items.push_back(std::move(item));
  }
  MODERATO_RETURN_IF_ERROR(BudgetStatus(budget, options));
  if (in.bad()) return UnavailableError("counter library: read error");
  return result;
}

Result<CounterReadResult> ReadCounterCsv(std::istream& in, const CounterIoOptions& options) {
  BudgetStreambuf budget(in.rdbuf(), options.max_bytes);
  std::istream limited(&budget);
  CsvOptions csv_options;
  csv_options.max_record_bytes = options.max_line_bytes;
  csv_options.max_fields = 64;
  CsvReader reader(limited, csv_options);
  CounterReadResult result;
  std::unordered_set<std::string> ids;
  std::vector<int> columns;
  CsvRecord record;
  std::size_t records = 0;
  for (;;) {
    Result<bool> more = reader.Next(&record);
    MODERATO_RETURN_IF_ERROR(BudgetStatus(budget, options));
    if (!more.ok()) {
      if (columns.empty()) return more.status().WithContext("counter CSV header");
      if (++records > options.max_items) return TooManyItems(options);
      AddError(result, options, reader.line() - 1, more.status().message());
      continue;
    }
    if (!*more) break;
    if (columns.empty()) {
      for (const std::string& name : record.fields) {
        const auto* it = std::find(std::begin(kCsvColumns), std::end(kCsvColumns), name);
        if (it == std::end(kCsvColumns)) {
          return InvalidArgumentError("counter CSV header: unknown column '" + name.substr(0, 64) +
                                      "'");
        }
        const int index = static_cast<int>(it - std::begin(kCsvColumns));
        if (std::find(columns.begin(), columns.end(), index) != columns.end()) {
          return InvalidArgumentError("counter CSV header: column '" + name + "' twice");
        }
        columns.push_back(index);
      }
      for (std::string_view name : kCsvRequired) {
        if (std::find(record.fields.begin(), record.fields.end(), name) == record.fields.end()) {
          return InvalidArgumentError("counter CSV header: missing column '" + std::string(name) +
                                      "'");
        }
      }
      continue;
    }
    if (++records > options.max_items) return TooManyItems(options);
    CounterItem item;
    std::string error = ItemFromCsv(record.fields, columns, &item);
    if (error.empty()) error = Accept(item, ids);
    if (!error.empty()) {
      AddError(result, options, record.line, std::move(error));
      continue;
    }
    result.items.push_back(std::move(item));
  }
  if (columns.empty()) return InvalidArgumentError("counter CSV: no header row");
  if (in.bad()) return UnavailableError("counter library: read error");
  return result;
}

Result<CounterReadResult> ReadCounterLibrary(std::istream& in, CounterFileFormat format,
                                             const CounterIoOptions& options) {
  return format == CounterFileFormat::kCsv ? ReadCounterCsv(in, options)
                                           : ReadCounterJsonl(in, options);
}

std::string CounterItemToJson(const CounterItem& item, bool with_store_fields) {
  OrderedJson json;
  json["id"] = item.id;
  json["language"] = item.language;
  json["title"] = item.title;
  json["body"] = item.body;
  json["link"] = item.link.empty() ? OrderedJson(nullptr) : OrderedJson(item.link);
  json["format"] = item.format;
  json["themes"] = item.themes;
  json["strategy"] = item.strategy;
  json["audience"] = item.audience;
  OrderedJson messenger;
  messenger["name"] = item.messenger.name;
  messenger["kind"] = item.messenger.kind;
  messenger["verified"] = item.messenger.verified;
  messenger["endorsements"] = item.messenger.endorsements;
  json["messenger"] = std::move(messenger);
  json["licence"] = item.licence;
  json["status"] = item.status;
  json["starter"] = item.starter;
  OrderedJson sources = OrderedJson::array();
  for (const SourceRef& source : item.sources) {
    OrderedJson pair;
    pair["claim"] = source.claim;
    pair["source"] = source.source;
    sources.push_back(std::move(pair));
  }
  json["sources"] = std::move(sources);
  if (!item.owner.empty()) json["owner"] = item.owner;
  if (with_store_fields && item.version > 0) {
    json["version"] = item.version;
    json["updated_at"] = item.updated_at;
    json["updated_by"] = item.updated_by;
    json["approved_at"] = item.approved_at;
    json["approved_by"] = item.approved_by;
  }
  // Items are valid UTF-8 once validated; replace keeps dump() from throwing
  // on an unvalidated one.
  return json.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
}

std::string CounterCsvHeader() {
  std::string out;
  for (std::size_t i = 0; i < kCsvColumnCount; ++i) {
    if (i > 0) out += ',';
    out += kCsvColumns[i];
  }
  return out;
}

std::string CounterItemToCsv(const CounterItem& item) {
  std::vector<std::string> sources;
  sources.reserve(item.sources.size());
  for (const SourceRef& source : item.sources) {
    sources.push_back(EscapeElement(source.claim) + "|" + EscapeElement(source.source));
  }
  std::string joined_sources;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    if (i > 0) joined_sources += ';';
    joined_sources += sources[i];
  }
  const bool stored = item.version > 0;
  const std::string cells[] = {item.id,
                               item.language,
                               item.title,
                               item.body,
                               item.link,
                               item.format,
                               JoinList(item.themes),
                               item.strategy,
                               JoinList(item.audience),
                               item.messenger.name,
                               item.messenger.kind,
                               item.messenger.verified ? "true" : "false",
                               JoinList(item.messenger.endorsements),
                               item.licence,
                               item.status,
                               item.starter ? "true" : "false",
                               joined_sources,
                               item.owner,
                               stored ? std::to_string(item.version) : "",
                               stored ? std::to_string(item.updated_at) : "",
                               stored ? item.updated_by : "",
                               stored ? std::to_string(item.approved_at) : "",
                               stored ? item.approved_by : ""};
  static_assert(std::size(cells) == kCsvColumnCount);
  std::string out;
  for (std::size_t i = 0; i < kCsvColumnCount; ++i) {
    if (i > 0) out += ',';
    out += CsvEscape(cells[i]);
  }
  return out;
}

Status WriteCounterItems(std::span<const CounterItem> items, CounterFileFormat format,
                         bool with_store_fields, std::ostream& out) {
  if (format == CounterFileFormat::kCsv) out << CounterCsvHeader() << '\n';
  for (const CounterItem& item : items) {
    if (format == CounterFileFormat::kCsv) {
      CounterItem copy = item;
      if (!with_store_fields) {
        copy.version = copy.updated_at = copy.approved_at = 0;
        copy.updated_by.clear();
        copy.approved_by.clear();
      }
      out << CounterItemToCsv(copy) << '\n';
    } else {
      out << CounterItemToJson(item, with_store_fields) << '\n';
    }
  }
  if (!out) return UnavailableError("counter library: write failed");
  return OkStatus();
}

Result<CounterImportResult> ImportCounterLibrary(std::istream& in, CounterFileFormat format,
                                                 CounterStore& store, std::string_view editor,
                                                 bool keep_status,
                                                 const CounterIoOptions& options) {
  MODERATO_ASSIGN_OR_RETURN(CounterReadResult read, ReadCounterLibrary(in, format, options));
  if (read.error_count > 0) {
    std::string message = std::to_string(read.error_count) + " bad record(s), nothing imported";
    const std::size_t shown = std::min<std::size_t>(read.errors.size(), 5);
    for (std::size_t i = 0; i < shown; ++i) {
      message += "; line " + std::to_string(read.errors[i].line) + ": " + read.errors[i].message;
    }
    return InvalidArgumentError(std::move(message));
  }
  return store.ImportItems(read.items, editor, keep_status);
}

Status ExportCounterLibrary(CounterStore& store, const CounterFilter& filter,
                            CounterFileFormat format, std::ostream& out) {
  if (format == CounterFileFormat::kCsv) out << CounterCsvHeader() << '\n';
  MODERATO_RETURN_IF_ERROR(store.ForEachItem(filter, [&](const CounterItem& item) {
    if (format == CounterFileFormat::kCsv) {
      out << CounterItemToCsv(item) << '\n';
    } else {
      out << CounterItemToJson(item, true) << '\n';
    }
    return static_cast<bool>(out);
  }));
  if (!out) return UnavailableError("counter library: write failed");
  return OkStatus();
}

}  // namespace moderato
