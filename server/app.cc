// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "server/app.h"

#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <optional>
#include <sstream>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "moderato/core/json_depth.h"
#include "moderato/core/sha256.h"
#include "moderato/hash/hash256.h"
#include "moderato/hash/media.h"
#include "moderato/hash/url.h"
#include "moderato/lexicon/lexicon.h"
#include "server/app_internal.h"
#include "server/decode.h"

namespace moderato::server {

using nlohmann::json;

namespace app_internal {

std::int64_t Now() { return static_cast<std::int64_t>(std::time(nullptr)); }

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

Result<std::int64_t> ParseInt(std::string_view text, std::string_view what) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return InvalidArgumentError(std::string(what) + " must be an integer");
  }
  return value;
}

Result<std::int64_t> IdParam(const HttpRequest& req) {
  Result<std::int64_t> id = ParseInt(req.Param("id"), "id");
  if (!id.ok() || *id <= 0) return NotFoundError("not found");
  return id;
}

Result<std::string> OptionalString(const json& body, const char* field) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return std::string();
  if (!it->is_string()) return InvalidArgumentError(std::string(field) + " must be a string");
  return it->get<std::string>();
}

json ParseStoredJson(const std::string& text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  return j.is_discarded() ? json(text) : j;
}

void AddImageToQuery(const MediaHashes& h, MatchQuery& query) {
  query.md5 = h.digests.md5_hex;
  query.sha256 = h.digests.sha256_hex;
  if (h.dihedral) {
    query.pdq.assign(h.dihedral->hashes.begin(), h.dihedral->hashes.end());
    query.pdq_quality = h.dihedral->quality;
  } else if (h.pdq) {
    query.pdq = {h.pdq->hash};
    query.pdq_quality = h.pdq->quality;
  }
}

}  // namespace app_internal

using namespace app_internal;

namespace {

constexpr auto kAuthCacheTtl = std::chrono::seconds(5);
constexpr auto kRefreshInterval = std::chrono::seconds(1);
constexpr std::size_t kMaxUrls = 100;
// /v1/scan and /v1/items carry an image: its bytes, and the body around it
// (base64 grows it by a third).
constexpr std::size_t kMaxImageBytes = 12 << 20;
constexpr std::size_t kMaxContentBytes = 17 << 20;

json VerdictJson(const Verdict& v) {
  json shadow = json::array();
  for (const RuleMatch& m : v.shadow) shadow.push_back(m.rule);
  json reasons = json::array();
  for (const RuleMatch& m : v.applied) {
    if (!m.reason.empty()) reasons.push_back(m.reason);
  }
  return json{{"action", PolicyActionName(v.action)},
              {"priority", v.priority},
              {"rule", v.rule},
              {"policy_version", v.policy_version},
              {"needs_review", v.needs_review},
              {"counter_narrative", v.counter_narrative},
              {"shadow", shadow},
              {"reasons", reasons},
              {"labels", v.labels}};
}

json CaseJson(const Case& c) {
  json j{{"id", c.id},
         {"item_id", c.item_id},
         {"kind", c.kind},
         {"status", c.status},
         {"priority", c.priority},
         {"language", c.language},
         {"labels", c.labels},
         {"deadline", c.deadline},
         {"claimed_by", c.claimed_by},
         {"lease_until", c.lease_until},
         {"created_at", c.created_at},
         {"decided_at", c.decided_at}};
  if (c.kind == "appeal") {
    j["parent_case_id"] = c.parent_case_id;
    j["appeal_reason"] = c.appeal_reason;
  }
  if (c.decision) {
    const Decision& d = *c.decision;
    j["decision"] = json{{"id", d.id},         {"decision", d.decision},   {"policy", d.policy},
                         {"reason", d.reason}, {"exemption", d.exemption}, {"reviewer", d.reviewer},
                         {"at", d.at}};
  } else {
    j["decision"] = nullptr;
  }
  return j;
}

json ItemJson(const ItemRecord& item) {
  return json{{"item_id", item.id},
              {"external_id", item.external_id},
              {"language", item.language},
              {"action", item.action},
              {"policy_version", item.policy_version},
              {"verdict", ParseStoredJson(item.verdict_json)},
              {"evidence", ParseStoredJson(item.evidence_json)},
              {"created_at", item.created_at},
              {"case_id", item.case_id == 0 ? json(nullptr) : json(item.case_id)}};
}

std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

AnalyzerOptions DefaultAnalyzerOptions() {
  AnalyzerOptions options;
  options.lexicon_path = std::string(MODERATO_SOURCE_ROOT) + "/data/lexicons/starter.tsv";
  std::error_code ec;
  if (std::filesystem::exists(MODERATO_DEFAULT_CLASSIFIER_MODEL, ec)) {
    options.classifier_path = MODERATO_DEFAULT_CLASSIFIER_MODEL;
  }
  if (std::filesystem::exists(MODERATO_DEFAULT_LID_MODEL, ec)) {
    options.lid_model_path = MODERATO_DEFAULT_LID_MODEL;
  }
  return options;
}

// The analysis of one request body, shared by /v1/scan and /v1/items.
struct AppAnalysis {
  json evidence;
  Verdict verdict;
  std::string language;
};

struct App::MatcherView {
  std::shared_ptr<BankMatcher> matcher;
  std::unordered_map<std::string, std::string> owners;  // bank name -> owner ("" global)
};

struct App::Impl {
  using RoleSet = std::initializer_list<Role>;
  using CallerHandler = std::function<HttpResponse(HttpRequest&, const Caller&)>;

