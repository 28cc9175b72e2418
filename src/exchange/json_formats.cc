// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// The JSON formats: HMA-style bank JSON, TCAP hash-list entries (page, array,
// JSON Lines) and StopNCII pages. Input goes through simdjson's DOM with
// error codes (never exceptions); output is built per record with
// nlohmann::ordered_json and streamed.

#include <charconv>
#include <istream>
#include <limits>
#include <ostream>

#include "exchange/internal.h"
#include "moderato/core/line_reader.h"
#include "nlohmann/json.hpp"
#include "simdjson.h"

namespace moderato::internal {
namespace {

namespace dom = simdjson::dom;
using Json = nlohmann::ordered_json;

constexpr std::int64_t kMaxTimestamp = 253402300799;  // 9999-12-31T23:59:59Z

std::string Dump(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Status ReadAll(std::istream& in, std::string* out) {
  char chunk[64 * 1024];
  while (true) {
    in.read(chunk, sizeof chunk);
    std::streamsize n = in.gcount();
    if (n > 0) out->append(chunk, static_cast<std::size_t>(n));
    if (!in) break;
  }
  if (in.bad()) return UnavailableError("reading the import input failed");
  return OkStatus();
}

bool IsBlank(std::string_view text) { return TrimAscii(text).empty(); }

// Parses `*text` (padding is appended to it) as one JSON document.
Result<dom::element> ParseJson(dom::parser& parser, std::string* text, std::size_t max_depth) {
  const std::size_t length = text->size();
  text->append(simdjson::SIMDJSON_PADDING, '\0');
  const std::size_t depth = std::max<std::size_t>(max_depth, 1);
  // Reused parsers (JSON Lines) keep their buffers while records fit.
  if ((parser.capacity() < length || parser.max_depth() != depth) &&
      parser.allocate(std::max<std::size_t>(length, 1), depth) != simdjson::SUCCESS) {
    return ResourceExhaustedError("cannot allocate a JSON parser for " + std::to_string(length) +
                                  " bytes");
  }
  dom::element root;
  simdjson::error_code error = parser.parse(text->data(), length, false).get(root);
  if (error == simdjson::DEPTH_ERROR) {
    return ResourceExhaustedError("JSON nested deeper than " + std::to_string(max_depth) +
                                  " levels (max_json_depth)");
  }
  if (error != simdjson::SUCCESS) {
    return InvalidArgumentError(std::string("malformed JSON: ") + simdjson::error_message(error));
  }
  return root;
}

// Typed access to an object's members. A missing or null member is absent;
// a member of the wrong type records an error (the first one is kept).
class Fields {
 public:
  explicit Fields(dom::object object) : object_(object) {}

  bool Find(std::string_view key, dom::element* out) {
    if (object_.at_key(key).get(*out) != simdjson::SUCCESS) return false;
    return !out->is_null();
  }
  bool String(std::string_view key, std::string_view* out) {
    dom::element e;
    if (!Find(key, &e)) return false;
    if (e.get_string().get(*out) != simdjson::SUCCESS) return Fail(key, "must be a string");
    return true;
  }
  bool Int(std::string_view key, std::int64_t* out) {
    dom::element e;
    if (!Find(key, &e)) return false;
    if (e.is_int64()) return e.get_int64().get(*out) == simdjson::SUCCESS;
    if (e.is_uint64()) return Fail(key, "is out of range");
    return Fail(key, "must be an integer");
  }
  bool Bool(std::string_view key, bool* out) {
    dom::element e;
    if (!Find(key, &e)) return false;
    if (e.get_bool().get(*out) != simdjson::SUCCESS) return Fail(key, "must be true or false");
    return true;
  }
  bool Number(std::string_view key, double* out) {
    dom::element e;
    if (!Find(key, &e)) return false;
    if (!e.is_number()) return Fail(key, "must be a number");
    if (e.is_double()) return e.get_double().get(*out) == simdjson::SUCCESS;
    std::int64_t i = 0;
    std::uint64_t u = 0;
    if (e.get_int64().get(i) == simdjson::SUCCESS) {
      *out = static_cast<double>(i);
    } else if (e.get_uint64().get(u) == simdjson::SUCCESS) {
      *out = static_cast<double>(u);
    }
    return true;
  }
  bool Object(std::string_view key, dom::object* out) {
    dom::element e;
    if (!Find(key, &e)) return false;
    if (e.get_object().get(*out) != simdjson::SUCCESS) return Fail(key, "must be an object");
    return true;
  }
  bool Array(std::string_view key, dom::array* out) {
    dom::element e;
    if (!Find(key, &e)) return false;
    if (e.get_array().get(*out) != simdjson::SUCCESS) return Fail(key, "must be an array");
    return true;
  }
  // An array of strings.
  bool Strings(std::string_view key, std::vector<std::string>* out) {
    dom::array array;
    if (!Array(key, &array)) return false;
    for (dom::element item : array) {
      std::string_view s;
      if (item.get_string().get(s) != simdjson::SUCCESS) {
        return Fail(key, "must be an array of strings");
      }
      out->emplace_back(s);
    }
    return true;
  }
  // Unix seconds as an integer, or an ISO-8601 string (or digits in a string).
  bool Timestamp(std::string_view key, std::int64_t* out) {
    dom::element e;
    if (!Find(key, &e)) return false;
    std::string_view text;
    if (e.get_string().get(text) == simdjson::SUCCESS) {
      Result<std::int64_t> t = ParseTimestampText(text);
      if (!t.ok()) return Fail(key, t.status().message());
      *out = *t;
      return true;
    }
    std::int64_t seconds = 0;
    if (!e.is_int64() || e.get_int64().get(seconds) != simdjson::SUCCESS || seconds < 0 ||
        seconds > kMaxTimestamp) {
      return Fail(key, "must be Unix seconds (0..253402300799) or an ISO-8601 string");
    }
    *out = seconds;
    return true;
  }
  // A string, or an integer written in decimal.
  bool Id(std::string_view key, std::string* out) {
    dom::element e;
    if (!Find(key, &e)) return false;
    std::string_view s;
    std::int64_t i = 0;
    std::uint64_t u = 0;
    if (e.get_string().get(s) == simdjson::SUCCESS) {
      *out = std::string(s);
    } else if (e.get_int64().get(i) == simdjson::SUCCESS) {
      *out = std::to_string(i);
    } else if (e.get_uint64().get(u) == simdjson::SUCCESS) {
      *out = std::to_string(u);
    } else {
      return Fail(key, "must be a string or an integer");
    }
    return true;
  }

  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }

 private:
  bool Fail(std::string_view key, std::string_view what) {
    if (error_.empty()) error_ = "'" + std::string(key) + "' " + std::string(what);
    return false;
  }

  dom::object object_;
  std::string error_;
};

// Where a record sits, for error messages.
struct Position {
  std::uint64_t line = 0;
  std::uint64_t record = 0;
};

// ---------------------------------------------------------------- hma-json

void ReadBankHeader(Fields& f, BatchBuilder& builder, ImportBatch* batch) {
  Bank bank;
  std::string_view s;
  if (f.String("name", &s)) bank.name = std::string(s);
  if (f.String("description", &s)) bank.description = std::string(s);
  double ratio = 1.0;
  if (f.Number("matching_enabled_ratio", &ratio)) bank.enabled = ratio > 0;
  f.Bool("enabled", &bank.enabled);
  f.Bool("suppression", &bank.suppression);
  std::int64_t n = 0;
  if (f.Int("pdq_threshold", &n)) {
    bank.pdq_threshold = static_cast<int>(std::clamp<std::int64_t>(n, -1, 1000));
  }
  if (f.Int("pdq_quality_min", &n)) {
    bank.pdq_quality_min = static_cast<int>(std::clamp<std::int64_t>(n, -1, 1000));
  }
  if (f.failed()) {
    builder.Error(0, 0, "bank: " + f.error());
    return;
  }
  Bank check = bank;
  if (check.name.empty()) check.name = "bank";
  if (std::string error = ValidateBank(check); !error.empty()) {
    builder.Error(0, 0, "bank: " + error);
    return;
  }
  if (bank.pdq_quality_min < 0 || bank.pdq_quality_min > 100) {
    builder.Error(0, 0, "bank: pdq_quality_min must be 0..100");
    return;
  }
  batch->bank = std::move(bank);
}

void ReadHmaContent(dom::element element, Position at, BatchBuilder& builder) {
  dom::object object;
  if (element.get_object().get(object) != simdjson::SUCCESS) {
    builder.Error(at.line, at.record, "content must be a JSON object");
    return;
  }
  Fields f(object);
  Signal base;
  std::string_view s;
  dom::object signals;
  bool has_signals = f.Object("signals", &signals);
  std::int64_t disable_until = 0;
  if (f.Int("disable_until_ts", &disable_until)) base.enabled = disable_until == 0;
  f.Bool("enabled", &base.enabled);
  if (f.String("organisation", &s)) base.labels.organisation = std::string(s);
  f.Strings("behaviours", &base.labels.behaviours);
  f.Strings("tags", &base.labels.tags);
  if (f.String("source", &s)) base.source = std::string(s);
  f.Id("external_id", &base.external_id);
  std::int64_t quality = -1;
  if (f.Int("quality", &quality))
    base.quality = static_cast<int>(std::clamp<std::int64_t>(quality, -2, 1000));
  f.Timestamp("added_at", &base.added_at);
  std::string ignored;
  f.Id("id", &ignored);
  f.String("note", &s);
  f.String("original_content_uri", &s);
  if (f.failed()) {
    builder.Error(at.line, at.record, f.error());
    return;
  }
  if (!has_signals) {
    builder.Error(at.line, at.record, "content has no 'signals' object");
    return;
  }
  if (std::string error = NormaliseSignalFields(&base); !error.empty()) {
    builder.Error(at.line, at.record, error);
    return;
  }
  std::vector<Signal> out;
  for (dom::key_value_pair field : signals) {
    TypeName resolved = ResolveTypeName(field.key);
    if (resolved.kind == TypeName::Kind::kUnsupported) {
      builder.SkipUnsupported(ToLowerAscii(field.key));
      continue;
    }
    if (resolved.kind == TypeName::Kind::kUnknown) {
      builder.Error(at.line, at.record, "unknown signal type " + Quote(field.key));
      return;
    }
    std::string_view value;
    if (field.value.get_string().get(value) != simdjson::SUCCESS) {
      builder.Error(at.line, at.record, "signal " + Quote(field.key) + " must have a string value");
      return;
    }
    Result<std::string> canonical = CanonicalSignalValue(resolved.type, value);
    if (!canonical.ok()) {
      builder.Error(at.line, at.record, canonical.status().message());
      return;
    }
    Signal signal = base;
    signal.type = resolved.type;
    signal.value = *std::move(canonical);
    if (signal.type != SignalType::kPdq) signal.quality = -1;
    out.push_back(std::move(signal));
  }
  for (Signal& signal : out) builder.Add(std::move(signal));
}

// -------------------------------------------------------------------- tat

void ReadTatEntry(dom::element element, Position at, BatchBuilder& builder) {
  dom::object object;
  if (element.get_object().get(object) != simdjson::SUCCESS) {
    builder.Error(at.line, at.record, "entry must be a JSON object");
    return;
  }
  Fields f(object);
  std::string_view digest, algorithm, ideology, file_type;
  bool has_digest = f.String("hash_digest", &digest);
  bool has_algorithm = f.String("algorithm", &algorithm);
  f.String("ideology", &ideology);
  f.String("file_type", &file_type);
  bool deleted = false;
  f.Bool("deleted", &deleted);
  Signal signal;
  f.Id("id", &signal.external_id);
  f.Timestamp("created_on", &signal.added_at);
  std::int64_t updated_on = 0;
  f.Timestamp("updated_on", &updated_on);
  if (f.failed()) {
    builder.Error(at.line, at.record, f.error());
    return;
  }
  if (!has_digest || !has_algorithm) {
    builder.Error(at.line, at.record,
                  !has_digest ? "entry has no 'hash_digest'" : "entry has no 'algorithm'");
    return;
  }
  std::string upper = ToLowerAscii(TrimAscii(algorithm));
  for (char& c : upper) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  if (upper == "MD5") {
    signal.type = SignalType::kMd5;
  } else if (upper == "SHA256" || upper == "SHA-256") {
    signal.type = SignalType::kSha256;
  } else if (upper == "PDQ") {
    signal.type = SignalType::kPdq;
  } else if (upper == "SHA512" || upper == "SHA-512" || upper == "SHA1" || upper == "SHA-1") {
    builder.SkipUnsupported(upper);
    return;
  } else {
    builder.Error(at.line, at.record, "unknown algorithm " + Quote(algorithm));
    return;
  }
  Result<std::string> value = CanonicalSignalValue(signal.type, digest);
  if (!value.ok()) {
    builder.Error(at.line, at.record, value.status().message());
    return;
  }
  if (deleted) {
    builder.Remove(signal.type, *std::move(value));
    return;
  }
  signal.value = *std::move(value);
  if (std::string_view i = TrimAscii(ideology); !i.empty()) {
    signal.labels.tags.push_back("ideology:" + ToLowerAscii(i));
  }
  if (std::string_view t = TrimAscii(file_type); !t.empty()) {
    signal.labels.tags.push_back("file_type:" + ToLowerAscii(t));
  }
  if (std::string error = NormaliseSignalFields(&signal); !error.empty()) {
    builder.Error(at.line, at.record, error);
    return;
  }
  builder.Add(std::move(signal));
}

// A TCAP page, an array of entries or one entry. Fails with
// kInvalidArgument when `root` is none of these.
Status ReadTatValue(dom::element root, std::uint64_t line, BatchBuilder& builder) {
  dom::array entries;
  if (root.get_array().get(entries) != simdjson::SUCCESS) {
    dom::object object;
    if (root.get_object().get(object) != simdjson::SUCCESS) {
      return InvalidArgumentError("expected a TCAP page, an entry or an array of entries");
    }
    Fields f(object);
    if (!f.Array("results", &entries)) {
      if (f.failed()) return InvalidArgumentError("TCAP page: " + f.error());
      MODERATO_RETURN_IF_ERROR(builder.CountRecord());
      ReadTatEntry(root, {.line = line, .record = 0}, builder);
      return OkStatus();
    }
  }
  std::uint64_t index = 0;
  for (dom::element entry : entries) {
    if (builder.stopped()) break;
    MODERATO_RETURN_IF_ERROR(builder.CountRecord());
    ReadTatEntry(entry, {.line = line, .record = ++index}, builder);
  }
  return OkStatus();
}

// --------------------------------------------------------------- stopncii

void ReadStopNciiRecord(dom::element element, Position at, BatchBuilder& builder) {
  dom::object object;
  if (element.get_object().get(object) != simdjson::SUCCESS) {
    builder.Error(at.line, at.record, "hash record must be a JSON object");
    return;
  }
  Fields f(object);
  std::string_view signal_type, hash_value, hash_status = "Active";
  bool has_type = f.String("signalType", &signal_type);
  bool has_value = f.String("hashValue", &hash_value);
  f.String("hashStatus", &hash_status);
  Signal signal;
  f.Timestamp("lastModtimestamp", &signal.added_at);
  dom::object case_numbers;
  f.Object("caseNumbers", &case_numbers);
  dom::array feedbacks;
  f.Array("CSPFeedbacks", &feedbacks);
  if (f.failed()) {
    builder.Error(at.line, at.record, f.error());
    return;
  }
  if (!has_type || !has_value) {
    builder.Error(at.line, at.record,
                  !has_type ? "hash record has no 'signalType'" : "hash record has no 'hashValue'");
    return;
  }
  if (EqualsIgnoreCase(signal_type, "ImagePDQ")) {
    signal.type = SignalType::kPdq;
  } else if (EqualsIgnoreCase(signal_type, "VideoMD5")) {
    signal.type = SignalType::kMd5;
  } else if (EqualsIgnoreCase(signal_type, "URL")) {
    signal.type = SignalType::kUrl;
  } else if (EqualsIgnoreCase(signal_type, "VideoTMK") || EqualsIgnoreCase(signal_type, "Text") ||
             EqualsIgnoreCase(signal_type, "Unknown")) {
    builder.SkipUnsupported(std::string(signal_type));
    return;
  } else {
    builder.Error(at.line, at.record, "unknown signalType " + Quote(signal_type));
    return;
  }
  bool remove = false;
  if (EqualsIgnoreCase(hash_status, "Withdrawn") || EqualsIgnoreCase(hash_status, "Deleted")) {
    remove = true;
  } else if (!EqualsIgnoreCase(hash_status, "Active") &&
             !EqualsIgnoreCase(hash_status, "Received")) {
    builder.Error(at.line, at.record, "unknown hashStatus " + Quote(hash_status));
    return;
  }
  Result<std::string> value = CanonicalSignalValue(signal.type, hash_value);
  if (!value.ok()) {
    builder.Error(at.line, at.record, value.status().message());
    return;
  }
  if (remove) {
    builder.Remove(signal.type, *std::move(value));
    return;
  }
  signal.value = *std::move(value);
  builder.Add(std::move(signal));
}

// ------------------------------------------------------------------ writers

std::string_view TagValue(const Signal& signal, std::string_view prefix) {
  for (const std::string& tag : signal.labels.tags) {
    if (tag.starts_with(prefix)) return std::string_view(tag).substr(prefix.size());
  }
  return {};
}

// Writes `{<head>,"<array>":[` ... `]<tail>}` with one element per signal.
class JsonArrayWriter : public SignalWriter {
 public:
  JsonArrayWriter(std::ostream& out, std::string array_name)
      : out_(out), array_name_(std::move(array_name)) {}

