// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/lexicon/lexicon.h"

#include <hs/hs.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <climits>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <system_error>
#include <tuple>
#include <utility>

#include "lexicon/boundary.h"
#include "lexicon/hits.h"

namespace moderato {
namespace {

constexpr std::array<std::string_view, 7> kColumns = {"id",     "term", "languages", "category",
                                                      "weight", "mode", "source"};
constexpr std::array<std::string_view, 9> kCategoryNames = {
    "organisation",   "media_outlet",  "slogan", "violent_call", "recruitment",
    "dehumanisation", "glorification", "symbol", "other"};
constexpr std::array<std::string_view, 3> kModeNames = {"word", "prefix", "regex"};
constexpr std::array<std::string_view, 4> kLanguageNames = {"ar", "fr", "en", "arabizi"};
constexpr std::string_view kHeaderHint =
    "'id<TAB>term<TAB>languages<TAB>category<TAB>weight<TAB>mode<TAB>source'";
constexpr std::size_t kMaxIdBytes = 128;
// Regexes are scanned in overlapping windows of at most kRegexWindow bytes.
// Vectorscan up to 5.4.12 copies the scanned range into a 255-byte stack
// buffer with snprintf in rvermicelliDoubleExecReal (VectorCamp/vectorscan
// PR #392), which aborts fortified builds (Debian's) on longer texts for
// regexes that use reverse double-byte acceleration. Windows overlap by
// kRegexOverlap bytes, so every match of up to kRegexMaxMatch bytes lies
// wholly inside one window (code-point alignment takes up to 3 bytes per edge).
constexpr std::size_t kRegexWindow = 254;
constexpr std::size_t kRegexOverlap = 127;
constexpr std::size_t kRegexMaxMatch = kRegexOverlap - 6;
static_assert(kRegexMaxMatch >= 120, "docs/lexicon-format.md promises 120 bytes");
constexpr std::uint32_t kNorm = static_cast<std::uint32_t>(LexiconView::kNormalized);
constexpr std::uint32_t kSkel = static_cast<std::uint32_t>(LexiconView::kSkeleton);
constexpr unsigned kRegexFlags =
    HS_FLAG_UTF8 | HS_FLAG_UCP | HS_FLAG_CASELESS | HS_FLAG_SOM_LEFTMOST;

std::atomic<std::uint64_t> next_generation{1};

struct DatabaseDeleter {
  void operator()(hs_database_t* db) const { hs_free_database(db); }
};
using Database = std::unique_ptr<hs_database_t, DatabaseDeleter>;

struct CompileErrorDeleter {
  void operator()(hs_compile_error_t* e) const { hs_free_compile_error(e); }
};
using CompileError = std::unique_ptr<hs_compile_error_t, CompileErrorDeleter>;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> SplitTabs(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    std::size_t tab = line.find('\t', start);
    if (tab == std::string_view::npos) {
      fields.push_back(line.substr(start));
      return fields;
    }
    fields.push_back(line.substr(start, tab - start));
    start = tab + 1;
  }
}

bool IsValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n;
    char32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c >> 5) == 0x6) {
      n = 2;
      cp = c & 0x1F;
    } else if ((c >> 4) == 0xE) {
      n = 3;
      cp = c & 0x0F;
    } else if ((c >> 3) == 0x1E) {
      n = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    bool overlong = (n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000);
    if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n;
  }
  return true;
}

bool IsValidId(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdBytes) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
  });
}

template <std::size_t N>
int IndexOf(const std::array<std::string_view, N>& names, std::string_view s) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == s) return static_cast<int>(i);
  }
  return -1;
}

