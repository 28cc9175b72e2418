// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Result<T> lives in status.h; this header exists so code can name what it uses.

#ifndef MODERATO_RESULT_H_
#define MODERATO_RESULT_H_

#include "moderato/status.h"

#endif  // MODERATO_RESULT_H_
