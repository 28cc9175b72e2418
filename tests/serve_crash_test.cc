// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// The durability proof of `moderato serve`: reviewers submit items, claim
// and decide cases concurrently over HTTP while the server is killed with
// SIGKILL and restarted, several times. Every item and decision the server
// acknowledged (201/200) must be present afterwards with the acknowledged
// values, and the audit chain must verify. The store commits each decision
// with its audit entry in one transaction (WAL, synchronous=FULL) before the
// reply is written, so an acknowledgement is a promise.
//
// A process kill loses nothing the OS has accepted; power loss is what
// synchronous=FULL is for, and a test cannot cut power.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
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

constexpr int kRounds = 4;
constexpr int kReviewers = 4;

struct Acknowledged {
  std::int64_t item_id = 0;
  std::int64_t case_id = 0;  // 0: the item was acknowledged, its decision was not
  std::string decision;
  std::string reason;
  std::string reviewer;
  std::int64_t decision_id = 0;
};

class ServeCrashTest : public CliDbTest {
 protected:
  std::string DbPath() const { return (dir_ / "t.db").string(); }

  std::string Token(const std::string& role) {
    CliRun key = Moderato("key create --org acme --role " + role + db_);
    EXPECT_EQ(key.exit_code, 0);
    return key.out.substr(0, key.out.find('\n'));
  }

  // One reviewer's loop: submit an item (its case opens: the policy reviews
  // everything), claim the case, decide it; until the server stops answering.
  static void Reviewer(int port, int round, int worker, const std::string& admin,
                       const std::string& reviewer, std::vector<Acknowledged>& out) {
    const char* kDecisions[] = {"allow", "remove", "restrict"};
    for (int i = 0;; ++i) {
      const std::string tag =
          std::to_string(round) + "-" + std::to_string(worker) + "-" + std::to_string(i);
      server::Response item =
          Send(port, "POST", "/v1/items", admin,
               json{{"external_id", "crash-" + tag}, {"text", "a note about the weather " + tag}}
                   .dump());
      if (item.status != 201) return;
      Acknowledged ack;
      ack.item_id = item.Json()["item_id"].get<std::int64_t>();
      out.push_back(ack);
      if (!item.Json()["case_id"].is_number()) {
        ADD_FAILURE() << "no case opened: " << item.body;
        return;
      }
      const std::string c =
          "/v1/cases/" + std::to_string(item.Json()["case_id"].get<std::int64_t>());
      if (Send(port, "POST", c + "/claim", reviewer, "{}").status != 200) return;
      const std::string decision = kDecisions[i % 3];
      server::Response decided = Send(port, "POST", c + "/decision", reviewer,
                                      json{{"decision", decision},
                                           {"policy", "tos-" + std::to_string(i % 7)},
                                           {"reason", "reason " + tag}}
                                          .dump());
      if (decided.status != 200) return;
      const json d = decided.Json();
      out.back().case_id = d["case_id"].get<std::int64_t>();
      out.back().decision = d["decision"].get<std::string>();
      out.back().reason = d["reason"].get<std::string>();
      out.back().reviewer = d["reviewer"].get<std::string>();
      out.back().decision_id = d["id"].get<std::int64_t>();
      EXPECT_EQ(out.back().decision, decision);
    }
  }

  // Checks every acknowledgement against the restarted server.
  static void CheckAll(int port, const std::string& admin, const std::vector<Acknowledged>& acks) {
    for (const Acknowledged& ack : acks) {
      server::Response item = Send(port, "GET", "/v1/items/" + std::to_string(ack.item_id), admin);
      EXPECT_EQ(item.status, 200) << "acknowledged item " << ack.item_id << " lost: " << item.body;
      if (ack.case_id == 0) continue;
      server::Response c = Send(port, "GET", "/v1/cases/" + std::to_string(ack.case_id), admin);
      ASSERT_EQ(c.status, 200) << c.body;
      const json j = c.Json();
      EXPECT_EQ(j["status"], "decided") << "acknowledged decision lost: " << c.body;
      ASSERT_TRUE(j["decision"].is_object()) << c.body;
      EXPECT_EQ(j["decision"]["id"], ack.decision_id) << c.body;
      EXPECT_EQ(j["decision"]["decision"], ack.decision) << c.body;
      EXPECT_EQ(j["decision"]["reason"], ack.reason) << c.body;
      EXPECT_EQ(j["decision"]["reviewer"], ack.reviewer) << c.body;
    }
    server::Response verify = Send(port, "GET", "/v1/audit/verify", admin);
    ASSERT_EQ(verify.status, 200) << verify.body;
    EXPECT_EQ(verify.Json()["ok"], true) << verify.body;
  }
};

TEST_F(ServeCrashTest, AcknowledgedDecisionsSurviveSigkill) {
  ASSERT_EQ(Moderato("org create acme" + db_).exit_code, 0);
  const std::string admin = Token("admin");
  std::vector<std::string> reviewers;
  for (int i = 0; i < kReviewers; ++i) reviewers.push_back(Token("reviewer"));
  const std::string policy = (dir_ / "review_all.toml").string();
  std::ofstream(policy) << "[policy]\nname = \"review-all\"\ndefault_action = \"review\"\n";

  const std::vector<std::string> args = {"serve",       "--db",     DbPath(), "--listen",
                                         "127.0.0.1:0", "--policy", policy};
  const std::map<std::string, std::string> env = {{"MODERATO_SERVER_THREADS", "2"},
                                                  {"MODERATO_LIMITS_RATE_PER_SECOND", "0"}};
  std::mt19937 rng(20261204);
  std::vector<Acknowledged> acks;
  int decided = 0;
  for (int round = 0; round < kRounds; ++round) {
    ServeProcess server(args, env);
    const int port = server.WaitForPort();
    ASSERT_GT(port, 0) << server.log();
    CheckAll(port, admin, acks);

    std::vector<std::vector<Acknowledged>> per_worker(kReviewers);
    std::vector<std::thread> workers;
    for (int w = 0; w < kReviewers; ++w) {
      workers.emplace_back(Reviewer, port, round, w, std::cref(admin), std::cref(reviewers[w]),
                           std::ref(per_worker[w]));
    }
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::uniform_int_distribution<int>(300, 900)(rng)));
    EXPECT_EQ(server.Kill(SIGKILL), 128 + SIGKILL);
    for (std::thread& t : workers) t.join();
    for (const auto& list : per_worker) {
      for (const Acknowledged& ack : list) {
        acks.push_back(ack);
        if (ack.case_id != 0) ++decided;
      }
    }
  }
  RecordProperty("acknowledged_items", static_cast<int>(acks.size()));
  RecordProperty("acknowledged_decisions", decided);
  EXPECT_GT(decided, kRounds) << "the test must actually decide cases";

  ServeProcess server(args, env);
  const int port = server.WaitForPort();
  ASSERT_GT(port, 0) << server.log();
  CheckAll(port, admin, acks);
  EXPECT_EQ(server.Kill(SIGTERM), 0) << server.log();

  CliRun verify = Moderato("audit verify" + db_);
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
  EXPECT_THAT(verify.out, HasSubstr("intact"));
}

}  // namespace
}  // namespace moderato
