// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Turns a command-line argument into signals: a file is hashed (PDQ for
// images, MD5 and SHA-256 always); a value with --type is validated and
// canonicalised (pdq/md5/sha256 hex, url, text: the text itself, or a file
// holding it, becomes its near-duplicate signature).

#ifndef MODERATO_CLI_MEDIA_SIGNALS_H_
#define MODERATO_CLI_MEDIA_SIGNALS_H_

#include <string>
#include <vector>

#include "moderato/hash/media.h"
#include "moderato/status.h"
#include "moderato/store/banks.h"

namespace moderato::cli {

struct ArgumentOptions {
  bool fast = false;  // JPEG fast mode for files
};

// `type` empty: `arg` must be a readable file (kNotFound otherwise).
Result<std::vector<Signal>> SignalsFromArgument(const std::string& arg, const std::string& type,
                                                const ArgumentOptions& options);

// The signals of a hashed file: PDQ (when there is one), MD5, SHA-256.
std::vector<Signal> SignalsFromMedia(const MediaHashes& hashes);

}  // namespace moderato::cli

#endif  // MODERATO_CLI_MEDIA_SIGNALS_H_
