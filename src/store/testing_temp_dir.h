// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Test helper: a fresh directory under the test temp dir, removed with the
// object.

#ifndef MODERATO_SRC_STORE_TESTING_TEMP_DIR_H_
#define MODERATO_SRC_STORE_TESTING_TEMP_DIR_H_

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <system_error>

#include "gtest/gtest.h"

namespace moderato::testing_store {

class TempDir {
 public:
  TempDir() {
    std::string pattern = ::testing::TempDir() + "moderato_store_XXXXXX";
    path_ = mkdtemp(pattern.data()) != nullptr ? pattern : "";
    EXPECT_FALSE(path_.empty()) << "mkdtemp failed";
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace moderato::testing_store

#endif  // MODERATO_SRC_STORE_TESTING_TEMP_DIR_H_
