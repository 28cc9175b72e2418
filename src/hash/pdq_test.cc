// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/hash/pdq.h"

#include <png.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "hash/image_testing.h"
#include "hash/pdq_internal.h"
#include "hash/pdq_oracle.h"
#include "hash/pdq_testing.h"
#include "moderato/hash/hash256.h"
#include "moderato/hash/image.h"

namespace moderato {
namespace {

using pdq_testing::ReadVector;
using pdq_testing::VectorsDir;

Image DecodeVector(const std::string& path) {
  Result<Image> image = DecodeImage(ReadVector(path));
  EXPECT_TRUE(image.ok()) << path << ": " << image.status();
  return image.ok() ? *std::move(image) : Image{};
}

// A smooth random picture plus noise: a few random cosines, so that it has
// structure at many scales, like a photo.
Image RandomImage(std::mt19937& rng, uint32_t width, uint32_t height, int channels) {
  Image image;
  image.width = width;
  image.height = height;
  image.channels = channels;
  image.pixels.resize(size_t{width} * height * channels);
  std::uniform_real_distribution<double> u(0, 1);
  double fx[4], fy[4], ph[4], amp[4];
  for (int k = 0; k < 4; ++k) {
    fx[k] = u(rng) * 12;
    fy[k] = u(rng) * 12;
    ph[k] = u(rng) * 6.28;
    amp[k] = 20 + u(rng) * 30;
  }
  std::uniform_int_distribution<int> noise(-20, 20);
  for (uint32_t y = 0; y < height; ++y) {
    for (uint32_t x = 0; x < width; ++x) {
      double v = 128;
      for (int k = 0; k < 4; ++k) {
        v += amp[k] * std::cos(fx[k] * x / width * 6.28 + fy[k] * y / height * 6.28 + ph[k]);
      }
      for (int c = 0; c < channels; ++c) {
        image.pixels[(size_t{y} * width + x) * channels + c] =
            static_cast<uint8_t>(std::clamp(v + noise(rng) + 15 * c, 0.0, 255.0));
      }
    }
  }
  return image;
}

// --- Intermediate dumps of the reference (intermediates/*.txt) -------------

struct Dump {
  uint32_t rows = 0, cols = 0;
  int quality = 0;
  std::vector<float> buffer;  // 4096
  std::vector<float> dct;     // 256
  float median = 0;
  std::string hash;
};

Dump ReadDump(const std::string& name) {
  std::ifstream in(VectorsDir() + "intermediates/" + name);
  Dump dump;
  std::string line;
  int section = 0;
  while (std::getline(in, line)) {
    if (line.rfind("# rows=", 0) == 0) {
      std::sscanf(line.c_str(), "# rows=%u cols=%u", &dump.rows, &dump.cols);
      dump.quality = std::stoi(line.substr(line.find("quality=") + 8));
    } else if (line.rfind("# 64x64", 0) == 0) {
      section = 1;
    } else if (line.rfind("# 16x16", 0) == 0) {
      section = 2;
    } else if (line.rfind("# median", 0) == 0) {
      dump.median = std::stof(line.substr(line.rfind(' ') + 1));
    } else if (line.rfind("# hash", 0) == 0) {
      dump.hash = line.substr(line.rfind(' ') + 1);
    } else {
      std::istringstream values(line);
      float v;
      while (values >> v) (section == 1 ? dump.buffer : dump.dct).push_back(v);
    }
  }
  return dump;
}

class PdqIntermediatesTest : public ::testing::TestWithParam<std::string> {};

TEST_P(PdqIntermediatesTest, BuffersMatchTheReferenceDump) {
  const std::string name = GetParam();
  Dump dump = ReadDump(name + ".txt");
  ASSERT_EQ(dump.buffer.size(), 4096u);
  ASSERT_EQ(dump.dct.size(), 256u);
  Image image = DecodeVector("lossless-png/" + name + ".png");
  uint32_t rows = 0, cols = 0;
  std::vector<float> luma = pdq_internal::Luma(image, /*preresize_512=*/true, &rows, &cols);
  EXPECT_EQ(rows, dump.rows);
  EXPECT_EQ(cols, dump.cols);
  pdq_internal::Buffer64 buffer;
  pdq_internal::Downsample(luma, rows, cols, buffer);
  for (int i = 0; i < 4096; ++i) {
    ASSERT_NEAR(buffer[i], dump.buffer[i], 2e-6)
        << "64x64 buffer at (" << i / 64 << ", " << i % 64 << ")";
  }
  EXPECT_EQ(pdq_internal::Quality(buffer), dump.quality);
  pdq_internal::Dct16 dct;
  pdq_internal::Dct(buffer, dct);
  // Dumps are "%.6f": reading one back can land 1 ulp (2^-20 near 10) away.
  for (int i = 0; i < 256; ++i) {
    ASSERT_NEAR(dct[i], dump.dct[i], 2e-6) << "DCT at (" << i / 16 << ", " << i % 16 << ")";
  }
  pdq_internal::Dct16 sorted = dct;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_NEAR(sorted[127], dump.median, 2e-6);
  EXPECT_EQ(ToHex(pdq_internal::HashFromDct(dct)), dump.hash);
}

INSTANTIATE_TEST_SUITE_P(Vectors, PdqIntermediatesTest,
                         ::testing::Values("misc-images__wee", "bridge-mods__aaa-orig",
                                           "reg-test-input__labelme-subset__q0291"));

// --- Oracles ------------------------------------------------------------------

TEST(PdqTest, OptimisedStagesAreBitIdenticalToTheStraightforwardOracle) {
  std::mt19937 rng(20261129);
  const std::vector<std::pair<uint32_t, uint32_t>> sizes = {
      {5, 5},     {7, 300},   {64, 64},   {63, 65},   {34, 42},   {128, 129},
      {256, 256}, {257, 100}, {300, 511}, {640, 480}, {1001, 37}, {9, 1500}};
  for (auto [w, h] : sizes) {
    Image image = RandomImage(rng, w, h, 3);
    uint32_t rows = 0, cols = 0;
    std::vector<float> luma = pdq_internal::Luma(image, false, &rows, &cols);
    const auto expected = pdq_oracle::StraightforwardDownsample(luma, rows, cols);
    pdq_internal::Buffer64 buffer;
    pdq_internal::Downsample(luma, rows, cols, buffer);
    ASSERT_EQ(std::memcmp(buffer.data(), expected.data(), sizeof(buffer)), 0)
        << w << "x" << h << ": 64x64 buffers differ";
    // The pixel entry point computes luma on the fly: same values.
    pdq_internal::Buffer64 from_pixels;
    pdq_internal::DownsampleImage(image, false, from_pixels);
    ASSERT_EQ(std::memcmp(from_pixels.data(), expected.data(), sizeof(buffer)), 0)
        << w << "x" << h << ": DownsampleImage differs";
    pdq_internal::Dct16 dct;
    pdq_internal::Dct(buffer, dct);
    const auto expected_dct = pdq_oracle::StraightforwardDct(expected);
    ASSERT_EQ(std::memcmp(dct.data(), expected_dct.data(), sizeof(dct)), 0)
        << w << "x" << h << ": DCTs differ";
  }
}

TEST(PdqTest, PreresizedPipelineIsBitIdenticalToTheStraightforwardOracle) {
  std::mt19937 rng(99);
  for (auto [w, h] : {std::pair<uint32_t, uint32_t>{1030, 700}, {513, 3}, {700, 2000}}) {
    Image image = RandomImage(rng, w, h, 3);
    uint32_t rows = 0, cols = 0;
    std::vector<float> luma = pdq_internal::Luma(image, true, &rows, &cols);
    const auto expected = pdq_oracle::StraightforwardDownsample(luma, rows, cols);
    pdq_internal::Buffer64 buffer;
    pdq_internal::DownsampleImage(image, true, buffer);
    ASSERT_EQ(std::memcmp(buffer.data(), expected.data(), sizeof(buffer)), 0) << w << "x" << h;
  }
}

TEST(PdqTest, HashesAreCloseToTheDoublePrecisionOracle) {
  std::mt19937 rng(7);
  int worst = 0;
  for (int trial = 0; trial < 12; ++trial) {
    const uint32_t w = 40 + rng() % 700;
    const uint32_t h = 40 + rng() % 700;
    Image image = RandomImage(rng, w, h, trial % 2 ? 3 : 1);
    Result<PdqResult> fast = PdqFromImage(image);
    ASSERT_TRUE(fast.ok());
    std::vector<double> luma(size_t{w} * h);
    for (size_t i = 0; i < luma.size(); ++i) {
      const uint8_t* p = &image.pixels[i * image.channels];
      luma[i] = image.channels == 1 ? p[0] : 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2];
    }
    const Hash256 ideal =
        pdq_oracle::IdealHash(pdq_oracle::IdealDct(pdq_oracle::IdealDownsample(luma, h, w)));
    worst = std::max(worst, HammingDistance(fast->hash, ideal));
  }
  // Only coefficients within rounding error of the median can flip.
  EXPECT_LE(worst, 6);
}

// --- Pipeline details -----------------------------------------------------------

TEST(PdqTest, ImagesWithASideBelowFiveHashToZeroWithQualityZero) {
  std::mt19937 rng(1);
  for (auto [w, h] : {std::pair<uint32_t, uint32_t>{4, 100}, {100, 4}, {1, 1}}) {
    Result<PdqResult> result = PdqFromImage(RandomImage(rng, w, h, 3));
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result->hash, Hash256{});
    EXPECT_EQ(result->quality, 0);
  }
  Result<PdqResult> five = PdqFromImage(RandomImage(rng, 5, 5, 3));
  ASSERT_TRUE(five.ok());
  EXPECT_NE(five->hash, Hash256{});
}

