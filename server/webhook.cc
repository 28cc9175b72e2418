// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

// GCC 12 rejects (-Wtsan, an error under -Werror) the std::atomic_thread_fence
// that Asio's handler recycling inlines under -fsanitize=thread (as in
// http.cc). The pragma must precede every include.
#if defined(__SANITIZE_THREAD__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wtsan"
#endif
// GCC 12 at -O3 reports -Wmaybe-uninitialized inside Beast's response parser
// (the boost::optional content length in basic_parser::do_field), a false
// positive in Boost's code that -Werror would turn into a failed build.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "server/webhook.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cmath>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <utility>
#include <vector>

#include "server/metrics.h"

#ifndef MODERATO_WEBHOOK_HTTPS
#define MODERATO_WEBHOOK_HTTPS 0
#endif
#if MODERATO_WEBHOOK_HTTPS
#include <openssl/ssl.h>

#include <boost/asio/ssl.hpp>
#endif

namespace moderato::server {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

using Clock = std::chrono::steady_clock;

constexpr char kDeliveriesTotal[] = "moderato_webhook_deliveries_total";
constexpr char kAttemptDuration[] = "moderato_webhook_attempt_duration_seconds";
constexpr char kUserAgent[] = "moderato-webhook/1";
constexpr std::size_t kMaxErrorText = 200;
// How often an attempt in flight checks for Stop() and for the deadline of
// the steps beast's tcp_stream does not time (DNS).
constexpr std::chrono::milliseconds kSlice{50};

std::int64_t WallNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Hex(const unsigned char* bytes, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(2 * n, '0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 0xf];
  }
  return out;
}

struct ParsedUrl {
  bool tls = false;
  std::string host;  // without IPv6 brackets
  std::string port;
  std::string target;       // path and query, at least "/"
  std::string host_header;  // as in the URL, e.g. "[::1]:8080"
};

// RFC 3986 authority and path of an http(s) URL that ValidateWebhookUrl
// accepted. The fragment is never sent; user information is refused rather
// than sent as Basic credentials nobody asked for.
Result<ParsedUrl> ParseUrl(std::string_view url) {
  ParsedUrl u;
  if (url.starts_with("https://")) {
    u.tls = true;
    url.remove_prefix(8);
  } else if (url.starts_with("http://")) {
    url.remove_prefix(7);
  } else {
    return InvalidArgumentError("url is not http:// or https://");
  }
  if (std::size_t hash = url.find('#'); hash != std::string_view::npos) url = url.substr(0, hash);
  std::size_t end = url.find_first_of("/?");
  std::string_view authority = url.substr(0, end);
  std::string_view rest = end == std::string_view::npos ? "" : url.substr(end);
  if (authority.find('@') != std::string_view::npos) {
    return InvalidArgumentError("url has user information");
  }
  u.host_header = std::string(authority);
  std::string_view port;
  if (authority.starts_with('[')) {
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return InvalidArgumentError("url has a bad IPv6 host");
    u.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return InvalidArgumentError("url has a bad IPv6 host");
      port = after.substr(1);
    }
  } else {
    std::size_t colon = authority.rfind(':');
    u.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (u.host.empty()) return InvalidArgumentError("url has no host");
  if (port.empty()) port = u.tls ? "443" : "80";
  if (port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return InvalidArgumentError("url has a bad port");
  }
  u.port = std::string(port);
  u.target = rest.empty() || rest.front() == '?' ? "/" + std::string(rest) : std::string(rest);
  return u;
}

// The outcome of one attempt. `stopped`: Stop() abandoned it, nothing is
// recorded.
struct Outcome {
  bool delivered = false;
  bool stopped = false;
  std::string error;
};

Outcome Failure(std::string error) {
  if (error.size() > kMaxErrorText) error.resize(kMaxErrorText);
  return Outcome{false, false, std::move(error)};
}

enum class Interrupt { kNone, kTimeout, kStopped };

// The error to report for an operation that failed with `ec`: a timeout
// when the deadline aborted it, whichever of the stream's timer and
// Drive() noticed first.
beast::error_code Timed(Interrupt why, const beast::error_code& ec) {
  return why == Interrupt::kTimeout ? beast::error_code(beast::error::timeout) : ec;
}

}  // namespace

