// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Conformance of PdqFromBytes with every shared PDQ vector
// (../shared/data/pdq-vectors, provenance in its PROVENANCE.md):
//   - lossless-png/*.png with the 512 pre-resize == cpp_cli_preresize512.csv
//     (decoder-independent, the strict vectors);
//   - every image of core_fullres_no_preresize.csv without pre-resize;
//   - every image row of cpp_cli_preresize512.csv with pre-resize;
//   - the 8 dihedral variants of bridge-1 == the CLI's --pdqdih output;
//   - fast mode within 10 bits of exact on quality >= 80 JPEGs.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "hash/pdq_testing.h"
#include "moderato/hash/hash256.h"
#include "moderato/hash/image.h"
#include "moderato/hash/pdq.h"

namespace moderato {
namespace {

using pdq_testing::ReadCsv;
using pdq_testing::ReadVector;
using pdq_testing::VectorsDir;

struct Expected {
  std::string hex;
  int quality = 0;
};

std::map<std::string, Expected> ExpectedByPath(const std::string& csv) {
  std::map<std::string, Expected> out;
  for (auto& row : ReadCsv(csv)) {
    if (row["pdq_hex"].size() != 64) continue;  // UNSUPPORTED rows
    out[row["path"]] = {row["pdq_hex"], std::stoi(row["quality"])};
  }
  return out;
}

// Hashes `path` and compares; returns true when bit-exact and quality equal.
bool CheckOne(const std::string& path, const Expected& expected, const PdqOptions& options) {
  std::vector<uint8_t> bytes = ReadVector(path);
  EXPECT_FALSE(bytes.empty()) << path;
  Result<PdqResult> got = PdqFromBytes(bytes, {}, options);
  EXPECT_TRUE(got.ok()) << path << ": " << got.status();
  if (!got.ok()) return false;
  Result<Hash256> want = ParseHash256Hex(expected.hex);
  EXPECT_TRUE(want.ok());
  const int distance = HammingDistance(got->hash, *want);
  EXPECT_EQ(ToHex(got->hash), expected.hex) << path << " distance " << distance;
  EXPECT_EQ(got->quality, expected.quality) << path;
  return distance == 0 && got->quality == expected.quality;
}

TEST(PdqConformanceTest, EveryLosslessPngMatchesTheCliBitExactly) {
  const auto expected = ExpectedByPath("expected/cpp_cli_preresize512.csv");
  int checked = 0;
  int exact = 0;
  for (const auto& entry : std::filesystem::directory_iterator(VectorsDir() + "lossless-png")) {
    const std::string path = "lossless-png/" + entry.path().filename().string();
    auto it = expected.find(path);
    ASSERT_NE(it, expected.end()) << "no expected hash for " << path;
    ++checked;
    exact += CheckOne(path, it->second, {.preresize_512 = true});
  }
  EXPECT_EQ(checked, 30);
  std::printf("lossless-png: %d/%d bit-exact\n", exact, checked);
}

TEST(PdqConformanceTest, EveryCoreFullResolutionVectorMatchesBitExactly) {
  const auto expected = ExpectedByPath("expected/core_fullres_no_preresize.csv");
  int exact = 0;
  for (const auto& [path, want] : expected) exact += CheckOne(path, want, {});
  EXPECT_EQ(expected.size(), 31u);
  std::printf("core full-res: %d/%zu bit-exact\n", exact, expected.size());
}

TEST(PdqConformanceTest, EveryCliImageRowMatchesWithPreresize) {
  const auto expected = ExpectedByPath("expected/cpp_cli_preresize512.csv");
  int checked = 0;
  int exact = 0;
  for (const auto& [path, want] : expected) {
    if (path.rfind("images/", 0) != 0) continue;
    ++checked;
    exact += CheckOne(path, want, {.preresize_512 = true});
  }
  EXPECT_EQ(checked, 31);
  std::printf("cli images: %d/%d bit-exact\n", exact, checked);
}

TEST(PdqConformanceTest, DihedralVariantsOfBridgeMatchTheCli) {
  std::vector<uint8_t> bytes = ReadVector("images/reg-test-input/dih/bridge-1-original.jpg");
  Result<PdqDihedralResult> got = PdqDihedralFromBytes(bytes, {}, {.preresize_512 = true});
  ASSERT_TRUE(got.ok()) << got.status();
  int rows = 0;
  for (auto& row : ReadCsv("expected/cpp_cli_dihedral_bridge-1-original.csv")) {
    bool found = false;
    for (Dihedral d : kAllDihedrals) {
      std::string name(DihedralName(d));
      std::string want = row["transform"];
      std::transform(want.begin(), want.end(), want.begin(), ::tolower);
      if (name != want) continue;
      found = true;
      EXPECT_EQ(ToHex((*got)[d]), row["pdq_hex"]) << name;
    }
    EXPECT_TRUE(found) << row["transform"];
    EXPECT_EQ(got->quality, std::stoi(row["quality"]));
    ++rows;
  }
  EXPECT_EQ(rows, 8);
}

TEST(PdqConformanceTest, FastModeStaysWithinTenBitsOfExactOnGoodJpegs) {
  // Distribution per image group, printed for docs/pdq.md.
  std::map<std::string, std::vector<int>> by_group;
  for (const auto& [path, want] : ExpectedByPath("expected/core_fullres_no_preresize.csv")) {
    if (path.size() < 4 || path.substr(path.size() - 4) != ".jpg") continue;
    std::vector<uint8_t> bytes = ReadVector(path);
    Result<PdqResult> exact = PdqFromBytes(bytes);
    Result<PdqResult> fast = PdqFromBytes(bytes, {}, {.mode = HashMode::kFast});
    ASSERT_TRUE(exact.ok() && fast.ok()) << path;
    const int distance = HammingDistance(exact->hash, fast->hash);
    if (exact->quality >= 80) {
      EXPECT_LE(distance, 10) << path;
    }
    Result<ImageHeader> header = ReadImageHeader(bytes);
    ASSERT_TRUE(header.ok());
    std::printf("fast mode: %-52s %4ux%-4u 1/%d quality %3d->%3d distance %d\n", path.c_str(),
                header->width, header->height, PdqFastJpegScaleDenom(header->width, header->height),
                exact->quality, fast->quality, distance);
    by_group[path.substr(0, path.rfind('/'))].push_back(distance);
  }
  for (auto& [group, distances] : by_group) {
    std::sort(distances.begin(), distances.end());
    std::printf("fast mode: %-40s n=%2zu min %d median %d max %d\n", group.c_str(),
                distances.size(), distances.front(), distances[(distances.size() - 1) / 2],
                distances.back());
  }
}

TEST(PdqConformanceTest, FastModeLeavesPngAlone) {
  std::vector<uint8_t> bytes = ReadVector("lossless-png/bridge-mods__aaa-orig.png");
  EXPECT_EQ(*PdqFromBytes(bytes, {}, {.mode = HashMode::kFast}), *PdqFromBytes(bytes));
}

}  // namespace
}  // namespace moderato
