// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// The SQLite ModerationStore. It shares the database file, the migrations
// (migration 4 holds its tables) and the durability settings (WAL,
// synchronous=FULL) with the bank, counter and campaign stores.
//
// Concurrency: one connection in SQLite's multi-thread mode, guarded by mu_.
// Every write is one BEGIN IMMEDIATE transaction: the write lock is taken
// before anything is read, so the audit chain's "read the last hash, insert
// the next entry" is atomic across threads AND processes. Statements are
// prepared per call, as in the campaign store: every write ends in a WAL
// sync that costs far more than a prepare.

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <sqlite3.h>

#include <array>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "moderato/core/sha256.h"
#include "moderato/status.h"
#include "moderato/store/moderation_store.h"
#include "nlohmann/json.hpp"
#include "store/sqlite_db.h"
#include "store/sqlite_migrations.h"
#include "store/sqlite_signal_codec.h"

namespace moderato {
namespace {

using internal::DecodeStringList;
using internal::EncodeStringList;
using internal::ScopedReset;
using internal::SqliteDb;
using internal::SqliteStatement;
using internal::WriteTransaction;
using Json = nlohmann::ordered_json;

constexpr int kBusyTimeoutMs = 5000;  // as the other stores

// Budgets on caller-supplied fields (the server enforces its own, smaller,
// request limits; these keep the database sane whatever the caller).
constexpr std::size_t kMaxExternalId = 256;
constexpr std::size_t kMaxShortField = 128;  // action, policy version, language, label, ...
constexpr std::size_t kMaxLabels = 32;
constexpr std::size_t kMaxText = 8192;  // reason, appeal reason, key label
constexpr std::size_t kMaxUrl = 2048;
constexpr std::size_t kMaxError = 1024;
constexpr std::int64_t kMaxLeaseSeconds = 7 * 24 * 3600;
constexpr int kMaxCaseLimit = 500;
constexpr int kMaxListLimit = 1000;
constexpr std::int64_t kVerifyPageRows = 1024;

constexpr std::string_view kTokenPrefix = "mod_";
constexpr std::size_t kKeyIdHexDigits = 16;
constexpr std::size_t kSecretChars = 43;  // base64url of 32 bytes, unpadded
constexpr std::size_t kTokenSize = 4 + kKeyIdHexDigits + 1 + kSecretChars;
constexpr const char kAuthFailure[] = "invalid or revoked API key";

constexpr std::string_view kExemptions[] = {"journalism", "research", "education",
                                            "counter_narrative"};

std::int64_t NowUnixSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Quoted(std::string_view s) {
  std::string quoted;
  quoted.reserve(s.size() + 2);
  quoted += '\'';
  quoted += s;
  quoted += '\'';
  return quoted;
}

// Compact JSON that never throws: invalid UTF-8 in user text becomes U+FFFD.
std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

std::string Hex(const unsigned char* bytes, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 0xf];
  }
  return out;
}

bool IsLowerHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::optional<std::string> Unhex(std::string_view hex) {
  if (hex.size() % 2 != 0 || !IsLowerHex(hex)) return std::nullopt;
  std::string out(hex.size() / 2, '\0');
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<char>((nibble(hex[2 * i]) << 4) | nibble(hex[2 * i + 1]));
  }
  return out;
}

