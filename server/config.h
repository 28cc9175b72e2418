// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// The configuration of `moderato serve`: a TOML file (data/server/moderato.toml
// is the commented example with every key at its default), environment
// overrides and command-line flags. Precedence, highest first:
//
//   command-line flag > MODERATO_<SECTION>_<KEY> > config file > default
//
// Every key has an environment variable named after its section and key,
// upper-cased: [limits] rate_per_second is MODERATO_LIMITS_RATE_PER_SECOND.
// The database path also honours $MODERATO_DB (below MODERATO_STORE_DB), as
// every other command does. docs/server.md lists the keys.
//
// The file is operator input and is read with a budget: at most
// ServeConfigLimits::max_bytes bytes, strings of at most 4096 bytes. Unknown
// sections and keys, wrong types and out-of-range values are errors that
// start with "<file>:<line>:<col>: "; a bad environment value is an error
// that names the variable. Nothing is ever silently ignored.
//
// Thread safety: the functions are pure (getenv is called through the
// injected function only) and may be called concurrently.
//
// Example:
//   MODERATO_ASSIGN_OR_RETURN(ServeConfig config,
//                             LoadServeConfig(config_path, [](const char* name) {
//                               return std::getenv(name);
//                             }));
//   MODERATO_RETURN_IF_ERROR(SetServeConfigValue(config, "server.listen", flag, "--listen"));
//   HttpServer::Start(config.http, router, &metrics);

#ifndef MODERATO_SERVER_CONFIG_H_
#define MODERATO_SERVER_CONFIG_H_

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "moderato/result.h"
#include "moderato/status.h"
#include "server/http.h"

namespace moderato::server {

// [webhooks]: delivery of final decisions to each organisation's webhook URL.
// Kept apart from the worker's own options so that reading the configuration
// does not depend on the worker; cli/serve.cc converts.
struct WebhookConfig {
  bool enabled = true;
  int max_attempts = 12;                      // then the delivery is given up
  std::chrono::seconds initial_backoff{10};   // doubled after each failure...
  std::chrono::seconds max_backoff{3600};     // ...up to this
  std::chrono::milliseconds timeout{10'000};  // per delivery attempt

  friend bool operator==(const WebhookConfig&, const WebhookConfig&) = default;
};

// Everything `moderato serve` reads from its configuration.
struct ServeConfig {
  // [server]: listen (host and port), threads, the connection and request
  // limits and the timeouts.
  HttpServerOptions http;
  // [store] db. "": not configured; the caller falls back to $MODERATO_DB,
  // then ./moderato.db (cli::ResolveDbPath).
  std::string db;
  // [policy] path. "": the shipped data/policy/default.toml.
  std::string policy;
  // [limits]: the token bucket per API key. rate_per_second 0: unlimited.
  double rate_per_second = 100;
  double rate_burst = 200;
  // [review] lease_seconds: how long a claim on a case holds.
  int lease_seconds = 900;
  WebhookConfig webhooks;
};

// True when every field of `a` and `b` is equal (HttpServerOptions has no
// operator==, so this compares the fields the configuration sets).
bool SameServeConfig(const ServeConfig& a, const ServeConfig& b);

struct ServeConfigLimits {
  // Files and texts longer than this fail with kResourceExhausted.
  std::size_t max_bytes = 64 << 10;
};

// Reads a value of the environment; returns null when the variable is unset.
using GetEnvFunction = std::function<const char*(const char*)>;

// Parses `text` as a configuration file over the defaults. `origin` (a file
// name) prefixes every error. Keys absent from the text keep their default.
// Fails with kInvalidArgument on a TOML syntax error, an unknown section or
// key, a value of the wrong type or out of range (each "<origin>:<line>:<col>:
// ..."), and with kResourceExhausted when `text` is longer than
// limits.max_bytes or a string value is longer than 4096 bytes.
Result<ServeConfig> ParseServeConfig(std::string_view text, std::string_view origin,
                                     const ServeConfigLimits& limits = {});

// Returns the defaults, overridden by the file at `path_or_empty` (when not
// empty), overridden by the environment as read through `getenv`. Fails as
// ParseServeConfig, with kNotFound when the file does not exist, with
// kUnavailable when it cannot be read, and with kInvalidArgument naming the
// variable when an environment value is malformed or out of range.
Result<ServeConfig> LoadServeConfig(const std::string& path_or_empty, const GetEnvFunction& getenv,
                                    const ServeConfigLimits& limits = {});

// Sets one key, named "<section>.<key>" (e.g. "server.threads"), from its
// text form: integers in decimal, numbers as decimals, booleans as true,
// false, 1 or 0, strings as they are; "server.listen" is HOST:PORT (an IPv6
// host in brackets). This is how environment values and command-line flags
// are applied. Fails with kInvalidArgument, prefixed with "<origin>: ", when
// the key is unknown or the value malformed or out of range (the value is
// then left unchanged).
Status SetServeConfigValue(ServeConfig& config, std::string_view key, std::string_view value,
                           std::string_view origin);

// Returns the names ("server.listen", ...) of every key, in file order.
std::vector<std::string> ServeConfigKeys();

// Returns the environment variable of `key` ("server.listen" ->
// "MODERATO_SERVER_LISTEN").
std::string ServeConfigEnvName(std::string_view key);

// Renders `config` as a configuration file with every key;
// ParseServeConfig of the result equals `config` (for `moderato serve
// --print-config` and the round-trip tests).
std::string FormatServeConfig(const ServeConfig& config);

}  // namespace moderato::server

#endif  // MODERATO_SERVER_CONFIG_H_
