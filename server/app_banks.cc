// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Bank write routes and POST /v1/hash of `moderato serve` (docs/server.md).
//
// Tenancy: a bank created over HTTP belongs to the caller's organisation.
// Another organisation's private bank answers exactly as a name that does not
// exist (same status, same body), on every route; global banks (owner "") are
// made and changed only with the CLI, so every HTTP write to one is 403.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "moderato/exchange/formats.h"
#include "moderato/hash/hash256.h"
#include "moderato/hash/media.h"
#include "moderato/store/banks.h"
#include "moderato/store/store.h"
#include "server/app_internal.h"
#include "server/decode.h"

namespace moderato::server {

using nlohmann::json;
using namespace app_internal;

namespace {

// POST /v1/hash: the body, and the image inside it. Base64 in JSON grows by a
// third, so a JSON body carries a little less than kMaxImageBytes.
constexpr std::size_t kMaxHashBodyBytes = std::size_t{16} << 20;
constexpr std::size_t kMaxImageBytes = std::size_t{12} << 20;
// About 75 MB of RGB pixels per request in flight.
constexpr std::uint64_t kMaxImagePixels = 25'000'000;

// POST /v1/banks/{name}/signals.
constexpr std::size_t kMaxSignalsBodyBytes = std::size_t{4} << 20;
constexpr std::size_t kMaxSignalsPerCall = 10'000;
// Label limits, as the exchange formats enforce them (docs/exchange.md), so
// that every bank written here can be exported.
constexpr std::size_t kMaxTags = 64;
constexpr std::size_t kMaxTagBytes = 128;
constexpr std::size_t kMaxFieldBytes = 256;

// POST /v1/banks/{name}/import and GET .../export.
constexpr std::size_t kMaxImportBytes = std::size_t{64} << 20;
constexpr std::uint64_t kMaxImportRecords = 1'000'000;
// The export is built in memory; larger banks are exported with the CLI.
constexpr std::int64_t kMaxExportSignals = 1'000'000;

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// One message for "no such bank" and "another organisation's bank", so the
// two cannot be told apart.
Status BankNotFound() { return NotFoundError("bank not found"); }

Result<bool> OptionalBool(const json& body, const char* field, bool fallback) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) return InvalidArgumentError(std::string(field) + " must be a boolean");
  return it->get<bool>();
}

Result<int> OptionalInt(const json& body, const char* field, int fallback, int lo, int hi) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return fallback;
  if (!it->is_number_integer() || it->get<std::int64_t>() < lo || it->get<std::int64_t>() > hi) {
    return InvalidArgumentError(std::string(field) + " must be an integer in " +
                                std::to_string(lo) + ".." + std::to_string(hi));
  }
  return static_cast<int>(it->get<std::int64_t>());
}

// A label string: at most `max` bytes, no control characters (the body is
// already valid UTF-8).
Status CheckLabel(std::string_view value, std::size_t max, std::string_view what) {
  if (value.size() > max) {
    return InvalidArgumentError(std::string(what) + " is longer than " + std::to_string(max) +
                                " bytes");
  }
  for (char c : value) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return InvalidArgumentError(std::string(what) + " holds a control character");
    }
  }
  return OkStatus();
}