template <std::size_t N>
std::string JoinNames(const std::array<std::string_view, N>& names) {
  std::string out;
  for (std::string_view n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

std::string HsMessage(const CompileError& error) {
  return error && error->message ? std::string(error->message) : std::string("unknown error");
}

// Validates the seven fields of an entry line (all but id uniqueness and the
// term's normalisation). `where` is "FILE:LINE: ".
Result<LexiconEntry> ParseFields(const std::vector<std::string_view>& fields,
                                 const std::string& where, const LexiconOptions& options) {
  LexiconEntry e;
  if (!IsValidId(fields[0])) {
    return InvalidArgumentError(where + "invalid id '" + std::string(fields[0]) +
                                "' (expected 1 to 128 characters from [A-Za-z0-9_.-])");
  }
  e.id = std::string(fields[0]);

  if (fields[1].empty()) return InvalidArgumentError(where + "empty term");
  if (fields[1].size() > options.max_term_bytes) {
    return ResourceExhaustedError(where + "term is longer than max_term_bytes (" +
                                  std::to_string(options.max_term_bytes) + ")");
  }
  e.term = std::string(fields[1]);

  if (fields[2] == "*") {
    e.languages = kAllLexiconLanguages;
  } else {
    std::string_view rest = fields[2];
    while (true) {
      std::size_t comma = rest.find(',');
      std::string_view lang = Trim(rest.substr(0, comma));
      int index = IndexOf(kLanguageNames, lang);
      if (index < 0) {
        return InvalidArgumentError(where + "unknown language '" + std::string(lang) +
                                    "' (expected a comma list of " + JoinNames(kLanguageNames) +
                                    ", or *)");
      }
      e.languages |= 1u << index;
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }

  int category = IndexOf(kCategoryNames, fields[3]);
  if (category < 0) {
    return InvalidArgumentError(where + "unknown category '" + std::string(fields[3]) +
                                "' (expected one of " + JoinNames(kCategoryNames) + ")");
  }
  e.category = static_cast<LexiconCategory>(category);

  std::string_view w = fields[4];
  auto [ptr, ec] = std::from_chars(w.data(), w.data() + w.size(), e.weight);
  if (w.empty() || ec != std::errc() || ptr != w.data() + w.size() || !std::isfinite(e.weight) ||
      e.weight <= 0 || e.weight > 1) {
    return InvalidArgumentError(where + "weight '" + std::string(w) +
                                "' is not a number in (0, 1]");
  }

  int mode = IndexOf(kModeNames, fields[5]);
  if (mode < 0) {
    return InvalidArgumentError(where + "unknown mode '" + std::string(fields[5]) +
                                "' (expected one of " + JoinNames(kModeNames) + ")");
  }
  e.mode = static_cast<LexiconMode>(mode);

  if (fields[6].empty()) return InvalidArgumentError(where + "empty source");
  e.source = std::string(fields[6]);
  return e;
}

// Returns true if `regex` has an anchor (^ $ \A \Z \z \G) outside a
// character class: anchors would match at the edges of scan windows.
bool HasAnchor(std::string_view regex) {
  bool in_class = false;
  for (std::size_t i = 0; i < regex.size(); ++i) {
    char c = regex[i];
    if (c == '\\') {
      if (i + 1 < regex.size() && !in_class &&
          std::string_view("AZzG").find(regex[i + 1]) != std::string_view::npos) {
        return true;
      }
      ++i;
    } else if (in_class) {
      if (c == ']') in_class = false;
    } else if (c == '[') {
      in_class = true;
      if (i + 1 < regex.size() && regex[i + 1] == '^') ++i;
      if (i + 1 < regex.size() && regex[i + 1] == ']') ++i;  // "[]" or "[^]": ']' is literal
    } else if (c == '^' || c == '$') {
      return true;
    }
  }
  return false;
}

// Fills e.normalized_term and e.skeleton_term: the Normalizer's views of a
// literal term, or the regex itself after checking that Vectorscan accepts it
// and that it cannot match the empty string.
Status PrepareTerm(LexiconEntry& e, const std::string& where, const Normalizer& normalizer,
                   const LexiconOptions& options) {
  if (e.mode == LexiconMode::kRegex) {
    hs_expr_info_t* raw_info = nullptr;
    hs_compile_error_t* raw_error = nullptr;
    hs_error_t err = hs_expression_info(e.term.c_str(), kRegexFlags, &raw_info, &raw_error);
    CompileError error(raw_error);
    std::unique_ptr<hs_expr_info_t, decltype(&std::free)> info(raw_info, &std::free);
    if (err != HS_SUCCESS) {
      return InvalidArgumentError(where + "entry '" + e.id + "': bad regex: " + HsMessage(error));
    }
    if (info->min_width == 0) {
      return InvalidArgumentError(where + "entry '" + e.id + "': regex can match the empty string");
    }
    if (HasAnchor(e.term)) {
      return InvalidArgumentError(where + "entry '" + e.id +
                                  "': regex anchors (^ $ \\A \\Z \\z \\G) are not supported");
    }
    e.normalized_term = e.term;
    return OkStatus();
  }
  Result<NormalizedText> t = normalizer.NormalizeTerm(e.term);
  if (!t.ok()) return t.status().WithContext(where + "entry '" + e.id + "'");
  e.normalized_term = std::string(Trim(t->normalized.text));
  e.skeleton_term = std::string(Trim(t->skeleton.text));
  if (e.normalized_term.empty()) {
    return InvalidArgumentError(where + "entry '" + e.id + "': term normalises to an empty string");
  }
  if (e.normalized_term.size() > options.max_term_bytes ||
      e.skeleton_term.size() > options.max_term_bytes) {
    return ResourceExhaustedError(where + "entry '" + e.id +
                                  "': normalised term is longer than max_term_bytes (" +
                                  std::to_string(options.max_term_bytes) + ")");
  }
  return OkStatus();
}

// A unique literal of the database and the entries (and views) that use it.
struct Target {
  std::uint32_t entry;
  std::uint32_t views;
  bool lam_variant;  // the literal is LamVariant() of the entry's term
};
// Targets of a literal that share mode, lam_variant and views: the boundary
// check and the view filter are done once per group, so that a term shared
// by many entries costs O(groups) per match, not O(entries).
struct TargetGroup {
  LexiconMode mode;
  bool lam_variant;
  std::uint32_t views;
  std::uint32_t begin;  // range in Literal::targets
  std::uint32_t end;
};
struct Literal {
  std::string text;
  internal::TermShape shape;
  std::vector<Target> targets;
  std::vector<TargetGroup> groups;
};

// State of one hs_scan() pass, shared with the match callbacks.
struct PassContext {
  const std::vector<Literal>* literals = nullptr;
  const std::vector<std::uint32_t>* regex_entries = nullptr;
  std::span<const LexiconEntry> entries;
  std::string_view view;
  std::uint32_t mask = 0;
  std::vector<internal::RawHit>* raw = nullptr;
  std::size_t limit = 0;  // raw hits this pass may add before it stops
  bool stopped = false;
  std::size_t offset = 0;  // of the scanned window in `view` (regex passes)
};

int OnLiteral(unsigned int id, unsigned long long /*from*/, unsigned long long to,
              unsigned int /*flags*/, void* context) {
  auto* ctx = static_cast<PassContext*>(context);
  const Literal& lit = (*ctx->literals)[id];
  std::size_t end = static_cast<std::size_t>(to);
  std::size_t begin = end - lit.text.size();
  for (const TargetGroup& g : lit.groups) {
    const std::uint32_t views = g.views & ctx->mask;
    if (views == 0 ||
        !internal::AcceptLiteralMatch(ctx->view, begin, end, g.mode, lit.shape, g.lam_variant)) {
      continue;
    }
    for (std::uint32_t i = g.begin; i < g.end; ++i) {
      // The view span is stored for now; Scan() maps it to the original text.
      ctx->raw->push_back(internal::RawHit{
          lit.targets[i].entry, views,
          ByteSpan{static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end)}});
      if (--ctx->limit == 0) {
        ctx->stopped = true;
        return 1;
      }
    }
  }
  return 0;
}

int OnRegex(unsigned int id, unsigned long long from, unsigned long long to, unsigned int /*flags*/,
            void* context) {
  auto* ctx = static_cast<PassContext*>(context);
  // Vectorscan rejects \b in UCP mode, so regex matches get the word-mode
  // boundary rules, judged on the text they matched.
  const std::size_t begin = ctx->offset + static_cast<std::size_t>(from);
  const std::size_t end = ctx->offset + static_cast<std::size_t>(to);
  const internal::TermShape shape = internal::ShapeOf(ctx->view.substr(begin, end - begin));
  if (!internal::AcceptLiteralMatch(ctx->view, begin, end, LexiconMode::kWord, shape)) return 0;
  ctx->raw->push_back(internal::RawHit{
      (*ctx->regex_entries)[id], kNorm,
      ByteSpan{static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end)}});
  if (--ctx->limit == 0) {
    ctx->stopped = true;
    return 1;
  }
  return 0;
}

}  // namespace

