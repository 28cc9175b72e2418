// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Bank write routes and POST /v1/hash of `moderato serve` (docs/server.md).

#include "server/app_internal.h"

namespace moderato::server {

void App::Shared::RegisterBanks(App&, Router&) {}

}  // namespace moderato::server