  Status Begin() override {
    std::string head = Dump(Head());
    head.pop_back();  // the closing '}'
    out_ << head << (head.size() > 1 ? "," : "") << '"' << array_name_ << "\":[";
    return CheckStream(out_);
  }
  Status Write(const Signal& signal, bool* skipped) override {
    std::optional<Json> element = Element(signal);
    if (!element) {
      *skipped = true;
      return OkStatus();
    }
    out_ << (count_ ? ",\n" : "\n") << Dump(*element);
    ++count_;
    return CheckStream(out_);
  }
  Status End() override {
    std::string tail = Dump(Tail(count_));
    out_ << (count_ ? "\n]" : "]");
    if (tail.size() > 2)
      out_ << ',' << std::string_view(tail).substr(1);
    else
      out_ << '}';
    out_ << '\n';
    out_.flush();
    return CheckStream(out_);
  }

 protected:
  virtual Json Head() { return Json::object(); }
  virtual std::optional<Json> Element(const Signal& signal) = 0;
  virtual Json Tail(std::uint64_t) { return Json::object(); }

 private:
  std::ostream& out_;
  std::string array_name_;
  std::uint64_t count_ = 0;
};

class HmaWriter final : public JsonArrayWriter {
 public:
  HmaWriter(std::ostream& out, std::optional<Bank> bank)
      : JsonArrayWriter(out, "contents"), bank_(std::move(bank)) {}

