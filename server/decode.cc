// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "server/decode.h"

#include <array>
#include <cstdint>
#include <utility>

#include "moderato/core/json_depth.h"

namespace moderato::server {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Status CheckStrings(const nlohmann::json& value, std::size_t max_bytes) {
  // Depth is bounded by JsonLimits::max_depth, checked before parsing.
  if (value.is_string()) {
    if (value.get_ref<const std::string&>().size() > max_bytes) {
      return InvalidArgumentError("body holds a string longer than max_string_bytes (" +
                                  std::to_string(max_bytes) + ")");
    }
  } else if (value.is_object()) {
    for (const auto& [key, item] : value.items()) {
      if (key.size() > max_bytes) {
        return InvalidArgumentError("body holds a key longer than max_string_bytes (" +
                                    std::to_string(max_bytes) + ")");
      }
      MODERATO_RETURN_IF_ERROR(CheckStrings(item, max_bytes));
    }
  } else if (value.is_array()) {
    for (const auto& item : value) MODERATO_RETURN_IF_ERROR(CheckStrings(item, max_bytes));
  }
  return OkStatus();
}

// -1 for characters outside both base64 alphabets.
constexpr std::array<std::int8_t, 256> MakeBase64Table() {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int i = 0; i < 26; ++i) {
    t['A' + i] = static_cast<std::int8_t>(i);
    t['a' + i] = static_cast<std::int8_t>(26 + i);
  }
  for (int i = 0; i < 10; ++i) t['0' + i] = static_cast<std::int8_t>(52 + i);
  t['+'] = t['-'] = 62;
  t['/'] = t['_'] = 63;
  return t;
}
constexpr std::array<std::int8_t, 256> kBase64 = MakeBase64Table();

struct HeaderValue {
  std::string type;                                         // lowercased
  std::vector<std::pair<std::string, std::string>> params;  // names lowercased
};

// Parses `type *( ";" name "=" ( token / quoted-string ) )` (RFC 9110 5.6.6).
Result<HeaderValue> ParseHeaderValue(std::string_view s) {
  HeaderValue out;
  std::size_t semi = s.find(';');
  out.type = Lower(Trim(s.substr(0, semi)));
  if (out.type.empty()) return InvalidArgumentError("empty media type or disposition");
  s = semi == std::string_view::npos ? std::string_view() : s.substr(semi + 1);
  while (true) {
    s = Trim(s);
    if (s.empty()) break;
    std::size_t eq = s.find('=');
    if (eq == std::string_view::npos) return InvalidArgumentError("header parameter without '='");
    std::string name = Lower(Trim(s.substr(0, eq)));
    if (name.empty()) return InvalidArgumentError("header parameter without a name");
    s = Trim(s.substr(eq + 1));
    std::string value;
    if (!s.empty() && s.front() == '"') {
      std::size_t i = 1;
      bool closed = false;
      for (; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) {
          value.push_back(s[++i]);
        } else if (s[i] == '"') {
          closed = true;
          ++i;
          break;
        } else {
          value.push_back(s[i]);
        }
      }
      if (!closed) return InvalidArgumentError("unterminated quoted header parameter");
      s.remove_prefix(i);
      s = Trim(s);
      if (!s.empty() && s.front() != ';') {
        return InvalidArgumentError("junk after quoted header parameter");
      }
    } else {
      std::size_t end = s.find(';');
      value = std::string(Trim(s.substr(0, end)));
      s = end == std::string_view::npos ? std::string_view() : s.substr(end);
    }
    if (!s.empty()) s.remove_prefix(1);  // ';'
    out.params.emplace_back(std::move(name), std::move(value));
  }
  return out;
}

const std::string* FindParam(const HeaderValue& v, std::string_view name) {
  for (const auto& [k, value] : v.params) {
    if (k == name) return &value;
  }
  return nullptr;
}

// Parses one part's header block (without the blank line) into `part`.
Status ParsePartHeaders(std::string_view block, MultipartPart& part) {
  bool have_disposition = false;
  part.content_type = "text/plain";
  while (!block.empty()) {
    std::size_t eol = block.find("\r\n");
    std::string_view line = block.substr(0, eol);
    block = eol == std::string_view::npos ? std::string_view() : block.substr(eol + 2);
    if (line.empty() || IsSpace(line.front())) {
      return InvalidArgumentError("malformed multipart part header line");
    }
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return InvalidArgumentError("multipart part header line without ':'");
    }
    std::string name = Lower(line.substr(0, colon));
    std::string_view value = Trim(line.substr(colon + 1));
    if (name == "content-disposition") {
      MODERATO_ASSIGN_OR_RETURN(HeaderValue v, ParseHeaderValue(value));
      if (v.type != "form-data") {
        return InvalidArgumentError("multipart part disposition is not form-data");
      }
      const std::string* n = FindParam(v, "name");
      if (n == nullptr) return InvalidArgumentError("multipart part without a name");
      part.name = *n;
      if (const std::string* f = FindParam(v, "filename")) part.filename = *f;
      have_disposition = true;
    } else if (name == "content-type") {
      if (Trim(value).empty()) return InvalidArgumentError("empty multipart part content type");
      part.content_type = std::string(value);
    }
  }
  if (!have_disposition) return InvalidArgumentError("multipart part without Content-Disposition");
  return OkStatus();
}

}  // namespace

