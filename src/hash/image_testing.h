// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Test-only encoders and byte surgery for the image decoder tests and the
// fuzz corpus: PNG (libpng simplified API), JPEG (TurboJPEG), lossless WebP,
// PNG chunks with their CRC, and EXIF blocks.

#ifndef MODERATO_HASH_IMAGE_TESTING_H_
#define MODERATO_HASH_IMAGE_TESTING_H_

#include <png.h>
#include <turbojpeg.h>
#include <webp/encode.h>

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace moderato::image_testing {

// `format` is a PNG_FORMAT_* value; `pixels` match it (8-bit, or 16-bit for
// PNG_FORMAT_FLAG_LINEAR, passed as bytes). `colormap` for *_COLORMAP formats.
inline std::vector<uint8_t> EncodePng(uint32_t width, uint32_t height, uint32_t format,
                                      const void* pixels, const void* colormap = nullptr,
                                      uint32_t colormap_entries = 0) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = width;
  image.height = height;
  image.format = format;
  image.colormap_entries = colormap_entries;
  png_alloc_size_t size = 0;
  if (!png_image_write_to_memory(&image, nullptr, &size, 0, pixels, 0, colormap)) return {};
  std::vector<uint8_t> out(size);
  if (!png_image_write_to_memory(&image, out.data(), &size, 0, pixels, 0, colormap)) return {};
  out.resize(size);
  return out;
}

// `channels` 1 (grey JPEG) or 3 (4:2:0 colour JPEG).
inline std::vector<uint8_t> EncodeJpeg(uint32_t width, uint32_t height, int channels,
                                       const std::vector<uint8_t>& pixels, int quality = 95) {
  tjhandle tj = tjInitCompress();
  unsigned char* jpeg = nullptr;
  unsigned long size = 0;
  const int ok = tjCompress2(tj, pixels.data(), static_cast<int>(width), 0,
                             static_cast<int>(height), channels == 1 ? TJPF_GRAY : TJPF_RGB, &jpeg,
                             &size, channels == 1 ? TJSAMP_GRAY : TJSAMP_420, quality, 0);
  std::vector<uint8_t> out;
  if (ok == 0) out.assign(jpeg, jpeg + size);
  tjFree(jpeg);
  tjDestroy(tj);
  return out;
}

// `channels` 3 (RGB) or 4 (RGBA).
inline std::vector<uint8_t> EncodeWebpLossless(uint32_t width, uint32_t height, int channels,
                                               const std::vector<uint8_t>& pixels) {
  uint8_t* webp = nullptr;
  const int stride = static_cast<int>(width) * channels;
  const size_t size = channels == 4
                          ? WebPEncodeLosslessRGBA(pixels.data(), static_cast<int>(width),
                                                   static_cast<int>(height), stride, &webp)
                          : WebPEncodeLosslessRGB(pixels.data(), static_cast<int>(width),
                                                  static_cast<int>(height), stride, &webp);
  std::vector<uint8_t> out(webp, webp + size);
  WebPFree(webp);
  return out;
}

inline uint32_t Crc32(const uint8_t* data, size_t size) {
  uint32_t crc = 0xFFFFFFFFu;
  for (size_t i = 0; i < size; ++i) {
    crc ^= data[i];
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

inline void WriteBe32(uint8_t* at, uint32_t v) {
  at[0] = static_cast<uint8_t>(v >> 24);
  at[1] = static_cast<uint8_t>(v >> 16);
  at[2] = static_cast<uint8_t>(v >> 8);
  at[3] = static_cast<uint8_t>(v);
}

// A PNG chunk: length, type, data, CRC over type and data. (Sized up front:
// GCC 12 -O3 warns falsely about push_back growth here.)
inline std::vector<uint8_t> PngChunk(std::string_view type, const std::vector<uint8_t>& data) {
  std::vector<uint8_t> out(12 + data.size());
  WriteBe32(&out[0], static_cast<uint32_t>(data.size()));
  std::memcpy(&out[4], type.data(), 4);
  if (!data.empty()) std::memcpy(&out[8], data.data(), data.size());
  WriteBe32(&out[8 + data.size()], Crc32(&out[4], 4 + data.size()));
  return out;
}

// Signature + IHDR (8-bit RGB) claiming width × height, a tiny IDAT, IEND.
inline std::vector<uint8_t> PngHeaderOnly(uint32_t width, uint32_t height) {
  std::vector<uint8_t> out = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  std::vector<uint8_t> ihdr = {0, 0, 0, 0, 0, 0, 0, 0, 8, 2, 0, 0, 0};
  WriteBe32(&ihdr[0], width);
  WriteBe32(&ihdr[4], height);
  for (const auto& chunk :
       {PngChunk("IHDR", ihdr), PngChunk("IDAT", {0x78, 0x9c, 0x03, 0x00}), PngChunk("IEND", {})}) {
    out.insert(out.end(), chunk.begin(), chunk.end());
  }
  return out;
}

// A TIFF structure with one IFD0 entry: Orientation = `orientation`.
inline std::vector<uint8_t> ExifTiff(int orientation, bool big_endian) {
  std::vector<uint8_t> t;
  auto put16 = [&](uint16_t v) {
    if (big_endian) {
      t.insert(t.end(), {static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)});
    } else {
      t.insert(t.end(), {static_cast<uint8_t>(v), static_cast<uint8_t>(v >> 8)});
    }
  };
  auto put32 = [&](uint32_t v) {
    if (big_endian) {
      put16(static_cast<uint16_t>(v >> 16));
      put16(static_cast<uint16_t>(v));
    } else {
      put16(static_cast<uint16_t>(v));
      put16(static_cast<uint16_t>(v >> 16));
    }
  };
  const uint8_t order = big_endian ? 'M' : 'I';
  t.insert(t.end(), {order, order});
  put16(42);
  put32(8);  // IFD0 right after the header
  put16(1);  // one entry
  put16(0x0112);
  put16(3);  // SHORT
  put32(1);
  put16(static_cast<uint16_t>(orientation));
  put16(0);
  put32(0);  // no next IFD
  return t;
}

// Inserts an APP1 "Exif\0\0" segment right after the JPEG's SOI marker.
inline std::vector<uint8_t> JpegWithExif(const std::vector<uint8_t>& jpeg, int orientation) {
  std::vector<uint8_t> payload = {'E', 'x', 'i', 'f', 0, 0};
  const std::vector<uint8_t> tiff = ExifTiff(orientation, /*big_endian=*/false);
  payload.insert(payload.end(), tiff.begin(), tiff.end());
  const size_t length = payload.size() + 2;
  std::vector<uint8_t> out(jpeg.begin(), jpeg.begin() + 2);
  out.insert(out.end(),
             {0xFF, 0xE1, static_cast<uint8_t>(length >> 8), static_cast<uint8_t>(length & 0xFF)});
  out.insert(out.end(), payload.begin(), payload.end());
  out.insert(out.end(), jpeg.begin() + 2, jpeg.end());
  return out;
}

// Inserts an eXIf chunk right after IHDR (which ends at byte 33).
inline std::vector<uint8_t> PngWithExif(const std::vector<uint8_t>& png, int orientation) {
  const std::vector<uint8_t> chunk = PngChunk("eXIf", ExifTiff(orientation, /*big_endian=*/true));
  std::vector<uint8_t> out(png.begin(), png.begin() + 33);
  out.insert(out.end(), chunk.begin(), chunk.end());
  out.insert(out.end(), png.begin() + 33, png.end());
  return out;
}

}  // namespace moderato::image_testing

#endif  // MODERATO_HASH_IMAGE_TESTING_H_