 protected:
  Json Head() override {
    Bank bank = bank_.value_or(Bank{});
    Json head = Json::object();
    head["name"] = bank.name;
    head["description"] = bank.description;
    head["enabled"] = bank.enabled;
    head["matching_enabled_ratio"] = bank.enabled ? 1.0 : 0.0;
    head["suppression"] = bank.suppression;
    head["pdq_threshold"] = bank.pdq_threshold;
    head["pdq_quality_min"] = bank.pdq_quality_min;
    return head;
  }
  std::optional<Json> Element(const Signal& signal) override {
    Json content = Json::object();
    content["id"] = signal.id;
    content["signals"] = Json::object({{std::string(SignalTypeName(signal.type)), signal.value}});
    content["enabled"] = signal.enabled;
    content["disable_until_ts"] = signal.enabled ? 0 : -1;
    content["organisation"] = signal.labels.organisation;
    content["behaviours"] = signal.labels.behaviours;
    content["tags"] = signal.labels.tags;
    content["source"] = signal.source;
    content["external_id"] = signal.external_id;
    if (signal.quality >= 0) content["quality"] = signal.quality;
    if (signal.added_at > 0) content["added_at"] = signal.added_at;
    return content;
  }

 private:
  std::optional<Bank> bank_;
};

class TatWriter final : public JsonArrayWriter {
 public:
  explicit TatWriter(std::ostream& out) : JsonArrayWriter(out, "results") {}

