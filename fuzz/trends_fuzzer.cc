// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Feeds arbitrary bytes to the trends reader of `moderato scan` output, then
// renders every report. Malformed lines must be counted (never fatal), the
// counts must add up, the budgets must hold, and the SVG must stay free of
// raw markup from the input.

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "moderato/counter/trends.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  std::istringstream in(bytes);
  moderato::TrendOptions options{
      .max_line_bytes = 512, .max_keys = 64, .max_reported_malformed = 4};
  moderato::TrendAggregator trends(options);
  moderato::Status status = trends.Read(in, "fuzz");
  if (!status.ok() && status.code() != moderato::StatusCode::kResourceExhausted) __builtin_trap();
  const moderato::TrendCounts& counts = trends.counts();
  if (counts.volume.size() > options.max_keys) __builtin_trap();
  if (counts.malformed_lines.size() > options.max_reported_malformed) __builtin_trap();
  if (counts.records + counts.ignored_clean + counts.filtered + counts.error_records +
          counts.malformed >
      counts.lines) {
    __builtin_trap();
  }
  if (counts.themed + counts.unthemed != counts.records) __builtin_trap();
  moderato::Coverage coverage;
  for (const auto& [key, n] : counts.volume) coverage[{std::get<2>(key), std::get<1>(key)}] = 1;
  std::vector<moderato::GapRow> gaps = moderato::GapReport(counts, coverage);
  (void)moderato::FormatTrendTable(counts, gaps);
  (void)moderato::FormatTrendCsv(counts, gaps);
  std::string svg = moderato::FormatTrendSvg(gaps);
  if (svg.find("<script") != std::string::npos) __builtin_trap();
  return 0;
}
