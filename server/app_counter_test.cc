// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// The counter-narrative routes over HTTP: roles, the tenancy matrix, the
// approval gate, suggestions in /v1/scan, redirect campaigns and the click
// beacon. Items are short invented neutral texts; the shipped starter
// library, sample posts and demo campaigns come from data/.

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <ctime>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "moderato/counter/library_io.h"
#include "moderato/counter/redirect.h"
#include "moderato/store/campaign_store.h"
#include "moderato/store/counter_store.h"
#include "server/app_testing.h"
#include "server/redirect_token.h"

namespace moderato::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

json Item(const std::string& id, const std::string& title, const std::string& text) {
  return json{{"id", id},
              {"language", "en"},
              {"title", title},
              {"body", text},
              {"themes", {"glorification_martyrdom"}},
              {"strategy", "alternative_narrative"},
              {"audience", {"youth"}},
              {"messenger", {{"name", "Test NGO"}, {"kind", "ngo"}}},
              {"licence", "CC-BY-4.0"}};
}

class CounterRoutesTest : public AppTest {
 protected:
  std::string Db() { return dir_.File("moderato.db"); }

  // The shipped starter library (approved) and demo campaigns, written as
  // the CLI would before the server starts.
  void SeedLibraryAndCampaigns() {
    Result<std::unique_ptr<CounterStore>> items = OpenSqliteCounterStore(Db());
    ASSERT_TRUE(items.ok()) << items.status().ToString();
    std::ifstream in(std::string(MODERATO_SOURCE_ROOT) + "/data/counter/starter.jsonl");
    Result<CounterImportResult> imported =
        ImportCounterLibrary(in, CounterFileFormat::kJsonl, **items, "cli", /*keep_status=*/true);
    ASSERT_TRUE(imported.ok()) << imported.status().ToString();
    Result<std::vector<Campaign>> campaigns = ParseCampaigns(
        ReadFile(std::string(MODERATO_SOURCE_ROOT) + "/data/counter/campaigns.json"));
    ASSERT_TRUE(campaigns.ok()) << campaigns.status().ToString();
    Result<std::unique_ptr<CampaignStore>> store = OpenSqliteCampaignStore(Db());
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->PutCampaigns(*campaigns).ok());
  }

  void AddSecondEditor() {
    Result<NewApiKey> key =
        app_->moderation_store().CreateApiKey("a", Role::kEditor, "second", "test");
    ASSERT_TRUE(key.ok());
    tokens_["a:editor2"] = key->token;
  }

  Response Put(const std::string& target, const std::string& who, const std::string& body) {
    return Send(server_->port(), "PUT", target, tokens_.at(who), body);
  }

  std::vector<std::string> SuggestedIds(const std::string& text,
                                        const std::string& who = "a:editor") {
    Response r = Call("POST", "/v1/counter/suggest", who,
                      json{{"text", text}, {"language", "en"}, {"k", 20}}.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> ids;
    const json j = r.Json();  // kept alive: the loop below refers into it
    for (const json& s : j["suggestions"]) ids.push_back(s["id"].get<std::string>());
    return ids;
  }

  std::vector<CampaignMetricsRow> Report() {
    Result<std::unique_ptr<CampaignStore>> store = OpenSqliteCampaignStore(Db());
    EXPECT_TRUE(store.ok());
    Result<std::vector<CampaignMetricsRow>> rows = (*store)->Report("", "");
    EXPECT_TRUE(rows.ok());
    return rows.ok() ? *rows : std::vector<CampaignMetricsRow>{};
  }
};