Result<std::vector<std::string>> StringList(const json& labels, const char* field,
                                            std::string_view where) {
  std::vector<std::string> out;
  auto it = labels.find(field);
  if (it == labels.end() || it->is_null()) return out;
  if (!it->is_array() || it->size() > kMaxTags) {
    return InvalidArgumentError(std::string(where) + field + " must be an array of at most " +
                                std::to_string(kMaxTags) + " strings");
  }
  for (const json& v : *it) {
    if (!v.is_string()) return InvalidArgumentError(std::string(where) + field + " holds strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

// One element of "signals": {type, value, labels?: {organisation?,
// behaviours?, tags?}, source?, external_id?, quality?}.
Result<Signal> ParseSignal(const json& j, std::size_t index) {
  const std::string where = "signals[" + std::to_string(index) + "].";
  if (!j.is_object())
    return InvalidArgumentError(where.substr(0, where.size() - 1) + " must be an object");
  MODERATO_ASSIGN_OR_RETURN(std::string type_name, OptionalString(j, "type"));
  MODERATO_ASSIGN_OR_RETURN(std::string value, OptionalString(j, "value"));
  std::optional<SignalType> type = ParseSignalType(type_name);
  if (!type) {
    return InvalidArgumentError(where + "type must be one of pdq, md5, sha256, text, url");
  }
  Result<std::string> canonical = CanonicalSignalValue(*type, value);
  if (!canonical.ok())
    return InvalidArgumentError(where + "value: " + canonical.status().message());
  Signal s;
  s.type = *type;
  s.value = std::move(*canonical);
  MODERATO_ASSIGN_OR_RETURN(std::string source, OptionalString(j, "source"));
  MODERATO_ASSIGN_OR_RETURN(std::string external_id, OptionalString(j, "external_id"));
  MODERATO_RETURN_IF_ERROR(CheckLabel(source, kMaxFieldBytes, where + "source"));
  MODERATO_RETURN_IF_ERROR(CheckLabel(external_id, kMaxFieldBytes, where + "external_id"));
  s.source = source.empty() ? "api" : source;
  s.external_id = external_id;
  MODERATO_ASSIGN_OR_RETURN(s.quality, OptionalInt(j, "quality", -1, -1, 100));
  if (auto it = j.find("labels"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) return InvalidArgumentError(where + "labels must be an object");
    const std::string lwhere = where + "labels.";
    MODERATO_ASSIGN_OR_RETURN(s.labels.organisation, OptionalString(*it, "organisation"));
    MODERATO_RETURN_IF_ERROR(
        CheckLabel(s.labels.organisation, kMaxFieldBytes, lwhere + "organisation"));
    MODERATO_ASSIGN_OR_RETURN(s.labels.behaviours, StringList(*it, "behaviours", lwhere));
    for (std::string& b : s.labels.behaviours) {
      b = Lower(b);
      if (!IsKnownBehaviour(b)) {
        return InvalidArgumentError(lwhere + "behaviours: unknown behaviour '" + b +
                                    "' (see docs/banks.md)");
      }
    }
    MODERATO_ASSIGN_OR_RETURN(s.labels.tags, StringList(*it, "tags", lwhere));
    for (const std::string& t : s.labels.tags) {
      MODERATO_RETURN_IF_ERROR(CheckLabel(t, kMaxTagBytes, lwhere + "tags"));
      if (t.empty() || t.find(';') != std::string::npos) {
        return InvalidArgumentError(lwhere + "tags must be non-empty and hold no ';'");
      }
    }
  }
  return s;
}

std::string_view ExportContentType(ExchangeFormat format) {
  switch (format) {
    case ExchangeFormat::kCsv:
      return "text/csv; charset=utf-8";
    case ExchangeFormat::kPytx:
      return "text/plain; charset=utf-8";
    default:
      return "application/json";
  }
}

std::string_view ExportExtension(ExchangeFormat format) {
  switch (format) {
    case ExchangeFormat::kCsv:
      return "csv";
    case ExchangeFormat::kPytx:
      return "txt";
    default:
      return "json";
  }
}

bool Truthy(std::string_view v) { return v == "1" || v == "true" || v == "yes"; }

// The bank routes over the App's stores.
struct Banks {
  App& app;
  BankStore& store;
  ModerationStore& moderation;
  Metrics& metrics;

  void invalidate_matcher() { App::Shared::InvalidateMatcher(app); }

  // The bank `name` as the caller may see it: kNotFound for an unknown name
  // and for another organisation's private bank alike.
  Result<Bank> Visible(std::string_view name, const std::string& org) {
    Result<Bank> bank = store.GetBank(name);
    if (!bank.ok()) {
      if (bank.status().code() == StatusCode::kNotFound) return BankNotFound();
      return bank.status();
    }
    if (!bank->owner.empty() && bank->owner != org) return BankNotFound();
    return bank;
  }

  // As Visible, and kPermissionDenied for a global bank.
  Result<Bank> Writable(std::string_view name, const std::string& org) {
    MODERATO_ASSIGN_OR_RETURN(Bank bank, Visible(name, org));
    if (bank.owner.empty()) {
      return PermissionDeniedError(
          "global banks are read-only over HTTP; change them with `moderato bank`");
    }
    return bank;
  }

  // Appends the audit entry of a bank change by `caller`.
  Status Audit(const std::string& org, const std::string& actor, std::string_view action,
               const std::string& bank, const json& details) {
    return moderation.AppendAudit(org, actor, action, "bank:" + bank, Dump(details), Now())
        .status();
  }

  HttpResponse Create(const HttpRequest& req, const std::string& org, const std::string& actor);
  HttpResponse AddSignals(const HttpRequest& req, const std::string& org, const std::string& actor);
  HttpResponse RemoveSignal(const HttpRequest& req, const std::string& org,
                            const std::string& actor);
  HttpResponse RemoveByValue(const HttpRequest& req, const std::string& org,
                             const std::string& actor);
  HttpResponse Import(const HttpRequest& req, const std::string& org, const std::string& actor);
  HttpResponse Export(const HttpRequest& req, const std::string& org, const std::string& actor);
};

HttpResponse Banks::Create(const HttpRequest& req, const std::string& org,
                           const std::string& actor) {
  Result<json> body =
      ParseJsonBody(req.body, JsonLimits{.max_bytes = kMaxBodyBytes, .max_depth = 8});
  if (!body.ok()) return ErrorFromStatus(body.status());
  Bank bank;
  bank.owner = org;
  for (auto [field, target] :
       {std::pair{"name", &bank.name}, std::pair{"description", &bank.description}}) {
    Result<std::string> v = OptionalString(*body, field);
    if (!v.ok()) return ErrorFromStatus(v.status());
    *target = std::move(*v);
  }
  if (bank.name.empty()) return JsonError(400, "invalid_argument", "name is required");
  if (Status s = CheckLabel(bank.description, 4096, "description"); !s.ok()) {
    return ErrorFromStatus(s);
  }
  Result<int> threshold = OptionalInt(*body, "pdq_threshold", bank.pdq_threshold, 0, 63);
  Result<int> quality = OptionalInt(*body, "pdq_quality_min", bank.pdq_quality_min, 0, 100);
  Result<bool> suppression = OptionalBool(*body, "suppression", false);
  Result<bool> enabled = OptionalBool(*body, "enabled", true);
  for (const Status& s :
       {threshold.status(), quality.status(), suppression.status(), enabled.status()}) {
    if (!s.ok()) return ErrorFromStatus(s);
  }
  bank.pdq_threshold = *threshold;
  bank.pdq_quality_min = *quality;
  bank.suppression = *suppression;
  bank.enabled = *enabled;
  if (std::string problem = ValidateBank(bank); !problem.empty()) {
    return JsonError(400, "invalid_argument", problem);
  }
  // Names are unique across organisations; the answer says only that the
  // name is taken, never by whom.
  if (store.GetBank(bank.name).ok()) {
    return JsonError(409, "already_exists", "a bank with this name already exists");
  }
  Result<Bank> created = store.CreateBank(bank);
  if (!created.ok()) {
    if (created.status().code() == StatusCode::kFailedPrecondition ||
        created.status().code() == StatusCode::kAlreadyExists) {
      return JsonError(409, "already_exists", "a bank with this name already exists");
    }
    return ErrorFromStatus(created.status());
  }
  invalidate_matcher();
  if (Status s = Audit(org, actor, "bank.create", created->name, BankJson(*created)); !s.ok()) {
    return ErrorFromStatus(s);
  }
  return JsonResponse(201, BankJson(*created));
}

HttpResponse Banks::AddSignals(const HttpRequest& req, const std::string& org,
                               const std::string& actor) {
  Result<Bank> bank = Writable(req.Param("name"), org);
  if (!bank.ok()) return ErrorFromStatus(bank.status());
  Result<json> body =
      ParseJsonBody(req.body, JsonLimits{.max_bytes = kMaxSignalsBodyBytes, .max_depth = 8});
  if (!body.ok()) return ErrorFromStatus(body.status());
  auto list = body->find("signals");
  if (list == body->end() || !list->is_array() || list->empty()) {
    return JsonError(400, "invalid_argument", "signals must be a non-empty array");
  }
  if (list->size() > kMaxSignalsPerCall) {
    return JsonError(413, "resource_exhausted",
                     "at most 10000 signals per call; use the import route for more");
  }
  std::vector<Signal> signals;
  signals.reserve(list->size());
  for (std::size_t i = 0; i < list->size(); ++i) {
    Result<Signal> s = ParseSignal((*list)[i], i);
    if (!s.ok()) return ErrorFromStatus(s.status());
    signals.push_back(std::move(*s));
  }
  Result<AddResult> added = store.AddSignals(bank->name, signals);
  if (!added.ok()) return ErrorFromStatus(added.status());
  invalidate_matcher();
  metrics.Inc("moderato_bank_signals_added_total", {{"bank", bank->name}},
              static_cast<double>(added->added));
  json details{{"added", added->added}, {"duplicates", added->duplicates}};
  if (Status s = Audit(org, actor, "bank.signals.add", bank->name, details); !s.ok()) {
    return ErrorFromStatus(s);
  }
  return JsonResponse(200, json{{"bank", bank->name},
                                {"added", added->added},
                                {"duplicates", added->duplicates},
                                {"ids", added->ids}});
}

HttpResponse Banks::RemoveSignal(const HttpRequest& req, const std::string& org,
                                 const std::string& actor) {
  Result<Bank> bank = Writable(req.Param("name"), org);
  if (!bank.ok()) return ErrorFromStatus(bank.status());
  Result<std::int64_t> id = IdParam(req);
  if (!id.ok()) return ErrorFromStatus(id.status());
  // A signal id of another bank (of any organisation) is the same 404 as one
  // that does not exist.
  Result<Signal> signal = store.GetSignal(*id);
  if (!signal.ok() || signal->bank != bank->name) {
    return JsonError(404, "not_found", "signal not found");
  }
  if (Status s = store.RemoveSignal(*id); !s.ok()) return ErrorFromStatus(s);
  invalidate_matcher();
  metrics.Inc("moderato_bank_signals_removed_total", {{"bank", bank->name}});
  json details{{"removed", 1},
               {"id", *id},
               {"type", SignalTypeName(signal->type)},
               {"value", signal->value}};
  if (Status s = Audit(org, actor, "bank.signals.remove", bank->name, details); !s.ok()) {
    return ErrorFromStatus(s);
  }
  return JsonResponse(200, json{{"bank", bank->name}, {"removed", 1}});
}

HttpResponse Banks::RemoveByValue(const HttpRequest& req, const std::string& org,
                                  const std::string& actor) {
  Result<Bank> bank = Writable(req.Param("name"), org);
  if (!bank.ok()) return ErrorFromStatus(bank.status());
  const std::optional<std::string> type_name = req.Query("type");
  const std::optional<std::string> value = req.Query("value");
  if (!type_name || !value) {
    return JsonError(400, "invalid_argument", "give ?type=...&value=... (or DELETE .../{id})");
  }
  std::optional<SignalType> type = ParseSignalType(*type_name);
  if (!type)
    return JsonError(400, "invalid_argument", "type must be one of pdq, md5, sha256, text, url");
  Result<std::string> canonical = CanonicalSignalValue(*type, *value);
  if (!canonical.ok()) return ErrorFromStatus(canonical.status());
  Result<std::int64_t> removed = store.RemoveSignalsByValue(bank->name, *type, *canonical);
  if (!removed.ok()) return ErrorFromStatus(removed.status());
  if (*removed > 0) {
    invalidate_matcher();
    metrics.Inc("moderato_bank_signals_removed_total", {{"bank", bank->name}},
                static_cast<double>(*removed));
    json details{{"removed", *removed}, {"type", SignalTypeName(*type)}, {"value", *canonical}};
    if (Status s = Audit(org, actor, "bank.signals.remove", bank->name, details); !s.ok()) {
      return ErrorFromStatus(s);
    }
  }
  return JsonResponse(200, json{{"bank", bank->name}, {"removed", *removed}});
}

HttpResponse Banks::Import(const HttpRequest& req, const std::string& org,
                           const std::string& actor) {
  Result<Bank> bank = Writable(req.Param("name"), org);
  if (!bank.ok()) return ErrorFromStatus(bank.status());
  std::optional<ExchangeFormat> format;
  if (std::optional<std::string> name = req.Query("format"); name && !name->empty()) {
    format = ParseExchangeFormat(*name);
    if (!format) {
      return JsonError(400, "invalid_argument",
                       "format must be one of pytx, hma-json, tat, stopncii, csv");
    }
  }
  ImportOptions options;
  options.max_bytes = kMaxImportBytes;
  options.max_records = kMaxImportRecords;
  options.max_errors = 100;
  Result<ImportBatch> batch = ImportSignalsFromBytes(req.body, format, options);
  if (!batch.ok()) return ErrorFromStatus(batch.status());
  if (!batch->ok()) {
    return ErrorFromStatus(ImportErrorsToStatus(batch->errors, batch->errors_truncated));
  }
  // An hma-json header's bank settings are ignored: the bank exists already.
  Result<ImportSummary> summary = ImportInto(store, bank->name, *batch);
  if (!summary.ok()) return ErrorFromStatus(summary.status());
  invalidate_matcher();
  metrics.Inc("moderato_bank_signals_added_total", {{"bank", bank->name}},
              static_cast<double>(summary->added));
  metrics.Inc("moderato_bank_signals_removed_total", {{"bank", bank->name}},
              static_cast<double>(summary->removed));
  json out{{"bank", bank->name},
           {"format", ExchangeFormatName(batch->format)},
           {"records", batch->records},
           {"added", summary->added},
           {"duplicates", summary->duplicates},
           {"removed", summary->removed},
           {"skipped_unsupported", batch->skipped_unsupported}};
  if (Status s = Audit(org, actor, "bank.import", bank->name, out); !s.ok()) {
    return ErrorFromStatus(s);
  }
  return JsonResponse(200, out);
}

HttpResponse Banks::Export(const HttpRequest& req, const std::string& org,
                           const std::string& actor) {
  Result<Bank> bank = Visible(req.Param("name"), org);
  if (!bank.ok()) return ErrorFromStatus(bank.status());
  if (bank->owner.empty()) {
    // Global banks usually hold lists shared under agreements that forbid
    // passing them on; matching against them is what tenants get.
    return JsonError(403, "permission_denied",
                     "global banks are not exported over HTTP; use `moderato bank export`");
  }
  ExchangeFormat format = ExchangeFormat::kCsv;
  if (std::optional<std::string> name = req.Query("format"); name && !name->empty()) {
    std::optional<ExchangeFormat> parsed = ParseExchangeFormat(*name);
    if (!parsed) {
      return JsonError(400, "invalid_argument",
                       "format must be one of pytx, hma-json, tat, stopncii, csv");
    }
    format = *parsed;
  }
  Result<BankStats> stats = store.Stats(bank->name);
  if (!stats.ok()) return ErrorFromStatus(stats.status());
  if (stats->total > kMaxExportSignals) {
    return JsonError(413, "resource_exhausted",
                     "the bank is too large to export over HTTP; use `moderato bank export`");
  }
  std::ostringstream out;
  SignalFilter filter;
  filter.bank = bank->name;
  ExportOptions options;
  options.bank = *bank;
  Result<ExportSummary> summary = ExportSignals(store, filter, format, out, options);
  if (!summary.ok()) return ErrorFromStatus(summary.status());
  json details{{"format", ExchangeFormatName(format)},
               {"written", summary->written},
               {"skipped", summary->skipped}};
  if (Status s = Audit(org, actor, "bank.export", bank->name, details); !s.ok()) {
    return ErrorFromStatus(s);
  }
  HttpResponse r;
  r.content_type = std::string(ExportContentType(format));
  r.body = std::move(out).str();
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + bank->name + "." +
                                                    std::string(ExportExtension(format)) + "\"");
  r.headers.emplace_back("X-Moderato-Exported", std::to_string(summary->written));
  r.headers.emplace_back("X-Moderato-Skipped", std::to_string(summary->skipped));
  return r;
}

// The image of a /v1/hash request and whether matches were asked for.
struct HashInput {
  std::string image;
  bool match = false;
};

Result<HashInput> ReadHashInput(const HttpRequest& req) {
  HashInput in;
  if (std::optional<std::string> m = req.Query("match")) in.match = Truthy(Lower(*m));
  const std::string content_type = Lower(std::string(req.Header("content-type")));
  if (content_type.rfind("multipart/form-data", 0) == 0) {
    MODERATO_ASSIGN_OR_RETURN(std::vector<MultipartPart> parts,
                              ParseMultipart(req.Header("content-type"), req.body, 8));
    bool found = false;
    for (const MultipartPart& part : parts) {
      if (part.name == "image" && !found) {
        in.image = std::string(part.data);
        found = true;
      } else if (part.name == "match") {
        in.match = in.match || Truthy(Lower(std::string(part.data)));
      }
    }
    if (!found) return InvalidArgumentError("the multipart body has no part named \"image\"");
    return in;
  }
  if (!content_type.empty() && content_type.rfind("application/json", 0) != 0) {
    return InvalidArgumentError("send application/json or multipart/form-data");
  }
  MODERATO_ASSIGN_OR_RETURN(
      json body,
      ParseJsonBody(req.body, JsonLimits{.max_bytes = kMaxHashBodyBytes, .max_depth = 8}));
  MODERATO_ASSIGN_OR_RETURN(std::string encoded, OptionalString(body, "image_base64"));
  if (encoded.empty()) return InvalidArgumentError("image_base64 is required");
  MODERATO_ASSIGN_OR_RETURN(in.image, DecodeBase64(encoded, kMaxImageBytes));
  if (auto it = body.find("match"); it != body.end() && !it->is_null()) {
    if (!it->is_boolean()) return InvalidArgumentError("match must be a boolean");
    in.match = in.match || it->get<bool>();
  }
  return in;
}

HttpResponse Hash(App& app, Metrics& metrics, const HttpRequest& req, const std::string& org) {
  Result<HashInput> in = ReadHashInput(req);
  if (!in.ok()) return ErrorFromStatus(in.status());
  if (in->image.empty()) return JsonError(400, "invalid_argument", "the image is empty");
  if (in->image.size() > kMaxImageBytes) {
    return JsonError(413, "resource_exhausted", "the image is larger than 12 MiB");
  }
  MediaHashOptions options;
  options.dihedral = true;
  options.max_bytes = kMaxImageBytes;
  options.decode.max_bytes = kMaxImageBytes;
  options.decode.max_pixels = kMaxImagePixels;
  const auto* data = reinterpret_cast<const std::uint8_t*>(in->image.data());
  Result<MediaHashes> h = HashMedia(std::span<const std::uint8_t>(data, in->image.size()), options);
  if (!h.ok()) return ErrorFromStatus(h.status());
  if (!h->pdq) {
    if (h->format == ImageFormat::kUnknown) {
      return JsonError(400, "invalid_argument", "not an image (expected JPEG, PNG or WebP)");
    }
    if (h->image_error.code() == StatusCode::kResourceExhausted) {
      return ErrorFromStatus(h->image_error);
    }
    return JsonError(400, "invalid_argument",
                     "the image cannot be decoded: " + h->image_error.message());
  }
  metrics.Inc("moderato_images_hashed_total",
              {{"format", std::string(ImageFormatName(h->format))}});
  json out{{"format", ImageFormatName(h->format)},
           {"width", h->width},
           {"height", h->height},
           {"pdq", ToHex(h->pdq->hash)},
           {"quality", h->pdq->quality},
           {"md5", h->digests.md5_hex},
           {"sha256", h->digests.sha256_hex},
           {"bytes", h->digests.bytes}};
  if (in->match) {
    MatchQuery query;
    AddImageToQuery(*h, query);
    json matches = json::array();
    std::vector<PolicyBankHit> hits;
    if (Status s = App::Shared::MatchBanks(app, query, org, matches, hits); !s.ok()) {
      return ErrorFromStatus(s);
    }
    out["matches"] = matches;
  }
  return JsonResponse(200, out);
}

}  // namespace

namespace app_internal {

json BankJson(const Bank& b) {
  return json{{"name", b.name},
              {"description", b.description},
              {"owner", b.owner.empty() ? json(nullptr) : json(b.owner)},
              {"enabled", b.enabled},
              {"suppression", b.suppression},
              {"pdq_threshold", b.pdq_threshold},
              {"pdq_quality_min", b.pdq_quality_min},
              {"created_at", b.created_at}};
}

}  // namespace app_internal

void App::Shared::RegisterBanks(App& app, Router& router) {
  using enum Role;
  Metrics& m = app.metrics_;
  m.DescribeCounter("moderato_bank_signals_added_total",
                    "Signals added to banks over HTTP (add and import), by bank.");
  m.DescribeCounter("moderato_bank_signals_removed_total",
                    "Signals removed from banks over HTTP (remove and import), by bank.");
  m.DescribeCounter("moderato_images_hashed_total", "Images hashed by POST /v1/hash, by format.");

  auto banks = std::make_shared<Banks>(Banks{app, app.bank_store(), app.moderation_store(), m});
  using Method =
      HttpResponse (Banks::*)(const HttpRequest&, const std::string&, const std::string&);
  auto bind = [banks](Method method) {
    return [banks, method](HttpRequest& req, const Caller& caller) {
      return ((*banks).*method)(req, caller.key.org, caller.actor);
    };
  };
  const RouteOptions json_limit{.max_body_bytes = kMaxBodyBytes};

  router.Add("POST", "/v1/hash", "hash",
             Guard(app, {kIntegrator, kAdmin, kAnalyst},
                   [&app, metrics = &m](HttpRequest& req, const Caller& caller) {
                     return Hash(app, *metrics, req, caller.key.org);
                   }),
             RouteOptions{.max_body_bytes = kMaxHashBodyBytes});
  router.Add("POST", "/v1/banks", "banks.create", Guard(app, {kAdmin}, bind(&Banks::Create)),
             json_limit);
  router.Add("POST", "/v1/banks/{name}/signals", "banks.signals.add",
             Guard(app, {kAdmin}, bind(&Banks::AddSignals)),
             RouteOptions{.max_body_bytes = kMaxSignalsBodyBytes});
  router.Add("DELETE", "/v1/banks/{name}/signals", "banks.signals.remove_by_value",
             Guard(app, {kAdmin}, bind(&Banks::RemoveByValue)), json_limit);
  router.Add("DELETE", "/v1/banks/{name}/signals/{id}", "banks.signals.remove",
             Guard(app, {kAdmin}, bind(&Banks::RemoveSignal)), json_limit);
  router.Add("POST", "/v1/banks/{name}/import", "banks.import",
             Guard(app, {kAdmin}, bind(&Banks::Import)),
             RouteOptions{.max_body_bytes = kMaxImportBytes});
  router.Add("GET", "/v1/banks/{name}/export", "banks.export",
             Guard(app, {kAdmin, kAnalyst}, bind(&Banks::Export)));
}

}  // namespace moderato::server