 protected:
  Json Head() override {
    Json head = Json::object();
    head["next"] = nullptr;
    head["previous"] = nullptr;
    head["checkpoint"] = nullptr;
    return head;
  }
  std::optional<Json> Element(const Signal& signal) override {
    std::string_view algorithm;
    switch (signal.type) {
      case SignalType::kPdq:
        algorithm = "PDQ";
        break;
      case SignalType::kMd5:
        algorithm = "MD5";
        break;
      case SignalType::kSha256:
        algorithm = "SHA256";
        break;
      default:
        return std::nullopt;
    }
    Json entry = Json::object();
    std::int64_t numeric = 0;
    const std::string& id = signal.external_id;
    auto [ptr, ec] = std::from_chars(id.data(), id.data() + id.size(), numeric);
    if (id.empty()) {
      entry["id"] = nullptr;
    } else if (ec == std::errc() && ptr == id.data() + id.size() && std::to_string(numeric) == id) {
      entry["id"] = numeric;
    } else {
      entry["id"] = id;
    }
    entry["hash_digest"] = signal.value;
    entry["algorithm"] = algorithm;
    std::string_view ideology = TagValue(signal, "ideology:");
    std::string_view file_type = TagValue(signal, "file_type:");
    entry["ideology"] = ideology.empty() ? Json(nullptr) : Json(ideology);
    entry["file_type"] = file_type.empty() ? Json(nullptr) : Json(file_type);
    entry["deleted"] = false;
    Json date = signal.added_at > 0 ? Json(FormatIso8601(signal.added_at)) : Json(nullptr);
    entry["created_on"] = date;
    entry["updated_on"] = date;
    return entry;
  }
  Json Tail(std::uint64_t count) override { return Json::object({{"count", count}}); }
};

class StopNciiWriter final : public JsonArrayWriter {
 public:
  explicit StopNciiWriter(std::ostream& out) : JsonArrayWriter(out, "hashRecords") {}

