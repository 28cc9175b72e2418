// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// The stages of the optimised PDQ pipeline, exposed for tests (intermediate
// dumps, differential tests against pdq_oracle.h) and benchmarks. Not part of
// the installed API. Every stage performs exactly the float32 operations of
// the recipe in ../shared/docs/pdq.md §2.1, in the same order: only loop order
// across independent outputs differs, which keeps results bit-identical.

#ifndef MODERATO_HASH_PDQ_INTERNAL_H_
#define MODERATO_HASH_PDQ_INTERNAL_H_

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "moderato/hash/hash256.h"
#include "moderato/hash/image.h"
#include "moderato/hash/pdq.h"

namespace moderato::pdq_internal {

inline constexpr int kBufferSize = 64;  // the downsampled image is 64×64
inline constexpr int kDctSize = 16;     // 16×16 DCT coefficients kept

using Buffer64 = std::array<float, kBufferSize * kBufferSize>;  // row-major
using Dct16 = std::array<float, kDctSize * kDctSize>;           // row-major, [i][j] = B[i][j]

// ⌈n / 128⌉: the Jarosz box window for a side of n pixels.
inline int JaroszWindow(uint32_t n) { return static_cast<int>((n + 127) / 128); }

// Float luma of `image` (rows × cols row-major). With preresize_512 and a
// side > 512 the luma is sampled at the 512×512 nearest-neighbour grid and
// *rows = *cols = 512. `image` must have 1 or 3 channels and a matching
// buffer (checked by the caller). Only tests need the whole matrix: the
// pipeline computes luma a few rows at a time.
std::vector<float> Luma(const Image& image, bool preresize_512, uint32_t* rows, uint32_t* cols);

// Steps 3–5 on a rows × cols luma matrix (both >= 5): the exact-64×64
// shortcut, or two Jarosz iterations followed by decimation. Streams: needs
// O(cols × window) scratch, not O(rows × cols).
void Downsample(std::span<const float> luma, uint32_t rows, uint32_t cols, Buffer64& out);

// Steps 1 and 3–5 from pixels, computing luma a few rows at a time
// (bit-identical to Luma() followed by Downsample()). Sides must be >= 5
// after the optional pre-resize.
void DownsampleImage(const Image& image, bool preresize_512, Buffer64& out);

// Step 6.
int Quality(const Buffer64& buffer);

// Step 7: B = D·A·Dᵀ.
void Dct(const Buffer64& buffer, Dct16& out);

// The 16×64 DCT matrix D (computed in double, stored as float).
const std::array<float, kDctSize * kBufferSize>& DctMatrix();

// Step 8: 128th smallest value (lower median), strict >, bit k = 16i + j.
Hash256 HashFromDct(const Dct16& dct);

// §2.2: the DCT of the transformed image, from the original's.
Dct16 TransformDct(const Dct16& dct, Dihedral d);

// Steps 6 and 7.
void QualityAndDct(const Buffer64& buffer, Dct16& dct, int* quality);

}  // namespace moderato::pdq_internal

#endif  // MODERATO_HASH_PDQ_INTERNAL_H_
