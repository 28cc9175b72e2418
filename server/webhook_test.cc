// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

// The https test below uses Asio and Beast directly: the same two GCC 12
// false positives as in webhook.cc (-Wtsan in Asio under -fsanitize=thread,
// -Wmaybe-uninitialized in Beast's parser at -O3) must be silenced before
// any include.
#if MODERATO_WEBHOOK_HTTPS && defined(__GNUC__) && !defined(__clang__)
#if defined(__SANITIZE_THREAD__)
#pragma GCC diagnostic ignored "-Wtsan"
#endif
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "server/webhook.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "moderato/store/moderation_store.h"
#include "server/http.h"
#include "server/metrics.h"
#include "store/testing_temp_dir.h"

#if MODERATO_WEBHOOK_HTTPS
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#endif

namespace moderato::server {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// 2100-01-01: far beyond the wall clock, so the worker thread's own passes
// (which use the wall clock) never find the messages the tests queue, and
// RunOnce with explicit times drives everything.
constexpr std::int64_t kNow = 4'102'444'800;

// HMAC-SHA256 computed here with OpenSSL directly, not via WebhookSignature.
std::string HmacHex(const std::string& key, const std::string& data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len);
  std::string hex;
  char buf[3];
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", mac[i]);
    hex += buf;
  }
  return hex;
}

struct Received {
  std::string path;
  std::string body;
  std::map<std::string, std::string> headers;  // names lowercased
};

// A webhook receiver on a loopback HttpServer: records every request and
// answers with `status` (and a body of `body_bytes` bytes).
class Receiver {
 public:
  explicit Receiver(int port = 0) {
    router_.Add("POST", "/hook/{org}", "hook", [this](HttpRequest& req) {
      std::lock_guard lock(mu_);
      Received r{req.path, req.body, {}};
      for (const auto& [name, value] : req.headers) r.headers[name] = value;
      requests_.push_back(std::move(r));
      cv_.notify_all();
      HttpResponse response;
      response.status = status_.load();
      response.body = std::string(body_bytes_.load(), 'x');
      if (response.status / 100 == 3) response.headers.emplace_back("Location", "/hook/elsewhere");
      return response;
    });
    HttpServerOptions options;
    options.port = port;
    options.threads = 2;
    Result<std::unique_ptr<HttpServer>> server = HttpServer::Start(options, router_, nullptr);
    if (server.ok()) server_ = std::move(*server);
  }
  ~Receiver() {
    if (server_) server_->Stop();
  }

  bool ok() const { return server_ != nullptr; }
  std::string Url(const std::string& org) const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + "/hook/" + org;
  }
  void set_status(int status) { status_ = status; }
  void set_body_bytes(std::size_t n) { body_bytes_ = n; }
  std::vector<Received> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }
  // Waits (up to 10 s) until `n` requests arrived.
  bool WaitFor(std::size_t n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return requests_.size() >= n; });
  }

 private:
  Router router_;
  std::unique_ptr<HttpServer> server_;
  std::atomic<int> status_{200};
  std::atomic<std::size_t> body_bytes_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Received> requests_;
};

// A raw TCP receiver that reads a request's headers and then answers with
// `reply` verbatim and closes, or, when `reply` is empty, never answers.
class RawReceiver {
 public:
  explicit RawReceiver(std::string reply) : reply_(std::move(reply)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 16);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~RawReceiver() {
    ::shutdown(fd_, SHUT_RDWR);  // wakes accept()
    thread_.join();
    ::close(fd_);
    for (int fd : held_) ::close(fd);
  }

  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  // Waits (up to 10 s) until a request's headers were read.
  bool WaitForRequest() {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return requests_ > 0; });
  }

 private:
  void Serve() {
    for (;;) {
      int client = ::accept(fd_, nullptr, nullptr);
      if (client < 0) return;
      timeval tv{5, 0};
      ::setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      std::string in;
      char buf[4096];
      // The whole request is read before answering: closing a socket with
      // unread bytes sends a reset, which could overtake the answer.
      std::size_t want = std::string::npos;
      while (in.size() < want) {
        ssize_t n = ::recv(client, buf, sizeof buf, 0);
        if (n <= 0) break;
        in.append(buf, static_cast<std::size_t>(n));
        std::size_t end = in.find("\r\n\r\n");
        if (want == std::string::npos && end != std::string::npos) {
          std::string head = in.substr(0, end);
          for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          std::size_t at = head.find("content-length:");
          want = end + 4 + (at == std::string::npos ? 0 : std::stoul(head.substr(at + 15)));
        }
      }
      {
        std::lock_guard lock(mu_);
        ++requests_;
      }
      cv_.notify_all();
      if (reply_.empty()) {
        held_.push_back(client);
        continue;
      }
      ::send(client, reply_.data(), reply_.size(), MSG_NOSIGNAL);
      ::close(client);
    }
  }

  const std::string reply_;
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::vector<int> held_;  // only the serving thread touches it until join
  std::mutex mu_;
  std::condition_variable cv_;
  int requests_ = 0;  // guarded by mu_
};

