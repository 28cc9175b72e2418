// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "scan/ordered_pipeline.h"

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace moderato::internal {
namespace {

struct Batch {
  std::vector<int> inputs;
  std::vector<int> outputs;
};

// Squares 0..n-1 in batches of 7 on `threads` threads, with uneven work so
// batches finish out of order, and returns what `write` saw, in order.
std::vector<int> RunSquares(int threads, int n, std::size_t max_in_flight,
                            std::size_t* peak = nullptr) {
  int next = 0;
  std::vector<int> written;
  std::atomic<int> alive{0};
  std::atomic<int> peak_alive{0};
  RunOrderedPipeline<Batch>(
      threads, max_in_flight,
      [&](Batch& b) {
        for (int i = 0; i < 7 && next < n; ++i) b.inputs.push_back(next++);
        if (b.inputs.empty()) return false;
        int a = ++alive;
        int p = peak_alive.load();
        while (a > p && !peak_alive.compare_exchange_weak(p, a)) {
        }
        return true;
      },
      [](Batch& b) {
        if (b.inputs[0] % 3 == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));
        for (int x : b.inputs) b.outputs.push_back(x * x);
      },
      [&](Batch& b) {
        written.insert(written.end(), b.outputs.begin(), b.outputs.end());
        --alive;
      });
  if (peak) *peak = static_cast<std::size_t>(peak_alive.load());
  return written;
}

TEST(OrderedPipelineTest, ThreadedOutputMatchesSingleThreadedOracle) {
  std::vector<int> oracle = RunSquares(1, 1000, 4);
  ASSERT_EQ(oracle.size(), 1000u);
  EXPECT_EQ(oracle[999], 999 * 999);
  for (int threads : {2, 3, 8}) {
    EXPECT_EQ(RunSquares(threads, 1000, 4), oracle) << "threads=" << threads;
  }
}

TEST(OrderedPipelineTest, BoundsBatchesInFlight) {
  std::size_t peak = 0;
  RunSquares(4, 5000, 6, &peak);
  // The reader waits for room before filling a batch, so the bound is exact.
  EXPECT_LE(peak, 6u);
  EXPECT_GE(peak, 1u);
}

TEST(OrderedPipelineTest, EmptyInputWritesNothing) {
  EXPECT_TRUE(RunSquares(2, 0, 4).empty());
  EXPECT_TRUE(RunSquares(1, 0, 4).empty());
}

}  // namespace
}  // namespace moderato::internal