std::string_view LexiconCategoryName(LexiconCategory category) {
  return kCategoryNames[static_cast<std::size_t>(category)];
}

std::string_view LexiconModeName(LexiconMode mode) {
  return kModeNames[static_cast<std::size_t>(mode)];
}

std::string LexiconLanguagesString(std::uint32_t mask) {
  if ((mask & kAllLexiconLanguages) == kAllLexiconLanguages) return "*";
  std::string out;
  for (std::size_t i = 0; i < kLanguageNames.size(); ++i) {
    if (mask & (1u << i)) {
      if (!out.empty()) out += ',';
      out += kLanguageNames[i];
    }
  }
  return out;
}

std::string LexiconViewsString(std::uint32_t views) {
  std::string out;
  if (views & kNorm) out = "normalized";
  if (views & kSkel) out += out.empty() ? "skeleton" : ",skeleton";
  return out;
}

// ---------------------------------------------------------------------------
// LexiconScratch

struct LexiconScratch::Buffers {
  std::vector<internal::RawHit> raw;
};

LexiconScratch::LexiconScratch() : buffers_(std::make_unique<Buffers>()) {}

LexiconScratch::~LexiconScratch() {
  if (scratch_ != nullptr) hs_free_scratch(scratch_);
}

LexiconScratch::LexiconScratch(LexiconScratch&& other) noexcept
    : scratch_(std::exchange(other.scratch_, nullptr)),
      prepared_for_(std::exchange(other.prepared_for_, 0)),
      buffers_(std::move(other.buffers_)) {}

