// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <ostream>

#include "exchange/internal.h"
#include "moderato/core/json_depth.h"
#include "moderato/exchange/formats.h"
#include "moderato/hash/hash256.h"
#include "moderato/hash/text_signature.h"
#include "moderato/hash/url.h"
#include "simdjson.h"

namespace moderato {
namespace internal {
namespace {

constexpr std::size_t kMaxLabelBytes = 256;
constexpr std::size_t kMaxTagBytes = 128;
constexpr std::size_t kMaxTags = 64;

bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

Result<std::string> CanonicalHex(std::string_view value, std::size_t digits,
                                 std::string_view what) {
  if (value.size() != digits) {
    return InvalidArgumentError(std::string(what) + " must be " + std::to_string(digits) +
                                " hex digits, got " + std::to_string(value.size()) + " characters");
  }
  std::string out(value);
  for (char& c : out) {
    if (!IsHexDigit(c)) {
      return InvalidArgumentError(std::string(what) + " has a non-hex character " +
                                  Quote(std::string_view(&c, 1)));
    }
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Parses exactly `n` decimal digits at text[*pos].
bool Digits(std::string_view text, std::size_t* pos, int n, int* out) {
  if (*pos + static_cast<std::size_t>(n) > text.size()) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    char c = text[*pos + static_cast<std::size_t>(i)];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *pos += static_cast<std::size_t>(n);
  *out = v;
  return true;
}

}  // namespace

BatchBuilder::BatchBuilder(ImportBatch* batch, const ImportOptions& options,
                           std::string_view default_source)
    : batch_(batch),
      options_(options),
      source_(options.source.empty() ? std::string(default_source) : options.source) {}

Status BatchBuilder::CountRecord() {
  if (++batch_->records > options_.max_records) {
    return ResourceExhaustedError("input has more than " + std::to_string(options_.max_records) +
                                  " records (max_records)");
  }
  return OkStatus();
}

bool BatchBuilder::Error(std::uint64_t line, std::uint64_t record, std::string message) {
  if (batch_->errors.size() >= options_.max_errors) {
    batch_->errors_truncated = true;
    return false;
  }
  batch_->errors.push_back({.line = line, .record = record, .message = std::move(message)});
  return true;
}

void BatchBuilder::Add(Signal signal) {
  if (signal.source.empty()) signal.source = source_;
  ++batch_->added_by_type[static_cast<int>(signal.type)];
  batch_->add.push_back(std::move(signal));
}

void BatchBuilder::Remove(SignalType type, std::string value) {
  ++batch_->removed_by_type[static_cast<int>(type)];
  batch_->remove.emplace_back(type, std::move(value));
}

void BatchBuilder::SkipUnsupported(std::string_view kind) {
  ++batch_->skipped_unsupported[std::string(kind)];
}

TypeName ResolveTypeName(std::string_view name) {
  if (std::optional<SignalType> type = ParseSignalType(name)) {
    return {.kind = TypeName::Kind::kSupported, .type = *type};
  }
  if (EqualsIgnoreCase(name, "photo_md5")) {
    return {.kind = TypeName::Kind::kSupported, .type = SignalType::kMd5};
  }
  static constexpr std::string_view kUnsupported[] = {
      "raw_text", "trend_query", "url_md5", "text_tlsh", "video_tmk_pdqf", "vpdq", "tmk"};
  for (std::string_view u : kUnsupported) {
    if (EqualsIgnoreCase(name, u)) return {.kind = TypeName::Kind::kUnsupported};
  }
  return {};
}

std::string_view TrimAscii(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n\f\v";
  std::size_t begin = text.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  std::size_t end = text.find_last_not_of(kSpace);
  return text.substr(begin, end - begin + 1);
}

std::string ToLowerAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ToLowerAscii(a) == ToLowerAscii(b);
}

bool IsCleanText(std::string_view text) {
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return false;
  }
  return IsValidUtf8(text);
}

std::vector<std::string> SplitList(std::string_view text, char separator) {
  std::vector<std::string> parts;
  while (true) {
    std::size_t cut = text.find(separator);
    std::string_view part = TrimAscii(text.substr(0, cut));
    if (!part.empty()) parts.emplace_back(part);
    if (cut == std::string_view::npos) break;
    text.remove_prefix(cut + 1);
  }
  return parts;
}

std::string Quote(std::string_view text) {
  std::string out = "'";
  for (char c : text.substr(0, 40)) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f || c == '\'' || c == '\\') {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", u);
      out += hex;
    } else {
      out += c;
    }
  }
  if (text.size() > 40) out += "...";
  out += "'";
  return out;
}