 protected:
  std::optional<Json> Element(const Signal& signal) override {
    std::string_view type;
    switch (signal.type) {
      case SignalType::kPdq:
        type = "ImagePDQ";
        break;
      case SignalType::kMd5:
        type = "VideoMD5";
        break;
      case SignalType::kUrl:
        type = "URL";
        break;
      default:
        return std::nullopt;
    }
    Json record = Json::object();
    record["lastModtimestamp"] = signal.added_at;
    record["signalType"] = type;
    record["hashValue"] = signal.value;
    record["hashStatus"] = "Active";
    record["caseNumbers"] = Json::object();
    record["CSPFeedbacks"] = Json::array();
    return record;
  }
  Json Tail(std::uint64_t count) override {
    Json tail = Json::object();
    tail["count"] = count;
    tail["nextPageToken"] = nullptr;
    tail["hasMoreRecords"] = false;
    return tail;
  }
};

// Reads the whole input and parses it as one document.
Result<dom::element> ReadDocument(std::istream& in, BatchBuilder& builder, dom::parser& parser,
                                  std::string* text, std::string_view prefix = {}) {
  text->assign(prefix);
  MODERATO_RETURN_IF_ERROR(ReadAll(in, text));
  if (IsBlank(*text)) return InvalidArgumentError("the input is empty");
  return ParseJson(parser, text, builder.options().max_json_depth);
}

}  // namespace

Status ImportHmaJson(std::istream& in, BatchBuilder& builder, ImportBatch* batch) {
  dom::parser parser;
  std::string text;
  MODERATO_ASSIGN_OR_RETURN(dom::element root, ReadDocument(in, builder, parser, &text));
  dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) {
    return InvalidArgumentError("hma-json: the document must be a JSON object (a bank)");
  }
  Fields f(object);
  ReadBankHeader(f, builder, batch);
  dom::array contents;
  Fields top(object);
  if (!top.Array("contents", &contents)) {
    return InvalidArgumentError("hma-json: the bank needs a 'contents' array");
  }
  std::uint64_t index = 0;
  for (dom::element content : contents) {
    if (builder.stopped()) break;
    MODERATO_RETURN_IF_ERROR(builder.CountRecord());
    ReadHmaContent(content, {.line = 0, .record = ++index}, builder);
  }
  return OkStatus();
}