// A port nothing listens on (bound once, then closed).
int ClosedPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

class WebhookWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.File("moderato.db");
    Open();
    ASSERT_TRUE(receiver_.ok());
    for (const char* org : {"acme", "beta"}) {
      ASSERT_TRUE(store_->CreateOrganisation(org, "test").ok());
    }
  }

  void Open() {
    Result<std::unique_ptr<ModerationStore>> store = OpenSqliteModerationStore(path_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }

  // Options that keep the thread out of the way: it polls once an hour.
  static WebhookOptions TestOptions() {
    WebhookOptions options;
    options.poll_interval = std::chrono::hours(1);
    options.timeout = std::chrono::milliseconds(5'000);
    return options;
  }

  std::unique_ptr<WebhookWorker> StartWorker(WebhookOptions options = TestOptions()) {
    Result<std::unique_ptr<WebhookWorker>> worker =
        WebhookWorker::Start(*store_, options, &metrics_);
    EXPECT_TRUE(worker.ok()) << worker.status().ToString();
    return worker.ok() ? std::move(*worker) : nullptr;
  }

  // Submits an item of `org` that opens a case, claims and decides it at
  // `now`: the decision queues one outbox message (when `org` has a
  // webhook), due at `now`. Returns the case id.
  std::int64_t Decide(const std::string& org, std::int64_t now = kNow) {
    ItemSubmission s;
    s.org = org;
    s.external_id = "post-" + std::to_string(++items_);
    s.request_digest = "d";
    s.language = "en";
    s.action = "review";
    s.policy_version = "p1";
    s.verdict_json = R"({"action":"review"})";
    s.evidence_json = "{}";
    s.open_case = true;
    s.labels = {"ve"};
    s.actor = "key:0000000000000001";
    s.now = now;
    Result<SubmitResult> item = store_->SubmitItem(s);
    EXPECT_TRUE(item.ok()) << item.status().ToString();
    if (!item.ok()) return 0;
    const std::int64_t id = item->item.case_id;
    EXPECT_TRUE(store_->ClaimCase(org, id, "key:r", 600, now).ok());
    Result<Decision> d = store_->DecideCase(
        org, id, "key:r", DecisionInput{"remove", "tos.3.1", "glorifies an attack", ""}, now);
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    return id;
  }

  // The only outbox message of `org` (the newest).
  OutboxMessage Message(const std::string& org) {
    Result<std::vector<OutboxMessage>> list = store_->ListOutbox(org, 1);
    EXPECT_TRUE(list.ok() && !list->empty());
    return list.ok() && !list->empty() ? list->front() : OutboxMessage{};
  }

  std::vector<OutboxMessage> Messages(const std::string& org) {
    Result<std::vector<OutboxMessage>> list = store_->ListOutbox(org, 100);
    EXPECT_TRUE(list.ok());
    return list.ok() ? *list : std::vector<OutboxMessage>{};
  }

  testing_store::TempDir dir_;
  std::string path_;
  std::unique_ptr<ModerationStore> store_;
  Metrics metrics_;
  Receiver receiver_;
  int items_ = 0;
};

TEST(WebhookSignatureTest, MatchesTheOpenSslCommandLine) {
  // Independent oracle, computed when this test was written with
  //   printf '%s' '1767225600.{"event":"case.decided","case_id":17}' |
  //     openssl dgst -sha256 -hmac whsec_test
  Result<std::string> signature =
      WebhookSignature("whsec_test", 1767225600, R"({"event":"case.decided","case_id":17})");
  ASSERT_TRUE(signature.ok());
  EXPECT_EQ(*signature,
            "t=1767225600,v1=5cc28684d05552fc389d526d029d94480b2e856222fe4adc81aad5bd992d00ac");
}

TEST(WebhookBackoffTest, DoublesUpToTheCapWithinTheJitter) {
  WebhookOptions options;
  EXPECT_EQ(internal::WebhookBackoff(options, 1, 1.0).count(), 10);
  EXPECT_EQ(internal::WebhookBackoff(options, 2, 1.0).count(), 20);
  EXPECT_EQ(internal::WebhookBackoff(options, 9, 1.0).count(), 2560);
  EXPECT_EQ(internal::WebhookBackoff(options, 10, 1.0).count(), 3600);
  EXPECT_EQ(internal::WebhookBackoff(options, 1'000'000, 1.0).count(), 3600);
  EXPECT_EQ(internal::WebhookBackoff(options, 1, 0.8).count(), 8);
  EXPECT_EQ(internal::WebhookBackoff(options, 1, 1.2).count(), 12);
  options.initial_backoff = std::chrono::seconds(1);
  EXPECT_EQ(internal::WebhookBackoff(options, 1, 0.8).count(), 1) << "at least one second";
}

TEST_F(WebhookWorkerTest, StartRejectsOptionsOutOfRange) {
  WebhookOptions options = TestOptions();
  options.batch = 0;
  EXPECT_EQ(WebhookWorker::Start(*store_, options, nullptr).status().code(),
            StatusCode::kInvalidArgument);
  options = TestOptions();
  options.max_attempts = 0;
  EXPECT_EQ(WebhookWorker::Start(*store_, options, nullptr).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(WebhookWorkerTest, DeliversTheSignedPayloadWithItsHeaders) {
  ASSERT_TRUE(store_->SetWebhook("acme", receiver_.Url("acme"), "s3cret", "test").ok());
  Decide("acme");
  const OutboxMessage queued = Message("acme");
  ASSERT_EQ(queued.status, "pending");
  auto worker = StartWorker();

  Result<int> delivered = worker->RunOnce(kNow);
  ASSERT_TRUE(delivered.ok()) << delivered.status().ToString();
  EXPECT_EQ(*delivered, 1);

  std::vector<Received> got = receiver_.requests();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].path, "/hook/acme");
  EXPECT_EQ(got[0].body, queued.payload);
  EXPECT_EQ(got[0].headers["content-type"], "application/json");
  EXPECT_EQ(got[0].headers["x-moderato-event"], "case.decided");
  EXPECT_EQ(got[0].headers["x-moderato-delivery"], std::to_string(queued.id));
  EXPECT_EQ(got[0].headers["user-agent"], "moderato-webhook/1");
  const std::string t = std::to_string(kNow);
  EXPECT_EQ(got[0].headers["x-moderato-signature"],
            "t=" + t + ",v1=" + HmacHex("s3cret", t + "." + got[0].body));

  const OutboxMessage after = Message("acme");
  EXPECT_EQ(after.status, "delivered");
  EXPECT_EQ(after.attempts, 1);
  EXPECT_EQ(*store_->CountPendingOutbox(), 0);
  EXPECT_EQ(*worker->RunOnce(kNow + 100), 0);
  EXPECT_EQ(receiver_.requests().size(), 1u) << "a delivered message is not sent again";
  EXPECT_THAT(metrics_.Render(),
              HasSubstr("moderato_webhook_deliveries_total{result=\"delivered\"} 1\n"));
}

TEST_F(WebhookWorkerTest, ServerErrorIsRetriedAfterTheBackoff) {
  ASSERT_TRUE(store_->SetWebhook("acme", receiver_.Url("acme"), "s3cret", "test").ok());
  Decide("acme");
  receiver_.set_status(500);
  auto worker = StartWorker();

  EXPECT_EQ(*worker->RunOnce(kNow), 0);
  OutboxMessage m = Message("acme");
  EXPECT_EQ(m.status, "pending");
  EXPECT_EQ(m.attempts, 1);
  EXPECT_EQ(m.last_error, "HTTP 500");
  EXPECT_GE(m.next_attempt_at, kNow + 8);
  EXPECT_LE(m.next_attempt_at, kNow + 12);

  EXPECT_EQ(*worker->RunOnce(kNow + 7), 0);
  EXPECT_EQ(receiver_.requests().size(), 1u) << "not due before the backoff";

  receiver_.set_status(204);
  EXPECT_EQ(*worker->RunOnce(m.next_attempt_at), 1);
  std::vector<Received> got = receiver_.requests();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].headers["x-moderato-delivery"], got[1].headers["x-moderato-delivery"]);
  EXPECT_EQ(got[0].body, got[1].body);
  EXPECT_EQ(Message("acme").status, "delivered");
  EXPECT_EQ(Message("acme").attempts, 2);
  EXPECT_THAT(metrics_.Render(),
              HasSubstr("moderato_webhook_deliveries_total{result=\"failed\"} 1\n"));
}