std::string NormaliseSignalFields(Signal* signal) {
  SignalLabels& labels = signal->labels;
  labels.organisation = std::string(TrimAscii(labels.organisation));
  if (labels.organisation.size() > kMaxLabelBytes || !IsCleanText(labels.organisation)) {
    return "organisation must be valid UTF-8 text of at most 256 bytes without control characters";
  }
  std::vector<std::string> behaviours;
  for (const std::string& b : labels.behaviours) {
    std::string lower = ToLowerAscii(TrimAscii(b));
    if (lower.empty()) continue;
    if (!IsKnownBehaviour(lower)) return "unknown behaviour " + Quote(b) + " (see docs/banks.md)";
    if (std::find(behaviours.begin(), behaviours.end(), lower) == behaviours.end()) {
      behaviours.push_back(std::move(lower));
    }
  }
  labels.behaviours = std::move(behaviours);
  std::vector<std::string> tags;
  for (const std::string& t : labels.tags) {
    std::string_view tag = TrimAscii(t);
    if (tag.empty()) continue;
    if (tag.size() > kMaxTagBytes || !IsCleanText(tag) || tag.find(';') != std::string_view::npos) {
      return "tag " + Quote(tag) +
             " must be valid UTF-8 of at most 128 bytes without ';' or control characters";
    }
    if (std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.emplace_back(tag);
  }
  if (tags.size() > kMaxTags) return "more than 64 tags";
  labels.tags = std::move(tags);
  signal->source = std::string(TrimAscii(signal->source));
  signal->external_id = std::string(TrimAscii(signal->external_id));
  if (signal->source.size() > kMaxLabelBytes || !IsCleanText(signal->source)) {
    return "source must be valid UTF-8 text of at most 256 bytes without control characters";
  }
  if (signal->external_id.size() > kMaxLabelBytes || !IsCleanText(signal->external_id)) {
    return "external_id must be valid UTF-8 text of at most 256 bytes without control characters";
  }
  if (signal->quality < -1 || signal->quality > 100) {
    return "quality must be 0..100 (or -1 for unknown), got " + std::to_string(signal->quality);
  }
  if (signal->added_at < 0) return "added_at must not be before 1970";
  return {};
}

Result<std::int64_t> ParseTimestampText(std::string_view text) {
  text = TrimAscii(text);
  if (!text.empty() &&
      std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    std::int64_t seconds = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (ec != std::errc() || ptr != text.data() + text.size() || seconds > 253402300799) {
      return InvalidArgumentError("timestamp " + Quote(text) + " is out of range");
    }
    return seconds;
  }
  return ParseIso8601(text);
}

Status CheckStream(const std::ostream& out) {
  if (!out) return UnavailableError("writing the export failed");
  return OkStatus();
}

}  // namespace internal

using internal::Quote;

std::string ImportError::ToString() const {
  if (line > 0 && record > 0) {
    return "line " + std::to_string(line) + ", record " + std::to_string(record) + ": " + message;
  }
  if (line > 0) return "line " + std::to_string(line) + ": " + message;
  if (record > 0) return "record " + std::to_string(record) + ": " + message;
  return message;
}

std::uint64_t ImportBatch::skipped() const {
  std::uint64_t total = 0;
  for (const auto& [kind, count] : skipped_unsupported) total += count;
  return total;
}

Status ImportErrorsToStatus(std::span<const ImportError> errors, bool truncated,
                            std::size_t max_listed) {
  if (errors.empty() && !truncated) return OkStatus();
  std::string message = std::to_string(errors.size()) + (truncated ? "+" : "") +
                        (errors.size() == 1 && !truncated ? " error" : " errors") +
                        ", nothing imported";
  for (std::size_t i = 0; i < errors.size() && i < max_listed; ++i) {
    message += "; " + errors[i].ToString();
  }
  if (errors.size() > max_listed) message += "; ...";
  return InvalidArgumentError(std::move(message));
}

