// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Private helpers shared by the image decoders (image.cc, image_png.cc,
// image_exif.cc). Not part of the installed API.

#ifndef MODERATO_HASH_IMAGE_INTERNAL_H_
#define MODERATO_HASH_IMAGE_INTERNAL_H_

#include <cstdint>
#include <span>
#include <string_view>

#include "moderato/hash/image.h"
#include "moderato/status.h"

namespace moderato::image_internal {

// kInvalidArgument for a zero side, kResourceExhausted naming the dimensions
// and the budget when either side or the pixel count is over budget.
Status CheckDimensions(std::string_view format, uint64_t width, uint64_t height,
                       const DecodeOptions& options);

// Composites `pixel_count` interleaved pixels of `channels_in` (2 = grey+alpha,
// 4 = RGBA) over white into `out` (channels_in - 1 channels per pixel). `out`
// may alias `in` (the write position never overtakes the read position).
void CompositeOverWhite(const uint8_t* in, int channels_in, uint64_t pixel_count, uint8_t* out);

// The libpng decoder (image_png.cc). `bytes` starts with the PNG signature.
Result<Image> DecodePng(std::span<const uint8_t> bytes, const DecodeOptions& options);

// Orientation 1..8 from a TIFF structure ("II*\0" or "MM\0*" header, as in
// an EXIF block after its "Exif\0\0" prefix), or 1 if absent or invalid.
// Reads only inside `tiff`.
int ParseTiffOrientation(std::span<const uint8_t> tiff);

// Finds the EXIF block of a JPEG (APP1), PNG (eXIf) or WebP (EXIF chunk) by
// walking the container's segments/chunks, and returns its orientation (1 if
// none). Bounded: never reads outside `bytes`.
int ReadExifOrientation(std::span<const uint8_t> bytes, ImageFormat format);

}  // namespace moderato::image_internal

#endif  // MODERATO_HASH_IMAGE_INTERNAL_H_