Status ImportTat(std::istream& in, BatchBuilder& builder) {
  const ImportOptions& options = builder.options();
  // JSON Lines or one document? Look at the first line: if it is a complete
  // JSON object on its own, the input is JSON Lines (of entries or pages).
  std::string first;
  bool complete_line = false;
  while (first.size() <= options.max_record_bytes) {
    int c = in.get();
    if (c == std::char_traits<char>::eof()) {
      complete_line = true;
      break;
    }
    if (c == '\n') {
      complete_line = true;
      break;
    }
    first.push_back(static_cast<char>(c));
  }
  std::string_view head = first;
  if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
  const bool object_line = complete_line && TrimAscii(head).starts_with("{");
  if (object_line) {
    dom::parser parser;
    std::string line(head);
    Result<dom::element> root = ParseJson(parser, &line, options.max_json_depth);
    if (root.ok() && root->is_object()) {
      MODERATO_RETURN_IF_ERROR(ReadTatValue(*root, 1, builder));
      LineReader reader(in, options.max_record_bytes);
      std::string_view raw;
      while (!builder.stopped()) {
        Result<bool> more = reader.Next(&raw);
        const std::uint64_t number = reader.line_number() + 1;
        if (!more.ok()) {
          if (more.status().code() == StatusCode::kUnavailable) return more.status();
          MODERATO_RETURN_IF_ERROR(builder.CountRecord());
          builder.Error(
              number, 0,
              "line is longer than " + std::to_string(options.max_record_bytes) + " bytes");
          continue;
        }
        if (!*more) break;
        if (IsBlank(raw)) continue;
        std::string copy(raw);
        Result<dom::element> value = ParseJson(parser, &copy, options.max_json_depth);
        if (!value.ok()) {
          MODERATO_RETURN_IF_ERROR(builder.CountRecord());
          builder.Error(number, 0, value.status().message());
          continue;
        }
        Status status = ReadTatValue(*value, number, builder);
        if (status.code() == StatusCode::kResourceExhausted) return status;
        if (!status.ok()) builder.Error(number, 0, status.message());
      }
      return OkStatus();
    }
  }
  dom::parser parser;
  std::string text;
  if (complete_line) first.push_back('\n');
  MODERATO_ASSIGN_OR_RETURN(dom::element root, ReadDocument(in, builder, parser, &text, first));
  Status status = ReadTatValue(root, 0, builder);
  if (!status.ok() && status.code() != StatusCode::kResourceExhausted) {
    return InvalidArgumentError("tat: " + status.message());
  }
  return status;
}