TEST_F(CounterRoutesTest, EnforcesRolesPerRoute) {
  Start();
  struct RouteCase {
    std::string method, target;
    std::vector<std::string> denied;
  };
  const std::vector<RouteCase> routes = {
      {"POST", "/v1/counter/suggest", {"reviewer"}},
      {"GET", "/v1/counter/items", {"integrator"}},
      {"POST", "/v1/counter/items", {"reviewer", "integrator", "analyst"}},
      {"GET", "/v1/counter/items/x", {"integrator"}},
      {"PUT", "/v1/counter/items/x", {"reviewer", "integrator", "analyst"}},
      {"GET", "/v1/counter/items/x/history", {"integrator"}},
      {"POST", "/v1/counter/items/x/approve", {"reviewer", "integrator", "analyst"}},
      {"POST", "/v1/counter/items/x/retire", {"reviewer", "integrator", "analyst"}},
      {"GET", "/v1/redirect?q=x", {"reviewer", "analyst", "editor"}},
  };
  const std::vector<std::string> all = {"admin", "reviewer", "integrator", "analyst", "editor"};
  for (const RouteCase& rc : routes) {
    auto call = [&](const std::string& who) {
      const std::string token = who.empty() ? "" : tokens_.at(who);
      return rc.method == "PUT" ? Send(server_->port(), "PUT", rc.target, token, "{}")
                                : Send(server_->port(), rc.method, rc.target, token, "{}");
    };
    EXPECT_EQ(call("").status, 401) << rc.method << " " << rc.target;
    for (const std::string& role : all) {
      const bool denied = std::find(rc.denied.begin(), rc.denied.end(), role) != rc.denied.end();
      Response r = call("a:" + role);
      if (denied) {
        EXPECT_EQ(r.status, 403) << rc.method << " " << rc.target << " as " << role;
        EXPECT_EQ(r.Json()["error"]["code"], "permission_denied");
      } else {
        EXPECT_NE(r.status, 403) << rc.method << " " << rc.target << " as " << role << r.body;
        EXPECT_NE(r.status, 401) << rc.method << " " << rc.target << " as " << role;
      }
    }
  }
  // The beacon takes no key: without a token it is a 400, not a 401.
  EXPECT_EQ(Call("GET", "/v1/redirect/click", "").status, 400);
}

