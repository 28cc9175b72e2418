// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/hash/hash256.h"

#include "gtest/gtest.h"

namespace moderato {
namespace {

TEST(Hash256Test, LastHexDigitsAreTheLowBits) {
  // Bit k is DCT cell (k/16, k%16): bit 0 is the last hex digit's low bit.
  Hash256 h;
  h.set_bit(0);
  h.set_bit(255);
  std::string hex = ToHex(h);
  EXPECT_EQ(hex.front(), '8');
  EXPECT_EQ(hex.back(), '1');
  EXPECT_EQ(hex.substr(1, 62), std::string(62, '0'));
}

TEST(Hash256Test, RoundTripsAPublishedHash) {
  const std::string hex = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
  auto h = ParseHash256Hex(hex);
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(ToHex(*h), hex);
  EXPECT_EQ(h->words[3], 0xf8f8f0cee0f4a84fULL);
  EXPECT_EQ(h->words[0], 0x33e6b39c4e9c9b22ULL);
}

TEST(Hash256Test, UppercaseIsAcceptedAndPrintedLowercase) {
  auto h = ParseHash256Hex(std::string(63, 'A') + "b");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(ToHex(*h), std::string(63, 'a') + "b");
}

TEST(Hash256Test, RejectsWrongLengthAndNonHex) {
  EXPECT_EQ(ParseHash256Hex("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseHash256Hex(std::string(65, '0')).status().code(), StatusCode::kInvalidArgument);
  std::string bad(64, '0');
  bad[10] = 'g';
  auto r = ParseHash256Hex(bad);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("position 11"), std::string::npos);
}

TEST(Hash256Test, DistanceCountsDifferingBits) {
  Hash256 a, b;
  EXPECT_EQ(HammingDistance(a, b), 0);
  b.set_bit(3);
  b.set_bit(70);
  b.set_bit(200);
  EXPECT_EQ(HammingDistance(a, b), 3);
  b.words = {~0ULL, ~0ULL, ~0ULL, ~0ULL};
  EXPECT_EQ(HammingDistance(a, b), 256);
  EXPECT_EQ(b.popcount(), 256);
}

}  // namespace
}  // namespace moderato
