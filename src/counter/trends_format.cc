// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// The three renderings of a trend report: table, CSV and SVG.

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "moderato/core/csv.h"
#include "moderato/counter/trends.h"

namespace moderato {
namespace {

// Columns are aligned on code points, not bytes, so that a non-ASCII id
// does not shift the table (wide characters are not accounted for).
std::size_t DisplayWidth(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string FormatGap(double gap) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.2f", gap);
  return buf;
}

std::string FormatNumber(double x) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.1f", x);
  return buf;
}

// Renders rows (the first is the header) with columns padded to their widest cell;
// columns from `first_numeric` on are right-aligned.
std::string AlignedTable(const std::vector<std::vector<std::string>>& rows,
                         std::size_t first_numeric) {
  std::vector<std::size_t> width;
  for (const auto& row : rows) {
    if (width.size() < row.size()) width.resize(row.size(), 0);
    for (std::size_t i = 0; i < row.size(); ++i) {
      width[i] = std::max(width[i], DisplayWidth(row[i]));
    }
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      std::string pad(width[i] - DisplayWidth(row[i]), ' ');
      if (i > 0) line += "  ";
      line += i >= first_numeric ? pad + row[i] : row[i] + pad;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line;
    out += '\n';
  }
  return out;
}

std::vector<std::string> Themes(const TrendCounts& counts) {
  std::set<std::string> themes;
  for (const auto& [key, n] : counts.volume) themes.insert(std::get<2>(key));
  return {themes.begin(), themes.end()};
}

}  // namespace

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // Control characters other than tab and newline are not XML 1.0.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') {
          out += '?';
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string FormatTrendTable(const TrendCounts& counts, const std::vector<GapRow>& gaps) {
  std::string out = "Volume per day and language (records per theme)\n";
  std::vector<std::string> themes = Themes(counts);
  if (themes.empty()) {
    out += "  (no themed records)\n";
  } else {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> header = {"day", "lang"};
    header.insert(header.end(), themes.begin(), themes.end());
    rows.push_back(std::move(header));
    std::map<std::pair<std::string, std::string>, std::map<std::string, std::uint64_t>> by_row;
    for (const auto& [key, n] : counts.volume) {
      by_row[{std::get<0>(key), std::get<1>(key)}][std::get<2>(key)] = n;
    }
    for (const auto& [day_lang, per_theme] : by_row) {
      std::vector<std::string> row = {day_lang.first, day_lang.second};
      for (const std::string& theme : themes) {
        auto it = per_theme.find(theme);
        row.push_back(std::to_string(it == per_theme.end() ? 0 : it->second));
      }
      rows.push_back(std::move(row));
    }
    out += AlignedTable(rows, 2);
  }
  char line[256];
  std::snprintf(line, sizeof(line),
                "%llu records: %llu with themes, %llu flagged without a theme, %llu clean "
                "ignored, %llu filtered out, %llu scan errors, %llu malformed lines\n",
                static_cast<unsigned long long>(counts.records + counts.ignored_clean),
                static_cast<unsigned long long>(counts.themed),
                static_cast<unsigned long long>(counts.unthemed),
                static_cast<unsigned long long>(counts.ignored_clean),
                static_cast<unsigned long long>(counts.filtered),
                static_cast<unsigned long long>(counts.error_records),
                static_cast<unsigned long long>(counts.malformed));
  out += line;

  out += "\nGap report (volume / (1 + approved counter-narratives); write the top rows first)\n";
  if (gaps.empty()) {
    out += "  (nothing to report)\n";
  } else {
    std::vector<std::vector<std::string>> rows = {{"theme", "lang", "volume", "approved", "gap"}};
    for (const GapRow& g : gaps) {
      rows.push_back({g.theme, g.language, std::to_string(g.volume), std::to_string(g.approved),
                      FormatGap(g.gap)});
    }
    out += AlignedTable(rows, 2);
  }
  if (!counts.malformed_lines.empty()) {
    out += "\nMalformed lines\n";
    for (const MalformedLine& m : counts.malformed_lines) {
      out += "  " + (m.source.empty() ? std::string("-") : m.source) + ":" +
             std::to_string(m.line) + ": " + m.reason + "\n";
    }
    if (counts.malformed > counts.malformed_lines.size()) out += "  …\n";
  }
  return out;
}

std::string FormatTrendCsv(const TrendCounts& counts, const std::vector<GapRow>& gaps) {
  std::string out = "kind,day,language,theme,volume,approved,gap\n";
  for (const auto& [key, n] : counts.volume) {
    out += "volume," + CsvEscape(std::get<0>(key)) + "," + CsvEscape(std::get<1>(key)) + "," +
           CsvEscape(std::get<2>(key)) + "," + std::to_string(n) + ",,\n";
  }
  for (const GapRow& g : gaps) {
    out += "gap,," + CsvEscape(g.language) + "," + CsvEscape(g.theme) + "," +
           std::to_string(g.volume) + "," + std::to_string(g.approved) + "," + FormatGap(g.gap) +
           "\n";
  }
  return out;
}