TEST_F(CounterRoutesTest, TenancyMatrixHidesDraftsOfOtherOrganisations) {
  SeedLibraryAndCampaigns();
  Campaign quill;
  quill.id = "test.quill";
  quill.triggers = {{"*", "quillwort", "word"}};
  quill.playlist = {"a-draft"};
  Result<std::unique_ptr<CampaignStore>> campaigns = OpenSqliteCampaignStore(Db());
  ASSERT_TRUE(campaigns.ok());
  ASSERT_TRUE((*campaigns)->PutCampaign(quill).ok());
  Start();
  Response created = Call("POST", "/v1/counter/items", "a:editor",
                          Item("a-draft", "Quillwort gardens", "A quillwort story.").dump());
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.Json()["status"], "draft");
  EXPECT_EQ(created.Json()["owner"], "a");
  const std::string item = "/v1/counter/items/a-draft";
  const std::string unknown = "/v1/counter/items/no-such-item";
  const std::string edit = Item("a-draft", "Taken over", "By b.").dump();

  // Every route, as B: the draft answers exactly like an unknown id.
  const std::vector<std::tuple<std::string, std::string, std::string>> b_calls = {
      {"GET", "", "b:editor"},         {"GET", "/history", "b:analyst"},
      {"PUT", "", "b:editor"},         {"POST", "/approve", "b:editor"},
      {"POST", "/approve", "b:admin"}, {"POST", "/retire", "b:admin"},
      {"GET", "", "b:reviewer"},
  };
  for (const auto& [method, suffix, who] : b_calls) {
    for (const std::string& base : {item, unknown}) {
      Response r =
          method == "PUT" ? Put(base + suffix, who, edit) : Call(method, base + suffix, who, "");
      EXPECT_EQ(r.status, 404) << method << " " << base << suffix << " as " << who << r.body;
      EXPECT_EQ(r.Json()["error"]["message"], "counter item not found");
    }
  }
  for (const char* query :
       {"", "?status=draft", "?language=en", "?theme=glorification_martyrdom"}) {
    Response list = Call("GET", std::string("/v1/counter/items") + query, "b:editor");
    ASSERT_EQ(list.status, 200) << list.body;
    EXPECT_THAT(list.body, Not(HasSubstr("a-draft"))) << query;
  }
  Response own = Call("GET", "/v1/counter/items?status=draft", "a:analyst");
  EXPECT_THAT(own.body, HasSubstr("a-draft"));
  // Both see the shared (approved) starter library.
  for (const std::string who : {"a:reviewer", "b:reviewer"}) {
    Response shared = Call("GET", "/v1/counter/items/starter-en-007", who);
    EXPECT_EQ(shared.status, 200) << shared.body;
    EXPECT_THAT(Call("GET", "/v1/counter/items?status=approved&limit=500", who).body,
                HasSubstr("starter-en-007"));
  }
  // A draft is served to nobody: not suggested, not redirected to.
  for (const std::string who : {"a:integrator", "b:integrator"}) {
    EXPECT_THAT(SuggestedIds("quillwort gardens", who), Not(::testing::Contains("a-draft")));
    Response redirect = Call("GET", "/v1/redirect?q=quillwort", who);
    ASSERT_EQ(redirect.status, 200) << redirect.body;
    EXPECT_TRUE(redirect.Json()["campaign"].is_null()) << redirect.body;
  }
  // B's attempts changed nothing.
  Response still = Call("GET", item, "a:editor");
  EXPECT_EQ(still.Json()["title"], "Quillwort gardens");
  EXPECT_EQ(still.Json()["status"], "draft");

  // Approved, it is shared: B reads it (without A's key ids) but may not change it.
  ASSERT_EQ(Call("POST", item + "/approve", "a:admin", "").status, 200);
  Response seen = Call("GET", item, "b:reviewer");
  ASSERT_EQ(seen.status, 200) << seen.body;
  EXPECT_FALSE(seen.Json().contains("updated_by"));
  EXPECT_EQ(Call("GET", item + "/history", "b:analyst").status, 200);
  EXPECT_EQ(Put(item, "b:editor", edit).status, 403);
  EXPECT_EQ(Call("POST", item + "/retire", "b:admin", "").status, 403);
  EXPECT_EQ(Put("/v1/counter/items/starter-en-007", "a:admin", edit).status, 403);
  EXPECT_THAT(Call("GET", "/v1/counter/items?limit=500", "b:editor").body, HasSubstr("a-draft"));
  EXPECT_THAT(SuggestedIds("quillwort gardens", "b:integrator"), ::testing::Contains("a-draft"));
  EXPECT_EQ(Call("GET", "/v1/redirect?q=quillwort", "b:integrator").Json()["campaign"]["id"],
            "test.quill");

  // The audit trail is A's.
  Response audit = Call("GET", "/v1/audit", "a:analyst");
  EXPECT_THAT(audit.body, HasSubstr("counter.create"));
  EXPECT_THAT(audit.body, HasSubstr("counter.approve"));
  EXPECT_THAT(Call("GET", "/v1/audit", "b:analyst").body, Not(HasSubstr("counter.")));
}