  static Result<ApiKey> Authenticate(App& app, const HttpRequest& req) {
    std::string_view header = req.Header("authorization");
    constexpr std::string_view kBearer = "Bearer ";
    if (header.size() <= kBearer.size() || header.substr(0, kBearer.size()) != kBearer) {
      return UnauthenticatedError("missing bearer token");
    }
    const std::string_view token = header.substr(kBearer.size());
    const std::string cache_key = Sha256HexOf({token});
    const auto now = std::chrono::steady_clock::now();
    {
      std::lock_guard<std::mutex> lock(app.auth_mu_);
      auto it = app.auth_cache_.find(cache_key);
      if (it != app.auth_cache_.end()) {
        if (now < it->second.until) return it->second.key;
        app.auth_cache_.erase(it);
      }
    }
    MODERATO_ASSIGN_OR_RETURN(ApiKey key, app.moderation_->Authenticate(token));
    std::lock_guard<std::mutex> lock(app.auth_mu_);
    if (app.auth_cache_.size() > 10'000) app.auth_cache_.clear();
    app.auth_cache_[cache_key] = CachedKey{key, now + kAuthCacheTtl};
    return key;
  }

  static Handler Guard(App& app, RoleSet roles, CallerHandler handler) {
    std::vector<Role> allowed(roles);
    return [&app, allowed, handler = std::move(handler)](HttpRequest& req) {
      Result<ApiKey> key = Authenticate(app, req);
      if (!key.ok()) return JsonError(401, "unauthenticated", "a valid API key is required");
      bool permitted = false;
      for (Role r : allowed) permitted = permitted || r == key->role;
      if (!permitted) {
        return JsonError(403, "permission_denied",
                         "role " + std::string(RoleName(key->role)) + " may not use this route");
      }
      if (double wait = app.limiter_.Acquire(key->id, std::chrono::steady_clock::now()); wait > 0) {
        HttpResponse r = JsonError(429, "rate_limited", "too many requests");
        r.headers.emplace_back("Retry-After", std::to_string(static_cast<long long>(wait)));
        return r;
      }
      Caller caller{*key, "key:" + key->id};
      return handler(req, caller);
    };
  }

  static Result<json> Body(const HttpRequest& req) {
    return ParseJsonBody(req.body, JsonLimits{.max_bytes = kMaxBodyBytes, .max_depth = 32});
  }

  static std::int64_t SteadyNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }

  static std::shared_ptr<const MatcherView> View(App& app) {
    std::lock_guard<std::mutex> lock(app.view_mu_);
    return app.view_;
  }

  static void Publish(App& app, std::shared_ptr<BankMatcher> matcher) {
    auto view = std::make_shared<MatcherView>();
    for (const Bank& b : matcher->banks()) view->owners[b.name] = b.owner;
    view->matcher = std::move(matcher);
    std::lock_guard<std::mutex> lock(app.view_mu_);
    app.view_ = std::move(view);
  }

  // Applies the bank change log; rebuilds the matcher when the log is too
  // long to apply. Caller holds refresh_mu_. On a store error the old view
  // stays and the next interval retries.
  static void RefreshLocked(App& app) {
    app.next_refresh_ns_.store(
        SteadyNs() + std::chrono::duration_cast<std::chrono::nanoseconds>(kRefreshInterval).count(),
        std::memory_order_relaxed);
    std::shared_ptr<BankMatcher> matcher = View(app)->matcher;
    if (!matcher->Refresh(*app.banks_).ok()) {
      Result<std::unique_ptr<BankMatcher>> rebuilt = BankMatcher::Build(*app.banks_, {});
      if (!rebuilt.ok()) return;
      matcher = std::move(*rebuilt);
    }
    // Refresh re-reads the banks (a new bank, a changed owner): republish.
    Publish(app, std::move(matcher));
  }

  static void MaybeRefresh(App& app) {
    if (SteadyNs() < app.next_refresh_ns_.load(std::memory_order_relaxed)) return;
    std::unique_lock<std::mutex> lock(app.refresh_mu_, std::try_to_lock);
    if (!lock.owns_lock()) return;  // another request is refreshing
    RefreshLocked(app);
  }