TEST(PdqTest, Exact64By64InputSkipsTheBlur) {
  std::mt19937 rng(2);
  Image image = RandomImage(rng, 64, 64, 1);
  uint32_t rows = 0, cols = 0;
  std::vector<float> luma = pdq_internal::Luma(image, false, &rows, &cols);
  pdq_internal::Buffer64 buffer;
  pdq_internal::Downsample(luma, rows, cols, buffer);
  for (int i = 0; i < 4096; ++i) ASSERT_EQ(buffer[i], static_cast<float>(image.pixels[i]));
}

TEST(PdqTest, GreyAndEqualRgbGiveCloseHashes) {
  // 0.299 + 0.587 + 0.114 rounds to 1 in float only approximately, so the
  // luma of (g, g, g) is g up to rounding.
  std::mt19937 rng(3);
  Image grey = RandomImage(rng, 300, 200, 1);
  Image rgb = grey;
  rgb.channels = 3;
  rgb.pixels.clear();
  for (uint8_t g : grey.pixels) rgb.pixels.insert(rgb.pixels.end(), {g, g, g});
  EXPECT_LE(HammingDistance(PdqFromImage(grey)->hash, PdqFromImage(rgb)->hash), 4);
}

TEST(PdqTest, LumaEntryPointMatchesImageEntryPoint) {
  std::mt19937 rng(4);
  Image image = RandomImage(rng, 333, 222, 3);
  uint32_t rows = 0, cols = 0;
  std::vector<float> luma = pdq_internal::Luma(image, false, &rows, &cols);
  Result<PdqResult> from_luma = PdqFromLuma(luma, cols, rows);
  ASSERT_TRUE(from_luma.ok());
  EXPECT_EQ(*from_luma, *PdqFromImage(image));
  EXPECT_EQ(PdqFromLuma(luma, cols, rows + 1).status().code(), StatusCode::kInvalidArgument);
}

