// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "server/config.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace moderato::server {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// A fake environment: tests never touch the process's.
class Env {
 public:
  explicit Env(std::map<std::string, std::string> vars = {}) : vars_(std::move(vars)) {}
  GetEnvFunction Get() const {
    return [this](const char* name) -> const char* {
      auto it = vars_.find(name);
      return it == vars_.end() ? nullptr : it->second.c_str();
    };
  }

 private:
  std::map<std::string, std::string> vars_;
};

std::string WriteTemp(const std::string& name, const std::string& content) {
  const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                     ("moderato_config_test_" + std::to_string(getpid()) + name);
  std::ofstream(path, std::ios::binary) << content;
  return path.string();
}

TEST(ServeConfigTest, DefaultsMatchTheDesign) {
  Result<ServeConfig> c = LoadServeConfig("", Env().Get());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->http.host, "127.0.0.1");
  EXPECT_EQ(c->http.port, 8080);
  EXPECT_EQ(c->http.threads, 0);
  EXPECT_EQ(c->http.max_connections, 10000);
  EXPECT_EQ(c->http.max_body_bytes, 1048576u);
  EXPECT_EQ(c->http.max_header_bytes, 16384u);
  EXPECT_EQ(c->http.header_timeout.count(), 10000);
  EXPECT_EQ(c->http.body_timeout.count(), 30000);
  EXPECT_EQ(c->http.idle_timeout.count(), 75000);
  EXPECT_EQ(c->http.write_timeout.count(), 30000);
  EXPECT_EQ(c->http.shutdown_grace.count(), 10000);
  EXPECT_EQ(c->db, "");
  EXPECT_EQ(c->policy, "");
  EXPECT_EQ(c->rate_per_second, 100);
  EXPECT_EQ(c->rate_burst, 200);
  EXPECT_EQ(c->lease_seconds, 900);
  EXPECT_EQ(c->webhooks, WebhookConfig{});
  EXPECT_TRUE(c->webhooks.enabled);
  EXPECT_EQ(c->webhooks.max_attempts, 12);
  EXPECT_EQ(ServeConfigKeys().size(), 20u);
}

TEST(ServeConfigTest, TheShippedExampleEqualsTheDefaults) {
  const std::string path = std::string(MODERATO_SOURCE_ROOT) + "/data/server/moderato.toml";
  Result<ServeConfig> c = LoadServeConfig(path, Env().Get());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(SameServeConfig(*c, ServeConfig{})) << FormatServeConfig(*c);
  // And it names every key, so that it stays the complete reference.
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const std::string& key : ServeConfigKeys()) {
    const std::string name = key.substr(key.find('.') + 1);
    EXPECT_THAT(text, HasSubstr("\n" + name + " = ")) << key;
  }
}

TEST(ServeConfigTest, FileValuesOverrideDefaults) {
  Result<ServeConfig> c = ParseServeConfig(R"(
[server]
listen = "0.0.0.0:9090"
threads = 4
idle_timeout_ms = 5000
[store]
db = "/var/lib/moderato/m.db"
[policy]
path = "/etc/moderato/policy.toml"
[limits]
rate_per_second = 2.5
rate_burst = 10
[review]
lease_seconds = 60
[webhooks]
enabled = false
max_backoff_seconds = 60
)",
                                           "m.toml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->http.host, "0.0.0.0");
  EXPECT_EQ(c->http.port, 9090);
  EXPECT_EQ(c->http.threads, 4);
  EXPECT_EQ(c->http.idle_timeout.count(), 5000);
  EXPECT_EQ(c->http.body_timeout.count(), 30000) << "absent keys keep their default";
  EXPECT_EQ(c->db, "/var/lib/moderato/m.db");
  EXPECT_EQ(c->policy, "/etc/moderato/policy.toml");
  EXPECT_EQ(c->rate_per_second, 2.5);
  EXPECT_EQ(c->rate_burst, 10.0);
  EXPECT_EQ(c->lease_seconds, 60);
  EXPECT_FALSE(c->webhooks.enabled);
  EXPECT_EQ(c->webhooks.max_backoff.count(), 60);
}

