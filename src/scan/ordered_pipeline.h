// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// RunOrderedPipeline: read batches on the calling thread, process them on
// `threads` workers, and hand them to `write` in input order, with at most
// `max_in_flight` batches alive at once (so memory stays constant however long
// the input is).
//
// With threads <= 1 everything runs on the calling thread: read, work, write,
// one batch at a time. That path is the oracle the threaded path is tested
// against.

#ifndef MODERATO_SCAN_ORDERED_PIPELINE_H_
#define MODERATO_SCAN_ORDERED_PIPELINE_H_

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace moderato::internal {

// `read(batch)` fills a fresh batch and returns false when input is exhausted
// (the batch is then dropped). `work(batch)` runs on a worker thread.
// `write(batch)` runs on one thread at a time, in the order batches were read.
template <typename Batch>
void RunOrderedPipeline(int threads, std::size_t max_in_flight,
                        const std::function<bool(Batch&)>& read,
                        const std::function<void(Batch&)>& work,
                        const std::function<void(Batch&)>& write) {
  if (threads <= 1) {
    while (true) {
      Batch batch;
      if (!read(batch)) return;
      work(batch);
      write(batch);
    }
  }
  if (max_in_flight < static_cast<std::size_t>(threads)) max_in_flight = threads;

  std::mutex mu;
  std::condition_variable cv_work;   // workers wait for queued batches
  std::condition_variable cv_done;   // the writer waits for the next batch
  std::condition_variable cv_space;  // the reader waits for room
  std::deque<std::pair<std::uint64_t, std::unique_ptr<Batch>>> queue;
  std::map<std::uint64_t, std::unique_ptr<Batch>> done;
  std::size_t in_flight = 0;
  bool input_finished = false;
  std::uint64_t next_to_write = 0;
  std::uint64_t total = 0;

  std::vector<std::thread> workers;
  workers.reserve(threads);
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      while (true) {
        std::pair<std::uint64_t, std::unique_ptr<Batch>> item;
        {
          std::unique_lock<std::mutex> lock(mu);
          cv_work.wait(lock, [&] { return !queue.empty() || input_finished; });
          if (queue.empty()) return;
          item = std::move(queue.front());
          queue.pop_front();
        }
        work(*item.second);
        {
          std::lock_guard<std::mutex> lock(mu);
          done.emplace(item.first, std::move(item.second));
        }
        cv_done.notify_one();
      }
    });
  }

  std::thread writer([&] {
    while (true) {
      std::unique_ptr<Batch> batch;
      {
        std::unique_lock<std::mutex> lock(mu);
        cv_done.wait(lock, [&] {
          return done.count(next_to_write) != 0 || (input_finished && next_to_write == total);
        });
        auto it = done.find(next_to_write);
        if (it == done.end()) return;
        batch = std::move(it->second);
        done.erase(it);
      }
      write(*batch);
      {
        std::lock_guard<std::mutex> lock(mu);
        ++next_to_write;
        --in_flight;
      }
      cv_space.notify_one();
      cv_done.notify_one();
    }
  });

  std::uint64_t sequence = 0;
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu);
      cv_space.wait(lock, [&] { return in_flight < max_in_flight; });
    }
    auto batch = std::make_unique<Batch>();
    if (!read(*batch)) break;
    {
      std::lock_guard<std::mutex> lock(mu);
      queue.emplace_back(sequence++, std::move(batch));
      ++in_flight;
    }
    cv_work.notify_one();
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    input_finished = true;
    total = sequence;
  }
  cv_work.notify_all();
  cv_done.notify_all();
  for (std::thread& w : workers) w.join();
  cv_done.notify_all();
  writer.join();
}

}  // namespace moderato::internal

#endif  // MODERATO_SCAN_ORDERED_PIPELINE_H_
