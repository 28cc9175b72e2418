// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// HashMedia: every signal Moderato computes for one uploaded file, in one
// call: MD5 and SHA-256 of the bytes, and for images (JPEG, PNG, WebP) the
// PDQ hash, its quality, optionally its 8 dihedral variants, and the size.
//
//   MODERATO_ASSIGN_OR_RETURN(MediaHashes h, HashMediaFile(path, {}));
//   if (h.pdq) { ... ToHex(h.pdq->hash) ... h.pdq->quality ... }
//
// A file that is not an image (or whose image cannot be decoded) still gets
// its MD5 and SHA-256; `image_error` says why it has no PDQ. Budgets: the
// file size (MediaHashOptions::max_bytes, kResourceExhausted) and the decode
// budgets of moderato/hash/image.h (reported in image_error).
//
// Thread safety: reentrant.

#ifndef MODERATO_HASH_MEDIA_H_
#define MODERATO_HASH_MEDIA_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "moderato/hash/digest.h"
#include "moderato/hash/image.h"
#include "moderato/hash/pdq.h"
#include "moderato/status.h"

namespace moderato {

struct MediaHashOptions {
  uint64_t max_bytes = uint64_t{64} << 20;  // whole file; larger is kResourceExhausted
  DecodeOptions decode;                     // image budgets, EXIF orientation
  PdqOptions pdq;                           // pre-resize, exact or fast mode
  bool dihedral = false;                    // also compute the 8 variants
};

struct MediaHashes {
  FileDigests digests;
  ImageFormat format = ImageFormat::kUnknown;
  uint32_t width = 0, height = 0;             // as stored, before any scaling
  std::optional<PdqResult> pdq;               // images only
  std::optional<PdqDihedralResult> dihedral;  // with MediaHashOptions::dihedral
  Status image_error;                         // why there is no PDQ (OK for images)
};

// Hashes `bytes`. Fails only on the byte budget or an OpenSSL failure;
// image problems land in MediaHashes::image_error.
Result<MediaHashes> HashMedia(std::span<const uint8_t> bytes, const MediaHashOptions& options);

// Reads the file at `path` (kNotFound, kUnavailable, kResourceExhausted over
// max_bytes) and hashes it.
Result<MediaHashes> HashMediaFile(const std::string& path, const MediaHashOptions& options);

}  // namespace moderato

#endif  // MODERATO_HASH_MEDIA_H_
