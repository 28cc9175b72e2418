// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "store/sqlite_signal_codec.h"

#include <cstdint>
#include <string>

namespace moderato::internal {
namespace {

bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

char ToLowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Returns the length of the well-formed UTF-8 sequence at the start of `s`
// (RFC 3629: no overlongs, no surrogates, at most U+10FFFF), or 0.
std::size_t Utf8SequenceLength(std::string_view s) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char b0 = byte(0);
  if (b0 < 0x80) return 1;
  std::size_t length = 0;
  unsigned char min1 = 0x80;
  unsigned char max1 = 0xbf;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    length = 2;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    length = 3;
    if (b0 == 0xe0) min1 = 0xa0;
    if (b0 == 0xed) max1 = 0x9f;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    length = 4;
    if (b0 == 0xf0) min1 = 0x90;
    if (b0 == 0xf4) max1 = 0x8f;
  } else {
    return 0;
  }
  if (s.size() < length) return 0;
  if (byte(1) < min1 || byte(1) > max1) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xbf) return 0;
  }
  return length;
}

// Labels are shown in the UI and written to exchange files: well-formed
// UTF-8 without control characters.
std::string CheckLabelText(std::string_view text, std::string_view field) {
  if (text.size() > kMaxLabelBytes) {
    return std::string(field) + " is longer than " + std::to_string(kMaxLabelBytes) + " bytes";
  }
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) {
      return std::string(field) + " contains a control character at byte " + std::to_string(i);
    }
    const std::size_t length = Utf8SequenceLength(text.substr(i));
    if (length == 0) {
      return std::string(field) + " is not valid UTF-8 at byte " + std::to_string(i);
    }
    i += length;
  }
  return "";
}

std::string CanonicalHex(std::string_view value, std::size_t digits, std::string_view type_name,
                         std::string* canonical) {
  if (value.size() != digits) {
    return std::string(type_name) + " value must be " + std::to_string(digits) +
           " hex digits, got " + std::to_string(value.size()) + " characters";
  }
  canonical->assign(value);
  for (std::size_t i = 0; i < canonical->size(); ++i) {
    char& c = (*canonical)[i];
    if (!IsHexDigit(c)) {
      return std::string(type_name) + " value has a non-hex character at position " +
             std::to_string(i);
    }
    c = ToLowerAscii(c);
  }
  return "";
}

// A text near-duplicate signature: "<version>:<payload>", the version in
// [a-z0-9]+, the whole string printable ASCII. The exact format belongs to
// hash/text_signature.h; the store checks only this envelope.
std::string CanonicalText(std::string_view value, std::string* canonical) {
  if (value.empty() || value.size() > kMaxTextSignalBytes) {
    return "text signature must be 1 to " + std::to_string(kMaxTextSignalBytes) + " bytes";
  }
  std::size_t colon = 0;
  while (colon < value.size() && ((value[colon] >= 'a' && value[colon] <= 'z') ||
                                  (value[colon] >= '0' && value[colon] <= '9'))) {
    ++colon;
  }
  if (colon == 0 || colon == value.size() || value[colon] != ':' || colon + 1 == value.size()) {
    return "text signature must look like '<version>:<payload>' with a [a-z0-9]+ version";
  }
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] < 0x20 || value[i] > 0x7e) {
      return "text signature has a non-printable or non-ASCII byte at position " +
             std::to_string(i);
    }
  }
  canonical->assign(value);
  return "";
}

// Canonicalisation (hash/url.h) happens before the store; here only the
// envelope: well-formed UTF-8 without whitespace or control characters.
std::string CanonicalUrl(std::string_view value, std::string* canonical) {
  if (value.empty() || value.size() > kMaxUrlBytes) {
    return "url must be 1 to " + std::to_string(kMaxUrlBytes) + " bytes";
  }
  for (std::size_t i = 0; i < value.size();) {
    const unsigned char c = static_cast<unsigned char>(value[i]);
    if (c <= 0x20 || c == 0x7f) {
      return "url has a space or control character at position " + std::to_string(i);
    }
    const std::size_t length = Utf8SequenceLength(value.substr(i));
    if (length == 0) {
      return "url is not valid UTF-8 at position " + std::to_string(i);
    }
    i += length;
  }
  canonical->assign(value);
  return "";
}

void AppendUtf8(std::uint32_t code_point, std::string& out) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xc0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3f));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xe0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (code_point & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (code_point & 0x3f));
  }
}

// Minimal recursive-descent reader for a JSON array of strings.
class StringListParser {
 public:
  explicit StringListParser(std::string_view json) : json_(json) {}

  std::optional<std::vector<std::string>> Parse() {
    std::vector<std::string> items;
    SkipSpace();
    if (!Consume('[')) return std::nullopt;
    SkipSpace();
    if (Consume(']')) return Finish(std::move(items));
    for (;;) {
      SkipSpace();
      std::optional<std::string> item = ParseString();
      if (!item) return std::nullopt;
      items.push_back(std::move(*item));
      SkipSpace();
      if (Consume(']')) return Finish(std::move(items));
      if (!Consume(',')) return std::nullopt;
    }
  }

 private:
  std::optional<std::vector<std::string>> Finish(std::vector<std::string> items) {
    SkipSpace();
    if (pos_ != json_.size()) return std::nullopt;
    return items;
  }