bool IsBase64Url(std::string_view s) {
  for (char c : s) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

// RFC 4648 section 5, without padding.
std::string Base64Url(const unsigned char* bytes, std::size_t n) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((n * 4 + 2) / 3);
  std::size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    const std::uint32_t v = (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8) |
                            std::uint32_t{bytes[i + 2]};
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (n - i == 1) {
    const std::uint32_t v = std::uint32_t{bytes[i]} << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (n - i == 2) {
    const std::uint32_t v = (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

template <std::size_t N>
Status RandomBytes(std::array<unsigned char, N>& out) {
  if (RAND_bytes(out.data(), static_cast<int>(N)) != 1) {
    return InternalError("OpenSSL RAND_bytes failed: no randomness for a new key");
  }
  return OkStatus();
}

void AppendNetstring(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
  out += ',';
}

bool IsKnownExemption(std::string_view e) {
  for (std::string_view known : kExemptions) {
    if (e == known) return true;
  }
  return false;
}

Status CheckText(std::string_view what, std::string_view value, std::size_t max, bool required) {
  if (required && value.empty()) return InvalidArgumentError(std::string(what) + " is required");
  if (value.size() > max) {
    return InvalidArgumentError(std::string(what) + " is longer than " + std::to_string(max) +
                                " bytes");
  }
  return OkStatus();
}

Status CheckOrgName(std::string_view name) {
  if (!IsValidOrganisationName(name)) {
    return InvalidArgumentError("organisation name " + Quoted(name.substr(0, 64)) +
                                " is not [a-z0-9][a-z0-9._-]{0,63}");
  }
  return OkStatus();
}

}  // namespace

Status ValidateWebhookUrl(std::string_view url) {
  MODERATO_RETURN_IF_ERROR(CheckText("webhook url", url, kMaxUrl, true));
  std::size_t host = 0;
  if (url.starts_with("https://")) {
    host = 8;
  } else if (url.starts_with("http://")) {
    host = 7;
  } else {
    return InvalidArgumentError("webhook url must start with http:// or https://");
  }
  if (host >= url.size() || url[host] == '/') {
    return InvalidArgumentError("webhook url has no host");
  }
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return InvalidArgumentError("webhook url contains a space or control character");
    }
  }
  return OkStatus();
}

namespace {

// Column lists and readers. Every query that returns these columns selects
// them with the constant below, so the indexes in the readers stay right.
constexpr const char kOrgColumns[] = "SELECT name, created_at, webhook_url FROM organisations ";

Organisation ReadOrganisation(const SqliteStatement& stmt) {
  Organisation org;
  org.name = std::string(stmt.ColumnText(0));
  org.created_at = stmt.ColumnInt64(1);
  org.webhook_url = std::string(stmt.ColumnText(2));
  return org;
}

constexpr const char kKeyColumns[] =
    "SELECT id, org, role, label, created_at, revoked_at, salt, secret_hash FROM api_keys ";

Result<ApiKey> ReadKey(const SqliteStatement& stmt) {
  ApiKey key;
  key.id = std::string(stmt.ColumnText(0));
  key.org = std::string(stmt.ColumnText(1));
  std::optional<Role> role = ParseRole(stmt.ColumnText(2));
  if (!role) return DataLossError("API key " + key.id + " has an unknown role in the database");
  key.role = *role;
  key.label = std::string(stmt.ColumnText(3));
  key.created_at = stmt.ColumnInt64(4);
  key.revoked_at = stmt.ColumnInt64(5);
  return key;
}

constexpr const char kItemColumns[] =
    "SELECT id, org, external_id, request_digest, language, action, policy_version, "
    "verdict_json, evidence_json, created_at, case_id FROM items ";

ItemRecord ReadItem(const SqliteStatement& stmt) {
  ItemRecord item;
  item.id = stmt.ColumnInt64(0);
  item.org = std::string(stmt.ColumnText(1));
  item.external_id = std::string(stmt.ColumnText(2));
  item.request_digest = std::string(stmt.ColumnText(3));
  item.language = std::string(stmt.ColumnText(4));
  item.action = std::string(stmt.ColumnText(5));
  item.policy_version = std::string(stmt.ColumnText(6));
  item.verdict_json = std::string(stmt.ColumnText(7));
  item.evidence_json = std::string(stmt.ColumnText(8));
  item.created_at = stmt.ColumnInt64(9);
  item.case_id = stmt.ColumnInt64(10);
  return item;
}

constexpr const char kCaseColumns[] =
    "SELECT c.id, c.org, c.item_id, c.kind, c.status, c.priority, c.language, c.labels, "
    "c.deadline, c.claimed_by, c.lease_until, coalesce(c.parent_case_id, 0), "
    "c.excluded_reviewer, c.appeal_reason, c.created_at, c.decided_at, "
    "d.id, d.reviewer, d.decision, d.policy, d.reason, d.exemption, d.at "
    "FROM cases c LEFT JOIN decisions d ON d.case_id = c.id ";

Result<Case> ReadCase(const SqliteStatement& stmt) {
  Case c;
  c.id = stmt.ColumnInt64(0);
  c.org = std::string(stmt.ColumnText(1));
  c.item_id = stmt.ColumnInt64(2);
  c.kind = std::string(stmt.ColumnText(3));
  c.status = std::string(stmt.ColumnText(4));
  c.priority = sqlite3_column_double(stmt.get(), 5);
  c.language = std::string(stmt.ColumnText(6));
  std::optional<std::vector<std::string>> labels = DecodeStringList(stmt.ColumnText(7));
  if (!labels) return DataLossError("case " + std::to_string(c.id) + ": malformed labels column");
  c.labels = std::move(*labels);
  c.deadline = stmt.ColumnInt64(8);
  c.claimed_by = std::string(stmt.ColumnText(9));
  c.lease_until = stmt.ColumnInt64(10);
  c.parent_case_id = stmt.ColumnInt64(11);
  c.excluded_reviewer = std::string(stmt.ColumnText(12));
  c.appeal_reason = std::string(stmt.ColumnText(13));
  c.created_at = stmt.ColumnInt64(14);
  c.decided_at = stmt.ColumnInt64(15);
  if (!stmt.ColumnIsNull(16)) {
    Decision d;
    d.id = stmt.ColumnInt64(16);
    d.case_id = c.id;
    d.reviewer = std::string(stmt.ColumnText(17));
    d.decision = std::string(stmt.ColumnText(18));
    d.policy = std::string(stmt.ColumnText(19));
    d.reason = std::string(stmt.ColumnText(20));
    d.exemption = std::string(stmt.ColumnText(21));
    d.at = stmt.ColumnInt64(22);
    c.decision = std::move(d);
  }
  return c;
}

constexpr const char kAuditColumns[] =
    "SELECT seq, at, org, actor, action, subject, details, prev_hash, hash FROM audit_log ";

AuditEntry ReadAudit(const SqliteStatement& stmt) {
  AuditEntry e;
  e.seq = stmt.ColumnInt64(0);
  e.at = stmt.ColumnInt64(1);
  e.org = std::string(stmt.ColumnText(2));
  e.actor = std::string(stmt.ColumnText(3));
  e.action = std::string(stmt.ColumnText(4));
  e.subject = std::string(stmt.ColumnText(5));
  e.details = std::string(stmt.ColumnText(6));
  e.prev_hash = std::string(stmt.ColumnText(7));
  e.hash = std::string(stmt.ColumnText(8));
  return e;
}

constexpr const char kOutboxColumns[] =
    "SELECT id, org, url, event, payload, attempts, next_attempt_at, status, last_error, "
    "created_at FROM webhook_outbox ";

OutboxMessage ReadOutbox(const SqliteStatement& stmt) {
  OutboxMessage m;
  m.id = stmt.ColumnInt64(0);
  m.org = std::string(stmt.ColumnText(1));
  m.url = std::string(stmt.ColumnText(2));
  m.event = std::string(stmt.ColumnText(3));
  m.payload = std::string(stmt.ColumnText(4));
  m.attempts = static_cast<int>(stmt.ColumnInt64(5));
  m.next_attempt_at = stmt.ColumnInt64(6);
  m.status = std::string(stmt.ColumnText(7));
  m.last_error = std::string(stmt.ColumnText(8));
  m.created_at = stmt.ColumnInt64(9);
  return m;
}

class SqliteModerationStore final : public ModerationStore {
 public:
  explicit SqliteModerationStore(SqliteDb db) : db_(std::move(db)) {}

  // Not copyable or movable: owns a connection.
  SqliteModerationStore(const SqliteModerationStore&) = delete;
  SqliteModerationStore& operator=(const SqliteModerationStore&) = delete;

  // --- organisations ---

  Result<Organisation> CreateOrganisation(std::string_view name, std::string_view actor) override {
    MODERATO_RETURN_IF_ERROR(CheckOrgName(name));
    const std::string op = "CreateOrganisation(" + Quoted(name) + ")";
    Organisation org{.name = std::string(name), .created_at = NowUnixSeconds()};
    std::lock_guard lock(mu_);
    WriteTransaction txn(db_);
    MODERATO_RETURN_IF_ERROR(txn.Begin(op));
    {
      MODERATO_ASSIGN_OR_RETURN(
          SqliteStatement stmt,
          Prepare("INSERT INTO organisations (name, created_at) VALUES (?1, ?2) "
                  "ON CONFLICT (name) DO NOTHING"));
      stmt.BindText(1, org.name);
      stmt.BindInt64(2, org.created_at);
      MODERATO_RETURN_IF_ERROR(stmt.Run().WithContext(op));
      if (sqlite3_changes(db_.get()) == 0) {
        return AlreadyExistsError("organisation " + Quoted(name) + " already exists");
      }
    }
    MODERATO_RETURN_IF_ERROR(
        AppendAuditLocked(org.name, actor, "org.create", "org:" + org.name, "{}", org.created_at)
            .status());
    MODERATO_RETURN_IF_ERROR(txn.Commit(op));
    return org;
  }

  Result<Organisation> GetOrganisation(std::string_view name) override {
    std::lock_guard lock(mu_);
    return GetOrganisationLocked(name);
  }

  Result<std::vector<Organisation>> ListOrganisations() override {
    std::lock_guard lock(mu_);
    MODERATO_ASSIGN_OR_RETURN(SqliteStatement stmt,
                              Prepare(std::string(kOrgColumns) + "ORDER BY name"));
    std::vector<Organisation> orgs;
    for (;;) {
      MODERATO_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      orgs.push_back(ReadOrganisation(stmt));
    }
    return orgs;
  }

  Status SetWebhook(std::string_view org, std::string_view url, std::string_view secret,
                    std::string_view actor) override {
    if (!url.empty()) {
      MODERATO_RETURN_IF_ERROR(ValidateWebhookUrl(url));
      MODERATO_RETURN_IF_ERROR(CheckText("webhook secret", secret, 1024, true));
    }
    const std::string op = "SetWebhook(" + Quoted(org) + ")";
    const std::int64_t now = NowUnixSeconds();
    std::lock_guard lock(mu_);
    WriteTransaction txn(db_);
    MODERATO_RETURN_IF_ERROR(txn.Begin(op));
    {
      MODERATO_ASSIGN_OR_RETURN(
          SqliteStatement stmt,
          Prepare(
              "UPDATE organisations SET webhook_url = ?2, webhook_secret = ?3 WHERE name = ?1"));
      stmt.BindText(1, org);
      stmt.BindText(2, url);
      stmt.BindText(3, url.empty() ? std::string_view() : secret);
      MODERATO_RETURN_IF_ERROR(stmt.Run().WithContext(op));
      if (sqlite3_changes(db_.get()) == 0) return NoOrganisation(org);
    }
    // The secret is never audited: the entry says only that it changed.
    Json details = {{"url", std::string(url)}};
    MODERATO_RETURN_IF_ERROR(
        AppendAuditLocked(org, actor, "org.webhook", "org:" + std::string(org), Dump(details), now)
            .status());
    return txn.Commit(op);
  }

  Result<std::string> GetWebhookSecret(std::string_view org) override {
    std::lock_guard lock(mu_);
    MODERATO_ASSIGN_OR_RETURN(SqliteStatement stmt,
                              Prepare("SELECT webhook_secret FROM organisations WHERE name = ?1"));
    stmt.BindText(1, org);
    MODERATO_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return NoOrganisation(org);
    return std::string(stmt.ColumnText(0));
  }

  // --- API keys ---

  Result<NewApiKey> CreateApiKey(std::string_view org, Role role, std::string_view label,
                                 std::string_view actor) override {
    MODERATO_RETURN_IF_ERROR(CheckText("key label", label, kMaxShortField, false));
    std::array<unsigned char, 8> id_bytes;
    std::array<unsigned char, 32> secret_bytes;
    std::array<unsigned char, 16> salt_bytes;
    MODERATO_RETURN_IF_ERROR(RandomBytes(id_bytes));
    MODERATO_RETURN_IF_ERROR(RandomBytes(secret_bytes));
    MODERATO_RETURN_IF_ERROR(RandomBytes(salt_bytes));
    NewApiKey created;
    created.key.id = Hex(id_bytes.data(), id_bytes.size());
    created.key.org = std::string(org);
    created.key.role = role;
    created.key.label = std::string(label);
    created.key.created_at = NowUnixSeconds();
    const std::string secret = Base64Url(secret_bytes.data(), secret_bytes.size());
    created.token = std::string(kTokenPrefix) + created.key.id + "_" + secret;
    const std::string salt(reinterpret_cast<const char*>(salt_bytes.data()), salt_bytes.size());
    const std::string salt_hex = Hex(salt_bytes.data(), salt_bytes.size());
    const std::string secret_hash = Sha256HexOf({salt, secret});
    OPENSSL_cleanse(secret_bytes.data(), secret_bytes.size());

    const std::string op = "CreateApiKey(" + Quoted(org) + ")";
    std::lock_guard lock(mu_);
    WriteTransaction txn(db_);
    MODERATO_RETURN_IF_ERROR(txn.Begin(op));
    MODERATO_RETURN_IF_ERROR(GetOrganisationLocked(org).status());
    {
      // 64 random bits: a collision is astronomically unlikely; if one
      // happens, the primary key refuses it and the caller retries.
      MODERATO_ASSIGN_OR_RETURN(
          SqliteStatement stmt,
          Prepare("INSERT INTO api_keys (id, org, role, label, salt, secret_hash, created_at) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
      stmt.BindText(1, created.key.id);
      stmt.BindText(2, created.key.org);
      stmt.BindText(3, RoleName(role));
      stmt.BindText(4, created.key.label);
      stmt.BindText(5, salt_hex);
      stmt.BindText(6, secret_hash);
      stmt.BindInt64(7, created.key.created_at);
      MODERATO_RETURN_IF_ERROR(stmt.Run().WithContext(op));
    }
    Json details = {{"role", std::string(RoleName(role))}, {"label", created.key.label}};
    MODERATO_RETURN_IF_ERROR(AppendAuditLocked(org, actor, "key.create", "key:" + created.key.id,
                                               Dump(details), created.key.created_at)
                                 .status());
    MODERATO_RETURN_IF_ERROR(txn.Commit(op));
    return created;
  }

  Status RevokeApiKey(std::string_view key_id, std::string_view actor) override {
    const std::string op = "RevokeApiKey(" + Quoted(key_id.substr(0, 64)) + ")";
    const std::int64_t now = NowUnixSeconds();
    std::lock_guard lock(mu_);
    WriteTransaction txn(db_);
    MODERATO_RETURN_IF_ERROR(txn.Begin(op));
    std::string org;
    {
      MODERATO_ASSIGN_OR_RETURN(SqliteStatement stmt,
                                Prepare("SELECT org, revoked_at FROM api_keys WHERE id = ?1"));
      stmt.BindText(1, key_id);
      MODERATO_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) return NotFoundError("no API key with id " + Quoted(key_id.substr(0, 64)));
      if (stmt.ColumnInt64(1) != 0) return OkStatus();  // already revoked; rolls back a read
      org = std::string(stmt.ColumnText(0));
    }
    {
      MODERATO_ASSIGN_OR_RETURN(SqliteStatement stmt,
                                Prepare("UPDATE api_keys SET revoked_at = ?2 WHERE id = ?1"));
      stmt.BindText(1, key_id);
      // 0 means "active": a clock at the epoch must still revoke.
      stmt.BindInt64(2, now > 0 ? now : 1);
      MODERATO_RETURN_IF_ERROR(stmt.Run().WithContext(op));
    }
    MODERATO_RETURN_IF_ERROR(
        AppendAuditLocked(org, actor, "key.revoke", "key:" + std::string(key_id), "{}", now)
            .status());
    return txn.Commit(op);
  }

  Result<std::vector<ApiKey>> ListApiKeys(std::string_view org) override {
    std::lock_guard lock(mu_);
    MODERATO_RETURN_IF_ERROR(GetOrganisationLocked(org).status());
    MODERATO_ASSIGN_OR_RETURN(
        SqliteStatement stmt,
        Prepare(std::string(kKeyColumns) + "WHERE org = ?1 ORDER BY created_at, id"));
    stmt.BindText(1, org);
    std::vector<ApiKey> keys;
    for (;;) {
      MODERATO_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      MODERATO_ASSIGN_OR_RETURN(ApiKey key, ReadKey(stmt));
      keys.push_back(std::move(key));
    }
    return keys;
  }

  Result<ApiKey> Authenticate(std::string_view token) override {
    // Fixed-length parse, then a lookup by the public id; every failure
    // returns the same status so a caller learns nothing about which part
    // was wrong.
    const bool well_formed = token.size() == kTokenSize && token.starts_with(kTokenPrefix) &&
                             token[4 + kKeyIdHexDigits] == '_' &&
                             IsLowerHex(token.substr(4, kKeyIdHexDigits)) &&
                             IsBase64Url(token.substr(5 + kKeyIdHexDigits));
    if (!well_formed) return UnauthenticatedError(kAuthFailure);
    const std::string_view id = token.substr(4, kKeyIdHexDigits);
    const std::string_view secret = token.substr(5 + kKeyIdHexDigits);
    std::lock_guard lock(mu_);
    MODERATO_ASSIGN_OR_RETURN(SqliteStatement stmt,
                              Prepare(std::string(kKeyColumns) + "WHERE id = ?1"));
    stmt.BindText(1, id);
    MODERATO_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) {
      // Same work as for a known id, so timing does not reveal which ids exist.
      std::string dummy = Sha256HexOf({std::string(16, '\0'), secret});
      CRYPTO_memcmp(dummy.data(), kAuditGenesisHash.data(), dummy.size());
      return UnauthenticatedError(kAuthFailure);
    }
    std::optional<std::string> salt = Unhex(stmt.ColumnText(6));
    const std::string stored(stmt.ColumnText(7));
    if (!salt || stored.size() != 64) {
      return DataLossError("API key " + std::string(id) + " has a malformed hash in the database");
    }
    const std::string computed = Sha256HexOf({*salt, secret});
    const bool match = CRYPTO_memcmp(computed.data(), stored.data(), computed.size()) == 0;
    MODERATO_ASSIGN_OR_RETURN(ApiKey key, ReadKey(stmt));
    if (!match || key.revoked_at != 0) return UnauthenticatedError(kAuthFailure);
    return key;
  }

  // --- items and cases ---

  Result<SubmitResult> SubmitItem(const ItemSubmission& s) override {
    MODERATO_RETURN_IF_ERROR(CheckOrgName(s.org));
    MODERATO_RETURN_IF_ERROR(CheckText("external_id", s.external_id, kMaxExternalId, true));
    MODERATO_RETURN_IF_ERROR(CheckText("action", s.action, kMaxShortField, true));
    MODERATO_RETURN_IF_ERROR(CheckText("language", s.language, kMaxShortField, false));
    MODERATO_RETURN_IF_ERROR(CheckText("policy_version", s.policy_version, kMaxShortField, false));
    MODERATO_RETURN_IF_ERROR(CheckText("request_digest", s.request_digest, kMaxShortField, false));
    if (s.open_case) {
      if (!std::isfinite(s.priority) || s.priority < 0) {
        return InvalidArgumentError("priority must be a finite number >= 0");
      }
      if (s.deadline < 0) return InvalidArgumentError("deadline must not be negative");
      if (s.labels.size() > kMaxLabels) {
        return InvalidArgumentError("more than " + std::to_string(kMaxLabels) + " labels");
      }
      for (const std::string& label : s.labels) {
        MODERATO_RETURN_IF_ERROR(CheckText("label", label, kMaxShortField, true));
      }
    }
    const std::string op = "SubmitItem(" + Quoted(s.org) + ", " +
                           Quoted(std::string_view(s.external_id).substr(0, 64)) + ")";
    std::lock_guard lock(mu_);
    WriteTransaction txn(db_);
    MODERATO_RETURN_IF_ERROR(txn.Begin(op));
    MODERATO_RETURN_IF_ERROR(GetOrganisationLocked(s.org).status());
    {
      Result<ItemRecord> existing = GetItemByExternalIdLocked(s.org, s.external_id);
      if (existing.ok()) return SubmitResult{std::move(*existing), /*replayed=*/true};
      if (existing.status().code() != StatusCode::kNotFound) return existing.status();
    }
    ItemRecord item;
    item.org = s.org;
    item.external_id = s.external_id;
    item.request_digest = s.request_digest;
    item.language = s.language;
    item.action = s.action;
    item.policy_version = s.policy_version;
    item.verdict_json = s.verdict_json.empty() ? "{}" : s.verdict_json;
    item.evidence_json = s.evidence_json.empty() ? "{}" : s.evidence_json;
    item.created_at = s.now;
    {
      MODERATO_ASSIGN_OR_RETURN(
          SqliteStatement stmt,
          Prepare("INSERT INTO items (org, external_id, request_digest, language, action, "
                  "policy_version, verdict_json, evidence_json, created_at) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
      stmt.BindText(1, item.org);
      stmt.BindText(2, item.external_id);
      stmt.BindText(3, item.request_digest);
      stmt.BindText(4, item.language);
      stmt.BindText(5, item.action);
      stmt.BindText(6, item.policy_version);
      stmt.BindText(7, item.verdict_json);
      stmt.BindText(8, item.evidence_json);
      stmt.BindInt64(9, item.created_at);
      MODERATO_RETURN_IF_ERROR(stmt.Run().WithContext(op));
      item.id = sqlite3_last_insert_rowid(db_.get());
    }
    if (s.open_case) {
      Case c;
      c.org = s.org;
      c.item_id = item.id;
      c.priority = s.priority;
      c.language = s.language;
      c.labels = s.labels;
      c.deadline = s.deadline;
      c.created_at = s.now;
      MODERATO_ASSIGN_OR_RETURN(item.case_id, InsertCaseLocked(c));
      MODERATO_ASSIGN_OR_RETURN(SqliteStatement stmt,
                                Prepare("UPDATE items SET case_id = ?2 WHERE id = ?1"));
      stmt.BindInt64(1, item.id);
      stmt.BindInt64(2, item.case_id);
      MODERATO_RETURN_IF_ERROR(stmt.Run().WithContext(op));
    }
    if (item.action != "allow") {
      Json details = {{"external_id", item.external_id},
                      {"action", item.action},
                      {"policy_version", item.policy_version}};
      MODERATO_RETURN_IF_ERROR(AppendAuditLocked(s.org, s.actor, "item.verdict",
                                                 "item:" + std::to_string(item.id), Dump(details),
                                                 s.now)
                                   .status());
    }
    MODERATO_RETURN_IF_ERROR(txn.Commit(op));
    return SubmitResult{std::move(item), /*replayed=*/false};
  }

  Result<ItemRecord> GetItem(std::string_view org, std::int64_t id) override {
    std::lock_guard lock(mu_);
    MODERATO_ASSIGN_OR_RETURN(SqliteStatement stmt,
                              Prepare(std::string(kItemColumns) + "WHERE org = ?1 AND id = ?2"));
    stmt.BindText(1, org);
    stmt.BindInt64(2, id);
    MODERATO_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return NotFoundError("no item " + std::to_string(id));
    return ReadItem(stmt);
  }

  Result<ItemRecord> GetItemByExternalId(std::string_view org,
                                         std::string_view external_id) override {
    std::lock_guard lock(mu_);
    return GetItemByExternalIdLocked(org, external_id);
  }

  Result<std::vector<Case>> ListCases(std::string_view org, const CaseFilter& filter) override {
    if (filter.status != "" && filter.status != "open" && filter.status != "claimed" &&
        filter.status != "decided") {
      return InvalidArgumentError("status must be open, claimed or decided");
    }
    if (filter.kind != "" && filter.kind != "review" && filter.kind != "appeal") {
      return InvalidArgumentError("kind must be review or appeal");
    }
    if (filter.limit < 1 || filter.limit > kMaxCaseLimit) {
      return InvalidArgumentError("limit must be 1.." + std::to_string(kMaxCaseLimit));
    }
    if (!std::isfinite(filter.min_priority)) {
      return InvalidArgumentError("min_priority must be a finite number");
    }
    if (filter.after_id < 0) return InvalidArgumentError("after_id must not be negative");
    std::string sql = std::string(kCaseColumns) +
                      "WHERE c.org = ?1 AND c.id > ?2 AND c.priority >= ?3 "
                      "AND (?4 = '' OR c.language = ?4) AND (?5 = '' OR c.kind = ?5) "
                      "AND (?6 = '' OR EXISTS (SELECT 1 FROM json_each(c.labels) l "
                      "WHERE l.value = ?6)) ";
    bool queue_order = false;
    if (filter.status == "open") {
      sql += "AND c.status = 'open' ";
      queue_order = true;
    } else if (filter.status == "claimed") {
      sql += "AND c.status = 'open' AND c.claimed_by != '' AND c.lease_until > ?8 ";
      queue_order = true;
    } else if (filter.status == "decided") {
      sql += "AND c.status = 'decided' ";
    }
    sql += queue_order ? "ORDER BY c.priority DESC, c.id LIMIT ?7" : "ORDER BY c.id LIMIT ?7";
    std::lock_guard lock(mu_);
    MODERATO_ASSIGN_OR_RETURN(SqliteStatement stmt, Prepare(sql));
    stmt.BindText(1, org);
    stmt.BindInt64(2, filter.after_id);
    sqlite3_bind_double(stmt.get(), 3, filter.min_priority);
    stmt.BindText(4, filter.language);
    stmt.BindText(5, filter.kind);
    stmt.BindText(6, filter.label);
    stmt.BindInt64(7, filter.limit);
    if (filter.status == "claimed") stmt.BindInt64(8, filter.now);
    std::vector<Case> cases;
    for (;;) {
      MODERATO_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      MODERATO_ASSIGN_OR_RETURN(Case c, ReadCase(stmt));
      cases.push_back(std::move(c));
    }
    return cases;
  }

  Result<Case> GetCase(std::string_view org, std::int64_t id) override {
    std::lock_guard lock(mu_);
    return GetCaseLocked(org, id);
  }

  Result<Case> ClaimCase(std::string_view org, std::int64_t id, std::string_view reviewer,
                         std::int64_t lease_seconds, std::int64_t now) override {
    MODERATO_RETURN_IF_ERROR(CheckText("reviewer", reviewer, kMaxShortField, true));
    if (lease_seconds < 1 || lease_seconds > kMaxLeaseSeconds) {
      return InvalidArgumentError("lease_seconds must be 1.." + std::to_string(kMaxLeaseSeconds));
    }
    const std::string op = "ClaimCase(" + std::to_string(id) + ")";
    std::lock_guard lock(mu_);
    WriteTransaction txn(db_);
    MODERATO_RETURN_IF_ERROR(txn.Begin(op));
    MODERATO_ASSIGN_OR_RETURN(Case c, GetCaseLocked(org, id));
    if (c.status != "open") {
      return FailedPreconditionError("case " + std::to_string(id) + " is already decided");
    }
    if (!c.excluded_reviewer.empty() && c.excluded_reviewer == reviewer) {
      return PermissionDeniedError("case " + std::to_string(id) +
                                   " is an appeal of your own decision; another reviewer must "
                                   "decide it");
    }
    if (!c.claimed_by.empty() && c.claimed_by != reviewer && now < c.lease_until) {
      return FailedPreconditionError("case " + std::to_string(id) + " is claimed by " +
                                     c.claimed_by + " until " + std::to_string(c.lease_until));
    }
    c.claimed_by = std::string(reviewer);
    c.lease_until = now + lease_seconds;
    {
      MODERATO_ASSIGN_OR_RETURN(
          SqliteStatement stmt,
          Prepare("UPDATE cases SET claimed_by = ?3, lease_until = ?4 WHERE org = ?1 AND id = ?2"));
      stmt.BindText(1, org);
      stmt.BindInt64(2, id);
      stmt.BindText(3, c.claimed_by);
      stmt.BindInt64(4, c.lease_until);
      MODERATO_RETURN_IF_ERROR(stmt.Run().WithContext(op));
    }
    MODERATO_RETURN_IF_ERROR(txn.Commit(op));
    return c;
  }

  Result<Decision> DecideCase(std::string_view org, std::int64_t id, std::string_view reviewer,
                              const DecisionInput& input, std::int64_t now) override {
    MODERATO_RETURN_IF_ERROR(CheckText("reason", input.reason, kMaxText, true));
    MODERATO_RETURN_IF_ERROR(CheckText("policy", input.policy, kMaxShortField, false));
    if (!input.exemption.empty() && !IsKnownExemption(input.exemption)) {
      return InvalidArgumentError("unknown exemption " + Quoted(input.exemption.substr(0, 64)) +
                                  " (journalism, research, education, counter_narrative)");
    }
    const std::string op = "DecideCase(" + std::to_string(id) + ")";
    std::lock_guard lock(mu_);
    WriteTransaction txn(db_);
    MODERATO_RETURN_IF_ERROR(txn.Begin(op));
    MODERATO_ASSIGN_OR_RETURN(Case c, GetCaseLocked(org, id));
    const bool appeal = c.kind == "appeal";
    const bool valid_word = appeal ? (input.decision == "uphold" || input.decision == "overturn")
                                   : (input.decision == "allow" || input.decision == "remove" ||
                                      input.decision == "restrict" || input.decision == "escalate");
    if (!valid_word) {
      return InvalidArgumentError("decision " + Quoted(input.decision.substr(0, 64)) +
                                  " is not valid for " +
                                  (appeal ? "an appeal (uphold, overturn)"
                                          : "a review (allow, remove, restrict, escalate)"));
    }
    if (!input.exemption.empty() && input.decision != "allow" && input.decision != "overturn") {
      return InvalidArgumentError("an exemption goes only with allow or overturn");
    }
    if (c.status != "open") {
      return FailedPreconditionError("case " + std::to_string(id) + " is already decided");
    }
    if (!c.excluded_reviewer.empty() && c.excluded_reviewer == reviewer) {
      return PermissionDeniedError("case " + std::to_string(id) +
                                   " is an appeal of your own decision");
    }
    if (c.claimed_by != reviewer || now >= c.lease_until) {
      return FailedPreconditionError("claim case " + std::to_string(id) +
                                     " before deciding it (no live lease held by " +
                                     std::string(reviewer) + ")");
    }
    Decision d;
    d.case_id = id;
    d.reviewer = std::string(reviewer);
    d.decision = input.decision;
    d.policy = input.policy;
    d.reason = input.reason;
    d.exemption = input.exemption;
    d.at = now;
    {
      MODERATO_ASSIGN_OR_RETURN(
          SqliteStatement stmt,
          Prepare("INSERT INTO decisions (case_id, org, reviewer, decision, policy, reason, "
                  "exemption, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
      stmt.BindInt64(1, id);
      stmt.BindText(2, org);
      stmt.BindText(3, d.reviewer);
      stmt.BindText(4, d.decision);
      stmt.BindText(5, d.policy);
      stmt.BindText(6, d.reason);
      stmt.BindText(7, d.exemption);
      stmt.BindInt64(8, d.at);
      MODERATO_RETURN_IF_ERROR(stmt.Run().WithContext(op));
      d.id = sqlite3_last_insert_rowid(db_.get());
    }
    {
      MODERATO_ASSIGN_OR_RETURN(
          SqliteStatement stmt,
          Prepare(
              "UPDATE cases SET status = 'decided', decided_at = ?3 WHERE org = ?1 AND id = ?2"));
      stmt.BindText(1, org);
      stmt.BindInt64(2, id);
      stmt.BindInt64(3, now);
      MODERATO_RETURN_IF_ERROR(stmt.Run().WithContext(op));
    }
    Json details = {{"decision", d.decision},
                    {"policy", d.policy},
                    {"reason", d.reason},
                    {"exemption", d.exemption}};
    MODERATO_ASSIGN_OR_RETURN(
        AuditEntry audit, AppendAuditLocked(org, reviewer, appeal ? "appeal.decide" : "case.decide",
                                            "case:" + std::to_string(id), Dump(details), now));
    MODERATO_ASSIGN_OR_RETURN(Organisation organisation, GetOrganisationLocked(org));
    if (!organisation.webhook_url.empty()) {
      std::string external_id;
      {
        MODERATO_ASSIGN_OR_RETURN(SqliteStatement stmt,
                                  Prepare("SELECT external_id FROM items WHERE id = ?1"));
        stmt.BindInt64(1, c.item_id);
        MODERATO_ASSIGN_OR_RETURN(bool row, stmt.Step());
        if (row) external_id = std::string(stmt.ColumnText(0));
      }
      const std::string event = appeal ? "appeal.decided" : "case.decided";
      Json payload = {
          {"event", event},         {"org", std::string(org)},    {"case_id", id},
          {"item_id", c.item_id},   {"external_id", external_id}, {"decision", d.decision},
          {"policy", d.policy},     {"reason", d.reason},         {"exemption", d.exemption},
          {"reviewer", d.reviewer}, {"decided_at", d.at},         {"audit_seq", audit.seq}};
      if (appeal) payload["parent_case_id"] = c.parent_case_id;
      MODERATO_ASSIGN_OR_RETURN(
          SqliteStatement stmt,
          Prepare("INSERT INTO webhook_outbox (org, url, event, payload, next_attempt_at, "
                  "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)"));
      const std::string body = Dump(payload);
      stmt.BindText(1, org);
      stmt.BindText(2, organisation.webhook_url);
      stmt.BindText(3, event);
      stmt.BindText(4, body);
      stmt.BindInt64(5, now);
      MODERATO_RETURN_IF_ERROR(stmt.Run().WithContext(op));
    }
    MODERATO_RETURN_IF_ERROR(txn.Commit(op));
    return d;
  }

  Result<Case> AppealCase(std::string_view org, std::int64_t case_id, std::string_view appellant,
                          std::string_view reason, std::int64_t now) override {
    MODERATO_RETURN_IF_ERROR(CheckText("appellant", appellant, kMaxShortField, true));
    MODERATO_RETURN_IF_ERROR(CheckText("appeal reason", reason, kMaxText, true));
    const std::string op = "AppealCase(" + std::to_string(case_id) + ")";
    std::lock_guard lock(mu_);
    WriteTransaction txn(db_);
    MODERATO_RETURN_IF_ERROR(txn.Begin(op));
    MODERATO_ASSIGN_OR_RETURN(Case parent, GetCaseLocked(org, case_id));
    if (parent.kind != "review" || parent.status != "decided" || !parent.decision) {
      return FailedPreconditionError("only a decided review case can be appealed");
    }
    {
      MODERATO_ASSIGN_OR_RETURN(SqliteStatement stmt,
                                Prepare("SELECT id FROM cases WHERE parent_case_id = ?1"));
      stmt.BindInt64(1, case_id);
      MODERATO_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (row) {
        return AlreadyExistsError("case " + std::to_string(case_id) +
                                  " was already appealed (case " +
                                  std::to_string(stmt.ColumnInt64(0)) + ")");
      }
    }
    Case c;
    c.org = std::string(org);
    c.item_id = parent.item_id;
    c.kind = "appeal";
    c.priority = parent.priority;
    c.language = parent.language;
    c.labels = parent.labels;
    c.deadline = 0;
    c.parent_case_id = case_id;
    c.excluded_reviewer = parent.decision->reviewer;
    c.appeal_reason = std::string(reason);
    c.created_at = now;
    MODERATO_ASSIGN_OR_RETURN(c.id, InsertCaseLocked(c));
    Json details = {{"parent_case_id", case_id}, {"reason", c.appeal_reason}};
    MODERATO_RETURN_IF_ERROR(AppendAuditLocked(org, appellant, "appeal.open",
                                               "case:" + std::to_string(c.id), Dump(details), now)
                                 .status());
    MODERATO_RETURN_IF_ERROR(txn.Commit(op));
    return c;
  }

  Result<std::int64_t> CountOpenCases() override {
    std::lock_guard lock(mu_);
    return db_.QueryInt64("SELECT count(*) FROM cases WHERE status = 'open'", "CountOpenCases");
  }

  // --- audit ---

  Result<AuditEntry> AppendAudit(std::string_view org, std::string_view actor,
                                 std::string_view action, std::string_view subject,
                                 std::string_view details_json, std::int64_t now) override {
    MODERATO_RETURN_IF_ERROR(CheckText("actor", actor, kMaxShortField, true));
    MODERATO_RETURN_IF_ERROR(CheckText("action", action, kMaxShortField, true));
    MODERATO_RETURN_IF_ERROR(CheckText("subject", subject, kMaxText, false));
    std::string details = "{}";
    if (!details_json.empty()) {
      Json parsed = Json::parse(details_json, nullptr, /*allow_exceptions=*/false);
      if (parsed.is_discarded() || !parsed.is_object()) {
        return InvalidArgumentError("audit details must be a JSON object");
      }
      details = Dump(parsed);
    }
    const std::string op = "AppendAudit(" + Quoted(action) + ")";
    std::lock_guard lock(mu_);
    WriteTransaction txn(db_);
    MODERATO_RETURN_IF_ERROR(txn.Begin(op));
    MODERATO_ASSIGN_OR_RETURN(AuditEntry entry,
                              AppendAuditLocked(org, actor, action, subject, details, now));
    MODERATO_RETURN_IF_ERROR(txn.Commit(op));
    return entry;
  }

  Result<std::vector<AuditEntry>> ListAudit(std::string_view org, std::int64_t after_seq,
                                            int limit) override {
    if (limit < 1 || limit > kMaxListLimit) {
      return InvalidArgumentError("limit must be 1.." + std::to_string(kMaxListLimit));
    }
    std::lock_guard lock(mu_);
    MODERATO_ASSIGN_OR_RETURN(
        SqliteStatement stmt,
        Prepare(std::string(kAuditColumns) +
                (org.empty() ? "WHERE seq > ?2 ORDER BY seq LIMIT ?3"
                             : "WHERE org = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3")));
    if (!org.empty()) stmt.BindText(1, org);
    stmt.BindInt64(2, after_seq);
    stmt.BindInt64(3, limit);
    std::vector<AuditEntry> entries;
    for (;;) {
      MODERATO_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      entries.push_back(ReadAudit(stmt));
    }
    return entries;
  }

  Result<AuditVerification> VerifyAudit() override {
    // Pages of kVerifyPageRows entries, each read under mu_, so memory stays
    // bounded and appenders are not blocked for the whole walk. Entries
    // appended meanwhile are simply verified too.
    AuditVerification v;
    std::string running(kAuditGenesisHash);
    std::int64_t expected = 1;
    for (;;) {
      std::vector<AuditEntry> page;
      {
        std::lock_guard lock(mu_);
        MODERATO_ASSIGN_OR_RETURN(
            SqliteStatement stmt,
            Prepare(std::string(kAuditColumns) + "WHERE seq >= ?1 ORDER BY seq LIMIT ?2"));
        stmt.BindInt64(1, expected);
        stmt.BindInt64(2, kVerifyPageRows);
        for (;;) {
          MODERATO_ASSIGN_OR_RETURN(bool row, stmt.Step());
          if (!row) break;
          page.push_back(ReadAudit(stmt));
        }
      }
      for (const AuditEntry& e : page) {
        std::string problem;
        if (e.seq != expected) {
          problem = "entry " + std::to_string(expected) + " is missing (the next stored entry is " +
                    std::to_string(e.seq) + ")";
        } else if (e.prev_hash != running) {
          problem = "entry " + std::to_string(e.seq) +
                    ": prev_hash does not match the hash of the entry before it (an entry was "
                    "removed, reordered or rewritten)";
        } else if (AuditEntryHash(running, e) != e.hash) {
          problem = "entry " + std::to_string(e.seq) +
                    ": hash mismatch (the entry was changed after it was written)";
        }
        if (!problem.empty()) {
          v.ok = false;
          v.first_bad_seq = expected;
          v.problem = std::move(problem);
          return v;
        }
        running = e.hash;
        v.head_hash = e.hash;
        ++v.entries;
        ++expected;
      }
      if (static_cast<std::int64_t>(page.size()) < kVerifyPageRows) return v;
    }
  }

  // --- webhook outbox ---

  Result<std::vector<OutboxMessage>> DueOutbox(std::int64_t now, int limit) override {
    if (limit < 1 || limit > kMaxListLimit) {
      return InvalidArgumentError("limit must be 1.." + std::to_string(kMaxListLimit));
    }
    std::lock_guard lock(mu_);
    MODERATO_ASSIGN_OR_RETURN(
        SqliteStatement stmt,
        Prepare(std::string(kOutboxColumns) +
                "WHERE status = 'pending' AND next_attempt_at <= ?1 ORDER BY id LIMIT ?2"));
    stmt.BindInt64(1, now);
    stmt.BindInt64(2, limit);
    return ReadOutboxRows(stmt);
  }

  Status MarkDelivered(std::int64_t id, std::int64_t now) override {
    const std::string op = "MarkDelivered(" + std::to_string(id) + ")";
    std::lock_guard lock(mu_);
    MODERATO_ASSIGN_OR_RETURN(
        SqliteStatement stmt,
        Prepare("UPDATE webhook_outbox SET status = 'delivered', attempts = attempts + 1, "
                "delivered_at = ?2, last_error = '' WHERE id = ?1 AND status = 'pending'"));
    stmt.BindInt64(1, id);
    stmt.BindInt64(2, now);
    MODERATO_RETURN_IF_ERROR(stmt.Run().WithContext(op));
    if (sqlite3_changes(db_.get()) == 0) return NotPending(id);
    return OkStatus();
  }

  Status MarkAttemptFailed(std::int64_t id, std::string_view error, std::int64_t next_attempt_at,
                           bool give_up) override {
    const std::string op = "MarkAttemptFailed(" + std::to_string(id) + ")";
    std::lock_guard lock(mu_);
    MODERATO_ASSIGN_OR_RETURN(
        SqliteStatement stmt,
        Prepare("UPDATE webhook_outbox SET attempts = attempts + 1, last_error = ?2, "
                "next_attempt_at = ?3, status = CASE WHEN ?4 THEN 'failed' ELSE 'pending' END "
                "WHERE id = ?1 AND status = 'pending'"));
    stmt.BindInt64(1, id);
    stmt.BindText(2, error.substr(0, kMaxError));
    stmt.BindInt64(3, next_attempt_at);
    stmt.BindInt64(4, give_up ? 1 : 0);
    MODERATO_RETURN_IF_ERROR(stmt.Run().WithContext(op));
    if (sqlite3_changes(db_.get()) == 0) return NotPending(id);
    return OkStatus();
  }

  Result<std::int64_t> CountPendingOutbox() override {
    std::lock_guard lock(mu_);
    return db_.QueryInt64("SELECT count(*) FROM webhook_outbox WHERE status = 'pending'",
                          "CountPendingOutbox");
  }

  Result<std::vector<OutboxMessage>> ListOutbox(std::string_view org, int limit) override {
    if (limit < 1 || limit > kMaxListLimit) {
      return InvalidArgumentError("limit must be 1.." + std::to_string(kMaxListLimit));
    }
    std::lock_guard lock(mu_);
    MODERATO_ASSIGN_OR_RETURN(SqliteStatement stmt,
                              Prepare(std::string(kOutboxColumns) +
                                      "WHERE (?1 = '' OR org = ?1) ORDER BY id DESC LIMIT ?2"));
    stmt.BindText(1, org);
    stmt.BindInt64(2, limit);
    return ReadOutboxRows(stmt);
  }

 private:
  // The helpers below expect mu_ to be held.
  Result<SqliteStatement> Prepare(std::string_view sql) {
    return SqliteStatement::Prepare(db_.get(), sql);
  }

  static Status NoOrganisation(std::string_view org) {
    return NotFoundError("no organisation " + Quoted(org.substr(0, 64)));
  }

  Status NotPending(std::int64_t id) {
    Result<SqliteStatement> stmt = Prepare("SELECT status FROM webhook_outbox WHERE id = ?1");
    if (!stmt.ok()) return stmt.status();
    stmt->BindInt64(1, id);
    MODERATO_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) return NotFoundError("no outbox message " + std::to_string(id));
    return FailedPreconditionError("outbox message " + std::to_string(id) + " is " +
                                   std::string(stmt->ColumnText(0)) + ", not pending");
  }

  Result<std::vector<OutboxMessage>> ReadOutboxRows(SqliteStatement& stmt) {
    std::vector<OutboxMessage> messages;
    for (;;) {
      MODERATO_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      messages.push_back(ReadOutbox(stmt));
    }
    return messages;
  }

  Result<Organisation> GetOrganisationLocked(std::string_view name) {
    MODERATO_ASSIGN_OR_RETURN(SqliteStatement stmt,
                              Prepare(std::string(kOrgColumns) + "WHERE name = ?1"));
    stmt.BindText(1, name);
    MODERATO_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return NoOrganisation(name);
    return ReadOrganisation(stmt);
  }

  Result<ItemRecord> GetItemByExternalIdLocked(std::string_view org, std::string_view external_id) {
    MODERATO_ASSIGN_OR_RETURN(SqliteStatement stmt, Prepare(std::string(kItemColumns) +
                                                            "WHERE org = ?1 AND external_id = ?2"));
    stmt.BindText(1, org);
    stmt.BindText(2, external_id);
    MODERATO_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return NotFoundError("no item with external id " + Quoted(external_id.substr(0, 64)));
    return ReadItem(stmt);
  }

  // Another organisation's case is kNotFound with the same message as a
  // case that does not exist.
  Result<Case> GetCaseLocked(std::string_view org, std::int64_t id) {
    MODERATO_ASSIGN_OR_RETURN(SqliteStatement stmt, Prepare(std::string(kCaseColumns) +
                                                            "WHERE c.org = ?1 AND c.id = ?2"));
    stmt.BindText(1, org);
    stmt.BindInt64(2, id);
    MODERATO_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return NotFoundError("no case " + std::to_string(id));
    return ReadCase(stmt);
  }

  // Inserts `c` as an open case; returns its id.
  Result<std::int64_t> InsertCaseLocked(const Case& c) {
    MODERATO_ASSIGN_OR_RETURN(
        SqliteStatement stmt,
        Prepare("INSERT INTO cases (org, item_id, kind, status, priority, language, labels, "
                "deadline, parent_case_id, excluded_reviewer, appeal_reason, created_at) "
                "VALUES (?1, ?2, ?3, 'open', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"));
    const std::string labels = EncodeStringList(c.labels);
    stmt.BindText(1, c.org);
    stmt.BindInt64(2, c.item_id);
    stmt.BindText(3, c.kind);
    sqlite3_bind_double(stmt.get(), 4, c.priority);
    stmt.BindText(5, c.language);
    stmt.BindText(6, labels);
    stmt.BindInt64(7, c.deadline);
    if (c.parent_case_id != 0) {
      stmt.BindInt64(8, c.parent_case_id);
    } else {
      stmt.BindNull(8);
    }
    stmt.BindText(9, c.excluded_reviewer);
    stmt.BindText(10, c.appeal_reason);
    stmt.BindInt64(11, c.created_at);
    MODERATO_RETURN_IF_ERROR(stmt.Run().WithContext("inserting a case"));
    return sqlite3_last_insert_rowid(db_.get());
  }

  // Appends one entry inside the caller's write transaction: the write lock
  // it holds makes reading the head and inserting after it atomic.
  Result<AuditEntry> AppendAuditLocked(std::string_view org, std::string_view actor,
                                       std::string_view action, std::string_view subject,
                                       std::string_view details, std::int64_t now) {
    AuditEntry e;
    e.prev_hash = std::string(kAuditGenesisHash);
    {
      MODERATO_ASSIGN_OR_RETURN(
          SqliteStatement stmt,
          Prepare("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"));
      MODERATO_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (row) {
        e.seq = stmt.ColumnInt64(0);
        e.prev_hash = std::string(stmt.ColumnText(1));
      }
    }
    ++e.seq;
    e.at = now;
    e.org = std::string(org);
    e.actor = actor.empty() ? std::string("system") : std::string(actor);
    e.action = std::string(action);
    e.subject = std::string(subject);
    e.details = details.empty() ? std::string("{}") : std::string(details);
    e.hash = AuditEntryHash(e.prev_hash, e);
    MODERATO_ASSIGN_OR_RETURN(
        SqliteStatement stmt,
        Prepare("INSERT INTO audit_log (seq, at, org, actor, action, subject, details, prev_hash, "
                "hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
    stmt.BindInt64(1, e.seq);
    stmt.BindInt64(2, e.at);
    stmt.BindText(3, e.org);
    stmt.BindText(4, e.actor);
    stmt.BindText(5, e.action);
    stmt.BindText(6, e.subject);
    stmt.BindText(7, e.details);
    stmt.BindText(8, e.prev_hash);
    stmt.BindText(9, e.hash);
    MODERATO_RETURN_IF_ERROR(stmt.Run().WithContext("appending to the audit log"));
    return e;
  }

  std::mutex mu_;
  SqliteDb db_;  // guarded by mu_
};

}  // namespace

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin:
      return "admin";
    case Role::kReviewer:
      return "reviewer";
    case Role::kIntegrator:
      return "integrator";
    case Role::kAnalyst:
      return "analyst";
    case Role::kEditor:
      return "editor";
  }
  return "unknown";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role role :
       {Role::kAdmin, Role::kReviewer, Role::kIntegrator, Role::kAnalyst, Role::kEditor}) {
    if (name == RoleName(role)) return role;
  }
  return std::nullopt;
}

bool IsValidOrganisationName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-'))) return false;
  }
  return true;
}

std::string AuditCanonicalBytes(const AuditEntry& entry) {
  std::string out;
  out.reserve(64 + entry.org.size() + entry.actor.size() + entry.action.size() +
              entry.subject.size() + entry.details.size());
  AppendNetstring(out, std::to_string(entry.seq));
  AppendNetstring(out, std::to_string(entry.at));
  AppendNetstring(out, entry.org);
  AppendNetstring(out, entry.actor);
  AppendNetstring(out, entry.action);
  AppendNetstring(out, entry.subject);
  AppendNetstring(out, entry.details);
  return out;
}

std::string AuditEntryHash(std::string_view prev_hash, const AuditEntry& entry) {
  return Sha256HexOf({prev_hash, AuditCanonicalBytes(entry)});
}

Result<std::unique_ptr<ModerationStore>> OpenSqliteModerationStore(const std::string& path) {
  if (path.empty()) {
    return InvalidArgumentError(
        "OpenSqliteModerationStore: empty path (use \":memory:\" for a private in-memory store)");
  }
  MODERATO_ASSIGN_OR_RETURN(SqliteDb db, SqliteDb::Open(path));
  MODERATO_RETURN_IF_ERROR(internal::ConfigureConnection(db, path, kBusyTimeoutMs));
  return std::unique_ptr<ModerationStore>(std::make_unique<SqliteModerationStore>(std::move(db)));
}

}  // namespace moderato
