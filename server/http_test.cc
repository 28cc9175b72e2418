// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "server/http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <future>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/metrics.h"

namespace moderato::server {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pair;

struct Response {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lowercased
  std::string body;

  nlohmann::json Json() const { return nlohmann::json::parse(body); }
};

// A blocking client on a raw socket, so tests control every byte sent. Reads
// time out after 10 s so a misbehaving server fails the test instead of
// hanging it.
class RawClient {
 public:
  explicit RawClient(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawClient() { ::close(fd_); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return connected_; }

  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Reads one response with a Content-Length body; nullopt on EOF or error.
  std::optional<Response> Read() {
    std::size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return std::nullopt;
    }
    Response r;
    std::string_view head(buffer_.data(), end);
    std::size_t eol = head.find("\r\n");
    std::string_view status_line = head.substr(0, eol);
    if (status_line.size() < 12) return std::nullopt;
    r.status = std::atoi(std::string(status_line.substr(9, 3)).c_str());
    head = eol == std::string_view::npos ? std::string_view() : head.substr(eol + 2);
    while (!head.empty()) {
      eol = head.find("\r\n");
      std::string_view line = head.substr(0, eol);
      head = eol == std::string_view::npos ? std::string_view() : head.substr(eol + 2);
      std::size_t colon = line.find(':');
      std::string name(line.substr(0, colon));
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      r.headers[name] = std::string(value);
    }
    buffer_.erase(0, end + 4);
    if (r.status == 100) return Read();
    const std::size_t length = std::stoul(
        r.headers.count("content-length") ? r.headers["content-length"] : std::string("0"));
    while (buffer_.size() < length) {
      if (!Fill()) return std::nullopt;
    }
    r.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return r;
  }

  // True once the server has closed the connection (EOF or reset).
  bool ClosedByPeer() {
    char c;
    ssize_t n = ::recv(fd_, &c, 1, 0);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
  }