TEST(ServeConfigTest, IPv6ListenAddressesUseBrackets) {
  Result<ServeConfig> c = ParseServeConfig("[server]\nlisten = \"[::1]:0\"\n", "m.toml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->http.host, "::1");
  EXPECT_EQ(c->http.port, 0);
  EXPECT_FALSE(ParseServeConfig("[server]\nlisten = \"::1:80\"\n", "m.toml").ok());
}

TEST(ServeConfigTest, EnvironmentOverridesTheFile) {
  const std::string path = WriteTemp("env.toml", "[limits]\nrate_per_second = 5\nrate_burst = 7\n");
  Env env({{"MODERATO_LIMITS_RATE_PER_SECOND", "0"},
           {"MODERATO_SERVER_LISTEN", "127.0.0.1:0"},
           {"MODERATO_SERVER_THREADS", "2"},
           {"MODERATO_WEBHOOKS_ENABLED", "false"},
           {"MODERATO_POLICY_PATH", "p.toml"}});
  Result<ServeConfig> c = LoadServeConfig(path, env.Get());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->rate_per_second, 0);
  EXPECT_EQ(c->rate_burst, 7) << "not overridden: the file's value";
  EXPECT_EQ(c->http.port, 0);
  EXPECT_EQ(c->http.threads, 2);
  EXPECT_FALSE(c->webhooks.enabled);
  EXPECT_EQ(c->policy, "p.toml");
  std::filesystem::remove(path);
}

TEST(ServeConfigTest, EveryKeyHasAnEnvironmentVariable) {
  EXPECT_EQ(ServeConfigEnvName("limits.rate_per_second"), "MODERATO_LIMITS_RATE_PER_SECOND");
  ServeConfig defaults;
  for (const std::string& key : ServeConfigKeys()) {
    ServeConfig c;
    // A value that is valid for every kind of key but differs from the default...
    std::string value = key == "server.listen" ? "127.0.0.1:1" : "1";
    if (key == "server.max_header_bytes") value = "2048";
    if (key == "webhooks.enabled") value = "0";
    if (key == "webhooks.max_backoff_seconds") value = "20";
    if (key == "store.db" || key == "policy.path") value = "x";
    Result<ServeConfig> loaded = LoadServeConfig(
        "", Env(std::map<std::string, std::string>{{ServeConfigEnvName(key), value}}).Get());
    ASSERT_TRUE(loaded.ok()) << key << ": " << loaded.status();
    // ...changes exactly what SetServeConfigValue would.
    ASSERT_TRUE(SetServeConfigValue(c, key, value, "test").ok()) << key;
    EXPECT_TRUE(SameServeConfig(*loaded, c)) << key;
    EXPECT_FALSE(SameServeConfig(*loaded, defaults)) << key;
  }
}

TEST(ServeConfigTest, ModeratoDbIsHonouredBelowModeratoStoreDb) {
  Result<ServeConfig> c =
      LoadServeConfig("", Env(std::map<std::string, std::string>{{"MODERATO_DB", "a.db"}}).Get());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->db, "a.db");
  c = LoadServeConfig("", Env({{"MODERATO_DB", "a.db"}, {"MODERATO_STORE_DB", "b.db"}}).Get());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->db, "b.db");
}

TEST(ServeConfigTest, FlagsOverrideTheEnvironment) {
  // cli/serve.cc applies its flags with SetServeConfigValue after loading.
  Result<ServeConfig> c = LoadServeConfig(
      "", Env({{"MODERATO_SERVER_LISTEN", "127.0.0.1:1"}, {"MODERATO_SERVER_THREADS", "3"}}).Get());
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(SetServeConfigValue(*c, "server.listen", "127.0.0.1:2", "--listen").ok());
  ASSERT_TRUE(SetServeConfigValue(*c, "server.threads", "5", "--threads").ok());
  EXPECT_EQ(c->http.port, 2);
  EXPECT_EQ(c->http.threads, 5);
}

TEST(ServeConfigTest, BadEnvironmentValuesNameTheVariable) {
  for (const auto& [name, value] : std::map<std::string, std::string>{
           {"MODERATO_SERVER_THREADS", "two"},
           {"MODERATO_SERVER_THREADS", "257"},
           {"MODERATO_SERVER_LISTEN", "localhost"},
           {"MODERATO_SERVER_LISTEN", "127.0.0.1:65536"},
           {"MODERATO_SERVER_IDLE_TIMEOUT_MS", "0"},
           {"MODERATO_LIMITS_RATE_PER_SECOND", "-1"},
           {"MODERATO_LIMITS_RATE_PER_SECOND", "nan"},
           {"MODERATO_LIMITS_RATE_BURST", "10x"},
           {"MODERATO_WEBHOOKS_ENABLED", "yes"},
       }) {
    Result<ServeConfig> c =
        LoadServeConfig("", Env(std::map<std::string, std::string>{{name, value}}).Get());
    ASSERT_FALSE(c.ok()) << name << "=" << value;
    EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(c.status().message(), StartsWith(name + ": ")) << c.status();
  }
}

