// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// The JSONL record `moderato scan` writes for each item, and the running
// totals behind its summary. The record format is documented in docs/scan.md:
//
//   {"id": "7", "line": 7, "time": "2026-03-01T12:00:00Z", "lang": "fr", "lang_confidence": 0.98,
//    "lang_source": "detected", "flags": ["zero_width"],
//    "lexicon": [{"entry": "org.daesh.fr", "category": "organisation",
//                 "weight": 0.5, "start": 12, "end": 17, "text": "Daech",
//                 "views": "normalized+skeleton"}],
//    "classifier": 0.07, "risk": 0.54, "label": "review"}
//
// and for a record that could not be read or analysed:
//
//   {"id": "8", "line": 8, "error": {"code": "INVALID_ARGUMENT", "message": "…"}}
//
// Strings that are not valid UTF-8 (ids from CSV or plain lines, matched
// text) are written with U+FFFD in place of the invalid bytes.
//
// Thread safety: the functions are pure; ScanTotals is used by one thread.

#ifndef MODERATO_SCAN_REPORT_H_
#define MODERATO_SCAN_REPORT_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "moderato/scan/analyzer.h"
#include "moderato/scan/input.h"
#include "moderato/status.h"

namespace moderato {

// Appends the JSON record (and a '\n') for `record` analysed into `evidence`;
// `record.text` is the original text the spans point into. The record holds
// "time" (FormatTimestamp) when `record.time` is set, and "time_invalid": true
// when `record.invalid_time`. `extra_fields`, when not empty, is appended
// verbatim as the last members of the object: it must be valid JSON members
// without surrounding braces or a leading comma, e.g. `"themes":[]` (the CLI
// adds the counter-narrative themes this way; scan does not depend on counter).
void AppendEvidenceJson(const InputRecord& record, const Evidence& evidence, std::string* out,
                        std::string_view extra_fields = {});

// Appends the JSON error record (and a '\n') for `record` failing with `error`.
void AppendErrorJson(const InputRecord& record, const Status& error, std::string* out);

// Counts for the end-of-scan summary.
struct ScanTotals {
  std::uint64_t items = 0;
  std::uint64_t errors = 0;
  std::uint64_t bytes = 0;  // text bytes analysed
  std::map<std::string, std::uint64_t, std::less<>> by_label;
  std::map<std::string, std::uint64_t, std::less<>> by_lang;
  std::map<std::string, std::uint64_t, std::less<>> by_flag;
  std::map<std::string, std::uint64_t, std::less<>> by_entry;  // lexicon entry id → items

  void Add(const Evidence& evidence, std::size_t text_bytes);
  void Merge(const ScanTotals& other);

  // A human-readable multi-line summary, given the elapsed wall time.
  std::string Summary(double seconds) const;
};

}  // namespace moderato

#endif  // MODERATO_SCAN_REPORT_H_