std::string FormatTrendSvg(const std::vector<GapRow>& gaps, std::size_t max_themes) {
  // Themes in gap order (first appearance), languages sorted within each.
  std::vector<std::string> themes;
  std::map<std::string, std::vector<const GapRow*>> by_theme;
  for (const GapRow& g : gaps) {
    if (!by_theme.count(g.theme)) {
      if (themes.size() >= max_themes) continue;
      themes.push_back(g.theme);
    }
    by_theme[g.theme].push_back(&g);
  }
  std::uint64_t max_value = 1;
  for (const auto& [theme, rows] : by_theme) {
    for (const GapRow* g : rows) max_value = std::max({max_value, g->volume, g->approved});
  }
  constexpr double kBar = 14, kPair = 36, kMinGroup = 170, kGroupGap = 24, kLeft = 50;
  constexpr double kTop = 60, kPlot = 220, kBottom = 60;
  double width = kLeft;
  std::vector<double> group_x;
  for (const std::string& theme : themes) {
    group_x.push_back(width);
    std::vector<const GapRow*>& rows = by_theme[theme];
    std::sort(rows.begin(), rows.end(),
              [](const GapRow* a, const GapRow* b) { return a->language < b->language; });
    width += std::max(kMinGroup, kPair * static_cast<double>(rows.size())) + kGroupGap;
  }
  width = std::max(width + 20, 420.0);
  const double height = kTop + kPlot + kBottom;
  const double base = kTop + kPlot;
  auto y_of = [&](std::uint64_t v) {
    return base - kPlot * static_cast<double>(v) / static_cast<double>(max_value);
  };

  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" +
      FormatNumber(width) + "\" height=\"" + FormatNumber(height) + "\" viewBox=\"0 0 " +
      FormatNumber(width) + " " + FormatNumber(height) +
      "\" font-family=\"sans-serif\" font-size=\"11\">\n"
      "<title>Moderato trends: volume per theme and language vs approved "
      "counter-narratives</title>\n"
      "<rect x=\"0\" y=\"0\" width=\"" +
      FormatNumber(width) + "\" height=\"" + FormatNumber(height) + "\" fill=\"#ffffff\"/>\n" +
      "<text x=\"" + FormatNumber(kLeft) +
      "\" y=\"20\" font-size=\"14\">Volume vs approved counter-narratives</text>\n"
      "<rect x=\"" +
      FormatNumber(kLeft) +
      "\" y=\"30\" width=\"10\" height=\"10\" fill=\"#c0392b\"/>\n<text x=\"" +
      FormatNumber(kLeft + 14) + "\" y=\"39\">volume</text>\n<rect x=\"" +
      FormatNumber(kLeft + 70) + "\" y=\"30\" width=\"10\" height=\"10\" fill=\"#2471a3\"/>\n" +
      "<text x=\"" + FormatNumber(kLeft + 84) + "\" y=\"39\">approved items</text>\n" +
      "<line x1=\"" + FormatNumber(kLeft - 10) + "\" y1=\"" + FormatNumber(base) + "\" x2=\"" +
      FormatNumber(width - 10) + "\" y2=\"" + FormatNumber(base) + "\" stroke=\"#555555\"/>\n" +
      "<text x=\"" + FormatNumber(kLeft - 14) + "\" y=\"" + FormatNumber(kTop + 4) +
      "\" text-anchor=\"end\">" + std::to_string(max_value) + "</text>\n";
  if (themes.empty()) {
    out += "<text x=\"" + FormatNumber(kLeft) + "\" y=\"" + FormatNumber(base - 10) +
           "\">no themed records</text>\n";
  }
  for (std::size_t t = 0; t < themes.size(); ++t) {
    const std::vector<const GapRow*>& rows = by_theme[themes[t]];
    out += "<g>\n";
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const GapRow& g = *rows[i];
      double x = group_x[t] + kPair * static_cast<double>(i);
      const std::string lang = XmlEscape(g.language);
      const std::string theme = XmlEscape(g.theme);
      for (int k = 0; k < 2; ++k) {
        std::uint64_t v = k == 0 ? g.volume : g.approved;
        double bx = x + kBar * k;
        out += "<rect x=\"" + FormatNumber(bx) + "\" y=\"" + FormatNumber(y_of(v)) + "\" width=\"" +
               FormatNumber(kBar - 1) + "\" height=\"" + FormatNumber(base - y_of(v)) +
               "\" fill=\"" + (k == 0 ? "#c0392b" : "#2471a3") + "\"><title>" + theme + " / " +
               lang + ": " + std::to_string(v) + (k == 0 ? " records" : " approved items") +
               "</title></rect>\n";
        out += "<text x=\"" + FormatNumber(bx + kBar / 2) + "\" y=\"" + FormatNumber(y_of(v) - 3) +
               "\" text-anchor=\"middle\" font-size=\"9\">" + std::to_string(v) + "</text>\n";
      }
      out += "<text x=\"" + FormatNumber(x + kBar) + "\" y=\"" + FormatNumber(base + 14) +
             "\" text-anchor=\"middle\">" + lang + "</text>\n";
    }
    out += "<text x=\"" + FormatNumber(group_x[t]) + "\" y=\"" + FormatNumber(base + 32) +
           "\" font-weight=\"bold\">" + XmlEscape(themes[t]) + "</text>\n";
    out += "</g>\n";
  }
  out += "</svg>\n";
  return out;
}

}  // namespace moderato
