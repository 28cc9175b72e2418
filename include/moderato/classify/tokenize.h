// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// The tokeniser that turns a Normalizer's `normalized` view into the
// space-separated tokens fed to fastText, for training and prediction alike.
//
// Rules: runs of letters, digits, combining marks and '_' form a word; '@'
// at the start of a word stays attached (so the "@user" and "@url"
// placeholders of tweet corpora are one token); every other visible
// character (punctuation, '#', symbols, emoji) is a token of its own; white
// space separates. A token that would start with fastText's label prefix
// "__label__" loses its first '_' so that text can never inject a label.
// Invalid UTF-8 becomes U+FFFD. The input is expected to be lower-cased
// already (Normalizer case-folds).
//
// Changing these rules changes the model's features: bump kTokenizerVersion,
// which is stored in model sidecars and checked by Classifier::Load().
//
// Cost: linear in the input, one pass, no allocation beyond `out`.
// Thread safety: pure functions.
//
// Example:
//   std::string tokens = moderato::FastTextTokens("@user hello, world!");
//   // tokens == "@user hello , world !"

#ifndef MODERATO_CLASSIFY_TOKENIZE_H_
#define MODERATO_CLASSIFY_TOKENIZE_H_

#include <string>
#include <string_view>

namespace moderato {

inline constexpr int kTokenizerVersion = 1;

// Appends the tokens of `normalized` to `*out`, separated by single spaces
// (with a space before the first one if `*out` is not empty). Returns the
// number of tokens appended.
int AppendFastTextTokens(std::string_view normalized, std::string* out);

// Returns the tokens of `normalized` separated by single spaces.
std::string FastTextTokens(std::string_view normalized);

}  // namespace moderato

#endif  // MODERATO_CLASSIFY_TOKENIZE_H_