TEST_F(WebhookWorkerTest, GivesUpAfterMaxAttempts) {
  ASSERT_TRUE(store_->SetWebhook("acme", receiver_.Url("acme"), "s3cret", "test").ok());
  Decide("acme");
  receiver_.set_status(503);
  WebhookOptions options = TestOptions();
  options.max_attempts = 3;
  auto worker = StartWorker(options);

  std::int64_t at = kNow;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(*worker->RunOnce(at), 0);
    at = Message("acme").next_attempt_at;
  }
  OutboxMessage m = Message("acme");
  EXPECT_EQ(m.status, "failed");
  EXPECT_EQ(m.attempts, 3);
  EXPECT_EQ(m.last_error, "HTTP 503");
  EXPECT_EQ(*store_->CountPendingOutbox(), 0);
  EXPECT_EQ(*worker->RunOnce(kNow + 1'000'000), 0);
  EXPECT_EQ(receiver_.requests().size(), 3u);
  const std::string text = metrics_.Render();
  EXPECT_THAT(text, HasSubstr("moderato_webhook_deliveries_total{result=\"failed\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("moderato_webhook_deliveries_total{result=\"gave_up\"} 1\n"));
}

TEST_F(WebhookWorkerTest, RedirectsAreNotFollowed) {
  ASSERT_TRUE(store_->SetWebhook("acme", receiver_.Url("acme"), "s3cret", "test").ok());
  Decide("acme");
  receiver_.set_status(302);
  auto worker = StartWorker();
  EXPECT_EQ(*worker->RunOnce(kNow), 0);
  EXPECT_EQ(receiver_.requests().size(), 1u);
  EXPECT_EQ(Message("acme").last_error, "HTTP 302");
  EXPECT_EQ(Message("acme").status, "pending");
}