Result<std::string> CanonicalSignalValue(SignalType type, std::string_view value) {
  value = internal::TrimAscii(value);
  if (value.empty()) return InvalidArgumentError("empty " + std::string(SignalTypeName(type)));
  switch (type) {
    case SignalType::kPdq: {
      if (value.size() != 64) {
        return InvalidArgumentError("pdq must be 64 hex digits, got " +
                                    std::to_string(value.size()) + " characters");
      }
      Result<Hash256> hash = ParseHash256Hex(value);
      if (!hash.ok()) return hash.status();
      return ToHex(*hash);
    }
    case SignalType::kMd5:
      return internal::CanonicalHex(value, 32, "md5");
    case SignalType::kSha256:
      return internal::CanonicalHex(value, 64, "sha256");
    case SignalType::kUrl: {
      Result<CanonicalUrl> url = CanonicalizeUrl(value);
      if (!url.ok()) return InvalidArgumentError("url: " + url.status().message());
      return std::move(url->url);
    }
    case SignalType::kText: {
      Result<TextSignature> signature = ParseTextSignature(value);
      if (!signature.ok()) {
        return InvalidArgumentError("text signature: " + signature.status().message());
      }
      return FormatTextSignature(*signature);
    }
  }
  return InvalidArgumentError("unknown signal type");
}

Result<std::int64_t> ParseIso8601(std::string_view text) {
  text = internal::TrimAscii(text);
  auto bad = [&](std::string_view why) {
    return InvalidArgumentError("bad date " + Quote(text) + ": " + std::string(why));
  };
  std::size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!internal::Digits(text, &pos, 4, &year) || pos >= text.size() || text[pos++] != '-' ||
      !internal::Digits(text, &pos, 2, &month) || pos >= text.size() || text[pos++] != '-' ||
      !internal::Digits(text, &pos, 2, &day)) {
    return bad("expected YYYY-MM-DD");
  }
  if (year < 1970) return bad("year before 1970");
  std::chrono::year_month_day ymd{std::chrono::year(year), std::chrono::month(month),
                                  std::chrono::day(day)};
  if (!ymd.ok()) return bad("no such day");
  std::int64_t offset = 0;
  if (pos < text.size()) {
    if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') return bad("expected 'T'");
    ++pos;
    if (!internal::Digits(text, &pos, 2, &hour) || pos >= text.size() || text[pos++] != ':' ||
        !internal::Digits(text, &pos, 2, &minute)) {
      return bad("expected HH:MM");
    }
    if (pos < text.size() && text[pos] == ':') {
      ++pos;
      if (!internal::Digits(text, &pos, 2, &second)) return bad("expected seconds");
      if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
        ++pos;
        std::size_t start = pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
        if (pos == start || pos - start > 9) return bad("bad fraction of a second");
      }
    }
    if (hour > 23 || minute > 59 || second > 60) return bad("time out of range");
    if (pos < text.size()) {
      char sign = text[pos++];
      if (sign == 'Z' || sign == 'z') {
        if (pos != text.size()) return bad("text after 'Z'");
      } else if (sign == '+' || sign == '-') {
        int oh = 0, om = 0;
        if (!internal::Digits(text, &pos, 2, &oh)) return bad("bad UTC offset");
        if (pos < text.size() && text[pos] == ':') ++pos;
        if (pos < text.size() && !internal::Digits(text, &pos, 2, &om)) {
          return bad("bad UTC offset");
        }
        if (pos != text.size() || oh > 23 || om > 59) return bad("bad UTC offset");
        offset = (sign == '+' ? 1 : -1) * (std::int64_t{oh} * 3600 + om * 60);
      } else {
        return bad("unexpected text after the time");
      }
    }
  }
  std::int64_t days = std::chrono::sys_days(ymd).time_since_epoch().count();
  std::int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset;
  if (seconds < 0) return bad("before 1970");
  return seconds;
}

std::string FormatIso8601(std::int64_t seconds) {
  if (seconds < 0) seconds = 0;
  std::int64_t days = seconds / 86400;
  std::int64_t rest = seconds % 86400;
  std::chrono::year_month_day ymd{std::chrono::sys_days(std::chrono::days(days))};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(rest / 3600), static_cast<int>(rest / 60 % 60),
                static_cast<int>(rest % 60));
  return buf;
}

}  // namespace moderato
