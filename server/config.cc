// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "server/config.h"

#include <toml++/toml.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <span>
#include <sstream>
#include <system_error>
#include <utility>
#include <variant>

namespace moderato::server {
namespace {

constexpr std::size_t kMaxStringBytes = 4096;
constexpr std::int64_t kMaxMillis = 24LL * 3600 * 1000;

using Value = std::variant<std::string, std::int64_t, double, bool>;

enum class Kind { kString, kListen, kInt, kNumber, kBool };

// One key of the file. The table is the single source of truth for the file
// format, the environment names, the ranges and FormatServeConfig().
struct Key {
  std::string_view section;
  std::string_view name;
  Kind kind;
  double lo = 0;  // kInt and kNumber: the inclusive range
  double hi = 0;
  void (*set)(ServeConfig&, const Value&);
  Value (*get)(const ServeConfig&);
};

std::int64_t Int(const Value& v) { return std::get<std::int64_t>(v); }
double Number(const Value& v) { return std::get<double>(v); }
const std::string& String(const Value& v) { return std::get<std::string>(v); }

std::string FormatListen(const HttpServerOptions& http) {
  const bool v6 = http.host.find(':') != std::string::npos;
  return (v6 ? "[" + http.host + "]" : http.host) + ':' + std::to_string(http.port);
}

#define MODERATO_MS_KEY(key, field)                                                               \
  Key {                                                                                           \
    "server", key, Kind::kInt, 1, kMaxMillis,                                                     \
        [](ServeConfig& c, const Value& v) { c.http.field = std::chrono::milliseconds(Int(v)); }, \
        [](const ServeConfig& c) { return Value(std::int64_t{c.http.field.count()}); }            \
  }

std::span<const Key> Keys() {
  static const Key keys[] = {
      {"server", "listen", Kind::kListen, 0, 0, nullptr,  // set by ParseListen
       [](const ServeConfig& c) { return Value(FormatListen(c.http)); }},
      {"server", "threads", Kind::kInt, 0, 256,
       [](ServeConfig& c, const Value& v) { c.http.threads = static_cast<int>(Int(v)); },
       [](const ServeConfig& c) { return Value(std::int64_t{c.http.threads}); }},
      {"server", "max_connections", Kind::kInt, 1, 1'000'000,
       [](ServeConfig& c, const Value& v) { c.http.max_connections = static_cast<int>(Int(v)); },
       [](const ServeConfig& c) { return Value(std::int64_t{c.http.max_connections}); }},
      {"server", "max_body_bytes", Kind::kInt, 1, 1 << 30,
       [](ServeConfig& c, const Value& v) {
         c.http.max_body_bytes = static_cast<std::size_t>(Int(v));
       },
       [](const ServeConfig& c) {
         return Value(static_cast<std::int64_t>(c.http.max_body_bytes));
       }},
      {"server", "max_header_bytes", Kind::kInt, 1024, 1 << 20,
       [](ServeConfig& c, const Value& v) {
         c.http.max_header_bytes = static_cast<std::size_t>(Int(v));
       },
       [](const ServeConfig& c) {
         return Value(static_cast<std::int64_t>(c.http.max_header_bytes));
       }},
      MODERATO_MS_KEY("header_timeout_ms", header_timeout),
      MODERATO_MS_KEY("body_timeout_ms", body_timeout),
      MODERATO_MS_KEY("idle_timeout_ms", idle_timeout),
      MODERATO_MS_KEY("write_timeout_ms", write_timeout),
      MODERATO_MS_KEY("shutdown_grace_ms", shutdown_grace),
      {"store", "db", Kind::kString, 0, 0, [](ServeConfig& c, const Value& v) { c.db = String(v); },
       [](const ServeConfig& c) { return Value(c.db); }},
      {"policy", "path", Kind::kString, 0, 0,
       [](ServeConfig& c, const Value& v) { c.policy = String(v); },
       [](const ServeConfig& c) { return Value(c.policy); }},
      {"limits", "rate_per_second", Kind::kNumber, 0, 1e9,
       [](ServeConfig& c, const Value& v) { c.rate_per_second = Number(v); },
       [](const ServeConfig& c) { return Value(c.rate_per_second); }},
      {"limits", "rate_burst", Kind::kNumber, 1, 1e9,
       [](ServeConfig& c, const Value& v) { c.rate_burst = Number(v); },
       [](const ServeConfig& c) { return Value(c.rate_burst); }},
      {"review", "lease_seconds", Kind::kInt, 1, 7 * 24 * 3600,
       [](ServeConfig& c, const Value& v) { c.lease_seconds = static_cast<int>(Int(v)); },
       [](const ServeConfig& c) { return Value(std::int64_t{c.lease_seconds}); }},
      {"webhooks", "enabled", Kind::kBool, 0, 0,
       [](ServeConfig& c, const Value& v) { c.webhooks.enabled = std::get<bool>(v); },
       [](const ServeConfig& c) { return Value(c.webhooks.enabled); }},
      {"webhooks", "max_attempts", Kind::kInt, 1, 100,
       [](ServeConfig& c, const Value& v) { c.webhooks.max_attempts = static_cast<int>(Int(v)); },
       [](const ServeConfig& c) { return Value(std::int64_t{c.webhooks.max_attempts}); }},
      {"webhooks", "initial_backoff_seconds", Kind::kInt, 1, 24 * 3600,
       [](ServeConfig& c, const Value& v) {
         c.webhooks.initial_backoff = std::chrono::seconds(Int(v));
       },
       [](const ServeConfig& c) {
         return Value(std::int64_t{c.webhooks.initial_backoff.count()});
       }},
      {"webhooks", "max_backoff_seconds", Kind::kInt, 1, 7 * 24 * 3600,
       [](ServeConfig& c, const Value& v) {
         c.webhooks.max_backoff = std::chrono::seconds(Int(v));
       },
       [](const ServeConfig& c) { return Value(std::int64_t{c.webhooks.max_backoff.count()}); }},
      {"webhooks", "timeout_ms", Kind::kInt, 1, 10 * 60 * 1000,
       [](ServeConfig& c, const Value& v) {
         c.webhooks.timeout = std::chrono::milliseconds(Int(v));
       },
       [](const ServeConfig& c) { return Value(std::int64_t{c.webhooks.timeout.count()}); }},
  };
  return keys;
}
#undef MODERATO_MS_KEY

const Key* FindKey(std::string_view section, std::string_view name) {
  for (const Key& k : Keys()) {
    if (k.section == section && k.name == name) return &k;
  }
  return nullptr;
}

bool KnownSection(std::string_view section) {
  for (const Key& k : Keys()) {
    if (k.section == section) return true;
  }
  return false;
}

std::string QuotedForMessage(std::string_view s) {
  std::string out = "'";
  for (char c : s.substr(0, 64)) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? '?' : c;
  }
  if (s.size() > 64) out += "...";
  return out + "'";
}

std::string FormatNumber(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, ec == std::errc() ? end : buf);
  // TOML needs a digit on both sides of '.', and a float needs '.' or 'e'.
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

std::string RangeText(const Key& key) {
  if (key.kind == Kind::kInt) {
    return "[" + std::to_string(static_cast<std::int64_t>(key.lo)) + ", " +
           std::to_string(static_cast<std::int64_t>(key.hi)) + "]";
  }
  return "[" + FormatNumber(key.lo) + ", " + FormatNumber(key.hi) + "]";
}

// HOST:PORT, IPv6 hosts in brackets. Returns the problem, or "" when valid.
std::string ParseListen(std::string_view text, HttpServerOptions& http) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return "must be HOST:PORT";
  std::string_view host = text.substr(0, colon);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return "must be HOST:PORT ([IPv6]:PORT)";
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return "must be HOST:PORT (put an IPv6 host in brackets)";
  }
  for (char c : host) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return "host must be printable ASCII without spaces";
  }
  std::string_view port = text.substr(colon + 1);
  int value = -1;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value < 0 ||
      value > 65535) {
    return "port must be an integer in [0, 65535]";
  }
  http.host = std::string(host);
  http.port = value;
  return "";
}

