// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "server/app.h"

#include <openssl/evp.h>

#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "moderato/hash/hash256.h"
#include "moderato/store/banks.h"
#include "server/app_testing.h"
#include "server/http.h"

namespace moderato::server {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

TEST_F(AppTest, OpenRoutesNeedNoKey) {
  Start();
  EXPECT_EQ(Call("GET", "/healthz", "").status, 200);
  EXPECT_EQ(Call("GET", "/readyz", "").status, 200);
  Response m = Call("GET", "/metrics", "");
  EXPECT_EQ(m.status, 200);
  EXPECT_THAT(m.headers["content-type"], HasSubstr("text/plain"));
  Response o = Call("GET", "/openapi.json", "");
  EXPECT_EQ(o.status, 200);
  EXPECT_EQ(o.Json()["openapi"], "3.1.0");
}

TEST_F(AppTest, RejectsMissingAndInvalidKeys) {
  Start();
  EXPECT_EQ(Call("GET", "/v1/cases", "").status, 401);
  Response r = Send(server_->port(), "GET", "/v1/cases", "mod_0000000000000000_nope");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.Json()["error"]["code"], "unauthenticated");
}

TEST_F(AppTest, EnforcesRolesPerRoute) {
  Start();
  struct RouteCase {
    std::string method, target;
    std::vector<std::string> denied;
  };
  const std::vector<RouteCase> routes = {
      {"POST", "/v1/scan", {"reviewer", "editor"}},
      {"POST", "/v1/items", {"reviewer", "analyst", "editor"}},
      {"GET", "/v1/items/1", {"editor"}},
      {"GET", "/v1/cases", {"integrator", "editor"}},
      {"GET", "/v1/cases/1", {"integrator", "editor"}},
      {"POST", "/v1/cases/1/claim", {"integrator", "analyst", "editor"}},
      {"POST", "/v1/cases/1/decision", {"integrator", "analyst", "editor"}},
      {"POST", "/v1/cases/1/appeal", {"reviewer", "analyst", "editor"}},
      {"GET", "/v1/audit", {"integrator", "reviewer", "editor"}},
      {"GET", "/v1/audit/verify", {"integrator", "reviewer", "editor"}},
      {"GET", "/v1/banks", {"reviewer", "editor"}},
      {"POST", "/v1/match", {"reviewer", "analyst", "editor"}},
  };
  for (const RouteCase& rc : routes) {
    for (const std::string& role : rc.denied) {
      Response r = Call(rc.method, rc.target, "a:" + role, "{}");
      EXPECT_EQ(r.status, 403) << rc.method << " " << rc.target << " as " << role;
    }
    EXPECT_NE(Call(rc.method, rc.target, "a:admin", "{}").status, 403) << rc.target;
  }
}

