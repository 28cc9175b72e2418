// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// moderato trends: volume of each counter-narrative theme per day and
// language in `moderato scan` output, and the coverage-gap report against
// the approved library (docs/trends.md).

#include "moderato/counter/trends.h"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/defaults.h"
#include "moderato/store/counter_store.h"

namespace moderato::cli {
namespace {

struct TrendsFlags {
  std::vector<std::string> inputs;
  std::string db;
  std::string format = "table";
  std::string output;
  std::string from;
  std::string to;
  std::string lang;
};

bool IsDay(const std::string& s) {
  if (s.size() != 10) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 4 || i == 7;
    if (dash ? s[i] != '-' : (s[i] < '0' || s[i] > '9')) return false;
  }
  return true;
}

int RunTrends(const TrendsFlags& flags) {
  for (const std::string* day : {&flags.from, &flags.to}) {
    if (!day->empty() && !IsDay(*day)) {
      return ReportError(
          InvalidArgumentError("--from/--to take a day YYYY-MM-DD, not \"" + *day + "\""));
    }
  }
  TrendAggregator trends(
      TrendOptions{.from_day = flags.from, .to_day = flags.to, .language = flags.lang});
  std::vector<std::string> inputs = flags.inputs;
  if (inputs.empty()) inputs.push_back("-");
  for (const std::string& input : inputs) {
    std::ifstream file;
    std::istream* in = &std::cin;
    if (input != "-") {
      file.open(input, std::ios::binary);
      if (!file) return ReportError(NotFoundError("cannot open " + input));
      in = &file;
    }
    MODERATO_RETURN_EXIT_IF_ERROR(
        trends.Read(*in, input == "-" ? "stdin" : input).WithContext(input));
  }

  // A missing database is not an error here: the report is still useful,
  // with every theme uncovered.
  Coverage coverage;
  std::string path = ResolveDbPath(flags.db);
  std::string note;
  if (!DatabaseExists(path)) {
    note = "moderato: no database at " + path +
           "; approved counter-narratives counted as 0 (pass --db PATH or set MODERATO_DB)\n";
  } else {
    MODERATO_ASSIGN_OR_RETURN_EXIT(std::unique_ptr<CounterStore> store,
                                   OpenSqliteCounterStore(path));
    MODERATO_ASSIGN_OR_RETURN_EXIT(coverage, CoverageFromStore(*store));
  }

  std::vector<GapRow> gaps = GapReport(trends.counts(), coverage);
  std::string report;
  if (flags.format == "csv") {
    report = FormatTrendCsv(trends.counts(), gaps);
  } else if (flags.format == "svg") {
    report = FormatTrendSvg(gaps);
  } else {
    report = FormatTrendTable(trends.counts(), gaps);
    if (!note.empty()) report += "\nNote: " + note.substr(std::string("moderato: ").size());
    note.clear();
  }
  std::fputs(note.c_str(), stderr);
  if (trends.counts().malformed > 0 && flags.format != "table") {
    std::fprintf(stderr, "moderato: %llu malformed lines skipped\n",
                 static_cast<unsigned long long>(trends.counts().malformed));
    for (const MalformedLine& m : trends.counts().malformed_lines) {
      std::fprintf(stderr, "  %s:%llu: %s\n", m.source.c_str(),
                   static_cast<unsigned long long>(m.line), m.reason.c_str());
    }
  }

  std::FILE* out = stdout;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> out_file(nullptr, &std::fclose);
  if (!flags.output.empty() && flags.output != "-") {
    out_file.reset(std::fopen(flags.output.c_str(), "wb"));
    if (!out_file) return ReportError(NotFoundError("cannot write " + flags.output));
    out = out_file.get();
  }
  if (std::fwrite(report.data(), 1, report.size(), out) != report.size() || std::fflush(out) != 0) {
    return ReportError(UnavailableError("writing the output failed"));
  }
  return trends.counts().malformed > 0 ? kExitSomeRecordsBad : kExitOk;
}

}  // namespace

void RegisterTrends(CLI::App& app, Action* action) {
  auto flags = std::make_shared<TrendsFlags>();
  CLI::App* cmd = app.add_subcommand(
      "trends",
      "Volume of each counter-narrative theme per day and language in `moderato scan`\n"
      "output, and the gap report: per theme and language, the volume next to the\n"
      "approved counter-narratives of the library (--db), ranked by volume / (1 + items).\n"
      "Exit codes: 0 ok, 1 some lines were not scan records (skipped, listed),\n"
      "2 usage error, 3 input not found, 4 a bad --from/--to or database, 5 a budget\n"
      "was exceeded.");
  cmd->add_option("inputs", flags->inputs, "Scan output JSONL files ('-' or none: stdin)");
  cmd->add_option("--db", flags->db,
                  "Database with the counter-narrative library (default: $MODERATO_DB or "
                  "moderato.db); missing: coverage 0");
  cmd->add_option("--format", flags->format, "table, csv or svg")
      ->check(CLI::IsMember({"table", "csv", "svg"}))
      ->capture_default_str();
  cmd->add_option("-o,--output", flags->output, "Write the report here instead of stdout");
  cmd->add_option("--from", flags->from,
                  "First day YYYY-MM-DD (records without time are left out)");
  cmd->add_option("--to", flags->to, "Last day YYYY-MM-DD (records without time are left out)");
  cmd->add_option("--lang", flags->lang, "Only records in this language (ar, fr, en, arabizi...)");
  cmd->callback([flags, action] { *action = [flags] { return RunTrends(*flags); }; });
}

}  // namespace moderato::cli
