// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Test support for the App route tests: a blocking one-request HTTP client
// and AppTest, a fixture that starts App + HttpServer on a loopback port
// with organisations "a" and "b" and one key per role ("a:admin",
// "b:reviewer", ..., plus "a:reviewer2").
#ifndef MODERATO_SERVER_APP_TESTING_H_
#define MODERATO_SERVER_APP_TESTING_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "moderato/store/banks.h"
#include "nlohmann/json.hpp"
#include "server/app.h"
#include "server/http.h"
#include "store/testing_temp_dir.h"

namespace moderato::server {

using nlohmann::json;

struct Response {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lowercased
  std::string body;
  json Json() const { return json::parse(body, nullptr, false); }
};

// One request per connection (Connection: close), read to EOF.
inline Response Send(int port, const std::string& method, const std::string& target,
                     const std::string& token, const std::string& body = "",
                     const std::string& content_type = "application/json") {
  Response r;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return r;
  }
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n";
  if (!token.empty()) req += "Authorization: Bearer " + token + "\r\n";
  if (method == "POST" || method == "PUT" || !body.empty()) {
    req += "Content-Type: " + content_type + "\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n";
  }
  req += "\r\n" + body;
  std::string_view rest = req;
  while (!rest.empty()) {
    ssize_t n = ::send(fd, rest.data(), rest.size(), MSG_NOSIGNAL);
    if (n <= 0) break;
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  std::string in;
  char buf[16 << 10];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    in.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  std::size_t end = in.find("\r\n\r\n");
  if (end == std::string::npos || in.size() < 12) return r;
  r.status = std::atoi(in.substr(9, 3).c_str());
  std::string head = in.substr(0, end);
  std::size_t pos = head.find("\r\n");
  while (pos != std::string::npos) {
    std::size_t next = head.find("\r\n", pos + 2);
    std::string line =
        head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
    std::size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      r.headers[name] = value;
    }
    pos = next;
  }
  r.body = in.substr(end + 4);
  return r;
}

inline constexpr const char* kPdq =
    "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

class AppTest : public ::testing::Test {
 protected:
  void Start(double rate = 1000, double burst = 1000) {
    AppOptions options;
    options.db_path = dir_.File("moderato.db");
    options.analyzer = DefaultAnalyzerOptions();
    options.rate_per_second = rate;
    options.rate_burst = burst;
    Result<std::unique_ptr<App>> app = App::Create(options);
    ASSERT_TRUE(app.ok()) << app.status().ToString();
    app_ = std::move(*app);
    ModerationStore& store = app_->moderation_store();
    for (const char* org : {"a", "b"}) {
      ASSERT_TRUE(store.CreateOrganisation(org, "test").ok());
      for (Role role :
           {Role::kAdmin, Role::kReviewer, Role::kIntegrator, Role::kAnalyst, Role::kEditor}) {
        Result<NewApiKey> key = store.CreateApiKey(org, role, "", "test");
        ASSERT_TRUE(key.ok());
        tokens_[std::string(org) + ":" + std::string(RoleName(role))] = key->token;
      }
    }
    // A second reviewer of A, for appeals.
    Result<NewApiKey> key = store.CreateApiKey("a", Role::kReviewer, "second", "test");
    ASSERT_TRUE(key.ok());
    tokens_["a:reviewer2"] = key->token;
    app_->Register(router_);
    HttpServerOptions server_options;
    server_options.port = 0;
    server_options.threads = 2;
    Result<std::unique_ptr<HttpServer>> server =
        HttpServer::Start(server_options, router_, &app_->metrics());
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(*server);
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }

  Response Call(const std::string& method, const std::string& target, const std::string& who,
                const std::string& body = "",
                const std::string& content_type = "application/json") {
    return Send(server_->port(), method, target, who.empty() ? "" : tokens_.at(who), body,
                content_type);
  }

  // kPdq with 20 bits flipped: within the bank threshold (31) but beyond 16.
  static std::string kPdqNear() {
    std::string h = kPdq;
    const char* hex = "0123456789abcdef";
    for (int i = 0; i < 5; ++i) {
      int v = std::stoi(h.substr(static_cast<std::size_t>(i), 1), nullptr, 16) ^ 0xf;
      h[static_cast<std::size_t>(i)] = hex[v];
    }
    return h;
  }

  void AddBankSignal(const std::string& bank, const std::string& owner) {
    BankStore& banks = app_->bank_store();
    Bank b;
    b.name = bank;
    b.owner = owner;
    ASSERT_TRUE(banks.CreateBank(b).ok());
    Signal s;
    s.type = SignalType::kPdq;
    s.value = kPdq;
    s.quality = 100;
    s.labels.organisation = "example-group";
    s.labels.behaviours = {"propaganda"};
    std::vector<Signal> signals{s};
    Result<AddResult> added = banks.AddSignals(bank, signals);
    ASSERT_TRUE(added.ok()) << added.status().ToString();
  }

  testing_store::TempDir dir_;
  std::unique_ptr<App> app_;
  Router router_;
  std::unique_ptr<HttpServer> server_;
  std::map<std::string, std::string> tokens_;
};

}  // namespace moderato::server

#endif  // MODERATO_SERVER_APP_TESTING_H_