Status ImportStopNcii(std::istream& in, BatchBuilder& builder) {
  dom::parser parser;
  std::string text;
  MODERATO_ASSIGN_OR_RETURN(dom::element root, ReadDocument(in, builder, parser, &text));
  dom::array records;
  if (root.get_array().get(records) != simdjson::SUCCESS) {
    dom::object object;
    if (root.get_object().get(object) != simdjson::SUCCESS) {
      return InvalidArgumentError("stopncii: the document must be a FetchHashes page object");
    }
    Fields f(object);
    if (!f.Array("hashRecords", &records)) {
      return InvalidArgumentError("stopncii: the page needs a 'hashRecords' array");
    }
  }
  std::uint64_t index = 0;
  for (dom::element record : records) {
    if (builder.stopped()) break;
    MODERATO_RETURN_IF_ERROR(builder.CountRecord());
    ReadStopNciiRecord(record, {.line = 0, .record = ++index}, builder);
  }
  return OkStatus();
}

std::unique_ptr<SignalWriter> MakeSignalWriter(ExchangeFormat format, std::ostream& out,
                                               const ExportOptions& options) {
  switch (format) {
    case ExchangeFormat::kHmaJson:
      return std::make_unique<HmaWriter>(out, options.bank);
    case ExchangeFormat::kTat:
      return std::make_unique<TatWriter>(out);
    case ExchangeFormat::kStopNcii:
      return std::make_unique<StopNciiWriter>(out);
    case ExchangeFormat::kPytx:
    case ExchangeFormat::kCsv:
      break;
  }
  return MakeTextWriter(format, out);
}

}  // namespace moderato::internal