struct WebhookWorker::Impl {
  Impl(ModerationStore& s, WebhookOptions o, Metrics* m)
      : store(s), options(std::move(o)), metrics(m), rng(std::random_device{}()) {}

  ModerationStore& store;
  const WebhookOptions options;
  Metrics* const metrics;

  // Stop() sets it; attempts in flight poll it.
  std::atomic<bool> stopping{false};

  std::mutex mu;
  std::condition_variable cv;
  bool stop_requested = false;  // guarded by mu
  bool wake_requested = false;  // guarded by mu

  std::mutex join_mu;  // held by Stop() while joining, so concurrent callers wait
  std::thread thread;

  // Serialises passes. Everything below is used only while it is held.
  std::mutex run_mu;
  net::io_context ioc{1};
  std::mt19937_64 rng;
#if MODERATO_WEBHOOK_HTTPS
  std::optional<net::ssl::context> tls;
#endif

  struct PassResult {
    int delivered = 0;
    int read = 0;  // messages read from the outbox
    Status status;
  };

  void Loop();
  PassResult Pass(const std::function<std::int64_t()>& clock);
  Outcome Send(const OutboxMessage& message, const std::string& signature);
  template <typename Stream>
  Outcome Exchange(Stream& stream, beast::tcp_stream& lowest, const ParsedUrl& url,
                   const OutboxMessage& message, const std::string& signature,
                   Clock::time_point deadline);
  // Runs the io_context until `done`. When the deadline passes or Stop() is
  // called first, calls `abort` once, which makes the operation complete
  // with an error; returns why it was aborted.
  Interrupt Drive(const bool& done, Clock::time_point deadline, const std::function<void()>& abort);
  std::string Describe(std::string_view step, const beast::error_code& ec) const;
  void Count(std::string_view result) {
    if (metrics != nullptr) metrics->Inc(kDeliveriesTotal, {{"result", std::string(result)}});
  }
};

Interrupt WebhookWorker::Impl::Drive(const bool& done, Clock::time_point deadline,
                                     const std::function<void()>& abort) {
  Interrupt why = Interrupt::kNone;
  while (!done) {
    if (ioc.stopped()) ioc.restart();
    ioc.run_one_for(kSlice);
    if (done || why != Interrupt::kNone) continue;
    if (stopping.load()) {
      why = Interrupt::kStopped;
    } else if (Clock::now() >= deadline) {
      why = Interrupt::kTimeout;
    } else {
      continue;
    }
    abort();
  }
  return why;
}

std::string WebhookWorker::Impl::Describe(std::string_view step,
                                          const beast::error_code& ec) const {
  if (ec == beast::error::timeout) {
    return "timed out after " + std::to_string(options.timeout.count()) + " ms (" +
           std::string(step) + ")";
  }
  if (ec == http::error::body_limit || ec == http::error::header_limit ||
      ec == http::error::buffer_overflow) {
    return "response larger than " + std::to_string(options.max_response_bytes) + " bytes";
  }
  if (ec.category() == http::make_error_code(http::error::bad_version).category())
    return "bad response: " + ec.message();
  return std::string(step) + ": " + ec.message();
}

