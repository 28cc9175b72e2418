// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// The moderato subcommands. Each file in cli/ registers one command on the
// CLI11 app and returns the action to run when it is chosen. Commands hold no
// business logic: they parse flags, call the engine and format its results.

#ifndef MODERATO_CLI_COMMANDS_H_
#define MODERATO_CLI_COMMANDS_H_

#include <functional>

#include "CLI/CLI.hpp"
#include "moderato/status.h"

namespace moderato::cli {

// What a command does once its flags are parsed; returns the process exit code.
using Action = std::function<int()>;

// Each Register* adds its subcommand to `app` and sets `*action` when chosen.
void RegisterNormalize(CLI::App& app, Action* action);
void RegisterLexicon(CLI::App& app, Action* action);
void RegisterScan(CLI::App& app, Action* action);
void RegisterTrain(CLI::App& app, Action* action);
void RegisterEval(CLI::App& app, Action* action);
void RegisterHash(CLI::App& app, Action* action);
void RegisterBank(CLI::App& app, Action* action);
void RegisterMatch(CLI::App& app, Action* action);
void RegisterCounter(CLI::App& app, Action* action);
void RegisterRedirect(CLI::App& app, Action* action);
void RegisterTrends(CLI::App& app, Action* action);
void RegisterOrg(CLI::App& app, Action* action);
void RegisterKey(CLI::App& app, Action* action);
void RegisterAudit(CLI::App& app, Action* action);
void RegisterServe(CLI::App& app, Action* action);

// Exit codes (documented in docs/cli.md):
//   0 success; 1 the command ran but some input records were malformed
//   (scan); 2 usage error; 3 input not found or unreadable; 4 invalid input
//   (bad lexicon, bad model); 5 a budget was exceeded; 70 internal error.
enum ExitCode : int {
  kExitOk = 0,
  kExitSomeRecordsBad = 1,
  kExitUsage = 2,
  kExitNotFound = 3,
  kExitInvalidInput = 4,
  kExitResourceExhausted = 5,
  kExitInternal = 70,
};

// The one table mapping StatusCode to exit codes.
int ExitCodeFor(const Status& status);

// Prints "moderato: <status>" on stderr and returns ExitCodeFor(status).
int ReportError(const Status& status);

}  // namespace moderato::cli

// In a command's Run function: on error, report it and return its exit code.
#define MODERATO_RETURN_EXIT_IF_ERROR(expr)                       \
  do {                                                            \
    ::moderato::Status moderato_exit_status_ = (expr);            \
    if (!moderato_exit_status_.ok()) {                            \
      return ::moderato::cli::ReportError(moderato_exit_status_); \
    }                                                             \
  } while (false)
#define MODERATO_ASSIGN_OR_RETURN_EXIT(lhs, rexpr)                                                 \
  MODERATO_INTERNAL_ASSIGN_OR_RETURN_EXIT(MODERATO_INTERNAL_CONCAT(moderato_exit_, __LINE__), lhs, \
                                          rexpr)
#define MODERATO_INTERNAL_ASSIGN_OR_RETURN_EXIT(tmp, lhs, rexpr)    \
  auto tmp = (rexpr);                                               \
  if (!tmp.ok()) return ::moderato::cli::ReportError(tmp.status()); \
  lhs = std::move(tmp).value()

#endif  // MODERATO_CLI_COMMANDS_H_
