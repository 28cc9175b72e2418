// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

// GCC 12 rejects (-Wtsan, an error under -Werror) the std::atomic_thread_fence
// that Asio's handler recycling inlines into this file under -fsanitize=thread.
// The fence is Asio's, not ours; the pragma must precede every include.
#if defined(__SANITIZE_THREAD__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wtsan"
#endif

#include "server/http.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <mutex>
#include <random>
#include <thread>
#include <tuple>
#include <unordered_map>

#include "server/metrics.h"

namespace moderato::server {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

using Clock = std::chrono::steady_clock;

constexpr char kRequestsTotal[] = "moderato_http_requests_total";
constexpr char kRequestDuration[] = "moderato_http_request_duration_seconds";
constexpr char kConnections[] = "moderato_http_connections";

char LowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(a[i]) != LowerAscii(b[i])) return false;
  }
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes %XX escapes (and '+' as a space in queries). Returns false on a
// malformed escape.
bool PercentDecode(std::string_view in, bool plus_is_space, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int hi = HexValue(in[i + 1]);
      int lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return true;
}

bool ParseQuery(std::string_view query, std::vector<std::pair<std::string, std::string>>& out) {
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view piece = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (piece.empty()) continue;
    std::size_t eq = piece.find('=');
    std::string key;
    std::string value;
    if (!PercentDecode(piece.substr(0, eq), true, key)) return false;
    if (eq != std::string_view::npos && !PercentDecode(piece.substr(eq + 1), true, value)) {
      return false;
    }
    out.emplace_back(std::move(key), std::move(value));
  }
  return true;
}

// Splits "/a/b" into {"a", "b"}; "/" into {}. Returns false if `path` does
// not start with '/'.
bool SplitPath(std::string_view path, std::vector<std::string_view>& segments) {
  segments.clear();
  if (path.empty() || path.front() != '/') return false;
  path.remove_prefix(1);
  if (path.empty()) return true;
  while (true) {
    std::size_t slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) return true;
    path.remove_prefix(slash + 1);
  }
}

std::string_view MethodLabel(std::string_view method) {
  for (std::string_view known : {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}) {
    if (method == known) return known;
  }
  return "other";
}

bool IsSafeHeaderText(std::string_view s) {
  return std::none_of(s.begin(), s.end(), [](char c) { return c == '\r' || c == '\n' || c == 0; });
}

bool IsAcceptableRequestId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

std::string Dump(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

// ---------------------------------------------------------------------------
// HttpRequest, responses

std::string_view HttpRequest::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (EqualsIgnoreCase(k, name)) return v;
  }
  return {};
}

std::optional<std::string> HttpRequest::Query(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return v;
  }
  return std::nullopt;
}

std::string_view HttpRequest::Param(std::string_view name) const {
  for (const auto& [k, v] : params) {
    if (k == name) return v;
  }
  return {};
}

HttpResponse JsonError(int status, std::string_view code, std::string_view message) {
  HttpResponse response;
  response.status = status;
  response.body =
      Dump({{"error", {{"code", std::string(code)}, {"message", std::string(message)}}}});
  return response;
}

HttpResponse ErrorFromStatus(const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
      return JsonError(400, "invalid_argument", status.message());
    case StatusCode::kUnauthenticated:
      return JsonError(401, "unauthenticated", status.message());
    case StatusCode::kPermissionDenied:
      return JsonError(403, "permission_denied", status.message());
    case StatusCode::kNotFound:
      return JsonError(404, "not_found", status.message());
    case StatusCode::kAlreadyExists:
      return JsonError(409, "already_exists", status.message());
    case StatusCode::kFailedPrecondition:
      return JsonError(409, "failed_precondition", status.message());
    case StatusCode::kResourceExhausted:
      return JsonError(413, "resource_exhausted", status.message());
    case StatusCode::kUnavailable:
      return JsonError(503, "unavailable", status.message());
    default:
      // kInternal, kDataLoss and a misused OK: the detail stays in the logs.
      return JsonError(500, "internal", "internal error");
  }
}