TEST(PdqTest, RejectsMalformedImages) {
  Image image;
  image.width = 10;
  image.height = 10;
  image.channels = 4;
  image.pixels.resize(400);
  EXPECT_EQ(PdqFromImage(image).status().code(), StatusCode::kInvalidArgument);
  image.channels = 3;
  EXPECT_EQ(PdqFromImage(image).status().code(), StatusCode::kInvalidArgument);
}

TEST(PdqTest, PreresizeSamplesTheNearestNeighbourGrid) {
  std::mt19937 rng(5);
  Image image = RandomImage(rng, 1030, 700, 3);
  uint32_t rows = 0, cols = 0;
  std::vector<float> luma = pdq_internal::Luma(image, true, &rows, &cols);
  ASSERT_EQ(rows, 512u);
  ASSERT_EQ(cols, 512u);
  // Output (x, y) = source (⌊x·1030/512⌋, ⌊y·700/512⌋).
  const uint8_t* p = &image.pixels[(size_t{511 * 700 / 512} * 1030 + 511 * 1030 / 512) * 3];
  EXPECT_EQ(luma[511 * 512 + 511], 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2]);
  // Small images are left alone.
  Image small = RandomImage(rng, 512, 100, 1);
  luma = pdq_internal::Luma(small, true, &rows, &cols);
  EXPECT_EQ(rows, 100u);
  EXPECT_EQ(cols, 512u);
}

