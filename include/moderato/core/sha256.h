// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// SHA-256 for the modules that fingerprint their own records (API-key
// hashes and the audit chain in store, policy versions, request digests in
// the server). Media hashing with error reporting and streaming is in
// moderato/hash/digest.h, which builds on this.
//
//   std::string h = moderato::Sha256HexOf({salt, secret});  // 64 hex digits
//
// Thread-safe; O(total bytes).
#ifndef MODERATO_CORE_SHA256_H_
#define MODERATO_CORE_SHA256_H_

#include <initializer_list>
#include <string>
#include <string_view>

namespace moderato {

// Returns the SHA-256 of the concatenation of `parts` as 64 lowercase hex
// digits. OpenSSL can fail here only when it cannot allocate, which is
// fatal (MODERATO_CHECK), so there is no error to report.
std::string Sha256HexOf(std::initializer_list<std::string_view> parts);

}  // namespace moderato

#endif  // MODERATO_CORE_SHA256_H_