TEST_F(WebhookWorkerTest, ReceiverDownIsRecordedAndNothingIsLost) {
  const int port = ClosedPort();
  ASSERT_TRUE(store_
                  ->SetWebhook("acme", "http://127.0.0.1:" + std::to_string(port) + "/hook/acme",
                               "s3cret", "test")
                  .ok());
  Decide("acme");
  auto worker = StartWorker();
  EXPECT_EQ(*worker->RunOnce(kNow), 0);
  OutboxMessage m = Message("acme");
  EXPECT_EQ(m.status, "pending");
  EXPECT_EQ(m.attempts, 1);
  EXPECT_THAT(m.last_error, StartsWith("connect: "));

  // The receiver comes back on its port: the retry delivers.
  Receiver back(port);
  if (!back.ok()) GTEST_SKIP() << "port " << port << " was taken meanwhile";
  EXPECT_EQ(*worker->RunOnce(m.next_attempt_at), 1);
  ASSERT_EQ(back.requests().size(), 1u);
  EXPECT_EQ(back.requests()[0].body, m.payload);
}

TEST_F(WebhookWorkerTest, GarbageOversizedAndSilentReceiversFailAndTheWorkerStaysHealthy) {
  RawReceiver garbage("\x16\x03\x01 this is not HTTP at all\r\n\r\n");
  RawReceiver silent("");
  receiver_.set_body_bytes(4096);
  std::vector<std::string> urls = {garbage.Url(), receiver_.Url("big"), silent.Url()};
  for (const std::string& url : urls) {
    ASSERT_TRUE(store_->SetWebhook("acme", url, "s3cret", "test").ok());
    Decide("acme");
  }
  ASSERT_TRUE(store_->SetWebhook("beta", receiver_.Url("beta"), "s3cret", "test").ok());
  Decide("beta");

  WebhookOptions options = TestOptions();
  options.timeout = std::chrono::milliseconds(300);
  options.max_response_bytes = 1024;
  auto worker = StartWorker(options);
  // Every answer of this pass is too large (4 KiB), including beta's.
  EXPECT_EQ(*worker->RunOnce(kNow), 0);
  EXPECT_TRUE(silent.WaitForRequest());

  std::vector<OutboxMessage> acme = Messages("acme");  // newest first
  ASSERT_EQ(acme.size(), 3u);
  for (const OutboxMessage& m : acme) {
    EXPECT_EQ(m.status, "pending");
    EXPECT_EQ(m.attempts, 1);
  }
  EXPECT_THAT(acme[2].last_error, StartsWith("bad response: "));
  EXPECT_EQ(acme[1].last_error, "response larger than 1024 bytes");
  EXPECT_EQ(acme[0].last_error, "timed out after 300 ms (read)");
  OutboxMessage beta = Message("beta");
  EXPECT_EQ(beta.last_error, "response larger than 1024 bytes");

  // The retry pass also retries the acme messages due by then; beta is
  // delivered whatever they do.
  receiver_.set_body_bytes(100);
  Result<int> retried = worker->RunOnce(beta.next_attempt_at);
  ASSERT_TRUE(retried.ok());
  EXPECT_GE(*retried, 1);
  EXPECT_EQ(Message("beta").status, "delivered");
}

