// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzzes Normalizer::Normalize() and checks the invariants of normalize.h:
// valid UTF-8 views, idempotence of both views, monotone in-bounds offsets,
// bounded output, and agreement with the slow oracle (no ASCII fast path, no
// tables).

#include <unicode/utf8.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "moderato/text/normalize.h"
#include "text/normalize_internal.h"

namespace {

void Fail(const char* what, std::string_view input) {
  std::fprintf(stderr, "normalize_fuzzer: %s (input of %zu bytes)\n", what, input.size());
  std::fwrite(input.data(), 1, input.size(), stderr);
  std::fputc('\n', stderr);
  std::abort();
}

bool IsValidUtf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    UChar32 c;
    U8_NEXT(s.data(), i, s.size(), c);
    if (c < 0) return false;
  }
  return true;
}

void CheckView(const moderato::TextView& v, std::string_view input) {
  if (!IsValidUtf8(v.text)) Fail("view is not valid UTF-8", input);
  if (v.offsets.size() != v.text.size()) Fail("offset map size differs from view", input);
  if (v.text.size() > 18 * input.size() + 16) Fail("output too long", input);
  std::uint32_t prev = 0;
  for (std::size_t i = 0; i < v.offsets.size(); ++i) {
    moderato::ByteSpan o = v.offsets.origin(i);
    if (o.begin < prev || o.begin > o.end || o.end > input.size()) Fail("bad offset", input);
    prev = o.begin;
  }
}

// Byte mutations rarely produce interesting code points, so every input is
// also read as pairs (block, offset) over blocks where the foldings live.
std::string ExpandToUnicode(const std::uint8_t* data, std::size_t size) {
  static constexpr UChar32 kBlocks[] = {
      0x0000, 0x0000, 0x0080,  0x0300,  0x0370,  0x0400,  0x0600,  0x0600,  0x0700,
      0x06C0, 0x1100, 0x1D00,  0x2000,  0x3000,  0xA600,  0xFB00,  0xFD00,  0xFE00,
      0xFE70, 0xFF00, 0x1D400, 0x1F300, 0x1F600, 0xE0000, 0xE0100, 0x10FF00};
  std::string out;
  for (std::size_t k = 0; k + 1 < size; k += 2) {
    UChar32 c = kBlocks[data[k] % (sizeof(kBlocks) / sizeof(kBlocks[0]))] + data[k + 1];
    if (c > 0x10FFFF || U_IS_SURROGATE(c)) c = 'a';
    char buf[4];
    std::int32_t n = 0;
    [[maybe_unused]] UBool error = false;
    U8_APPEND(reinterpret_cast<std::uint8_t*>(buf), n, 4, c, error);
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

void CheckOne(const moderato::Normalizer* n, std::string_view input);

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const moderato::Normalizer* n = [] {
    auto created = moderato::Normalizer::Create();
    if (!created.ok()) std::abort();
    return std::move(created).value().release();
  }();
  CheckOne(n, std::string_view(reinterpret_cast<const char*>(data), size));
  std::string expanded = ExpandToUnicode(data, size);
  CheckOne(n, expanded);
  return 0;
}

namespace {

void CheckOne(const moderato::Normalizer* n, std::string_view input) {
  const std::size_t size = input.size();
  moderato::Result<moderato::NormalizedText> t = n->Normalize(input);
  if (!t.ok()) {
    if (size <= n->options().max_input_bytes) Fail("Normalize failed under budget", input);
    return;
  }
  CheckView(t->normalized, input);
  CheckView(t->skeleton, input);

  moderato::Result<moderato::NormalizedText> again = n->Normalize(t->normalized.text);
  if (!again.ok() || again->normalized.text != t->normalized.text) {
    Fail("normalized view not idempotent", input);
  }
  moderato::Result<moderato::NormalizedText> again_skeleton = n->Normalize(t->skeleton.text);
  if (!again_skeleton.ok() || again_skeleton->skeleton.text != t->skeleton.text) {
    Fail("skeleton view not idempotent", input);
  }

  moderato::Result<moderato::NormalizedText> slow =
      moderato::internal::NormalizeSlowForTesting(input);
  if (!slow.ok()) Fail("slow oracle failed", input);
  if (slow->normalized.text != t->normalized.text || slow->skeleton.text != t->skeleton.text ||
      slow->flags != t->flags) {
    Fail("fast path disagrees with the slow oracle", input);
  }
  for (std::size_t i = 0; i < t->normalized.offsets.size(); ++i) {
    if (!(slow->normalized.offsets.origin(i) == t->normalized.offsets.origin(i))) {
      Fail("fast path offsets disagree with the slow oracle", input);
    }
  }
}

}  // namespace
