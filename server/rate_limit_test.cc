// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "server/rate_limit.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace moderato::server {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const std::chrono::steady_clock::time_point kT0 =
    std::chrono::steady_clock::time_point() + seconds(1000);

TEST(RateLimiterTest, AllowsABurstThenAsksToWait) {
  RateLimiter limiter(/*per_second=*/1, /*burst=*/3);
  EXPECT_EQ(limiter.Acquire("k", kT0), 0);
  EXPECT_EQ(limiter.Acquire("k", kT0), 0);
  EXPECT_EQ(limiter.Acquire("k", kT0), 0);
  EXPECT_EQ(limiter.Acquire("k", kT0), 1);
  EXPECT_EQ(limiter.Acquire("k", kT0 + milliseconds(999)), 1);
  EXPECT_EQ(limiter.Acquire("k", kT0 + milliseconds(1000)), 0);
}

TEST(RateLimiterTest, RoundsTheWaitUpToWholeSeconds) {
  RateLimiter limiter(/*per_second=*/0.1, /*burst=*/1);
  EXPECT_EQ(limiter.Acquire("k", kT0), 0);
  EXPECT_EQ(limiter.Acquire("k", kT0), 10);
  EXPECT_EQ(limiter.Acquire("k", kT0 + milliseconds(500)), 10);  // 9.5 s rounds up
  EXPECT_EQ(limiter.Acquire("k", kT0 + seconds(9)), 1);
}

TEST(RateLimiterTest, KeysAreIndependent) {
  RateLimiter limiter(1, 1);
  EXPECT_EQ(limiter.Acquire("a", kT0), 0);
  EXPECT_GT(limiter.Acquire("a", kT0), 0);
  EXPECT_EQ(limiter.Acquire("b", kT0), 0);
}

TEST(RateLimiterTest, ZeroRateIsUnlimited) {
  RateLimiter limiter(0, 0);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(limiter.Acquire("k", kT0), 0);
  EXPECT_EQ(limiter.size(), 0u);
}

TEST(RateLimiterTest, RefillIsCappedAtBurst) {
  RateLimiter limiter(10, 2);
  EXPECT_EQ(limiter.Acquire("k", kT0), 0);
  EXPECT_EQ(limiter.Acquire("k", kT0 + seconds(100)), 0);
  EXPECT_EQ(limiter.Acquire("k", kT0 + seconds(100)), 0);
  EXPECT_GT(limiter.Acquire("k", kT0 + seconds(100)), 0);
}

TEST(RateLimiterTest, MemoryIsBounded) {
  RateLimiter limiter(1, 5, /*max_keys=*/1600);
  for (int i = 0; i < 100'000; ++i) {
    (void)limiter.Acquire("key" + std::to_string(i), kT0 + milliseconds(i));
  }
  EXPECT_LE(limiter.size(), 1600u);
}

TEST(RateLimiterTest, EvictsTheLeastRecentlyUsedBucketsFirst) {
  RateLimiter limiter(1, 1, /*max_keys=*/64);
  EXPECT_EQ(limiter.Acquire("hot", kT0), 0);
  // Many keys last seen before "hot" pass by; "hot" keeps its empty bucket.
  for (int i = 0; i < 1000; ++i) {
    (void)limiter.Acquire("cold" + std::to_string(i), kT0 - seconds(10) + milliseconds(i));
  }
  EXPECT_LE(limiter.size(), 64u);
  EXPECT_GT(limiter.Acquire("hot", kT0 + milliseconds(500)), 0);
}

TEST(RateLimiterTest, DropsRefilledBucketsWithoutChangingAnswers) {
  RateLimiter limiter(1, 2, /*max_keys=*/16);
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(limiter.Acquire("k" + std::to_string(i), kT0 + seconds(3 * i)), 0);
  }
  // Every bucket but the newest had refilled, so at most one per shard is kept.
  EXPECT_LE(limiter.size(), 16u);
}

TEST(RateLimiterTest, ConcurrentCallersShareOneBucket) {
  RateLimiter limiter(1e-6, 1000);
  std::atomic<int> granted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        if (limiter.Acquire("shared", kT0) == 0) granted.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(granted.load(), 1000);
}

}  // namespace
}  // namespace moderato::server