TEST_F(WebhookWorkerTest, ANewWorkerDeliversWhatThePreviousOneLeftPending) {
  ASSERT_TRUE(store_->SetWebhook("acme", receiver_.Url("acme"), "s3cret", "test").ok());
  Decide("acme");
  receiver_.set_status(500);
  {
    auto first = StartWorker();
    EXPECT_EQ(*first->RunOnce(kNow), 0);
  }
  const OutboxMessage left = Message("acme");
  ASSERT_EQ(left.status, "pending");
  store_.reset();  // the process is gone
  Open();

  receiver_.set_status(200);
  auto second = StartWorker();
  EXPECT_EQ(*second->RunOnce(left.next_attempt_at), 1);
  EXPECT_EQ(Message("acme").status, "delivered");
  EXPECT_EQ(receiver_.requests().back().headers["x-moderato-delivery"], std::to_string(left.id));
}

TEST_F(WebhookWorkerTest, StopAbandonsAnAttemptInFlightAndIsIdempotent) {
  RawReceiver silent("");
  ASSERT_TRUE(store_->SetWebhook("acme", silent.Url(), "s3cret", "test").ok());
  Decide("acme");
  WebhookOptions options = TestOptions();
  options.timeout = std::chrono::minutes(10);
  auto worker = StartWorker(options);

  Result<int> result = 0;
  std::thread pass([&] { result = worker->RunOnce(kNow); });
  ASSERT_TRUE(silent.WaitForRequest());
  const auto started = std::chrono::steady_clock::now();
  worker->Stop();
  pass.join();
  // Generous: Stop() must not wait for the 10-minute timeout.
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(60));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, 0);
  const OutboxMessage m = Message("acme");
  EXPECT_EQ(m.status, "pending") << "an abandoned attempt is sent again later";
  EXPECT_EQ(m.attempts, 0);
  worker->Stop();
  EXPECT_EQ(*worker->RunOnce(kNow), 0) << "a stopped worker sends nothing";
}

