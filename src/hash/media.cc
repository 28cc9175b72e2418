// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/hash/media.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <system_error>
#include <vector>

namespace moderato {

Result<MediaHashes> HashMedia(std::span<const uint8_t> bytes, const MediaHashOptions& options) {
  if (bytes.size() > options.max_bytes) {
    return ResourceExhaustedError("file of " + std::to_string(bytes.size()) +
                                  " bytes is over the budget of " +
                                  std::to_string(options.max_bytes));
  }
  MediaHashes out;
  MODERATO_ASSIGN_OR_RETURN(
      out.digests,
      DigestBytes(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size())));
  out.format = SniffImageFormat(bytes);
  if (out.format == ImageFormat::kUnknown) {
    out.image_error = InvalidArgumentError("not an image (JPEG, PNG or WebP)");
    return out;
  }
  const DecodeOptions& decode = options.decode;
  if (options.dihedral) {
    Result<PdqDihedralResult> variants = PdqDihedralFromBytes(bytes, decode, options.pdq);
    if (!variants.ok()) {
      out.image_error = variants.status();
      return out;
    }
    out.pdq = PdqResult{.hash = variants->hashes[0], .quality = variants->quality};
    out.dihedral = *variants;
  } else {
    Result<PdqResult> pdq = PdqFromBytes(bytes, decode, options.pdq);
    if (!pdq.ok()) {
      out.image_error = pdq.status();
      return out;
    }
    out.pdq = *pdq;
  }
  // Fast mode decodes at a reduced scale: report the stored size.
  Result<ImageHeader> header = ReadImageHeader(bytes);
  if (header.ok()) {
    out.width = header->width;
    out.height = header->height;
  }
  return out;
}

Result<MediaHashes> HashMediaFile(const std::string& path, const MediaHashOptions& options) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return NotFoundError("no such file: " + path);
  uint64_t size = std::filesystem::file_size(path, ec);
  if (ec) return UnavailableError("cannot read " + path + ": " + ec.message());
  if (size > options.max_bytes) {
    return ResourceExhaustedError(path + " is " + std::to_string(size) +
                                  " bytes, over the budget of " +
                                  std::to_string(options.max_bytes));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return UnavailableError("cannot open " + path + ": " + std::strerror(errno));
  std::vector<uint8_t> bytes(size);
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size));
  if (in.gcount() != static_cast<std::streamsize>(size)) {
    return UnavailableError("short read on " + path);
  }
  return HashMedia(bytes, options);
}

}  // namespace moderato