HttpResponse JsonResponse(int status, const nlohmann::json& value) {
  HttpResponse response;
  response.status = status;
  response.body = Dump(value);
  return response;
}

// ---------------------------------------------------------------------------
// Router

struct Router::Route {
  std::string method;
  std::string pattern;
  std::string name;
  std::vector<std::string> segments;  // literal text, or the parameter name
  std::vector<bool> is_param;
  Handler handler;
  RouteOptions options;
};

void Router::Add(std::string_view method, std::string_view pattern, std::string_view name,
                 Handler handler, RouteOptions options) {
  auto route = std::make_shared<Route>();
  route->method = std::string(method);
  route->pattern = std::string(pattern);
  route->name = std::string(name);
  route->handler = std::move(handler);
  route->options = options;
  std::vector<std::string_view> segments;
  MODERATO_CHECK_MSG(SplitPath(pattern, segments), "route pattern must start with '/'");
  for (std::string_view segment : segments) {
    const bool param = segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
    route->is_param.push_back(param);
    route->segments.emplace_back(param ? segment.substr(1, segment.size() - 2) : segment);
  }
  routes_.push_back(std::move(route));
}

Router::Match Router::Find(std::string_view method, std::string_view path) const {
  Match match;
  match.name = "not_found";
  std::vector<std::string_view> segments;
  if (!SplitPath(path, segments)) return match;
  const Route* best = nullptr;
  for (const auto& route : routes_) {
    if (route->segments.size() != segments.size()) continue;
    bool ok = true;
    for (std::size_t i = 0; i < segments.size() && ok; ++i) {
      ok = route->is_param[i] ? !segments[i].empty() : segments[i] == route->segments[i];
    }
    if (!ok) continue;
    if (route->method != method) {
      if (std::find(match.allowed_methods.begin(), match.allowed_methods.end(), route->method) ==
          match.allowed_methods.end()) {
        match.allowed_methods.push_back(route->method);
      }
      continue;
    }
    // Literal segments win: compare the param flags left to right.
    if (best == nullptr || route->is_param < best->is_param) best = route.get();
  }
  if (best == nullptr) {
    if (!match.allowed_methods.empty()) match.name = "method_not_allowed";
    return match;
  }
  match.allowed_methods.clear();
  match.handler = &best->handler;
  match.name = best->name;
  match.max_body_bytes = best->options.max_body_bytes;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (best->is_param[i]) match.params.emplace_back(best->segments[i], std::string(segments[i]));
  }
  return match;
}

std::vector<std::tuple<std::string, std::string, std::string>> Router::Routes() const {
  std::vector<std::tuple<std::string, std::string, std::string>> out;
  out.reserve(routes_.size());
  for (const auto& route : routes_) out.emplace_back(route->method, route->pattern, route->name);
  return out;
}

// ---------------------------------------------------------------------------
// HttpServer

namespace {

class Session;

// The state shared by the acceptor and every session. HttpServer::Impl is
// this; it lives in the anonymous namespace so sessions can name it.
struct ServerCore {
  ServerCore(const HttpServerOptions& o, const Router& r, Metrics* m)
      : options(o), router(r), metrics(m), ioc(o.threads) {}

  void DoAccept();
  void OnAccept(tcp::socket socket);
  void DoStop();
  void Unregister(std::uint64_t id);
  std::string NextRequestId();

  HttpServerOptions options;
  const Router& router;
  Metrics* metrics;

  // Declared before `ioc` so that sessions destroyed with the io_context
  // can still unregister.
  std::mutex mu;
  std::condition_variable cv;
  std::unordered_map<std::uint64_t, std::weak_ptr<Session>> sessions;  // guarded by mu
  std::uint64_t next_session_id = 0;                                   // guarded by mu
  bool stopped = false;                                                // guarded by mu
  std::atomic<bool> stopping{false};                                   // written under mu
  std::once_flag stop_once;
  std::atomic<int> connections{0};
  std::atomic<std::uint64_t> request_counter{0};
  std::uint32_t request_prefix = 0;
  int port = 0;