  void SkipSpace() {
    while (pos_ < json_.size() && (json_[pos_] == ' ' || json_[pos_] == '\t' ||
                                   json_[pos_] == '\n' || json_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool Consume(char c) {
    if (pos_ < json_.size() && json_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  std::optional<std::uint32_t> ParseHex4() {
    if (json_.size() - pos_ < 4) return std::nullopt;
    std::uint32_t value = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = json_[pos_++];
      if (!IsHexDigit(c)) return std::nullopt;
      const char lower = ToLowerAscii(c);
      value =
          value * 16 + static_cast<std::uint32_t>(lower <= '9' ? lower - '0' : lower - 'a' + 10);
    }
    return value;
  }

  std::optional<std::string> ParseString() {
    if (!Consume('"')) return std::nullopt;
    std::string out;
    while (pos_ < json_.size()) {
      const char c = json_[pos_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) return std::nullopt;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ == json_.size()) return std::nullopt;
      const char escape = json_[pos_++];
      switch (escape) {
        case '"':
        case '\\':
        case '/':
          out += escape;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          std::optional<std::uint32_t> unit = ParseHex4();
          if (!unit) return std::nullopt;
          std::uint32_t code_point = *unit;
          if (code_point >= 0xdc00 && code_point <= 0xdfff) return std::nullopt;
          if (code_point >= 0xd800 && code_point <= 0xdbff) {
            if (!Consume('\\') || !Consume('u')) return std::nullopt;
            std::optional<std::uint32_t> low = ParseHex4();
            if (!low || *low < 0xdc00 || *low > 0xdfff) return std::nullopt;
            code_point = 0x10000 + ((code_point - 0xd800) << 10) + (*low - 0xdc00);
          }
          AppendUtf8(code_point, out);
          break;
        }
        default:
          return std::nullopt;
      }
    }
    return std::nullopt;
  }

  std::string_view json_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string CanonicalizeSignalValue(SignalType type, std::string_view value,
                                    std::string* canonical) {
  switch (type) {
    case SignalType::kPdq:
      return CanonicalHex(value, 64, "pdq", canonical);
    case SignalType::kMd5:
      return CanonicalHex(value, 32, "md5", canonical);
    case SignalType::kSha256:
      return CanonicalHex(value, 64, "sha256", canonical);
    case SignalType::kText:
      return CanonicalText(value, canonical);
    case SignalType::kUrl:
      return CanonicalUrl(value, canonical);
  }
  return "unknown signal type " + std::to_string(static_cast<int>(type));
}

std::optional<std::string> CanonicalSignalValue(SignalType type, std::string_view value,
                                                std::string* error) {
  std::string canonical;
  *error = CanonicalizeSignalValue(type, value, &canonical);
  if (!error->empty()) return std::nullopt;
  return canonical;
}

std::string ValidateSignalFields(const Signal& signal) {
  if (static_cast<int>(signal.type) >= kSignalTypeCount) {
    return "unknown signal type " + std::to_string(static_cast<int>(signal.type));
  }
  std::string error = ValidateMergedLabels(signal.labels);
  if (!error.empty()) return error;
  error = CheckLabelText(signal.source, "source");
  if (!error.empty()) return error;
  error = CheckLabelText(signal.external_id, "external_id");
  if (!error.empty()) return error;
  if (signal.quality < -1 || signal.quality > 100) {
    return "quality must be -1 (unknown) or 0..100, got " + std::to_string(signal.quality);
  }
  if (signal.added_at < 0) return "added_at must not be negative";
  return "";
}

std::string ValidateMergedLabels(const SignalLabels& labels) {
  std::string error = CheckLabelText(labels.organisation, "organisation");
  if (!error.empty()) return error;
  if (labels.behaviours.size() > kMaxBehaviours) {
    return "more than " + std::to_string(kMaxBehaviours) + " behaviours";
  }
  for (std::size_t i = 0; i < labels.behaviours.size(); ++i) {
    if (!IsKnownBehaviour(labels.behaviours[i])) {
      // Behaviours come from a fixed ASCII vocabulary; echo only a bounded,
      // printable prefix of a bad one.
      std::string shown;
      for (char c : labels.behaviours[i].substr(0, 64)) shown += (c >= 0x20 && c < 0x7f) ? c : '?';
      return "behaviours[" + std::to_string(i) + "] '" + shown +
             "' is not a known behaviour (see docs/banks.md)";
    }
  }
  if (labels.tags.size() > kMaxTags) return "more than " + std::to_string(kMaxTags) + " tags";
  for (std::size_t i = 0; i < labels.tags.size(); ++i) {
    const std::string field = "tags[" + std::to_string(i) + "]";
    if (labels.tags[i].empty()) return field + " is empty";
    error = CheckLabelText(labels.tags[i], field);
    if (!error.empty()) return error;
  }
  return "";
}

std::string EncodeStringList(const std::vector<std::string>& items) {
  std::string out;
  EncodeStringList(items, &out);
  return out;
}

void EncodeStringList(const std::vector<std::string>& items, std::string* out_ptr) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string& out = *out_ptr;
  out.clear();
  out += '[';
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : items[i]) {
      const unsigned char u = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        out += '\\';
        out += c;
      } else if (u < 0x20) {
        out += "\\u00";
        out += kHex[u >> 4];
        out += kHex[u & 0xf];
      } else {
        out += c;
      }
    }
    out += '"';
  }
  out += ']';
}

std::optional<std::vector<std::string>> DecodeStringList(std::string_view json) {
  return StringListParser(json).Parse();
}

}  // namespace moderato::internal