template <typename Stream>
Outcome WebhookWorker::Impl::Exchange(Stream& stream, beast::tcp_stream& lowest,
                                      const ParsedUrl& url, const OutboxMessage& message,
                                      const std::string& signature, Clock::time_point deadline) {
  http::request<http::string_body> request{http::verb::post, url.target, 11};
  request.set(http::field::host, url.host_header);
  request.set(http::field::user_agent, kUserAgent);
  request.set(http::field::content_type, "application/json");
  request.set(http::field::connection, "close");
  request.set("X-Moderato-Event", message.event);
  request.set("X-Moderato-Delivery", std::to_string(message.id));
  request.set("X-Moderato-Signature", signature);
  request.body() = message.payload;
  request.prepare_payload();

  const auto abort = [&lowest] { lowest.cancel(); };
  bool done = false;
  beast::error_code ec;
  lowest.expires_at(deadline);
  http::async_write(stream, request, [&](beast::error_code e, std::size_t) {
    ec = e;
    done = true;
  });
  Interrupt why = Drive(done, deadline, abort);
  if (why == Interrupt::kStopped) return Outcome{false, true, ""};
  if (ec) return Failure(Describe("write", Timed(why, ec)));

  // The buffer's limit bounds the header, the parser's the body.
  beast::flat_buffer buffer(std::max<std::size_t>(options.max_response_bytes, 1));
  http::response_parser<http::string_body> parser;
  parser.body_limit(options.max_response_bytes);
  parser.header_limit(static_cast<std::uint32_t>(
      std::min<std::size_t>(options.max_response_bytes, std::uint32_t{0xffffffff})));
  done = false;
  lowest.expires_at(deadline);
  http::async_read(stream, buffer, parser, [&](beast::error_code e, std::size_t) {
    ec = e;
    done = true;
  });
  why = Drive(done, deadline, abort);
  if (why == Interrupt::kStopped) return Outcome{false, true, ""};
  if (ec) return Failure(Describe("read", Timed(why, ec)));

  beast::error_code ignored;
  lowest.socket().shutdown(tcp::socket::shutdown_both, ignored);
  lowest.close();
  const unsigned status = parser.get().result_int();
  if (status >= 200 && status < 300) return Outcome{true, false, ""};
  return Failure("HTTP " + std::to_string(status));
}

Outcome WebhookWorker::Impl::Send(const OutboxMessage& message, const std::string& signature) {
  Result<ParsedUrl> url = ParseUrl(message.url);
  if (!url.ok()) return Failure(url.status().message());
#if !MODERATO_WEBHOOK_HTTPS
  if (url->tls) return Failure("https is not supported by this build");
#endif
  const Clock::time_point deadline = Clock::now() + options.timeout;

  tcp::resolver resolver(ioc);
  tcp::resolver::results_type endpoints;
  bool done = false;
  beast::error_code ec;
  resolver.async_resolve(url->host, url->port,
                         [&](beast::error_code e, tcp::resolver::results_type results) {
                           ec = e;
                           endpoints = std::move(results);
                           done = true;
                         });
  Interrupt why = Drive(done, deadline, [&resolver] { resolver.cancel(); });
  if (why == Interrupt::kStopped) return Outcome{false, true, ""};
  if (ec) return Failure(Describe("dns", Timed(why, ec)));

  beast::tcp_stream stream(ioc);
  done = false;
  stream.expires_at(deadline);
  stream.async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) {
    ec = e;
    done = true;
  });
  why = Drive(done, deadline, [&stream] { stream.cancel(); });
  if (why == Interrupt::kStopped) return Outcome{false, true, ""};
  if (ec) return Failure(Describe("connect", Timed(why, ec)));

  if (!url->tls) return Exchange(stream, stream, *url, message, signature, deadline);
#if MODERATO_WEBHOOK_HTTPS
  net::ssl::stream<beast::tcp_stream> tls_stream(std::move(stream), *tls);
  beast::tcp_stream& lowest = tls_stream.next_layer();
  beast::error_code address_ec;
  net::ip::make_address(url->host, address_ec);
  // SNI carries host names only (RFC 6066 section 3).
  if (address_ec && SSL_set_tlsext_host_name(tls_stream.native_handle(), url->host.c_str()) != 1) {
    return Failure("tls: cannot set the server name");
  }
  tls_stream.set_verify_mode(net::ssl::verify_peer);
  tls_stream.set_verify_callback(net::ssl::host_name_verification(url->host));
  done = false;
  lowest.expires_at(deadline);
  tls_stream.async_handshake(net::ssl::stream_base::client, [&](beast::error_code e) {
    ec = e;
    done = true;
  });
  why = Drive(done, deadline, [&lowest] { lowest.cancel(); });
  if (why == Interrupt::kStopped) return Outcome{false, true, ""};
  if (ec) return Failure(Describe("tls", Timed(why, ec)));
  return Exchange(tls_stream, lowest, *url, message, signature, deadline);
