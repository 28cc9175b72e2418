// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include <cstdio>
#include <exception>

#include "cli/commands.h"

namespace moderato::cli {

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return kExitOk;
    case StatusCode::kInvalidArgument:
    case StatusCode::kDataLoss:
    case StatusCode::kAlreadyExists:
      return kExitInvalidInput;
    case StatusCode::kNotFound:
    case StatusCode::kUnavailable:
      return kExitNotFound;
    case StatusCode::kResourceExhausted:
      return kExitResourceExhausted;
    case StatusCode::kFailedPrecondition:
    case StatusCode::kPermissionDenied:
    case StatusCode::kUnauthenticated:
      return kExitUsage;
    case StatusCode::kInternal:
      return kExitInternal;
  }
  return kExitInternal;
}

int ReportError(const Status& status) {
  std::fprintf(stderr, "moderato: %s\n", status.ToString().c_str());
  return ExitCodeFor(status);
}

}  // namespace moderato::cli

int main(int argc, char** argv) {
  using namespace moderato::cli;  // NOLINT(google-build-using-namespace)
  CLI::App app{
      "moderato: find terrorist and violent-extremist content in Arabic, French, English and\n"
      "Latin-script Arabic, and explain every flag; match known content against banks of\n"
      "shared hashes."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "moderato 0.1.0");
  Action action;
  RegisterNormalize(app, &action);
  RegisterLexicon(app, &action);
  RegisterScan(app, &action);
  RegisterTrain(app, &action);
  RegisterEval(app, &action);
  RegisterHash(app, &action);
  RegisterBank(app, &action);
  RegisterMatch(app, &action);
  RegisterCounter(app, &action);
  RegisterRedirect(app, &action);
  RegisterTrends(app, &action);
  RegisterOrg(app, &action);
  RegisterKey(app, &action);
  RegisterAudit(app, &action);
  RegisterServe(app, &action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  try {
    return action ? action() : kExitUsage;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "moderato: internal error: %s\n", e.what());
    return kExitInternal;
  }
}
