// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// ModerationStore: what the server must remember about organisations, their
// API keys, the items platforms submit, the review cases opened for them, the
// decisions and appeals on those cases, the append-only audit chain, and the
// webhook outbox. The SQLite implementation shares the database file, the
// migrations (migration 4 holds these tables) and the durability settings
// (WAL, synchronous=FULL) with the other stores.
//
//   MODERATO_ASSIGN_OR_RETURN(auto store, OpenSqliteModerationStore("moderato.db"));
//   MODERATO_ASSIGN_OR_RETURN(Organisation org, store->CreateOrganisation("acme", "cli"));
//   MODERATO_ASSIGN_OR_RETURN(NewApiKey key, store->CreateApiKey("acme", Role::kAdmin, "", "cli"));
//   std::cout << key.token << "\n";  // shown once; only a salted hash is kept
//
// DURABILITY. Every write is one transaction committed with a full sync
// before the method returns: an acknowledged decision survives a crash.
// A decision, its audit entry and its webhook message are written in the
// SAME transaction, so none exists without the others.
//
// TENANCY. Every method that reads or changes an item, a case or a decision
// takes the caller's organisation and never touches another organisation's
// rows: a case id of another organisation is kNotFound, exactly as an id
// that does not exist (no existence oracle).
//
// AUDIT CHAIN. Entry n stores hash_n = SHA-256(hash_{n-1} || canonical bytes
// of entry n) in lowercase hex, with hash_0 = 64 zeros. VerifyAudit()
// recomputes the chain: any edit, deletion or reordering of an entry is
// reported with the first sequence number where the chain breaks.
// The canonical bytes of an entry (AuditCanonicalBytes) are its seven
// fields, in this order, each written as a netstring "<len>:<bytes>,"
// where <len> is the byte length in decimal without leading zeros:
//   seq (decimal), at (decimal, may be negative), org, actor, action,
//   subject, details.
// e.g. seq 1, at 1767225600, org "acme", actor "cli", action "org.create",
// subject "org:acme", details "{}" is
//   1:1,10:1767225600,4:acme,3:cli,10:org.create,8:org:acme,2:{},
// and hash_1 = hex(SHA-256("000...0" (64 '0's) || those bytes)).
// Removing the LAST entries (truncation) leaves a valid shorter chain and
// cannot be detected from the file alone: operators record head_hash from
// VerifyAudit() (or `moderato audit verify`) somewhere else and compare.
//
// Thread safety: every method may be called from any thread (a mutex
// serialises the connection); several processes may share the file.
#ifndef MODERATO_STORE_MODERATION_STORE_H_
#define MODERATO_STORE_MODERATION_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "moderato/status.h"

namespace moderato {

// What a key may do (docs/server.md has the route table).
enum class Role : std::uint8_t {
  kAdmin,       // everything in its organisation, including banks and policy
  kReviewer,    // cases: claim, decide, appeal decisions
  kIntegrator,  // submits items, scans, hashes, matches
  kAnalyst,     // read-only: cases, items, audit, metrics, trends
  kEditor,      // counter-narrative library: create, edit, approve, retire
};

// "admin", "reviewer", "integrator", "analyst", "editor".
std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);

struct Organisation {
  std::string name;  // [a-z0-9][a-z0-9._-]{0,63}
  std::int64_t created_at = 0;
  std::string webhook_url;  // empty: no callbacks
};

struct ApiKey {
  std::string id;  // public identifier, 16 lowercase hex digits
  std::string org;
  Role role = Role::kAnalyst;
  std::string label;
  std::int64_t created_at = 0;
  std::int64_t revoked_at = 0;  // 0: active
};

struct NewApiKey {
  ApiKey key;
  // "mod_<id>_<secret>", secret = 43 base64url characters (256 random bits
  // from the OS). Returned once; the store keeps SHA-256(salt || secret)
  // with a per-key random 16-byte salt.
  std::string token;
};

struct AuditEntry {
  std::int64_t seq = 0;  // 1, 2, 3, ... with no gaps
  std::int64_t at = 0;   // Unix seconds
  std::string org;       // "" for system-wide entries
  std::string actor;     // "key:<id>", "cli", "system"
  std::string action;    // "case.decide", "key.create", "bank.add", "policy.load", ...
  std::string subject;   // what the action was about: "case:17", "key:ab12...", "bank:x"
  std::string details;   // a JSON object (compact), "{}" when empty
  std::string prev_hash;
  std::string hash;
};

struct AuditVerification {
  bool ok = true;
  std::int64_t entries = 0;
  std::int64_t first_bad_seq = 0;  // 0 when ok
  std::string problem;             // human-readable, "" when ok
  std::string head_hash;           // hash of the last entry ("" when empty)
};

