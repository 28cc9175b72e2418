// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Click tokens of the redirect beacon (GET /v1/redirect/click?token=...,
// docs/server.md). The beacon is hit by end users' browsers without an API
// key, so the token itself is the authorisation: an HMAC-SHA256, keyed with
// the database's secret (CampaignStore::ClickTokenSecret), over what the
// click will count (campaign, item, language, day of the impression).
//
// Format (URL-safe, at most kMaxClickTokenBytes):
//   v1~<campaign>~<item>~<language>~<day>~<64 hex digits of the MAC>
// campaign and item are [A-Za-z0-9_.-]{1,64}, language is "", "ar", "fr" or
// "en", day is the impression's UTC day number since 1970-01-01 (decimal,
// at most 6 digits). The MAC covers every byte before the last '~'.
//
// PRIVACY. A token holds nothing about the person it is shown to: everyone
// shown the same item of the same campaign on the same day in the same
// language gets the same token, so a click cannot be linked to a search.
// The price is that a token can be replayed until it expires (counted
// clicks are an upper bound; see docs/server.md).
//
// Thread safety: pure functions.
//
// Example:
//   ClickToken t{.campaign = "demo.isil", .item = "starter-en-007", .language = "en", .day =
//   20426}; std::string token = SignClickToken(t, secret); MODERATO_ASSIGN_OR_RETURN(ClickToken
//   back, VerifyClickToken(token, secret, 20427, 7));
#ifndef MODERATO_SERVER_REDIRECT_TOKEN_H_
#define MODERATO_SERVER_REDIRECT_TOKEN_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "moderato/result.h"

namespace moderato::server {

// Longer tokens are rejected before any parsing.
inline constexpr std::size_t kMaxClickTokenBytes = 256;

struct ClickToken {
  std::string campaign;
  std::string item;
  std::string language;  // "", "ar", "fr" or "en"
  std::int64_t day = 0;  // UTC days since 1970-01-01, in [0, 999999]
  friend bool operator==(const ClickToken&, const ClickToken&) = default;
};

// Returns the signed token for `token` (whose fields must be valid, as
// ParseClickToken checks; the caller builds them from a campaign and an
// item) keyed with `secret` (any length; 32 random bytes in practice).
std::string SignClickToken(const ClickToken& token, std::string_view secret);

// Returns the fields of `text` without checking the MAC: the syntax only.
// Fails with kInvalidArgument if it is longer than kMaxClickTokenBytes, has
// not six '~'-separated fields, an unknown version, an invalid id, language
// or day, or a MAC that is not 64 lowercase hex digits.
Result<ClickToken> ParseClickToken(std::string_view text);

// Returns the fields of `text` when its MAC is the one `secret` makes (the
// comparison takes constant time) and its day is neither after `today` nor
// more than `max_age_days` before it. Fails with kInvalidArgument for
// everything else (as ParseClickToken, a wrong MAC, an expired or future
// token), with one message that does not say which check failed.
Result<ClickToken> VerifyClickToken(std::string_view text, std::string_view secret,
                                    std::int64_t today, std::int64_t max_age_days);

}  // namespace moderato::server

#endif  // MODERATO_SERVER_REDIRECT_TOKEN_H_