  static bool HasHashes(const MatchQuery& q) {
    return !q.pdq.empty() || !q.md5.empty() || !q.sha256.empty() || !q.urls.empty();
  }

  // The hash and URL fields of a request body.
  static Result<MatchQuery> ParseQuery(const json& body) {
    MODERATO_ASSIGN_OR_RETURN(std::string pdq, OptionalString(body, "pdq"));
    MODERATO_ASSIGN_OR_RETURN(std::string md5, OptionalString(body, "md5"));
    MODERATO_ASSIGN_OR_RETURN(std::string sha256, OptionalString(body, "sha256"));
    MatchQuery query;
    if (!pdq.empty()) {
      MODERATO_ASSIGN_OR_RETURN(Hash256 h, ParseHash256Hex(pdq));
      query.pdq.push_back(h);
    }
    auto is_hex = [](const std::string& s, std::size_t n) {
      if (s.size() != n) return false;
      for (char c : s) {
        if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
      }
      return true;
    };
    if (!md5.empty() && !is_hex(md5, 32)) return InvalidArgumentError("md5 must be 32 hex digits");
    if (!sha256.empty() && !is_hex(sha256, 64)) {
      return InvalidArgumentError("sha256 must be 64 hex digits");
    }
    query.md5 = Lower(md5);
    query.sha256 = Lower(sha256);
    if (auto it = body.find("urls"); it != body.end() && !it->is_null()) {
      if (!it->is_array() || it->size() > kMaxUrls) {
        return InvalidArgumentError("urls must be an array of at most 100 strings");
      }
      for (const json& u : *it) {
        if (!u.is_string()) return InvalidArgumentError("urls must hold strings");
        MODERATO_ASSIGN_OR_RETURN(CanonicalUrl c, CanonicalizeUrl(u.get<std::string>()));
        query.urls.push_back(c.url);
      }
    }
    return query;
  }

  // Appends the matches of `query` visible to `org` (global banks and its
  // own) to `matches` (JSON) and `hits` (for the policy).
  static Status MatchBanks(App& app, const MatchQuery& query, const std::string& org, json& matches,
                           std::vector<PolicyBankHit>& hits) {
    MaybeRefresh(app);
    const std::shared_ptr<const MatcherView> view = View(app);
    MODERATO_ASSIGN_OR_RETURN(std::vector<BankMatch> found, view->matcher->Match(query));
    for (const BankMatch& m : found) {
      auto owner = view->owners.find(m.bank);
      if (owner == view->owners.end() || (!owner->second.empty() && owner->second != org)) {
        continue;
      }
      if (m.suppression || m.suppressed) continue;
      PolicyBankHit hit{.bank = m.bank,
                        .kind = m.kind,
                        .distance = m.distance,
                        .similarity = m.similarity,
                        .labels = {}};
      if (Result<Signal> signal = app.banks_->GetSignal(m.signal_id); signal.ok()) {
        for (const std::string& b : signal->labels.behaviours) hit.labels.push_back(b);
        for (const std::string& t : signal->labels.tags) hit.labels.push_back(t);
        if (!signal->labels.organisation.empty()) hit.labels.push_back(signal->labels.organisation);
      }
      app.metrics_.Inc("moderato_bank_matches_total", {{"bank", m.bank}});
      json match{{"bank", hit.bank},
                 {"kind", hit.kind},
                 {"distance", hit.distance},
                 {"labels", hit.labels}};
      // With the 8 variants of an image, which rotation or flip matched.
      if (m.kind == "pdq" && query.pdq.size() == 8) {
        match["variant"] = DihedralName(static_cast<Dihedral>(m.variant));
      }
      matches.push_back(std::move(match));
      hits.push_back(std::move(hit));
    }
    return OkStatus();
  }

  // The fields of a /v1/scan or /v1/items request: a JSON object (an image
  // as "image_base64"), or multipart/form-data whose "image" part is the
  // image and whose other parts are the same fields as strings.
  struct ContentRequest {
    json fields;
    std::string image;  // raw bytes; empty: none
  };

