// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/policy/policy.h"

#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <system_error>
#include <utility>

#include "moderato/core/sha256.h"
#include "policy/rule.h"

namespace moderato {
namespace {

using internal::PolicyRule;

constexpr std::array<std::string_view, 6> kActionNames = {
    "allow", "counter_narrative", "review", "hide_pending_review", "remove", "escalate"};
constexpr std::int64_t kMaxDeadlineSeconds = 365LL * 24 * 3600;
constexpr std::size_t kMaxIdBytes = 64;
constexpr std::size_t kMaxStringBytes = 4096;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool IsIdentifier(std::string_view s) {
  if (s.empty() || s.size() > kMaxIdBytes) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

// Builds the errors of one parse, prefixed with "<source>:<line>:<col>: " and
// the rule being read, so a message points at the offending key.
class Errors {
 public:
  Errors(std::string_view source, const PolicyLimits& limits) : source_(source), limits_(limits) {}

  void set_rule(std::string rule) { rule_ = std::move(rule); }
  const PolicyLimits& limits() const { return limits_; }

  Status At(const toml::source_region& where, std::string_view key, std::string_view message,
            StatusCode code = StatusCode::kInvalidArgument) const {
    std::string out = source_;
    out += ':' + std::to_string(where.begin.line) + ':' + std::to_string(where.begin.column) + ": ";
    if (!rule_.empty()) out += "rule '" + rule_ + "': ";
    if (!key.empty()) out += "key '" + std::string(key) + "': ";
    out += message;
    return Status(code, std::move(out));
  }

 private:
  std::string source_;
  const PolicyLimits& limits_;
  std::string rule_;
};

Result<std::string> GetString(const toml::node& node, std::string_view key, const Errors& errors) {
  const auto* value = node.as_string();
  if (value == nullptr) return errors.At(node.source(), key, "must be a string");
  const std::string& s = value->get();
  if (s.size() > kMaxStringBytes) {
    return errors.At(node.source(), key, "is longer than 4096 bytes",
                     StatusCode::kResourceExhausted);
  }
  return s;
}

Result<bool> GetBool(const toml::node& node, std::string_view key, const Errors& errors) {
  const auto* value = node.as_boolean();
  if (value == nullptr) return errors.At(node.source(), key, "must be true or false");
  return value->get();
}

Result<std::int64_t> GetInt(const toml::node& node, std::string_view key, std::int64_t lo,
                            std::int64_t hi, const Errors& errors) {
  const auto* value = node.as_integer();
  if (value == nullptr) return errors.At(node.source(), key, "must be an integer");
  std::int64_t v = value->get();
  if (v < lo || v > hi) {
    return errors.At(node.source(), key,
                     "must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " +
                         std::to_string(v));
  }
  return v;
}

// Accepts integers too, so `min_probability = 1` reads as 1.0.
Result<double> GetUnit(const toml::node& node, std::string_view key, const Errors& errors) {
  double v = 0;
  if (const auto* f = node.as_floating_point()) {
    v = f->get();
  } else if (const auto* i = node.as_integer()) {
    v = static_cast<double>(i->get());
  } else {
    return errors.At(node.source(), key, "must be a number");
  }
  if (!(v >= 0.0 && v <= 1.0)) return errors.At(node.source(), key, "must be in [0, 1]");
  return v;
}

// A list key accepts one string or a non-empty array of strings: an empty
// list would match nothing and silently disable the rule.
Result<std::vector<std::string>> GetStringList(const toml::node& node, std::string_view key,
                                               const Errors& errors) {
  std::vector<std::string> out;
  if (node.is_string()) {
    MODERATO_ASSIGN_OR_RETURN(std::string s, GetString(node, key, errors));
    out.push_back(std::move(s));
  } else if (const auto* array = node.as_array()) {
    if (array->empty()) return errors.At(node.source(), key, "must not be empty");
    if (array->size() > errors.limits().max_list_items) {
      return errors.At(node.source(), key,
                       "has more than " + std::to_string(errors.limits().max_list_items) + " items",
                       StatusCode::kResourceExhausted);
    }
    out.reserve(array->size());
    for (const toml::node& item : *array) {
      MODERATO_ASSIGN_OR_RETURN(std::string s, GetString(item, key, errors));
      out.push_back(std::move(s));
    }
  } else {
    return errors.At(node.source(), key, "must be a string or an array of strings");
  }
  for (const std::string& s : out) {
    if (s.empty()) return errors.At(node.source(), key, "must not contain an empty string");
  }
  return out;
}

Result<PolicyAction> GetAction(const toml::node& node, std::string_view key, const Errors& errors) {
  MODERATO_ASSIGN_OR_RETURN(std::string name, GetString(node, key, errors));
  std::optional<PolicyAction> action = ParsePolicyAction(name);
  if (!action) {
    return errors.At(node.source(), key,
                     "unknown action '" + name +
                         "' (expected allow, counter_narrative, review, hide_pending_review, "
                         "remove or escalate)");
  }
  return *action;
}

// "90s", "30m", "1h", "24h", "2d".
Result<std::int64_t> GetDeadline(const toml::node& node, std::string_view key,
                                 const Errors& errors) {
  MODERATO_ASSIGN_OR_RETURN(std::string text, GetString(node, key, errors));
  auto bad = [&] {
    return errors.At(
        node.source(), key,
        "must be a positive duration such as \"30m\", \"1h\" or \"2d\", got '" + text + "'");
  };
  if (text.size() < 2 || text.size() > 8) return bad();
  std::int64_t n = 0;
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return bad();
    n = n * 10 + (text[i] - '0');
  }
  std::int64_t unit = 0;
  switch (text.back()) {
    case 's':
      unit = 1;
      break;
    case 'm':
      unit = 60;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'd':
      unit = 86400;
      break;
    default:
      return bad();
  }
  if (n <= 0) return bad();
  if (n > kMaxDeadlineSeconds / unit) {
    return errors.At(node.source(), key, "must be at most 365d");
  }
  return n * unit;
}

Status ParseWhen(const toml::table& when, const Errors& errors, PolicyRule& rule) {
  bool has_evidence = false;
  for (const auto& [k, node] : when) {
    const std::string_view key = k.str();
    if (key == "bank") {
      MODERATO_ASSIGN_OR_RETURN(std::vector<std::string> banks, GetStringList(node, key, errors));
      for (std::string& b : banks) rule.banks.emplace_back(std::move(b));
      rule.has_bank = true;
    } else if (key == "bank_kind") {
      MODERATO_ASSIGN_OR_RETURN(std::vector<std::string> kinds, GetStringList(node, key, errors));
      for (const std::string& kind : kinds) {
        int index = internal::BankKindIndex(kind);
        if (index < 0) {
          return errors.At(
              node.source(), key,
              "unknown bank kind '" + kind + "' (expected pdq, md5, sha256, url, host or text)");
        }
        rule.bank_kinds |= 1u << index;
      }
      rule.has_bank = true;
    } else if (key == "max_distance") {
      MODERATO_ASSIGN_OR_RETURN(std::int64_t d, GetInt(node, key, 0, 256, errors));
      rule.max_distance = static_cast<int>(d);
      rule.has_bank = true;
    } else if (key == "min_similarity") {
      MODERATO_ASSIGN_OR_RETURN(rule.min_similarity, GetUnit(node, key, errors));
      rule.has_bank = true;
    } else if (key == "labels") {
      MODERATO_ASSIGN_OR_RETURN(std::vector<std::string> labels, GetStringList(node, key, errors));
      for (const std::string& l : labels) rule.labels.push_back(Lower(l));
      rule.has_bank = true;
    } else if (key == "lexicon") {
      MODERATO_ASSIGN_OR_RETURN(std::vector<std::string> cats, GetStringList(node, key, errors));
      for (const std::string& cat : cats) {
        int index = internal::LexiconCategoryIndex(cat);
        if (index < 0) {
          return errors.At(node.source(), key,
                           "unknown lexicon category '" + cat +
                               "' (expected organisation, media_outlet, slogan, violent_call, "
                               "recruitment, dehumanisation, glorification, symbol or other)");
        }
        rule.lexicon_mask |= 1u << index;
      }
      has_evidence = true;
    } else if (key == "min_lexicon_categories") {
      MODERATO_ASSIGN_OR_RETURN(
          std::int64_t n, GetInt(node, key, 1, std::size(internal::kLexiconCategories), errors));
      rule.min_lexicon_categories = static_cast<int>(n);
      has_evidence = true;
    } else if (key == "min_probability") {
      MODERATO_ASSIGN_OR_RETURN(rule.min_probability, GetUnit(node, key, errors));
      has_evidence = true;
    } else if (key == "max_probability") {
      MODERATO_ASSIGN_OR_RETURN(rule.max_probability, GetUnit(node, key, errors));
      has_evidence = true;
    } else if (key == "min_risk") {
      MODERATO_ASSIGN_OR_RETURN(rule.min_risk, GetUnit(node, key, errors));
      has_evidence = true;
    } else if (key == "max_risk") {
      MODERATO_ASSIGN_OR_RETURN(rule.max_risk, GetUnit(node, key, errors));
      has_evidence = true;
    } else if (key == "language") {
      MODERATO_ASSIGN_OR_RETURN(rule.languages, GetStringList(node, key, errors));
    } else if (key == "source") {
      MODERATO_ASSIGN_OR_RETURN(rule.sources, GetStringList(node, key, errors));
    } else {
      return errors.At(k.source(), key, "unknown condition (see docs/policy.md)");
    }
  }
  if (!has_evidence && !rule.has_bank) {
    return errors.At(when.source(), "when",
                     "needs at least one evidence condition (bank, lexicon, probability or risk); "
                     "language and source only narrow a rule");
  }
  if (rule.min_probability && rule.max_probability &&
      *rule.min_probability > *rule.max_probability) {
    return errors.At(when.source(), "min_probability", "is greater than max_probability");
  }
  if (rule.min_risk && rule.max_risk && *rule.min_risk > *rule.max_risk) {
    return errors.At(when.source(), "min_risk", "is greater than max_risk");
  }
  return OkStatus();
}

Result<PolicyRule> ParseRule(const toml::node& node, std::int64_t default_deadline,
                             Errors& errors) {
  const toml::table* table = node.as_table();
  if (table == nullptr) return errors.At(node.source(), "rule", "must be a table ([[rule]])");
  PolicyRule rule;
  // The id first, so every later message names the rule.
  const toml::node* id = table->get("id");
  if (id == nullptr) return errors.At(table->source(), "id", "every [[rule]] needs an id");
  MODERATO_ASSIGN_OR_RETURN(rule.id, GetString(*id, "id", errors));
  if (!IsIdentifier(rule.id)) {
    return errors.At(id->source(), "id",
                     "must be 1-64 characters from [A-Za-z0-9._-], got '" + rule.id + "'");
  }
  errors.set_rule(rule.id);

  bool has_action = false;
  const toml::node* deadline_node = nullptr;
  const toml::table* when = nullptr;
  for (const auto& [k, value] : *table) {
    const std::string_view key = k.str();
    if (key == "id") continue;
    if (key == "description") {
      MODERATO_RETURN_IF_ERROR(GetString(value, key, errors).status());
    } else if (key == "action") {
      MODERATO_ASSIGN_OR_RETURN(rule.action, GetAction(value, key, errors));
      has_action = true;
    } else if (key == "severity") {
      MODERATO_ASSIGN_OR_RETURN(std::int64_t s, GetInt(value, key, 1, 5, errors));
      rule.severity = static_cast<int>(s);
    } else if (key == "deadline") {
      MODERATO_ASSIGN_OR_RETURN(rule.deadline_seconds, GetDeadline(value, key, errors));
      deadline_node = &value;
    } else if (key == "shadow") {
      MODERATO_ASSIGN_OR_RETURN(rule.shadow, GetBool(value, key, errors));
    } else if (key == "counter_narrative") {
      MODERATO_ASSIGN_OR_RETURN(rule.counter_narrative, GetBool(value, key, errors));
    } else if (key == "when") {
      when = value.as_table();
      if (when == nullptr) return errors.At(value.source(), key, "must be a table ([rule.when])");
    } else {
      return errors.At(k.source(), key, "unknown key (see docs/policy.md)");
    }
  }
  if (!has_action) return errors.At(table->source(), "action", "is required");
  if (when == nullptr) {
    return errors.At(table->source(), "when", "is required: a rule without conditions");
  }
  MODERATO_RETURN_IF_ERROR(ParseWhen(*when, errors, rule));
  if (PolicyActionNeedsReview(rule.action)) {
    if (deadline_node == nullptr) rule.deadline_seconds = default_deadline;
  } else if (deadline_node != nullptr) {
    return errors.At(deadline_node->source(), "deadline",
                     "only applies to review, hide_pending_review and escalate");
  }
  errors.set_rule("");
  return rule;
}

}  // namespace

std::string_view PolicyActionName(PolicyAction action) {
  auto index = static_cast<std::size_t>(action);
  return index < kActionNames.size() ? kActionNames[index] : "unknown";
}

std::optional<PolicyAction> ParsePolicyAction(std::string_view name) {
  for (std::size_t i = 0; i < kActionNames.size(); ++i) {
    if (kActionNames[i] == name) return static_cast<PolicyAction>(i);
  }
  return std::nullopt;
}

bool PolicyActionNeedsReview(PolicyAction action) {
  return action == PolicyAction::kReview || action == PolicyAction::kHidePendingReview ||
         action == PolicyAction::kEscalate;
}

Policy::~Policy() = default;

std::size_t Policy::rule_count() const { return rules_ ? rules_->size() : 0; }

std::vector<std::string> Policy::rule_ids() const {
  std::vector<std::string> ids;
  if (rules_) {
    for (const PolicyRule& r : *rules_) ids.push_back(r.id);
  }
  return ids;
}

Result<Policy> Policy::Parse(std::string_view text, std::string_view source_name,
                             const PolicyLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return ResourceExhaustedError(std::string(source_name) + ": policy is " +
                                  std::to_string(text.size()) + " bytes, more than the limit of " +
                                  std::to_string(limits.max_bytes));
  }
  toml::table root;
  try {
    root = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    return InvalidArgumentError(
        std::string(source_name) + ':' + std::to_string(e.source().begin.line) + ':' +
        std::to_string(e.source().begin.column) + ": " + std::string(e.description()));
  }

