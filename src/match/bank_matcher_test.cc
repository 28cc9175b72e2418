// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/match/bank_matcher.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <random>
#include <thread>

#include "gtest/gtest.h"
#include "moderato/hash/text_signature.h"

namespace moderato {
namespace {

Hash256 RandomHash(std::mt19937_64& rng) {
  Hash256 h;
  for (uint64_t& w : h.words) w = rng();
  return h;
}

Hash256 FlipBits(Hash256 h, int n) {
  for (int k = 0; k < n; ++k) h.words[k % 4] ^= uint64_t{1} << (k * 7 % 64);
  return h;
}

Signal MakeSignal(SignalType type, std::string value, int quality = -1) {
  Signal s;
  s.type = type;
  s.value = std::move(value);
  s.quality = quality;
  return s;
}

class BankMatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenSqliteBankStore(":memory:");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }

  void CreateBank(const std::string& name, int threshold = 31, bool suppression = false,
                  int quality_min = 50) {
    Bank bank;
    bank.name = name;
    bank.pdq_threshold = threshold;
    bank.suppression = suppression;
    bank.pdq_quality_min = quality_min;
    ASSERT_TRUE(store_->CreateBank(bank).ok());
  }

  int64_t Add(const std::string& bank, Signal signal) {
    auto r = store_->AddSignals(bank, std::vector<Signal>{signal});
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->ids[0] : 0;
  }

  std::vector<BankMatch> Match(const MatchQuery& q, const std::optional<std::string>& bank = {},
                               const BankMatcherOptions& options = {}) {
    auto matcher = BankMatcher::Build(*store_, options);
    EXPECT_TRUE(matcher.ok()) << matcher.status();
    auto matches = (*matcher)->Match(q, bank);
    EXPECT_TRUE(matches.ok()) << matches.status();
    return *matches;
  }

  std::unique_ptr<BankStore> store_;
  std::mt19937_64 rng_{7};
};

TEST_F(BankMatcherTest, EachBankAppliesItsOwnThreshold) {
  CreateBank("strict", 10);
  CreateBank("loose", 31);
  Hash256 h = RandomHash(rng_);
  Add("strict", MakeSignal(SignalType::kPdq, ToHex(h), 100));
  int64_t loose_id = Add("loose", MakeSignal(SignalType::kPdq, ToHex(h), 100));
  MatchQuery q;
  q.pdq = {FlipBits(h, 20)};
  std::vector<BankMatch> matches = Match(q);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].bank, "loose");
  EXPECT_EQ(matches[0].signal_id, loose_id);
  EXPECT_EQ(matches[0].distance, 20);
  EXPECT_EQ(matches[0].kind, "pdq");

  q.pdq = {FlipBits(h, 31)};
  EXPECT_EQ(Match(q).size(), 1u);  // inclusive radius
  q.pdq = {FlipBits(h, 32)};
  EXPECT_TRUE(Match(q).empty());
  q.pdq = {FlipBits(h, 10)};
  EXPECT_EQ(Match(q).size(), 2u);
}

TEST_F(BankMatcherTest, QualityGateAppliesToBothSides) {
  CreateBank("b", 31, false, 50);
  Hash256 good = RandomHash(rng_);
  Hash256 poor = RandomHash(rng_);
  Add("b", MakeSignal(SignalType::kPdq, ToHex(good), 90));
  Add("b", MakeSignal(SignalType::kPdq, ToHex(poor), 40));
  MatchQuery q;
  q.pdq = {good};
  q.pdq_quality = 100;
  EXPECT_EQ(Match(q).size(), 1u);
  q.pdq = {poor};
  EXPECT_TRUE(Match(q).empty()) << "a bank hash below the gate never matches";
  q.pdq = {good};
  q.pdq_quality = 49;
  EXPECT_TRUE(Match(q).empty()) << "a query below the gate never matches";
}

TEST_F(BankMatcherTest, ReportsWhichDihedralVariantMatched) {
  CreateBank("b");
  std::vector<Hash256> variants;
  for (int i = 0; i < 8; ++i) variants.push_back(RandomHash(rng_));
  Add("b", MakeSignal(SignalType::kPdq, ToHex(FlipBits(variants[5], 3)), 100));
  MatchQuery q;
  q.pdq = variants;
  std::vector<BankMatch> matches = Match(q);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].variant, 5);
  EXPECT_EQ(matches[0].distance, 3);
}

