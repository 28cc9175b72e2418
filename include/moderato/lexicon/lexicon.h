// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Lexicon: a curated list of terms (names of designated organisations, their
// media outlets, short violent calls, ...) compiled into Vectorscan databases
// and scanned over normalised text. Every hit carries the byte span of the
// ORIGINAL text it came from, so reviewers see exactly what fired.
//
// The file format is TSV (docs/lexicon-format.md):
//   id  term  languages  category  weight  mode  source
// Lexicon files are untrusted input: every malformed line, bad regex, budget
// overrun (LexiconOptions) fails with a Status naming FILE:LINE; nothing in
// this module aborts on bad input.
//
// Matching. Each term is normalised with the same Normalizer as the text and
// matched on both views of NormalizedText:
//   * mode=word and mode=prefix terms are literals, matched on the
//     `normalized` view (with the normalised term) and on the `skeleton` view
//     (with the skeleton of the term). A word term must start and end at a
//     word boundary, a prefix term only start at one. A boundary is the start
//     or end of the text or a code point that is not a letter, digit or
//     combining mark (so '_', '-', '#', '@' and spaces are boundaries). A side
//     of the term that is itself a non-word character needs no boundary.
//     Before a term that starts with an Arabic letter, the attached clitics
//     و ف ب ك ل ال and their combinations (وال بال لل وبال فل ...) are
//     accepted in place of a boundary; the hit span covers the term only.
//     A term starting with the article ال also matches with ل + ال written
//     لل (الدولة -> للدولة, optionally after و or ف); that hit starts at لل.
//   * mode=regex terms are Vectorscan regular expressions compiled with
//     HS_FLAG_UTF8 | HS_FLAG_UCP | HS_FLAG_CASELESS | HS_FLAG_SOM_LEFTMOST and
//     matched on the `normalized` view only, verbatim (not normalised: write
//     them against normalised text). Vectorscan has no \b in UCP mode, so the
//     word-mode boundary rules apply to the text each match covers (leftmost
//     start, every end). Anchors are rejected. Regexes are scanned in
//     overlapping 254-byte windows (a Vectorscan <= 5.4.12 bug aborts longer
//     scans), so only matches of at most 120 bytes are guaranteed to be found.
// Hits of one entry on both views with overlapping original spans are merged
// into one hit that records both views (the normalized view's span wins).
// Every entry's languages are stored, but Scan() returns hits for all entries
// whatever the language of the text: callers filter if they want to.
//
// Thread safety: a Lexicon is immutable once built, and Scan() may be called
// from many threads at once, each with its own LexiconScratch. A
// LexiconScratch is used by one thread at a time. LexiconHandle publishes a
// new lexicon to running scanners: Get() and Swap() are safe from any thread,
// and a scan keeps the lexicon it started with alive.
//
// Cost: Parse() normalises every term and compiles one literal database and
// one regex database (about 0.1 s for 10,000 literal terms; regexes cost far
// more). Scan() is linear in the text: one Vectorscan pass when both views are
// equal, two otherwise, plus one for regex entries; hits add O(h log h).
// Hits per text are capped by LexiconOptions::max_hits.
//
// Example:
//   MODERATO_ASSIGN_OR_RETURN(std::shared_ptr<const moderato::Lexicon> lexicon,
//                             moderato::Lexicon::Load("data/lexicons/starter.tsv", normalizer));
//   moderato::LexiconScratch scratch;  // one per thread
//   MODERATO_ASSIGN_OR_RETURN(moderato::NormalizedText text, normalizer.Normalize(post));
//   MODERATO_ASSIGN_OR_RETURN(moderato::LexiconMatches m, lexicon->Scan(text, scratch));
//   for (const moderato::LexiconHit& hit : m.hits) {
//     Show(hit.id, post.substr(hit.span.begin, hit.span.size()));  // the original bytes
//   }

#ifndef MODERATO_LEXICON_LEXICON_H_
#define MODERATO_LEXICON_LEXICON_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "moderato/status.h"
#include "moderato/text/normalize.h"

// Vectorscan's scratch type, declared here so that this header does not
// include <hs/hs.h>.
struct hs_scratch;