LexiconScratch& LexiconScratch::operator=(LexiconScratch&& other) noexcept {
  if (this != &other) {
    if (scratch_ != nullptr) hs_free_scratch(scratch_);
    scratch_ = std::exchange(other.scratch_, nullptr);
    prepared_for_ = std::exchange(other.prepared_for_, 0);
    buffers_ = std::move(other.buffers_);
  }
  return *this;
}

// ---------------------------------------------------------------------------
// Lexicon

struct Lexicon::Compiled {
  std::vector<Literal> literals;             // hs id = index
  std::vector<std::uint32_t> regex_entries;  // hs id = index -> entry
  Database literal_db;
  Database regex_db;
};

struct Lexicon::Key {};

Lexicon::Lexicon(Key, std::string name, LexiconOptions options)
    : name_(std::move(name)),
      options_(options),
      compiled_(std::make_unique<Compiled>()),
      generation_(next_generation.fetch_add(1, std::memory_order_relaxed)) {}

Lexicon::~Lexicon() = default;

const LexiconEntry* Lexicon::FindEntry(std::string_view id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &entries_[it->second];
}

Result<std::shared_ptr<const Lexicon>> Lexicon::Load(const std::string& path,
                                                     const Normalizer& normalizer,
                                                     LexiconOptions options) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return NotFoundError(path + ": is a directory, not a lexicon file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError(path + ": cannot open lexicon file");
  std::string content;
  std::array<char, 1 << 16> buf;
  while (in) {
    in.read(buf.data(), buf.size());
    content.append(buf.data(), static_cast<std::size_t>(in.gcount()));
    if (content.size() > options.max_file_bytes) {
      return ResourceExhaustedError(path + ": lexicon file is larger than max_file_bytes (" +
                                    std::to_string(options.max_file_bytes) + ")");
    }
  }
  if (in.bad()) return UnavailableError(path + ": error reading lexicon file");
  return Parse(content, path, normalizer, options);
}

