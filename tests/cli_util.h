// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Helpers for end-to-end tests that run the real moderato binary.

#ifndef MODERATO_TESTS_CLI_UTIL_H_
#define MODERATO_TESTS_CLI_UTIL_H_

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace moderato {

struct CliRun {
  int exit_code = -1;
  std::string out;
};

// Runs `moderato ARGS` through the shell, capturing stdout.
inline CliRun Moderato(const std::string& args) {
  std::string command = std::string(MODERATO_CLI_PATH) + " " + args + " 2>/dev/null";
  CliRun run;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) run.out.append(buf, n);
  int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

inline std::vector<nlohmann::json> ParseLines(const std::string& out) {
  std::vector<nlohmann::json> records;
  std::size_t start = 0;
  while (start < out.size()) {
    std::size_t end = out.find('\n', start);
    if (end == std::string::npos) end = out.size();
    records.push_back(nlohmann::json::parse(out.substr(start, end - start)));
    start = end + 1;
  }
  return records;
}

inline std::string TempFile(const std::string& name, const std::string& content) {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("moderato_cli_test_" + name);
  std::ofstream(path, std::ios::binary) << content;
  return path.string();
}

// A fixture with a fresh directory per test and `db_`, a " --db PATH "
// argument for a database inside it.
class CliDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("moderato_cli_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->test_suite_name() + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    db_ = " --db " + (dir_ / "t.db").string() + " ";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
  std::string db_;
};

}  // namespace moderato

#endif  // MODERATO_TESTS_CLI_UTIL_H_