// Checks `value` against `key` and stores it. Returns the problem, or "".
std::string Apply(const Key& key, const Value& value, ServeConfig& config) {
  switch (key.kind) {
    case Kind::kListen:
      return ParseListen(String(value), config.http);
    case Kind::kString:
      if (String(value).size() > kMaxStringBytes) return "is longer than 4096 bytes";
      if (String(value).find('\0') != std::string::npos) return "must not contain NUL";
      break;
    case Kind::kInt:
      if (Int(value) < key.lo || Int(value) > key.hi) {
        return "must be an integer in " + RangeText(key) + ", got " + std::to_string(Int(value));
      }
      break;
    case Kind::kNumber:
      if (!std::isfinite(Number(value)) || Number(value) < key.lo || Number(value) > key.hi) {
        return "must be a number in " + RangeText(key) + ", got " + FormatNumber(Number(value));
      }
      break;
    case Kind::kBool:
      break;
  }
  key.set(config, value);
  return "";
}

std::string WrongType(Kind kind) {
  switch (kind) {
    case Kind::kString:
      return "must be a string";
    case Kind::kListen:
      return "must be a string \"HOST:PORT\"";
    case Kind::kInt:
      return "must be an integer";
    case Kind::kNumber:
      return "must be a number";
    case Kind::kBool:
      return "must be true or false";
  }
  return "has the wrong type";
}