  Errors errors(source_name, limits);
  Policy policy;
  std::int64_t default_deadline = 24 * 3600;
  const toml::table* header = nullptr;
  const toml::array* rules = nullptr;
  for (const auto& [k, node] : root) {
    const std::string_view key = k.str();
    if (key == "policy") {
      header = node.as_table();
      if (header == nullptr) return errors.At(node.source(), key, "must be a table ([policy])");
    } else if (key == "rule") {
      rules = node.as_array();
      if (rules == nullptr) return errors.At(node.source(), key, "must be an array ([[rule]])");
    } else {
      return errors.At(k.source(), key, "unknown top-level key (expected [policy] and [[rule]])");
    }
  }
  if (header == nullptr) {
    return errors.At(root.source(), "policy", "a [policy] table with a name is required");
  }
  bool has_name = false;
  for (const auto& [k, node] : *header) {
    const std::string_view key = k.str();
    if (key == "name") {
      MODERATO_ASSIGN_OR_RETURN(policy.name_, GetString(node, key, errors));
      if (!IsIdentifier(policy.name_)) {
        return errors.At(node.source(), key, "must be 1-64 characters from [A-Za-z0-9._-]");
      }
      has_name = true;
    } else if (key == "description") {
      MODERATO_RETURN_IF_ERROR(GetString(node, key, errors).status());
    } else if (key == "default_action") {
      MODERATO_ASSIGN_OR_RETURN(policy.default_action_, GetAction(node, key, errors));
    } else if (key == "default_deadline") {
      MODERATO_ASSIGN_OR_RETURN(default_deadline, GetDeadline(node, key, errors));
    } else {
      return errors.At(k.source(), key, "unknown key in [policy] (see docs/policy.md)");
    }
  }
  if (!has_name) return errors.At(header->source(), "name", "[policy] needs a name");
  policy.default_deadline_seconds_ =
      PolicyActionNeedsReview(policy.default_action_) ? default_deadline : 0;

