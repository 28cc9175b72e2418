// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// End-to-end tests of `moderato serve`: the real binary on a loopback port
// and a temporary database, driven over HTTP. The configuration file, the
// environment and the flags must each change what the server does.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "server/app_testing.h"
#include "server/config.h"
#include "tests/cli_util.h"
#include "tests/serve_process.h"

namespace moderato {
namespace {

using nlohmann::json;
using server::Send;
using ::testing::HasSubstr;

class CliServeTest : public CliDbTest {
 protected:
  std::string DbPath() const { return (dir_ / "t.db").string(); }

  // Makes organisation "acme" and an admin key; returns its token.
  std::string CreateOrgAndAdmin() {
    EXPECT_EQ(Moderato("org create acme" + db_).exit_code, 0);
    CliRun key = Moderato("key create --org acme --role admin" + db_);
    EXPECT_EQ(key.exit_code, 0);
    return key.out.substr(0, key.out.find('\n'));
  }

  std::string Write(const std::string& name, const std::string& content) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  std::vector<std::string> ServeArgs(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"serve", "--db", DbPath(), "--listen", "127.0.0.1:0"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
};

const std::map<std::string, std::string> kTwoThreads = {{"MODERATO_SERVER_THREADS", "2"}};

TEST_F(CliServeTest, HelpDescribesTheConfigFileAndTheEnvironment) {
  CliRun run = Moderato("serve --help");
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_THAT(run.out, HasSubstr("--config"));
  EXPECT_THAT(run.out, HasSubstr("MODERATO_<SECTION>_<KEY>"));
  EXPECT_THAT(run.out, HasSubstr("--print-config"));
}

TEST_F(CliServeTest, ServesScansAndStopsOnSigterm) {
  const std::string token = CreateOrgAndAdmin();
  ServeProcess server(ServeArgs(), kTwoThreads);
  const int port = server.WaitForPort();
  ASSERT_GT(port, 0) << server.log();

  server::Response health = Send(port, "GET", "/healthz", "");
  EXPECT_EQ(health.status, 200) << health.body;
  server::Response scan =
      Send(port, "POST", "/v1/scan", token, json{{"text", "the weather is nice today"}}.dump());
  ASSERT_EQ(scan.status, 200) << scan.body;
  EXPECT_TRUE(scan.Json()["verdict"].is_object()) << scan.body;
  EXPECT_EQ(Send(port, "POST", "/v1/scan", "", json{{"text", "x"}}.dump()).status, 401);

  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(std::chrono::seconds(15)), 0) << server.log();
  EXPECT_THAT(server.log(), HasSubstr("moderato: shutting down"));
}

TEST_F(CliServeTest, ConfigFileAndEnvironmentChangeTheRateLimit) {
  const std::string token = CreateOrgAndAdmin();
  // The file allows a burst of 5; the environment lowers it to 1.
  const std::string config = Write("m.toml",
                                   "[server]\nlisten = \"127.0.0.1:1\"\nthreads = 2\n"
                                   "[limits]\nrate_per_second = 0.001\nrate_burst = 5\n");
  ServeProcess server({"serve", "--config", config, "--db", DbPath(), "--listen", "127.0.0.1:0"},
                      {{"MODERATO_LIMITS_RATE_BURST", "1"}});
  const int port = server.WaitForPort();
  ASSERT_GT(port, 0) << server.log();
  const std::string body = json{{"text", "hello"}}.dump();
  EXPECT_EQ(Send(port, "POST", "/v1/scan", token, body).status, 200);
  server::Response limited = Send(port, "POST", "/v1/scan", token, body);
  EXPECT_EQ(limited.status, 429) << limited.body;
  EXPECT_FALSE(limited.headers["retry-after"].empty());
  server.Signal(SIGINT);
  EXPECT_EQ(server.Wait(), 0) << server.log();

  // The same file without the variable: the burst of 5 holds.
  ServeProcess again({"serve", "--config", config, "--db", DbPath(), "--listen", "127.0.0.1:0"},
                     {});
  const int port2 = again.WaitForPort();
  ASSERT_GT(port2, 0) << again.log();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Send(port2, "POST", "/v1/scan", token, body).status, 200);
  EXPECT_EQ(Send(port2, "POST", "/v1/scan", token, body).status, 429);
}

TEST_F(CliServeTest, PrintConfigShowsFlagOverEnvironmentOverFile) {
  const std::string config =
      Write("m.toml", "[server]\nthreads = 1\n[review]\nlease_seconds = 60\n");
  // ServeProcess collects stderr only; --print-config writes stdout, so use the shell.
  const std::string cli = std::string(MODERATO_CLI_PATH);
  auto run = [&](const std::string& env, const std::string& flags) {
    CliRun r;
    std::string command = "env -u MODERATO_SERVER_THREADS -u MODERATO_REVIEW_LEASE_SECONDS " + env +
                          " " + cli + " serve --print-config --config " + config + " " + flags +
                          " 2>&1";
    FILE* pipe = popen(command.c_str(), "r");
    char buf[4096];
    std::size_t n;
    while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) r.out.append(buf, n);
    int status = pclose(pipe);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
  };
  CliRun r = run("", "");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("threads = 1\n"));
  EXPECT_THAT(r.out, HasSubstr("lease_seconds = 60\n"));
  r = run("MODERATO_SERVER_THREADS=3", "");
  EXPECT_THAT(r.out, HasSubstr("threads = 3\n"));
  EXPECT_THAT(r.out, HasSubstr("lease_seconds = 60\n"));
  r = run("MODERATO_SERVER_THREADS=3", "--threads 5");
  EXPECT_THAT(r.out, HasSubstr("threads = 5\n"));
  // What it prints is itself a valid configuration.
  const std::string printed_path = Write("printed.toml", r.out);
  Result<server::ServeConfig> back = server::LoadServeConfig(printed_path, nullptr);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->http.threads, 5);
  EXPECT_EQ(back->lease_seconds, 60);
}

