// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/hash/url.h"

#include <arpa/inet.h>
#include <unicode/uidna.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace moderato {
namespace {

constexpr char kHexUpper[] = "0123456789ABCDEF";
constexpr std::size_t npos = std::string_view::npos;

// Query names removed as tracking (compared lower-case, after decoding).
// Sources: the parameters stripped by Firefox's query stripping, Brave's
// debouncing list and ClearURLs' common rules; only names that never carry
// content on their own.
constexpr std::array<std::string_view, 31> kTrackingParams = {
    "_ga",       "_gl",     "_hsenc",     "_hsmi",   "__hsfp",  "__hssc",      "__hstc",
    "dclid",     "fbclid",  "gbraid",     "gclid",   "gclsrc",  "igsh",        "igshid",
    "li_fat_id", "mc_cid",  "mc_eid",     "mkt_tok", "msclkid", "oly_anon_id", "oly_enc_id",
    "ref_src",   "ref_url", "rb_clickid", "s_cid",   "si",      "ttclid",      "twclid",
    "vero_id",   "wbraid",  "yclid",
};

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
char ToLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ToLower(c);
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsUnreserved(unsigned char c) {
  return IsAlpha(static_cast<char>(c)) || IsDigit(static_cast<char>(c)) || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

// RFC 3986 pchar minus "%" (handled apart) plus "/" and "?": what may stay raw
// in a path or query. Everything else is percent-encoded.
bool MayStayRaw(unsigned char c) {
  if (IsUnreserved(c)) return true;
  switch (c) {
    case '!':
    case '$':
    case '&':
    case '\'':
    case '(':
    case ')':
    case '*':
    case '+':
    case ',':
    case ';':
    case '=':
    case ':':
    case '@':
    case '/':
    case '?':
      return true;
    default:
      return false;
  }
}

void AppendEscape(std::string& out, unsigned char c) {
  out += '%';
  out += kHexUpper[c >> 4];
  out += kHexUpper[c & 15];
}

// Normalises the percent-encoding of a path or query component: unreserved
// escapes decoded, other escapes upper-cased, stray "%" and disallowed bytes
// encoded. Idempotent by construction: the output holds only raw allowed
// bytes and upper-case escapes of bytes that are not unreserved.
std::string NormalizeEscapes(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const auto c = static_cast<unsigned char>(in[i]);
    if (c == '%') {
      const int hi = i + 2 < in.size() ? HexValue(in[i + 1]) : -1;
      const int lo = i + 2 < in.size() ? HexValue(in[i + 2]) : -1;
      if (hi >= 0 && lo >= 0) {
        const auto decoded = static_cast<unsigned char>(hi * 16 + lo);
        if (IsUnreserved(decoded)) {
          out += static_cast<char>(decoded);
        } else {
          AppendEscape(out, decoded);
        }
        i += 2;
      } else {
        AppendEscape(out, '%');
      }
    } else if (MayStayRaw(c)) {
      out += static_cast<char>(c);
    } else {
      AppendEscape(out, c);
    }
  }
  return out;
}

std::string PercentDecode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size() && HexValue(in[i + 1]) >= 0 && HexValue(in[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(in[i + 1]) * 16 + HexValue(in[i + 2]));
      i += 2;
    } else {
      out += in[i];
    }
  }
  return out;
}

std::string CanonicalPath(std::string_view raw) {
  std::string path(raw);
  std::replace(path.begin(), path.end(), '\\', '/');
  const std::string escaped = NormalizeEscapes(path);
  std::vector<std::string_view> segments;
  std::string_view rest = escaped;
  while (!rest.empty()) {
    const std::size_t slash = rest.find('/');
    const std::string_view seg = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    if (seg.empty() || seg == ".") continue;
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
      continue;
    }
    segments.push_back(seg);
  }
  std::string out = "/";
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out += '/';
    out += segments[i];
  }
  return out;
}

bool IsTrackingParam(std::string_view param) {
  const std::string name = Lower(PercentDecode(param.substr(0, param.find('='))));
  if (name.starts_with("utm_")) return true;
  return std::find(kTrackingParams.begin(), kTrackingParams.end(), name) != kTrackingParams.end();
}