TEST_F(WebhookWorkerTest, OrganisationsUseTheirOwnUrlsAndSecrets) {
  ASSERT_TRUE(store_->SetWebhook("acme", receiver_.Url("acme"), "acme-secret", "test").ok());
  ASSERT_TRUE(store_->SetWebhook("beta", receiver_.Url("beta"), "beta-secret", "test").ok());
  Decide("acme");
  Decide("beta");
  auto worker = StartWorker();
  EXPECT_EQ(*worker->RunOnce(kNow), 2);
  std::vector<Received> got = receiver_.requests();
  ASSERT_EQ(got.size(), 2u);
  const std::string t = std::to_string(kNow);
  for (Received& r : got) {
    const std::string org = r.path == "/hook/acme" ? "acme" : "beta";
    EXPECT_EQ(r.path, "/hook/" + org);
    EXPECT_THAT(r.body, HasSubstr("\"org\":\"" + org + "\""));
    EXPECT_EQ(r.headers["x-moderato-signature"],
              "t=" + t + ",v1=" + HmacHex(org + "-secret", t + "." + r.body));
  }
  EXPECT_NE(got[0].path, got[1].path);
}

TEST_F(WebhookWorkerTest, ARotatedSecretSignsTheRetry) {
  ASSERT_TRUE(store_->SetWebhook("acme", receiver_.Url("acme"), "old", "test").ok());
  Decide("acme");
  receiver_.set_status(500);
  auto worker = StartWorker();
  EXPECT_EQ(*worker->RunOnce(kNow), 0);
  ASSERT_TRUE(store_->SetWebhook("acme", receiver_.Url("acme"), "new", "test").ok());
  receiver_.set_status(200);
  const std::int64_t at = Message("acme").next_attempt_at;
  EXPECT_EQ(*worker->RunOnce(at), 1);
  Received r = receiver_.requests().back();
  const std::string t = std::to_string(at);
  EXPECT_EQ(r.headers["x-moderato-signature"],
            "t=" + t + ",v1=" + HmacHex("new", t + "." + r.body));
}

TEST_F(WebhookWorkerTest, ARemovedWebhookGivesUpWithoutSending) {
  ASSERT_TRUE(store_->SetWebhook("acme", receiver_.Url("acme"), "s3cret", "test").ok());
  Decide("acme");
  ASSERT_TRUE(store_->SetWebhook("acme", "", "", "test").ok());
  auto worker = StartWorker();
  EXPECT_EQ(*worker->RunOnce(kNow), 0);
  EXPECT_EQ(Message("acme").status, "failed");
  EXPECT_TRUE(receiver_.requests().empty());
}

TEST_F(WebhookWorkerTest, HttpsIsVerifiedOrRefused) {
  // A TLS client against a plain HTTP receiver: the handshake fails (or,
  // in a build without https, the attempt is refused up front).
  std::string url = receiver_.Url("acme");
  url.replace(0, 4, "https");
  ASSERT_TRUE(store_->SetWebhook("acme", url, "s3cret", "test").ok());
  Decide("acme");
  auto worker = StartWorker();
  EXPECT_EQ(*worker->RunOnce(kNow), 0);
  const OutboxMessage m = Message("acme");
  EXPECT_EQ(m.status, "pending");
  if (WebhookHttpsSupported()) {
    EXPECT_THAT(m.last_error, StartsWith("tls: "));
  } else {
    EXPECT_EQ(m.last_error, "https is not supported by this build");
    EXPECT_TRUE(receiver_.requests().empty());
  }
}

