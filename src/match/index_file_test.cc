// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "match/index_file.h"

#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "match/test_data.h"
#include "moderato/match/hamming.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace moderato {
namespace {

using ::testing::HasSubstr;
using testing_data::ClusteredHashes;
using testing_data::FlipBits;
using testing_data::RandomHash;
using testing_data::SlowSearch;

class IndexFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("moderato_index_file_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  static std::string ReadAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  // A saved index with a few removals and delta entries, and its contents.
  std::string SavedIndexBytes(std::vector<std::uint64_t>* ids, std::vector<Hash256>* hashes) {
    std::mt19937_64 rng(30);
    std::vector<Hash256> h = ClusteredHashes(300, 30, rng);
    std::vector<std::uint64_t> i;
    for (std::size_t k = 0; k < h.size(); ++k) i.push_back(1000 - k);
    auto index = HammingIndex::Build(i, h);
    EXPECT_TRUE(index.ok());
    EXPECT_TRUE((*index)->Remove(1000));
    EXPECT_TRUE((*index)->Add(5, RandomHash(rng)).ok());
    (*index)->Publish();
    const std::string path = Path("saved.idx");
    EXPECT_TRUE((*index)->Save(path).ok());
    ids->clear();
    hashes->clear();
    (*index)->snapshot()->ForEach([&](std::uint64_t id, const Hash256& hash) {
      ids->push_back(id);
      hashes->push_back(hash);
    });
    return ReadAll(path);
  }

  // Recomputes both checksums so a test can exercise the structural checks.
  static void Reseal(std::string* bytes) {
    const std::uint64_t payload = XXH3_64bits(bytes->data() + 64, bytes->size() - 64);
    std::memcpy(bytes->data() + 48, &payload, 8);
    const std::uint64_t header = XXH3_64bits(bytes->data(), 56);
    std::memcpy(bytes->data() + 56, &header, 8);
  }

  static void ExpectDataLoss(const std::string& bytes, const std::string& message) {
    Result<std::unique_ptr<HammingIndex>> r = HammingIndex::Parse(bytes);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << r.status();
    EXPECT_THAT(r.status().message(), HasSubstr(message));
  }

  std::filesystem::path dir_;
};

TEST_F(IndexFileTest, RoundTripPreservesEntriesAndSearchResults) {
  std::vector<std::uint64_t> ids;
  std::vector<Hash256> hashes;
  SavedIndexBytes(&ids, &hashes);
  auto loaded = HammingIndex::Load(Path("saved.idx"));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  std::shared_ptr<const HammingSnapshot> snap = (*loaded)->snapshot();
  ASSERT_EQ(snap->size(), ids.size());
  EXPECT_EQ(snap->version(), 1u);
  std::vector<std::uint64_t> got_ids;
  snap->ForEach([&](std::uint64_t id, const Hash256&) { got_ids.push_back(id); });
  EXPECT_EQ(got_ids, ids);
  std::mt19937_64 rng(31);
  for (int radius : {0, 10, 31, 63}) {
    const std::vector<Hash256> q = {FlipBits(hashes[7], 9, rng), hashes[100]};
    std::vector<HammingMatch> got;
    snap->Search(q, radius, &got, SearchStrategy::kMultiIndex);
    EXPECT_EQ(got, SlowSearch(ids, hashes, q, radius));
  }
  // The loaded index is a normal writer.
  EXPECT_TRUE((*loaded)->Add(1, RandomHash(rng)).ok());
  EXPECT_EQ((*loaded)->Add(ids[0], RandomHash(rng)).code(), StatusCode::kFailedPrecondition);
}

TEST_F(IndexFileTest, SaveReplacesAtomicallyAndLeavesNoTemporaryFiles) {
  HammingIndex empty;
  const std::string path = Path("a.idx");
  ASSERT_TRUE(empty.Save(path).ok());
  std::vector<std::uint64_t> ids;
  std::vector<Hash256> hashes;
  const std::string bytes = SavedIndexBytes(&ids, &hashes);
  EXPECT_EQ(bytes.size(), 64 + 40 * ids.size());
  ASSERT_TRUE(empty.Save(path).ok());
  EXPECT_EQ(ReadAll(path).size(), 64u);
  auto loaded = HammingIndex::Load(path);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ((*loaded)->snapshot()->size(), 0u);
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir_)) {
    EXPECT_THAT(e.path().string(), ::testing::Not(HasSubstr(".tmp")));
    ++files;
  }
  EXPECT_EQ(files, 2);
}

