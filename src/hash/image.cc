// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/hash/image.h"

#include <turbojpeg.h>
#include <webp/decode.h>

#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hash/image_internal.h"

namespace moderato {
namespace image_internal {

Status CheckDimensions(std::string_view format, uint64_t width, uint64_t height,
                       const DecodeOptions& options) {
  const std::string size = std::to_string(width) + "x" + std::to_string(height);
  if (width == 0 || height == 0) {
    return InvalidArgumentError(std::string(format) + " has an empty size (" + size + ")");
  }
  if (width > options.max_dimension || height > options.max_dimension) {
    return ResourceExhaustedError(std::string(format) + " is " + size +
                                  ", over the max_dimension budget of " +
                                  std::to_string(options.max_dimension));
  }
  if (width * height > options.max_pixels) {
    return ResourceExhaustedError(
        std::string(format) + " is " + size + " = " + std::to_string(width * height) +
        " pixels, over the max_pixels budget of " + std::to_string(options.max_pixels));
  }
  return OkStatus();
}

void CompositeOverWhite(const uint8_t* in, int channels_in, uint64_t pixel_count, uint8_t* out) {
  const int colour = channels_in - 1;
  for (uint64_t p = 0; p < pixel_count; ++p) {
    const uint8_t* px = in + p * channels_in;
    const uint32_t a = px[colour];
    uint8_t* o = out + p * colour;
    for (int c = 0; c < colour; ++c) {
      o[c] = static_cast<uint8_t>((px[c] * a + 255u * (255u - a) + 127u) / 255u);
    }
  }
}

}  // namespace image_internal

namespace {

using image_internal::CheckDimensions;

struct TjDeleter {
  void operator()(void* handle) const { tjDestroy(handle); }
};

Result<Image> DecodeJpeg(std::span<const uint8_t> bytes, const DecodeOptions& options) {
  std::unique_ptr<void, TjDeleter> tj(tjInitDecompress());
  if (tj == nullptr) return InternalError("tjInitDecompress failed");
  const auto* data = bytes.data();
  const auto size = static_cast<unsigned long>(bytes.size());
  int width = 0;
  int height = 0;
  int subsampling = 0;
  int colorspace = 0;
  if (tjDecompressHeader3(tj.get(), data, size, &width, &height, &subsampling, &colorspace) != 0) {
    return InvalidArgumentError(std::string("corrupt JPEG: ") + tjGetErrorStr2(tj.get()));
  }
  MODERATO_RETURN_IF_ERROR(CheckDimensions("JPEG", width, height, options));

  tjscalingfactor factor{1, 1};
  if (options.jpeg_scale_denom != 1) {
    int count = 0;
    const tjscalingfactor* factors = tjGetScalingFactors(&count);
    bool found = false;
    for (int i = 0; i < count && factors != nullptr; ++i) {
      if (factors[i].num == 1 && factors[i].denom == options.jpeg_scale_denom) {
        factor = factors[i];
        found = true;
      }
    }
    if (!found) {
      return InvalidArgumentError("jpeg_scale_denom must be 1, 2, 4 or 8, not " +
                                  std::to_string(options.jpeg_scale_denom));
    }
  }
  const int out_width = TJSCALED(width, factor);
  const int out_height = TJSCALED(height, factor);

  const bool grey = colorspace == TJCS_GRAY || (options.jpeg_luma_only && colorspace == TJCS_YCbCr);
  const bool cmyk = colorspace == TJCS_CMYK || colorspace == TJCS_YCCK;
  const int format = grey ? TJPF_GRAY : cmyk ? TJPF_CMYK : TJPF_RGB;
  const int decoded_channels = tjPixelSize[format];
  std::vector<uint8_t> pixels(size_t{static_cast<uint32_t>(out_width)} *
                              static_cast<uint32_t>(out_height) * decoded_channels);
  // ISLOW IDCT and (by not passing TJFLAG_FASTUPSAMPLE) fancy upsampling:
  // the pixels the PDQ reference tools hash. LIMITSCANS bounds the work a
  // malicious progressive JPEG can cause.
  const int flags = TJFLAG_ACCURATEDCT | TJFLAG_LIMITSCANS;
  if (tjDecompress2(tj.get(), data, size, pixels.data(), out_width, /*pitch=*/0, out_height, format,
                    flags) != 0) {
    const std::string message = tjGetErrorStr2(tj.get());
    // Warnings (e.g. extraneous bytes before a marker) are tolerated, as by
    // the reference; a truncated file is not, since part of the image would
    // be invented grey.
    if (tjGetErrorCode(tj.get()) != TJERR_WARNING ||
        message.find("Premature end") != std::string::npos) {
      return InvalidArgumentError("corrupt JPEG: " + message);
    }
  }

  Image image;
  image.width = static_cast<uint32_t>(out_width);
  image.height = static_cast<uint32_t>(out_height);
  image.format = ImageFormat::kJpeg;
  if (cmyk) {
    // libjpeg writes Adobe (inverted) CMYK: R = C·K/255 and so on.
    const size_t count = size_t{image.width} * image.height;
    std::vector<uint8_t> rgb(count * 3);
    for (size_t p = 0; p < count; ++p) {
      const uint8_t* px = &pixels[p * 4];
      for (int c = 0; c < 3; ++c) {
        rgb[p * 3 + c] = static_cast<uint8_t>((px[c] * px[3] + 127) / 255);
      }
    }
    image.pixels = std::move(rgb);
    image.channels = 3;
  } else {
    image.pixels = std::move(pixels);
    image.channels = decoded_channels;
  }
  return image;
}

Result<Image> DecodeWebp(std::span<const uint8_t> bytes, const DecodeOptions& options) {
  WebPBitstreamFeatures features;
  const VP8StatusCode status = WebPGetFeatures(bytes.data(), bytes.size(), &features);
  if (status != VP8_STATUS_OK) {
    return InvalidArgumentError("corrupt WebP: WebPGetFeatures status " +
                                std::to_string(static_cast<int>(status)));
  }
  if (features.has_animation) return InvalidArgumentError("animated WebP is not supported");
  MODERATO_RETURN_IF_ERROR(CheckDimensions("WebP", features.width, features.height, options));
  Image image;
  image.width = static_cast<uint32_t>(features.width);
  image.height = static_cast<uint32_t>(features.height);
  image.format = ImageFormat::kWebp;
  image.channels = 3;
  const size_t count = size_t{image.width} * image.height;
  if (features.has_alpha) {
    std::vector<uint8_t> rgba(count * 4);
    if (WebPDecodeRGBAInto(bytes.data(), bytes.size(), rgba.data(), rgba.size(),
                           static_cast<int>(image.width * 4)) == nullptr) {
      return InvalidArgumentError("corrupt WebP: decoding failed");
    }
    image_internal::CompositeOverWhite(rgba.data(), 4, count, rgba.data());
    rgba.resize(count * 3);
    rgba.shrink_to_fit();
    image.pixels = std::move(rgba);
    image.had_alpha = true;
  } else {
    image.pixels.resize(count * 3);
    if (WebPDecodeRGBInto(bytes.data(), bytes.size(), image.pixels.data(), image.pixels.size(),
                          static_cast<int>(image.width * 3)) == nullptr) {
      return InvalidArgumentError("corrupt WebP: decoding failed");
    }
  }
  return image;
}

}  // namespace

std::string_view ImageFormatName(ImageFormat format) {
  switch (format) {
    case ImageFormat::kJpeg:
      return "jpeg";
    case ImageFormat::kPng:
      return "png";
    case ImageFormat::kWebp:
      return "webp";
    case ImageFormat::kUnknown:
      break;
  }
  return "unknown";
}

ImageFormat SniffImageFormat(std::span<const uint8_t> b) {
  static constexpr uint8_t kPngSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  if (b.size() >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return ImageFormat::kJpeg;
  if (b.size() >= 8 && std::memcmp(b.data(), kPngSignature, 8) == 0) return ImageFormat::kPng;
  if (b.size() >= 12 && std::memcmp(b.data(), "RIFF", 4) == 0 &&
      std::memcmp(b.data() + 8, "WEBP", 4) == 0) {
    return ImageFormat::kWebp;
  }
  return ImageFormat::kUnknown;
}

Image ApplyExifOrientation(const Image& image, int orientation) {
  if (orientation < 2 || orientation > 8) return image;
  const uint64_t w = image.width;
  const uint64_t h = image.height;
  const int ch = image.channels;
  const bool swap = orientation >= 5;
  Image out = image;
  out.width = static_cast<uint32_t>(swap ? h : w);
  out.height = static_cast<uint32_t>(swap ? w : h);
  const uint64_t ow = out.width;
  const uint64_t oh = out.height;
  for (uint64_t y = 0; y < oh; ++y) {
    for (uint64_t x = 0; x < ow; ++x) {
      uint64_t sx = x;
      uint64_t sy = y;
      switch (orientation) {
        case 2:  // mirror left-right
          sx = w - 1 - x;
          break;
        case 3:  // rotate 180
          sx = w - 1 - x;
          sy = h - 1 - y;
          break;
        case 4:  // mirror top-bottom
          sy = h - 1 - y;
          break;
        case 5:  // transpose
          sx = y;
          sy = x;
          break;
        case 6:  // rotate 90 clockwise
          sx = y;
          sy = h - 1 - x;
          break;
        case 7:  // transverse
          sx = w - 1 - y;
          sy = h - 1 - x;
          break;
        case 8:  // rotate 90 counter-clockwise
          sx = w - 1 - y;
          sy = x;
          break;
      }
      std::memcpy(&out.pixels[(y * ow + x) * ch], &image.pixels[(sy * w + sx) * ch], ch);
    }
  }
  return out;
}

Result<ImageHeader> ReadImageHeader(std::span<const uint8_t> bytes) {
  ImageHeader header;
  header.format = SniffImageFormat(bytes);
  switch (header.format) {
    case ImageFormat::kJpeg: {
      std::unique_ptr<void, TjDeleter> tj(tjInitDecompress());
      if (tj == nullptr) return InternalError("tjInitDecompress failed");
      int width = 0;
      int height = 0;
      int subsampling = 0;
      int colorspace = 0;
      if (tjDecompressHeader3(tj.get(), bytes.data(), static_cast<unsigned long>(bytes.size()),
                              &width, &height, &subsampling, &colorspace) != 0) {
        return InvalidArgumentError(std::string("corrupt JPEG: ") + tjGetErrorStr2(tj.get()));
      }
      header.width = static_cast<uint32_t>(width);
      header.height = static_cast<uint32_t>(height);
      return header;
    }
    case ImageFormat::kPng: {
      // The signature is followed by the IHDR chunk: length, "IHDR", width, height.
      if (bytes.size() < 24 || std::memcmp(bytes.data() + 12, "IHDR", 4) != 0) {
        return InvalidArgumentError("corrupt PNG: no IHDR chunk");
      }
      auto be32 = [&](size_t at) {
        return (uint32_t{bytes[at]} << 24) | (uint32_t{bytes[at + 1]} << 16) |
               (uint32_t{bytes[at + 2]} << 8) | uint32_t{bytes[at + 3]};
      };
      header.width = be32(16);
      header.height = be32(20);
      return header;
    }
    case ImageFormat::kWebp: {
      int width = 0;
      int height = 0;
      if (!WebPGetInfo(bytes.data(), bytes.size(), &width, &height)) {
        return InvalidArgumentError("corrupt WebP: no valid header");
      }
      header.width = static_cast<uint32_t>(width);
      header.height = static_cast<uint32_t>(height);
      return header;
    }
    case ImageFormat::kUnknown:
      break;
  }
  return InvalidArgumentError("unsupported image format (expected JPEG, PNG or WebP)");
}

Result<Image> DecodeImage(std::span<const uint8_t> bytes, const DecodeOptions& options) {
  if (bytes.size() > options.max_bytes) {
    return ResourceExhaustedError("image is " + std::to_string(bytes.size()) +
                                  " bytes, over the max_bytes budget of " +
                                  std::to_string(options.max_bytes));
  }
  const ImageFormat format = SniffImageFormat(bytes);
  Result<Image> image =
      InvalidArgumentError("unsupported image format (expected JPEG, PNG or WebP)");
  switch (format) {
    case ImageFormat::kJpeg:
      image = DecodeJpeg(bytes, options);
      break;
    case ImageFormat::kPng:
      image = image_internal::DecodePng(bytes, options);
      break;
    case ImageFormat::kWebp:
      image = DecodeWebp(bytes, options);
      break;
    case ImageFormat::kUnknown:
      break;
  }
  if (!image.ok()) return image;
  image->exif_orientation = image_internal::ReadExifOrientation(bytes, format);
  if (options.apply_exif_orientation && image->exif_orientation != 1) {
    return ApplyExifOrientation(*image, image->exif_orientation);
  }
  return image;
}

}  // namespace moderato
