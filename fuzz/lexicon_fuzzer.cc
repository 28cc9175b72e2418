// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Feeds arbitrary bytes to Lexicon::Parse as a lexicon file. Parse must return
// a Status, never crash. When it succeeds, scans a fixed multilingual text and
// the input itself, and, for lexicons without regex entries, checks that the
// Vectorscan scanner agrees with the naive oracle.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "lexicon/oracle.h"
#include "moderato/lexicon/lexicon.h"
#include "moderato/text/normalize.h"

namespace {

constexpr std::string_view kText =
    "Daesh, d4esh and d a e s h; ISIS fighters; Al-Qaïda au Maghreb islamique. "
    "وداعش والدولة الإسلامية دا\u0640عش; da3esh w l9a3ida; ＢＯＫＯ ＨＡＲＡＭ "
    "tuez les mécréants! recruit recruiting #tag @amaq x-y_z 123 a1b2";

void Check(const moderato::Lexicon& lexicon, const moderato::NormalizedText& text,
           moderato::LexiconScratch& scratch, bool has_regex) {
  moderato::Result<moderato::LexiconMatches> fast = lexicon.Scan(text, scratch);
  if (!fast.ok()) std::abort();
  if (has_regex || fast->truncated) return;
  moderato::LexiconMatches slow = moderato::internal::NaiveScan(lexicon, text);
  if (fast->hits != slow.hits) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const moderato::Normalizer* normalizer = moderato::Normalizer::Create().value().release();
  static const moderato::NormalizedText fixed_text = normalizer->Normalize(kText).value();

  moderato::LexiconOptions options;
  options.max_file_bytes = 1 << 16;
  options.max_entries = 256;
  options.max_term_bytes = 128;
  options.max_regex_entries = 8;  // regex compilation dominates otherwise
  options.max_hits = 64;
  std::string_view content(reinterpret_cast<const char*>(data), size);
  moderato::Result<std::shared_ptr<const moderato::Lexicon>> lexicon =
      moderato::Lexicon::Parse(content, "fuzz.tsv", *normalizer, options);
  if (!lexicon.ok()) return 0;

  bool has_regex = false;
  for (const moderato::LexiconEntry& e : (*lexicon)->entries()) {
    has_regex |= e.mode == moderato::LexiconMode::kRegex;
  }
  moderato::LexiconScratch scratch;
  Check(**lexicon, fixed_text, scratch, has_regex);
  moderato::Result<moderato::NormalizedText> own = normalizer->Normalize(content.substr(0, 4096));
  if (own.ok()) Check(**lexicon, *own, scratch, has_regex);
  return 0;
}