Result<std::shared_ptr<const Lexicon>> Lexicon::Parse(std::string_view content,
                                                      std::string_view name,
                                                      const Normalizer& normalizer,
                                                      LexiconOptions options) {
  const std::string file(name);
  if (options.max_hits == 0) return InvalidArgumentError(file + ": max_hits must be at least 1");
  if (content.size() > options.max_file_bytes) {
    return ResourceExhaustedError(file + ": lexicon is " + std::to_string(content.size()) +
                                  " bytes, above max_file_bytes (" +
                                  std::to_string(options.max_file_bytes) + ")");
  }
  if (content.starts_with("\xEF\xBB\xBF")) content.remove_prefix(3);

  auto lexicon = std::make_shared<Lexicon>(Key{}, file, options);
  std::vector<LexiconEntry>& entries = lexicon->entries_;
  std::unordered_map<std::string, std::uint32_t> ids;  // id -> line
  std::size_t regex_count = 0;
  bool header_seen = false;
  std::uint32_t line_no = 0;

  std::size_t pos = 0;
  while (pos < content.size()) {
    std::size_t nl = content.find('\n', pos);
    std::string_view line =
        content.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? content.size() : nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (Trim(line).empty() || line.front() == '#') continue;
    const std::string where = file + ":" + std::to_string(line_no) + ": ";
    if (!IsValidUtf8(line)) return InvalidArgumentError(where + "invalid UTF-8");

    std::vector<std::string_view> fields = SplitTabs(line);
    for (std::string_view& f : fields) f = Trim(f);
    if (!header_seen) {
      bool ok = fields.size() == kColumns.size() &&
                std::equal(fields.begin(), fields.end(), kColumns.begin());
      if (!ok) {
        return InvalidArgumentError(where + "expected the header line " + std::string(kHeaderHint));
      }
      header_seen = true;
      continue;
    }
    if (fields.size() != kColumns.size()) {
      return InvalidArgumentError(where + "expected 7 tab-separated fields, found " +
                                  std::to_string(fields.size()));
    }
    for (std::size_t i = 0; i < fields.size(); ++i) {
      for (char c : fields[i]) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
          return InvalidArgumentError(where + "control character in field '" +
                                      std::string(kColumns[i]) + "'");
        }
      }
    }
    if (entries.size() >= options.max_entries) {
      return ResourceExhaustedError(where + "more than max_entries (" +
                                    std::to_string(options.max_entries) + ") entries");
    }
    MODERATO_ASSIGN_OR_RETURN(LexiconEntry e, ParseFields(fields, where, options));
    e.line = line_no;
    if (auto [it, inserted] = ids.emplace(e.id, line_no); !inserted) {
      return InvalidArgumentError(where + "duplicate id '" + e.id + "' (first defined on line " +
                                  std::to_string(it->second) + ")");
    }
    if (e.mode == LexiconMode::kRegex && ++regex_count > options.max_regex_entries) {
      return ResourceExhaustedError(where + "more than max_regex_entries (" +
                                    std::to_string(options.max_regex_entries) + ") regexes");
    }
    MODERATO_RETURN_IF_ERROR(PrepareTerm(e, where, normalizer, options));
    entries.push_back(std::move(e));
  }
  if (!header_seen) {
    return InvalidArgumentError(file + ":" + std::to_string(std::max<std::uint32_t>(line_no, 1)) +
                                ": missing header line");
  }

  for (std::size_t i = 0; i < entries.size(); ++i) lexicon->by_id_.emplace(entries[i].id, i);
  MODERATO_RETURN_IF_ERROR(lexicon->Compile());
  return std::shared_ptr<const Lexicon>(std::move(lexicon));
}