std::string CanonicalQuery(std::string_view raw) {
  std::vector<std::string> params;
  std::string_view rest = raw;
  while (true) {
    const std::size_t amp = rest.find('&');
    const std::string_view param = rest.substr(0, amp);
    if (!param.empty() && !IsTrackingParam(param)) params.push_back(NormalizeEscapes(param));
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  std::stable_sort(params.begin(), params.end(), [](const std::string& a, const std::string& b) {
    return std::string_view(a).substr(0, a.find('=')) < std::string_view(b).substr(0, b.find('='));
  });
  std::string out;
  for (const std::string& p : params) {
    if (!out.empty()) out += '&';
    out += p;
  }
  return out;
}

// WHATWG URL §3.5 "IPv4 number parser": decimal, 0x-hex or 0-octal.
bool ParseIpv4Number(std::string_view s, std::uint64_t& value) {
  if (s.empty()) return false;
  int base = 10;
  if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  } else if (s.size() >= 2 && s[0] == '0') {
    base = 8;
    s.remove_prefix(1);
  }
  value = 0;
  for (char c : s) {
    const int d = HexValue(c);
    if (d < 0 || d >= base) return false;
    value = value * static_cast<std::uint64_t>(base) + static_cast<std::uint64_t>(d);
    if (value > 0xFFFFFFFFull) value = 0x100000000ull;  // saturate: too large anyway
  }
  return true;
}

// WHATWG "ends in a number": the last label is all digits or 0x-hex.
bool EndsInNumber(std::string_view host) {
  if (host.ends_with('.')) host.remove_suffix(1);
  const std::size_t dot = host.rfind('.');
  const std::string_view last = dot == std::string_view::npos ? host : host.substr(dot + 1);
  if (last.empty()) return false;
  if (std::all_of(last.begin(), last.end(), IsDigit)) return true;
  if (last.size() >= 2 && last[0] == '0' && (last[1] == 'x' || last[1] == 'X')) {
    return std::all_of(last.begin() + 2, last.end(), [](char c) { return HexValue(c) >= 0; });
  }
  return false;
}

Result<std::string> CanonicalIpv4(std::string_view host) {
  if (host.ends_with('.')) host.remove_suffix(1);
  std::vector<std::uint64_t> parts;
  std::string_view rest = host;
  while (true) {
    const std::size_t dot = rest.find('.');
    std::uint64_t v = 0;
    if (!ParseIpv4Number(rest.substr(0, dot), v) || parts.size() == 4) {
      return InvalidArgumentError("invalid IPv4 address in host: " + std::string(host));
    }
    parts.push_back(v);
    if (dot == std::string_view::npos) break;
    rest = rest.substr(dot + 1);
  }
  std::uint64_t address = 0;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    if (parts[i] > 255)
      return InvalidArgumentError("IPv4 part above 255 in host: " + std::string(host));
    address = (address << 8) | parts[i];
  }
  const std::size_t last_bits = 8 * (5 - parts.size());
  if (parts.back() >= (std::uint64_t{1} << last_bits)) {
    return InvalidArgumentError("IPv4 address out of range in host: " + std::string(host));
  }
  address = (address << last_bits) | parts.back();
  return std::to_string(address >> 24) + "." + std::to_string((address >> 16) & 255) + "." +
         std::to_string((address >> 8) & 255) + "." + std::to_string(address & 255);
}

Result<std::string> CanonicalIpv6(std::string_view bracketed) {
  const std::string inner(bracketed.substr(1, bracketed.size() - 2));
  unsigned char bytes[16];
  if (inner.find('%') != std::string::npos || inet_pton(AF_INET6, inner.c_str(), bytes) != 1) {
    return InvalidArgumentError("invalid IPv6 address in host: " + std::string(bracketed));
  }
  char text[INET6_ADDRSTRLEN];
  if (inet_ntop(AF_INET6, bytes, text, sizeof(text)) == nullptr) {
    return InternalError("inet_ntop failed");
  }
  return "[" + std::string(text) + "]";
}

struct IdnaCloser {
  void operator()(UIDNA* idna) const { uidna_close(idna); }
};

const UIDNA* SharedIdna() {
  static const std::unique_ptr<UIDNA, IdnaCloser> idna = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<UIDNA, IdnaCloser> p(uidna_openUTS46(
        UIDNA_NONTRANSITIONAL_TO_ASCII | UIDNA_CHECK_BIDI | UIDNA_CHECK_CONTEXTJ, &status));
    if (U_FAILURE(status)) p.reset();
    return p;
  }();
  return idna.get();
}

// Errors WHATWG's domain-to-ASCII ignores (CheckHyphens=false, VerifyDnsLength=false).
constexpr std::uint32_t kIgnoredIdnaErrors =
    UIDNA_ERROR_LABEL_TOO_LONG | UIDNA_ERROR_DOMAIN_NAME_TOO_LONG | UIDNA_ERROR_LEADING_HYPHEN |
    UIDNA_ERROR_TRAILING_HYPHEN | UIDNA_ERROR_HYPHEN_3_4;

