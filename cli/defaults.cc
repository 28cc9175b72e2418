// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "cli/defaults.h"

#include <cstdlib>
#include <filesystem>

namespace moderato::cli {
namespace {

std::string FromEnv(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? std::string(value) : std::string();
}

}  // namespace

std::string DefaultClassifierPath() { return MODERATO_DEFAULT_CLASSIFIER_MODEL; }

std::string ResolveLexiconPath(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (std::string env = FromEnv("MODERATO_LEXICON"); !env.empty()) return env;
  return std::string(MODERATO_SOURCE_ROOT) + "/data/lexicons/starter.tsv";
}

std::string ResolveLidPath(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (std::string env = FromEnv("MODERATO_LID_MODEL"); !env.empty()) return env;
  return MODERATO_DEFAULT_LID_MODEL;
}

std::string ResolveDbPath(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (std::string env = FromEnv("MODERATO_DB"); !env.empty()) return env;
  return "moderato.db";
}

bool DatabaseExists(const std::string& path) {
  std::error_code ec;
  return path == ":memory:" || std::filesystem::exists(path, ec);
}

Result<std::string> ResolveDbPathFor(const std::string& flag, bool create, std::string_view what,
                                     std::string_view hint) {
  std::string path = ResolveDbPath(flag);
  if (!create && !DatabaseExists(path)) {
    return NotFoundError("no " + std::string(what) + " at " + path + " (" + std::string(hint) +
                         "; or pass --db PATH or set MODERATO_DB)");
  }
  return path;
}

Result<std::unique_ptr<BankStore>> OpenBankStore(const std::string& flag, bool create) {
  MODERATO_ASSIGN_OR_RETURN(
      std::string path,
      ResolveDbPathFor(flag, create, "bank database", "`moderato bank create NAME` makes one"));
  return OpenSqliteBankStore(path);
}

Result<std::string> ResolveClassifierPath(const std::string& flag) {
  std::string chosen = !flag.empty() ? flag : FromEnv("MODERATO_MODEL");
  std::error_code ec;
  if (!chosen.empty()) {
    if (!std::filesystem::exists(chosen, ec)) {
      return NotFoundError("classifier model " + chosen + " does not exist");
    }
    return chosen;
  }
  if (std::filesystem::exists(DefaultClassifierPath(), ec)) return DefaultClassifierPath();
  return std::string();
}

std::string SharedDataDir() {
  if (std::string env = FromEnv("MODERATO_DATA_DIR"); !env.empty()) return env;
  return MODERATO_SHARED_DATA_DIR;
}

}  // namespace moderato::cli