// The TOML value of `node` as `kind`, or nullopt-like monostate via `ok`.
bool FromNode(const toml::node& node, Kind kind, Value& out) {
  switch (kind) {
    case Kind::kString:
    case Kind::kListen:
      if (const auto* s = node.as_string()) {
        out = s->get();
        return true;
      }
      return false;
    case Kind::kInt:
      if (const auto* i = node.as_integer()) {
        out = i->get();
        return true;
      }
      return false;
    case Kind::kNumber:
      if (const auto* f = node.as_floating_point()) {
        out = f->get();
        return true;
      }
      if (const auto* i = node.as_integer()) {
        out = static_cast<double>(i->get());
        return true;
      }
      return false;
    case Kind::kBool:
      if (const auto* b = node.as_boolean()) {
        out = b->get();
        return true;
      }
      return false;
  }
  return false;
}

// Parses the text form of a value (environment variables, flags). Returns
// the problem, or "".
std::string FromText(std::string_view text, Kind kind, Value& out) {
  switch (kind) {
    case Kind::kString:
    case Kind::kListen:
      out = std::string(text);
      return "";
    case Kind::kInt: {
      std::int64_t v = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
        return "must be a decimal integer, got " + QuotedForMessage(text);
      }
      out = v;
      return "";
    }
    case Kind::kNumber: {
      double v = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
        return "must be a number, got " + QuotedForMessage(text);
      }
      out = v;
      return "";
    }
    case Kind::kBool:
      if (text == "true" || text == "1") {
        out = true;
      } else if (text == "false" || text == "0") {
        out = false;
      } else {
        return "must be true, false, 1 or 0, got " + QuotedForMessage(text);
      }
      return "";
  }
  return "unsupported key";
}

std::string At(std::string_view origin, const toml::source_region& where) {
  return std::string(origin) + ':' + std::to_string(where.begin.line) + ':' +
         std::to_string(where.begin.column) + ": ";
}

Status CheckConsistent(const ServeConfig& config, std::string_view origin) {
  if (config.webhooks.initial_backoff > config.webhooks.max_backoff) {
    return InvalidArgumentError(std::string(origin) + ": webhooks.initial_backoff_seconds (" +
                                std::to_string(config.webhooks.initial_backoff.count()) +
                                ") is larger than webhooks.max_backoff_seconds (" +
                                std::to_string(config.webhooks.max_backoff.count()) + ")");
  }
  return OkStatus();
}

std::string TomlString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + '"';
}

}  // namespace

bool SameServeConfig(const ServeConfig& a, const ServeConfig& b) {
  for (const Key& key : Keys()) {
    if (key.get(a) != key.get(b)) return false;
  }
  return true;
}

Result<ServeConfig> ParseServeConfig(std::string_view text, std::string_view origin,
                                     const ServeConfigLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return ResourceExhaustedError(std::string(origin) + ": configuration is " +
                                  std::to_string(text.size()) + " bytes, more than the limit of " +
                                  std::to_string(limits.max_bytes));
  }
  toml::table root;
  try {
    root = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    return InvalidArgumentError(At(origin, e.source()) + std::string(e.description()));
  }
  ServeConfig config;
  for (const auto& [section_key, section_node] : root) {
    const std::string_view section = section_key.str();
    const toml::table* table = section_node.as_table();
    if (!KnownSection(section) || table == nullptr) {
      return InvalidArgumentError(At(origin, section_key.source()) + "unknown section " +
                                  QuotedForMessage(section) +
                                  " (expected [server], [store], [policy], [limits], [review] or "
                                  "[webhooks]; see docs/server.md)");
    }
    for (const auto& [name_key, node] : *table) {
      const std::string_view name = name_key.str();
      const Key* key = FindKey(section, name);
      if (key == nullptr) {
        return InvalidArgumentError(At(origin, name_key.source()) + "unknown key " +
                                    QuotedForMessage(name) + " in [" + std::string(section) +
                                    "] (see docs/server.md)");
      }
      const std::string full = std::string(section) + '.' + std::string(name);
      Value value;
      if (!FromNode(node, key->kind, value)) {
        return InvalidArgumentError(At(origin, node.source()) + full + " " + WrongType(key->kind));
      }
      if (key->kind == Kind::kString && String(value).size() > kMaxStringBytes) {
        return ResourceExhaustedError(At(origin, node.source()) + full +
                                      " is longer than 4096 bytes");
      }
      if (std::string problem = Apply(*key, value, config); !problem.empty()) {
        return InvalidArgumentError(At(origin, node.source()) + full + " " + problem);
      }
    }
  }
  MODERATO_RETURN_IF_ERROR(CheckConsistent(config, origin));
  return config;
}

