// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// The bank write routes and POST /v1/hash (server/app_banks.cc) over HTTP:
// roles, the tenancy matrix, add -> match -> remove, import/export round
// trips in every exchange format, hashing against the shared PDQ reference
// vectors, garbage inputs, and the audit trail.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hash/pdq_testing.h"
#include "moderato/exchange/formats.h"
#include "moderato/store/banks.h"
#include "server/app_testing.h"

namespace moderato::server {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

// Reference values of the shared PDQ vectors, independent of our code:
// the PDQ hash and quality from expected/core_fullres_no_preresize.csv (read
// at run time), the digests from coreutils' md5sum / sha256sum.
constexpr const char* kJpeg = "images/bridge-mods/aaa-orig.jpg";
constexpr const char* kJpegMd5 = "d35c785545392755e7e4164457657269";
constexpr const char* kJpegSha256 =
    "b5b0799616df52d475a3968dc7e54f1d0724c912244ffa6175bc786375dd7298";
constexpr const char* kPng = "images/misc-images/modes/L.png";

std::string ReadImage(const std::string& relative) {
  std::vector<std::uint8_t> bytes = pdq_testing::ReadVector(relative);
  return std::string(bytes.begin(), bytes.end());
}

// {pdq_hex, quality, "WxH"} of `relative` in the reference CSV.
std::tuple<std::string, int, std::string> Reference(const std::string& relative) {
  for (auto& row : pdq_testing::ReadCsv("expected/core_fullres_no_preresize.csv")) {
    if (row["path"] == relative) {
      return {row["pdq_hex"], std::stoi(row["quality"]), row["decoded_width_x_height"]};
    }
  }
  ADD_FAILURE() << "no reference for " << relative;
  return {};
}

std::string Base64(std::string_view in) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    std::uint32_t v = (static_cast<std::uint8_t>(in[i]) << 16) |
                      (static_cast<std::uint8_t>(in[i + 1]) << 8) |
                      static_cast<std::uint8_t>(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += k[(v >> s) & 63];
  }
  if (i + 1 == in.size()) {
    std::uint32_t v = static_cast<std::uint8_t>(in[i]) << 16;
    out += k[(v >> 18) & 63];
    out += k[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    std::uint32_t v =
        (static_cast<std::uint8_t>(in[i]) << 16) | (static_cast<std::uint8_t>(in[i + 1]) << 8);
    out += k[(v >> 18) & 63];
    out += k[(v >> 12) & 63];
    out += k[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

constexpr const char* kBoundary = "moderato-test-boundary";
const std::string kMultipartType = std::string("multipart/form-data; boundary=") + kBoundary;

std::string Multipart(const std::vector<std::pair<std::string, std::string>>& parts) {
  std::string body;
  for (const auto& [name, data] : parts) {
    body += std::string("--") + kBoundary + "\r\n";
    body += "Content-Disposition: form-data; name=\"" + name + "\"";
    if (name == "image")
      body += "; filename=\"upload.bin\"\r\nContent-Type: application/octet-stream";
    body += "\r\n\r\n" + data + "\r\n";
  }
  body += std::string("--") + kBoundary + "--\r\n";
  return body;
}

std::uint32_t Crc32(std::string_view data) {
  std::uint32_t crc = 0xffffffffu;
  for (char ch : data) {
    crc ^= static_cast<std::uint8_t>(ch);
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

void PutBe32(std::string& out, std::uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out += static_cast<char>((v >> s) & 0xff);
}

// A PNG whose IHDR claims width x height RGB pixels, with no pixel data: a
// "decompression bomb" header (an empty IDAT: libpng reads the header up to it).
std::string PngHeader(std::uint32_t width, std::uint32_t height) {
  std::string png("\x89PNG\r\n\x1a\n", 8);
  std::string ihdr = "IHDR";
  PutBe32(ihdr, width);
  PutBe32(ihdr, height);
  ihdr += std::string("\x08\x02\x00\x00\x00", 5);
  PutBe32(png, 13);
  png += ihdr;
  PutBe32(png, Crc32(ihdr));
  PutBe32(png, 0);
  png += "IDAT";
  PutBe32(png, Crc32("IDAT"));
  PutBe32(png, 0);
  png += "IEND";
  PutBe32(png, Crc32("IEND"));
  return png;
}

// A request with only headers: Content-Length claims `length` bytes that
// never come. The server must refuse it from the header alone.
int StatusForClaimedLength(int port, const std::string& target, const std::string& token,
                           std::size_t length) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return 0;
  }
  std::string req = "POST " + target + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n" +
                    "Authorization: Bearer " + token + "\r\nContent-Type: text/plain\r\n" +
                    "Content-Length: " + std::to_string(length) + "\r\n\r\n";
  ::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
  std::string in;
  char buf[4096];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    in.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return in.size() >= 12 ? std::atoi(in.substr(9, 3).c_str()) : 0;
}

class BankRoutesTest : public AppTest {
 protected:
  // Creates `name` as a:admin (owner "a") and checks the answer.
  void CreateBank(const std::string& name, const std::string& who = "a:admin") {
    Response r = Call("POST", "/v1/banks", who, json{{"name", name}}.dump());
    ASSERT_EQ(r.status, 201) << r.body;
  }

  // Adds kPdq to `bank` as `who`; returns the new signal's id.
  std::int64_t AddPdq(const std::string& bank, const std::string& who = "a:admin") {
    Response r = Call("POST", "/v1/banks/" + bank + "/signals", who,
                      json{{"signals",
                            {{{"type", "pdq"},
                              {"value", kPdq},
                              {"quality", 100},
                              {"labels", {{"behaviours", {"propaganda"}}, {"tags", {"t1"}}}}}}}}
                          .dump());
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return 0;
    return r.Json()["ids"][0].get<std::int64_t>();
  }

  // The banks that POST /v1/match reports for kPdq, as `who`.
  std::set<std::string> MatchedBanks(const std::string& who) {
    Response r = Call("POST", "/v1/match", who, json{{"pdq", kPdq}}.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    std::set<std::string> out;
    const json body = r.Json();
    for (const json& m : body["matches"]) out.insert(m["bank"].get<std::string>());
    return out;
  }

  std::int64_t SignalCount(const std::string& bank) {
    Result<BankStats> stats = app_->bank_store().Stats(bank);
    EXPECT_TRUE(stats.ok()) << stats.status();
    return stats.ok() ? stats->total : -1;
  }
};

TEST_F(BankRoutesTest, EnforcesRolesPerRoute) {
  Start();
  CreateBank("a-bank");
  struct RouteCase {
    std::string method, target;
    std::vector<std::string> denied;
  };
  const std::vector<std::string> all_but_admin = {"integrator", "analyst", "reviewer", "editor"};
  const std::vector<RouteCase> routes = {
      {"POST", "/v1/hash", {"reviewer", "editor"}},
      {"POST", "/v1/banks", all_but_admin},
      {"POST", "/v1/banks/a-bank/signals", all_but_admin},
      {"DELETE", "/v1/banks/a-bank/signals/1", all_but_admin},
      {"DELETE", "/v1/banks/a-bank/signals?type=pdq&value=" + std::string(kPdq), all_but_admin},
      {"POST", "/v1/banks/a-bank/import?format=pytx", all_but_admin},
      {"GET", "/v1/banks/a-bank/export", {"integrator", "reviewer", "editor"}},
  };
  for (const RouteCase& rc : routes) {
    for (const std::string& role : rc.denied) {
      Response r = Call(rc.method, rc.target, "a:" + role, "{}");
      EXPECT_EQ(r.status, 403) << rc.method << " " << rc.target << " as " << role;
      EXPECT_EQ(r.Json()["error"]["code"], "permission_denied");
    }
    EXPECT_NE(Call(rc.method, rc.target, "a:admin", "{}").status, 403) << rc.target;
    EXPECT_EQ(Call(rc.method, rc.target, "").status, 401) << rc.target;
  }
  for (const char* role : {"integrator", "analyst"}) {
    EXPECT_NE(Call("POST", "/v1/hash", std::string("a:") + role, "{}").status, 403) << role;
  }
  EXPECT_EQ(Call("GET", "/v1/banks/a-bank/export", "a:analyst").status, 200);
}

TEST_F(BankRoutesTest, CreateMakesAPrivateBankAndValidates) {
  Start();
  Response r = Call("POST", "/v1/banks", "a:admin",
                    json{{"name", "a-private"},
                         {"description", "ours"},
                         {"pdq_threshold", 20},
                         {"suppression", false}}
                        .dump());
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.Json()["owner"], "a");
  EXPECT_EQ(r.Json()["pdq_threshold"], 20);
  EXPECT_EQ(r.Json()["description"], "ours");
  Result<Bank> stored = app_->bank_store().GetBank("a-private");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->owner, "a");
  Response listed = Call("GET", "/v1/banks", "a:analyst");
  EXPECT_THAT(listed.body, HasSubstr("\"a-private\""));
  EXPECT_THAT(listed.body, HasSubstr("\"owner\":\"a\""));

  const std::vector<json> bad = {
      json{{"description", "no name"}},
      json{{"name", "bad name!"}},
      json{{"name", std::string(65, 'x')}},
      json{{"name", "x1"}, {"pdq_threshold", 64}},
      json{{"name", "x2"}, {"pdq_threshold", "31"}},
      json{{"name", "x3"}, {"pdq_quality_min", 101}},
      json{{"name", "x4"}, {"suppression", "yes"}},
      json{{"name", 7}},
  };
  for (const json& body : bad) {
    Response b = Call("POST", "/v1/banks", "a:admin", body.dump());
    EXPECT_EQ(b.status, 400) << body.dump() << " -> " << b.body;
  }
  EXPECT_EQ(Call("POST", "/v1/banks", "a:admin", "not json").status, 400);
  EXPECT_EQ(Call("POST", "/v1/banks", "a:admin", "[]").status, 400);
}

TEST_F(BankRoutesTest, TenancyMatrixHidesPrivateBanksOfOtherOrganisations) {
  Start();
  AddBankSignal("global", "");
  CreateBank("a-private");
  const std::int64_t id = AddPdq("a-private");
  ASSERT_GT(id, 0);
  CreateBank("b-own", "b:admin");

  // Every route, on a's private bank and on a name that does not exist: B
  // gets the same 404 for both, byte for byte.
  const std::string import_body = "pdq " + std::string(kPdqNear()) + "\n";
  const std::string add_body = json{{"signals", {{{"type", "md5"}, {"value", kJpegMd5}}}}}.dump();
  struct Route {
    std::string method, suffix, body, who;
  };
  const std::vector<Route> routes = {
      {"POST", "/signals", add_body, "b:admin"},
      {"DELETE", "/signals/" + std::to_string(id), "", "b:admin"},
      {"DELETE", "/signals?type=pdq&value=" + std::string(kPdq), "", "b:admin"},
      {"POST", "/import?format=pytx", import_body, "b:admin"},
      {"GET", "/export?format=csv", "", "b:admin"},
      {"GET", "/export?format=csv", "", "b:analyst"},
  };
  for (const Route& route : routes) {
    Response hidden = Call(route.method, "/v1/banks/a-private" + route.suffix, route.who,
                           route.body, "text/plain");
    Response unknown = Call(route.method, "/v1/banks/no-such-bank" + route.suffix, route.who,
                            route.body, "text/plain");
    EXPECT_EQ(hidden.status, 404) << route.method << " " << route.suffix << ": " << hidden.body;
    EXPECT_EQ(hidden.body, unknown.body) << route.method << " " << route.suffix;
    EXPECT_EQ(unknown.status, 404);
  }
  // A's signal id through B's own bank is not found either, and stays.
  EXPECT_EQ(Call("DELETE", "/v1/banks/b-own/signals/" + std::to_string(id), "b:admin").status, 404);
  EXPECT_TRUE(app_->bank_store().GetSignal(id).ok());
  EXPECT_EQ(SignalCount("a-private"), 1);

  // B never sees A's bank: not listed, not matched (by hash or by /v1/hash).
  EXPECT_THAT(Call("GET", "/v1/banks", "b:analyst").body, Not(HasSubstr("a-private")));
  EXPECT_EQ(MatchedBanks("b:integrator"), (std::set<std::string>{"global"}));
  EXPECT_EQ(MatchedBanks("a:integrator"), (std::set<std::string>{"global", "a-private"}));
  Response scan = Call("POST", "/v1/scan", "b:integrator", json{{"pdq", kPdq}}.dump());
  EXPECT_THAT(scan.body, Not(HasSubstr("a-private")));
  const std::string image =
      json{{"image_base64", Base64(ReadImage(kJpeg))}, {"match", true}}.dump();
  Response b_hash = Call("POST", "/v1/hash", "b:integrator", image);
  ASSERT_EQ(b_hash.status, 200) << b_hash.body;
  EXPECT_THAT(b_hash.Json()["matches"].dump(), Not(HasSubstr("a-private")));
  Response a_hash = Call("POST", "/v1/hash", "a:integrator", image);
  EXPECT_THAT(a_hash.Json()["matches"].dump(), HasSubstr("a-private"));

  // Names are unique: B cannot take A's name, but learns only "exists".
  Response taken = Call("POST", "/v1/banks", "b:admin", json{{"name", "a-private"}}.dump());
  EXPECT_EQ(taken.status, 409);
  EXPECT_THAT(taken.body, Not(HasSubstr("\"a\"")));
  Response taken_global = Call("POST", "/v1/banks", "b:admin", json{{"name", "global"}}.dump());
  EXPECT_EQ(taken_global.status, 409);
  EXPECT_EQ(taken.body, taken_global.body);

  // Global banks are read-only over HTTP, for every organisation.
  for (const Route& route : routes) {
    for (const char* who : {"a:admin", "b:admin"}) {
      Response r =
          Call(route.method, "/v1/banks/global" + route.suffix, who, route.body, "text/plain");
      EXPECT_EQ(r.status, 403) << route.method << " " << route.suffix << ": " << r.body;
      EXPECT_EQ(r.Json()["error"]["code"], "permission_denied");
    }
  }
  EXPECT_EQ(SignalCount("global"), 1);
}

TEST_F(BankRoutesTest, AddedSignalIsMatchedAtOnceAndRemovedOneIsNot) {
  Start();
  CreateBank("a-known");
  EXPECT_TRUE(MatchedBanks("a:integrator").empty());
  const std::int64_t id = AddPdq("a-known");
  ASSERT_GT(id, 0);
  // No waiting: a write invalidates the matcher.
  Response m = Call("POST", "/v1/match", "a:integrator", json{{"pdq", kPdqNear()}}.dump());
  ASSERT_EQ(m.status, 200) << m.body;
  ASSERT_EQ(m.Json()["matches"].size(), 1u) << m.body;
  EXPECT_EQ(m.Json()["matches"][0]["bank"], "a-known");
  EXPECT_EQ(m.Json()["matches"][0]["distance"], 20);
  EXPECT_THAT(m.Json()["matches"][0]["labels"].dump(), HasSubstr("propaganda"));

  // Adding it again is a duplicate.
  Response again = Call("POST", "/v1/banks/a-known/signals", "a:admin",
                        json{{"signals", {{{"type", "PDQ"}, {"value", kPdq}}}}}.dump());
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.Json()["added"], 0);
  EXPECT_EQ(again.Json()["duplicates"], 1);
  EXPECT_EQ(again.Json()["ids"][0], id);

  Response removed = Call("DELETE", "/v1/banks/a-known/signals/" + std::to_string(id), "a:admin");
  ASSERT_EQ(removed.status, 200) << removed.body;
  EXPECT_EQ(removed.Json()["removed"], 1);
  EXPECT_TRUE(MatchedBanks("a:integrator").empty());
  EXPECT_EQ(Call("DELETE", "/v1/banks/a-known/signals/" + std::to_string(id), "a:admin").status,
            404);
  EXPECT_EQ(Call("DELETE", "/v1/banks/a-known/signals/abc", "a:admin").status, 404);

  // Removal by value, with a value in another spelling (upper case).
  AddPdq("a-known");
  EXPECT_EQ(MatchedBanks("a:integrator"), (std::set<std::string>{"a-known"}));
  std::string upper = kPdq;
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  Response by_value =
      Call("DELETE", "/v1/banks/a-known/signals?type=pdq&value=" + upper, "a:admin");
  ASSERT_EQ(by_value.status, 200) << by_value.body;
  EXPECT_EQ(by_value.Json()["removed"], 1);
  EXPECT_TRUE(MatchedBanks("a:integrator").empty());
  EXPECT_EQ(Call("DELETE", "/v1/banks/a-known/signals?type=pdq&value=zz", "a:admin").status, 400);
  EXPECT_EQ(Call("DELETE", "/v1/banks/a-known/signals", "a:admin").status, 400);

  EXPECT_THAT(Call("GET", "/metrics", "").body,
              HasSubstr("moderato_bank_signals_added_total{bank=\"a-known\"}"));
}

TEST_F(BankRoutesTest, AddSignalsValidatesEveryRecordAndWritesNothingOnError) {
  Start();
  CreateBank("a-bank");
  const std::vector<json> bad = {
      json::object(),
      json{{"signals", json::array()}},
      json{{"signals", "pdq"}},
      json{{"signals", {{{"type", "tlsh"}, {"value", "x"}}}}},
      json{{"signals", {{{"type", "pdq"}, {"value", "abc"}}}}},
      json{{"signals", {{{"type", "md5"}, {"value", kPdq}}}}},
      json{{"signals", {{{"type", "url"}, {"value", "not a url"}}}}},
      json{{"signals", {{{"type", "pdq"}, {"value", kPdq}, {"quality", 101}}}}},
      json{{"signals",
            {{{"type", "pdq"}, {"value", kPdq}, {"labels", {{"behaviours", {"cats"}}}}}}}},
      json{{"signals", {{{"type", "pdq"}, {"value", kPdq}, {"labels", {{"tags", {"a;b"}}}}}}}},
      json{{"signals", {{{"type", "pdq"}, {"value", kPdq}, {"labels", "x"}}}}},
      json{
          {"signals", {{{"type", "md5"}, {"value", kJpegMd5}}, {{"type", "pdq"}, {"value", "0"}}}}},
  };
  for (const json& body : bad) {
    Response r = Call("POST", "/v1/banks/a-bank/signals", "a:admin", body.dump());
    EXPECT_EQ(r.status, 400) << body.dump() << " -> " << r.body;
    EXPECT_EQ(r.Json()["error"]["code"], "invalid_argument");
  }
  EXPECT_EQ(SignalCount("a-bank"), 0);

  json many = json::array();
  for (int i = 0; i < 10'001; ++i) {
    char hex[33];
    std::snprintf(hex, sizeof hex, "%032x", i);
    many.push_back(json{{"type", "md5"}, {"value", hex}});
  }
  Response too_many =
      Call("POST", "/v1/banks/a-bank/signals", "a:admin", json{{"signals", many}}.dump());
  EXPECT_EQ(too_many.status, 413) << too_many.body;
  many.erase(many.begin());
  Response max =
      Call("POST", "/v1/banks/a-bank/signals", "a:admin", json{{"signals", many}}.dump());
  ASSERT_EQ(max.status, 200) << max.body.substr(0, 300);
  EXPECT_EQ(max.Json()["added"], 10'000);
  EXPECT_EQ(SignalCount("a-bank"), 10'000);
}

TEST_F(BankRoutesTest, ImportThenExportRoundTripsInEveryFormat) {
  Start();
  // Source signals; each format carries the subset it can (docs/exchange.md).
  std::vector<Signal> source;
  auto add = [&](SignalType type, std::string value, int quality) {
    Signal s;
    s.type = type;
    s.value = std::move(value);
    s.quality = quality;
    s.labels.organisation = "Example Front";
    s.labels.behaviours = {"propaganda", "recruitment"};
    s.labels.tags = {"ideology:islamist", "file_type:image"};
    s.source = "partner";
    s.external_id = std::to_string(1000 + source.size());
    s.added_at = 1'700'000'000 + static_cast<std::int64_t>(source.size());
    source.push_back(std::move(s));
  };
  add(SignalType::kPdq, kPdq, 100);
  add(SignalType::kPdq, kPdqNear(), 90);
  add(SignalType::kMd5, kJpegMd5, -1);
  add(SignalType::kSha256, kJpegSha256, -1);
  add(SignalType::kUrl, "https://example.org/manifesto.pdf", -1);

  for (ExchangeFormat format :
       {ExchangeFormat::kPytx, ExchangeFormat::kHmaJson, ExchangeFormat::kTat,
        ExchangeFormat::kStopNcii, ExchangeFormat::kCsv}) {
    const std::string name(ExchangeFormatName(format));
    SCOPED_TRACE(name);
    std::ostringstream file;
    Result<ExportSummary> written =
        ExportSignals(source, format, file, {.bank = Bank{.name = "source"}});
    ASSERT_TRUE(written.ok()) << written.status();
    Result<ImportBatch> expected = ImportSignalsFromBytes(file.str(), format);
    ASSERT_TRUE(expected.ok() && expected->ok()) << name;
    ASSERT_GE(expected->add.size(), 2u);

    const std::string bank = "rt-" + name;
    CreateBank(bank);
    Response imported = Call("POST", "/v1/banks/" + bank + "/import?format=" + name, "a:admin",
                             file.str(), "application/octet-stream");
    ASSERT_EQ(imported.status, 200) << imported.body;
    EXPECT_EQ(imported.Json()["added"], expected->add.size());
    EXPECT_EQ(imported.Json()["format"], name);
    // Importing again adds nothing.
    Response again = Call("POST", "/v1/banks/" + bank + "/import?format=" + name, "a:admin",
                          file.str(), "application/octet-stream");
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(again.Json()["added"], 0);
    EXPECT_EQ(again.Json()["duplicates"], expected->add.size());

    Response exported = Call("GET", "/v1/banks/" + bank + "/export?format=" + name, "a:analyst");
    ASSERT_EQ(exported.status, 200) << exported.body;
    EXPECT_THAT(exported.headers["content-disposition"], HasSubstr(bank));
    Result<ImportBatch> got = ImportSignalsFromBytes(exported.body, format);
    ASSERT_TRUE(got.ok()) << got.status();
    ASSERT_TRUE(got->ok()) << name;
    ASSERT_EQ(got->add.size(), expected->add.size());
    for (std::size_t i = 0; i < got->add.size(); ++i) {
      const Signal& g = got->add[i];
      const Signal& e = expected->add[i];
      EXPECT_EQ(g.type, e.type) << i;
      EXPECT_EQ(g.value, e.value) << i;
      if (format == ExchangeFormat::kCsv || format == ExchangeFormat::kHmaJson) {
        EXPECT_EQ(g.labels, e.labels) << i;
        EXPECT_EQ(g.source, e.source) << i;
        EXPECT_EQ(g.external_id, e.external_id) << i;
        EXPECT_EQ(g.quality, e.quality) << i;
        EXPECT_EQ(g.added_at, e.added_at) << i;
      }
      if (format == ExchangeFormat::kTat) {
        EXPECT_EQ(g.external_id, e.external_id) << i;
        EXPECT_EQ(g.added_at, e.added_at) << i;
      }
      if (format == ExchangeFormat::kStopNcii) {
        EXPECT_EQ(g.added_at, e.added_at) << i;
      }
    }
  }
  // Without ?format= the format is detected; the default export is CSV.
  CreateBank("detected");
  Response detected = Call("POST", "/v1/banks/detected/import", "a:admin",
                           "type,value\npdq," + std::string(kPdq) + "\n", "text/csv");
  ASSERT_EQ(detected.status, 200) << detected.body;
  EXPECT_EQ(detected.Json()["format"], "csv");
  Response csv = Call("GET", "/v1/banks/detected/export", "a:admin");
  ASSERT_EQ(csv.status, 200);
  EXPECT_THAT(csv.headers["content-type"], HasSubstr("text/csv"));
  EXPECT_THAT(csv.body, HasSubstr(kPdq));
  // The imported signal is matched at once.
  EXPECT_TRUE(MatchedBanks("a:integrator").count("detected"));
}

TEST_F(BankRoutesTest, BadImportsAre4xxAndWriteNothing) {
  Start();
  CreateBank("a-bank");
  const std::string target = "/v1/banks/a-bank/import";
  const std::vector<std::tuple<std::string, std::string, int>> bad = {
      {"?format=nope", "pdq " + std::string(kPdq), 400},
      {"?format=pytx", "pdq " + std::string(kPdq) + "\nfoo bar\n", 400},
      {"?format=pytx", "pdq 1234\n", 400},
      {"?format=hma-json", "{\"name\": \"x\", \"contents\": [", 400},
      {"?format=tat", "[{\"hash_digest\": 5}]", 400},
      {"?format=csv", "value\n" + std::string(kPdq) + "\n", 400},
      {"?format=stopncii", std::string(100, '[') + std::string(100, ']'), 413},
      {"", "{\"neither\": 1}", 400},
      {"?format=pytx", std::string("pdq \xff\xfe\n", 7), 400},
  };
  for (const auto& [query, body, status] : bad) {
    Response r = Call("POST", target + query, "a:admin", body, "application/octet-stream");
    EXPECT_EQ(r.status, status) << query << " " << body.substr(0, 40) << " -> " << r.body;
    EXPECT_TRUE(r.Json().contains("error")) << r.body;
  }
  EXPECT_EQ(SignalCount("a-bank"), 0);
  // Over the route's 64 MiB: refused from Content-Length, before the body.
  EXPECT_EQ(StatusForClaimedLength(server_->port(), target + "?format=pytx", tokens_.at("a:admin"),
                                   (std::size_t{64} << 20) + 1),
            413);
  EXPECT_EQ(Call("GET", "/v1/banks/a-bank/export?format=nope", "a:admin").status, 400);
}

TEST_F(BankRoutesTest, HashMatchesTheReferenceVectorsAsJsonAndMultipart) {
  Start();
  const auto [want_pdq, want_quality, want_size] = Reference(kJpeg);
  const std::string jpeg = ReadImage(kJpeg);
  ASSERT_FALSE(jpeg.empty());

  Response j =
      Call("POST", "/v1/hash", "a:integrator", json{{"image_base64", Base64(jpeg)}}.dump());
  ASSERT_EQ(j.status, 200) << j.body;
  json got = j.Json();
  // The conformance tests hold PDQ to the reference bit for bit.
  EXPECT_EQ(got["pdq"], want_pdq);
  EXPECT_EQ(got["quality"], want_quality);
  EXPECT_EQ(
      std::to_string(got["width"].get<int>()) + "x" + std::to_string(got["height"].get<int>()),
      want_size);
  EXPECT_EQ(got["md5"], kJpegMd5);
  EXPECT_EQ(got["sha256"], kJpegSha256);
  EXPECT_EQ(got["format"], "jpeg");
  EXPECT_EQ(got["bytes"], jpeg.size());
  EXPECT_FALSE(got.contains("matches"));

  Response m = Call("POST", "/v1/hash", "a:analyst", Multipart({{"image", jpeg}}), kMultipartType);
  ASSERT_EQ(m.status, 200) << m.body;
  EXPECT_EQ(m.Json(), got);

  const auto [png_pdq, png_quality, png_size] = Reference(kPng);
  const std::string png = ReadImage(kPng);
  Response p = Call("POST", "/v1/hash", "a:admin", Multipart({{"image", png}}), kMultipartType);
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_EQ(p.Json()["pdq"], png_pdq);
  EXPECT_EQ(p.Json()["quality"], png_quality);
  EXPECT_EQ(p.Json()["format"], "png");

  // With match: the visible banks' matches (md5 and pdq here).
  CreateBank("a-known");
  ASSERT_GT(AddPdq("a-known"), 0);
  Response add_md5 = Call("POST", "/v1/banks/a-known/signals", "a:admin",
                          json{{"signals", {{{"type", "md5"}, {"value", kJpegMd5}}}}}.dump());
  ASSERT_EQ(add_md5.status, 200);
  for (const auto& [target, body, type] :
       {std::tuple{std::string("/v1/hash?match=1"), Multipart({{"image", jpeg}}), kMultipartType},
        std::tuple{std::string("/v1/hash"), Multipart({{"image", jpeg}, {"match", "true"}}),
                   kMultipartType},
        std::tuple{std::string("/v1/hash"),
                   json{{"image_base64", Base64(jpeg)}, {"match", true}}.dump(),
                   std::string("application/json")}}) {
    Response r = Call("POST", target, "a:integrator", body, type);
    ASSERT_EQ(r.status, 200) << r.body;
    std::set<std::string> kinds;
    const json got_matches = r.Json()["matches"];
    for (const json& match : got_matches) {
      EXPECT_EQ(match["bank"], "a-known");
      kinds.insert(match["kind"].get<std::string>());
    }
    EXPECT_EQ(kinds, (std::set<std::string>{"pdq", "md5"})) << r.body;
  }
}

TEST_F(BankRoutesTest, GarbageImagesAre4xxJsonErrors) {
  Start();
  const std::string jpeg = ReadImage(kJpeg);
  std::mt19937 rng(7);
  std::string noise(4096, '\0');
  for (char& c : noise) c = static_cast<char>(rng());
  std::string jpeg_noise = "\xff\xd8\xff" + noise;

  struct BadCase {
    std::string what, body, content_type;
    int status;
  };
  const std::string json_type = "application/json";
  const std::vector<BadCase> cases = {
      {"not base64", json{{"image_base64", "%%%not base64%%%"}}.dump(), json_type, 400},
      {"base64 with whitespace", json{{"image_base64", "AAAA AAAA"}}.dump(), json_type, 400},
      {"no image", json{{"match", true}}.dump(), json_type, 400},
      {"image not a string", json{{"image_base64", 5}}.dump(), json_type, 400},
      {"match not a bool", json{{"image_base64", Base64(jpeg)}, {"match", "yes"}}.dump(), json_type,
       400},
      {"not json", "hello", json_type, 400},
      {"random bytes", json{{"image_base64", Base64(noise)}}.dump(), json_type, 400},
      {"random bytes after a JPEG magic", Multipart({{"image", jpeg_noise}}), kMultipartType, 400},
      {"truncated JPEG", Multipart({{"image", jpeg.substr(0, jpeg.size() / 3)}}), kMultipartType,
       400},
      {"JPEG header only", Multipart({{"image", jpeg.substr(0, 600)}}), kMultipartType, 400},
      {"empty image", Multipart({{"image", ""}}), kMultipartType, 400},
      {"no image part", Multipart({{"file", jpeg}}), kMultipartType, 400},
      {"truncated multipart", Multipart({{"image", jpeg}}).substr(0, 5000), kMultipartType, 400},
      {"multipart without boundary", Multipart({{"image", jpeg}}), "multipart/form-data", 400},
      {"another content type", jpeg, "image/jpeg", 400},
      {"PNG claiming 100000x100000", Multipart({{"image", PngHeader(100000, 100000)}}),
       kMultipartType, 413},
      {"PNG claiming 20000x20000", Multipart({{"image", PngHeader(20000, 20000)}}), kMultipartType,
       413},
      {"a 13 MiB image", Multipart({{"image", std::string(13 << 20, 'x')}}), kMultipartType, 413},
  };
  for (const BadCase& c : cases) {
    Response r = Call("POST", "/v1/hash", "a:integrator", c.body, c.content_type);
    EXPECT_EQ(r.status, c.status) << c.what << ": " << r.body;
    EXPECT_TRUE(r.Json().contains("error")) << c.what << ": " << r.body;
  }
  EXPECT_EQ(StatusForClaimedLength(server_->port(), "/v1/hash", tokens_.at("a:integrator"),
                                   (std::size_t{16} << 20) + 1),
            413);
  // The server is still healthy.
  EXPECT_EQ(Call("GET", "/healthz", "").status, 200);
}

TEST_F(BankRoutesTest, EveryBankChangeIsAuditedForItsOrganisation) {
  Start();
  CreateBank("a-audited");
  const std::int64_t id = AddPdq("a-audited");
  ASSERT_GT(id, 0);
  ASSERT_EQ(Call("DELETE", "/v1/banks/a-audited/signals/" + std::to_string(id), "a:admin").status,
            200);
  ASSERT_EQ(Call("POST", "/v1/banks/a-audited/import?format=pytx", "a:admin",
                 "md5 " + std::string(kJpegMd5) + "\n", "text/plain")
                .status,
            200);
  ASSERT_EQ(Call("GET", "/v1/banks/a-audited/export?format=pytx", "a:admin").status, 200);
  // Refused writes leave no entry.
  ASSERT_EQ(Call("POST", "/v1/banks/a-audited/signals", "b:admin", "{}").status, 404);

  Response audit = Call("GET", "/v1/audit", "a:analyst");
  ASSERT_EQ(audit.status, 200) << audit.body;
  std::vector<std::string> actions;
  const json entries = audit.Json()["entries"];
  for (const json& e : entries) {
    if (e["subject"] != "bank:a-audited") continue;
    actions.push_back(e["action"].get<std::string>());
    EXPECT_EQ(e["org"], "a");
    EXPECT_THAT(e["actor"].get<std::string>(), HasSubstr("key:"));
  }
  EXPECT_EQ(actions,
            (std::vector<std::string>{"bank.create", "bank.signals.add", "bank.signals.remove",
                                      "bank.import", "bank.export"}));
  EXPECT_THAT(audit.body, HasSubstr("\"added\":1"));
  EXPECT_THAT(Call("GET", "/v1/audit", "b:analyst").body, Not(HasSubstr("a-audited")));
  Response verify = Call("GET", "/v1/audit/verify", "a:admin");
  ASSERT_EQ(verify.status, 200);
  EXPECT_EQ(verify.Json()["ok"], true) << verify.body;
}

}  // namespace
}  // namespace moderato::server