Status Lexicon::Compile() {
  Compiled& c = *compiled_;
  std::unordered_map<std::string, std::uint32_t> literal_ids;
  auto add = [&](const std::string& text, std::uint32_t entry, std::uint32_t view, bool lam) {
    if (text.empty()) return;
    auto [it, inserted] = literal_ids.emplace(text, static_cast<std::uint32_t>(c.literals.size()));
    if (inserted) c.literals.push_back(Literal{text, internal::ShapeOf(text), {}});
    // An entry adds its literals one after the other, so a literal shared by
    // its two views is always the last target added.
    std::vector<Target>& targets = c.literals[it->second].targets;
    if (!targets.empty() && targets.back().entry == entry && targets.back().lam_variant == lam) {
      targets.back().views |= view;
      return;
    }
    targets.push_back(Target{entry, view, lam});
  };
  for (std::uint32_t i = 0; i < entries_.size(); ++i) {
    const LexiconEntry& e = entries_[i];
    if (e.mode == LexiconMode::kRegex) {
      c.regex_entries.push_back(i);
      continue;
    }
    add(e.normalized_term, i, kNorm, false);
    add(e.skeleton_term, i, kSkel, false);
    add(internal::LamVariant(e.normalized_term), i, kNorm, true);
    add(internal::LamVariant(e.skeleton_term), i, kSkel, true);
  }

  for (Literal& lit : c.literals) {
    auto group_key = [&](const Target& t) {
      return std::make_tuple(entries_[t.entry].mode, t.lam_variant, t.views);
    };
    std::stable_sort(lit.targets.begin(), lit.targets.end(),
                     [&](const Target& a, const Target& b) { return group_key(a) < group_key(b); });
    for (std::uint32_t i = 0; i < lit.targets.size(); ++i) {
      const Target& t = lit.targets[i];
      if (lit.groups.empty() || group_key(lit.targets[lit.groups.back().begin]) != group_key(t)) {
        lit.groups.push_back(TargetGroup{entries_[t.entry].mode, t.lam_variant, t.views, i, i});
      }
      lit.groups.back().end = i + 1;
    }
  }

  if (!c.literals.empty()) {
    std::vector<const char*> exprs;
    std::vector<std::size_t> lens;
    std::vector<unsigned> hs_ids;
    for (std::size_t i = 0; i < c.literals.size(); ++i) {
      exprs.push_back(c.literals[i].text.data());
      lens.push_back(c.literals[i].text.size());
      hs_ids.push_back(static_cast<unsigned>(i));
    }
    hs_database_t* db = nullptr;
    hs_compile_error_t* raw_error = nullptr;
    hs_error_t err = hs_compile_lit_multi(exprs.data(), nullptr, hs_ids.data(), lens.data(),
                                          static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK,
                                          nullptr, &db, &raw_error);
    CompileError error(raw_error);
    c.literal_db.reset(db);
    if (err != HS_SUCCESS) {
      if (error && error->expression >= 0 &&
          static_cast<std::size_t>(error->expression) < c.literals.size()) {
        const LexiconEntry& e = entries_[c.literals[error->expression].targets.front().entry];
        return InvalidArgumentError(name_ + ":" + std::to_string(e.line) + ": entry '" + e.id +
                                    "': Vectorscan cannot compile the term: " + HsMessage(error));
      }
      return ResourceExhaustedError(
          name_ + ": Vectorscan cannot compile the literals: " + HsMessage(error));
    }
  }

  if (!c.regex_entries.empty()) {
    std::vector<const char*> exprs;
    std::vector<unsigned> flags(c.regex_entries.size(), kRegexFlags);
    std::vector<unsigned> hs_ids;
    for (std::size_t i = 0; i < c.regex_entries.size(); ++i) {
      exprs.push_back(entries_[c.regex_entries[i]].term.c_str());
      hs_ids.push_back(static_cast<unsigned>(i));
    }
    hs_database_t* db = nullptr;
    hs_compile_error_t* raw_error = nullptr;
    hs_error_t err = hs_compile_multi(exprs.data(), flags.data(), hs_ids.data(),
                                      static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK, nullptr,
                                      &db, &raw_error);
    CompileError error(raw_error);
    c.regex_db.reset(db);
    if (err != HS_SUCCESS) {
      if (error && error->expression >= 0 &&
          static_cast<std::size_t>(error->expression) < c.regex_entries.size()) {
        const LexiconEntry& e = entries_[c.regex_entries[error->expression]];
        return InvalidArgumentError(name_ + ":" + std::to_string(e.line) + ": entry '" + e.id +
                                    "': Vectorscan cannot compile the regex: " + HsMessage(error));
      }
      return ResourceExhaustedError(name_ +
                                    ": Vectorscan cannot compile the regexes: " + HsMessage(error));
    }
  }
  return OkStatus();
}

