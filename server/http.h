// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// The HTTP/1.1 layer of `moderato serve`: a router of handlers, and an
// asynchronous server (Boost.Beast over Boost.Asio) that enforces the
// transport limits before a handler sees a request.
//
//   Router router;
//   router.Add("GET", "/v1/cases/{id}", "cases.get", [](HttpRequest& req) {
//     return JsonResponse(200, {{"id", req.Param("id")}});
//   });
//   MODERATO_ASSIGN_OR_RETURN(auto server, HttpServer::Start(options, router, &metrics));
//   ...
//   server->Stop();  // stops accepting, finishes requests in flight, closes idle connections
//
// LIMITS (HttpServerOptions). Headers beyond max_header_bytes are refused
// with 431; a body beyond the route's limit with 413 (from Content-Length,
// before the body is read); a client that does not finish its headers
// within header_timeout, or its body within body_timeout, gets 408 and is
// disconnected; an idle keep-alive connection is closed after
// idle_timeout. Connections above max_connections are closed at accept.
// Errors always have the JSON body {"error": {"code": ..., "message": ...}}.
//
// Handlers run on the server's I/O threads and may block briefly (a SQLite
// commit). They must be thread-safe.
#ifndef MODERATO_SERVER_HTTP_H_
#define MODERATO_SERVER_HTTP_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "moderato/status.h"

namespace moderato::server {

class Metrics;

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as sent: path and query
  std::string path;    // percent-decoded path, without the query
  std::vector<std::pair<std::string, std::string>> query;    // percent-decoded, in order
  std::vector<std::pair<std::string, std::string>> headers;  // names lowercased
  std::vector<std::pair<std::string, std::string>> params;   // from the route pattern
  std::string body;
  std::string remote;  // peer address
  std::string route;   // the route's name ("cases.get"), set by the router

  // The first value of the header (name in any case), or "".
  std::string_view Header(std::string_view name) const;
  // The first value of the query parameter, or nullopt.
  std::optional<std::string> Query(std::string_view name) const;
  // The value of a {param} of the route pattern, or "".
  std::string_view Param(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
};

// {"error": {"code": code, "message": message}} with `status`.
HttpResponse JsonError(int status, std::string_view code, std::string_view message);
// The HTTP status and error code for a non-OK Status: kInvalidArgument 400
// "invalid_argument", kUnauthenticated 401, kPermissionDenied 403,
// kNotFound 404, kAlreadyExists 409, kFailedPrecondition 409,
// kResourceExhausted 413, kUnavailable 503, others 500 (message hidden).
HttpResponse ErrorFromStatus(const Status& status);
// `value` serialised compactly (invalid UTF-8 replaced) with `status`.
HttpResponse JsonResponse(int status, const nlohmann::json& value);

using Handler = std::function<HttpResponse(HttpRequest&)>;

struct RouteOptions {
  std::size_t max_body_bytes = 0;  // 0: HttpServerOptions::max_body_bytes
};

// Maps (method, path pattern) to handlers. Patterns are literal segments and
// {name} segments matching one non-empty segment: "/v1/cases/{id}/claim".
// Literal segments win over {name} segments. Not thread-safe while adding;
// read-only (and thread-safe) once the server has started.
class Router {
 public:
  void Add(std::string_view method, std::string_view pattern, std::string_view name,
           Handler handler, RouteOptions options = {});

  struct Match {
    const Handler* handler = nullptr;  // null: no route
    std::string name;                  // route name, or "not_found"/"method_not_allowed"
    std::vector<std::pair<std::string, std::string>> params;
    std::size_t max_body_bytes = 0;
    std::vector<std::string> allowed_methods;  // when the path exists under other methods
  };
  Match Find(std::string_view method, std::string_view path) const;

  // Every (method, pattern, name), in insertion order (for the docs tests).
  std::vector<std::tuple<std::string, std::string, std::string>> Routes() const;

 private:
  struct Route;
  std::vector<std::shared_ptr<Route>> routes_;
};

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: an ephemeral port (see HttpServer::port())
  int threads = 0;  // I/O threads; 0: the number of cores, at least 2
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_header_bytes = 16 << 10;
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds body_timeout{30'000};
  std::chrono::milliseconds idle_timeout{75'000};
  std::chrono::milliseconds shutdown_grace{10'000};
  int max_connections = 10'000;
  // A client that does not read a response within this time is disconnected.
  std::chrono::milliseconds write_timeout{30'000};
};

class HttpServer {
 public:
  // Binds, listens and starts the I/O threads. Fails with kUnavailable when
  // the address cannot be bound. `router` and `metrics` (may be null) must
  // outlive the server. Records, per route name: requests by status code and
  // a latency histogram; and the number of open connections.
  static Result<std::unique_ptr<HttpServer>> Start(const HttpServerOptions& options,
                                                   const Router& router, Metrics* metrics);
  ~HttpServer();  // Stop()

  int port() const;
  // Graceful: stops accepting, lets requests in flight finish (up to
  // shutdown_grace), closes idle connections, joins the threads. Idempotent;
  // concurrent callers wait for the first. Must not be called from a handler
  // (it joins the thread the handler runs on).
  void Stop();
  // Blocks until Stop() has completed (from another thread or a signal).
  void Wait();

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

namespace internal {

// Parses one request from `bytes` with the limits the server applies, without
// I/O or handlers, and returns the status the server would answer: 400, 413
// or 431 for a refused request, 404 or 405 for an unrouted one, 200 when a
// handler would be called, 0 when more bytes are needed. For the fuzzer
// (fuzz/http_parser_fuzzer.cc) and tests.
int ParseRequestStatus(std::string_view bytes, const HttpServerOptions& options,
                       const Router& router);

}  // namespace internal

}  // namespace moderato::server

#endif  // MODERATO_SERVER_HTTP_H_
