// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Counter-narrative routes of `moderato serve` (docs/server.md).

#include <nlohmann/json.hpp>

#include "server/app_internal.h"

namespace moderato::server {

struct App::CounterState {};

Status App::Shared::InitCounter(App& app) {
  app.counter_ = std::make_shared<CounterState>();
  return OkStatus();
}

void App::Shared::RegisterCounter(App&, Router&) {}

nlohmann::json App::Shared::SuggestCounters(App&, std::string_view, std::string_view,
                                            const Verdict&) {
  return nlohmann::json::array();
}

}  // namespace moderato::server