Result<LexiconMatches> Lexicon::Scan(const NormalizedText& text, LexiconScratch& scratch) const {
  const Compiled& c = *compiled_;
  if (scratch.prepared_for_ != generation_) {
    for (const Database* db : {&c.literal_db, &c.regex_db}) {
      if (*db == nullptr) continue;
      hs_error_t err = hs_alloc_scratch(db->get(), &scratch.scratch_);
      if (err == HS_NOMEM) return ResourceExhaustedError("cannot allocate Vectorscan scratch");
      if (err != HS_SUCCESS) {
        return InternalError("hs_alloc_scratch failed with code " + std::to_string(err));
      }
    }
    scratch.prepared_for_ = generation_;
  }
  if (scratch.buffers_ == nullptr) scratch.buffers_ = std::make_unique<LexiconScratch::Buffers>();
  std::vector<internal::RawHit>& raw = scratch.buffers_->raw;
  raw.clear();

  const TextView& norm = text.normalized;
  const TextView& skel = text.skeleton;
  if (norm.text.size() > UINT_MAX || skel.text.size() > UINT_MAX) {
    return ResourceExhaustedError("text view larger than 4 GiB");
  }
  // Raw hits include duplicates that FinalizeHits() merges; allow some slack.
  const std::size_t limit = options_.max_hits * 4;
  bool stopped = false;

  auto pass = [&](const Database& db, bool literal, const TextView& view,
                  std::uint32_t mask) -> Status {
    if (db == nullptr || view.text.empty() || stopped) return OkStatus();
    std::size_t first = raw.size();
    PassContext ctx;
    ctx.literals = &c.literals;
    ctx.regex_entries = &c.regex_entries;
    ctx.entries = entries_;
    ctx.view = view.text;
    ctx.mask = mask;
    ctx.raw = &raw;
    ctx.limit = limit > first ? limit - first : 1;
    const std::string_view bytes = view.text;
    auto scan = [&](std::size_t begin, std::size_t end) -> Status {
      ctx.offset = begin;
      hs_error_t err = hs_scan(db.get(), bytes.data() + begin, static_cast<unsigned>(end - begin),
                               0, scratch.scratch_, literal ? &OnLiteral : &OnRegex, &ctx);
      if (err != HS_SUCCESS && err != HS_SCAN_TERMINATED) {
        return InternalError("hs_scan failed with code " + std::to_string(err));
      }
      return OkStatus();
    };
    if (literal || bytes.size() <= kRegexWindow) {
      MODERATO_RETURN_IF_ERROR(scan(0, bytes.size()));
    } else {
      // Windows start and end on code point boundaries: HS_FLAG_UTF8 needs
      // valid UTF-8.
      auto is_continuation = [&](std::size_t i) {
        return i < bytes.size() && (static_cast<unsigned char>(bytes[i]) & 0xC0) == 0x80;
      };
      std::size_t begin = 0;
      while (!ctx.stopped) {
        std::size_t end = std::min(begin + kRegexWindow, bytes.size());
        while (end > begin + 1 && is_continuation(end)) --end;
        MODERATO_RETURN_IF_ERROR(scan(begin, end));
        if (end == bytes.size()) break;
        std::size_t next = std::max(begin + 1, end - kRegexOverlap);
        while (is_continuation(next)) ++next;
        begin = next;
      }
    }
    stopped = ctx.stopped;
    // Both views have the same text when a pass covers both: map through the
    // normalized view's offsets unless the hit is skeleton-only.
    for (std::size_t i = first; i < raw.size(); ++i) {
      const OffsetMap& map = (raw[i].views & kNorm) ? norm.offsets : skel.offsets;
      raw[i].span = map.ToOriginal(raw[i].span.begin, raw[i].span.end);
    }
    return OkStatus();
  };

  if (norm.text == skel.text) {
    MODERATO_RETURN_IF_ERROR(pass(c.literal_db, true, norm, kNorm | kSkel));
  } else {
    MODERATO_RETURN_IF_ERROR(pass(c.literal_db, true, norm, kNorm));
    MODERATO_RETURN_IF_ERROR(pass(c.literal_db, true, skel, kSkel));
  }
  MODERATO_RETURN_IF_ERROR(pass(c.regex_db, false, norm, kNorm));
  return internal::FinalizeHits(raw, entries_, options_.max_hits, stopped);
}

// ---------------------------------------------------------------------------
// LexiconHandle

LexiconHandle::LexiconHandle(std::shared_ptr<const Lexicon> initial)
    : current_(std::move(initial)) {}

std::shared_ptr<const Lexicon> LexiconHandle::Get() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_;
}

std::shared_ptr<const Lexicon> LexiconHandle::Swap(std::shared_ptr<const Lexicon> next) {
  std::lock_guard<std::mutex> lock(mu_);
  current_.swap(next);
  return next;
}

}  // namespace moderato
