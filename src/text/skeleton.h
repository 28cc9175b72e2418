// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Skeleton rewrites of a normalized view. Each returns true if it changed
// `*view`; the new view's bytes carry the original spans of the bytes they
// came from, so the skeleton's map composes with the normalized view's.

#ifndef MODERATO_TEXT_SKELETON_H_
#define MODERATO_TEXT_SKELETON_H_

#include "moderato/text/normalize.h"
#include "text/normalize_internal.h"

namespace moderato::internal {

// Folds Latin look-alikes (Tables::confusables) in every word (`all`) or only
// in words that also contain a Latin letter.
bool FoldConfusables(const Tables& t, bool all, TextView* view);

// "h a t e", "h.a.t.e" -> "hate": runs of >= 3 single letters separated by
// single separators (space . - _).
bool CollapseSpacedLetters(const Tables& t, TextView* view);

// Leetspeak inside runs of [letters digits @ $ ! |] holding a Latin letter.
bool FoldLeet(TextView* view);

}  // namespace moderato::internal

#endif  // MODERATO_TEXT_SKELETON_H_