// --- Dihedral variants ---------------------------------------------------------

TEST(PdqTest, DihedralNamesAreTheReferenceNames) {
  std::vector<std::string> names;
  for (Dihedral d : kAllDihedrals) names.emplace_back(DihedralName(d));
  EXPECT_EQ(names, (std::vector<std::string>{"orig", "rot90", "rot180", "rot270", "flipx", "flipy",
                                             "flipplus1", "flipminus1"}));
}

TEST(PdqTest, OriginalVariantEqualsThePlainHash) {
  std::mt19937 rng(6);
  Image image = RandomImage(rng, 200, 150, 3);
  Result<PdqDihedralResult> all = PdqDihedralFromImage(image);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ((*all)[Dihedral::kOriginal], PdqFromImage(image)->hash);
  EXPECT_EQ(all->quality, PdqFromImage(image)->quality);
}

TEST(PdqTest, VariantsApproximateThePhysicallyTransformedImages) {
  // bridge-1-original is byte-identical to bridge-mods/aaa-orig (PROVENANCE.md).
  Image original = DecodeVector("lossless-png/bridge-mods__aaa-orig.png");
  Result<PdqDihedralResult> variants = PdqDihedralFromImage(original, {.preresize_512 = true});
  ASSERT_TRUE(variants.ok());
  const std::vector<std::pair<Dihedral, std::string>> files = {
      {Dihedral::kRot90, "bridge-2-rotate-90"},
      {Dihedral::kRot180, "bridge-3-rotate-180"},
      {Dihedral::kRot270, "bridge-4-rotate-270"},
      {Dihedral::kFlipX, "bridge-5-flipx"},
      {Dihedral::kFlipY, "bridge-6-flipy"},
      {Dihedral::kFlipPlus1, "bridge-7-flip-plus-1"},
      {Dihedral::kFlipMinus1, "bridge-8-flip-minus-1"}};
  for (const auto& [d, file] : files) {
    Image transformed = DecodeVector("lossless-png/reg-test-input__dih__" + file + ".png");
    Result<PdqResult> physical = PdqFromImage(transformed, {.preresize_512 = true});
    ASSERT_TRUE(physical.ok());
    for (Dihedral other : kAllDihedrals) {
      const int distance = HammingDistance((*variants)[other], physical->hash);
      if (other == d) {
        EXPECT_LE(distance, 20) << DihedralName(d) << " vs " << file;
      } else {
        EXPECT_GE(distance, 90) << DihedralName(other) << " vs " << file;
      }
    }
  }
}