Result<std::string> DomainToAscii(const std::string& domain) {
  const UIDNA* idna = SharedIdna();
  if (idna == nullptr) return InternalError("ICU UTS #46 IDNA is unavailable");
  std::string out(domain.size() * 4 + 64, '\0');
  for (int attempt = 0; attempt < 2; ++attempt) {
    UErrorCode status = U_ZERO_ERROR;
    UIDNAInfo info = UIDNA_INFO_INITIALIZER;
    const int32_t n =
        uidna_nameToASCII_UTF8(idna, domain.data(), static_cast<int32_t>(domain.size()), out.data(),
                               static_cast<int32_t>(out.size()), &info, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR && attempt == 0) {
      out.assign(static_cast<std::size_t>(n) + 1, '\0');
      continue;
    }
    if (U_FAILURE(status)) {
      return InvalidArgumentError("invalid host (IDNA: " + std::string(u_errorName(status)) +
                                  "): " + domain);
    }
    if ((info.errors & ~kIgnoredIdnaErrors) != 0) {
      return InvalidArgumentError("invalid host (IDNA error 0x" + [](std::uint32_t e) {
        std::string h;
        for (int s = 12; s >= 0; s -= 4) h += kHexUpper[(e >> s) & 15];
        return h;
      }(info.errors) + "): " + domain);
    }
    out.resize(static_cast<std::size_t>(n));
    return out;
  }
  return InternalError("IDNA output size changed between calls");
}

// Rule 3 of url.h, without dropping www.: returns the full canonical host.
Result<std::string> CanonicalFullHost(std::string_view raw) {
  if (raw.empty()) return InvalidArgumentError("URL has an empty host");
  if (raw.front() == '[') {
    if (raw.back() != ']') return InvalidArgumentError("unterminated IPv6 literal in host");
    return CanonicalIpv6(raw);
  }
  std::string domain = PercentDecode(raw);
  if (domain.ends_with('.')) domain.pop_back();
  if (domain.empty()) return InvalidArgumentError("URL has an empty host");
  MODERATO_ASSIGN_OR_RETURN(std::string ascii, DomainToAscii(domain));
  if (ascii.empty()) return InvalidArgumentError("URL has an empty host");
  for (char c : ascii) {
    if (!(IsDigit(c) || (c >= 'a' && c <= 'z') || c == '-' || c == '_' || c == '.')) {
      return InvalidArgumentError("forbidden character in host: " + domain);
    }
  }
  if (ascii.find("..") != std::string::npos || ascii.front() == '.' || ascii.back() == '.') {
    return InvalidArgumentError("empty label in host: " + domain);
  }
  if (EndsInNumber(ascii)) return CanonicalIpv4(ascii);
  return ascii;
}

std::string DropWwwLabels(std::string host) {
  static constexpr std::string_view kDropped[] = {"www.", "m.", "mobile."};
  if (host.front() == '[' || EndsInNumber(host)) return host;  // IP literal
  bool changed = true;
  while (changed) {
    changed = false;
    for (std::string_view prefix : kDropped) {
      if (host.starts_with(prefix) && host.find('.', prefix.size()) != std::string::npos) {
        host.erase(0, prefix.size());
        changed = true;
      }
    }
  }
  return host;
}

bool IsAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsAsciiSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsAsciiSpace(s.back())) s.remove_suffix(1);
  return s;
}

Status CheckControls(std::string_view s, std::size_t base_offset) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7F) {
      return InvalidArgumentError("control character 0x" + std::string(1, kHexUpper[c >> 4]) +
                                  kHexUpper[c & 15] + " at offset " +
                                  std::to_string(base_offset + i));
    }
  }
  return OkStatus();
}

Result<int> ParsePort(std::string_view port) {
  if (port.empty()) return 0;
  if (!std::all_of(port.begin(), port.end(), IsDigit)) {
    return InvalidArgumentError("bad port: " + std::string(port));
  }
  while (port.size() > 1 && port.front() == '0') port.remove_prefix(1);
  if (port.size() > 5 || std::stoi(std::string(port)) > 65535) {
    return InvalidArgumentError("port out of range: " + std::string(port));
  }
  const int value = std::stoi(std::string(port));
  return value == 80 || value == 443 ? 0 : value;
}

}  // namespace

