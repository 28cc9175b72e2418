// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Trends and coverage gaps: how much of each counter-narrative theme
// (docs/counter-themes.md) `moderato scan` saw per day and language, joined
// with how many approved counter-narratives the library holds for it. The
// gap report ranks theme x language by volume / (1 + approved items): its top
// rows tell an NGO what to write next. docs/trends.md describes the formats.
//
// Input is the JSONL `moderato scan` writes (docs/scan.md), untrusted: a
// TrendAggregator streams it line by line under TrendOptions budgets. A line
// that is not a scan record (bad JSON, not an object, no string "lang" or
// "label", a malformed "themes") is counted as malformed, its line number
// kept (up to max_reported_malformed), and reading goes on. Error records
// ({"error": ...}) are counted apart. A record counts once for each distinct
// theme it carries; records labelled "clean" without themes are ignored;
// records without a readable "time" go to the day "unknown".
//
// Thread safety: a TrendAggregator is used by one thread at a time; the free
// functions are pure.
//
// Cost: O(input bytes); memory O(distinct day x language x theme keys),
// bounded by TrendOptions::max_keys.
//
// Example:
//   moderato::TrendAggregator trends;
//   MODERATO_RETURN_IF_ERROR(trends.Read(std::cin, "stdin"));
//   MODERATO_ASSIGN_OR_RETURN(moderato::Coverage coverage, moderato::CoverageFromStore(*store));
//   std::vector<moderato::GapRow> gaps = moderato::GapReport(trends.counts(), coverage);
//   std::cout << moderato::FormatTrendTable(trends.counts(), gaps);

#ifndef MODERATO_COUNTER_TRENDS_H_
#define MODERATO_COUNTER_TRENDS_H_

#include <cstddef>
#include <cstdint>
#include <istream>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "moderato/counter/item.h"
#include "moderato/status.h"
#include "moderato/store/counter_store.h"

namespace moderato {

// The day of records whose time is absent or unreadable.
inline constexpr std::string_view kUnknownDay = "unknown";

struct TrendOptions {
  // Read() fails with kResourceExhausted once this many bytes were read in
  // total over all Read() calls (counts up to there are kept).
  std::uint64_t max_bytes = std::uint64_t{4} << 30;
  // A longer line is malformed (and skipped without being buffered).
  std::size_t max_line_bytes = 1u << 20;
  // Read() fails with kResourceExhausted after this many non-empty lines.
  std::uint64_t max_records = 50'000'000;
  // Distinct (day, language, theme) keys; beyond it, kResourceExhausted.
  std::size_t max_keys = 1'000'000;
  // Line numbers of malformed lines kept for the report (all are counted).
  std::size_t max_reported_malformed = 20;
  // Inclusive day range "YYYY-MM-DD" (compared as strings); empty: open.
  // When either is set, records of the day "unknown" are left out.
  std::string from_day;
  std::string to_day;
  // When not empty, only records whose "lang" equals it count.
  std::string language;
};

// A line that was not a scan record.
struct MalformedLine {
  std::string source;  // as passed to Read()/AddLine()
  std::uint64_t line = 0;
  std::string reason;
};

// (day, language, theme): the aggregation key.
using TrendKey = std::tuple<std::string, std::string, std::string>;

struct TrendCounts {
  std::map<TrendKey, std::uint64_t> volume;  // records per key
  std::uint64_t lines = 0;                   // non-empty lines read
  std::uint64_t records = 0;                 // scan records that passed the filters
  std::uint64_t themed = 0;                  // of which carried at least one theme
  std::uint64_t ignored_clean = 0;           // "clean" without themes
  std::uint64_t unthemed = 0;                // not clean, but no theme
  std::uint64_t filtered = 0;                // outside --from/--to/--lang
  std::uint64_t error_records = 0;           // {"error": ...} records of the scan
  std::uint64_t malformed = 0;
  std::vector<MalformedLine> malformed_lines;  // the first max_reported_malformed
};

class TrendAggregator {
 public:
  explicit TrendAggregator(TrendOptions options = {});
  ~TrendAggregator();
  // Not copyable: owns a JSON parser.
  TrendAggregator(const TrendAggregator&) = delete;
  TrendAggregator& operator=(const TrendAggregator&) = delete;

  // Reads scan JSONL from `in` to its end; `source` names it in malformed
  // line reports. Malformed lines are counted, not errors. Fails with
  // kResourceExhausted when max_bytes, max_records or max_keys is exceeded,
  // and kUnavailable on a read error; what was counted before stays.
  Status Read(std::istream& in, std::string_view source = "");

  // Counts one line (for tests and the fuzzer). Fails only with
  // kResourceExhausted (max_records, max_keys).
  Status AddLine(std::string_view line, std::string_view source, std::uint64_t line_number);

  const TrendCounts& counts() const { return counts_; }
  const TrendOptions& options() const { return options_; }

 private:
  void Malformed(std::string_view source, std::uint64_t line, std::string reason);

  struct Parser;
  TrendOptions options_;
  TrendCounts counts_;
  std::uint64_t bytes_ = 0;
  std::unique_ptr<Parser> parser_;
  bool allocated_ = false;
};

// Approved counter-narratives per (theme, language).
using Coverage = std::map<std::pair<std::string, std::string>, std::uint64_t>;

// Returns the coverage of `items`: each item whose status is "approved"
// counts once for each of its themes, in its language.
Coverage CoverageFromItems(std::span<const CounterItem> items);

// Returns the coverage of the approved items of `store`; fails as
// CounterStore::ForEachItem does.
Result<Coverage> CoverageFromStore(CounterStore& store);

// One row of the gap report.
struct GapRow {
  std::string theme;
  std::string language;
  std::uint64_t volume = 0;    // records over the period
  std::uint64_t approved = 0;  // approved items for this theme and language
  double gap = 0;              // volume / (1 + approved)
  friend bool operator==(const GapRow&, const GapRow&) = default;
};

// Returns one row per (theme, language) with volume > 0, sorted by gap
// (descending), then volume (descending), theme and language.
std::vector<GapRow> GapReport(const TrendCounts& counts, const Coverage& coverage);

// Returns an aligned plain-text table: volume per day and language (one
// column per theme), then the gap report, then the malformed lines.
std::string FormatTrendTable(const TrendCounts& counts, const std::vector<GapRow>& gaps);

// Returns CSV (RFC 4180, with a header) of both tables:
//   kind,day,language,theme,volume,approved,gap
// "volume" rows leave approved and gap empty; "gap" rows leave day empty.
std::string FormatTrendCsv(const TrendCounts& counts, const std::vector<GapRow>& gaps);

// Returns a standalone SVG 1.1 document: one bar group per theme of `gaps`
// (at most `max_themes`, in gap order), each with, per language, a bar of
// the volume and a bar of the approved items, on a common scale. Text is
// XML-escaped; the document is valid UTF-8 if the inputs are.
std::string FormatTrendSvg(const std::vector<GapRow>& gaps, std::size_t max_themes = 12);

// Returns `text` with & < > " ' escaped for XML.
std::string XmlEscape(std::string_view text);

}  // namespace moderato

#endif  // MODERATO_COUNTER_TRENDS_H_
