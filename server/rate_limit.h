// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// RateLimiter: a token bucket per key (an API key, an organisation, a peer
// address). Each bucket holds up to `burst` tokens and refills at
// `per_second`; a request takes one token.
//
// Thread safety: Acquire() may be called concurrently. Keys are spread over
// 16 shards, each with its own mutex.
//
// Memory: at most `max_keys` buckets (default 100,000). A bucket idle long
// enough to have refilled completely is indistinguishable from a new one and
// is dropped first; if every bucket is active, the least recently used
// quarter of a shard is evicted (those keys get a fresh burst).
//
// Example:
//   RateLimiter limiter(/*per_second=*/50, /*burst=*/100);
//   if (double wait = limiter.Acquire(api_key, std::chrono::steady_clock::now()); wait > 0) {
//     // 429 with "Retry-After: <wait>"
//   }

#ifndef MODERATO_SERVER_RATE_LIMIT_H_
#define MODERATO_SERVER_RATE_LIMIT_H_

#include <array>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace moderato::server {

class RateLimiter {
 public:
  // per_second <= 0 means unlimited (Acquire() always returns 0). burst is
  // at least 1.
  RateLimiter(double per_second, double burst, std::size_t max_keys = 100'000);

  // Not copyable or movable: holds mutexes.
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Returns 0 when a request of `key` may proceed now (and takes a token),
  // else the whole number of seconds (>= 1) until a token is available, for
  // a Retry-After header. `now` must not go backwards by much; a time before
  // a bucket's last refill is treated as that time.
  double Acquire(std::string_view key, std::chrono::steady_clock::time_point now);

  // Returns the number of buckets held (for tests and metrics).
  std::size_t size() const;

 private:
  struct Bucket {
    double tokens = 0;
    std::chrono::steady_clock::time_point last;
  };
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<std::string, Bucket, StringHash, std::equal_to<>> buckets;  // guarded by mu
  };
  static constexpr std::size_t kShards = 16;

  // Frees room in `shard` (whose mutex is held) for one more bucket.
  void Evict(Shard& shard, std::chrono::steady_clock::time_point now);

  double per_second_;
  double burst_;
  std::size_t max_per_shard_;
  std::array<Shard, kShards> shards_;
};

}  // namespace moderato::server

#endif  // MODERATO_SERVER_RATE_LIMIT_H_
