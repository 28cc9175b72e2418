// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "server/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <tuple>

namespace moderato::server {
namespace {

// Series key: name, then each label as \x1f key \x1e value. The separators
// cannot collide because Prometheus names are [a-zA-Z0-9_:].
void BuildKey(std::string_view name, const Labels& labels, std::string& key) {
  key.assign(name);
  for (const auto& [k, v] : labels) {
    key.push_back('\x1f');
    key.append(k);
    key.push_back('\x1e');
    key.append(v);
  }
}

std::size_t ShardOf(std::string_view key, std::size_t shards) {
  return std::hash<std::string_view>{}(key) % shards;
}

void AppendNumber(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    // Plain decimals read best ("0.0005", not "5e-04"); huge or tiny values
    // fall back to the shortest general form.
    char buf[64];
    const double magnitude = std::fabs(v);
    const bool fixed = magnitude == 0 || (magnitude >= 1e-6 && magnitude < 1e15);
    auto [end, ec] = fixed ? std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed)
                           : std::to_chars(buf, buf + sizeof buf, v);
    if (ec == std::errc()) out.append(buf, end);
  }
}

void AppendEscaped(std::string& out, std::string_view s, bool escape_quotes) {
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && escape_quotes) {
      out += "\\\"";
    } else {
      out.push_back(c);
    }
  }
}

void AppendLabels(std::string& out, const Labels& labels, std::string_view le = {}) {
  if (labels.empty() && le.empty()) return;
  out.push_back('{');
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out.push_back(',');
    first = false;
    out += k;
    out += "=\"";
    AppendEscaped(out, v, /*escape_quotes=*/true);
    out.push_back('"');
  }
  if (!le.empty()) {
    if (!first) out.push_back(',');
    out += "le=\"";
    out += le;
    out.push_back('"');
  }
  out.push_back('}');
}

std::string_view TypeName(int type) {
  switch (type) {
    case 0:
      return "counter";
    case 1:
      return "gauge";
    default:
      return "histogram";
  }
}

}  // namespace

const std::vector<double>& Metrics::kDefaultBuckets() {
  static const std::vector<double> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                               0.5,   1,    2.5,   5,    10};
  return kBuckets;
}

void Metrics::Describe(std::string_view name, std::string_view help, Type type,
                       std::vector<double> buckets) {
  std::sort(buckets.begin(), buckets.end());
  buckets.erase(std::unique(buckets.begin(), buckets.end()), buckets.end());
  std::erase_if(buckets, [](double b) { return std::isnan(b) || std::isinf(b); });
  std::lock_guard lock(families_mu_);
  Family& family = families_[std::string(name)];
  family.type = type;
  family.help = std::string(help);
  family.buckets = std::move(buckets);
}

void Metrics::DescribeCounter(std::string_view name, std::string_view help) {
  Describe(name, help, Type::kCounter, {});
}
void Metrics::DescribeGauge(std::string_view name, std::string_view help) {
  Describe(name, help, Type::kGauge, {});
}
void Metrics::DescribeHistogram(std::string_view name, std::string_view help,
                                std::vector<double> buckets) {
  Describe(name, help, Type::kHistogram, std::move(buckets));
}

void Metrics::AddCollector(std::function<void(Metrics&)> collector) {
  std::lock_guard lock(families_mu_);
  collectors_.push_back(std::move(collector));
}

std::vector<double> Metrics::BucketsFor(std::string_view name) {
  std::lock_guard lock(families_mu_);
  auto it = families_.find(name);
  if (it == families_.end() || it->second.type != Type::kHistogram) return kDefaultBuckets();
  return it->second.buckets;
}

Metrics::Series& Metrics::Find(Shard& shard, const std::string& key, std::string_view name,
                               const Labels& labels, Type type) {
  auto it = shard.series.find(std::string_view(key));
  if (it != shard.series.end()) return it->second;
  Series series;
  series.name = std::string(name);
  series.labels = labels;
  series.type = type;
  return shard.series.emplace(key, std::move(series)).first->second;
}

void Metrics::Inc(std::string_view name, const Labels& labels, double by) {
  thread_local std::string key;
  BuildKey(name, labels, key);
  Shard& shard = shards_[ShardOf(key, kShards)];
  std::lock_guard lock(shard.mu);
  Series& s = Find(shard, key, name, labels, Type::kCounter);
  if (s.type != Type::kHistogram) s.value += by;
}

