// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/store/banks.h"

#include <algorithm>
#include <cctype>

namespace moderato {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::string_view SignalTypeName(SignalType type) {
  switch (type) {
    case SignalType::kPdq:
      return "pdq";
    case SignalType::kMd5:
      return "md5";
    case SignalType::kSha256:
      return "sha256";
    case SignalType::kText:
      return "text";
    case SignalType::kUrl:
      return "url";
  }
  return "unknown";
}

std::optional<SignalType> ParseSignalType(std::string_view name) {
  struct Alias {
    std::string_view name;
    SignalType type;
  };
  static constexpr Alias kAliases[] = {
      {"pdq", SignalType::kPdq},
      {"photo_pdq", SignalType::kPdq},
      {"hash_pdq", SignalType::kPdq},
      {"imagepdq", SignalType::kPdq},
      {"md5", SignalType::kMd5},
      {"video_md5", SignalType::kMd5},
      {"hash_md5", SignalType::kMd5},
      {"videomd5", SignalType::kMd5},
      {"sha256", SignalType::kSha256},
      {"sha-256", SignalType::kSha256},
      {"hash_sha256", SignalType::kSha256},
      {"video_sha256", SignalType::kSha256},
      {"text", SignalType::kText},
      {"text_signature", SignalType::kText},
      {"url", SignalType::kUrl},
      {"uri", SignalType::kUrl},
      {"raw_uri", SignalType::kUrl},
  };
  for (const Alias& alias : kAliases) {
    if (EqualsIgnoreCase(alias.name, name)) return alias.type;
  }
  return std::nullopt;
}

bool IsKnownBehaviour(std::string_view behaviour) {
  return std::find(std::begin(kBehaviours), std::end(kBehaviours), behaviour) !=
         std::end(kBehaviours);
}

std::string ValidateBank(const Bank& bank) {
  if (bank.name.empty() || bank.name.size() > 64) {
    return "bank name must be 1 to 64 characters";
  }
  for (char c : bank.name) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
    if (!ok) return "bank name may hold only letters, digits, '_', '.' and '-': " + bank.name;
  }
  if (bank.pdq_threshold < 0 || bank.pdq_threshold > 63) {
    return "pdq_threshold must be 0..63, got " + std::to_string(bank.pdq_threshold);
  }
  if (bank.pdq_quality_min < 0 || bank.pdq_quality_min > 100) {
    return "pdq_quality_min must be 0..100, got " + std::to_string(bank.pdq_quality_min);
  }
  if (bank.description.size() > 4096) return "bank description is longer than 4096 bytes";
  return "";
}

}  // namespace moderato