TEST_F(CounterRoutesTest, ApprovalGateNeedsFourEyesAndServesOnlyApprovedVersions) {
  Start();
  AddSecondEditor();
  ASSERT_EQ(Call("POST", "/v1/counter/items", "a:editor",
                 Item("gate", "Bramblewick", "Bramblewick lanterns light the valley.").dump())
                .status,
            201);
  const std::string item = "/v1/counter/items/gate";
  // Drafts are never suggested.
  EXPECT_THAT(SuggestedIds("bramblewick lanterns"), Not(::testing::Contains("gate")));
  Response self = Call("POST", item + "/approve", "a:editor", "");
  EXPECT_EQ(self.status, 403) << self.body;
  EXPECT_THAT(self.Json()["error"]["message"].get<std::string>(), HasSubstr("author"));
  // A stale version is refused: approve what you read.
  EXPECT_EQ(Call("POST", item + "/approve", "a:editor2", json{{"version", 7}}.dump()).status, 409);
  Response approved = Call("POST", item + "/approve", "a:editor2", json{{"version", 1}}.dump());
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(approved.Json()["status"], "approved");
  EXPECT_EQ(approved.Json()["servable_version"], 1);
  EXPECT_THAT(SuggestedIds("bramblewick lanterns"), ::testing::Contains("gate"));

  // An edit is a new draft version: version 1 stays served until approved.
  Response edited =
      Put(item, "a:editor",
          Item("gate", "Bramblewick, revised", "Bramblewick lanterns, revised.").dump());
  ASSERT_EQ(edited.status, 200) << edited.body;
  EXPECT_EQ(edited.Json()["version"], 2);
  EXPECT_EQ(edited.Json()["status"], "draft");
  EXPECT_EQ(edited.Json()["servable_version"], 1);
  Response other = Call("GET", item, "b:editor");
  EXPECT_EQ(other.Json()["version"], 1);
  EXPECT_EQ(other.Json()["title"], "Bramblewick");
  EXPECT_EQ(Call("GET", item + "/history", "a:editor").Json()["versions"].size(), 2u);
  EXPECT_EQ(Call("GET", item + "/history", "b:editor").Json()["versions"].size(), 1u);
  EXPECT_THAT(SuggestedIds("bramblewick lanterns"), ::testing::Contains("gate"));
  Response suggested = Call("POST", "/v1/counter/suggest", "a:integrator",
                            json{{"text", "bramblewick lanterns"}, {"k", 1}}.dump());
  ASSERT_EQ(suggested.status, 200) << suggested.body;
  ASSERT_EQ(suggested.Json()["suggestions"].size(), 1u) << suggested.body;
  EXPECT_EQ(suggested.Json()["suggestions"][0]["title"], "Bramblewick");
  EXPECT_FALSE(
      suggested.Json()["suggestions"][0]["explanation"]["text"].get<std::string>().empty());

  // The admin may approve any version of the organisation.
  ASSERT_EQ(Call("POST", item + "/approve", "a:admin", "").status, 200);
  EXPECT_EQ(Call("GET", item, "b:editor").Json()["title"], "Bramblewick, revised");

  // Retired: never served, cannot be approved again.
  ASSERT_EQ(Call("POST", item + "/retire", "a:editor", "").status, 200);
  EXPECT_THAT(SuggestedIds("bramblewick lanterns"), Not(::testing::Contains("gate")));
  EXPECT_EQ(Call("GET", item, "b:editor").status, 404);
  EXPECT_EQ(Call("GET", item, "a:editor").Json()["status"], "retired");
  EXPECT_EQ(Call("POST", item + "/approve", "a:admin", "").status, 409);
  Response audit = Call("GET", "/v1/audit", "a:admin");
  for (const char* action :
       {"counter.create", "counter.edit", "counter.approve", "counter.retire"}) {
    EXPECT_THAT(audit.body, HasSubstr(action));
  }
}

TEST_F(CounterRoutesTest, CreateForcesDraftOwnedByTheCaller) {
  Start();
  json body = Item("forced", "Saltmarsh", "Saltmarsh herons.");
  body["status"] = "approved";
  body["owner"] = "b";
  body["approved_by"] = "someone";
  Response r = Call("POST", "/v1/counter/items", "a:editor", body.dump());
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.Json()["status"], "draft");
  EXPECT_EQ(r.Json()["owner"], "a");
  EXPECT_EQ(Call("GET", "/v1/counter/items/forced", "b:editor").status, 404);
  // Ids are global: taken is taken, whoever owns it.
  EXPECT_EQ(Call("POST", "/v1/counter/items", "b:editor", body.dump()).status, 409);
  json unnamed = Item("", "Heathland", "Heathland.");
  unnamed.erase("id");
  Response generated = Call("POST", "/v1/counter/items", "a:editor", unnamed.dump());
  ASSERT_EQ(generated.status, 201) << generated.body;
  EXPECT_THAT(generated.Json()["id"].get<std::string>(), ::testing::StartsWith("cn-"));
}