  net::io_context ioc;
  tcp::acceptor acceptor{net::make_strand(ioc)};
  net::steady_timer accept_retry{acceptor.get_executor()};
  std::vector<std::thread> threads;
};

using RequestParser = http::request_parser<http::string_body>;

struct TransportError {
  int status;
  std::string_view code;
  std::string message;
};

// Validates a request whose header has been parsed: the target, the query,
// the route and the body size announced by Content-Length. On success fills
// `path`, `query` and `match` and sets the route's body limit on `parser`.
std::optional<TransportError> CheckHeader(RequestParser& parser, const Router& router,
                                          const HttpServerOptions& options, std::string& path,
                                          std::vector<std::pair<std::string, std::string>>& query,
                                          Router::Match& match) {
  match = Router::Match();
  match.name = "invalid_request";
  auto& req = parser.get();
  std::string_view target(req.target().data(), req.target().size());
  std::size_t q = target.find('?');
  if (target.empty() || target.front() != '/' || !PercentDecode(target.substr(0, q), false, path)) {
    return TransportError{400, "bad_request", "malformed request target"};
  }
  query.clear();
  if (q != std::string_view::npos && !ParseQuery(target.substr(q + 1), query)) {
    return TransportError{400, "bad_request", "malformed query string"};
  }
  std::string_view method(req.method_string().data(), req.method_string().size());
  match = router.Find(method, path);
  const std::size_t limit =
      match.max_body_bytes > 0 ? match.max_body_bytes : options.max_body_bytes;
  if (auto length = parser.content_length(); length && *length > limit) {
    return TransportError{413, "payload_too_large",
                          "request body exceeds " + std::to_string(limit) + " bytes"};
  }
  parser.body_limit(limit);
  return std::nullopt;
}

void ConfigureParser(RequestParser& parser, const HttpServerOptions& options) {
  parser.header_limit(
      static_cast<std::uint32_t>(std::min<std::size_t>(options.max_header_bytes, UINT32_MAX)));
  parser.body_limit(boost::none);  // the route decides, once the header is in
}

// True for errors of the HTTP grammar (answered with 400), as opposed to the
// peer going away.
bool IsMalformedRequest(beast::error_code ec) {
  return ec.category() == http::make_error_code(http::error::bad_method).category() &&
         ec != http::error::end_of_stream && ec != http::error::partial_message &&
         ec != http::error::need_more;
}

// One connection. Every member is touched only from the connection's strand.
// Read deadlines use a timer of our own that cancels the socket (instead of
// tcp_stream's expiry, which closes it) so that a 408 can still be written.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(ServerCore& server, tcp::socket socket, std::uint64_t id, std::string remote)
      : server_(server),
        stream_(std::move(socket)),
        timer_(stream_.get_executor()),
        id_(id),
        remote_(std::move(remote)),
        accepted_(Clock::now()) {}

  ~Session() { server_.Unregister(id_); }

  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  net::any_io_executor executor() { return stream_.get_executor(); }

  void Start() { WaitForRequest(); }

  // Graceful stop: idle connections close now; others close after their
  // current response.
  void OnStop() {
    stop_requested_ = true;
    if (phase_ == Phase::kIdle) Close();
  }

  void ForceClose() { Close(); }

 private:
  enum class Phase { kIdle, kHeader, kBody, kHandler, kWrite, kLinger, kClosed };

  void Arm(Clock::time_point deadline) {
    timed_out_ = false;
    const unsigned generation = ++timer_generation_;
    timer_.expires_at(deadline);
    timer_.async_wait([self = shared_from_this(), generation](beast::error_code ec) {
      if (ec || generation != self->timer_generation_ || self->phase_ == Phase::kClosed) return;
      self->timed_out_ = true;
      beast::error_code ignored;
      self->stream_.socket().cancel(ignored);
    });
  }

  void Disarm() {
    ++timer_generation_;
    timer_.cancel();
  }