 private:
  bool Fill() {
    char buf[16 << 10];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    buffer_.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string buffer_;
};

std::string Get(std::string_view target) {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: t\r\n\r\n";
}

std::string Post(std::string_view target, std::string_view body) {
  return "POST " + std::string(target) +
         " HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n" +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

class HttpServerTest : public ::testing::Test {
 protected:
  HttpServerTest() {
    router_.Add("GET", "/v1/cases/{id}", "cases.get", [](HttpRequest& req) {
      nlohmann::json query = nlohmann::json::object();
      for (const auto& [k, v] : req.query) query[k] = v;
      return JsonResponse(200, {{"id", req.Param("id")},
                                {"route", req.route},
                                {"query", query},
                                {"path", req.path},
                                {"agent", req.Header("User-Agent")}});
    });
    router_.Add("GET", "/v1/cases/stats", "cases.stats", [](HttpRequest&) {
      return JsonResponse(200, {{"stats", true}});
    });
    router_.Add("POST", "/v1/echo", "echo", [](HttpRequest& req) {
      HttpResponse r;
      r.content_type = "text/plain";
      r.body = req.body;
      return r;
    });
    router_.Add("PUT", "/v1/echo", "echo.put", [](HttpRequest&) { return JsonResponse(200, {}); });
    router_.Add(
        "POST", "/v1/small", "small", [](HttpRequest& req) { return JsonResponse(200, req.body); },
        RouteOptions{.max_body_bytes = 100});
    router_.Add("GET", "/v1/throw", "throw",
                [](HttpRequest&) -> HttpResponse { throw std::runtime_error("boom"); });
    router_.Add("GET", "/v1/slow", "slow", [this](HttpRequest&) {
      slow_started_.set_value();
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      return JsonResponse(200, {{"slow", "done"}});
    });
  }

  void StartServer(HttpServerOptions options = {}) {
    options.port = 0;
    options.threads = 2;
    Result<std::unique_ptr<HttpServer>> server = HttpServer::Start(options, router_, &metrics_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(server).value();
  }

  std::optional<Response> RoundTrip(std::string_view request) {
    RawClient client(server_->port());
    if (!client.connected() || !client.Send(request)) return std::nullopt;
    return client.Read();
  }

  Router router_;
  Metrics metrics_;
  std::promise<void> slow_started_;
  std::unique_ptr<HttpServer> server_;
};

TEST(RouterTest, LiteralSegmentsWinOverParameters) {
  Router router;
  Handler h = [](HttpRequest&) { return HttpResponse(); };
  router.Add("GET", "/v1/cases/{id}", "cases.get", h);
  router.Add("GET", "/v1/cases/stats", "cases.stats", h);
  router.Add("POST", "/v1/cases/{id}/claim", "cases.claim", h, {.max_body_bytes = 7});
  router.Add("GET", "/", "root", h);

  Router::Match m = router.Find("GET", "/v1/cases/stats");
  EXPECT_EQ(m.name, "cases.stats");
  m = router.Find("GET", "/v1/cases/17");
  EXPECT_EQ(m.name, "cases.get");
  EXPECT_THAT(m.params, ElementsAre(Pair("id", "17")));
  m = router.Find("POST", "/v1/cases/17/claim");
  EXPECT_EQ(m.name, "cases.claim");
  EXPECT_EQ(m.max_body_bytes, 7u);
  EXPECT_EQ(router.Find("GET", "/").name, "root");
}

TEST(RouterTest, ReportsNotFoundAndAllowedMethods) {
  Router router;
  Handler h = [](HttpRequest&) { return HttpResponse(); };
  router.Add("GET", "/a/{x}", "a.get", h);
  router.Add("DELETE", "/a/{x}", "a.delete", h);
  Router::Match m = router.Find("POST", "/a/1");
  EXPECT_EQ(m.handler, nullptr);
  EXPECT_EQ(m.name, "method_not_allowed");
  EXPECT_THAT(m.allowed_methods, ElementsAre("GET", "DELETE"));
  for (std::string_view path : {"/a", "/a/", "/a/1/2", "", "a/1", "/b/1"}) {
    m = router.Find("GET", path);
    EXPECT_EQ(m.handler, nullptr) << path;
    EXPECT_EQ(m.name, "not_found") << path;
  }
  EXPECT_EQ(router.Routes().size(), 2u);
  EXPECT_EQ(std::get<2>(router.Routes()[1]), "a.delete");
}

TEST(HttpErrorsTest, MapsStatusCodes) {
  EXPECT_EQ(ErrorFromStatus(InvalidArgumentError("x")).status, 400);
  EXPECT_EQ(ErrorFromStatus(UnauthenticatedError("x")).status, 401);
  EXPECT_EQ(ErrorFromStatus(PermissionDeniedError("x")).status, 403);
  EXPECT_EQ(ErrorFromStatus(NotFoundError("x")).status, 404);
  EXPECT_EQ(ErrorFromStatus(AlreadyExistsError("x")).status, 409);
  EXPECT_EQ(ErrorFromStatus(FailedPreconditionError("x")).status, 409);
  EXPECT_EQ(ErrorFromStatus(ResourceExhaustedError("x")).status, 413);
  EXPECT_EQ(ErrorFromStatus(UnavailableError("x")).status, 503);
  HttpResponse internal = ErrorFromStatus(InternalError("secret detail"));
  EXPECT_EQ(internal.status, 500);
  EXPECT_THAT(internal.body, Not(HasSubstr("secret")));
  EXPECT_EQ(nlohmann::json::parse(ErrorFromStatus(InvalidArgumentError("bad")).body),
            nlohmann::json({{"error", {{"code", "invalid_argument"}, {"message", "bad"}}}}));
}

TEST(HttpErrorsTest, JsonResponseReplacesInvalidUtf8) {
  HttpResponse r = JsonResponse(201, {{"s", "a\xFF"}});
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.body, "{\"s\":\"a\xEF\xBF\xBD\"}");
}

TEST_F(HttpServerTest, RoutesWithParamsAndQuery) {
  StartServer();
  std::optional<Response> r = RoundTrip(
      "GET /v1/cases/a%20b?x=1&y=two+words&z=%C3%A9 HTTP/1.1\r\nHost: t\r\nUser-Agent: ua\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->headers["content-type"], "application/json");
  EXPECT_FALSE(r->headers["x-request-id"].empty());
  nlohmann::json body = r->Json();
  EXPECT_EQ(body["id"], "a b");
  EXPECT_EQ(body["route"], "cases.get");
  EXPECT_EQ(body["path"], "/v1/cases/a b");
  EXPECT_EQ(body["agent"], "ua");
  EXPECT_EQ(body["query"], nlohmann::json({{"x", "1"}, {"y", "two words"}, {"z", "\xC3\xA9"}}));

  r = RoundTrip(Get("/v1/cases/stats"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Json()["stats"], true);
}

TEST_F(HttpServerTest, EchoesAValidClientRequestId) {
  StartServer();
  std::optional<Response> r =
      RoundTrip("GET /v1/cases/1 HTTP/1.1\r\nHost: t\r\nX-Request-Id: abc-123\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->headers["x-request-id"], "abc-123");
}

TEST_F(HttpServerTest, UnknownPathIs404AndWrongMethodIs405) {
  StartServer();
  std::optional<Response> r = RoundTrip(Get("/nope"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->Json()["error"]["code"], "not_found");
  EXPECT_FALSE(r->headers["x-request-id"].empty());

  r = RoundTrip(Get("/v1/echo"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->headers["allow"], "POST, PUT");
  EXPECT_EQ(r->headers["content-type"], "application/json");
  EXPECT_EQ(r->Json()["error"]["code"], "method_not_allowed");
}

TEST_F(HttpServerTest, MalformedRequestIs400) {
  StartServer();
  RawClient client(server_->port());
  ASSERT_TRUE(client.Send("GET /x HTTP/1.1\r\nBad Header Line\r\n\r\n"));
  std::optional<Response> r = client.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->Json()["error"]["code"], "bad_request");
  EXPECT_TRUE(client.ClosedByPeer());

  r = RoundTrip(Get("/v1/cases/%zz"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
}

TEST_F(HttpServerTest, OversizedContentLengthIs413BeforeTheBodyIsSent) {
  StartServer();
  RawClient client(server_->port());
  // Only the headers: the 413 must come without the body.
  ASSERT_TRUE(
      client.Send("POST /v1/small HTTP/1.1\r\nHost: t\r\nContent-Length: 100000000\r\n\r\n"));
  std::optional<Response> r = client.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->Json()["error"]["code"], "payload_too_large");
  EXPECT_EQ(r->headers["connection"], "close");
  EXPECT_TRUE(client.ClosedByPeer());

  // The server default applies to routes without their own limit.
  server_->Stop();
  HttpServerOptions options;
  options.max_body_bytes = 10;
  StartServer(options);
  r = RoundTrip(Post("/v1/echo", std::string(11, 'x')));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  r = RoundTrip(Post("/v1/echo", std::string(10, 'x')));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(HttpServerTest, OversizedChunkedBodyIs413) {
  StartServer();
  std::string request = "POST /v1/small HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 5; ++i) request += "20\r\n" + std::string(32, 'a') + "\r\n";
  request += "0\r\n\r\n";
  std::optional<Response> r = RoundTrip(request);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
}

TEST_F(HttpServerTest, ChunkedBodyIsAssembled) {
  StartServer();
  std::optional<Response> r = RoundTrip(
      "POST /v1/echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->headers["content-type"], "text/plain");
  EXPECT_EQ(r->body, "hello world");
}

TEST_F(HttpServerTest, ExpectContinueGetsAnInterimResponse) {
  StartServer();
  RawClient client(server_->port());
  ASSERT_TRUE(client.Send(
      "POST /v1/echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n"));
  ASSERT_TRUE(client.Send("abc"));
  std::optional<Response> r = client.Read();  // skips the 100
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "abc");
}

TEST_F(HttpServerTest, OversizedHeadersAre431) {
  HttpServerOptions options;
  options.max_header_bytes = 1024;
  StartServer(options);
  RawClient client(server_->port());
  ASSERT_TRUE(client.Send(
      "GET /v1/cases/1 HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(4096, 'a') + "\r\n\r\n"));
  std::optional<Response> r = client.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_TRUE(client.ClosedByPeer());
}

TEST_F(HttpServerTest, SlowHeadersGet408AndAreDisconnected) {
  HttpServerOptions options;
  options.header_timeout = std::chrono::milliseconds(200);
  StartServer(options);
  RawClient client(server_->port());
  ASSERT_TRUE(client.Send("GET /v1/cases/1 HTTP/1.1\r\nHost:"));
  std::optional<Response> r = client.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 408);
  EXPECT_EQ(r->Json()["error"]["code"], "request_timeout");
  EXPECT_TRUE(client.ClosedByPeer());
}

TEST_F(HttpServerTest, SlowBodyGets408AndIsDisconnected) {
  HttpServerOptions options;
  options.body_timeout = std::chrono::milliseconds(200);
  StartServer(options);
  RawClient client(server_->port());
  ASSERT_TRUE(client.Send("POST /v1/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc"));
  std::optional<Response> r = client.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 408);
  EXPECT_TRUE(client.ClosedByPeer());
}

TEST_F(HttpServerTest, IdleKeepAliveConnectionIsClosedSilently) {
  HttpServerOptions options;
  options.idle_timeout = std::chrono::milliseconds(200);
  StartServer(options);
  RawClient client(server_->port());
  ASSERT_TRUE(client.Send(Get("/v1/cases/1")));
  ASSERT_TRUE(client.Read());
  EXPECT_FALSE(client.Read());  // EOF, no 408
}

TEST_F(HttpServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  StartServer();
  RawClient client(server_->port());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(client.Send(Post("/v1/echo", "body" + std::to_string(i))));
    std::optional<Response> r = client.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "body" + std::to_string(i));
  }
  // Pipelined: two requests in one write.
  ASSERT_TRUE(client.Send(Post("/v1/echo", "p1") + Post("/v1/echo", "p2")));
  std::optional<Response> r1 = client.Read();
  std::optional<Response> r2 = client.Read();
  ASSERT_TRUE(r1 && r2);
  EXPECT_EQ(r1->body, "p1");
  EXPECT_EQ(r2->body, "p2");
  EXPECT_NE(r1->headers["x-request-id"], r2->headers["x-request-id"]);
}

TEST_F(HttpServerTest, ConnectionCloseIsHonoured) {
  StartServer();
  RawClient client(server_->port());
  ASSERT_TRUE(client.Send("GET /v1/cases/1 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
  std::optional<Response> r = client.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(client.ClosedByPeer());
}

TEST_F(HttpServerTest, HandlerExceptionIs500Json) {
  StartServer();
  std::optional<Response> r = RoundTrip(Get("/v1/throw"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->Json()["error"]["code"], "internal");
  EXPECT_THAT(r->body, Not(HasSubstr("boom")));
  // The server is still healthy.
  r = RoundTrip(Get("/v1/cases/1"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(HttpServerTest, HeadIsAnsweredWithoutABody) {
  StartServer();
  RawClient client(server_->port());
  ASSERT_TRUE(client.Send("HEAD /v1/cases/1 HTTP/1.1\r\nHost: t\r\n\r\n"));
  std::optional<Response> r = client.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->headers["allow"], "GET");
  EXPECT_TRUE(r->body.empty());
  // The connection is still usable.
  ASSERT_TRUE(client.Send(Get("/v1/cases/2")));
  r = client.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(HttpServerTest, StopLetsTheRequestInFlightFinish) {
  StartServer();
  RawClient idle(server_->port());
  ASSERT_TRUE(idle.Send(Get("/v1/cases/1")));
  ASSERT_TRUE(idle.Read());

  RawClient busy(server_->port());
  ASSERT_TRUE(busy.Send(Get("/v1/slow")));
  slow_started_.get_future().wait();
  std::thread stopper([this] { server_->Stop(); });
  std::optional<Response> r = busy.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->Json()["slow"], "done");
  EXPECT_EQ(r->headers["connection"], "close");
  EXPECT_TRUE(busy.ClosedByPeer());
  EXPECT_TRUE(idle.ClosedByPeer());
  stopper.join();
  server_->Wait();  // returns at once: Stop() has completed

  RawClient late(server_->port());
  EXPECT_TRUE(!late.connected() || !late.Send(Get("/v1/cases/1")) || !late.Read());
}

TEST_F(HttpServerTest, ServesNewRequestsWhileManyConnectionsIdle) {
  StartServer();
  std::vector<std::unique_ptr<RawClient>> idle;
  for (int i = 0; i < 300; ++i) {
    idle.push_back(std::make_unique<RawClient>(server_->port()));
    ASSERT_TRUE(idle.back()->connected());
  }
  // Half of them have already made a request and are kept alive.
  for (int i = 0; i < 150; ++i) {
    ASSERT_TRUE(idle[i]->Send(Get("/v1/cases/1")));
    ASSERT_TRUE(idle[i]->Read());
  }
  std::optional<Response> r = RoundTrip(Get("/v1/cases/fresh"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  std::string text = metrics_.Render();
  std::size_t at = text.find("\nmoderato_http_connections ");
  ASSERT_NE(at, std::string::npos);
  EXPECT_GE(std::stod(text.substr(at + 27)), 150);
}

TEST_F(HttpServerTest, RejectsConnectionsAboveTheLimit) {
  HttpServerOptions options;
  options.max_connections = 1;
  StartServer(options);
  RawClient first(server_->port());
  ASSERT_TRUE(first.Send(Get("/v1/cases/1")));
  ASSERT_TRUE(first.Read());
  RawClient second(server_->port());
  second.Send(Get("/v1/cases/1"));
  EXPECT_FALSE(second.Read());
}

TEST_F(HttpServerTest, CountsRequestsInMetrics) {
  StartServer();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(RoundTrip(Get("/v1/cases/1")));
  ASSERT_TRUE(RoundTrip(Get("/missing")));
  std::string text = metrics_.Render();
  EXPECT_THAT(text, HasSubstr("# TYPE moderato_http_requests_total counter"));
  EXPECT_THAT(text,
              HasSubstr("moderato_http_requests_total{route=\"cases.get\",method=\"GET\",status="
                        "\"200\"} 3\n"));
  EXPECT_THAT(text,
              HasSubstr("moderato_http_requests_total{route=\"not_found\",method=\"GET\",status="
                        "\"404\"} 1\n"));
  EXPECT_THAT(text,
              HasSubstr("moderato_http_request_duration_seconds_count{route=\"cases.get\"} 3"));
  EXPECT_THAT(text, HasSubstr("# TYPE moderato_http_connections gauge"));
}

TEST(ParseRequestStatusTest, AppliesTheServerLimitsWithoutIo) {
  Router router;
  router.Add("POST", "/v1/small", "small", [](HttpRequest&) { return HttpResponse(); },
             {.max_body_bytes = 4});
  HttpServerOptions options;
  options.max_header_bytes = 256;
  auto status = [&](std::string_view bytes) {
    return internal::ParseRequestStatus(bytes, options, router);
  };
  EXPECT_EQ(status("POST /v1/small HTTP/1.1\r\nContent-Length: 4\r\n\r\nabcd"), 200);
  EXPECT_EQ(status("POST /v1/small HTTP/1.1\r\nContent-Length: 5\r\n\r\n"), 413);
  EXPECT_EQ(status("POST /v1/small HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "5\r\nabcde\r\n0\r\n\r\n"),
            413);
  EXPECT_EQ(status("POST /v1/small HTTP/1.1\r\nContent-Length: 4\r\n\r\nab"), 0);
  EXPECT_EQ(status("GET /v1/small HTTP/1.1\r\n\r\n"), 405);
  EXPECT_EQ(status("GET /other HTTP/1.1\r\n\r\n"), 404);
  EXPECT_EQ(status("GET /%zz HTTP/1.1\r\n\r\n"), 400);
  EXPECT_EQ(status("GET / HTTP/1.1\r\nX: " + std::string(300, 'a') + "\r\n\r\n"), 431);
  EXPECT_EQ(status("NOT HTTP\r\n\r\n"), 400);
  EXPECT_EQ(status("GET / HTT"), 0);
}

TEST(HttpServerStartTest, FailsWhenThePortIsTaken) {
  Router router;
  HttpServerOptions options;
  options.port = 0;
  Result<std::unique_ptr<HttpServer>> first = HttpServer::Start(options, router, nullptr);
  ASSERT_TRUE(first.ok());
  options.port = (*first)->port();
  Result<std::unique_ptr<HttpServer>> second = HttpServer::Start(options, router, nullptr);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace moderato::server
