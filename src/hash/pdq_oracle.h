// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Slow oracles for the optimised PDQ pipeline in pdq.cc (STYLE.md §1.3).
// Not part of the installed API; used by tests and fuzzers.
//
// Two oracles, for two kinds of claim:
//   - Straightforward*: the recipe of ../shared/docs/pdq.md §2.1 written as
//     plainly as possible (one strided 1-D running-sum pass per row and per
//     column, the decimation with its double index, the DCT as two textbook
//     matrix products). It performs the same float32 operations in the same
//     order as the optimised code, so results must be BIT-IDENTICAL.
//   - Ideal*: the mathematical definition in double precision (box means
//     summed directly over the clipped window, a direct 2-D DCT-II, the
//     median by full sort). It differs from the float pipeline by rounding
//     only, so hashes must be CLOSE (a few bits, from coefficients near the
//     median).

#ifndef MODERATO_HASH_PDQ_ORACLE_H_
#define MODERATO_HASH_PDQ_ORACLE_H_

#include <array>
#include <cstdint>
#include <vector>

#include "moderato/hash/hash256.h"

namespace moderato::pdq_oracle {

// Steps 3–5 on a rows × cols float luma matrix (rows, cols >= 5), plainly.
std::array<float, 64 * 64> StraightforwardDownsample(std::vector<float> luma, uint32_t rows,
                                                     uint32_t cols);

// Step 7 as two plain triple loops.
std::array<float, 256> StraightforwardDct(const std::array<float, 64 * 64>& buffer);

// Steps 3–5 in double with directly summed box means.
std::array<double, 64 * 64> IdealDownsample(const std::vector<double>& luma, uint32_t rows,
                                            uint32_t cols);

// Direct 2-D DCT-II (basis rows 1..16) in double.
std::array<double, 256> IdealDct(const std::array<double, 64 * 64>& buffer);

// Median by full sort (128th smallest), strict >, bit k = 16i + j.
Hash256 IdealHash(const std::array<double, 256>& dct);

}  // namespace moderato::pdq_oracle

#endif  // MODERATO_HASH_PDQ_ORACLE_H_
