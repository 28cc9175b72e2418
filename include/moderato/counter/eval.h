// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Offline evaluation of counter-narrative retrieval over a JSONL file of
// messages with their gold themes and gold items (data/counter/eval.jsonl):
//   {"id":"eval-fr-001","language":"fr","message":"...",
//    "gold_themes":["us_vs_them"],"gold_items":["starter-fr-003"]}
// For each language and overall it reports, for the full system and for the
// BM25-only baseline (SuggestQuery::bm25_only) in the same run:
//   * item level: Recall@1 and Recall@5 (a hit = any gold item in the top k)
//     and MRR (1 / rank of the first gold item in the top `depth`, else 0);
//   * theme level: the same, where a hit is a returned item sharing a gold
//     theme.
//
// Thread safety: pure functions.
//
// Example:
//   MODERATO_ASSIGN_OR_RETURN(std::vector<moderato::EvalCase> cases,
//                             moderato::ParseEvalCases(jsonl));
//   MODERATO_ASSIGN_OR_RETURN(moderato::EvalReport report,
//                             moderato::EvaluateRetrieval(*retriever, cases));
//   std::cout << moderato::FormatEvalReport(report);

#ifndef MODERATO_COUNTER_EVAL_H_
#define MODERATO_COUNTER_EVAL_H_

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "moderato/counter/retrieval.h"
#include "moderato/status.h"

namespace moderato {

struct EvalCase {
  std::string id;
  std::string language;
  std::string message;
  std::vector<std::string> gold_themes;
  std::vector<std::string> gold_items;
};

struct EvalParseOptions {
  std::size_t max_bytes = 64u << 20;  // whole input
  std::size_t max_line_bytes = 64 * 1024;
  std::size_t max_cases = 1'000'000;
  std::size_t max_message_bytes = 16 * 1024;
};

// Parses JSONL (one case per line; blank lines skipped). Required: "message"
// (string, non-empty), "language" (string) and at least one of "gold_items" /
// "gold_themes" (arrays of strings, themes from kCounterThemes); "id" is
// optional ("line-N" otherwise). Unknown keys are ignored. Fails with
// kInvalidArgument naming the line ("line 3: gold_themes: unknown theme 'x'")
// and kResourceExhausted when a budget is hit.
Result<std::vector<EvalCase>> ParseEvalCases(std::string_view jsonl,
                                             const EvalParseOptions& options = {});

struct EvalMetrics {
  double recall_at_1 = 0;
  double recall_at_5 = 0;
  double mrr = 0;
  double theme_recall_at_1 = 0;
  double theme_recall_at_5 = 0;
  double theme_mrr = 0;
};

struct EvalRow {
  std::string language;  // a language, or "all" (always the last row)
  std::size_t cases = 0;
  EvalMetrics full;
  EvalMetrics bm25_only;
};

struct EvalReport {
  std::vector<EvalRow> rows;  // languages in alphabetical order, then "all"
  // Returns the "all" row.
  const EvalRow& overall() const { return rows.back(); }
};

struct EvalOptions {
  std::size_t depth = 10;  // suggestions retrieved per case (MRR cut-off), >= 5
};

// Runs every case through `retriever` twice (full, then bm25_only) with the
// case's language. Item-level metrics count only cases with gold items and
// theme-level ones only cases with gold themes. Fails with kInvalidArgument
// if `cases` is empty or depth < 5, and with the first Suggest() error,
// prefixed with the case id.
Result<EvalReport> EvaluateRetrieval(const CounterRetriever& retriever,
                                     std::span<const EvalCase> cases,
                                     const EvalOptions& options = {});

// Returns a fixed-width text table: one line per row with n, then R@1, R@5,
// MRR, theme R@1, theme R@5, theme MRR for the full system and the baseline.
std::string FormatEvalReport(const EvalReport& report);

}  // namespace moderato

#endif  // MODERATO_COUNTER_EVAL_H_