void Metrics::Set(std::string_view name, const Labels& labels, double value) {
  thread_local std::string key;
  BuildKey(name, labels, key);
  Shard& shard = shards_[ShardOf(key, kShards)];
  std::lock_guard lock(shard.mu);
  Series& s = Find(shard, key, name, labels, Type::kGauge);
  if (s.type != Type::kHistogram) {
    s.type = Type::kGauge;
    s.value = value;
  }
}

void Metrics::Observe(std::string_view name, const Labels& labels, double value) {
  thread_local std::string key;
  BuildKey(name, labels, key);
  Shard& shard = shards_[ShardOf(key, kShards)];
  {
    std::lock_guard lock(shard.mu);
    auto it = shard.series.find(std::string_view(key));
    if (it != shard.series.end()) {
      Series& s = it->second;
      if (s.type != Type::kHistogram) return;
      std::size_t i = std::lower_bound(s.bounds.begin(), s.bounds.end(), value) - s.bounds.begin();
      ++s.counts[i];
      s.sum += value;
      return;
    }
  }
  // First observation: fetch the buckets without holding the shard lock
  // (lock order is never shard -> families), then insert.
  std::vector<double> bounds = BucketsFor(name);
  std::lock_guard lock(shard.mu);
  Series& s = Find(shard, key, name, labels, Type::kHistogram);
  if (s.type != Type::kHistogram) return;
  if (s.counts.empty()) {
    s.bounds = std::move(bounds);
    s.counts.assign(s.bounds.size() + 1, 0);
  }
  std::size_t i = std::lower_bound(s.bounds.begin(), s.bounds.end(), value) - s.bounds.begin();
  ++s.counts[i];
  s.sum += value;
}

std::string Metrics::Render() {
  std::vector<std::function<void(Metrics&)>> collectors;
  std::map<std::string, Family, std::less<>> families;
  {
    std::lock_guard lock(families_mu_);
    collectors = collectors_;
  }
  for (auto& collect : collectors) collect(*this);
  {
    std::lock_guard lock(families_mu_);
    families = families_;
  }
  std::vector<Series> all;
  for (Shard& shard : shards_) {
    std::lock_guard lock(shard.mu);
    for (const auto& [key, series] : shard.series) all.push_back(series);
  }
  std::sort(all.begin(), all.end(), [](const Series& a, const Series& b) {
    return std::tie(a.name, a.labels) < std::tie(b.name, b.labels);
  });

  std::string out;
  out.reserve(all.size() * 64 + families.size() * 80);
  auto header = [&](const std::string& name, Type type) {
    auto it = families.find(name);
    if (it != families.end()) {
      out += "# HELP ";
      out += name;
      out.push_back(' ');
      AppendEscaped(out, it->second.help, /*escape_quotes=*/false);
      out.push_back('\n');
      type = it->second.type;
    }
    out += "# TYPE ";
    out += name;
    out.push_back(' ');
    out += TypeName(static_cast<int>(type));
    out.push_back('\n');
  };
  std::string_view current;
  for (const Series& s : all) {
    if (s.name != current) {
      header(s.name, s.type);
      current = s.name;
    }
    if (s.type != Type::kHistogram) {
      out += s.name;
      AppendLabels(out, s.labels);
      out.push_back(' ');
      AppendNumber(out, s.value);
      out.push_back('\n');
      continue;
    }
    std::uint64_t cumulative = 0;
    std::string le;
    for (std::size_t i = 0; i < s.counts.size(); ++i) {
      cumulative += s.counts[i];
      le.clear();
      if (i < s.bounds.size()) {
        AppendNumber(le, s.bounds[i]);
      } else {
        le = "+Inf";
      }
      out += s.name;
      out += "_bucket";
      AppendLabels(out, s.labels, le);
      out.push_back(' ');
      out += std::to_string(cumulative);
      out.push_back('\n');
    }
    out += s.name;
    out += "_sum";
    AppendLabels(out, s.labels);
    out.push_back(' ');
    AppendNumber(out, s.sum);
    out.push_back('\n');
    out += s.name;
    out += "_count";
    AppendLabels(out, s.labels);
    out.push_back(' ');
    out += std::to_string(cumulative);
    out.push_back('\n');
  }
  // Described families with no series yet still announce themselves.
  std::string tail;
  for (const auto& [name, family] : families) {
    auto it = std::lower_bound(all.begin(), all.end(), name,
                               [](const Series& a, const std::string& n) { return a.name < n; });
    if (it != all.end() && it->name == name) continue;
    std::swap(out, tail);
    header(name, family.type);
    std::swap(out, tail);
  }
  return out + tail;
}

}  // namespace moderato::server
