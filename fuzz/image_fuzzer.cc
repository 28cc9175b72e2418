// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzzes DecodeImage (JPEG, PNG, WebP, EXIF) and the PDQ pipeline on what it
// decodes, and checks:
//   - decoding never crashes, leaks or reads out of bounds, and fails only
//     with kInvalidArgument or kResourceExhausted;
//   - a decoded image is well-formed (1 or 3 channels, buffer matches size,
//     orientation in 1..8) and within the budgets;
//   - scaled / luma-only / oriented decodes have the documented shapes;
//   - PDQ: the optimised pipeline is bit-identical to the straightforward
//     oracle (hash/pdq_oracle.h), and the kOriginal dihedral variant equals
//     the plain hash.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>

#include "hash/pdq_internal.h"
#include "hash/pdq_oracle.h"
#include "moderato/hash/image.h"
#include "moderato/hash/pdq.h"

namespace {

void Fail(const char* what) {
  std::fprintf(stderr, "image_fuzzer: %s\n", what);
  std::abort();
}

void CheckWellFormed(const moderato::Image& image, const moderato::DecodeOptions& options) {
  if (image.channels != 1 && image.channels != 3) Fail("bad channel count");
  if (image.pixels.size() != uint64_t{image.width} * image.height * image.channels) {
    Fail("pixel buffer does not match the size");
  }
  if (image.width == 0 || image.height == 0) Fail("empty image decoded");
  if (uint64_t{image.width} * image.height > options.max_pixels) Fail("over max_pixels");
  if (image.exif_orientation < 1 || image.exif_orientation > 8) Fail("bad orientation");
}

void CheckStatus(const moderato::Status& status) {
  if (status.code() != moderato::StatusCode::kInvalidArgument &&
      status.code() != moderato::StatusCode::kResourceExhausted) {
    std::fprintf(stderr, "%s\n", status.ToString().c_str());
    Fail("unexpected error code");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  // Small budgets keep each run fast and exercise the budget paths.
  const moderato::DecodeOptions options{
      .max_bytes = 1 << 20, .max_pixels = 1 << 20, .max_dimension = 4096};
  moderato::Result<moderato::Image> image = moderato::DecodeImage(bytes, options);
  (void)moderato::ReadImageHeader(bytes);
  if (!image.ok()) {
    CheckStatus(image.status());
    return 0;
  }
  CheckWellFormed(*image, options);

  if (image->format == moderato::ImageFormat::kJpeg) {
    moderato::DecodeOptions scaled = options;
    scaled.jpeg_scale_denom = 1 << (size % 4);
    scaled.jpeg_luma_only = (size & 4) != 0;
    moderato::Result<moderato::Image> small = moderato::DecodeImage(bytes, scaled);
    if (small.ok()) {
      CheckWellFormed(*small, scaled);
      const uint32_t d = static_cast<uint32_t>(scaled.jpeg_scale_denom);
      if (small->width != (image->width + d - 1) / d) Fail("scaled width");
      // Luma-only applies to YCbCr JPEGs; RGB and CMYK ones decode as usual.
      if (small->channels > image->channels) Fail("scaled decode gained channels");
    }
  }
  if (image->exif_orientation >= 5) {
    moderato::DecodeOptions oriented = options;
    oriented.apply_exif_orientation = true;
    moderato::Result<moderato::Image> turned = moderato::DecodeImage(bytes, oriented);
    if (!turned.ok() || turned->width != image->height) Fail("orientation did not transpose");
  }

  moderato::Result<moderato::PdqResult> pdq = moderato::PdqFromImage(*image);
  if (!pdq.ok()) Fail("PDQ failed on a decoded image");
  if (pdq->quality < 0 || pdq->quality > 100) Fail("quality out of range");
  moderato::Result<moderato::PdqDihedralResult> all = moderato::PdqDihedralFromImage(*image);
  if (!all.ok() || (*all)[moderato::Dihedral::kOriginal] != pdq->hash) {
    Fail("orig dihedral variant differs from the plain hash");
  }
  if (image->width >= 5 && image->height >= 5) {
    uint32_t rows = 0;
    uint32_t cols = 0;
    std::vector<float> luma = moderato::pdq_internal::Luma(*image, false, &rows, &cols);
    const auto expected = moderato::pdq_oracle::StraightforwardDownsample(luma, rows, cols);
    moderato::pdq_internal::Buffer64 buffer;
    moderato::pdq_internal::DownsampleImage(*image, false, buffer);
    if (std::memcmp(buffer.data(), expected.data(), sizeof(buffer)) != 0) {
      Fail("optimised downsample differs from the straightforward oracle");
    }
  }
  return 0;
}
