// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// The on-disk form of a HammingIndex (docs/matching.md, "File format"): a
// 64-byte header, then the ids (u64, strictly ascending) and the hashes (four
// u64 words each), all little-endian, with XXH3-64 checksums of the header
// and of the payload. The MIH tables are rebuilt on load rather than stored:
// they are derived data, rebuilding is a counting sort per substring, and it
// leaves nothing in the file that a hostile writer could make inconsistent.

#ifndef MODERATO_SRC_MATCH_INDEX_FILE_H_
#define MODERATO_SRC_MATCH_INDEX_FILE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "match/mih_segment.h"
#include "moderato/hash/hash256.h"
#include "moderato/status.h"

namespace moderato::internal {

inline constexpr std::size_t kIndexHeaderBytes = 64;
inline constexpr std::uint32_t kIndexFormatVersion = 1;
inline constexpr char kIndexMagic[8] = {'M', 'O', 'D', 'H', 'A', 'M', 'I', 'X'};

struct IndexFileContents {
  std::vector<std::uint64_t> ids;  // strictly ascending
  HashVector hashes;
};

// Calls its argument once per entry, in ascending id order.
using EntryVisitor = std::function<void(const std::function<void(std::uint64_t, const Hash256&)>&)>;

// Writes `count` entries (visited twice: ids, then hashes) to `path`
// atomically. Fails with kUnavailable on I/O errors.
Status WriteIndexFile(const std::string& path, std::size_t count, const EntryVisitor& visit);

// Reads and validates a file. kNotFound if missing, kUnavailable on I/O
// errors, kDataLoss for any malformed content.
Result<IndexFileContents> ReadIndexFile(const std::string& path, bool verify_checksums,
                                        std::size_t max_entries);
Result<IndexFileContents> ParseIndexFile(std::string_view bytes, bool verify_checksums,
                                         std::size_t max_entries);

}  // namespace moderato::internal

#endif  // MODERATO_SRC_MATCH_INDEX_FILE_H_