  auto compiled = std::make_shared<std::vector<PolicyRule>>();
  if (rules != nullptr) {
    if (rules->size() > limits.max_rules) {
      return errors.At(rules->source(), "rule",
                       "more than " + std::to_string(limits.max_rules) + " rules",
                       StatusCode::kResourceExhausted);
    }
    std::set<std::string, std::less<>> ids;
    compiled->reserve(rules->size());
    for (const toml::node& node : *rules) {
      MODERATO_ASSIGN_OR_RETURN(PolicyRule rule, ParseRule(node, default_deadline, errors));
      if (!ids.insert(rule.id).second) {
        return errors.At(node.source(), "id", "duplicate rule id '" + rule.id + "'");
      }
      compiled->push_back(std::move(rule));
    }
  }
  policy.rules_ = std::move(compiled);
  policy.version_ = policy.name_ + '@' + Sha256HexOf({text}).substr(0, 12);
  return policy;
}

Result<Policy> Policy::Load(const std::string& path, const PolicyLimits& limits) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return NotFoundError(path + ": no such policy file");
  std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) return UnavailableError(path + ": " + ec.message());
  if (size > limits.max_bytes) {
    return ResourceExhaustedError(path + ": policy is " + std::to_string(size) +
                                  " bytes, more than the limit of " +
                                  std::to_string(limits.max_bytes));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return UnavailableError(path + ": cannot open");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) return UnavailableError(path + ": read error");
  return Parse(bytes.str(), path, limits);
}

PolicyHolder::PolicyHolder(Policy initial)
    : current_(std::make_shared<const Policy>(std::move(initial))) {}

std::shared_ptr<const Policy> PolicyHolder::Get() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_;
}

void PolicyHolder::Set(Policy policy) {
  auto next = std::make_shared<const Policy>(std::move(policy));
  std::shared_ptr<const Policy> previous;
  {
    std::lock_guard<std::mutex> lock(mu_);
    previous = std::exchange(current_, std::move(next));
  }
  // `previous` is released outside the lock: the last reader may already be gone.
}

Status PolicyHolder::ReloadFrom(const std::string& path, const PolicyLimits& limits) {
  MODERATO_ASSIGN_OR_RETURN(Policy policy, Policy::Load(path, limits));
  Set(std::move(policy));
  return OkStatus();
}

}  // namespace moderato
