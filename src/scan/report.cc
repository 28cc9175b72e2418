// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/scan/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "nlohmann/json.hpp"

namespace moderato {
namespace {

using json = nlohmann::ordered_json;

// Rounds to 4 decimals so records stay short and stable across platforms.
double Round4(double x) { return std::round(x * 10000.0) / 10000.0; }

void AppendJson(const json& j, std::string* out, std::string_view extra_fields = {}) {
  std::string dumped = j.dump(-1, ' ', false, json::error_handler_t::replace);
  if (!extra_fields.empty() && dumped.size() >= 2 && dumped.back() == '}') {
    dumped.pop_back();
    if (dumped.size() > 1) dumped += ',';
    dumped.append(extra_fields);
    dumped += '}';
  }
  *out += dumped;
  *out += '\n';
}

}  // namespace

void AppendEvidenceJson(const InputRecord& record, const Evidence& evidence, std::string* out,
                        std::string_view extra_fields) {
  json j = json::object();
  j["id"] = record.id;
  j["line"] = record.line;
  if (record.time) j["time"] = FormatTimestamp(*record.time);
  if (record.invalid_time) j["time_invalid"] = true;
  j["lang"] = evidence.lang;
  j["lang_confidence"] = Round4(evidence.lang_confidence);
  j["lang_source"] = evidence.lang_from_input ? "input" : "detected";
  json flags = json::array();
  for (std::string_view name : ObfuscationFlagNames(evidence.flags)) flags.push_back(name);
  j["flags"] = std::move(flags);
  json hits = json::array();
  for (const LexiconHit& hit : evidence.lexicon.hits) {
    std::uint32_t end = std::min<std::uint32_t>(hit.span.end, record.text.size());
    std::uint32_t begin = std::min(hit.span.begin, end);
    hits.push_back({{"entry", hit.id},
                    {"category", LexiconCategoryName(hit.category)},
                    {"weight", Round4(hit.weight)},
                    {"start", begin},
                    {"end", end},
                    {"text", record.text.substr(begin, end - begin)},
                    {"views", LexiconViewsString(hit.views)}});
  }
  j["lexicon"] = std::move(hits);
  if (evidence.lexicon.truncated) j["lexicon_truncated"] = true;
  if (evidence.classifier_probability) {
    j["classifier"] = Round4(*evidence.classifier_probability);
  } else {
    j["classifier"] = nullptr;
  }
  j["risk"] = Round4(evidence.risk);
  j["label"] = RiskLabelName(evidence.label);
  AppendJson(j, out, extra_fields);
}

void AppendErrorJson(const InputRecord& record, const Status& error, std::string* out) {
  json j = {{"id", record.id},
            {"line", record.line},
            {"error", {{"code", StatusCodeName(error.code())}, {"message", error.message()}}}};
  AppendJson(j, out);
}

void ScanTotals::Add(const Evidence& evidence, std::size_t text_bytes) {
  ++items;
  bytes += text_bytes;
  ++by_label[std::string(RiskLabelName(evidence.label))];
  ++by_lang[evidence.lang];
  for (std::string_view name : ObfuscationFlagNames(evidence.flags)) {
    ++by_flag[std::string(name)];
  }
  std::vector<std::string_view> seen;
  for (const LexiconHit& hit : evidence.lexicon.hits) {
    if (std::find(seen.begin(), seen.end(), hit.id) != seen.end()) continue;
    seen.push_back(hit.id);
    ++by_entry[hit.id];
  }
}

void ScanTotals::Merge(const ScanTotals& other) {
  items += other.items;
  errors += other.errors;
  bytes += other.bytes;
  for (const auto& [k, v] : other.by_label) by_label[k] += v;
  for (const auto& [k, v] : other.by_lang) by_lang[k] += v;
  for (const auto& [k, v] : other.by_flag) by_flag[k] += v;
  for (const auto& [k, v] : other.by_entry) by_entry[k] += v;
}

std::string ScanTotals::Summary(double seconds) const {
  std::string out;
  char line[256];
  auto counts = [&](const char* title, const std::map<std::string, std::uint64_t, std::less<>>& m,
                    std::size_t limit) {
    if (m.empty()) return;
    std::vector<std::pair<std::string, std::uint64_t>> sorted(m.begin(), m.end());
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    out += title;
    for (std::size_t i = 0; i < sorted.size() && i < limit; ++i) {
      std::snprintf(line, sizeof(line), "%s %s %llu", i ? "," : "", sorted[i].first.c_str(),
                    static_cast<unsigned long long>(sorted[i].second));
      out += line;
    }
    if (sorted.size() > limit) out += ", …";
    out += '\n';
  };
  double rate = seconds > 0 ? static_cast<double>(items) / seconds : 0.0;
  double mbps = seconds > 0 ? static_cast<double>(bytes) / seconds / 1e6 : 0.0;
  std::snprintf(line, sizeof(line),
                "scanned %llu items (%llu unreadable) in %.2f s: %.0f items/s, %.2f MB/s\n",
                static_cast<unsigned long long>(items), static_cast<unsigned long long>(errors),
                seconds, rate, mbps);
  out += line;
  counts("  by label:   ", by_label, 8);
  counts("  by language:", by_lang, 8);
  counts("  obfuscation:", by_flag, 12);
  counts("  top lexicon entries:", by_entry, 10);
  return out;
}

}  // namespace moderato
