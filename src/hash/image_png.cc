// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// PNG decoding with libpng.
//
// libpng reports errors by longjmp. To keep that well-defined in C++, every
// setjmp() lives in a small function (PngReadHeader, PngSetUpTransforms,
// PngReadRows) whose locals are all trivially destructible, and libpng calls
// back only into the trivially-destructible functions below. Objects with
// destructors (the pixel buffer, the row pointers, the libpng cleanup guard)
// live in DecodePng, the caller, whose frame a longjmp never crosses.

#include <png.h>

#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "hash/image_internal.h"

namespace moderato::image_internal {
namespace {

// Trivially destructible state shared with libpng's callbacks.
struct PngSource {
  const uint8_t* data;
  size_t size;
  size_t pos;
  char error[160];
};

void PngReadCallback(png_structp png, png_bytep out, size_t n) {
  auto* src = static_cast<PngSource*>(png_get_io_ptr(png));
  if (n > src->size - src->pos) png_error(png, "truncated PNG data");
  std::memcpy(out, src->data + src->pos, n);
  src->pos += n;
}

[[noreturn]] void PngErrorCallback(png_structp png, png_const_charp message) {
  auto* src = static_cast<PngSource*>(png_get_error_ptr(png));
  std::snprintf(src->error, sizeof(src->error), "%s", message);
  png_longjmp(png, 1);
}

void PngWarningCallback(png_structp, png_const_charp) {}

struct PngHeader {
  png_uint_32 width;
  png_uint_32 height;
  int bit_depth;
  int color_type;
};

bool PngReadHeader(png_structp png, png_infop info, PngHeader* header) {
  if (setjmp(png_jmpbuf(png))) return false;
  // Our own budget check (with a clearer message) comes right after this;
  // libpng's own limits are set as high as the format allows.
  png_set_user_limits(png, PNG_UINT_31_MAX, PNG_UINT_31_MAX);
  // Ancillary chunks (iCCP, zTXt, ...) may not decompress to more than this.
  png_set_chunk_malloc_max(png, 8u << 20);
  png_read_info(png, info);
  png_get_IHDR(png, info, &header->width, &header->height, &header->bit_depth, &header->color_type,
               nullptr, nullptr, nullptr);
  return true;
}

// Requests 8-bit grey, grey+alpha, RGB or RGBA output. Sets *channels and
// *row_bytes as libpng will deliver them.
bool PngSetUpTransforms(png_structp png, png_infop info, const PngHeader* header, int* channels,
                        size_t* row_bytes) {
  if (setjmp(png_jmpbuf(png))) return false;
  if (header->color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if (header->color_type == PNG_COLOR_TYPE_GRAY && header->bit_depth < 8) {
    png_set_expand_gray_1_2_4_to_8(png);
  }
  if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
  if (header->bit_depth == 16) png_set_scale_16(png);
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  *channels = png_get_channels(png, info);
  *row_bytes = png_get_rowbytes(png, info);
  return true;
}

bool PngReadRows(png_structp png, png_bytepp rows) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_read_image(png, rows);
  return true;
}

class PngGuard {
 public:
  PngGuard(png_structp png, png_infop info) : png_(png), info_(info) {}
  PngGuard(const PngGuard&) = delete;
  PngGuard& operator=(const PngGuard&) = delete;
  ~PngGuard() { png_destroy_read_struct(&png_, info_ != nullptr ? &info_ : nullptr, nullptr); }

 private:
  png_structp png_;
  png_infop info_;
};

Status PngError(const PngSource& src) {
  return InvalidArgumentError(std::string("corrupt PNG: ") + src.error);
}

}  // namespace

Result<Image> DecodePng(std::span<const uint8_t> bytes, const DecodeOptions& options) {
  PngSource src{bytes.data(), bytes.size(), 0, "unknown libpng error"};
  png_structp png =
      png_create_read_struct(PNG_LIBPNG_VER_STRING, &src, PngErrorCallback, PngWarningCallback);
  if (png == nullptr) return InternalError("png_create_read_struct failed");
  png_infop info = png_create_info_struct(png);
  PngGuard guard(png, info);
  if (info == nullptr) return InternalError("png_create_info_struct failed");
  png_set_read_fn(png, &src, PngReadCallback);

  PngHeader header{};
  if (!PngReadHeader(png, info, &header)) return PngError(src);
  MODERATO_RETURN_IF_ERROR(CheckDimensions("PNG", header.width, header.height, options));

  int channels = 0;
  size_t row_bytes = 0;
  if (!PngSetUpTransforms(png, info, &header, &channels, &row_bytes)) return PngError(src);
  if (channels < 1 || channels > 4 || row_bytes != size_t{header.width} * channels) {
    return InternalError("unexpected libpng output layout");
  }

  Image image;
  image.width = header.width;
  image.height = header.height;
  image.format = ImageFormat::kPng;
  image.pixels.resize(row_bytes * header.height);
  std::vector<png_bytep> rows(header.height);
  for (png_uint_32 y = 0; y < header.height; ++y) rows[y] = &image.pixels[y * row_bytes];
  if (!PngReadRows(png, rows.data())) return PngError(src);

  const uint64_t pixel_count = uint64_t{header.width} * header.height;
  if (channels == 2 || channels == 4) {
    CompositeOverWhite(image.pixels.data(), channels, pixel_count, image.pixels.data());
    image.pixels.resize(pixel_count * (channels - 1));
    image.pixels.shrink_to_fit();
    image.had_alpha = true;
    channels -= 1;
  }
  image.channels = channels;
  return image;
}

}  // namespace moderato::image_internal