#else
  return Failure("https is not supported by this build");
#endif
}

WebhookWorker::Impl::PassResult WebhookWorker::Impl::Pass(
    const std::function<std::int64_t()>& clock) {
  PassResult result;
  std::lock_guard run_lock(run_mu);
  if (stopping.load()) return result;
  Result<std::vector<OutboxMessage>> due = store.DueOutbox(clock(), options.batch);
  if (!due.ok()) {
    result.status = due.status();
    return result;
  }
  result.read = static_cast<int>(due->size());
  for (const OutboxMessage& message : *due) {
    if (stopping.load()) break;
    const std::int64_t now = clock();
    Result<std::string> secret = store.GetWebhookSecret(message.org);
    if (!secret.ok() && secret.status().code() != StatusCode::kNotFound) {
      result.status = secret.status();
      return result;
    }
    if (!secret.ok() || secret->empty()) {
      Status marked = store.MarkAttemptFailed(message.id, "the organisation has no webhook", now,
                                              /*give_up=*/true);
      if (!marked.ok() && marked.code() != StatusCode::kFailedPrecondition) {
        result.status = marked;
        return result;
      }
      Count("gave_up");
      continue;
    }
    Result<std::string> signature = WebhookSignature(*secret, now, message.payload);
    Outcome outcome;
    const Clock::time_point started = Clock::now();
    if (!signature.ok()) {
      outcome = Failure(signature.status().message());
    } else {
      // Asio and Beast report errors through error codes; what is left to
      // throw is allocation or a broken invariant, so the attempt fails
      // instead of the thread.
      try {
        outcome = Send(message, *signature);
      } catch (const std::exception& e) {
        outcome = Failure(std::string("internal: ") + e.what());
      }
    }
    if (outcome.stopped) break;
    if (metrics != nullptr) {
      metrics->Observe(kAttemptDuration, {},
                       std::chrono::duration<double>(Clock::now() - started).count());
    }
    Status marked;
    if (outcome.delivered) {
      marked = store.MarkDelivered(message.id, now);
      if (marked.ok()) {
        ++result.delivered;
        Count("delivered");
      }
    } else {
      const int failed = message.attempts + 1;
      const bool give_up = failed >= options.max_attempts;
      std::int64_t next = now;
      if (!give_up) {
        std::uniform_real_distribution<double> jitter(0.8, 1.2);
        next += internal::WebhookBackoff(options, failed, jitter(rng)).count();
      }
      marked = store.MarkAttemptFailed(message.id, outcome.error, next, give_up);
      if (marked.ok()) Count(give_up ? "gave_up" : "failed");
    }
    // kFailedPrecondition: someone else (another worker on the file) has
    // settled the message meanwhile; nothing is lost.
    if (!marked.ok() && marked.code() != StatusCode::kFailedPrecondition) {
      result.status = marked;
      return result;
    }
  }
  return result;
}

void WebhookWorker::Impl::Loop() {
  const std::function<std::int64_t()> clock = WallNow;
  std::unique_lock lock(mu);
  while (!stop_requested) {
    wake_requested = false;
    lock.unlock();
    PassResult pass = Pass(clock);
    lock.lock();
    // A full batch means more may be due: go on at once, unless the store
    // is failing (then wait, rather than spin on the error).
    if (pass.status.ok() && pass.read >= options.batch) continue;
    cv.wait_for(lock, options.poll_interval, [this] { return stop_requested || wake_requested; });
  }
}

