// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "server/metrics.h"

#include <chrono>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace moderato::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(MetricsTest, RendersCountersWithHelpAndType) {
  Metrics m;
  m.DescribeCounter("requests_total", "Requests.\nAll of them \\ really.");
  m.Inc("requests_total", {{"route", "a"}, {"status", "200"}});
  m.Inc("requests_total", {{"route", "a"}, {"status", "200"}}, 2);
  m.Inc("requests_total", {{"route", "b"}, {"status", "500"}});
  EXPECT_EQ(m.Render(),
            "# HELP requests_total Requests.\\nAll of them \\\\ really.\n"
            "# TYPE requests_total counter\n"
            "requests_total{route=\"a\",status=\"200\"} 3\n"
            "requests_total{route=\"b\",status=\"500\"} 1\n");
}

TEST(MetricsTest, EscapesLabelValues) {
  Metrics m;
  m.Inc("x_total", {{"path", "a\"b\\c\nd"}});
  EXPECT_THAT(m.Render(), HasSubstr("x_total{path=\"a\\\"b\\\\c\\nd\"} 1\n"));
}

TEST(MetricsTest, GaugesGoUpAndDown) {
  Metrics m;
  m.DescribeGauge("conns", "Open connections.");
  m.Inc("conns", {}, 1);
  m.Inc("conns", {}, 1);
  m.Inc("conns", {}, -1);
  m.Set("queue", {{"name", "q"}}, 2.5);
  m.Set("tiny", {}, 0.0005);
  std::string text = m.Render();
  EXPECT_THAT(text, HasSubstr("# TYPE conns gauge\nconns 1\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE queue gauge\nqueue{name=\"q\"} 2.5\n"));
  EXPECT_THAT(text, HasSubstr("\ntiny 0.0005\n"));
}

TEST(MetricsTest, RendersCumulativeHistogramBuckets) {
  Metrics m;
  m.DescribeHistogram("lat_seconds", "Latency.", {0.1, 0.01, 1});
  m.Observe("lat_seconds", {{"route", "r"}}, 0.005);
  m.Observe("lat_seconds", {{"route", "r"}}, 0.01);  // le is inclusive
  m.Observe("lat_seconds", {{"route", "r"}}, 0.5);
  m.Observe("lat_seconds", {{"route", "r"}}, 7);
  EXPECT_EQ(m.Render(),
            "# HELP lat_seconds Latency.\n"
            "# TYPE lat_seconds histogram\n"
            "lat_seconds_bucket{route=\"r\",le=\"0.01\"} 2\n"
            "lat_seconds_bucket{route=\"r\",le=\"0.1\"} 2\n"
            "lat_seconds_bucket{route=\"r\",le=\"1\"} 3\n"
            "lat_seconds_bucket{route=\"r\",le=\"+Inf\"} 4\n"
            "lat_seconds_sum{route=\"r\"} 7.515\n"
            "lat_seconds_count{route=\"r\"} 4\n");
}

TEST(MetricsTest, DescribedFamiliesWithoutSeriesStillAppear) {
  Metrics m;
  m.DescribeCounter("never_total", "Never incremented.");
  EXPECT_EQ(m.Render(), "# HELP never_total Never incremented.\n# TYPE never_total counter\n");
}

TEST(MetricsTest, CollectorsRunAtRenderTime) {
  Metrics m;
  int depth = 0;
  m.AddCollector([&depth](Metrics& metrics) { metrics.Set("queue_depth", {}, depth); });
  depth = 7;
  EXPECT_THAT(m.Render(), HasSubstr("queue_depth 7\n"));
  depth = 3;
  EXPECT_THAT(m.Render(), HasSubstr("queue_depth 3\n"));
}

TEST(MetricsTest, ConcurrentRecordingLosesNothing) {
  Metrics m;
  m.DescribeHistogram("h", "h", {1});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&m, t] {
      for (int i = 0; i < 20'000; ++i) {
        m.Inc("c_total", {{"route", i % 2 ? "a" : "b"}, {"t", std::to_string(t % 2)}});
        m.Observe("h", {{"route", "a"}}, 0.5);
        if (i % 5000 == 0) (void)m.Render();
      }
    });
  }
  for (auto& t : threads) t.join();
  std::string text = m.Render();
  EXPECT_THAT(text, HasSubstr("c_total{route=\"a\",t=\"0\"} 20000\n"));
  EXPECT_THAT(text, HasSubstr("h_count{route=\"a\"} 80000\n"));
  EXPECT_THAT(text, Not(HasSubstr("NaN")));
}

// A rough throughput figure, printed rather than asserted.
TEST(MetricsTest, ReportsThroughput) {
  Metrics m;
  const auto start = std::chrono::steady_clock::now();
  constexpr int kOps = 200'000;
  for (int i = 0; i < kOps; ++i) {
    m.Inc("moderato_http_requests_total",
          {{"route", "scan"}, {"method", "POST"}, {"status", "200"}});
    m.Observe("moderato_http_request_duration_seconds", {{"route", "scan"}}, 0.001);
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("metrics: %.0f observation pairs/s on one thread\n", kOps / s);
}

}  // namespace
}  // namespace moderato::server
