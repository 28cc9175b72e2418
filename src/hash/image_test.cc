// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/hash/image.h"

#include <png.h>
#include <turbojpeg.h>

#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hash/image_testing.h"
#include "hash/pdq_testing.h"

namespace moderato {
namespace {

using image_testing::EncodeJpeg;
using image_testing::EncodePng;
using image_testing::EncodeWebpLossless;
using ::testing::HasSubstr;

std::vector<uint8_t> Gradient(uint32_t w, uint32_t h, int channels) {
  std::vector<uint8_t> px(size_t{w} * h * channels);
  for (uint32_t y = 0; y < h; ++y) {
    for (uint32_t x = 0; x < w; ++x) {
      for (int c = 0; c < channels; ++c) {
        px[(size_t{y} * w + x) * channels + c] =
            static_cast<uint8_t>((x * 4 + y * 2 + c * 60) % 256);
      }
    }
  }
  return px;
}

uint8_t OverWhite(uint8_t c, uint8_t a) {
  return static_cast<uint8_t>((c * a + 255 * (255 - a) + 127) / 255);
}

TEST(ImageTest, SniffsFormatsByMagicBytes) {
  EXPECT_EQ(SniffImageFormat(EncodeJpeg(8, 8, 3, Gradient(8, 8, 3))), ImageFormat::kJpeg);
  EXPECT_EQ(SniffImageFormat(EncodePng(8, 8, PNG_FORMAT_RGB, Gradient(8, 8, 3).data())),
            ImageFormat::kPng);
  EXPECT_EQ(SniffImageFormat(EncodeWebpLossless(8, 8, 3, Gradient(8, 8, 3))), ImageFormat::kWebp);
  const std::vector<uint8_t> gif = {'G', 'I', 'F', '8', '9', 'a'};
  EXPECT_EQ(SniffImageFormat(gif), ImageFormat::kUnknown);
  EXPECT_EQ(SniffImageFormat({}), ImageFormat::kUnknown);
  EXPECT_EQ(ImageFormatName(ImageFormat::kWebp), "webp");
}

TEST(ImageTest, PngGreyAndRgbDecodeExactly) {
  for (int channels : {1, 3}) {
    std::vector<uint8_t> px = Gradient(37, 21, channels);
    Result<Image> image =
        DecodeImage(EncodePng(37, 21, channels == 1 ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB, px.data()));
    ASSERT_TRUE(image.ok()) << image.status();
    EXPECT_EQ(image->width, 37u);
    EXPECT_EQ(image->height, 21u);
    EXPECT_EQ(image->channels, channels);
    EXPECT_EQ(image->pixels, px);
    EXPECT_EQ(image->format, ImageFormat::kPng);
    EXPECT_FALSE(image->had_alpha);
  }
}

TEST(ImageTest, PngAlphaIsCompositedOverWhite) {
  std::vector<uint8_t> rgba = Gradient(16, 9, 4);
  rgba[3] = 0;  // first pixel fully transparent
  Result<Image> image = DecodeImage(EncodePng(16, 9, PNG_FORMAT_RGBA, rgba.data()));
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_EQ(image->channels, 3);
  EXPECT_TRUE(image->had_alpha);
  for (size_t p = 0; p < 16 * 9; ++p) {
    for (int c = 0; c < 3; ++c) {
      ASSERT_EQ(image->pixels[p * 3 + c], OverWhite(rgba[p * 4 + c], rgba[p * 4 + 3]));
    }
  }
  EXPECT_EQ(image->pixels[0], 255);

  std::vector<uint8_t> ga = Gradient(16, 9, 2);
  Result<Image> grey = DecodeImage(EncodePng(16, 9, PNG_FORMAT_GA, ga.data()));
  ASSERT_TRUE(grey.ok()) << grey.status();
  EXPECT_EQ(grey->channels, 1);
  EXPECT_TRUE(grey->had_alpha);
  for (size_t p = 0; p < 16 * 9; ++p)
    ASSERT_EQ(grey->pixels[p], OverWhite(ga[p * 2], ga[p * 2 + 1]));
}

TEST(ImageTest, PngPaletteAndPaletteTransparencyExpand) {
  const uint8_t palette[4 * 4] = {255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 128, 9, 9, 9, 0};
  std::vector<uint8_t> indexes(10 * 4);
  for (size_t i = 0; i < indexes.size(); ++i) indexes[i] = static_cast<uint8_t>(i % 4);
  Result<Image> image =
      DecodeImage(EncodePng(10, 4, PNG_FORMAT_RGBA_COLORMAP, indexes.data(), palette, 4));
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_EQ(image->channels, 3);
  EXPECT_TRUE(image->had_alpha);  // tRNS
  for (size_t i = 0; i < indexes.size(); ++i) {
    const uint8_t* entry = &palette[indexes[i] * 4];
    for (int c = 0; c < 3; ++c) ASSERT_EQ(image->pixels[i * 3 + c], OverWhite(entry[c], entry[3]));
  }
}

TEST(ImageTest, Png16BitIsScaledTo8Bit) {
  std::vector<uint16_t> px(12 * 5);
  for (size_t i = 0; i < px.size(); ++i) px[i] = static_cast<uint16_t>((i * 4) * 257);
  Result<Image> image = DecodeImage(EncodePng(12, 5, PNG_FORMAT_LINEAR_Y, px.data()));
  ASSERT_TRUE(image.ok()) << image.status();
  ASSERT_EQ(image->channels, 1);
  for (size_t i = 0; i < px.size(); ++i) ASSERT_EQ(image->pixels[i], i * 4) << i;
}

TEST(ImageTest, OneBitAndGreyPngVectorsDecodeToGrey) {
  for (const char* path : {"images/misc-images/modes/1.png", "images/misc-images/modes/L.png"}) {
    Result<Image> image = DecodeImage(pdq_testing::ReadVector(path));
    ASSERT_TRUE(image.ok()) << path << ": " << image.status();
    EXPECT_EQ(image->channels, 1) << path;
    EXPECT_EQ(image->width, 1600u);
    EXPECT_EQ(image->height, 1004u);
  }
  Result<Image> bilevel = DecodeImage(pdq_testing::ReadVector("images/misc-images/modes/1.png"));
  ASSERT_TRUE(bilevel.ok());
  for (uint8_t v : bilevel->pixels) ASSERT_TRUE(v == 0 || v == 255);
}

TEST(ImageTest, JpegColourAndGrey) {
  std::vector<uint8_t> rgb = Gradient(64, 48, 3);
  Result<Image> colour = DecodeImage(EncodeJpeg(64, 48, 3, rgb));
  ASSERT_TRUE(colour.ok()) << colour.status();
  EXPECT_EQ(colour->channels, 3);
  EXPECT_EQ(colour->format, ImageFormat::kJpeg);
  ASSERT_EQ(colour->pixels.size(), rgb.size());
  double error = 0;
  for (size_t i = 0; i < rgb.size(); ++i) error += std::abs(colour->pixels[i] - rgb[i]);
  EXPECT_LE(error / rgb.size(), 12);  // lossy, and the gradient wraps around

  std::vector<uint8_t> grey = Gradient(64, 48, 1);
  Result<Image> g = DecodeImage(EncodeJpeg(64, 48, 1, grey));
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(g->channels, 1);
}

TEST(ImageTest, CmykJpegBecomesRgb) {
  std::vector<uint8_t> cmyk(16 * 8 * 4);
  for (size_t i = 0; i < cmyk.size(); ++i) cmyk[i] = (i % 4 == 3) ? 255 : 200;
  tjhandle tj = tjInitCompress();
  unsigned char* jpeg = nullptr;
  unsigned long size = 0;
  ASSERT_EQ(tjCompress2(tj, cmyk.data(), 16, 0, 8, TJPF_CMYK, &jpeg, &size, TJSAMP_444, 95, 0), 0);
  std::vector<uint8_t> bytes(jpeg, jpeg + size);
  tjFree(jpeg);
  tjDestroy(tj);
  Result<Image> image = DecodeImage(bytes);
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_EQ(image->channels, 3);
  // Inverted CMYK: R = C·K/255 = 200 for every pixel, up to JPEG loss.
  for (uint8_t v : image->pixels) ASSERT_NEAR(v, 200, 4);
}

TEST(ImageTest, JpegDctScalingAndLumaOnly) {
  std::vector<uint8_t> jpeg = EncodeJpeg(101, 50, 3, Gradient(101, 50, 3));
  for (int denom : {1, 2, 4, 8}) {
    Result<Image> image = DecodeImage(jpeg, {.jpeg_scale_denom = denom});
    ASSERT_TRUE(image.ok()) << image.status();
    EXPECT_EQ(image->width, (101u + denom - 1) / denom);
    EXPECT_EQ(image->height, (50u + denom - 1) / denom);
  }
  EXPECT_EQ(DecodeImage(jpeg, {.jpeg_scale_denom = 3}).status().code(),
            StatusCode::kInvalidArgument);
  Result<Image> luma = DecodeImage(jpeg, {.jpeg_luma_only = true});
  ASSERT_TRUE(luma.ok());
  EXPECT_EQ(luma->channels, 1);
  Result<Image> full = DecodeImage(jpeg);
  for (size_t p = 0; p < luma->pixels.size(); ++p) {
    const uint8_t* c = &full->pixels[p * 3];
    ASSERT_NEAR(luma->pixels[p], 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2], 12) << p;
  }
  // Scaling does not apply to PNG.
  Result<Image> png = DecodeImage(EncodePng(20, 10, PNG_FORMAT_GRAY, Gradient(20, 10, 1).data()),
                                  {.jpeg_scale_denom = 4});
  ASSERT_TRUE(png.ok());
  EXPECT_EQ(png->width, 20u);
}

TEST(ImageTest, WebpLosslessRgbAndRgba) {
  std::vector<uint8_t> rgb = Gradient(30, 20, 3);
  Result<Image> image = DecodeImage(EncodeWebpLossless(30, 20, 3, rgb));
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_EQ(image->format, ImageFormat::kWebp);
  EXPECT_EQ(image->pixels, rgb);
  EXPECT_FALSE(image->had_alpha);

  std::vector<uint8_t> rgba = Gradient(30, 20, 4);
  Result<Image> alpha = DecodeImage(EncodeWebpLossless(30, 20, 4, rgba));
  ASSERT_TRUE(alpha.ok()) << alpha.status();
  EXPECT_TRUE(alpha->had_alpha);
  ASSERT_EQ(alpha->channels, 3);
  for (size_t p = 0; p < 30 * 20; ++p) {
    for (int c = 0; c < 3; ++c) {
      // Lossless WebP may alter the colour of fully transparent pixels.
      if (rgba[p * 4 + 3] == 0) continue;
      ASSERT_EQ(alpha->pixels[p * 3 + c], OverWhite(rgba[p * 4 + c], rgba[p * 4 + 3]));
    }
  }
}

TEST(ImageTest, ReadsHeadersWithoutDecoding) {
  for (const auto& bytes : {EncodeJpeg(33, 17, 3, Gradient(33, 17, 3)),
                            EncodePng(33, 17, PNG_FORMAT_RGB, Gradient(33, 17, 3).data()),
                            EncodeWebpLossless(33, 17, 3, Gradient(33, 17, 3))}) {
    Result<ImageHeader> header = ReadImageHeader(bytes);
    ASSERT_TRUE(header.ok()) << header.status();
    EXPECT_EQ(header->width, 33u);
    EXPECT_EQ(header->height, 17u);
  }
  EXPECT_EQ(ReadImageHeader(std::vector<uint8_t>{1, 2, 3}).status().code(),
            StatusCode::kInvalidArgument);
}

// --- EXIF orientation ---------------------------------------------------------

// 3 × 2 grey image:  1 2 3
//                    4 5 6
Image Small() {
  Image image;
  image.width = 3;
  image.height = 2;
  image.channels = 1;
  image.pixels = {1, 2, 3, 4, 5, 6};
  return image;
}

TEST(ImageTest, AppliesEachExifOrientation) {
  struct Case {
    int orientation;
    uint32_t width;
    std::vector<uint8_t> pixels;
  };
  const std::vector<Case> cases = {
      {1, 3, {1, 2, 3, 4, 5, 6}},  // as stored
      {2, 3, {3, 2, 1, 6, 5, 4}},  // mirror left-right
      {3, 3, {6, 5, 4, 3, 2, 1}},  // rotate 180
      {4, 3, {4, 5, 6, 1, 2, 3}},  // mirror top-bottom
      {5, 2, {1, 4, 2, 5, 3, 6}},  // transpose
      {6, 2, {4, 1, 5, 2, 6, 3}},  // rotate 90 clockwise
      {7, 2, {6, 3, 5, 2, 4, 1}},  // transverse
      {8, 2, {3, 6, 2, 5, 1, 4}},  // rotate 90 counter-clockwise
  };
  for (const Case& c : cases) {
    Image out = ApplyExifOrientation(Small(), c.orientation);
    EXPECT_EQ(out.width, c.width) << c.orientation;
    EXPECT_EQ(out.height, 6 / c.width) << c.orientation;
    EXPECT_EQ(out.pixels, c.pixels) << c.orientation;
  }
  // 6 and 8 undo each other; invalid values leave the image alone.
  EXPECT_EQ(ApplyExifOrientation(ApplyExifOrientation(Small(), 6), 8).pixels, Small().pixels);
  EXPECT_EQ(ApplyExifOrientation(Small(), 9).pixels, Small().pixels);
}

TEST(ImageTest, ReadsJpegExifOrientationAndAppliesItOnlyOnRequest) {
  std::vector<uint8_t> jpeg =
      image_testing::JpegWithExif(EncodeJpeg(40, 24, 3, Gradient(40, 24, 3)), 6);
  Result<Image> stored = DecodeImage(jpeg);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->exif_orientation, 6);
  EXPECT_EQ(stored->width, 40u);
  Result<Image> rotated = DecodeImage(jpeg, {.apply_exif_orientation = true});
  ASSERT_TRUE(rotated.ok());
  EXPECT_EQ(rotated->width, 24u);
  EXPECT_EQ(rotated->height, 40u);
  EXPECT_EQ(rotated->exif_orientation, 6);
  EXPECT_EQ(rotated->pixels, ApplyExifOrientation(*stored, 6).pixels);
}

