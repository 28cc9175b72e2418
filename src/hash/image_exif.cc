// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// A deliberately tiny EXIF reader: it finds the EXIF block in a JPEG, PNG or
// WebP container and reads one tag (0x0112, Orientation) from IFD0. Every read
// is bounds-checked against the span it was given; loops advance by at least
// one byte per step, so the cost is linear in the input.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "hash/image_internal.h"

namespace moderato::image_internal {
namespace {

constexpr uint16_t kOrientationTag = 0x0112;
constexpr uint16_t kTiffTypeShort = 3;

uint16_t Read16(const uint8_t* p, bool little_endian) {
  return little_endian ? static_cast<uint16_t>(p[0] | (p[1] << 8))
                       : static_cast<uint16_t>((p[0] << 8) | p[1]);
}

uint32_t Read32(const uint8_t* p, bool little_endian) {
  return little_endian ? (uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) |
                          (uint32_t{p[3]} << 24))
                       : ((uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) |
                          uint32_t{p[3]});
}

// Accepts an EXIF payload with or without the "Exif\0\0" prefix.
int OrientationFromExifPayload(std::span<const uint8_t> payload) {
  static constexpr uint8_t kPrefix[6] = {'E', 'x', 'i', 'f', 0, 0};
  if (payload.size() >= 6 && std::memcmp(payload.data(), kPrefix, 6) == 0) {
    payload = payload.subspan(6);
  }
  return ParseTiffOrientation(payload);
}

int FromJpeg(std::span<const uint8_t> b) {
  size_t pos = 2;  // after SOI
  while (pos + 4 <= b.size()) {
    if (b[pos] != 0xFF) return 1;  // not at a marker: give up quietly
    const uint8_t marker = b[pos + 1];
    if (marker == 0xFF) {  // fill byte
      ++pos;
      continue;
    }
    if (marker == 0xD9 || marker == 0xDA) return 1;              // EOI or start of scan: no EXIF
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {  // no length
      pos += 2;
      continue;
    }
    const size_t length = (size_t{b[pos + 2]} << 8) | b[pos + 3];
    if (length < 2 || pos + 2 + length > b.size()) return 1;
    if (marker == 0xE1) {
      int orientation = OrientationFromExifPayload(b.subspan(pos + 4, length - 2));
      if (orientation != 1) return orientation;
    }
    pos += 2 + length;
  }
  return 1;
}

int FromPng(std::span<const uint8_t> b) {
  size_t pos = 8;  // after the signature
  while (pos + 12 <= b.size()) {
    const size_t length = Read32(&b[pos], /*little_endian=*/false);
    if (length > b.size() - pos - 12) return 1;
    const uint8_t* type = &b[pos + 4];
    if (std::memcmp(type, "eXIf", 4) == 0) {
      return OrientationFromExifPayload(b.subspan(pos + 8, length));
    }
    if (std::memcmp(type, "IEND", 4) == 0) return 1;
    pos += 12 + length;
  }
  return 1;
}

int FromWebp(std::span<const uint8_t> b) {
  size_t pos = 12;  // after "RIFF" size "WEBP"
  while (pos + 8 <= b.size()) {
    const size_t length = Read32(&b[pos + 4], /*little_endian=*/true);
    if (length > b.size() - pos - 8) return 1;
    if (std::memcmp(&b[pos], "EXIF", 4) == 0) {
      return OrientationFromExifPayload(b.subspan(pos + 8, length));
    }
    pos += 8 + length + (length & 1);
  }
  return 1;
}

}  // namespace

int ParseTiffOrientation(std::span<const uint8_t> tiff) {
  if (tiff.size() < 8) return 1;
  bool little_endian;
  if (tiff[0] == 'I' && tiff[1] == 'I') {
    little_endian = true;
  } else if (tiff[0] == 'M' && tiff[1] == 'M') {
    little_endian = false;
  } else {
    return 1;
  }
  if (Read16(&tiff[2], little_endian) != 42) return 1;
  const uint32_t ifd = Read32(&tiff[4], little_endian);
  if (ifd > tiff.size() || tiff.size() - ifd < 2) return 1;
  const size_t entries = Read16(&tiff[ifd], little_endian);
  const size_t first = size_t{ifd} + 2;
  for (size_t e = 0; e < entries; ++e) {
    const size_t at = first + 12 * e;
    if (at + 12 > tiff.size()) return 1;
    if (Read16(&tiff[at], little_endian) != kOrientationTag) continue;
    if (Read16(&tiff[at + 2], little_endian) != kTiffTypeShort) return 1;
    if (Read32(&tiff[at + 4], little_endian) != 1) return 1;
    const int value = Read16(&tiff[at + 8], little_endian);
    return value >= 1 && value <= 8 ? value : 1;
  }
  return 1;
}

int ReadExifOrientation(std::span<const uint8_t> bytes, ImageFormat format) {
  switch (format) {
    case ImageFormat::kJpeg:
      return FromJpeg(bytes);
    case ImageFormat::kPng:
      return FromPng(bytes);
    case ImageFormat::kWebp:
      return FromWebp(bytes);
    case ImageFormat::kUnknown:
      break;
  }
  return 1;
}

}  // namespace moderato::image_internal
