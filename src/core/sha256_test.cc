// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/core/sha256.h"

#include "gtest/gtest.h"

namespace moderato {
namespace {

// Expected values are the FIPS 180-2 examples ("abc", the empty string),
// an oracle independent of this code.
TEST(Sha256HexOfTest, KnownAnswers) {
  EXPECT_EQ(Sha256HexOf({"abc"}),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256HexOf({}), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256HexOf({""}), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256HexOfTest, PartsAreConcatenated) {
  EXPECT_EQ(Sha256HexOf({"a", "", "bc"}), Sha256HexOf({"abc"}));
  EXPECT_NE(Sha256HexOf({"ab", "c"}), Sha256HexOf({"abd"}));
  std::string with_nul("a\0c", 3);
  EXPECT_NE(Sha256HexOf({with_nul}), Sha256HexOf({"ac"}));
}

}  // namespace
}  // namespace moderato