  // Waits for the first byte of the next request: idle_timeout on a kept-alive
  // connection, the header deadline on a new one.
  void WaitForRequest() {
    if (stop_requested_ || server_.stopping.load(std::memory_order_relaxed)) {
      if (buffer_.size() == 0) return Close();
    }
    header_deadline_ =
        first_request_ ? accepted_ + server_.options.header_timeout : Clock::time_point::max();
    if (buffer_.size() > 0) return ReadHeader();
    phase_ = Phase::kIdle;
    Arm(first_request_ ? header_deadline_ : Clock::now() + server_.options.idle_timeout);
    stream_.async_read_some(
        buffer_.prepare(4096), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
          self->buffer_.commit(n);
          if (self->phase_ == Phase::kClosed) return;
          if (ec) {
            if (self->timed_out_ && self->first_request_) {
              return self->SendTransportError(408, "request_timeout",
                                              "request headers not received in time");
            }
            return self->Close();
          }
          self->ReadHeader();
        });
  }

  void ReadHeader() {
    phase_ = Phase::kHeader;
    if (header_deadline_ == Clock::time_point::max()) {
      header_deadline_ = Clock::now() + server_.options.header_timeout;
    }
    Arm(header_deadline_);
    parser_.emplace();
    ConfigureParser(*parser_, server_.options);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    Disarm();
    if (phase_ == Phase::kClosed) return;
    if (ec) {
      if (timed_out_) {
        return SendTransportError(408, "request_timeout", "request headers not received in time");
      }
      if (ec == http::error::header_limit) {
        return SendTransportError(431, "headers_too_large",
                                  "request headers exceed " +
                                      std::to_string(server_.options.max_header_bytes) + " bytes");
      }
      return OnReadError(ec);
    }
    start_ = Clock::now();
    if (std::optional<TransportError> error =
            CheckHeader(*parser_, server_.router, server_.options, path_, query_, match_)) {
      return SendTransportError(error->status, error->code, std::move(error->message));
    }
    auto& req = parser_->get();
    if (parser_->is_done()) return Dispatch();
    auto expect = req.find(http::field::expect);
    if (expect != req.end() &&
        EqualsIgnoreCase(std::string_view(expect->value().data(), expect->value().size()),
                         "100-continue")) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      phase_ = Phase::kWrite;
      Arm(Clock::now() + server_.options.write_timeout);
      return net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                              [self = shared_from_this()](beast::error_code wec, std::size_t) {
                                self->Disarm();
                                if (wec || self->phase_ == Phase::kClosed) return self->Close();
                                self->ReadBody();
                              });
    }
    ReadBody();
  }

  void ReadBody() {
    phase_ = Phase::kBody;
    Arm(Clock::now() + server_.options.body_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       self->Disarm();
                       if (self->phase_ == Phase::kClosed) return;
                       if (ec) {
                         if (self->timed_out_) {
                           return self->SendTransportError(408, "request_timeout",
                                                           "request body not received in time");
                         }
                         if (ec == http::error::body_limit) {
                           return self->SendTransportError(413, "payload_too_large",
                                                           "request body exceeds the limit");
                         }
                         return self->OnReadError(ec);
                       }
                       self->Dispatch();
                     });
  }

  void OnReadError(beast::error_code ec) {
    if (IsMalformedRequest(ec)) {
      return SendTransportError(400, "bad_request", "malformed HTTP request: " + ec.message());
    }
    Close();
  }

  void Dispatch() {
    phase_ = Phase::kHandler;
    auto& msg = parser_->get();
    HttpRequest request;
    request.method = std::string(msg.method_string());
    request.target = std::string(msg.target());
    request.path = std::move(path_);
    request.query = std::move(query_);
    request.headers.reserve(8);
    for (const auto& field : msg) {
      std::string name(field.name_string());
      for (char& c : name) c = LowerAscii(c);
      request.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    std::string request_id(request.Header("x-request-id"));
    if (!IsAcceptableRequestId(request_id)) {
      request_id = server_.NextRequestId();
      request.headers.emplace_back("x-request-id", request_id);
    }
    request.params = std::move(match_.params);
    request.body = std::move(msg.body());
    request.remote = remote_;
    request.route = match_.name;

    HttpResponse response;
    if (match_.handler != nullptr) {
      try {
        response = (*match_.handler)(request);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "moderato serve: handler %s threw (request %s): %s\n",
                     match_.name.c_str(), request_id.c_str(), e.what());
        response = JsonError(500, "internal", "internal error");
      } catch (...) {
        std::fprintf(stderr, "moderato serve: handler %s threw (request %s)\n", match_.name.c_str(),
                     request_id.c_str());
        response = JsonError(500, "internal", "internal error");
      }
    } else if (!match_.allowed_methods.empty()) {
      response = JsonError(405, "method_not_allowed", "method not allowed for this path");
      std::string allow;
      for (const auto& m : match_.allowed_methods) {
        if (!allow.empty()) allow += ", ";
        allow += m;
      }
      response.headers.emplace_back("Allow", std::move(allow));
    } else {
      response = JsonError(404, "not_found", "no such path");
    }
    const bool keep_alive =
        msg.keep_alive() && !stop_requested_ && !server_.stopping.load(std::memory_order_relaxed);
    Send(std::move(response), keep_alive, match_.name, request.method, request_id,
         request.method == "HEAD");
  }

  // Answers an error found before the handler, then closes: the rest of the
  // request (if any) is not read.
  void SendTransportError(int status, std::string_view code, std::string message) {
    if (!parser_ || !parser_->is_header_done()) {
      match_ = Router::Match();
      match_.name = "invalid_request";
      start_ = Clock::now();
    }
    std::string method = parser_ && parser_->is_header_done()
                             ? std::string(parser_->get().method_string())
                             : std::string("other");
    Send(JsonError(status, code, message), /*keep_alive=*/false, match_.name, method,
         server_.NextRequestId(), false);
  }

  void Send(HttpResponse response, bool keep_alive, const std::string& route,
            std::string_view method, const std::string& request_id, bool head) {
    if (response.status < 100 || response.status > 599) {
      response = JsonError(500, "internal", "internal error");
    }
    res_ = {};
    res_.version(parser_ && parser_->is_header_done() ? parser_->get().version() : 11);
    res_.result(static_cast<unsigned>(response.status));
    res_.set(http::field::content_type, response.content_type.empty()
                                            ? std::string_view("application/octet-stream")
                                            : std::string_view(response.content_type));
    res_.set("X-Request-Id", request_id);
    for (const auto& [name, value] : response.headers) {
      if (name.empty() || !IsSafeHeaderText(name) || !IsSafeHeaderText(value)) continue;
      res_.set(name, value);
    }
    res_.keep_alive(keep_alive);
    if (!head) res_.body() = std::move(response.body);
    res_.prepare_payload();

    if (server_.metrics != nullptr) {
      const double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
      server_.metrics->Inc(kRequestsTotal, {{"route", route},
                                            {"method", std::string(MethodLabel(method))},
                                            {"status", std::to_string(response.status)}});
      server_.metrics->Observe(kRequestDuration, {{"route", route}}, seconds);
    }

    phase_ = Phase::kWrite;
    Arm(Clock::now() + server_.options.write_timeout);
    http::async_write(stream_, res_,
                      [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
                        self->Disarm();
                        if (self->phase_ == Phase::kClosed) return;
                        if (ec) return self->Close();
                        if (!keep_alive) return self->Linger();
                        self->first_request_ = false;
                        self->parser_.reset();
                        self->WaitForRequest();
                      });
  }

  // Half-closes and drains what the client still sends for a moment, so that
  // unread request bytes do not turn our close into a reset that could
  // destroy the response before the client reads it.
  void Linger() {
    phase_ = Phase::kLinger;
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    Arm(Clock::now() + std::chrono::milliseconds(500));
    linger_budget_ = 1 << 20;
    DrainSome();
  }

  void DrainSome() {
    buffer_.clear();
    stream_.async_read_some(buffer_.prepare(16 << 10),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              if (self->phase_ == Phase::kClosed) return;
                              if (ec || n >= self->linger_budget_) return self->Close();
                              self->linger_budget_ -= n;
                              self->DrainSome();
                            });
  }

  void Close() {
    if (phase_ == Phase::kClosed) return;
    phase_ = Phase::kClosed;
    Disarm();
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

  ServerCore& server_;
  beast::tcp_stream stream_;
  net::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;
  http::response<http::string_body> res_;
  Router::Match match_;
  std::string path_;
  std::vector<std::pair<std::string, std::string>> query_;
  Phase phase_ = Phase::kIdle;
  bool timed_out_ = false;
  unsigned timer_generation_ = 0;
  bool stop_requested_ = false;
  bool first_request_ = true;
  std::size_t linger_budget_ = 0;
  std::uint64_t id_;
  std::string remote_;
  Clock::time_point accepted_;
  Clock::time_point header_deadline_;
  Clock::time_point start_;
};

}  // namespace