  static Result<ContentRequest> ParseContent(const HttpRequest& req) {
    ContentRequest out;
    const std::string_view type = req.Header("content-type");
    if (Lower(std::string(type.substr(0, 19))) == "multipart/form-data") {
      MODERATO_ASSIGN_OR_RETURN(std::vector<MultipartPart> parts, ParseMultipart(type, req.body));
      out.fields = json::object();
      for (const MultipartPart& part : parts) {
        if (part.name == "image") {
          out.image = std::string(part.data);
        } else if (part.name == "urls") {
          if (!out.fields.contains("urls")) out.fields["urls"] = json::array();
          out.fields["urls"].push_back(std::string(part.data));
        } else {
          if (!moderato::internal::IsValidUtf8(part.data)) {
            return InvalidArgumentError("form field " + part.name + " is not valid UTF-8");
          }
          out.fields[part.name] = std::string(part.data);
        }
      }
      return out;
    }
    MODERATO_ASSIGN_OR_RETURN(
        out.fields,
        ParseJsonBody(req.body, JsonLimits{.max_bytes = kMaxContentBytes, .max_depth = 32}));
    MODERATO_ASSIGN_OR_RETURN(std::string encoded, OptionalString(out.fields, "image_base64"));
    if (!encoded.empty()) {
      MODERATO_ASSIGN_OR_RETURN(out.image, DecodeBase64(encoded, kMaxImageBytes));
      out.fields.erase("image_base64");
    }
    return out;
  }

  // Hashes the image of a request into `query` and describes it.
  static Result<json> HashImage(const std::string& image, MatchQuery& query) {
    MediaHashOptions options;
    options.max_bytes = kMaxImageBytes;
    options.dihedral = true;
    MODERATO_ASSIGN_OR_RETURN(
        MediaHashes h,
        HashMedia(std::span(reinterpret_cast<const std::uint8_t*>(image.data()), image.size()),
                  options));
    // Digests given in the request are kept; the image's replace them only
    // when absent.
    MatchQuery from_image;
    AddImageToQuery(h, from_image);
    if (query.md5.empty()) query.md5 = from_image.md5;
    if (query.sha256.empty()) query.sha256 = from_image.sha256;
    query.pdq = std::move(from_image.pdq);
    query.pdq_quality = from_image.pdq_quality;
    json out{{"md5", h.digests.md5_hex}, {"sha256", h.digests.sha256_hex}, {"bytes", image.size()}};
    if (h.pdq) {
      out["pdq"] = ToHex(h.pdq->hash);
      out["quality"] = h.pdq->quality;
      out["width"] = h.width;
      out["height"] = h.height;
    } else {
      // Not an image the decoder accepts (or over its budgets): the exact
      // digests still match; the reason is reported.
      out["pdq"] = nullptr;
      out["image_error"] = h.image_error.message();
    }
    return out;
  }

  static Result<AppAnalysis> Analyze(App& app, const ContentRequest& request,
                                     const std::string& org) {
    const json& body = request.fields;
    MODERATO_ASSIGN_OR_RETURN(std::string text, OptionalString(body, "text"));
    MODERATO_ASSIGN_OR_RETURN(std::string hint, OptionalString(body, "language"));
    MODERATO_ASSIGN_OR_RETURN(std::string source, OptionalString(body, "source"));
    MODERATO_ASSIGN_OR_RETURN(MatchQuery query, ParseQuery(body));
    json image = nullptr;
    if (!request.image.empty()) {
      if (!query.pdq.empty()) return InvalidArgumentError("give an image or a pdq hash, not both");
      MODERATO_ASSIGN_OR_RETURN(image, HashImage(request.image, query));
    }
    if (text.empty() && !HasHashes(query)) {
      return InvalidArgumentError("give text, an image, pdq, md5, sha256 or urls");
    }

    Evidence ev;
    ev.lang = hint;
    if (!text.empty()) {
      std::unique_ptr<Analyzer::Scratch> scratch = app.scratches_.Take();
      Result<Evidence> analyzed = app.analyzer_->Analyze(text, hint, *scratch);
      app.scratches_.Give(std::move(scratch));
      if (!analyzed.ok()) return analyzed.status();
      ev = std::move(*analyzed);
    }

    PolicyInput input;
    input.language = ev.lang;
    input.classifier_probability = ev.classifier_probability;
    input.risk = ev.risk;
    input.source = source;
    json lexicon = json::array();
    for (const LexiconHit& hit : ev.lexicon.hits) {
      std::string category(LexiconCategoryName(hit.category));
      lexicon.push_back(json{{"id", hit.id},
                             {"category", category},
                             {"begin", hit.span.begin},
                             {"end", hit.span.end}});
      input.lexicon_categories.push_back(category);
    }

    json matches = json::array();
    if (HasHashes(query)) {
      MODERATO_RETURN_IF_ERROR(MatchBanks(app, query, org, matches, input.bank_hits));
    }

    AppAnalysis out;
    out.language = ev.lang;
    out.evidence =
        json{{"language", ev.lang},
             {"lexicon", lexicon},
             {"classifier_probability",
              ev.classifier_probability ? json(*ev.classifier_probability) : json(nullptr)},
             {"risk", ev.risk},
             {"image", image},
             {"bank_matches", matches}};
    out.verdict = app.policy_->Get()->Evaluate(input);
    app.metrics_.Inc("moderato_verdicts_total",
                     {{"action", std::string(PolicyActionName(out.verdict.action))}});
    return out;
  }

