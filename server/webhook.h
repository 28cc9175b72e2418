// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// The webhook delivery worker of `moderato serve`: on every final decision
// the store queues a message in its durable outbox (in the decision's own
// transaction); this worker POSTs each due message to the organisation's
// webhook URL, signed with HMAC-SHA256, and records the outcome.
//
//   WebhookOptions options;
//   MODERATO_ASSIGN_OR_RETURN(auto worker, WebhookWorker::Start(*store, options, &metrics));
//   ...                    // decisions queue messages; worker->Wake() sends them at once
//   worker->Stop();        // or let the destructor do it
//
// DELIVERY. One HTTP/1.1 POST per attempt on a fresh connection
// (Connection: close), the message payload as the body
// (Content-Type: application/json) and the headers
//   X-Moderato-Event: case.decided | appeal.decided
//   X-Moderato-Delivery: <outbox id>      receivers deduplicate on it
//   X-Moderato-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>  (WebhookSignature)
//   User-Agent: moderato-webhook/1
// A 2xx answer marks the message delivered. Anything else fails the
// attempt: another status (3xx redirects are not followed), a refused
// connection, a DNS failure, a TLS failure, a malformed answer, an answer
// beyond max_response_bytes, or no complete answer within `timeout`.
// The signing secret is read from the store at send time, so a rotated
// secret applies to retries; the signature's timestamp is the `now` of the
// attempt (the wall clock in the thread's passes), so each retry is signed
// afresh.
//
// RETRIES. After the n-th failed attempt (n = 1, 2, ...) the next one is due
// min(max_backoff, initial_backoff * 2^(n-1)) later, +/-20% jitter, at least
// one second. The attempt that makes max_attempts fails gives up: the
// message becomes "failed" and is not sent again. With the defaults the
// waits are about 10 s, 20 s, 40 s, ... 2560 s, 3600 s, 3600 s: 12 attempts
// over about 3.5 hours.
//
// DURABILITY. Delivery is at-least-once: a message stays "pending" in the
// outbox until an attempt's outcome is recorded, so a crash or a Stop()
// during an attempt sends it again after the restart. A message whose
// organisation no longer exists or has removed its webhook gives up at once.
//
// HTTPS. https:// URLs need a build with MODERATO_WEBHOOK_HTTPS (and
// OpenSSL::SSL linked); see WebhookHttpsSupported(). The peer certificate
// is verified against the system's default CA paths (or options.ca_file),
// with SNI and host name verification. Without it every attempt to an
// https:// URL fails with "https is not supported by this build".
//
// Thread safety: Stop() and Wake() may be called from any thread. RunOnce()
// may be called from any thread; calls (including the worker thread's
// passes) are serialised, so one message is never sent twice at once by
// one worker. Two workers on one database may both send a message (both
// see it pending): run one worker per database.
//
// Resources: one thread; one connection at a time; a pass reads at most
// `batch` messages and holds at most max_response_bytes of an answer.
// Limitation: a DNS lookup runs getaddrinfo() on Asio's resolver thread and
// cannot be interrupted; a resolver that hangs can make an attempt (and
// Stop()) outlast `timeout` until getaddrinfo() gives up.
// METRICS (when a registry is given): moderato_webhook_deliveries_total
// {result="delivered"|"failed"|"gave_up"} counts attempts by outcome
// ("failed" will be retried, "gave_up" will not), and
// moderato_webhook_attempt_duration_seconds is a histogram of attempts.
#ifndef MODERATO_SERVER_WEBHOOK_H_
#define MODERATO_SERVER_WEBHOOK_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "moderato/status.h"
#include "moderato/store/moderation_store.h"

namespace moderato::server {

class Metrics;

struct WebhookOptions {
  // Attempts per message; the failure of the last one gives up (status
  // "failed"). At least 1.
  int max_attempts = 12;
  // The wait after the first failure, doubled after each further one
  // (with +/-20% jitter) up to max_backoff. Both at least 1 s.
  std::chrono::seconds initial_backoff{10};
  std::chrono::seconds max_backoff{3600};
  // The budget of one attempt: DNS, connect, TLS handshake, request and
  // answer together. At least 1 ms.
  std::chrono::milliseconds timeout{10'000};
  // How often the worker thread reads the outbox when nothing wakes it.
  std::chrono::milliseconds poll_interval{1'000};
  // Messages read from the outbox per pass, 1..500.
  int batch = 32;
  // The receiver's answer is read up to this size (the header block and the
  // body each); a larger answer fails the attempt.
  std::size_t max_response_bytes = 64 << 10;
  // "": the system's default CA paths verify https:// receivers. Otherwise
  // a PEM file of CA certificates used instead (private CAs, tests).
  std::string ca_file;
};

class WebhookWorker {
 public:
  // Checks `options` (kInvalidArgument for a value out of range), registers
  // the metrics and starts one background thread that delivers due outbox
  // messages every poll_interval, or at once after Wake(). The thread
  // passes use the wall clock (Unix seconds). `store` and `metrics` (may be
  // null) must outlive the worker. In a build with https, fails with
  // kInvalidArgument when the CA certificates (options.ca_file, or the
  // system's default paths) cannot be loaded.
  static Result<std::unique_ptr<WebhookWorker>> Start(ModerationStore& store,
                                                      WebhookOptions options, Metrics* metrics);
  // Stop().
  ~WebhookWorker();
  // Not copyable or movable: the thread holds a pointer to the worker.
  WebhookWorker(const WebhookWorker&) = delete;
  WebhookWorker& operator=(const WebhookWorker&) = delete;

  // Stops the thread and joins it. An attempt in flight is abandoned at
  // once and its message left pending (it is sent again later). Idempotent;
  // concurrent callers wait for the first. After Stop(), RunOnce() sends
  // nothing and returns 0.
  void Stop();
  // Makes the thread read the outbox now instead of at the next poll (e.g.
  // after a decision). Cheap; calls during a pass cause one more pass.
  void Wake();
  // One synchronous pass at `now` (Unix seconds): reads up to `batch` due
  // messages (next_attempt_at <= now), attempts each and records the
  // outcome, with backoff computed from `now`. Returns how many were
  // delivered. Fails with the store's error when the outbox cannot be read
  // or an outcome cannot be recorded (the pass stops there; the message
  // stays pending). Used by the thread and by tests.
  Result<int> RunOnce(std::int64_t now);

 private:
  struct Impl;
  explicit WebhookWorker(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Returns the X-Moderato-Signature value for `body` sent at `timestamp`
// (Unix seconds): "t=<timestamp>,v1=<hex>" where <hex> is the lowercase
// hex HMAC-SHA256 keyed with `secret` of the bytes "<timestamp>.<body>"
// (the timestamp in decimal, a '.', the body as sent). Fails with kInternal
// only if OpenSSL does.
Result<std::string> WebhookSignature(std::string_view secret, std::int64_t timestamp,
                                     std::string_view body);

// True when this build can deliver to https:// URLs (MODERATO_WEBHOOK_HTTPS).
bool WebhookHttpsSupported();

namespace internal {

// The wait before the attempt after `failed_attempts` failures (>= 1) for
// a jitter factor `jitter` in [0.8, 1.2]: see RETRIES above.
std::chrono::seconds WebhookBackoff(const WebhookOptions& options, int failed_attempts,
                                    double jitter);

}  // namespace internal

}  // namespace moderato::server

#endif  // MODERATO_SERVER_WEBHOOK_H_
