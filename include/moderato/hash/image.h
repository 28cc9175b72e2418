// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// DecodeImage: turns untrusted JPEG, PNG or WebP bytes into 8-bit grey or RGB
// pixels for perceptual hashing (moderato/hash/pdq.h), within budgets.
//
// Decoders: libjpeg-turbo (TurboJPEG API, accurate integer "ISLOW" IDCT and
// the default fancy upsampling, so JPEG pixels are those of the PDQ reference
// tools), libpng and libwebp. The format is sniffed from the magic bytes; the
// file name or MIME type is never consulted.
//
// Output policy:
//   - Grey images (JPEG greyscale, PNG grey or grey+alpha, 1/2/4-bit grey)
//     come out with channels == 1; everything else with channels == 3 (RGB).
//   - Palette, tRNS, low bit depths and 16-bit samples are expanded or
//     reduced to 8 bits per channel (16-bit is scaled, not truncated).
//   - Alpha is composited over WHITE: c' = (c·a + 255·(255 − a) + 127) / 255.
//     A fully transparent pixel becomes white (255), an opaque one is
//     unchanged. `had_alpha` records that the source had an alpha channel or
//     a tRNS chunk.
//   - CMYK/YCCK JPEGs are converted to RGB with R = C·K/255 etc. (the Adobe
//     inverted convention that libjpeg writes).
//   - Animated WebP is rejected (kInvalidArgument); an APNG decodes as its
//     default image (IDAT; libpng ignores the animation chunks).
//
// EXIF orientation (tag 0x0112) is read from JPEG APP1, PNG eXIf and WebP
// EXIF chunks by a small bounded TIFF parser, and reported in
// Image::exif_orientation (1 when absent or invalid). Pixels are left as
// stored unless DecodeOptions::apply_exif_orientation is set, in which case
// they are transformed into display orientation:
//   1 as stored              5 transpose (mirror on the main diagonal)
//   2 mirror left-right      6 rotate 90° clockwise
//   3 rotate 180°            7 transverse (mirror on the anti-diagonal)
//   4 mirror top-bottom      8 rotate 90° counter-clockwise
// After applying it, exif_orientation is still the value read from the file.
// The PDQ reference never applies EXIF orientation, so PDQ conformance needs
// the default (false).
//
// Budgets (untrusted input): see DecodeOptions. Dimensions are read from the
// header (tjDecompressHeader3, png_read_info, WebPGetFeatures) and checked
// before any pixel buffer is allocated, so a 100000×100000 "decompression
// bomb" costs a few hundred bytes of parsing.
//
// Errors:
//   kInvalidArgument    unknown format ("unsupported image format (expected
//                       JPEG, PNG or WebP)"), corrupt or truncated data (the
//                       decoder's message), animated WebP.
//   kResourceExhausted  input larger than max_bytes, or dimensions/pixel
//                       count over budget (the message names both).
//
// Thread safety: DecodeImage is reentrant; concurrent calls need no locking.
//
// Example:
//   MODERATO_ASSIGN_OR_RETURN(moderato::Image image,
//                             moderato::DecodeImage(bytes, {.max_pixels = 20'000'000}));

#ifndef MODERATO_HASH_IMAGE_H_
#define MODERATO_HASH_IMAGE_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "moderato/status.h"

namespace moderato {

enum class ImageFormat { kUnknown, kJpeg, kPng, kWebp };

// "jpeg", "png", "webp" or "unknown".
std::string_view ImageFormatName(ImageFormat format);

// Sniffs the magic bytes: JPEG FF D8 FF, the 8-byte PNG signature, or
// "RIFF" <4 bytes> "WEBP". Never fails; kUnknown otherwise.
ImageFormat SniffImageFormat(std::span<const uint8_t> bytes);

struct DecodeOptions {
  // Inputs longer than this are rejected (kResourceExhausted) unread.
  size_t max_bytes = size_t{64} << 20;
  // width × height budget; the decoded buffer is at most 3 × max_pixels bytes.
  uint64_t max_pixels = 50'000'000;
  // Budget for either side.
  uint32_t max_dimension = 30000;
  // Transform pixels into display orientation (see the table above).
  bool apply_exif_orientation = false;
  // JPEG only: decode at 1/jpeg_scale_denom of the size using libjpeg-turbo's
  // DCT scaling (1, 2, 4 or 8; other values are kInvalidArgument). Budgets
  // are checked against the full-size header dimensions. Ignored for PNG and
  // WebP. Used by PDQ's fast mode.
  int jpeg_scale_denom = 1;
  // JPEG only: decode just the luma (Y) plane of a YCbCr JPEG, as a grey
  // image (channels == 1); RGB and CMYK JPEGs decode as usual. JPEG's Y is 0.299R + 0.587G +
  // 0.114B, PDQ's luma, computed before chroma subsampling, so this skips the chroma IDCT,
  // upsampling and colour conversion while changing the luma only by
  // rounding. Used by PDQ's fast mode.
  bool jpeg_luma_only = false;
};

struct Image {
  uint32_t width = 0;
  uint32_t height = 0;
  int channels = 0;             // 1 (grey) or 3 (RGB)
  std::vector<uint8_t> pixels;  // row-major, interleaved, no padding
  ImageFormat format = ImageFormat::kUnknown;
  int exif_orientation = 1;  // 1..8 as read from the file; 1 if none
  bool had_alpha = false;    // alpha or tRNS was present and composited over white
};

// What the header says, without decoding pixels: cheap (no allocation
// proportional to the image). Errors as DecodeImage, but no budget checks.
struct ImageHeader {
  ImageFormat format = ImageFormat::kUnknown;
  uint32_t width = 0;
  uint32_t height = 0;
};
Result<ImageHeader> ReadImageHeader(std::span<const uint8_t> bytes);

// Decodes `bytes` (see the file comment for formats, policy and errors).
Result<Image> DecodeImage(std::span<const uint8_t> bytes, const DecodeOptions& options = {});

// Returns `image` transformed by EXIF orientation `orientation` (1..8; other
// values return the image unchanged). Width and height swap for 5..8.
Image ApplyExifOrientation(const Image& image, int orientation);

}  // namespace moderato

#endif  // MODERATO_HASH_IMAGE_H_
