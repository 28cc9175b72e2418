// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Reader for golden case files (tests/cases/<kind>/*.test), in the style of
// DuckDB's sqllogictest files:
//
//   # name: tests/cases/normalize/fullwidth.test
//   # description: fullwidth Latin folds to ASCII
//   normalize view=skeleton
//   ｆｒｅｅ ｍｏｎｅｙ
//   ----
//   free money
//
// A case is a directive line (a command word and key=value arguments), one or
// more input lines, a line "----", and expected lines up to a blank line or
// the end of the file. Lines starting with '#' outside a case are comments.
// The escape "\t" in inputs and expectations stands for a tab; "\u{XXXX}"
// stands for a code point (for invisible characters).

#ifndef MODERATO_TESTS_GOLDEN_H_
#define MODERATO_TESTS_GOLDEN_H_

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace moderato::testing {

struct GoldenCase {
  std::string file;
  int line = 0;  // line of the directive
  std::string command;
  std::map<std::string, std::string> args;
  std::vector<std::string> input;
  std::vector<std::string> expected;

  std::string where() const { return file + ":" + std::to_string(line); }
};

// Replaces "\t" and "\u{XXXX}" escapes.
inline std::string UnescapeGolden(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == 't') {
      out += '\t';
      ++i;
    } else if (s.compare(i, 3, "\\u{") == 0 && s.find('}', i) != std::string::npos) {
      std::size_t close = s.find('}', i);
      unsigned long cp = std::stoul(s.substr(i + 3, close - i - 3), nullptr, 16);
      if (cp < 0x80) {
        out += static_cast<char>(cp);
      } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      }
      i = close;
    } else {
      out += s[i];
    }
  }
  return out;
}

inline std::vector<GoldenCase> ReadGoldenFile(const std::filesystem::path& path) {
  std::vector<GoldenCase> cases;
  std::ifstream in(path);
  std::string line;
  int n = 0;
  enum { kOutside, kInput, kExpected } state = kOutside;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    switch (state) {
      case kOutside: {
        if (line.empty() || line[0] == '#') break;
        GoldenCase c;
        c.file = path.string();
        c.line = n;
        std::istringstream words(line);
        words >> c.command;
        std::string arg;
        while (words >> arg) {
          std::size_t eq = arg.find('=');
          if (eq == std::string::npos) {
            c.args[arg] = "";
          } else {
            c.args[arg.substr(0, eq)] = arg.substr(eq + 1);
          }
        }
        cases.push_back(std::move(c));
        state = kInput;
        break;
      }
      case kInput:
        if (line == "----") {
          state = kExpected;
        } else {
          cases.back().input.push_back(UnescapeGolden(line));
        }
        break;
      case kExpected:
        if (line.empty()) {
          state = kOutside;
        } else {
          cases.back().expected.push_back(UnescapeGolden(line));
        }
        break;
    }
  }
  return cases;
}

// Reads every *.test file under tests/cases/<kind>/, sorted by name.
inline std::vector<GoldenCase> ReadGoldenCases(const std::string& kind) {
  std::vector<std::filesystem::path> files;
  std::filesystem::path dir = std::filesystem::path(MODERATO_SOURCE_ROOT) / "tests/cases" / kind;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".test") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<GoldenCase> all;
  for (const auto& f : files) {
    auto cases = ReadGoldenFile(f);
    all.insert(all.end(), cases.begin(), cases.end());
  }
  return all;
}

}  // namespace moderato::testing

#endif  // MODERATO_TESTS_GOLDEN_H_