Result<nlohmann::json> ParseJsonBody(std::string_view body, const JsonLimits& limits) {
  if (body.size() > limits.max_bytes) {
    return ResourceExhaustedError("body exceeds max_bytes (" + std::to_string(limits.max_bytes) +
                                  ")");
  }
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return InvalidArgumentError("body is empty");
  }
  if (!internal::IsValidUtf8(body)) return InvalidArgumentError("body is not valid UTF-8");
  if (internal::JsonNestingDepth(body) > limits.max_depth) {
    return InvalidArgumentError("body nests deeper than max_depth (" +
                                std::to_string(limits.max_depth) + ")");
  }
  nlohmann::json value;
  try {
    value = nlohmann::json::parse(body, /*cb=*/nullptr, /*allow_exceptions=*/false);
  } catch (const nlohmann::json::exception& e) {
    return InvalidArgumentError(std::string("body is not valid JSON: ") + e.what());
  }
  if (value.is_discarded()) return InvalidArgumentError("body is not valid JSON");
  if (!value.is_object()) return InvalidArgumentError("body must be a JSON object");
  if (limits.max_string_bytes > 0) {
    MODERATO_RETURN_IF_ERROR(CheckStrings(value, limits.max_string_bytes));
  }
  return value;
}

Result<std::string> DecodeBase64(std::string_view text, std::size_t max_decoded_bytes) {
  std::size_t padding = 0;
  while (padding < text.size() && text[text.size() - 1 - padding] == '=') ++padding;
  if (padding > 2) return InvalidArgumentError("base64 has too much padding");
  if (padding > 0 && text.size() % 4 != 0) {
    return InvalidArgumentError("base64 padding does not complete a quantum");
  }
  const std::string_view digits = text.substr(0, text.size() - padding);
  const std::size_t tail = digits.size() % 4;
  if (tail == 1) return InvalidArgumentError("base64 length is impossible");
  const std::size_t decoded = digits.size() / 4 * 3 + (tail == 0 ? 0 : tail - 1);
  if (decoded > max_decoded_bytes) {
    return ResourceExhaustedError("base64 payload decodes to more than " +
                                  std::to_string(max_decoded_bytes) + " bytes");
  }
  std::string out;
  out.reserve(decoded);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : digits) {
    const int v = kBase64[static_cast<unsigned char>(c)];
    if (v < 0) return InvalidArgumentError("base64 has a character outside its alphabet");
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  if ((acc & ((1u << bits) - 1)) != 0) {
    return InvalidArgumentError("base64 has non-zero trailing bits");
  }
  return out;
}

Result<std::vector<MultipartPart>> ParseMultipart(std::string_view content_type_header,
                                                  std::string_view body, std::size_t max_parts) {
  MODERATO_ASSIGN_OR_RETURN(HeaderValue ct, ParseHeaderValue(content_type_header));
  if (ct.type != "multipart/form-data") {
    return InvalidArgumentError("content type is not multipart/form-data");
  }
  const std::string* boundary = FindParam(ct, "boundary");
  if (boundary == nullptr || boundary->empty() || boundary->size() > 70) {
    return InvalidArgumentError("multipart boundary is missing or longer than 70 characters");
  }
  for (char c : *boundary) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7E) {
      return InvalidArgumentError("multipart boundary has a control or non-ASCII character");
    }
  }
  const std::string dash_boundary = "--" + *boundary;
  const std::string delimiter = "\r\n" + dash_boundary;

  // The first boundary opens the body or follows a preamble and a CRLF.
  std::size_t pos;
  if (body.starts_with(dash_boundary)) {
    pos = dash_boundary.size();
  } else {
    pos = body.find(delimiter);
    if (pos == std::string_view::npos)
      return InvalidArgumentError("multipart body has no boundary");
    pos += delimiter.size();
  }
  std::vector<MultipartPart> parts;
  while (true) {
    std::string_view rest = body.substr(pos);
    if (rest.starts_with("--")) return parts;  // close delimiter; the epilogue is ignored
    std::size_t i = 0;
    while (i < rest.size() && IsSpace(rest[i])) ++i;  // transport padding
    if (rest.substr(i, 2) != "\r\n")
      return InvalidArgumentError("malformed multipart boundary line");
    rest.remove_prefix(i + 2);
    pos = static_cast<std::size_t>(rest.data() - body.data());

    if (parts.size() >= max_parts) {
      return ResourceExhaustedError("multipart body has more than " + std::to_string(max_parts) +
                                    " parts");
    }
    MultipartPart part;
    std::string_view block;
    if (rest.starts_with("\r\n")) {
      block = {};
      rest.remove_prefix(2);
    } else {
      std::size_t end = rest.substr(0, kMaxMultipartHeaderBytes + 4).find("\r\n\r\n");
      if (end == std::string_view::npos) {
        if (rest.size() > kMaxMultipartHeaderBytes + 4) {
          return ResourceExhaustedError("multipart part headers exceed " +
                                        std::to_string(kMaxMultipartHeaderBytes) + " bytes");
        }
        return InvalidArgumentError("multipart part headers are truncated");
      }
      if (end > kMaxMultipartHeaderBytes) {
        return ResourceExhaustedError("multipart part headers exceed " +
                                      std::to_string(kMaxMultipartHeaderBytes) + " bytes");
      }
      block = rest.substr(0, end);
      rest.remove_prefix(end + 4);
    }
    MODERATO_RETURN_IF_ERROR(ParsePartHeaders(block, part));
    std::size_t end = rest.find(delimiter);
    if (end == std::string_view::npos) return InvalidArgumentError("multipart body is truncated");
    part.data = rest.substr(0, end);
    parts.push_back(std::move(part));
    pos = static_cast<std::size_t>(rest.data() - body.data()) + end + delimiter.size();
  }
}

}  // namespace moderato::server