TEST_F(IndexFileTest, MissingFileIsNotFoundAndBadDirectoryIsUnavailable) {
  auto r = HammingIndex::Load(Path("missing.idx"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  HammingIndex empty;
  EXPECT_EQ(empty.Save(Path("no/such/dir/x.idx")).code(), StatusCode::kUnavailable);
  auto dir = HammingIndex::Load(dir_.string());
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.status().code(), StatusCode::kDataLoss);
}

TEST_F(IndexFileTest, EveryTruncationIsDataLoss) {
  std::vector<std::uint64_t> ids;
  std::vector<Hash256> hashes;
  const std::string bytes = SavedIndexBytes(&ids, &hashes);
  for (std::size_t len = 0; len < bytes.size(); len += (len < 200 ? 1 : 97)) {
    Result<std::unique_ptr<HammingIndex>> r = HammingIndex::Parse(bytes.substr(0, len));
    ASSERT_FALSE(r.ok()) << len;
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << len;
  }
  ExpectDataLoss(bytes + "x", "");
}

TEST_F(IndexFileTest, EveryFlippedByteIsDataLoss) {
  std::vector<std::uint64_t> ids;
  std::vector<Hash256> hashes;
  const std::string bytes = SavedIndexBytes(&ids, &hashes);
  for (std::size_t pos = 0; pos < bytes.size(); pos += (pos < 128 ? 1 : 53)) {
    std::string bad = bytes;
    bad[pos] = static_cast<char>(bad[pos] ^ 0x20);
    Result<std::unique_ptr<HammingIndex>> r = HammingIndex::Parse(bad);
    ASSERT_FALSE(r.ok()) << pos;
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << pos;
  }
}

TEST_F(IndexFileTest, StructuralChecksNameTheProblem) {
  std::vector<std::uint64_t> ids;
  std::vector<Hash256> hashes;
  const std::string good = SavedIndexBytes(&ids, &hashes);
  ExpectDataLoss("", "truncated");
  std::string bad = good;
  bad[0] = 'X';
  ExpectDataLoss(bad, "bad magic");
  bad = good;
  bad[60] ^= 1;
  ExpectDataLoss(bad, "header checksum");
  bad = good;
  bad[100] ^= 1;
  ExpectDataLoss(bad, "payload checksum");

  bad = good;
  bad[8] = 2;
  Reseal(&bad);
  ExpectDataLoss(bad, "version 2");

  // A hostile count: must fail before allocating anything like 2^60 entries.
  bad = good;
  const std::uint64_t huge = std::uint64_t{1} << 60;
  std::memcpy(bad.data() + 16, &huge, 8);
  Reseal(&bad);
  ExpectDataLoss(bad, "holds at most");

  bad = good;
  const std::uint64_t offset = 72;
  std::memcpy(bad.data() + 24, &offset, 8);
  Reseal(&bad);
  ExpectDataLoss(bad, "section table");

  // Ids out of order (swap the first two).
  bad = good;
  std::swap_ranges(bad.begin() + 64, bad.begin() + 72, bad.begin() + 72);
  Reseal(&bad);
  ExpectDataLoss(bad, "not strictly ascending at entry 1");

  // The same file with checksums off still fails the structural checks.
  HammingIndexOptions no_checksums;
  no_checksums.verify_checksums = false;
  auto r = HammingIndex::Parse(bad, no_checksums);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
}

TEST_F(IndexFileTest, MaxEntriesIsEnforcedOnLoad) {
  std::vector<std::uint64_t> ids;
  std::vector<Hash256> hashes;
  const std::string good = SavedIndexBytes(&ids, &hashes);
  HammingIndexOptions small;
  small.max_entries = 10;
  auto r = HammingIndex::Parse(good, small);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(r.status().message(), HasSubstr("above the limit"));
}

}  // namespace
}  // namespace moderato
