// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// A one-line progress bar on stderr for long commands (scan, hashing a
// directory, bank imports). Shown only when enabled (a terminal, or
// --progress always); redrawn at most every 250 ms.

#ifndef MODERATO_CLI_PROGRESS_H_
#define MODERATO_CLI_PROGRESS_H_

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace moderato::cli {

class Progress {
 public:
  Progress(bool enabled, std::uint64_t total_bytes)
      : enabled_(enabled), total_bytes_(total_bytes), start_(Clock::now()), last_(start_) {}

  void Update(std::uint64_t items, std::uint64_t bytes, bool force = false) {
    if (!enabled_) return;
    auto now = Clock::now();
    if (!force && now - last_ < std::chrono::milliseconds(250)) return;
    last_ = now;
    double seconds = std::chrono::duration<double>(now - start_).count();
    double rate = seconds > 0 ? items / seconds : 0;
    double mbps = seconds > 0 && bytes_ ? bytes / seconds / 1e6 : 0;
    if (total_bytes_ > 0) {
      double fraction = std::min(1.0, static_cast<double>(bytes) / total_bytes_);
      int width = 24;
      int filled = static_cast<int>(fraction * width);
      double eta = fraction > 0 ? seconds * (1 - fraction) / fraction : 0;
      std::fprintf(stderr, "\r[%.*s%*s] %5.1f%% %llu items %.0f/s", filled,
                   "########################", width - filled, "", fraction * 100,
                   static_cast<unsigned long long>(items), rate);
      if (bytes_) std::fprintf(stderr, " %.1f MB/s", mbps);
      std::fprintf(stderr, " ETA %.0fs   ", eta);
    } else {
      std::fprintf(stderr, "\r%llu items %.0f/s %.1f MB/s   ",
                   static_cast<unsigned long long>(items), rate, mbps);
    }
    std::fflush(stderr);
  }

  // Progress counts items (total = items expected), not bytes.
  void CountItems() { bytes_ = false; }

  void Finish() {
    if (enabled_) std::fprintf(stderr, "\r%*s\r", 78, "");
  }

 private:
  using Clock = std::chrono::steady_clock;
  bool enabled_;
  bool bytes_ = true;
  std::uint64_t total_bytes_;
  Clock::time_point start_;
  Clock::time_point last_;
};

// "auto" shows the bar only when stderr is a terminal and the command is not quiet.
inline bool ShowProgress(const std::string& mode, bool quiet) {
  return mode == "always" || (mode == "auto" && !quiet && isatty(STDERR_FILENO));
}

}  // namespace moderato::cli

#endif  // MODERATO_CLI_PROGRESS_H_