TEST_F(CounterRoutesTest, NoticesLibraryChangesMadeByAnotherProcess) {
  Start();
  EXPECT_THAT(SuggestedIds("thistledown meadows"), Not(::testing::Contains("cli-item")));
  // Another connection (as `moderato counter import --keep-status` would).
  Result<std::unique_ptr<CounterStore>> store = OpenSqliteCounterStore(Db());
  ASSERT_TRUE(store.ok());
  CounterItem item;
  std::istringstream in(Item("cli-item", "Thistledown", "Thistledown meadows in spring.").dump() +
                        "\n");
  Result<CounterReadResult> read = ReadCounterJsonl(in);
  ASSERT_TRUE(read.ok() && read->items.size() == 1);
  read->items[0].status = "approved";
  ASSERT_TRUE((*store)->ImportItems(read->items, "cli", /*keep_status=*/true).ok());
  bool seen = false;
  for (int i = 0; i < 60 && !seen; ++i) {
    std::vector<std::string> ids = SuggestedIds("thistledown meadows");
    seen = std::find(ids.begin(), ids.end(), "cli-item") != ids.end();
    if (!seen) ::usleep(100'000);
  }
  EXPECT_TRUE(seen) << "the server did not notice the approval within 6 s";
}

TEST_F(CounterRoutesTest, ServesSuggestionsWhileItemsAreApproved) {
  Start(/*rate=*/0);  // unlimited: the readers hammer
  AddSecondEditor();
  // Readers never wait for a rebuild and never see a torn snapshot: run
  // suggestions and redirects while another thread approves items (the TSan
  // job runs this too).
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (!done.load()) {
        Response r = Call("POST", "/v1/counter/suggest", "a:integrator",
                          json{{"text", "juniper lanterns"}, {"language", "en"}}.dump());
        if (r.status != 200 || !r.Json()["suggestions"].is_array()) ++failures;
        if (Call("GET", "/v1/redirect?q=juniper", "a:integrator").status != 200) ++failures;
      }
    });
  }
  for (int i = 0; i < 8; ++i) {
    const std::string id = "juniper-" + std::to_string(i);
    ASSERT_EQ(Call("POST", "/v1/counter/items", "a:editor",
                   Item(id, "Juniper " + std::to_string(i),
                        "Juniper lanterns, take " + std::to_string(i) + ".")
                       .dump())
                  .status,
              201);
    ASSERT_EQ(Call("POST", "/v1/counter/items/" + id + "/approve", "a:editor2", "").status, 200);
  }
  done = true;
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(failures.load(), 0);
  Response r = Call("POST", "/v1/counter/suggest", "a:integrator",
                    json{{"text", "juniper lanterns"}, {"k", 20}}.dump());
  EXPECT_EQ(r.Json()["suggestions"].size(), 8u) << r.body;
}

TEST_F(CounterRoutesTest, ScanSuggestsOnlyWhenTheVerdictAsks) {
  SeedLibraryAndCampaigns();
  Start();
  std::istringstream posts(
      ReadFile(std::string(MODERATO_SOURCE_ROOT) + "/data/samples/posts.jsonl"));
  int benign = 0, flagged = 0, answered = 0;
  std::string line;
  while (std::getline(posts, line)) {
    json post = json::parse(line, nullptr, false);
    if (!post.is_object() || !post.contains("text") || !post["text"].is_string()) continue;
    Response r = Call("POST", "/v1/scan", "a:integrator", json{{"text", post["text"]}}.dump());
    ASSERT_EQ(r.status, 200) << r.body;
    json j = r.Json();
    ASSERT_TRUE(j["counter_narratives"].is_array()) << r.body;
    if (j["verdict"]["action"] == "allow" && j["verdict"]["counter_narrative"] == false) {
      ++benign;
      EXPECT_TRUE(j["counter_narratives"].empty()) << r.body;
      continue;
    }
    ++flagged;
    if (j["counter_narratives"].empty()) continue;
    ++answered;
    EXPECT_LE(j["counter_narratives"].size(), 3u);
    for (const json& s : j["counter_narratives"]) {
      EXPECT_TRUE(s["id"].is_string());
      EXPECT_TRUE(s["title"].is_string());
      EXPECT_TRUE(s["score"].is_number());
      EXPECT_TRUE(s["explanation"].is_string());
      EXPECT_THAT(s["id"].get<std::string>(), ::testing::StartsWith("starter-"));
    }
  }
  EXPECT_GT(benign, 0);
  EXPECT_GT(flagged, 0) << "no sample post got a review or counter-narrative verdict";
  EXPECT_GT(answered, 0);
  EXPECT_THAT(Call("GET", "/metrics", "").body, HasSubstr("moderato_counter_suggestions_total"));
}

