// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "server/redirect_token.h"

#include <string>

#include "gtest/gtest.h"

namespace moderato::server {
namespace {

const ClickToken kToken{
    .campaign = "demo.isil", .item = "starter-en-007", .language = "en", .day = 20'426};

TEST(ClickTokenTest, SignedTokenVerifiesWithinItsAge) {
  const std::string token = SignClickToken(kToken, "secret");
  EXPECT_EQ(token.rfind("v1~demo.isil~starter-en-007~en~20426~", 0), 0u) << token;
  for (std::int64_t today : {20'426, 20'430, 20'433}) {
    Result<ClickToken> back = VerifyClickToken(token, "secret", today, 7);
    ASSERT_TRUE(back.ok()) << today;
    EXPECT_EQ(*back, kToken);
  }
  EXPECT_FALSE(VerifyClickToken(token, "secret", 20'434, 7).ok()) << "expired";
  EXPECT_FALSE(VerifyClickToken(token, "secret", 20'425, 7).ok()) << "from the future";
}

TEST(ClickTokenTest, EmptyLanguageRoundTrips) {
  ClickToken t = kToken;
  t.language = "";
  Result<ClickToken> back = VerifyClickToken(SignClickToken(t, "k"), "k", t.day, 0);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, t);
}

TEST(ClickTokenTest, AnyChangedByteOrAnotherSecretIsRejected) {
  const std::string token = SignClickToken(kToken, "secret");
  EXPECT_FALSE(VerifyClickToken(token, "other", kToken.day, 7).ok());
  for (std::size_t i = 0; i < token.size(); ++i) {
    std::string t = token;
    t[i] = t[i] == '1' ? '2' : '1';
    EXPECT_FALSE(VerifyClickToken(t, "secret", kToken.day, 7).ok()) << i;
  }
  // Another campaign with the signature of this one.
  std::string swapped = token;
  swapped.replace(3, 9, "demo.aqxx");
  EXPECT_FALSE(VerifyClickToken(swapped, "secret", kToken.day, 7).ok());
}

TEST(ClickTokenTest, ParserRejectsMalformedTokens) {
  const std::string mac(64, 'a');
  for (const std::string& bad :
       {std::string(), std::string("v1"), "v2~a~b~en~1~" + mac, "v1~a~b~de~1~" + mac,
        "v1~a b~b~en~1~" + mac, "v1~~b~en~1~" + mac, "v1~a~b~en~01~" + mac, "v1~a~b~en~-1~" + mac,
        "v1~a~b~en~1234567~" + mac, "v1~a~b~en~1~" + mac + "0",
        "v1~a~b~en~1~" + std::string(64, 'A'), "v1~a~b~en~1~" + mac + "~x",
        std::string(kMaxClickTokenBytes + 1, 'a')}) {
    EXPECT_FALSE(ParseClickToken(bad).ok()) << bad;
  }
  EXPECT_TRUE(ParseClickToken("v1~a~b~en~1~" + mac).ok());
}

}  // namespace
}  // namespace moderato::server
