// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "server/redirect_token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <charconv>
#include <string>
#include <string_view>
#include <vector>

#include "moderato/counter/campaign.h"
#include "moderato/status.h"

namespace moderato::server {
namespace {

constexpr std::string_view kVersion = "v1";
constexpr std::size_t kMacHexDigits = 64;
constexpr std::size_t kMaxDayDigits = 6;

bool IsTokenLanguage(std::string_view language) {
  return language.empty() || language == "ar" || language == "fr" || language == "en";
}

// The lowercase hex HMAC-SHA256 of `message` keyed with `secret`.
std::string MacHex(std::string_view message, std::string_view secret) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int size = 0;
  // A key of length 0 is valid for HMAC; data() may then be any pointer.
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac.data(), &size);
  constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * size);
  for (unsigned int i = 0; i < size; ++i) {
    hex += kHex[mac[i] >> 4];
    hex += kHex[mac[i] & 0xf];
  }
  return hex;
}

std::string Payload(const ClickToken& t) {
  std::string payload(kVersion);
  for (std::string_view field :
       {std::string_view(t.campaign), std::string_view(t.item), std::string_view(t.language)}) {
    payload += '~';
    payload += field;
  }
  payload += '~';
  payload += std::to_string(t.day);
  return payload;
}

}  // namespace

std::string SignClickToken(const ClickToken& token, std::string_view secret) {
  std::string payload = Payload(token);
  const std::string mac = MacHex(payload, secret);
  payload += '~';
  payload += mac;
  return payload;
}

Result<ClickToken> ParseClickToken(std::string_view text) {
  if (text.size() > kMaxClickTokenBytes) return InvalidArgumentError("click token too long");
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  for (;;) {
    const std::size_t tilde = text.find('~', start);
    fields.push_back(
        text.substr(start, tilde == std::string_view::npos ? text.npos : tilde - start));
    if (tilde == std::string_view::npos || fields.size() > 6) break;
    start = tilde + 1;
  }
  if (fields.size() != 6) return InvalidArgumentError("malformed click token");
  if (fields[0] != kVersion) return InvalidArgumentError("unknown click token version");
  ClickToken t;
  t.campaign = std::string(fields[1]);
  t.item = std::string(fields[2]);
  t.language = std::string(fields[3]);
  if (!IsValidCampaignId(t.campaign) || !IsValidCampaignId(t.item) ||
      !IsTokenLanguage(t.language)) {
    return InvalidArgumentError("malformed click token");
  }
  const std::string_view day = fields[4];
  if (day.empty() || day.size() > kMaxDayDigits || (day.size() > 1 && day[0] == '0')) {
    return InvalidArgumentError("malformed click token");
  }
  auto [end, ec] = std::from_chars(day.data(), day.data() + day.size(), t.day);
  if (ec != std::errc() || end != day.data() + day.size() || t.day < 0) {
    return InvalidArgumentError("malformed click token");
  }
  const std::string_view mac = fields[5];
  if (mac.size() != kMacHexDigits) return InvalidArgumentError("malformed click token");
  for (char c : mac) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return InvalidArgumentError("malformed click token");
    }
  }
  return t;
}

Result<ClickToken> VerifyClickToken(std::string_view text, std::string_view secret,
                                    std::int64_t today, std::int64_t max_age_days) {
  const Status invalid = InvalidArgumentError("invalid or expired click token");
  Result<ClickToken> parsed = ParseClickToken(text);
  if (!parsed.ok()) return invalid;
  const std::size_t last = text.rfind('~');
  const std::string want = MacHex(text.substr(0, last), secret);
  const std::string_view got = text.substr(last + 1);
  // Constant time: the comparison must not tell an attacker how many leading
  // digits of a forged MAC are right.
  if (got.size() != want.size() || CRYPTO_memcmp(got.data(), want.data(), want.size()) != 0) {
    return invalid;
  }
  if (parsed->day > today || today - parsed->day > max_age_days) return invalid;
  return parsed;
}

}  // namespace moderato::server