TEST_F(BankMatcherTest, SuppressionBankCancelsOtherMatches) {
  CreateBank("terror");
  CreateBank("known-fp", 31, /*suppression=*/true);
  Hash256 h = RandomHash(rng_);
  Hash256 other = RandomHash(rng_);
  Add("terror", MakeSignal(SignalType::kPdq, ToHex(h), 100));
  Add("terror", MakeSignal(SignalType::kPdq, ToHex(other), 100));
  Add("known-fp", MakeSignal(SignalType::kPdq, ToHex(FlipBits(h, 4)), 100));
  MatchQuery q;
  q.pdq = {h};
  std::vector<BankMatch> matches = Match(q);
  ASSERT_EQ(matches.size(), 2u);
  for (const BankMatch& m : matches) {
    EXPECT_EQ(m.suppressed, m.bank == "terror");
    EXPECT_EQ(m.suppression, m.bank == "known-fp");
  }
  // Restricted to one bank, the suppression bank still cancels.
  matches = Match(q, std::string("terror"));
  ASSERT_EQ(matches.size(), 2u);
  // An item the suppression bank does not hold is not cancelled.
  q.pdq = {other};
  matches = Match(q);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_FALSE(matches[0].suppressed);
}

TEST_F(BankMatcherTest, DisabledBanksAndSignalsDoNotMatch) {
  CreateBank("b");
  Hash256 h = RandomHash(rng_);
  int64_t id = Add("b", MakeSignal(SignalType::kPdq, ToHex(h), 100));
  MatchQuery q;
  q.pdq = {h};
  ASSERT_EQ(Match(q).size(), 1u);
  ASSERT_TRUE(store_->SetSignalEnabled(id, false).ok());
  EXPECT_TRUE(Match(q).empty());
  ASSERT_TRUE(store_->SetSignalEnabled(id, true).ok());
  Bank bank = *store_->GetBank("b");
  bank.enabled = false;
  ASSERT_TRUE(store_->UpdateBank(bank).ok());
  EXPECT_TRUE(Match(q).empty());
}

TEST_F(BankMatcherTest, ExactDigestsAndBankFilter) {
  CreateBank("a");
  CreateBank("b");
  const std::string md5 = "900150983cd24fb0d6963f7d28e17f72";
  const std::string sha = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  Add("a", MakeSignal(SignalType::kMd5, md5));
  Add("b", MakeSignal(SignalType::kSha256, sha));
  MatchQuery q;
  q.md5 = md5;
  q.sha256 = sha;
  std::vector<BankMatch> matches = Match(q);
  ASSERT_EQ(matches.size(), 2u);
  matches = Match(q, std::string("b"));
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].kind, "sha256");
  q.md5 = "00000000000000000000000000000000";
  q.sha256.clear();
  EXPECT_TRUE(Match(q).empty());
}

TEST_F(BankMatcherTest, UrlsMatchExactlyAndBareHostsCoverSubdomains) {
  CreateBank("urls");
  Add("urls", MakeSignal(SignalType::kUrl, "https://example.org/statement"));
  Add("urls", MakeSignal(SignalType::kUrl, "https://outlet.example"));
  MatchQuery q;
  q.urls = {"https://example.org/statement", "https://example.org/other",
            "https://cdn.outlet.example/video?id=1", "https://notoutlet.example/x"};
  std::vector<BankMatch> matches = Match(q);
  ASSERT_EQ(matches.size(), 2u);
  std::sort(matches.begin(), matches.end(),
            [](const BankMatch& a, const BankMatch& b) { return a.variant < b.variant; });
  EXPECT_EQ(matches[0].kind, "url");
  EXPECT_EQ(matches[0].variant, 0);
  EXPECT_EQ(matches[1].kind, "host");
  EXPECT_EQ(matches[1].variant, 2);
}

