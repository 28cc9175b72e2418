// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/counter/eval.h"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <map>
#include <utility>

#include "nlohmann/json.hpp"

namespace moderato {
namespace {

Status LineError(std::size_t line, const std::string& message) {
  return InvalidArgumentError("line " + std::to_string(line) + ": " + message);
}

Result<std::vector<std::string>> ReadStrings(const nlohmann::json& j, const char* key,
                                             std::size_t line) {
  std::vector<std::string> out;
  if (!j.contains(key) || j[key].is_null()) return out;
  if (!j[key].is_array()) return LineError(line, std::string(key) + ": expected an array");
  if (j[key].size() > 64) return LineError(line, std::string(key) + ": more than 64 entries");
  for (const auto& v : j[key]) {
    if (!v.is_string()) return LineError(line, std::string(key) + ": expected strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

struct Accumulator {
  std::size_t item_cases = 0;
  std::size_t theme_cases = 0;
  double r1 = 0, r5 = 0, mrr = 0, tr1 = 0, tr5 = 0, tmrr = 0;

  void Add(std::size_t item_rank, std::size_t theme_rank, bool has_items, bool has_themes) {
    // Ranks are 1-based; 0 means no hit within the depth.
    if (has_items) {
      ++item_cases;
      if (item_rank == 1) r1 += 1;
      if (item_rank >= 1 && item_rank <= 5) r5 += 1;
      if (item_rank >= 1) mrr += 1.0 / static_cast<double>(item_rank);
    }
    if (has_themes) {
      ++theme_cases;
      if (theme_rank == 1) tr1 += 1;
      if (theme_rank >= 1 && theme_rank <= 5) tr5 += 1;
      if (theme_rank >= 1) tmrr += 1.0 / static_cast<double>(theme_rank);
    }
  }

  EvalMetrics Metrics() const {
    EvalMetrics m;
    const double ni = item_cases == 0 ? 1.0 : static_cast<double>(item_cases);
    const double nt = theme_cases == 0 ? 1.0 : static_cast<double>(theme_cases);
    m.recall_at_1 = r1 / ni;
    m.recall_at_5 = r5 / ni;
    m.mrr = mrr / ni;
    m.theme_recall_at_1 = tr1 / nt;
    m.theme_recall_at_5 = tr5 / nt;
    m.theme_mrr = tmrr / nt;
    return m;
  }
};

void Ranks(const std::vector<Suggestion>& suggestions, const EvalCase& c, std::size_t* item_rank,
           std::size_t* theme_rank) {
  *item_rank = 0;
  *theme_rank = 0;
  for (std::size_t i = 0; i < suggestions.size(); ++i) {
    const Suggestion& s = suggestions[i];
    if (*item_rank == 0 &&
        std::find(c.gold_items.begin(), c.gold_items.end(), s.id) != c.gold_items.end()) {
      *item_rank = i + 1;
    }
    if (*theme_rank == 0) {
      for (const std::string& t : s.themes) {
        if (std::find(c.gold_themes.begin(), c.gold_themes.end(), t) != c.gold_themes.end()) {
          *theme_rank = i + 1;
          break;
        }
      }
    }
  }
}

}  // namespace

Result<std::vector<EvalCase>> ParseEvalCases(std::string_view jsonl,
                                             const EvalParseOptions& options) {
  if (jsonl.size() > options.max_bytes) {
    return ResourceExhaustedError("eval: input of " + std::to_string(jsonl.size()) +
                                  " bytes exceeds max_bytes " + std::to_string(options.max_bytes));
  }
  std::vector<EvalCase> cases;
  std::size_t line_number = 0;
  std::size_t begin = 0;
  while (begin < jsonl.size()) {
    std::size_t end = jsonl.find('\n', begin);
    if (end == std::string_view::npos) end = jsonl.size();
    std::string_view line = jsonl.substr(begin, end - begin);
    begin = end + 1;
    ++line_number;
    if (line.size() > options.max_line_bytes) {
      return ResourceExhaustedError("line " + std::to_string(line_number) + ": " +
                                    std::to_string(line.size()) + " bytes exceed max_line_bytes");
    }
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    if (cases.size() >= options.max_cases) {
      return ResourceExhaustedError("eval: more than max_cases " +
                                    std::to_string(options.max_cases) + " cases");
    }
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const std::exception& e) {
      return LineError(line_number, std::string("invalid JSON: ") + e.what());
    }
    if (!j.is_object()) return LineError(line_number, "expected an object");
    EvalCase c;
    if (j.contains("id")) {
      if (!j["id"].is_string()) return LineError(line_number, "id: expected a string");
      c.id = j["id"].get<std::string>();
    } else {
      c.id = "line-" + std::to_string(line_number);
    }
    if (!j.contains("message") || !j["message"].is_string()) {
      return LineError(line_number, "message: missing or not a string");
    }
    c.message = j["message"].get<std::string>();
    if (c.message.empty()) return LineError(line_number, "message: empty");
    if (c.message.size() > options.max_message_bytes) {
      return ResourceExhaustedError("line " + std::to_string(line_number) +
                                    ": message exceeds max_message_bytes");
    }
    if (!j.contains("language") || !j["language"].is_string()) {
      return LineError(line_number, "language: missing or not a string");
    }
    c.language = j["language"].get<std::string>();
    MODERATO_ASSIGN_OR_RETURN(c.gold_themes, ReadStrings(j, "gold_themes", line_number));
    MODERATO_ASSIGN_OR_RETURN(c.gold_items, ReadStrings(j, "gold_items", line_number));
    for (const std::string& t : c.gold_themes) {
      if (!IsCounterTheme(t)) {
        return LineError(line_number, "gold_themes: unknown theme '" + t + "'");
      }
    }
    if (c.gold_themes.empty() && c.gold_items.empty()) {
      return LineError(line_number, "needs gold_items or gold_themes");
    }
    cases.push_back(std::move(c));
  }
  return cases;
}

Result<EvalReport> EvaluateRetrieval(const CounterRetriever& retriever,
                                     std::span<const EvalCase> cases, const EvalOptions& options) {
  if (cases.empty()) return InvalidArgumentError("eval: no cases");
  if (options.depth < 5) return InvalidArgumentError("eval: depth must be >= 5");
  std::map<std::string, std::pair<Accumulator, Accumulator>> by_language;
  std::pair<Accumulator, Accumulator> all;
  std::map<std::string, std::size_t> counts;
  for (const EvalCase& c : cases) {
    SuggestQuery q;
    q.language = c.language;
    q.k = std::min(options.depth, retriever.options().max_k);
    std::size_t ranks[2][2];
    for (int mode = 0; mode < 2; ++mode) {
      q.bm25_only = mode == 1;
      Result<std::vector<Suggestion>> s = retriever.Suggest(c.message, q);
      if (!s.ok()) return s.status().WithContext("eval case '" + c.id + "'");
      Ranks(*s, c, &ranks[mode][0], &ranks[mode][1]);
    }
    const bool has_items = !c.gold_items.empty();
    const bool has_themes = !c.gold_themes.empty();
    auto& row = by_language[c.language];
    row.first.Add(ranks[0][0], ranks[0][1], has_items, has_themes);
    row.second.Add(ranks[1][0], ranks[1][1], has_items, has_themes);
    all.first.Add(ranks[0][0], ranks[0][1], has_items, has_themes);
    all.second.Add(ranks[1][0], ranks[1][1], has_items, has_themes);
    ++counts[c.language];
  }
  EvalReport report;
  for (const auto& [language, accumulators] : by_language) {
    report.rows.push_back(EvalRow{language, counts[language], accumulators.first.Metrics(),
                                  accumulators.second.Metrics()});
  }
  report.rows.push_back(EvalRow{"all", cases.size(), all.first.Metrics(), all.second.Metrics()});
  return report;
}

std::string FormatEvalReport(const EvalReport& report) {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof(line), "%-6s %4s  %-8s %6s %6s %6s  %6s %6s %6s\n", "lang", "n",
                "system", "R@1", "R@5", "MRR", "tR@1", "tR@5", "tMRR");
  out += line;
  for (const EvalRow& row : report.rows) {
    const std::pair<const char*, const EvalMetrics*> systems[] = {{"full", &row.full},
                                                                  {"bm25", &row.bm25_only}};
    for (const auto& [name, m] : systems) {
      std::snprintf(line, sizeof(line), "%-6s %4zu  %-8s %6.3f %6.3f %6.3f  %6.3f %6.3f %6.3f\n",
                    row.language.c_str(), row.cases, name, m->recall_at_1, m->recall_at_5, m->mrr,
                    m->theme_recall_at_1, m->theme_recall_at_5, m->theme_mrr);
      out += line;
    }
  }
  return out;
}

}  // namespace moderato
