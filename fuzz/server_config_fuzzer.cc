// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Feeds arbitrary bytes to ParseServeConfig as a `moderato serve --config`
// file, and to SetServeConfigValue as the value of every key (the way
// environment variables and flags are applied). Parsing must return a Status,
// never crash; every error of the file must name the source. When the file
// parses, FormatServeConfig must render a file that parses back to the same
// configuration.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "server/config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using moderato::StatusCode;
  using moderato::server::ServeConfig;
  moderato::server::ServeConfigLimits limits;
  limits.max_bytes = 1 << 14;
  std::string_view text(reinterpret_cast<const char*>(data), size);

  moderato::Result<ServeConfig> config =
      moderato::server::ParseServeConfig(text, "fuzz.toml", limits);
  if (!config.ok()) {
    if (config.status().code() != StatusCode::kInvalidArgument &&
        config.status().code() != StatusCode::kResourceExhausted) {
      std::abort();
    }
    if (!config.status().message().starts_with("fuzz.toml")) std::abort();
  } else {
    const std::string formatted = moderato::server::FormatServeConfig(*config);
    moderato::Result<ServeConfig> back =
        moderato::server::ParseServeConfig(formatted, "formatted", limits);
    if (!back.ok() || !moderato::server::SameServeConfig(*back, *config)) std::abort();
  }

  const std::string_view value = text.substr(0, text.find('\n'));
  for (const std::string& key : moderato::server::ServeConfigKeys()) {
    ServeConfig c;
    const ServeConfig before = c;
    moderato::Status set = moderato::server::SetServeConfigValue(c, key, value, "ENV");
    if (!set.ok()) {
      if (set.code() != StatusCode::kInvalidArgument) std::abort();
      if (!moderato::server::SameServeConfig(c, before)) std::abort();
    }
  }
  return 0;
}