TEST_F(BankMatcherTest, PdqIndexIsCachedBySequence) {
  CreateBank("b");
  Hash256 h = RandomHash(rng_);
  Add("b", MakeSignal(SignalType::kPdq, ToHex(h), 100));
  std::string dir = ::testing::TempDir() + "/bank_matcher_cache_" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  BankMatcherOptions options;
  options.pdq_cache_path = dir + "/index";
  options.cache_min_pdq = 1;
  auto first = BankMatcher::Build(*store_, options);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE((*first)->stats().pdq_from_cache);
  auto second = BankMatcher::Build(*store_, options);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE((*second)->stats().pdq_from_cache);
  MatchQuery q;
  q.pdq = {h};
  EXPECT_EQ((*second)->Match(q)->size(), 1u);
  // A change to the signals moves the sequence: the cache is not used.
  Hash256 h2 = RandomHash(rng_);
  Add("b", MakeSignal(SignalType::kPdq, ToHex(h2), 100));
  auto third = BankMatcher::Build(*store_, options);
  ASSERT_TRUE(third.ok());
  EXPECT_FALSE((*third)->stats().pdq_from_cache);
  q.pdq = {h2};
  EXPECT_EQ((*third)->Match(q)->size(), 1u);
  std::filesystem::remove_all(dir);
}

// A neutral synthetic text of `words` words.
std::string SyntheticText(int words, uint64_t seed) {
  static const char* kVocabulary[] = {"river",  "market", "garden", "school", "bridge", "window",
                                      "winter", "letter", "museum", "bakery", "forest", "harbour",
                                      "candle", "ladder", "pencil", "orchard"};
  std::mt19937_64 rng(seed);
  std::string text;
  for (int i = 0; i < words; ++i) {
    if (i) text += ' ';
    text += kVocabulary[rng() % 16];
    text += std::to_string(rng() % 50);
  }
  return text;
}

TEST_F(BankMatcherTest, KnownTextsMatchEditedCopies) {
  CreateBank("texts");
  std::string known = SyntheticText(200, 1);
  auto sig = ComputeTextSignature(known);
  ASSERT_TRUE(sig.ok());
  int64_t id = Add("texts", MakeSignal(SignalType::kText, FormatTextSignature(*sig)));
  // An edited copy: a few words inserted at the start and the end dropped.
  std::string edited = "a short preface " + known.substr(0, known.size() * 9 / 10);
  MatchQuery q;
  q.text_signature = FormatTextSignature(*ComputeTextSignature(edited));
  std::vector<BankMatch> matches = Match(q);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].signal_id, id);
  EXPECT_EQ(matches[0].kind, "text");
  EXPECT_GE(matches[0].similarity, kTextMatchThreshold);
  q.text_signature = FormatTextSignature(*ComputeTextSignature(SyntheticText(200, 2)));
  EXPECT_TRUE(Match(q).empty());
  q.text_signature = "not a signature";
  auto matcher = BankMatcher::Build(*store_, {});
  ASSERT_TRUE(matcher.ok());
  EXPECT_EQ((*matcher)->Match(q).status().code(), StatusCode::kInvalidArgument);
}