WebhookWorker::WebhookWorker(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

WebhookWorker::~WebhookWorker() { Stop(); }

Result<std::unique_ptr<WebhookWorker>> WebhookWorker::Start(ModerationStore& store,
                                                            WebhookOptions options,
                                                            Metrics* metrics) {
  if (options.max_attempts < 1) return InvalidArgumentError("webhook max_attempts must be >= 1");
  if (options.initial_backoff.count() < 1 || options.max_backoff.count() < 1) {
    return InvalidArgumentError("webhook backoff must be at least 1 s");
  }
  if (options.timeout.count() < 1 || options.poll_interval.count() < 1) {
    return InvalidArgumentError("webhook timeout and poll_interval must be at least 1 ms");
  }
  if (options.batch < 1 || options.batch > 500) {
    return InvalidArgumentError("webhook batch must be 1..500");
  }
  if (options.max_response_bytes < 1) {
    return InvalidArgumentError("webhook max_response_bytes must be at least 1");
  }
  auto impl = std::make_unique<Impl>(store, std::move(options), metrics);
#if MODERATO_WEBHOOK_HTTPS
  impl->tls.emplace(net::ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(impl->tls->native_handle(), TLS1_2_VERSION);
  beast::error_code ec;
  if (impl->options.ca_file.empty()) {
    impl->tls->set_default_verify_paths(ec);
  } else {
    impl->tls->load_verify_file(impl->options.ca_file, ec);
  }
  if (ec) {
    return InvalidArgumentError(
        "webhook CA certificates " +
        (impl->options.ca_file.empty() ? std::string("(system default)") : impl->options.ca_file) +
        ": " + ec.message());
  }
#endif
  if (metrics != nullptr) {
    metrics->DescribeCounter(kDeliveriesTotal,
                             "Webhook delivery attempts by result: delivered, failed (will be "
                             "retried) or gave_up (will not).");
    metrics->DescribeHistogram(kAttemptDuration, "Duration of webhook delivery attempts.",
                               {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30});
    for (const char* result : {"delivered", "failed", "gave_up"}) {
      metrics->Inc(kDeliveriesTotal, {{"result", result}}, 0);
    }
  }
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->Loop(); });
  return std::unique_ptr<WebhookWorker>(new WebhookWorker(std::move(impl)));
}

void WebhookWorker::Stop() {
  impl_->stopping.store(true);
  {
    std::lock_guard lock(impl_->mu);
    impl_->stop_requested = true;
  }
  impl_->cv.notify_all();
  std::lock_guard join_lock(impl_->join_mu);
  if (impl_->thread.joinable()) impl_->thread.join();
}

void WebhookWorker::Wake() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->wake_requested = true;
  }
  impl_->cv.notify_all();
}

Result<int> WebhookWorker::RunOnce(std::int64_t now) {
  Impl::PassResult pass = impl_->Pass([now] { return now; });
  if (!pass.status.ok()) return pass.status;
  return pass.delivered;
}

Result<std::string> WebhookSignature(std::string_view secret, std::int64_t timestamp,
                                     std::string_view body) {
  const std::string t = std::to_string(timestamp);
  std::string signed_bytes;
  signed_bytes.reserve(t.size() + 1 + body.size());
  signed_bytes.append(t).append(".").append(body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  // An empty string_view may have a null data(); HMAC wants a valid pointer.
  const void* key = secret.empty() ? static_cast<const void*>("") : secret.data();
  if (HMAC(EVP_sha256(), key, static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(signed_bytes.data()), signed_bytes.size(), mac,
           &mac_len) == nullptr) {
    return InternalError("HMAC-SHA256 failed");
  }
  return "t=" + t + ",v1=" + Hex(mac, mac_len);
}

bool WebhookHttpsSupported() { return MODERATO_WEBHOOK_HTTPS != 0; }

namespace internal {

std::chrono::seconds WebhookBackoff(const WebhookOptions& options, int failed_attempts,
                                    double jitter) {
  double base = static_cast<double>(options.initial_backoff.count());
  const double cap = static_cast<double>(options.max_backoff.count());
  for (int i = 1; i < failed_attempts && base < cap; ++i) base *= 2;
  base = std::min(base, cap);
  const auto seconds = static_cast<std::int64_t>(std::llround(base * jitter));
  return std::chrono::seconds(std::max<std::int64_t>(seconds, 1));
}

}  // namespace internal

}  // namespace moderato::server