TEST_F(AppTest, ScanReturnsEvidenceAndVerdictAndStoresNothing) {
  Start();
  Response r = Call("POST", "/v1/scan", "a:integrator",
                    json{{"text", "a perfectly ordinary sentence"}}.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  json j = r.Json();
  EXPECT_TRUE(j["evidence"].contains("language"));
  EXPECT_TRUE(j["evidence"]["lexicon"].is_array());
  EXPECT_TRUE(j["evidence"]["bank_matches"].is_array());
  EXPECT_TRUE(j["verdict"]["action"].is_string());
  EXPECT_FALSE(j["verdict"]["policy_version"].get<std::string>().empty());
  Result<std::vector<Case>> cases = app_->moderation_store().ListCases("a", CaseFilter{});
  ASSERT_TRUE(cases.ok());
  EXPECT_TRUE(cases->empty());
  EXPECT_EQ(app_->moderation_store().GetItem("a", 1).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Call("POST", "/v1/scan", "a:integrator", "{}").status, 400);
  EXPECT_EQ(Call("POST", "/v1/scan", "a:integrator", "not json").status, 400);
}

TEST_F(AppTest, KnownHashIsRemovedAndPrivateBanksOfOthersAreHidden) {
  Start();
  AddBankSignal("b-private", "b");
  AddBankSignal("global", "");
  // The matcher refreshes at most once a second; retry until it has.
  Response r;
  for (int i = 0; i < 50; ++i) {
    r = Call("POST", "/v1/items", "a:integrator",
             json{{"external_id", "img-" + std::to_string(i)}, {"pdq", kPdq}}.dump());
    ASSERT_EQ(r.status, 201) << r.body;
    if (r.Json()["verdict"]["action"] == "remove") break;
    ::usleep(100'000);
  }
  json j = r.Json();
  EXPECT_EQ(j["verdict"]["action"], "remove") << r.body;
  EXPECT_EQ(j["verdict"]["rule"], "known-content-pdq-close");
  std::int64_t item = j["item_id"].get<std::int64_t>();
  Response got = Call("GET", "/v1/items/" + std::to_string(item), "a:analyst");
  ASSERT_EQ(got.status, 200) << got.body;
  json matches = got.Json()["evidence"]["bank_matches"];
  ASSERT_EQ(matches.size(), 1u) << got.body;
  EXPECT_EQ(matches[0]["bank"], "global");
  EXPECT_THAT(matches[0]["labels"].dump(), HasSubstr("propaganda"));
  EXPECT_THAT(Call("GET", "/metrics", "").body, HasSubstr("moderato_bank_matches_total"));
  // B sees its own private bank as well as the global one.
  Response own = Call("POST", "/v1/scan", "b:integrator", json{{"pdq", kPdq}}.dump());
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(own.Json()["evidence"]["bank_matches"].size(), 2u) << own.body;
  Response a_match = Call("POST", "/v1/match", "a:integrator", json{{"pdq", kPdq}}.dump());
  ASSERT_EQ(a_match.status, 200) << a_match.body;
  ASSERT_EQ(a_match.Json()["matches"].size(), 1u) << a_match.body;
  EXPECT_EQ(a_match.Json()["matches"][0]["bank"], "global");
  Response b_match = Call("POST", "/v1/match", "b:integrator", json{{"pdq", kPdq}}.dump());
  EXPECT_EQ(b_match.Json()["matches"].size(), 2u) << b_match.body;
  Response a_banks = Call("GET", "/v1/banks", "a:analyst");
  ASSERT_EQ(a_banks.status, 200) << a_banks.body;
  EXPECT_THAT(a_banks.body, HasSubstr("\"global\""));
  EXPECT_THAT(a_banks.body, Not(HasSubstr("b-private")));
  EXPECT_THAT(Call("GET", "/v1/banks", "b:analyst").body, HasSubstr("b-private"));
}

std::string ReadShared(const std::string& relative) {
  std::ifstream in(std::string(MODERATO_SHARED_DATA_DIR) + "/" + relative, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string Base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// The C++ reference CLI's PDQ of this image (pdq-vectors, PROVENANCE.md):
// an oracle independent of our hasher.
constexpr const char* kBridgeImage = "pdq-vectors/images/reg-test-input/dih/bridge-1-original.jpg";
constexpr const char* kBridgeReferencePdq =
    "d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22";

TEST_F(AppTest, ScanHashesAnImageSentAsBase64OrMultipart) {
  const std::string image = ReadShared(kBridgeImage);
  ASSERT_GT(image.size(), 1000u) << "shared data missing: " << kBridgeImage;
  Start();
  AddBankSignal("global", "");
  Result<Hash256> reference = ParseHash256Hex(kBridgeReferencePdq);
  ASSERT_TRUE(reference.ok());

  auto check = [&](const Response& r) {
    ASSERT_EQ(r.status, 200) << r.body;
    const json ev = r.Json()["evidence"];
    Result<Hash256> got = ParseHash256Hex(ev["image"]["pdq"].get<std::string>());
    ASSERT_TRUE(got.ok()) << r.body;
    EXPECT_LE(HammingDistance(*got, *reference), 12) << r.body;
    EXPECT_EQ(ev["image"]["width"], 1600) << r.body;
    EXPECT_EQ(ev["image"]["sha256"].get<std::string>().size(), 64u);
    ASSERT_FALSE(ev["bank_matches"].empty()) << r.body;
    EXPECT_EQ(ev["bank_matches"][0]["bank"], "global");
  };
  Response r;
  // The matcher refreshes at most once a second after the bank write.
  for (int i = 0; i < 50; ++i) {
    r = Call("POST", "/v1/scan", "a:integrator", json{{"image_base64", Base64(image)}}.dump());
    if (r.status != 200 || !r.Json()["evidence"]["bank_matches"].empty()) break;
    ::usleep(100'000);
  }
  check(r);

  const std::string boundary = "b0undary";
  std::string form = "--" + boundary +
                     "\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nhello there\r\n--" +
                     boundary +
                     "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"b.jpg\"\r\n"
                     "Content-Type: image/jpeg\r\n\r\n" +
                     image + "\r\n--" + boundary + "--\r\n";
  Response multipart =
      Call("POST", "/v1/scan", "a:integrator", form, "multipart/form-data; boundary=" + boundary);
  check(multipart);
  EXPECT_TRUE(multipart.Json()["evidence"]["lexicon"].is_array());

  // A re-upload turned by 90 degrees matches through one of the 8 variants.
  const std::string rotated =
      ReadShared("pdq-vectors/images/reg-test-input/dih/bridge-2-rotate-90.jpg");
  ASSERT_GT(rotated.size(), 1000u);
  Response turned =
      Call("POST", "/v1/scan", "a:integrator", json{{"image_base64", Base64(rotated)}}.dump());
  ASSERT_EQ(turned.status, 200) << turned.body;
  const json turned_matches = turned.Json()["evidence"]["bank_matches"];
  ASSERT_EQ(turned_matches.size(), 1u) << turned.body;
  EXPECT_NE(turned_matches[0]["variant"], "orig") << turned.body;
  EXPECT_LE(turned_matches[0]["distance"].get<int>(), 31);

  // Bytes that are not an image still get their digests, and say why.
  Response garbage = Call("POST", "/v1/scan", "a:integrator",
                          json{{"image_base64", Base64("definitely not a jpeg")}}.dump());
  ASSERT_EQ(garbage.status, 200) << garbage.body;
  EXPECT_TRUE(garbage.Json()["evidence"]["image"]["pdq"].is_null());
  EXPECT_FALSE(garbage.Json()["evidence"]["image"]["image_error"].get<std::string>().empty());
  EXPECT_EQ(garbage.Json()["evidence"]["image"]["md5"].get<std::string>().size(), 32u);

  EXPECT_EQ(Call("POST", "/v1/scan", "a:integrator", json{{"image_base64", "***"}}.dump()).status,
            400);
  EXPECT_EQ(Call("POST", "/v1/scan", "a:integrator",
                 json{{"image_base64", Base64(image)}, {"pdq", kPdq}}.dump())
                .status,
            400);
  EXPECT_EQ(Call("POST", "/v1/scan", "a:integrator", "--x\r\ntruncated",
                 "multipart/form-data; boundary=x")
                .status,
            400);
}

TEST_F(AppTest, ItemsAreIdempotentAndConflictsAre409) {
  Start();
  std::string body = json{{"external_id", "post-1"}, {"text", "hello there"}}.dump();
  Response first = Call("POST", "/v1/items", "a:integrator", body);
  ASSERT_EQ(first.status, 201) << first.body;
  Response again = Call("POST", "/v1/items", "a:integrator", body);
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.Json()["item_id"], first.Json()["item_id"]);
  EXPECT_EQ(again.Json()["verdict"], first.Json()["verdict"]);
  Response conflict = Call("POST", "/v1/items", "a:integrator",
                           json{{"external_id", "post-1"}, {"text", "other"}}.dump());
  EXPECT_EQ(conflict.status, 409) << conflict.body;
  EXPECT_EQ(Call("POST", "/v1/items", "a:integrator", json{{"text", "x"}}.dump()).status, 400);
}

TEST_F(AppTest, ReviewAppealAndTenancy) {
  Start();
  AddBankSignal("global", "");
  std::int64_t case_id = 0;
  for (int i = 0; i < 50 && case_id == 0; ++i) {
    Response r =
        Call("POST", "/v1/items", "a:integrator",
             json{{"external_id", "near-" + std::to_string(i)}, {"pdq", kPdqNear()}}.dump());
    ASSERT_EQ(r.status, 201) << r.body;
    if (r.Json()["case_id"].is_number()) case_id = r.Json()["case_id"].get<std::int64_t>();
    if (case_id == 0) ::usleep(100'000);
  }
  ASSERT_NE(case_id, 0);
  const std::string c = "/v1/cases/" + std::to_string(case_id);

  Response list = Call("GET", "/v1/cases?status=open", "a:reviewer");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_THAT(list.body, HasSubstr("\"id\":" + std::to_string(case_id)));

  // Tenancy: org B sees nothing of A.
  Response b_list = Call("GET", "/v1/cases", "b:reviewer");
  ASSERT_EQ(b_list.status, 200);
  EXPECT_TRUE(b_list.Json()["cases"].empty()) << b_list.body;
  Response item = Call("GET", c, "a:reviewer");
  ASSERT_EQ(item.status, 200);
  const std::string item_path = "/v1/items/" + std::to_string(item.Json()["item_id"].get<int>());
  const std::vector<std::tuple<std::string, std::string, std::string, std::string>> b_calls = {
      {"GET", item_path, "b:analyst", ""},
      {"GET", c, "b:reviewer", ""},
      {"POST", c + "/claim", "b:reviewer", "{}"},
      {"POST", c + "/decision", "b:reviewer", json{{"decision", "remove"}, {"reason", "x"}}.dump()},
      {"POST", c + "/appeal", "b:integrator", json{{"reason", "x"}}.dump()},
  };
  for (const auto& [method, target, who, body] : b_calls) {
    EXPECT_EQ(Call(method, target, who, body).status, 404) << method << " " << target;
  }

  ASSERT_EQ(Call("POST", c + "/claim", "a:reviewer", "{}").status, 200);
  Response decided =
      Call("POST", c + "/decision", "a:reviewer",
           json{{"decision", "remove"}, {"policy", "tos-3"}, {"reason", "banned"}}.dump());
  ASSERT_EQ(decided.status, 200) << decided.body;

  Response appeal =
      Call("POST", c + "/appeal", "a:integrator", json{{"reason", "it is satire"}}.dump());
  ASSERT_EQ(appeal.status, 201) << appeal.body;
  const std::string ac = "/v1/cases/" + std::to_string(appeal.Json()["id"].get<std::int64_t>());
  EXPECT_EQ(appeal.Json()["kind"], "appeal");
  EXPECT_EQ(Call("POST", ac + "/claim", "a:reviewer", "{}").status, 403);
  ASSERT_EQ(Call("POST", ac + "/claim", "a:reviewer2", "{}").status, 200);
  Response overturned =
      Call("POST", ac + "/decision", "a:reviewer2",
           json{{"decision", "overturn"}, {"policy", "tos-3"}, {"reason", "satire"}}.dump());
  EXPECT_EQ(overturned.status, 200) << overturned.body;
  EXPECT_EQ(Call("GET", ac, "a:analyst").Json()["status"], "decided");

  Response audit = Call("GET", "/v1/audit", "a:analyst");
  ASSERT_EQ(audit.status, 200);
  EXPECT_THAT(audit.body, HasSubstr("case.decide"));
  EXPECT_THAT(Call("GET", "/v1/audit", "b:analyst").body, Not(HasSubstr("case.decide")));
  Response verify = Call("GET", "/v1/audit/verify", "a:admin");
  ASSERT_EQ(verify.status, 200);
  EXPECT_EQ(verify.Json()["ok"], true) << verify.body;
}

TEST_F(AppTest, RateLimitAnswers429WithRetryAfter) {
  Start(/*rate=*/1, /*burst=*/2);
  int limited = 0;
  Response last;
  for (int i = 0; i < 5; ++i) {
    Response r = Call("GET", "/v1/cases", "a:reviewer");
    if (r.status == 429) {
      ++limited;
      last = r;
    }
  }
  EXPECT_GE(limited, 1);
  EXPECT_FALSE(last.headers["retry-after"].empty());
  EXPECT_THAT(Call("GET", "/metrics", "").body, HasSubstr("cases.list"));
}

TEST_F(AppTest, OpenApiDescribesEveryRoute) {
  Start();
  json doc = Call("GET", "/openapi.json", "").Json();
  ASSERT_TRUE(doc.contains("paths"));
  for (const auto& [method, pattern, name] : router_.Routes()) {
    std::string m = method;
    for (char& ch : m) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    EXPECT_TRUE(doc["paths"].contains(pattern) && doc["paths"][pattern].contains(m))
        << method << " " << pattern;
  }
  EXPECT_EQ(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
}

}  // namespace
}  // namespace moderato::server