// Refresh against a fresh Build as the oracle: after random adds, removals,
// enables, disables, bank setting changes and a bank deletion, both must
// answer every query identically.
TEST_F(BankMatcherTest, RefreshFollowsTheStoreLikeAFreshBuild) {
  CreateBank("a", 20);
  CreateBank("b", 31);
  CreateBank("fp", 10, /*suppression=*/true);
  std::vector<Hash256> hashes;
  for (int i = 0; i < 60; ++i) hashes.push_back(RandomHash(rng_));
  auto matcher = BankMatcher::Build(*store_, {});
  ASSERT_TRUE(matcher.ok());
  std::vector<int64_t> ids;
  auto compare = [&](int round) {
    Result<int64_t> applied = (*matcher)->Refresh(*store_);
    ASSERT_TRUE(applied.ok()) << applied.status();
    auto fresh = BankMatcher::Build(*store_, {});
    ASSERT_TRUE(fresh.ok());
    EXPECT_EQ((*matcher)->sequence(), (*fresh)->sequence());
    for (const Hash256& h : hashes) {
      MatchQuery q;
      q.pdq = {FlipBits(h, 5)};
      q.md5 = ToHex(h).substr(0, 32);
      auto got = (*matcher)->Match(q);
      auto want = (*fresh)->Match(q);
      ASSERT_TRUE(got.ok() && want.ok());
      ASSERT_EQ(got->size(), want->size()) << "round " << round;
      for (size_t i = 0; i < got->size(); ++i) {
        EXPECT_EQ((*got)[i].signal_id, (*want)[i].signal_id) << "round " << round;
        EXPECT_EQ((*got)[i].suppressed, (*want)[i].suppressed) << "round " << round;
      }
    }
  };
  const char* banks[] = {"a", "b", "fp"};
  for (int round = 0; round < 6; ++round) {
    for (int k = 0; k < 15; ++k) {
      const Hash256& h = hashes[rng_() % hashes.size()];
      std::string bank = banks[rng_() % 3];
      switch (rng_() % 5) {
        case 0:
        case 1:
          ids.push_back(Add(bank, MakeSignal(SignalType::kPdq, ToHex(h), 40 + rng_() % 60)));
          break;
        case 2:
          ids.push_back(Add(bank, MakeSignal(SignalType::kMd5, ToHex(h).substr(0, 32))));
          break;
        case 3:
          if (!ids.empty()) (void)store_->RemoveSignal(ids[rng_() % ids.size()]);
          break;
        case 4:
          if (!ids.empty()) (void)store_->SetSignalEnabled(ids[rng_() % ids.size()], rng_() % 2);
          break;
      }
    }
    if (round == 3) {
      Bank a = *store_->GetBank("a");
      a.pdq_threshold = 31;
      a.pdq_quality_min = 70;
      ASSERT_TRUE(store_->UpdateBank(a).ok());
    }
    if (round == 4) {
      ASSERT_TRUE(store_->DeleteBank("b").ok());
      CreateBank("b", 25);
    }
    compare(round);
  }
  // Too many pending changes: nothing is applied.
  for (int i = 0; i < 5; ++i) Add("a", MakeSignal(SignalType::kPdq, ToHex(RandomHash(rng_)), 90));
  int64_t before = (*matcher)->sequence();
  EXPECT_EQ((*matcher)->Refresh(*store_, 2).status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ((*matcher)->sequence(), before);
  EXPECT_EQ(*(*matcher)->Refresh(*store_), 5);
}

// Queries run while another thread refreshes: every answer must come from
// one consistent view (ThreadSanitizer checks the synchronisation in CI).
TEST_F(BankMatcherTest, QueriesRunWhileRefreshing) {
  CreateBank("b");
  Hash256 anchor = RandomHash(rng_);
  Add("b", MakeSignal(SignalType::kPdq, ToHex(anchor), 100));
  auto matcher = BankMatcher::Build(*store_, {});
  ASSERT_TRUE(matcher.ok());
  std::atomic<bool> done{false};
  std::atomic<int> bad{0};
  std::thread reader([&] {
    MatchQuery q;
    q.pdq = {anchor};
    while (!done.load()) {
      auto matches = (*matcher)->Match(q);
      // The anchor is never removed: it is always found, exactly once.
      if (!matches.ok() || matches->size() != 1) ++bad;
    }
  });
  std::mt19937_64 rng(11);
  for (int round = 0; round < 20; ++round) {
    std::vector<Signal> batch;
    for (int i = 0; i < 20; ++i) {
      batch.push_back(MakeSignal(SignalType::kPdq, ToHex(RandomHash(rng)), 100));
    }
    ASSERT_TRUE(store_->AddSignals("b", batch).ok());
    ASSERT_TRUE((*matcher)->Refresh(*store_).ok());
  }
  done = true;
  reader.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ((*matcher)->stats().pdq, 401);
}

TEST(BankMatcherPackingTest, PackedIdsKeepBankQualityAndSignal) {
  uint64_t packed = BankMatcher::PackPdqId(65535, 100, (int64_t{1} << 40) - 1);
  EXPECT_EQ(packed >> 47, 65535u);
  EXPECT_EQ((packed >> 40) & 127, 101u);
  EXPECT_EQ(packed & ((uint64_t{1} << 40) - 1), (uint64_t{1} << 40) - 1);
  EXPECT_EQ((BankMatcher::PackPdqId(1, -1, 5) >> 40) & 127, 0u);
}

}  // namespace
}  // namespace moderato