struct HttpServer::Impl : ServerCore {
  using ServerCore::ServerCore;
};

std::string ServerCore::NextRequestId() {
  char buf[40];
  std::snprintf(
      buf, sizeof buf, "%08x-%llx", request_prefix,
      static_cast<unsigned long long>(request_counter.fetch_add(1, std::memory_order_relaxed)));
  return buf;
}

void ServerCore::Unregister(std::uint64_t id) {
  {
    std::lock_guard lock(mu);
    sessions.erase(id);
    connections.fetch_sub(1, std::memory_order_relaxed);
  }
  cv.notify_all();
  if (metrics != nullptr) metrics->Inc(kConnections, {}, -1);
}

void ServerCore::DoAccept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (!acceptor.is_open() || stopping.load()) return;
    if (ec) {
      // EMFILE and friends: back off instead of spinning.
      accept_retry.expires_after(std::chrono::milliseconds(50));
      accept_retry.async_wait([this](beast::error_code wec) {
        if (!wec) DoAccept();
      });
      return;
    }
    OnAccept(std::move(socket));
    DoAccept();
  });
}

void ServerCore::OnAccept(tcp::socket socket) {
  beast::error_code ec;
  if (connections.load(std::memory_order_relaxed) >= options.max_connections) {
    socket.close(ec);
    return;
  }
  socket.set_option(tcp::no_delay(true), ec);
  auto endpoint = socket.remote_endpoint(ec);
  std::string remote = ec ? std::string() : endpoint.address().to_string();
  std::shared_ptr<Session> session;
  {
    std::lock_guard lock(mu);
    if (stopping.load()) {
      socket.close(ec);
      return;
    }
    const std::uint64_t id = next_session_id++;
    session = std::make_shared<Session>(*this, std::move(socket), id, std::move(remote));
    sessions.emplace(id, session);
    connections.fetch_add(1, std::memory_order_relaxed);
  }
  if (metrics != nullptr) metrics->Inc(kConnections, {}, 1);
  net::dispatch(session->executor(), [session] { session->Start(); });
}