  static HttpResponse Scan(App& app, HttpRequest& req, const Caller& caller) {
    Result<ContentRequest> content = ParseContent(req);
    if (!content.ok()) return ErrorFromStatus(content.status());
    Result<AppAnalysis> a = Analyze(app, *content, caller.key.org);
    if (!a.ok()) return ErrorFromStatus(a.status());
    Result<std::string> text = OptionalString(content->fields, "text");  // checked by Analyze
    return JsonResponse(
        200, json{{"evidence", a->evidence},
                  {"verdict", VerdictJson(a->verdict)},
                  {"counter_narratives",
                   Shared::SuggestCounters(app, text.ok() ? *text : "", a->language, a->verdict)}});
  }

  static HttpResponse SubmitItem(App& app, HttpRequest& req, const Caller& caller) {
    Result<ContentRequest> content = ParseContent(req);
    if (!content.ok()) return ErrorFromStatus(content.status());
    Result<std::string> external_id = OptionalString(content->fields, "external_id");
    if (!external_id.ok()) return ErrorFromStatus(external_id.status());
    if (external_id->empty() || external_id->size() > 256) {
      return JsonError(400, "invalid_argument", "external_id is required (1..256 bytes)");
    }
    const std::string digest = Sha256HexOf({req.body});
    // A replay is answered from the store without running the analysis again.
    if (Result<ItemRecord> existing =
            app.moderation_->GetItemByExternalId(caller.key.org, *external_id);
        existing.ok()) {
      return Replay(*existing, digest);
    }
    Result<AppAnalysis> a = Analyze(app, *content, caller.key.org);
    if (!a.ok()) return ErrorFromStatus(a.status());
    const Verdict& v = a->verdict;
    json verdict = VerdictJson(v);
    ItemSubmission s;
    s.org = caller.key.org;
    s.external_id = *external_id;
    s.request_digest = digest;
    s.language = a->language;
    s.action = std::string(PolicyActionName(v.action));
    s.policy_version = v.policy_version;
    s.verdict_json = verdict.dump();
    s.evidence_json = a->evidence.dump(-1, ' ', false, json::error_handler_t::replace);
    s.open_case = v.needs_review;
    s.priority = v.priority;
    s.now = Now();
    s.deadline =
        v.needs_review && v.review_deadline_seconds > 0 ? s.now + v.review_deadline_seconds : 0;
    s.labels = v.labels;
    s.actor = caller.actor;
    Result<SubmitResult> r = app.moderation_->SubmitItem(s);
    if (!r.ok()) return ErrorFromStatus(r.status());
    if (r->replayed) return Replay(r->item, digest);
    return JsonResponse(
        201, json{{"item_id", r->item.id},
                  {"external_id", r->item.external_id},
                  {"verdict", verdict},
                  {"case_id", r->item.case_id == 0 ? json(nullptr) : json(r->item.case_id)}});
  }

  static HttpResponse Replay(const ItemRecord& item, const std::string& digest) {
    if (item.request_digest != digest) {
      return JsonError(409, "conflict", "external_id was already used for a different request");
    }
    return JsonResponse(200,
                        json{{"item_id", item.id},
                             {"external_id", item.external_id},
                             {"verdict", ParseStoredJson(item.verdict_json)},
                             {"case_id", item.case_id == 0 ? json(nullptr) : json(item.case_id)}});
  }

  static HttpResponse GetItem(App& app, HttpRequest& req, const Caller& caller) {
    Result<std::int64_t> id = IdParam(req);
    if (!id.ok()) return ErrorFromStatus(id.status());
    Result<ItemRecord> item = app.moderation_->GetItem(caller.key.org, *id);
    if (!item.ok()) return ErrorFromStatus(item.status());
    return JsonResponse(200, ItemJson(*item));
  }

  static HttpResponse ListCases(App& app, HttpRequest& req, const Caller& caller) {
    CaseFilter f;
    f.now = Now();
    f.status = req.Query("status").value_or("");
    f.language = req.Query("language").value_or("");
    f.label = req.Query("label").value_or("");
    f.kind = req.Query("kind").value_or("");
    if (auto p = req.Query("min_priority")) {
      char* end = nullptr;
      f.min_priority = std::strtod(p->c_str(), &end);
      if (p->empty() || end != p->c_str() + p->size()) {
        return JsonError(400, "invalid_argument", "min_priority must be a number");
      }
    }
    if (auto p = req.Query("after")) {
      Result<std::int64_t> v = ParseInt(*p, "after");
      if (!v.ok()) return ErrorFromStatus(v.status());
      f.after_id = *v;
    }
    if (auto p = req.Query("limit")) {
      Result<std::int64_t> v = ParseInt(*p, "limit");
      if (!v.ok()) return ErrorFromStatus(v.status());
      if (*v < 1 || *v > 500) return JsonError(400, "invalid_argument", "limit must be 1..500");
      f.limit = static_cast<int>(*v);
    }
    Result<std::vector<Case>> cases = app.moderation_->ListCases(caller.key.org, f);
    if (!cases.ok()) return ErrorFromStatus(cases.status());
    json list = json::array();
    for (const Case& c : *cases) list.push_back(CaseJson(c));
    json out{{"cases", list}};
    out["next_after"] = cases->size() == static_cast<std::size_t>(f.limit) && !cases->empty()
                            ? json(cases->back().id)
                            : json(nullptr);
    return JsonResponse(200, out);
  }