namespace moderato {

// What a term denotes. The set is fixed; see docs/lexicon-format.md.
enum class LexiconCategory : std::uint8_t {
  kOrganisation,
  kMediaOutlet,
  kSlogan,
  kViolentCall,
  kRecruitment,
  kDehumanisation,
  kGlorification,
  kSymbol,
  kOther,
};

// How a term is matched (see the file comment).
enum class LexiconMode : std::uint8_t {
  kWord,
  kPrefix,
  kRegex,
};

// Languages of an entry, as bits of LexiconEntry::languages.
enum class LexiconLanguage : std::uint32_t {
  kArabic = 1u << 0,   // "ar"
  kFrench = 1u << 1,   // "fr"
  kEnglish = 1u << 2,  // "en"
  kArabizi = 1u << 3,  // "arabizi": Latin-script Arabic / Darija
};
// Every language ("*" in the file).
inline constexpr std::uint32_t kAllLexiconLanguages = 0xF;

// The views of NormalizedText a hit was found on, as bits of LexiconHit::views.
enum class LexiconView : std::uint32_t {
  kNormalized = 1u << 0,
  kSkeleton = 1u << 1,
};

// Returns the file spelling of each value: "organisation", "word", "ar", ...
std::string_view LexiconCategoryName(LexiconCategory category);
std::string_view LexiconModeName(LexiconMode mode);
// Returns the languages in `mask` as the file writes them ("ar,fr"), or "*" for all.
std::string LexiconLanguagesString(std::uint32_t mask);
// Returns "normalized", "skeleton" or "normalized,skeleton".
std::string LexiconViewsString(std::uint32_t views);

// One line of a lexicon file, after validation.
struct LexiconEntry {
  std::string id;               // unique within the lexicon, [A-Za-z0-9_.-]+
  std::string term;             // as written in the file
  std::uint32_t languages = 0;  // LexiconLanguage bits, never 0
  LexiconCategory category = LexiconCategory::kOther;
  double weight = 0;  // in (0, 1]
  LexiconMode mode = LexiconMode::kWord;
  std::string source;      // provenance note, non-empty
  std::uint32_t line = 0;  // 1-based line in the file
  // The term as matched: Normalizer output for word/prefix terms (empty
  // skeleton_term: no skeleton pattern), the term itself for regex terms.
  std::string normalized_term;
  std::string skeleton_term;
};

// Budgets for untrusted lexicon files and for scanning.
struct LexiconOptions {
  // Load() and Parse() fail with kResourceExhausted above these.
  std::size_t max_file_bytes = 32u << 20;
  std::size_t max_entries = 100'000;
  std::size_t max_term_bytes = 512;       // per term, before and after normalisation
  std::size_t max_regex_entries = 2'000;  // regexes are costly to compile and scan
  // Scan() returns at most this many hits and sets LexiconMatches::truncated
  // when it stopped early. Must be at least 1.
  std::size_t max_hits = 256;
};

// One match of one entry in a text.
struct LexiconHit {
  std::uint32_t entry_index = 0;  // index into Lexicon::entries()
  std::string id;                 // the entry's id
  LexiconCategory category = LexiconCategory::kOther;
  double weight = 0;
  ByteSpan span;            // byte range of the ORIGINAL text (before Normalize)
  std::uint32_t views = 0;  // LexiconView bits: where it was found

  friend bool operator==(const LexiconHit&, const LexiconHit&) = default;
};

struct LexiconMatches {
  // Sorted by span.begin, then entry id, then span.end.
  std::vector<LexiconHit> hits;
  // True when the scan stopped at LexiconOptions::max_hits: `hits` is then a
  // subset of all the hits.
  bool truncated = false;
};

// Per-thread Vectorscan scratch space and buffers for Lexicon::Scan(). Reuse
// one per thread: it grows to fit every lexicon it has been used with.
class LexiconScratch {
 public:
  LexiconScratch();
  ~LexiconScratch();
  // Movable, not copyable: owns Vectorscan memory that only one thread may use.
  LexiconScratch(LexiconScratch&&) noexcept;
  LexiconScratch& operator=(LexiconScratch&&) noexcept;
  LexiconScratch(const LexiconScratch&) = delete;
  LexiconScratch& operator=(const LexiconScratch&) = delete;

 private:
  friend class Lexicon;
  struct Buffers;