TEST(ImageTest, ReadsPngExifOrientation) {
  std::vector<uint8_t> png =
      image_testing::PngWithExif(EncodePng(8, 8, PNG_FORMAT_GRAY, Gradient(8, 8, 1).data()), 3);
  Result<Image> image = DecodeImage(png);
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_EQ(image->exif_orientation, 3);
}

TEST(ImageTest, NoOrMalformedExifMeansOrientationOne) {
  Result<Image> image = DecodeImage(EncodeJpeg(8, 8, 3, Gradient(8, 8, 3)));
  ASSERT_TRUE(image.ok());
  EXPECT_EQ(image->exif_orientation, 1);
  std::vector<uint8_t> bad =
      image_testing::JpegWithExif(EncodeJpeg(8, 8, 3, Gradient(8, 8, 3)), 42);
  ASSERT_TRUE(DecodeImage(bad).ok());
  EXPECT_EQ(DecodeImage(bad)->exif_orientation, 1);
}

// --- Garbage and budgets ----------------------------------------------------------

void ExpectCode(const std::vector<uint8_t>& bytes, StatusCode code, const std::string& what,
                const DecodeOptions& options = {}) {
  Result<Image> image = DecodeImage(bytes, options);
  ASSERT_FALSE(image.ok()) << what;
  EXPECT_EQ(image.status().code(), code) << what << ": " << image.status();
}