void ServerCore::DoStop() {
  std::vector<std::weak_ptr<Session>> snapshot;
  {
    std::lock_guard lock(mu);
    stopping.store(true);
    for (const auto& [id, weak] : sessions) snapshot.push_back(weak);
  }
  net::post(acceptor.get_executor(), [this] {
    beast::error_code ignored;
    acceptor.close(ignored);
    accept_retry.cancel();
  });
  for (const auto& weak : snapshot) {
    if (auto session = weak.lock()) {
      net::post(session->executor(), [session] { session->OnStop(); });
    }
  }
  snapshot.clear();
  std::unique_lock lock(mu);
  if (!cv.wait_for(lock, options.shutdown_grace, [&] { return sessions.empty(); })) {
    for (const auto& [id, weak] : sessions) snapshot.push_back(weak);
    lock.unlock();
    for (const auto& weak : snapshot) {
      if (auto session = weak.lock()) {
        net::post(session->executor(), [session] { session->ForceClose(); });
      }
    }
    snapshot.clear();
    lock.lock();
    cv.wait_for(lock, std::chrono::seconds(1), [&] { return sessions.empty(); });
  }
  lock.unlock();
  ioc.stop();
  for (std::thread& t : threads) {
    if (t.joinable()) t.join();
  }
  lock.lock();
  stopped = true;
  lock.unlock();
  cv.notify_all();
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Stop(); }

