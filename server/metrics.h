// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// A small Prometheus registry: counters, gauges and histograms keyed by name
// and labels, rendered in the text exposition format 0.0.4 for /metrics.
//
// Thread safety: every method may be called concurrently. Series live in 16
// shards, each behind its own mutex, so recording threads rarely contend;
// an observation costs one hash lookup under a shard lock. Render() copies
// each shard under its lock and formats outside it.
//
// Memory: one entry per distinct (name, labels) series. Callers keep label
// values low-cardinality (route names, not paths).
//
// Example:
//   Metrics metrics;
//   metrics.DescribeCounter("moderato_scans_total", "Texts scanned.");
//   metrics.Inc("moderato_scans_total", {{"label", "spam"}});
//   metrics.DescribeHistogram("moderato_scan_seconds", "Scan latency.", {0.001, 0.01, 0.1});
//   metrics.Observe("moderato_scan_seconds", {}, 0.004);
//   std::string text = metrics.Render();

#ifndef MODERATO_SERVER_METRICS_H_
#define MODERATO_SERVER_METRICS_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace moderato::server {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Metrics {
 public:
  Metrics() = default;
  // Not copyable or movable: handlers and collectors hold pointers to it.
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Declare a family's type and help text. Describing again replaces the
  // help (and, for histograms, the buckets of series not yet created).
  // Series recorded under a name never described are rendered as counters
  // (Inc), gauges (Set) or histograms with kDefaultBuckets (Observe).
  void DescribeCounter(std::string_view name, std::string_view help);
  void DescribeGauge(std::string_view name, std::string_view help);
  // `buckets` are upper bounds in seconds (or any unit), sorted and
  // deduplicated here; +Inf is implicit.
  void DescribeHistogram(std::string_view name, std::string_view help, std::vector<double> buckets);

  // Adds `by` to a counter or gauge series (a gauge may go down: by < 0).
  void Inc(std::string_view name, const Labels& labels = {}, double by = 1);
  // Sets a gauge series.
  void Set(std::string_view name, const Labels& labels, double value);
  // Records one observation in a histogram series.
  void Observe(std::string_view name, const Labels& labels, double value);

  // `collector` runs at the start of every Render() (outside any lock), to
  // Set() gauges such as queue sizes. It must outlive this registry or be
  // harmless to call for as long as Render() is called.
  void AddCollector(std::function<void(Metrics&)> collector);

  // Returns every family, sorted by name, series sorted by labels:
  // "# HELP", "# TYPE", then samples; histograms as _bucket{le=...} (with
  // +Inf), _sum and _count. Label values and help are escaped per the format.
  std::string Render();

  static const std::vector<double>& kDefaultBuckets();

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  struct Family {
    Type type = Type::kCounter;
    std::string help;
    std::vector<double> buckets;
  };
  struct Series {
    std::string name;
    Labels labels;
    Type type = Type::kCounter;
    double value = 0;                   // counter or gauge
    std::vector<double> bounds;         // histogram upper bounds
    std::vector<std::uint64_t> counts;  // per bucket (not cumulative), last is +Inf
    double sum = 0;
  };
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, Series, StringHash, std::equal_to<>> series;  // guarded by mu
  };
  static constexpr std::size_t kShards = 16;

  void Describe(std::string_view name, std::string_view help, Type type,
                std::vector<double> buckets);
  // Returns the series for (name, labels), creating it with `type`; the
  // caller holds the shard's mutex.
  Series& Find(Shard& shard, const std::string& key, std::string_view name, const Labels& labels,
               Type type);
  std::vector<double> BucketsFor(std::string_view name);

  std::array<Shard, kShards> shards_;
  std::mutex families_mu_;
  std::map<std::string, Family, std::less<>> families_;    // guarded by families_mu_
  std::vector<std::function<void(Metrics&)>> collectors_;  // guarded by families_mu_
};

}  // namespace moderato::server

#endif  // MODERATO_SERVER_METRICS_H_