// A moderation submission after the policy ran (POST /v1/items).
struct ItemSubmission {
  std::string org;
  std::string external_id;     // the platform's id: (org, external_id) is unique
  std::string request_digest;  // SHA-256 hex of the canonical request, for replay checks
  std::string language;
  std::string action;  // the verdict's action name ("allow", "review", ...)
  std::string policy_version;
  std::string verdict_json;   // the whole verdict as returned to the caller
  std::string evidence_json;  // the evidence the verdict rests on
  // When set, a review case is opened in the same transaction.
  bool open_case = false;
  double priority = 0;
  std::int64_t deadline = 0;  // Unix seconds, 0: none
  std::vector<std::string> labels;
  std::string actor;  // "key:<id>"
  std::int64_t now = 0;
};

struct ItemRecord {
  std::int64_t id = 0;
  std::string org;
  std::string external_id;
  std::string request_digest;
  std::string language;
  std::string action;
  std::string policy_version;
  std::string verdict_json;
  std::string evidence_json;
  std::int64_t created_at = 0;
  std::int64_t case_id = 0;  // the review case opened for it, 0 for none
};

struct SubmitResult {
  ItemRecord item;
  // True when (org, external_id) existed: nothing was written and `item` is
  // the stored one. The caller compares request_digest to tell a retry from
  // a conflicting reuse of the id.
  bool replayed = false;
};

struct Decision {
  std::int64_t id = 0;
  std::int64_t case_id = 0;
  std::string reviewer;  // "key:<id>"
  // Review cases: "allow", "remove", "restrict", "escalate".
  // Appeal cases: "uphold" (the first decision stands) or "overturn".
  std::string decision;
  std::string policy;     // the rule of the platform's policy or the law applied
  std::string reason;     // required, shown to the user (statement of reasons)
  std::string exemption;  // "", "journalism", "research", "education", "counter_narrative"
  std::int64_t at = 0;
};

struct Case {
  std::int64_t id = 0;
  std::string org;
  std::int64_t item_id = 0;
  std::string kind = "review";  // "review" or "appeal"
  std::string status = "open";  // "open" or "decided"
  double priority = 0;
  std::string language;
  std::vector<std::string> labels;
  std::int64_t deadline = 0;
  std::string claimed_by;           // "" when never claimed
  std::int64_t lease_until = 0;     // the claim holds while now < lease_until
  std::int64_t parent_case_id = 0;  // appeals: the case appealed
  std::string excluded_reviewer;    // appeals: who decided the parent; may not decide this
  std::string appeal_reason;        // appeals: why the decision is contested
  std::int64_t created_at = 0;
  std::int64_t decided_at = 0;
  std::optional<Decision> decision;
};

struct CaseFilter {
  std::string status;    // "" any, "open", "claimed" (open with a live lease), "decided"
  std::string language;  // "" any
  std::string label;     // "" any: cases whose labels contain it
  std::string kind;      // "" any, "review", "appeal"
  double min_priority = 0;
  std::int64_t after_id = 0;  // cursor: cases with id > after_id
  int limit = 50;             // 1..500
  std::int64_t now = 0;       // for "claimed"
};

struct DecisionInput {
  std::string decision;
  std::string policy;
  std::string reason;
  std::string exemption;
};

struct OutboxMessage {
  std::int64_t id = 0;
  std::string org;
  std::string url;
  std::string event;    // "case.decided", "appeal.decided"
  std::string payload;  // the JSON body to POST
  int attempts = 0;
  std::int64_t next_attempt_at = 0;
  std::string status;  // "pending", "delivered", "failed" (gave up)
  std::string last_error;
  std::int64_t created_at = 0;
};

class ModerationStore {
 public:
  virtual ~ModerationStore() = default;

  // --- organisations (each change is audited) ---
  // kInvalidArgument for a bad name, kAlreadyExists.
  virtual Result<Organisation> CreateOrganisation(std::string_view name,
                                                  std::string_view actor) = 0;
  virtual Result<Organisation> GetOrganisation(std::string_view name) = 0;  // kNotFound
  virtual Result<std::vector<Organisation>> ListOrganisations() = 0;
  // Sets (url non-empty) or clears the organisation's webhook. The secret
  // signs callbacks (HMAC-SHA256); it is stored as given because signing
  // needs it. kInvalidArgument unless url is http:// or https://.
  virtual Status SetWebhook(std::string_view org, std::string_view url, std::string_view secret,
                            std::string_view actor) = 0;
  virtual Result<std::string> GetWebhookSecret(std::string_view org) = 0;

  // --- API keys (each change is audited, never with the token) ---
  virtual Result<NewApiKey> CreateApiKey(std::string_view org, Role role, std::string_view label,
                                         std::string_view actor) = 0;
  // kNotFound for an unknown key id; revoking twice is OK.
  virtual Status RevokeApiKey(std::string_view key_id, std::string_view actor) = 0;
  virtual Result<std::vector<ApiKey>> ListApiKeys(std::string_view org) = 0;
  // Returns the key whose token this is. kUnauthenticated for a malformed,
  // unknown or revoked token (one message for all three); the secret is
  // compared in constant time.
  virtual Result<ApiKey> Authenticate(std::string_view token) = 0;