TEST_F(CounterRoutesTest, RedirectCountsImpressionsAndSignedClicks) {
  SeedLibraryAndCampaigns();
  Start();
  Response none = Call("GET", "/v1/redirect?q=garden%20tools&language=en", "a:integrator");
  ASSERT_EQ(none.status, 200) << none.body;
  EXPECT_TRUE(none.Json()["campaign"].is_null());
  EXPECT_TRUE(Report().empty());

  Response r = Call("GET", "/v1/redirect?q=D%20a%20e%20s%20h%20zqxjv&language=en", "a:integrator");
  ASSERT_EQ(r.status, 200) << r.body;
  json j = r.Json();
  EXPECT_EQ(j["campaign"]["id"], "demo.isil") << r.body;
  ASSERT_FALSE(j["items"].empty());
  EXPECT_THAT(r.body, Not(HasSubstr("zqxjv")));  // the query is not echoed
  std::vector<CampaignMetricsRow> rows = Report();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].campaign, "demo.isil");
  EXPECT_EQ(rows[0].language, "en");
  EXPECT_EQ(rows[0].day, MetricsDayOf(std::time(nullptr)));
  EXPECT_EQ(rows[0].impressions, 1);
  EXPECT_EQ(rows[0].clicks, 0);

  const std::string url = j["items"][0]["click_url"].get<std::string>();
  ASSERT_THAT(url, ::testing::StartsWith("/v1/redirect/click?token="));
  Response click = Call("GET", url, "");
  EXPECT_TRUE(click.status == 302 || click.status == 204) << click.status << click.body;
  if (!j["items"][0]["link"].is_null()) {
    EXPECT_EQ(click.headers["location"], j["items"][0]["link"]);
  }
  EXPECT_EQ(click.headers["cache-control"], "no-store");
  EXPECT_EQ(Report()[0].clicks, 1);

  // Tampering with any byte, or a token signed with another secret, or too
  // old, or from the future, is a 400 that counts nothing.
  const std::string token = url.substr(url.find('=') + 1);
  std::vector<std::string> bad;
  for (std::size_t i : {std::size_t{0}, token.find('~') + 1, token.size() - 1}) {
    std::string t = token;
    t[i] = t[i] == 'a' ? 'b' : 'a';
    bad.push_back(t);
  }
  bad.push_back(SignClickToken({"demo.isil", "starter-en-007", "en", std::time(nullptr) / 86400},
                               "not the secret"));
  Result<std::unique_ptr<CampaignStore>> store = OpenSqliteCampaignStore(Db());
  ASSERT_TRUE(store.ok());
  Result<std::string> secret = (*store)->ClickTokenSecret();
  ASSERT_TRUE(secret.ok());
  const std::int64_t today = std::time(nullptr) / 86400;
  bad.push_back(SignClickToken({"demo.isil", "starter-en-007", "en", today - 8}, *secret));
  bad.push_back(SignClickToken({"demo.isil", "starter-en-007", "en", today + 1}, *secret));
  bad.push_back("garbage");
  bad.push_back(std::string(300, 'a'));
  for (const std::string& t : bad) {
    Response b = Call("GET", "/v1/redirect/click?token=" + t, "");
    EXPECT_EQ(b.status, 400) << t;
    EXPECT_EQ(b.Json()["error"]["code"], "invalid_argument") << b.body;
  }
  // A week-old token made with the database's secret still counts.
  Response old = Call("GET",
                      "/v1/redirect/click?token=" +
                          SignClickToken({"demo.isil", "starter-en-007", "en", today - 7}, *secret),
                      "");
  EXPECT_TRUE(old.status == 302 || old.status == 204) << old.body;
  std::int64_t clicks = 0;
  for (const CampaignMetricsRow& row : Report()) clicks += row.clicks;
  EXPECT_EQ(clicks, 2);
  std::string metrics = Call("GET", "/metrics", "").body;
  EXPECT_THAT(metrics, HasSubstr("moderato_redirect_impressions_total{campaign=\"demo.isil\"} 1"));
  EXPECT_THAT(metrics, HasSubstr("moderato_redirect_clicks_total{campaign=\"demo.isil\"} 2"));
}

