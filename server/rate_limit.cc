// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "server/rate_limit.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace moderato::server {

RateLimiter::RateLimiter(double per_second, double burst, std::size_t max_keys)
    : per_second_(per_second > 0 && std::isfinite(per_second) ? per_second : 0),
      burst_(burst >= 1 && std::isfinite(burst) ? burst : 1),
      max_per_shard_(std::max<std::size_t>(1, (max_keys + kShards - 1) / kShards)) {}

std::size_t RateLimiter::size() const {
  std::size_t n = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mu);
    n += shard.buckets.size();
  }
  return n;
}

void RateLimiter::Evict(Shard& shard, std::chrono::steady_clock::time_point now) {
  // A bucket that has been idle for burst/rate seconds is full again: dropping
  // it changes no answer.
  const std::chrono::duration<double> full_after(burst_ / per_second_);
  std::erase_if(shard.buckets,
                [&](const auto& entry) { return now - entry.second.last >= full_after; });
  if (shard.buckets.size() < max_per_shard_) return;
  std::vector<std::chrono::steady_clock::time_point> times;
  times.reserve(shard.buckets.size());
  for (const auto& [key, bucket] : shard.buckets) times.push_back(bucket.last);
  auto quarter = times.begin() + static_cast<std::ptrdiff_t>(times.size() / 4);
  std::nth_element(times.begin(), quarter, times.end());
  const auto cutoff = *quarter;
  std::erase_if(shard.buckets, [&](const auto& entry) { return entry.second.last <= cutoff; });
}

double RateLimiter::Acquire(std::string_view key, std::chrono::steady_clock::time_point now) {
  if (per_second_ == 0) return 0;
  Shard& shard = shards_[std::hash<std::string_view>{}(key) % kShards];
  std::lock_guard lock(shard.mu);
  auto it = shard.buckets.find(key);
  if (it == shard.buckets.end()) {
    if (shard.buckets.size() >= max_per_shard_) Evict(shard, now);
    it = shard.buckets.emplace(std::string(key), Bucket{burst_, now}).first;
  }
  Bucket& b = it->second;
  if (now > b.last) {
    const double elapsed = std::chrono::duration<double>(now - b.last).count();
    b.tokens = std::min(burst_, b.tokens + elapsed * per_second_);
    b.last = now;
  }
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return 0;
  }
  return std::max(1.0, std::ceil((1 - b.tokens) / per_second_));
}

}  // namespace moderato::server