TEST_F(WebhookWorkerTest, TheThreadDeliversOnWake) {
  ASSERT_TRUE(store_->SetWebhook("acme", receiver_.Url("acme"), "s3cret", "test").ok());
  auto worker = StartWorker();  // polls hourly: only its first pass or a Wake() sends
  const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  Decide("acme", now);
  worker->Wake();
  ASSERT_TRUE(receiver_.WaitFor(1));
  // The worker records the outcome after the receiver has answered; a
  // Stop() before that would abandon the attempt (and keep the message
  // pending, by design). Wait for the record, bounded, then stop.
  for (int i = 0; i < 3000 && Message("acme").status != "delivered"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  worker->Stop();
  EXPECT_EQ(Message("acme").status, "delivered");
}

#if MODERATO_WEBHOOK_HTTPS

// A self-signed certificate for IP 127.0.0.1, made here with OpenSSL.
struct TestCertificate {
  std::string cert_pem;
  std::string key_pem;
};

TestCertificate MakeCertificate() {
  TestCertificate out;
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x), 24 * 3600);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("moderato test"), -1, -1, 0);
  X509_set_issuer_name(x, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair{NID_subject_alt_name, "IP:127.0.0.1"},
                            std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
    X509_EXTENSION* ext = X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value);
    X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
  }
  X509_sign(x, key, EVP_sha256());
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, x);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  out.cert_pem.assign(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  n = BIO_get_mem_data(bio, &data);
  out.key_pem.assign(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  X509_free(x);
  EVP_PKEY_free(key);
  return out;
}

// A TLS receiver on 127.0.0.1 answering 200 to every request it can read.
class TlsReceiver {
 public:
  explicit TlsReceiver(const TestCertificate& cert) {
    tls_.use_certificate(boost::asio::buffer(cert.cert_pem), boost::asio::ssl::context::pem);
    tls_.use_private_key(boost::asio::buffer(cert.key_pem), boost::asio::ssl::context::pem);
    thread_ = std::thread([this] { Serve(); });
  }
  ~TlsReceiver() {
    ::shutdown(acceptor_.native_handle(), SHUT_RDWR);  // wakes accept()
    thread_.join();
  }
  std::string Url() const {
    return "https://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/hook";
  }
  std::vector<std::string> bodies() {
    std::lock_guard lock(mu_);
    return bodies_;
  }

 private:
  void Serve() {
    namespace beast = boost::beast;
    for (;;) {
      boost::system::error_code ec;
      boost::asio::ip::tcp::socket socket(ioc_);
      acceptor_.accept(socket, ec);
      if (ec) return;
      boost::asio::ssl::stream<boost::asio::ip::tcp::socket> stream(std::move(socket), tls_);
      stream.handshake(boost::asio::ssl::stream_base::server, ec);
      if (ec) continue;
      beast::flat_buffer buffer;
      beast::http::request<beast::http::string_body> request;
      beast::http::read(stream, buffer, request, ec);
      if (ec) continue;
      {
        std::lock_guard lock(mu_);
        bodies_.push_back(request.body());
      }
      beast::http::response<beast::http::string_body> response{beast::http::status::ok, 11};
      response.prepare_payload();
      beast::http::write(stream, response, ec);
    }
  }

  boost::asio::io_context ioc_;
  boost::asio::ssl::context tls_{boost::asio::ssl::context::tls_server};
  boost::asio::ip::tcp::acceptor acceptor_{ioc_, {boost::asio::ip::make_address("127.0.0.1"), 0}};
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::string> bodies_;  // guarded by mu_
};

TEST_F(WebhookWorkerTest, HttpsVerifiesThePeerAgainstTheTrustedCertificates) {
  const TestCertificate cert = MakeCertificate();
  TlsReceiver tls(cert);
  ASSERT_TRUE(store_->SetWebhook("acme", tls.Url(), "s3cret", "test").ok());
  Decide("acme");

  {
    auto untrusting = StartWorker();  // the system CAs do not know the test certificate
    EXPECT_EQ(*untrusting->RunOnce(kNow), 0);
    EXPECT_THAT(Message("acme").last_error, StartsWith("tls: "));
    EXPECT_TRUE(tls.bodies().empty());
  }

  const std::string ca_file = dir_.File("ca.pem");
  {
    std::FILE* f = std::fopen(ca_file.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fwrite(cert.cert_pem.data(), 1, cert.cert_pem.size(), f);
    std::fclose(f);
  }
  WebhookOptions options = TestOptions();
  options.ca_file = ca_file;
  auto trusting = StartWorker(options);
  EXPECT_EQ(*trusting->RunOnce(Message("acme").next_attempt_at), 1);
  EXPECT_EQ(Message("acme").status, "delivered");
  ASSERT_EQ(tls.bodies().size(), 1u);
  EXPECT_EQ(tls.bodies()[0], Message("acme").payload);
}

#endif  // MODERATO_WEBHOOK_HTTPS

}  // namespace
}  // namespace moderato::server