  static HttpResponse GetCase(App& app, HttpRequest& req, const Caller& caller) {
    Result<std::int64_t> id = IdParam(req);
    if (!id.ok()) return ErrorFromStatus(id.status());
    Result<Case> c = app.moderation_->GetCase(caller.key.org, *id);
    if (!c.ok()) return ErrorFromStatus(c.status());
    return JsonResponse(200, CaseJson(*c));
  }

  static HttpResponse Claim(App& app, HttpRequest& req, const Caller& caller) {
    Result<std::int64_t> id = IdParam(req);
    if (!id.ok()) return ErrorFromStatus(id.status());
    Result<Case> c = app.moderation_->ClaimCase(caller.key.org, *id, caller.actor,
                                                app.options_.lease_seconds, Now());
    if (!c.ok()) return ErrorFromStatus(c.status());
    return JsonResponse(200, CaseJson(*c));
  }

  static HttpResponse Decide(App& app, HttpRequest& req, const Caller& caller) {
    Result<std::int64_t> id = IdParam(req);
    if (!id.ok()) return ErrorFromStatus(id.status());
    Result<json> body = Body(req);
    if (!body.ok()) return ErrorFromStatus(body.status());
    DecisionInput in;
    for (auto [field, target] :
         {std::pair{"decision", &in.decision}, std::pair{"policy", &in.policy},
          std::pair{"reason", &in.reason}, std::pair{"exemption", &in.exemption}}) {
      Result<std::string> v = OptionalString(*body, field);
      if (!v.ok()) return ErrorFromStatus(v.status());
      *target = std::move(*v);
    }
    Result<Decision> d = app.moderation_->DecideCase(caller.key.org, *id, caller.actor, in, Now());
    if (!d.ok()) return ErrorFromStatus(d.status());
    if (app.decision_listener_) app.decision_listener_();
    return JsonResponse(200, json{{"id", d->id},
                                  {"case_id", d->case_id},
                                  {"decision", d->decision},
                                  {"policy", d->policy},
                                  {"reason", d->reason},
                                  {"exemption", d->exemption},
                                  {"reviewer", d->reviewer},
                                  {"at", d->at}});
  }

  static HttpResponse Appeal(App& app, HttpRequest& req, const Caller& caller) {
    Result<std::int64_t> id = IdParam(req);
    if (!id.ok()) return ErrorFromStatus(id.status());
    Result<json> body = Body(req);
    if (!body.ok()) return ErrorFromStatus(body.status());
    Result<std::string> reason = OptionalString(*body, "reason");
    if (!reason.ok()) return ErrorFromStatus(reason.status());
    if (reason->empty()) return JsonError(400, "invalid_argument", "reason is required");
    Result<Case> c = app.moderation_->AppealCase(caller.key.org, *id, caller.actor, *reason, Now());
    if (!c.ok()) return ErrorFromStatus(c.status());
    return JsonResponse(201, CaseJson(*c));
  }

  static HttpResponse ListAudit(App& app, HttpRequest& req, const Caller& caller) {
    std::int64_t after = 0;
    int limit = 100;
    if (auto p = req.Query("after")) {
      Result<std::int64_t> v = ParseInt(*p, "after");
      if (!v.ok()) return ErrorFromStatus(v.status());
      after = *v;
    }
    if (auto p = req.Query("limit")) {
      Result<std::int64_t> v = ParseInt(*p, "limit");
      if (!v.ok()) return ErrorFromStatus(v.status());
      if (*v < 1 || *v > 1000) return JsonError(400, "invalid_argument", "limit must be 1..1000");
      limit = static_cast<int>(*v);
    }
    // The caller's organisation is never empty, so system-wide entries are
    // not listed.
    Result<std::vector<AuditEntry>> entries =
        app.moderation_->ListAudit(caller.key.org, after, limit);
    if (!entries.ok()) return ErrorFromStatus(entries.status());
    json list = json::array();
    for (const AuditEntry& e : *entries) {
      list.push_back(json{{"seq", e.seq},
                          {"at", e.at},
                          {"org", e.org},
                          {"actor", e.actor},
                          {"action", e.action},
                          {"subject", e.subject},
                          {"details", ParseStoredJson(e.details)},
                          {"prev_hash", e.prev_hash},
                          {"hash", e.hash}});
    }
    return JsonResponse(200, json{{"entries", list}});
  }