TEST(ServeConfigTest, UnknownKeysAndSectionsPointAtTheirLine) {
  Result<ServeConfig> c = ParseServeConfig("[server]\nthreads = 2\n  listn = \"x:1\"\n", "m.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(c.status().message(), StartsWith("m.toml:3:3: unknown key 'listn' in [server]"));

  c = ParseServeConfig("[server]\n[sever]\nthreads = 2\n", "m.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), StartsWith("m.toml:2:"));
  EXPECT_THAT(c.status().message(), HasSubstr("unknown section 'sever'"));

  c = ParseServeConfig("listen = \"127.0.0.1:1\"\n", "m.toml");
  ASSERT_FALSE(c.ok()) << "keys belong in a section";
  EXPECT_THAT(c.status().message(), StartsWith("m.toml:1:1: unknown section 'listen'"));

  EXPECT_FALSE(ParseServeConfig("[[server]]\nthreads = 1\n", "m.toml").ok());
}

TEST(ServeConfigTest, WrongTypesAndRangesPointAtTheValue) {
  struct Case {
    std::string text;
    std::string message;
  };
  for (const Case& t : std::vector<Case>{
           {"[server]\nthreads = \"4\"\n", "m.toml:2:11: server.threads must be an integer"},
           {"[server]\nthreads = 300\n",
            "m.toml:2:11: server.threads must be an integer in [0, 256]"},
           {"[server]\nlisten = 8080\n", "m.toml:2:10: server.listen must be a string"},
           {"[server]\nlisten = \"h:99999\"\n", "m.toml:2:10: server.listen port must be"},
           {"[server]\nheader_timeout_ms = 0\n", "m.toml:2:21: server.header_timeout_ms must be"},
           {"[limits]\nrate_per_second = -1.5\n", "m.toml:2:19: limits.rate_per_second must be"},
           {"[limits]\nrate_burst = inf\n", "m.toml:2:14: limits.rate_burst must be"},
           {"[webhooks]\nenabled = \"yes\"\n",
            "m.toml:2:11: webhooks.enabled must be true or false"},
           {"[store]\ndb = 1\n", "m.toml:2:6: store.db must be a string"},
           {"[review]\nlease_seconds = 1.5\n",
            "m.toml:2:17: review.lease_seconds must be an integer"},
       }) {
    Result<ServeConfig> c = ParseServeConfig(t.text, "m.toml");
    ASSERT_FALSE(c.ok()) << t.text;
    EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(c.status().message(), StartsWith(t.message)) << c.status();
  }
  Result<ServeConfig> c = ParseServeConfig(
      "[webhooks]\ninitial_backoff_seconds = 100\nmax_backoff_seconds = 10\n", "m.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), HasSubstr("initial_backoff_seconds (100) is larger"));
}

TEST(ServeConfigTest, SyntaxErrorsGarbageAndHugeFilesFailCleanly) {
  Result<ServeConfig> c = ParseServeConfig("[server\nthreads = 1\n", "m.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), StartsWith("m.toml:1:"));

  std::string binary;
  for (int i = 0; i < 4096; ++i) binary += static_cast<char>((i * 131 + 7) % 256);
  c = ParseServeConfig(binary, "bin.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), StartsWith("bin.toml:"));
  EXPECT_FALSE(ParseServeConfig(std::string("[server]\nlisten = \"a\0b:1\"\n", 27), "m").ok());

  ServeConfigLimits limits;
  limits.max_bytes = 1024;
  c = ParseServeConfig(std::string(2048, '#'), "big.toml", limits);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kResourceExhausted);

  const std::string path = WriteTemp("huge.toml", std::string(100 << 10, '#'));
  c = LoadServeConfig(path, Env().Get());
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kResourceExhausted);
  std::filesystem::remove(path);

  c = ParseServeConfig("[store]\ndb = \"" + std::string(5000, 'x') + "\"\n", "m.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kResourceExhausted);

  c = LoadServeConfig("/nonexistent/moderato.toml", Env().Get());
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kNotFound);
  c = LoadServeConfig(std::filesystem::temp_directory_path().string(), Env().Get());
  EXPECT_FALSE(c.ok());
}

TEST(ServeConfigTest, FormatRoundTrips) {
  ServeConfig c;
  c.http.host = "::1";
  c.http.port = 0;
  c.db = "path with \"quotes\" and \\ and \t tab";
  c.rate_per_second = 0.001;
  c.rate_burst = 1;
  c.webhooks.enabled = false;
  Result<ServeConfig> back = ParseServeConfig(FormatServeConfig(c), "formatted");
  ASSERT_TRUE(back.ok()) << back.status() << "\n" << FormatServeConfig(c);
  EXPECT_TRUE(SameServeConfig(*back, c)) << FormatServeConfig(*back);
}

}  // namespace
}  // namespace moderato::server