TEST(ImageTest, UnknownFormatsAreRejected) {
  ExpectCode({}, StatusCode::kInvalidArgument, "empty");
  std::mt19937 rng(9);
  std::vector<uint8_t> noise(4096);
  for (auto& b : noise) b = static_cast<uint8_t>(rng());
  ExpectCode(noise, StatusCode::kInvalidArgument, "noise");
  EXPECT_THAT(DecodeImage(noise).status().message(),
              HasSubstr("unsupported image format (expected JPEG, PNG or WebP)"));
}

TEST(ImageTest, TruncatedAndCorruptFilesAreInvalidArguments) {
  const std::vector<std::vector<uint8_t>> files = {
      EncodeJpeg(64, 64, 3, Gradient(64, 64, 3)),
      EncodePng(64, 64, PNG_FORMAT_RGB, Gradient(64, 64, 3).data()),
      EncodeWebpLossless(64, 64, 3, Gradient(64, 64, 3))};
  for (const auto& file : files) {
    const std::string name(ImageFormatName(SniffImageFormat(file)));
    std::vector<size_t> cuts = {3, 12, 40, file.size() / 2};
    // A PNG whose pixel data is complete decodes even without its IEND
    // chunk (the decoder stops after the last row, as browsers do).
    if (name != "png") cuts.push_back(file.size() - 3);
    for (size_t keep : cuts) {
      ExpectCode(std::vector<uint8_t>(file.begin(), file.begin() + keep),
                 StatusCode::kInvalidArgument, name + " truncated to " + std::to_string(keep));
    }
    std::mt19937 rng(11);
    for (int trial = 0; trial < 50; ++trial) {
      std::vector<uint8_t> corrupt = file;
      for (int k = 0; k < 8; ++k)
        corrupt[8 + rng() % (corrupt.size() - 8)] = static_cast<uint8_t>(rng());
      Result<Image> image = DecodeImage(corrupt);  // must not crash; either outcome is fine
      if (image.ok()) {
        EXPECT_EQ(image->pixels.size(), size_t{image->width} * image->height * image->channels);
      }
    }
  }
}