Status SetServeConfigValue(ServeConfig& config, std::string_view key_name, std::string_view value,
                           std::string_view origin) {
  const std::size_t dot = key_name.find('.');
  const Key* key = dot == std::string_view::npos
                       ? nullptr
                       : FindKey(key_name.substr(0, dot), key_name.substr(dot + 1));
  if (key == nullptr) {
    return InvalidArgumentError(std::string(origin) + ": unknown key " +
                                QuotedForMessage(key_name));
  }
  Value parsed;
  std::string problem = FromText(value, key->kind, parsed);
  if (problem.empty()) {
    ServeConfig next = config;
    problem = Apply(*key, parsed, next);
    if (problem.empty()) config = std::move(next);
  }
  if (!problem.empty()) {
    return InvalidArgumentError(std::string(origin) + ": " + std::string(key_name) + " " + problem);
  }
  return OkStatus();
}

Result<ServeConfig> LoadServeConfig(const std::string& path_or_empty, const GetEnvFunction& getenv,
                                    const ServeConfigLimits& limits) {
  ServeConfig config;
  if (!path_or_empty.empty()) {
    const std::string& path = path_or_empty;
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
      return NotFoundError(path + ": no such configuration file");
    }
    if (std::filesystem::is_directory(path, ec)) {
      return InvalidArgumentError(path + ": is a directory, not a configuration file");
    }
    const std::uintmax_t size = std::filesystem::file_size(path, ec);
    if (ec) return UnavailableError(path + ": " + ec.message());
    if (size > limits.max_bytes) {
      return ResourceExhaustedError(path + ": configuration is " + std::to_string(size) +
                                    " bytes, more than the limit of " +
                                    std::to_string(limits.max_bytes));
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) return UnavailableError(path + ": cannot open");
    std::ostringstream bytes;
    bytes << in.rdbuf();
    if (in.bad()) return UnavailableError(path + ": read error");
    MODERATO_ASSIGN_OR_RETURN(config, ParseServeConfig(bytes.str(), path, limits));
  }
  if (getenv) {
    for (const std::string& key : ServeConfigKeys()) {
      const std::string name = ServeConfigEnvName(key);
      const char* value = getenv(name.c_str());
      // $MODERATO_DB is what every other command reads; MODERATO_STORE_DB wins.
      if (value == nullptr && key == "store.db") {
        value = getenv("MODERATO_DB");
        if (value != nullptr && *value != '\0') {
          MODERATO_RETURN_IF_ERROR(SetServeConfigValue(config, key, value, "MODERATO_DB"));
        }
        continue;
      }
      if (value != nullptr) {
        MODERATO_RETURN_IF_ERROR(SetServeConfigValue(config, key, value, name));
      }
    }
  }
  MODERATO_RETURN_IF_ERROR(CheckConsistent(config, "configuration"));
  return config;
}

std::vector<std::string> ServeConfigKeys() {
  std::vector<std::string> names;
  for (const Key& key : Keys()) {
    names.push_back(std::string(key.section) + '.' + std::string(key.name));
  }
  return names;
}

std::string ServeConfigEnvName(std::string_view key) {
  std::string name = "MODERATO_";
  for (char c : key) {
    if (c == '.') {
      name += '_';
    } else if (c >= 'a' && c <= 'z') {
      name += static_cast<char>(c - 'a' + 'A');
    } else {
      name += c;
    }
  }
  return name;
}

std::string FormatServeConfig(const ServeConfig& config) {
  std::string out;
  std::string_view section;
  for (const Key& key : Keys()) {
    if (key.section != section) {
      if (!out.empty()) out += '\n';
      section = key.section;
      out += "[" + std::string(section) + "]\n";
    }
    out += std::string(key.name) + " = ";
    const Value v = key.get(config);
    if (const auto* s = std::get_if<std::string>(&v)) {
      out += TomlString(*s);
    } else if (const auto* i = std::get_if<std::int64_t>(&v)) {
      out += std::to_string(*i);
    } else if (const auto* d = std::get_if<double>(&v)) {
      out += FormatNumber(*d);
    } else {
      out += std::get<bool>(v) ? "true" : "false";
    }
    out += '\n';
  }
  return out;
}

}  // namespace moderato::server