// --- Alpha policy --------------------------------------------------------------

// Raw RGBA of a PNG through libpng's simplified API (no compositing).
std::vector<uint8_t> ReadRgba(const std::vector<uint8_t>& bytes, uint32_t* w, uint32_t* h) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&image, bytes.data(), bytes.size())) return {};
  image.format = PNG_FORMAT_RGBA;
  std::vector<uint8_t> rgba(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, rgba.data(), 0, nullptr)) return {};
  *w = image.width;
  *h = image.height;
  return rgba;
}

Image Composite(const std::vector<uint8_t>& rgba, uint32_t w, uint32_t h, uint32_t background) {
  Image image;
  image.width = w;
  image.height = h;
  image.channels = 3;
  for (size_t p = 0; p < size_t{w} * h; ++p) {
    const uint32_t a = rgba[p * 4 + 3];
    for (int c = 0; c < 3; ++c) {
      image.pixels.push_back(
          static_cast<uint8_t>((rgba[p * 4 + c] * a + background * (255 - a) + 127) / 255));
    }
  }
  return image;
}

TEST(PdqTest, RgbaIsCompositedOverWhite) {
  std::vector<uint8_t> bytes = ReadVector("images/reg-test-input/pen-and-coaster.png");
  Result<Image> decoded = DecodeImage(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_TRUE(decoded->had_alpha);
  EXPECT_EQ(decoded->channels, 3);
  uint32_t w = 0, h = 0;
  std::vector<uint8_t> rgba = ReadRgba(bytes, &w, &h);
  ASSERT_FALSE(rgba.empty());
  Image white = Composite(rgba, w, h, 255);
  Image black = Composite(rgba, w, h, 0);
  EXPECT_EQ(decoded->pixels, white.pixels);
  Result<PdqResult> over_white = PdqFromImage(*decoded);
  ASSERT_TRUE(over_white.ok());
  const int to_black = HammingDistance(over_white->hash, PdqFromImage(black)->hash);
  std::printf("pen-and-coaster: %dx%d quality %d, %s; over white vs over black: %d bits\n", w, h,
              over_white->quality, ToHex(over_white->hash).c_str(), to_black);
  EXPECT_GE(over_white->quality, kPdqMinUsefulQuality);
}

TEST(PdqTest, FullyTransparentPixelsHashLikeWhite) {
  std::mt19937 rng(12);
  Image base = RandomImage(rng, 200, 150, 3);
  std::vector<uint8_t> rgba, white, black;
  for (uint32_t y = 0; y < 150; ++y) {
    for (uint32_t x = 0; x < 200; ++x) {
      const uint8_t* p = &base.pixels[(size_t{y} * 200 + x) * 3];
      const bool hole = x >= 60 && x < 160 && y >= 30 && y < 100;  // transparent window
      rgba.insert(rgba.end(), {p[0], p[1], p[2], static_cast<uint8_t>(hole ? 0 : 255)});
      for (int c = 0; c < 3; ++c) {
        white.push_back(hole ? 255 : p[c]);
        black.push_back(hole ? 0 : p[c]);
      }
    }
  }
  auto hash_png = [](const std::vector<uint8_t>& px, uint32_t format) {
    Result<PdqResult> r = PdqFromBytes(image_testing::EncodePng(200, 150, format, px.data()));
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : PdqResult{};
  };
  const PdqResult transparent = hash_png(rgba, PNG_FORMAT_RGBA);
  EXPECT_EQ(transparent, hash_png(white, PNG_FORMAT_RGB));
  EXPECT_GT(HammingDistance(transparent.hash, hash_png(black, PNG_FORMAT_RGB).hash), 10);
}

}  // namespace
}  // namespace moderato