int HttpServer::port() const { return impl_->port; }

void HttpServer::Stop() {
  std::call_once(impl_->stop_once, [this] { impl_->DoStop(); });
}

void HttpServer::Wait() {
  std::unique_lock lock(impl_->mu);
  impl_->cv.wait(lock, [&] { return impl_->stopped; });
}

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpServerOptions& options,
                                                      const Router& router, Metrics* metrics) {
  HttpServerOptions opts = options;
  if (opts.threads <= 0) {
    opts.threads = std::max(2, static_cast<int>(std::thread::hardware_concurrency()));
  }
  auto impl = std::make_unique<Impl>(opts, router, metrics);
  impl->request_prefix = std::random_device{}();

  beast::error_code ec;
  tcp::endpoint endpoint;
  auto address = net::ip::make_address(opts.host, ec);
  if (!ec) {
    endpoint = tcp::endpoint(address, static_cast<unsigned short>(opts.port));
  } else {
    tcp::resolver resolver(impl->ioc);
    auto results = resolver.resolve(opts.host, std::to_string(opts.port), ec);
    if (ec || results.empty()) {
      return UnavailableError("cannot resolve " + opts.host + ": " + ec.message());
    }
    endpoint = results.begin()->endpoint();
  }
  const std::string where = opts.host + ":" + std::to_string(opts.port);
  auto& acceptor = impl->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return UnavailableError("cannot listen on " + where + ": " + ec.message());
  impl->port = acceptor.local_endpoint(ec).port();

  if (metrics != nullptr) {
    metrics->DescribeCounter(kRequestsTotal,
                             "HTTP requests answered, by route, method and status.");
    metrics->DescribeHistogram(
        kRequestDuration, "Time from the end of the request headers to the response, in seconds.",
        {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10});
    metrics->DescribeGauge(kConnections, "Open HTTP connections.");
    metrics->Inc(kConnections, {}, 0);
  }

  Impl* raw = impl.get();
  net::post(raw->acceptor.get_executor(), [raw] { raw->DoAccept(); });
  for (int i = 0; i < opts.threads; ++i) {
    raw->threads.emplace_back([raw] {
      while (true) {
        try {
          raw->ioc.run();
          return;
        } catch (const std::exception& e) {
          std::fprintf(stderr, "moderato serve: I/O thread caught: %s\n", e.what());
        }
      }
    });
  }
  // The constructor is private, out of std::make_unique's reach.
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

namespace internal {

int ParseRequestStatus(std::string_view bytes, const HttpServerOptions& options,
                       const Router& router) {
  RequestParser parser;
  ConfigureParser(parser, options);
  beast::error_code ec;
  std::size_t used = 0;
  while (!parser.is_header_done()) {
    std::size_t n = parser.put(net::buffer(bytes.data() + used, bytes.size() - used), ec);
    used += n;
    if (ec == http::error::need_more) return 0;
    if (ec == http::error::header_limit) return 431;
    if (ec) return 400;
    if (n == 0 && !parser.is_header_done()) return 0;
  }
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
  Router::Match match;
  if (auto error = CheckHeader(parser, router, options, path, query, match)) return error->status;
  while (!parser.is_done()) {
    if (used == bytes.size()) return 0;
    std::size_t n = parser.put(net::buffer(bytes.data() + used, bytes.size() - used), ec);
    used += n;
    if (ec == http::error::need_more) return 0;
    if (ec == http::error::body_limit) return 413;
    if (ec) return 400;
    if (n == 0) return 0;
  }
  if (match.handler != nullptr) return 200;
  return match.allowed_methods.empty() ? 404 : 405;
}

}  // namespace internal

}  // namespace moderato::server
