// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
// Placeholder until the normalize command lands in this session.

#include "cli/commands.h"

namespace moderato::cli {

void RegisterNormalize(CLI::App& app, Action* action) {
  auto* cmd = app.add_subcommand("normalize", "(not built yet)");
  cmd->callback(
      [action] { *action = [] { return ReportError(FailedPreconditionError("not built yet")); }; });
}

}  // namespace moderato::cli