  hs_scratch* scratch_ = nullptr;
  std::uint64_t prepared_for_ = 0;  // Lexicon::generation_ it was last grown for
  std::unique_ptr<Buffers> buffers_;
};

class Lexicon {
 public:
  // Reads the file at `path` and calls Parse() with the path as the name.
  // Fails with kNotFound if it cannot be opened, kResourceExhausted if it is
  // larger than options.max_file_bytes, and as Parse() otherwise.
  static Result<std::shared_ptr<const Lexicon>> Load(const std::string& path,
                                                     const Normalizer& normalizer,
                                                     LexiconOptions options = {});

  // Parses and compiles a lexicon from `content`; `name` (usually a path)
  // prefixes every error message as "name:LINE: ...". `normalizer` normalises
  // the terms; scan only texts normalised by an equivalent Normalizer. Fails
  // with kInvalidArgument for a malformed file (missing or wrong header, bad
  // field count, bad id, duplicate id, empty or non-UTF-8 field, control
  // characters, unknown language, category or mode, weight outside (0,1], a
  // term that normalises to nothing, a regex that does not compile, matches
  // the empty string or has anchors), kResourceExhausted when a budget in `options`
  // is exceeded, and kInternal if Vectorscan fails for another reason.
  static Result<std::shared_ptr<const Lexicon>> Parse(std::string_view content,
                                                      std::string_view name,
                                                      const Normalizer& normalizer,
                                                      LexiconOptions options = {});

  // Only Load() and Parse() can make a Key: use them.
  struct Key;
  Lexicon(Key, std::string name, LexiconOptions options);
  ~Lexicon();
  // Not copyable or movable: owns Vectorscan databases; share it through
  // std::shared_ptr<const Lexicon>.
  Lexicon(const Lexicon&) = delete;
  Lexicon& operator=(const Lexicon&) = delete;

  // Returns the hits of every entry in both views of `text` (see the file
  // comment), deduplicated and sorted. Uses and grows `scratch`, which must
  // not be used by another thread during the call. Fails with
  // kResourceExhausted if a view is larger than 4 GiB or scratch memory cannot
  // be allocated, and with kInternal if Vectorscan reports an error.
  Result<LexiconMatches> Scan(const NormalizedText& text, LexiconScratch& scratch) const;

  // Returns the entries in file order; LexiconHit::entry_index indexes it.
  std::span<const LexiconEntry> entries() const { return entries_; }
  const LexiconEntry& entry(std::size_t index) const { return entries_[index]; }
  // Returns the entry with this id, or nullptr.
  const LexiconEntry* FindEntry(std::string_view id) const;

  std::size_t size() const { return entries_.size(); }
  const std::string& name() const { return name_; }
  const LexiconOptions& options() const { return options_; }

 private:
  struct Compiled;
  // Builds the Vectorscan databases from entries_.
  Status Compile();

  std::string name_;
  LexiconOptions options_;
  std::vector<LexiconEntry> entries_;
  std::unordered_map<std::string_view, std::size_t> by_id_;  // views into entries_[i].id
  std::unique_ptr<Compiled> compiled_;
  std::uint64_t generation_ = 0;  // unique per Lexicon object, for scratch reuse
};

// Publishes the current lexicon to many scanning threads and replaces it
// while they run (hot reload). Readers copy the shared_ptr and keep the
// lexicon they got alive until they drop it. Get() and Swap() hold a mutex only
// for one shared_ptr copy (a reference-count increment); a replaced lexicon is
// destroyed outside the lock, by whoever drops the last reference. (A mutex
// rather than std::atomic<std::shared_ptr>: libstdc++ 12's implementation
// releases its internal lock with relaxed ordering, which ThreadSanitizer
// reports as a race.)
//
// Thread safety: every method may be called from any thread.
class LexiconHandle {
 public:
  explicit LexiconHandle(std::shared_ptr<const Lexicon> initial = nullptr);
  // Not copyable or movable: threads share it by reference.
  LexiconHandle(const LexiconHandle&) = delete;
  LexiconHandle& operator=(const LexiconHandle&) = delete;

  // Returns the current lexicon (nullptr if none was set).
  std::shared_ptr<const Lexicon> Get() const;
  // Makes `next` current and returns the previous lexicon.
  std::shared_ptr<const Lexicon> Swap(std::shared_ptr<const Lexicon> next);

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const Lexicon> current_;  // guarded by mu_
};

}  // namespace moderato

#endif  // MODERATO_LEXICON_LEXICON_H_