  // --- items and cases ---
  // Stores the item (and its case when submission.open_case) in one
  // transaction, idempotent on (org, external_id): see SubmitResult.
  virtual Result<SubmitResult> SubmitItem(const ItemSubmission& submission) = 0;
  virtual Result<ItemRecord> GetItem(std::string_view org, std::int64_t id) = 0;
  virtual Result<ItemRecord> GetItemByExternalId(std::string_view org,
                                                 std::string_view external_id) = 0;

  // Ordered by priority descending, then id ascending when status is "open"
  // or "claimed"; by id ascending otherwise. kInvalidArgument for a bad filter.
  virtual Result<std::vector<Case>> ListCases(std::string_view org, const CaseFilter& filter) = 0;
  virtual Result<Case> GetCase(std::string_view org, std::int64_t id) = 0;
  // Gives `reviewer` the case until now + lease_seconds. kFailedPrecondition
  // when the case is decided or another reviewer's lease is live (renewing
  // one's own lease is OK); kPermissionDenied when reviewer is the case's
  // excluded_reviewer.
  virtual Result<Case> ClaimCase(std::string_view org, std::int64_t id, std::string_view reviewer,
                                 std::int64_t lease_seconds, std::int64_t now) = 0;
  // Records the decision, marks the case decided, appends the audit entry
  // and, when the organisation has a webhook, queues the callback: one
  // transaction. kFailedPrecondition unless `reviewer` holds a live lease on
  // an open case; kInvalidArgument for a decision word not valid for the
  // case kind, an empty reason, or an exemption that is unknown or given
  // with a decision other than "allow"/"overturn".
  virtual Result<Decision> DecideCase(std::string_view org, std::int64_t id,
                                      std::string_view reviewer, const DecisionInput& input,
                                      std::int64_t now) = 0;
  // Opens an appeal case for a decided review case: same item, labels and
  // language, priority of the parent, excluded_reviewer = the parent's
  // reviewer. Audited. kFailedPrecondition when the case is not a decided
  // review case; kAlreadyExists when it was already appealed.
  virtual Result<Case> AppealCase(std::string_view org, std::int64_t case_id,
                                  std::string_view appellant, std::string_view reason,
                                  std::int64_t now) = 0;
  // Open cases (decided excluded) of every organisation, for the metrics.
  virtual Result<std::int64_t> CountOpenCases() = 0;

  // --- audit ---
  virtual Result<AuditEntry> AppendAudit(std::string_view org, std::string_view actor,
                                         std::string_view action, std::string_view subject,
                                         std::string_view details_json, std::int64_t now) = 0;
  // Entries of `org` ("" = every entry) with seq > after_seq, ascending.
  virtual Result<std::vector<AuditEntry>> ListAudit(std::string_view org, std::int64_t after_seq,
                                                    int limit) = 0;
  virtual Result<AuditVerification> VerifyAudit() = 0;

  // --- webhook outbox ---
  // Pending messages with next_attempt_at <= now, oldest first.
  virtual Result<std::vector<OutboxMessage>> DueOutbox(std::int64_t now, int limit) = 0;
  virtual Status MarkDelivered(std::int64_t id, std::int64_t now) = 0;
  // Records a failed attempt: attempts + 1, last_error, and either a new
  // next_attempt_at or, when give_up, status "failed".
  virtual Status MarkAttemptFailed(std::int64_t id, std::string_view error,
                                   std::int64_t next_attempt_at, bool give_up) = 0;
  virtual Result<std::int64_t> CountPendingOutbox() = 0;
  virtual Result<std::vector<OutboxMessage>> ListOutbox(std::string_view org, int limit) = 0;
};

// "[a-z0-9][a-z0-9._-]{0,63}".
bool IsValidOrganisationName(std::string_view name);

// The check SetWebhook applies to a non-empty url: http:// or https://, a
// host, at most 2048 bytes, no spaces or control characters. Fails with
// kInvalidArgument naming the problem.
Status ValidateWebhookUrl(std::string_view url);

// The canonical bytes of `entry` that the chain hashes (see AUDIT CHAIN
// above); prev_hash and hash are not part of them.
std::string AuditCanonicalBytes(const AuditEntry& entry);
// Returns lowercase hex SHA-256(prev_hash || AuditCanonicalBytes(entry)).
std::string AuditEntryHash(std::string_view prev_hash, const AuditEntry& entry);
// hash_0: the prev_hash of entry 1, 64 '0' characters.
inline constexpr std::string_view kAuditGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// Opens (creating if needed) the store in the SQLite file at `path`
// (":memory:" for a private in-memory store). Fails as OpenSqliteBankStore.
Result<std::unique_ptr<ModerationStore>> OpenSqliteModerationStore(const std::string& path);

}  // namespace moderato

#endif  // MODERATO_STORE_MODERATION_STORE_H_