  static HttpResponse Match(App& app, HttpRequest& req, const Caller& caller) {
    Result<json> body = Body(req);
    if (!body.ok()) return ErrorFromStatus(body.status());
    Result<MatchQuery> query = ParseQuery(*body);
    if (!query.ok()) return ErrorFromStatus(query.status());
    if (!HasHashes(*query))
      return JsonError(400, "invalid_argument", "give pdq, md5, sha256 or urls");
    json matches = json::array();
    std::vector<PolicyBankHit> hits;
    if (Status s = MatchBanks(app, *query, caller.key.org, matches, hits); !s.ok()) {
      return ErrorFromStatus(s);
    }
    return JsonResponse(200, json{{"matches", matches}});
  }

  static HttpResponse ListBanks(App& app, const Caller& caller) {
    Result<std::vector<Bank>> banks = app.banks_->ListBanks();
    if (!banks.ok()) return ErrorFromStatus(banks.status());
    json list = json::array();
    for (const Bank& b : *banks) {
      if (!b.owner.empty() && b.owner != caller.key.org) continue;
      list.push_back(BankJson(b));
    }
    return JsonResponse(200, json{{"banks", list}});
  }

  static HttpResponse VerifyAudit(App& app) {
    Result<AuditVerification> v = app.moderation_->VerifyAudit();
    if (!v.ok()) return ErrorFromStatus(v.status());
    return JsonResponse(200, json{{"ok", v->ok},
                                  {"entries", v->entries},
                                  {"first_bad_seq", v->first_bad_seq},
                                  {"problem", v->problem},
                                  {"head_hash", v->head_hash}});
  }
};

Handler App::Shared::Guard(App& app, RoleSet roles, CallerHandler handler) {
  return Impl::Guard(app, roles, std::move(handler));
}

Result<json> App::Shared::Body(const HttpRequest& req) { return Impl::Body(req); }

Status App::Shared::MatchBanks(App& app, const MatchQuery& query, const std::string& org,
                               json& matches, std::vector<PolicyBankHit>& hits) {
  return Impl::MatchBanks(app, query, org, matches, hits);
}

void App::Shared::InvalidateMatcher(App& app) {
  std::lock_guard<std::mutex> lock(app.refresh_mu_);
  Impl::RefreshLocked(app);
}

App::App(AppOptions options)
    : options_(std::move(options)), limiter_(options_.rate_per_second, options_.rate_burst) {}

App::~App() = default;

Result<std::unique_ptr<App>> App::Create(const AppOptions& options) {
  std::unique_ptr<App> app(new App(options));
  AppOptions& o = app->options_;
  if (o.policy_path.empty()) {
    o.policy_path = std::string(MODERATO_SOURCE_ROOT) + "/data/policy/default.toml";
  }
  if (o.openapi_path.empty())
    o.openapi_path = std::string(MODERATO_SOURCE_ROOT) + "/docs/openapi.json";
  if (o.lease_seconds <= 0) return InvalidArgumentError("lease_seconds must be positive");
  MODERATO_ASSIGN_OR_RETURN(app->banks_, OpenSqliteBankStore(o.db_path));
  MODERATO_ASSIGN_OR_RETURN(app->moderation_, OpenSqliteModerationStore(o.db_path));
  MODERATO_ASSIGN_OR_RETURN(Policy policy, Policy::Load(o.policy_path));
  app->policy_ = std::make_unique<PolicyHolder>(std::move(policy));
  MODERATO_ASSIGN_OR_RETURN(app->analyzer_, Analyzer::Create(o.analyzer));
  MODERATO_ASSIGN_OR_RETURN(std::unique_ptr<BankMatcher> matcher,
                            BankMatcher::Build(*app->banks_, {}));
  Impl::Publish(*app, std::shared_ptr<BankMatcher>(std::move(matcher)));
  app->next_refresh_ns_ = Impl::SteadyNs() + std::chrono::nanoseconds(kRefreshInterval).count();
  app->openapi_ = ReadFileOrEmpty(o.openapi_path);
  MODERATO_RETURN_IF_ERROR(Shared::InitCounter(*app));

  Metrics& m = app->metrics_;
  m.DescribeCounter("moderato_verdicts_total", "Verdicts by action.");
  m.DescribeCounter("moderato_bank_matches_total", "Reported bank matches by bank.");
  m.DescribeGauge("moderato_open_cases", "Open review and appeal cases, every organisation.");
  m.DescribeGauge("moderato_pending_webhooks", "Webhook messages waiting for delivery.");
  ModerationStore* store = app->moderation_.get();
  m.AddCollector([store](Metrics& metrics) {
    if (Result<std::int64_t> n = store->CountOpenCases(); n.ok()) {
      metrics.Set("moderato_open_cases", {}, static_cast<double>(*n));
    }
    if (Result<std::int64_t> n = store->CountPendingOutbox(); n.ok()) {
      metrics.Set("moderato_pending_webhooks", {}, static_cast<double>(*n));
    }
  });
  return app;
}

Status App::ReloadPolicy() {
  MODERATO_RETURN_IF_ERROR(policy_->ReloadFrom(options_.policy_path));
  std::shared_ptr<const Policy> p = policy_->Get();
  json details{{"version", p->version()}, {"name", p->name()}, {"path", options_.policy_path}};
  return moderation_
      ->AppendAudit("", "system", "policy.load", "policy:" + p->name(),
                    details.dump(-1, ' ', false, json::error_handler_t::replace), Now())
      .status();
}

void App::Register(Router& router) {
  using enum Role;
  App& app = *this;
  const RouteOptions body_limit{.max_body_bytes = kMaxBodyBytes};
  router.Add("GET", "/healthz", "healthz", [](HttpRequest&) {
    return JsonResponse(200, json{{"status", "ok"}});
  });
  router.Add("GET", "/readyz", "readyz", [&app](HttpRequest&) {
    Result<std::int64_t> n = app.moderation_->CountOpenCases();
    if (!n.ok()) return JsonError(503, "unavailable", "the store does not answer");
    return JsonResponse(200, json{{"status", "ready"}});
  });
  router.Add("GET", "/metrics", "metrics", [&app](HttpRequest&) {
    HttpResponse r;
    r.content_type = "text/plain; version=0.0.4";
    r.body = app.metrics_.Render();
    return r;
  });
  router.Add("GET", "/openapi.json", "openapi", [&app](HttpRequest&) {
    if (app.openapi_.empty()) return JsonError(404, "not_found", "no OpenAPI document installed");
    HttpResponse r;
    r.body = app.openapi_;
    return r;
  });

  auto bind = [&app](auto fn) {
    return [&app, fn](HttpRequest& req, const Caller& caller) { return fn(app, req, caller); };
  };
  const RouteOptions content_limit{.max_body_bytes = kMaxContentBytes};
  router.Add("POST", "/v1/scan", "scan",
             Impl::Guard(app, {kIntegrator, kAdmin, kAnalyst}, bind(&Impl::Scan)), content_limit);
  router.Add("POST", "/v1/items", "items.submit",
             Impl::Guard(app, {kIntegrator, kAdmin}, bind(&Impl::SubmitItem)), content_limit);
  router.Add("GET", "/v1/items/{id}", "items.get",
             Impl::Guard(app, {kAnalyst, kReviewer, kAdmin, kIntegrator}, bind(&Impl::GetItem)));
  router.Add("GET", "/v1/cases", "cases.list",
             Impl::Guard(app, {kReviewer, kAnalyst, kAdmin}, bind(&Impl::ListCases)));
  router.Add("GET", "/v1/cases/{id}", "cases.get",
             Impl::Guard(app, {kReviewer, kAnalyst, kAdmin}, bind(&Impl::GetCase)));
  router.Add("POST", "/v1/cases/{id}/claim", "cases.claim",
             Impl::Guard(app, {kReviewer, kAdmin}, bind(&Impl::Claim)), body_limit);
  router.Add("POST", "/v1/cases/{id}/decision", "cases.decide",
             Impl::Guard(app, {kReviewer, kAdmin}, bind(&Impl::Decide)), body_limit);
  router.Add("POST", "/v1/cases/{id}/appeal", "cases.appeal",
             Impl::Guard(app, {kIntegrator, kAdmin}, bind(&Impl::Appeal)), body_limit);
  router.Add("GET", "/v1/audit", "audit.list",
             Impl::Guard(app, {kAnalyst, kAdmin}, bind(&Impl::ListAudit)));
  router.Add("GET", "/v1/audit/verify", "audit.verify",
             Impl::Guard(app, {kAnalyst, kAdmin},
                         [&app](HttpRequest&, const Caller&) { return Impl::VerifyAudit(app); }));
  router.Add(
      "GET", "/v1/banks", "banks.list",
      Impl::Guard(app, {kIntegrator, kAnalyst, kAdmin},
                  [&app](HttpRequest&, const Caller& c) { return Impl::ListBanks(app, c); }));
  router.Add("POST", "/v1/match", "match",
             Impl::Guard(app, {kIntegrator, kAdmin}, bind(&Impl::Match)), body_limit);
  Shared::RegisterBanks(app, router);
  Shared::RegisterCounter(app, router);
}

}  // namespace moderato::server
