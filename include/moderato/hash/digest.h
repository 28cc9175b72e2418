// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Cryptographic digests (MD5, SHA-256) of files and byte strings, for exact
// matching of known content, and strict normalisers for the hex digests that
// hash-sharing partners send us.
//
// MD5 is kept only because many industry hash lists still carry it; it is not
// collision resistant, so a match on MD5 alone is a lead, not proof. SHA-256
// is the primary exact identifier.
//
// Both digests are computed in one pass with OpenSSL's EVP API. DigestFile()
// streams the file in 64 KiB chunks, so memory is constant whatever the size.
//
// Thread safety: free functions with no shared state; safe from any thread.
//
// Budgets: DigestFile() fails with kResourceExhausted once more than
// `max_bytes` bytes have been read (the file is not read further).
//
// Example:
//   MODERATO_ASSIGN_OR_RETURN(moderato::FileDigests d,
//                             moderato::DigestFile(path, 1ull << 30));
//   MODERATO_ASSIGN_OR_RETURN(std::string want, moderato::NormalizeSha256Hex(row.sha256));
//   bool known = d.sha256_hex == want;

#ifndef MODERATO_HASH_DIGEST_H_
#define MODERATO_HASH_DIGEST_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "moderato/status.h"

namespace moderato {

// Number of hex digits in each digest.
inline constexpr std::size_t kMd5HexLength = 32;
inline constexpr std::size_t kSha256HexLength = 64;

// Default budget for DigestFile(): 4 GiB.
inline constexpr std::uint64_t kDefaultDigestMaxBytes = std::uint64_t{4} << 30;

// The digests of one byte string. Hex is lowercase, without separators.
struct FileDigests {
  std::string md5_hex;      // 32 lowercase hex digits
  std::string sha256_hex;   // 64 lowercase hex digits
  std::uint64_t bytes = 0;  // number of bytes digested

  friend bool operator==(const FileDigests&, const FileDigests&) = default;
};

// Returns the lowercase hex MD5 (RFC 1321) of `data`.
// Fails with kInternal only if OpenSSL cannot provide the algorithm (for
// example a FIPS-only provider without MD5).
Result<std::string> Md5Hex(std::span<const std::byte> data);
Result<std::string> Md5Hex(std::string_view data);

// Returns the lowercase hex SHA-256 (FIPS 180-4) of `data`.
// Fails with kInternal only if OpenSSL fails.
Result<std::string> Sha256Hex(std::span<const std::byte> data);
Result<std::string> Sha256Hex(std::string_view data);

// Returns both digests of `data` in one pass. Same failures as Md5Hex().
Result<FileDigests> DigestBytes(std::string_view data);

// Incremental form for callers that already stream bytes (an upload, an
// archive member). Not copyable (owns OpenSSL contexts); movable.
// Thread safety: one Digester per thread.
class Digester {
 public:
  // Fails with kInternal if OpenSSL cannot create the contexts.
  static Result<Digester> Create();

  ~Digester();
  Digester(Digester&& other) noexcept;
  Digester& operator=(Digester&& other) noexcept;
  Digester(const Digester&) = delete;
  Digester& operator=(const Digester&) = delete;

  // Feeds more bytes. Fails with kInternal if OpenSSL fails, and with
  // kFailedPrecondition after Finish().
  Status Update(std::string_view chunk);

  // Returns the digests of everything fed so far. The Digester cannot be
  // used afterwards (kFailedPrecondition).
  Result<FileDigests> Finish();

 private:
  struct Impl;  // keeps OpenSSL out of this header
  explicit Digester(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Streams the file at `path` and returns its digests.
// Fails with kNotFound if the file does not exist, kUnavailable if it cannot
// be opened or read (permissions, a directory, an I/O error), and
// kResourceExhausted if it is larger than `max_bytes`.
Result<FileDigests> DigestFile(const std::string& path,
                               std::uint64_t max_bytes = kDefaultDigestMaxBytes);

// Validates an MD5 given as text and returns its canonical form: exactly 32
// hex digits, returned in lowercase. Surrounding ASCII whitespace is trimmed
// (hash lists often carry a trailing "\r"); nothing else is accepted: no "0x"
// prefix, no separators. Fails with kInvalidArgument saying whether the
// length was wrong (and what it was) or which offset holds a non-hex byte.
Result<std::string> NormalizeMd5Hex(std::string_view text);

// As NormalizeMd5Hex() for SHA-256: exactly 64 hex digits.
Result<std::string> NormalizeSha256Hex(std::string_view text);

}  // namespace moderato

#endif  // MODERATO_HASH_DIGEST_H_
