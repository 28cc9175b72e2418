// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// PDQ: Meta's 256-bit perceptual image hash, bit-exact with the reference
// implementation (docs/pdq.md; the recipe is ../shared/docs/pdq.md §2).
//
//   MODERATO_ASSIGN_OR_RETURN(moderato::PdqResult pdq, moderato::PdqFromBytes(jpeg_bytes));
//   if (pdq.quality >= moderato::kPdqMinUsefulQuality) { ... ToHex(pdq.hash) ... }
//
// Two pipelines, chosen by PdqOptions::preresize_512:
//   - false (default): the PDQ core on the full-resolution image. This is what
//     python-threatexchange / HMA (pdqhash-python) and the Java port compute,
//     and what hash exchanges (ThreatExchange, TCAP, StopNCII) carry.
//   - true: the reference C++ CLI (`pdq-photo-hasher`), which first resizes
//     any image with a side > 512 to exactly 512×512 by nearest neighbour.
//     Hashes of the two pipelines differ by a few bits on large images.
//
// Hash modes (PdqFromBytes/PdqDihedralFromBytes only): kExact decodes JPEG at
// full size. kFast decodes JPEG with libjpeg-turbo DCT scaling (1/2, 1/4 or
// 1/8, chosen by PdqFastJpegScaleDenom so the short side stays >=
// kPdqFastMinShortSide pixels) and, when it scales, only the luma plane. It
// is about 2x faster (decoding, not hashing, is the floor) and within 6 bits
// of kExact on every quality >= 80 test JPEG (measured distribution in
// docs/pdq.md). JPEGs too small to scale, PNG and WebP use the exact decode,
// so for them kFast == kExact.
//
// Quality: 0..100 gradient energy. Hashes with quality < 50 are unreliable
// (flat or tiny images) and should be dropped on both the bank and query
// side. Images with a side < 5 pixels hash to all zeros with quality 0.
//
// Alpha, EXIF orientation and decoding budgets: see moderato/hash/image.h
// (alpha is composited over white; orientation is not applied by default).
//
// Thread safety: all functions are reentrant and may be called concurrently.
// Memory: besides the decoded image, hashing streams rows through
// O(width × ⌈height/128⌉) floats of scratch; no full-size float copy is made.
// Cost is linear in the pixel count (about 2 ms per megapixel on one core).
//
// Errors: decoding errors (see image.h); kInvalidArgument for an Image whose
// channels are not 1 or 3 or whose pixel buffer does not match its size.

#ifndef MODERATO_HASH_PDQ_H_
#define MODERATO_HASH_PDQ_H_

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "moderato/hash/hash256.h"
#include "moderato/hash/image.h"
#include "moderato/status.h"

namespace moderato {

// Quality below this: discard the hash (pytx's PdqSignal threshold).
inline constexpr int kPdqMinUsefulQuality = 50;
// Distance at or below which two PDQ hashes match (inclusive).
inline constexpr int kPdqMatchDistance = 31;
// Fast mode keeps the decoded short side at least this long.
inline constexpr uint32_t kPdqFastMinShortSide = 256;

enum class HashMode { kExact, kFast };

struct PdqOptions {
  // Reference CLI compatibility: nearest-neighbour resize to 512×512 when
  // either side is > 512 (output column x takes source column ⌊x·W/512⌋,
  // output row y takes source row ⌊y·H/512⌋).
  bool preresize_512 = false;
  // Used by PdqFromBytes/PdqDihedralFromBytes only (it picks the JPEG decode
  // scale). kFast overrides DecodeOptions::jpeg_scale_denom.
  HashMode mode = HashMode::kExact;
};

struct PdqResult {
  Hash256 hash;
  int quality = 0;  // 0..100

  friend bool operator==(const PdqResult&, const PdqResult&) = default;
};

// The 8 symmetries of the square. Each value names the transform T such that
// the variant hash of image I approximates the PDQ hash of T(I).
enum class Dihedral {
  kOriginal,    // "orig"
  kRot90,       // "rot90": 90° counter-clockwise
  kRot180,      // "rot180"
  kRot270,      // "rot270": 90° clockwise
  kFlipX,       // "flipx": top <-> bottom
  kFlipY,       // "flipy": left <-> right (mirror)
  kFlipPlus1,   // "flipplus1": reflect on the main diagonal
  kFlipMinus1,  // "flipminus1": reflect on the anti-diagonal
};
inline constexpr std::array<Dihedral, 8> kAllDihedrals = {
    Dihedral::kOriginal, Dihedral::kRot90, Dihedral::kRot180,    Dihedral::kRot270,
    Dihedral::kFlipX,    Dihedral::kFlipY, Dihedral::kFlipPlus1, Dihedral::kFlipMinus1};

// "orig", "rot90", "rot180", "rot270", "flipx", "flipy", "flipplus1", "flipminus1".
std::string_view DihedralName(Dihedral d);

struct PdqDihedralResult {
  std::array<Hash256, 8> hashes;  // indexed by static_cast<int>(Dihedral)
  int quality = 0;                // shared by all 8

  const Hash256& operator[](Dihedral d) const { return hashes[static_cast<int>(d)]; }
};

// PDQ of a decoded image (1 or 3 channels, as DecodeImage produces).
Result<PdqResult> PdqFromImage(const Image& image, const PdqOptions& options = {});

// All 8 dihedral variants from ONE pass over the pixels: rotations and flips
// permute and negate DCT coefficients; the median is recomputed per variant.
// Variant kOriginal equals PdqFromImage. Search a bank with all 8 variants of
// the query; do not canonicalise to a "minimal" hash.
Result<PdqDihedralResult> PdqDihedralFromImage(const Image& image, const PdqOptions& options = {});

// PDQ of a row-major float luma matrix (Y = 0.299R + 0.587G + 0.114B), e.g. a
// video frame. `luma.size()` must be width × height (kInvalidArgument if not).
Result<PdqResult> PdqFromLuma(std::span<const float> luma, uint32_t width, uint32_t height);

// Decode (moderato/hash/image.h) + hash. options.mode selects exact or fast
// decoding (see the file comment).
Result<PdqResult> PdqFromBytes(std::span<const uint8_t> bytes, const DecodeOptions& decode = {},
                               const PdqOptions& options = {});
Result<PdqDihedralResult> PdqDihedralFromBytes(std::span<const uint8_t> bytes,
                                               const DecodeOptions& decode = {},
                                               const PdqOptions& options = {});

// The JPEG DCT scale denominator (1, 2, 4 or 8) fast mode uses for a
// width × height JPEG: the largest one that keeps the short side
// >= kPdqFastMinShortSide.
int PdqFastJpegScaleDenom(uint32_t width, uint32_t height);

}  // namespace moderato

#endif  // MODERATO_HASH_PDQ_H_