TEST(ImageTest, PngDecompressionBombIsRejectedBeforeAllocating) {
  Result<Image> image = DecodeImage(image_testing::PngHeaderOnly(100000, 100000));
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.status().code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(image.status().message(), HasSubstr("100000x100000"));
  EXPECT_THAT(image.status().message(), HasSubstr("30000"));
  // Within max_dimension but over max_pixels.
  image = DecodeImage(image_testing::PngHeaderOnly(20000, 20000));
  EXPECT_EQ(image.status().code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(image.status().message(), HasSubstr("max_pixels"));
}

TEST(ImageTest, JpegDecompressionBombIsRejectedBeforeAllocating) {
  std::vector<uint8_t> jpeg = EncodeJpeg(16, 16, 3, Gradient(16, 16, 3));
  // Patch the SOF0 frame header: FF C0, length(2), precision(1), height(2), width(2).
  size_t sof = 2;
  while (sof + 9 < jpeg.size() && !(jpeg[sof] == 0xFF && jpeg[sof + 1] == 0xC0)) ++sof;
  ASSERT_LT(sof + 9, jpeg.size());
  jpeg[sof + 5] = 0xEA;  // height 60000
  jpeg[sof + 6] = 0x60;
  jpeg[sof + 7] = 0xEA;  // width 60000
  jpeg[sof + 8] = 0x60;
  Result<Image> image = DecodeImage(jpeg);
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.status().code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(image.status().message(), HasSubstr("60000x60000"));
}

TEST(ImageTest, BudgetsAreConfigurable) {
  std::vector<uint8_t> webp = EncodeWebpLossless(64, 48, 3, Gradient(64, 48, 3));
  ExpectCode(webp, StatusCode::kResourceExhausted, "max_pixels", {.max_pixels = 64 * 48 - 1});
  ExpectCode(webp, StatusCode::kResourceExhausted, "max_dimension", {.max_dimension = 63});
  ExpectCode(webp, StatusCode::kResourceExhausted, "max_bytes", {.max_bytes = 10});
  EXPECT_TRUE(DecodeImage(webp, {.max_pixels = 64 * 48, .max_dimension = 64}).ok());
}

}  // namespace
}  // namespace moderato
