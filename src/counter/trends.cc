// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/counter/trends.h"

#include <algorithm>
#include <string>
#include <vector>

#include "moderato/core/line_reader.h"
#include "simdjson.h"

namespace moderato {
namespace {

// Languages and themes are short ids; anything longer is not a scan record
// and would only grow the table.
constexpr std::size_t kMaxLangBytes = 16;
constexpr std::size_t kMaxThemeBytes = 64;
// JSON nesting of a scan record is 3; allow some slack.
constexpr std::size_t kMaxDepth = 16;

bool IsDay(std::string_view s) {
  if (s.size() < 10) return false;
  for (std::size_t i = 0; i < 10; ++i) {
    bool dash = i == 4 || i == 7;
    if (dash ? s[i] != '-' : (s[i] < '0' || s[i] > '9')) return false;
  }
  return true;
}

}  // namespace

struct TrendAggregator::Parser {
  simdjson::dom::parser parser;
  std::string padded;
  std::vector<std::string> themes;
};

TrendAggregator::TrendAggregator(TrendOptions options)
    : options_(std::move(options)), parser_(std::make_unique<Parser>()) {
  // Sized once for the longest line accepted; parse() then never allocates.
  allocated_ = parser_->parser.allocate(std::max<std::size_t>(options_.max_line_bytes, 64),
                                        kMaxDepth) == simdjson::SUCCESS;
}

TrendAggregator::~TrendAggregator() = default;

void TrendAggregator::Malformed(std::string_view source, std::uint64_t line, std::string reason) {
  ++counts_.malformed;
  if (counts_.malformed_lines.size() < options_.max_reported_malformed) {
    counts_.malformed_lines.push_back({std::string(source), line, std::move(reason)});
  }
}

Status TrendAggregator::AddLine(std::string_view line, std::string_view source,
                                std::uint64_t line_number) {
  if (line.find_first_not_of(" \t\r") == std::string_view::npos) return OkStatus();
  if (counts_.lines >= options_.max_records) {
    return ResourceExhaustedError("more than " + std::to_string(options_.max_records) +
                                  " lines of scan output");
  }
  ++counts_.lines;
  if (line.size() > options_.max_line_bytes) {
    Malformed(source, line_number, "line too long");
    return OkStatus();
  }
  Parser& p = *parser_;
  p.padded.assign(line);
  p.padded.resize(line.size() + simdjson::SIMDJSON_PADDING);
  simdjson::dom::element doc;
  if (!allocated_ || p.parser.parse(p.padded.data(), line.size(), false).get(doc)) {
    Malformed(source, line_number, "malformed JSON");
    return OkStatus();
  }
  simdjson::dom::object object;
  if (doc.get_object().get(object)) {
    Malformed(source, line_number, "not a JSON object");
    return OkStatus();
  }
  simdjson::dom::element unused;
  if (!object["error"].get(unused)) {
    ++counts_.error_records;
    return OkStatus();
  }
  std::string_view lang;
  std::string_view label;
  if (object["lang"].get_string().get(lang) || lang.size() > kMaxLangBytes) {
    Malformed(source, line_number, "no \"lang\" string");
    return OkStatus();
  }
  if (object["label"].get_string().get(label)) {
    Malformed(source, line_number, "no \"label\" string");
    return OkStatus();
  }
  p.themes.clear();
  simdjson::dom::element themes_element;
  if (!object["themes"].get(themes_element) && !themes_element.is_null()) {
    simdjson::dom::array themes;
    if (themes_element.get_array().get(themes)) {
      Malformed(source, line_number, "\"themes\" is not an array");
      return OkStatus();
    }
    for (simdjson::dom::element entry : themes) {
      std::string_view theme;
      if (entry["theme"].get_string().get(theme) || theme.empty() ||
          theme.size() > kMaxThemeBytes) {
        Malformed(source, line_number, "a \"themes\" entry has no valid \"theme\"");
        return OkStatus();
      }
      if (std::find(p.themes.begin(), p.themes.end(), theme) == p.themes.end()) {
        p.themes.emplace_back(theme);
      }
    }
  }
  std::string day(kUnknownDay);
  std::string_view time;
  if (!object["time"].get_string().get(time) && IsDay(time)) day.assign(time.substr(0, 10));

  const bool ranged = !options_.from_day.empty() || !options_.to_day.empty();
  if ((ranged && day == kUnknownDay) || (!options_.from_day.empty() && day < options_.from_day) ||
      (!options_.to_day.empty() && day > options_.to_day) ||
      (!options_.language.empty() && lang != options_.language)) {
    ++counts_.filtered;
    return OkStatus();
  }
  if (p.themes.empty()) {
    if (label == "clean") {
      ++counts_.ignored_clean;
    } else {
      ++counts_.records;
      ++counts_.unthemed;
    }
    return OkStatus();
  }
  for (const std::string& theme : p.themes) {
    TrendKey key(day, std::string(lang), theme);
    auto it = counts_.volume.find(key);
    if (it == counts_.volume.end()) {
      if (counts_.volume.size() >= options_.max_keys) {
        return ResourceExhaustedError("more than " + std::to_string(options_.max_keys) +
                                      " distinct day x language x theme keys");
      }
      it = counts_.volume.emplace(std::move(key), 0).first;
    }
    ++it->second;
  }
  ++counts_.records;
  ++counts_.themed;
  return OkStatus();
}

Status TrendAggregator::Read(std::istream& in, std::string_view source) {
  LineReader reader(in, options_.max_line_bytes);
  std::uint64_t start = bytes_;
  std::string_view line;
  while (true) {
    Result<bool> more = reader.Next(&line);
    bytes_ = start + reader.bytes_read();
    if (bytes_ > options_.max_bytes) {
      return ResourceExhaustedError("more than " + std::to_string(options_.max_bytes) +
                                    " bytes of scan output");
    }
    if (!more.ok()) {
      if (more.status().code() != StatusCode::kResourceExhausted) return more.status();
      ++counts_.lines;
      Malformed(source, reader.line_number(), "line too long");
      continue;
    }
    if (!*more) return OkStatus();
    MODERATO_RETURN_IF_ERROR(AddLine(line, source, reader.line_number()));
  }
}

Coverage CoverageFromItems(std::span<const CounterItem> items) {
  Coverage coverage;
  for (const CounterItem& item : items) {
    if (item.status != "approved") continue;
    std::vector<std::string_view> seen;
    for (const std::string& theme : item.themes) {
      if (std::find(seen.begin(), seen.end(), theme) != seen.end()) continue;
      seen.push_back(theme);
      ++coverage[{theme, item.language}];
    }
  }
  return coverage;
}

Result<Coverage> CoverageFromStore(CounterStore& store) {
  Coverage coverage;
  CounterFilter filter;
  filter.status = "approved";
  MODERATO_RETURN_IF_ERROR(store.ForEachItem(filter, [&](const CounterItem& item) {
    CounterItem approved = item;
    approved.status = "approved";
    Coverage one = CoverageFromItems(std::span<const CounterItem>(&approved, 1));
    for (const auto& [key, n] : one) coverage[key] += n;
    return true;
  }));
  return coverage;
}

std::vector<GapRow> GapReport(const TrendCounts& counts, const Coverage& coverage) {
  std::map<std::pair<std::string, std::string>, std::uint64_t> volume;
  for (const auto& [key, n] : counts.volume) {
    volume[{std::get<2>(key), std::get<1>(key)}] += n;
  }
  std::vector<GapRow> rows;
  rows.reserve(volume.size());
  for (const auto& [key, n] : volume) {
    GapRow row{.theme = key.first, .language = key.second, .volume = n};
    auto it = coverage.find(key);
    if (it != coverage.end()) row.approved = it->second;
    row.gap = static_cast<double>(row.volume) / (1.0 + static_cast<double>(row.approved));
    rows.push_back(std::move(row));
  }
  std::sort(rows.begin(), rows.end(), [](const GapRow& a, const GapRow& b) {
    if (a.gap != b.gap) return a.gap > b.gap;
    if (a.volume != b.volume) return a.volume > b.volume;
    return std::tie(a.theme, a.language) < std::tie(b.theme, b.language);
  });
  return rows;
}

}  // namespace moderato