TEST_F(CounterRoutesTest, ClickSecretSurvivesARestart) {
  SeedLibraryAndCampaigns();
  Start();
  Response r = Call("GET", "/v1/redirect?q=Daesh&language=fr", "a:integrator");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_FALSE(r.Json()["items"].empty()) << r.body;
  const std::string url = r.Json()["items"][0]["click_url"].get<std::string>();
  server_->Stop();
  server_.reset();
  app_.reset();

  AppOptions options;
  options.db_path = Db();
  options.analyzer = DefaultAnalyzerOptions();
  Result<std::unique_ptr<App>> again = App::Create(options);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  app_ = std::move(*again);
  Router router;
  app_->Register(router);
  HttpServerOptions server_options;
  server_options.port = 0;
  server_options.threads = 2;
  Result<std::unique_ptr<HttpServer>> server = HttpServer::Start(server_options, router, nullptr);
  ASSERT_TRUE(server.ok());
  Response click = Send((*server)->port(), "GET", url, "");
  EXPECT_TRUE(click.status == 302 || click.status == 204) << click.status << click.body;
  (*server)->Stop();
  std::vector<CampaignMetricsRow> rows = Report();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].language, "fr");
  EXPECT_EQ(rows[0].clicks, 1);
}

TEST_F(CounterRoutesTest, RejectsGarbageWithJsonErrors) {
  SeedLibraryAndCampaigns();
  Start();
  const std::vector<std::tuple<std::string, std::string, std::string, std::string, int>> cases = {
      {"POST", "/v1/counter/suggest", "a:integrator", "not json", 400},
      {"POST", "/v1/counter/suggest", "a:integrator", "{}", 400},
      {"POST", "/v1/counter/suggest", "a:integrator", "[1]", 400},
      {"POST", "/v1/counter/suggest", "a:integrator", "{\"text\": \"\xff\xfe\"}", 400},
      {"POST", "/v1/counter/suggest", "a:integrator", json{{"text", "x"}, {"k", 0}}.dump(), 400},
      {"POST", "/v1/counter/suggest", "a:integrator", json{{"text", "x"}, {"k", 1000}}.dump(), 400},
      {"POST", "/v1/counter/suggest", "a:integrator", json{{"text", "x"}, {"k", "3"}}.dump(), 400},
      {"POST", "/v1/counter/suggest", "a:integrator",
       json{{"text", "x"}, {"themes", {"no_such_theme"}}}.dump(), 400},
      {"POST", "/v1/counter/suggest", "a:integrator",
       json{{"text", "x"}, {"audience", {"everyone"}}}.dump(), 400},
      {"POST", "/v1/counter/suggest", "a:integrator",
       json{{"text", "x"}, {"language", "klingon"}}.dump(), 400},
      {"POST", "/v1/counter/suggest", "a:integrator",
       json{{"text", std::string(20'000, 'a')}}.dump(), 413},
      {"GET", "/v1/redirect", "a:integrator", "", 400},
      {"GET", "/v1/redirect?q=" + std::string(3000, 'a'), "a:integrator", "", 400},
      {"GET", "/v1/redirect?q=Daesh&language=de", "a:integrator", "", 400},
      {"GET", "/v1/counter/items?status=bogus", "a:editor", "", 400},
      {"GET", "/v1/counter/items?limit=0", "a:editor", "", 400},
      {"GET", "/v1/counter/items?theme=nope", "a:editor", "", 400},
      {"POST", "/v1/counter/items", "a:editor", "{}", 400},
      {"POST", "/v1/counter/items", "a:editor", Item("bad id!", "t", "b").dump(), 400},
      {"POST", "/v1/counter/items", "a:editor", Item("x1", "", "b").dump(), 400},
      {"POST", "/v1/counter/items/starter-en-007/approve", "a:editor", "not json", 400},
      {"GET", "/v1/redirect/click?token=", "", "", 400},
      {"GET", "/v1/redirect/click?token=v1~a~b~en~1~00", "", "", 400},
  };
  for (const auto& [method, target, who, body, status] : cases) {
    Response r = Call(method, target, who, body);
    EXPECT_EQ(r.status, status) << method << " " << target.substr(0, 80) << " "
                                << body.substr(0, 80) << " -> " << r.body;
    EXPECT_TRUE(r.Json()["error"]["code"].is_string()) << r.body;
  }
  EXPECT_TRUE(Report().empty());
}

}  // namespace
}  // namespace moderato::server