TEST_F(CliServeTest, BadConfigurationExitsWithTheError) {
  CreateOrgAndAdmin();
  const std::string config = Write("bad.toml", "[server]\nthreads = 2\nlisn = \"x\"\n");
  ServeProcess bad_file(ServeArgs({"--config", config}), {});
  EXPECT_EQ(bad_file.Wait(), 4);
  EXPECT_THAT(bad_file.log(), HasSubstr(config + ":3:1: unknown key 'lisn' in [server]"));

  ServeProcess bad_env(ServeArgs(), {{"MODERATO_LIMITS_RATE_PER_SECOND", "fast"}});
  EXPECT_EQ(bad_env.Wait(), 4);
  EXPECT_THAT(bad_env.log(), HasSubstr("MODERATO_LIMITS_RATE_PER_SECOND: "));

  ServeProcess bad_flag(ServeArgs({"--threads", "1000"}), {});
  EXPECT_EQ(bad_flag.Wait(), 4);
  EXPECT_THAT(bad_flag.log(),
              HasSubstr("--threads: server.threads must be an integer in [0, 256]"));

  ServeProcess missing(ServeArgs({"--config", (dir_ / "none.toml").string()}), {});
  EXPECT_EQ(missing.Wait(), 3);
  EXPECT_THAT(missing.log(), HasSubstr("no such configuration file"));
}

TEST_F(CliServeTest, ListenOnAPortInUseIsAClearError) {
  CreateOrgAndAdmin();
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 4), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const int port = ntohs(addr.sin_port);

  ServeProcess server({"serve", "--db", DbPath(), "--listen", "127.0.0.1:" + std::to_string(port)},
                      kTwoThreads);
  const int code = server.Wait();
  ::close(fd);
  EXPECT_NE(code, 0);
  EXPECT_NE(code, -1) << "it must exit, not hang";
  EXPECT_THAT(server.log(), HasSubstr(std::to_string(port)));
  EXPECT_THAT(server.log(), HasSubstr("in use"));
}

TEST_F(CliServeTest, SighupKeepsServingOnABrokenPolicyAndReloadsAFixedOne) {
  const std::string token = CreateOrgAndAdmin();
  std::ifstream in(std::string(MODERATO_SOURCE_ROOT) + "/data/policy/default.toml");
  const std::string good((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string policy = Write("policy.toml", good);
  ServeProcess server(ServeArgs({"--policy", policy}), kTwoThreads);
  const int port = server.WaitForPort();
  ASSERT_GT(port, 0) << server.log();

  Write("policy.toml", "[policy\nthis is not TOML");
  server.Signal(SIGHUP);
  ASSERT_TRUE(server.WaitForLog("policy reload failed")) << server.log();
  EXPECT_EQ(Send(port, "GET", "/healthz", "").status, 200);
  EXPECT_EQ(Send(port, "POST", "/v1/scan", token, json{{"text", "hello"}}.dump()).status, 200);

  std::string renamed = good;
  renamed.replace(renamed.find("name = \"default\""), 16, "name = \"reloaded\"");
  Write("policy.toml", renamed);
  server.Signal(SIGHUP);
  ASSERT_TRUE(server.WaitForLog("moderato: policy reloaded")) << server.log();
  server::Response scan = Send(port, "POST", "/v1/scan", token, json{{"text", "hello"}}.dump());
  ASSERT_EQ(scan.status, 200);
  EXPECT_THAT(scan.Json()["verdict"]["policy_version"].get<std::string>(), HasSubstr("reloaded@"))
      << scan.body;
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(), 0) << server.log();

  CliRun audit = Moderato("audit list" + db_);
  ASSERT_EQ(audit.exit_code, 0);
  EXPECT_THAT(audit.out, HasSubstr("policy.load"));
  EXPECT_THAT(audit.out, HasSubstr("policy:reloaded"));
}

}  // namespace
}  // namespace moderato