Result<CanonicalUrl> CanonicalizeUrl(std::string_view input, const UrlOptions& options) {
  if (input.size() > options.max_input_bytes) {
    return ResourceExhaustedError("URL of " + std::to_string(input.size()) +
                                  " bytes exceeds the budget of " +
                                  std::to_string(options.max_input_bytes));
  }
  std::string_view s = Trim(input);
  if (s.empty()) return InvalidArgumentError("empty URL");
  MODERATO_RETURN_IF_ERROR(CheckControls(s, static_cast<std::size_t>(s.data() - input.data())));

  // Scheme: only when followed by "//", so "example.com:8080/x" is a host.
  std::size_t i = 0;
  while (i < s.size() && (IsAlpha(s[i]) || (i > 0 && (IsDigit(s[i]) || s[i] == '+' || s[i] == '-' ||
                                                      s[i] == '.')))) {
    ++i;
  }
  if (i > 0 && i + 2 < s.size() && s[i] == ':' && (s[i + 1] == '/' || s[i + 1] == '\\') &&
      (s[i + 2] == '/' || s[i + 2] == '\\')) {
    const std::string scheme = Lower(s.substr(0, i));
    if (scheme != "http" && scheme != "https") {
      return InvalidArgumentError("unsupported URL scheme: " + scheme);
    }
    s.remove_prefix(i + 3);
  } else if (i > 0 && i < s.size() && s[i] == ':' && s.substr(0, i).find('.') == npos &&
             Lower(s.substr(0, i)) != "localhost" && (i + 1 == s.size() || !IsDigit(s[i + 1]))) {
    // "javascript:...", "mailto:...", "data:...": a scheme that is not a host:port.
    const std::string scheme = Lower(s.substr(0, i));
    if (scheme == "http" || scheme == "https") {
      return InvalidArgumentError("URL scheme " + scheme + ": must be followed by //");
    }
    return InvalidArgumentError("unsupported URL scheme: " + scheme);
  } else if (s.starts_with("//") || s.starts_with("\\\\")) {
    s.remove_prefix(2);
  }

  const std::size_t hash = s.find('#');
  if (hash != std::string_view::npos) s = s.substr(0, hash);
  const std::size_t authority_end = s.find_first_of("/\\?");
  std::string_view authority = s.substr(0, authority_end);
  const std::string_view rest =
      authority_end == std::string_view::npos ? std::string_view() : s.substr(authority_end);
  const std::size_t at = authority.rfind('@');
  if (at != std::string_view::npos) authority.remove_prefix(at + 1);

  std::string_view host = authority;
  std::string_view port;
  const std::size_t colon = authority.rfind(':');
  const std::size_t bracket = authority.rfind(']');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return InvalidArgumentError("URL has no host");

  CanonicalUrl out;
  MODERATO_ASSIGN_OR_RETURN(out.full_host, CanonicalFullHost(host));
  MODERATO_ASSIGN_OR_RETURN(out.port, ParsePort(port));
  out.host = DropWwwLabels(out.full_host);

  const std::size_t question = rest.find('?');
  const std::string path = CanonicalPath(rest.substr(0, question));
  const std::string query = question == std::string_view::npos
                                ? std::string()
                                : CanonicalQuery(rest.substr(question + 1));

  out.url = "https://" + out.host;
  if (out.port != 0) out.url += ":" + std::to_string(out.port);
  out.url += path;
  if (!query.empty()) out.url += "?" + query;
  return out;
}

Result<std::string> CanonicalizeHost(std::string_view host, const UrlOptions& options) {
  if (host.size() > options.max_input_bytes) {
    return ResourceExhaustedError("host of " + std::to_string(host.size()) +
                                  " bytes exceeds the budget of " +
                                  std::to_string(options.max_input_bytes));
  }
  const std::string_view trimmed = Trim(host);
  MODERATO_RETURN_IF_ERROR(
      CheckControls(trimmed, static_cast<std::size_t>(trimmed.data() - host.data())));
  host = trimmed;
  if (host.find_first_of("/\\?#@") != std::string_view::npos ||
      (host.find(':') != std::string_view::npos && !host.starts_with('['))) {
    return InvalidArgumentError("not a bare host name: " + std::string(host));
  }
  MODERATO_ASSIGN_OR_RETURN(std::string full, CanonicalFullHost(host));
  return DropWwwLabels(std::move(full));
}

bool HostIsWithin(std::string_view host, std::string_view domain) {
  if (domain.empty()) return false;
  if (host == domain) return true;
  if (domain.front() == '[' || EndsInNumber(domain)) return false;
  return host.size() > domain.size() && host.ends_with(domain) &&
         host[host.size() - domain.size() - 1] == '.';
}

}  // namespace moderato
