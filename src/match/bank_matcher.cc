// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/match/bank_matcher.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <unordered_map>
#include <utility>

#include "moderato/hash/text_signature.h"
#include "moderato/match/hamming.h"

namespace moderato {
namespace {

constexpr int kBankBits = 16;
constexpr int kQualityBits = 7;
constexpr int kSignalBits = 40;
constexpr uint64_t kSignalMask = (uint64_t{1} << kSignalBits) - 1;
constexpr uint64_t kQualityMask = (uint64_t{1} << kQualityBits) - 1;

int64_t UnpackBankId(uint64_t packed) {
  return static_cast<int64_t>(packed >> (kSignalBits + kQualityBits));
}
int UnpackQuality(uint64_t packed) {
  return static_cast<int>((packed >> kSignalBits) & kQualityMask) - 1;
}
int64_t UnpackSignalId(uint64_t packed) { return static_cast<int64_t>(packed & kSignalMask); }

// "scheme://host[:port]/path?query" → host, and whether nothing follows it.
struct UrlParts {
  std::string_view host;
  bool bare_host = false;
};

UrlParts SplitCanonicalUrl(std::string_view url) {
  UrlParts parts;
  size_t start = url.find("://");
  start = start == std::string_view::npos ? 0 : start + 3;
  size_t end = url.find_first_of("/?#", start);
  std::string_view authority =
      url.substr(start, end == std::string_view::npos ? url.npos : end - start);
  std::string_view rest = end == std::string_view::npos ? std::string_view() : url.substr(end);
  size_t colon = authority.rfind(':');
  bool has_port = colon != std::string_view::npos && authority.find(']') == std::string_view::npos;
  if (colon != std::string_view::npos && authority.find(']') != std::string_view::npos &&
      colon > authority.find(']')) {
    has_port = true;
  }
  parts.host = has_port ? authority.substr(0, colon) : authority;
  parts.bare_host = !has_port && (rest.empty() || rest == "/");
  return parts;
}

std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path);
  std::string content;
  std::getline(in, content);
  return content;
}

}  // namespace

struct BankMatcher::State {
  std::vector<Bank> banks;
  std::unordered_map<int64_t, size_t> bank_by_id;
  std::unique_ptr<HammingIndex> pdq;
  std::shared_ptr<const HammingSnapshot> pdq_snapshot;
  int pdq_radius = 0;
  // Exact signals: value → (bank id, signal id).
  std::unordered_multimap<std::string, std::pair<int64_t, int64_t>> exact[kSignalTypeCount];
  std::unordered_multimap<std::string, std::pair<int64_t, int64_t>> hosts;
  // Known texts: MinHash signatures, found through their LSH band keys.
  struct KnownText {
    int64_t bank_id;
    int64_t signal_id;
    TextSignature signature;
  };
  std::vector<KnownText> texts;
  std::unordered_multimap<uint64_t, uint32_t> text_bands;
  BankMatcherStats stats;
  int64_t sequence = 0;
};

BankMatcher::BankMatcher(std::unique_ptr<State> state) : state_(std::move(state)) {}
BankMatcher::~BankMatcher() = default;

const std::vector<Bank>& BankMatcher::banks() const { return state_->banks; }
const BankMatcherStats& BankMatcher::stats() const { return state_->stats; }
int64_t BankMatcher::sequence() const { return state_->sequence; }

uint64_t BankMatcher::PackPdqId(int64_t bank_id, int quality, int64_t signal_id) {
  uint64_t q = quality < 0 ? 0 : static_cast<uint64_t>(std::min(quality, 100) + 1);
  return (static_cast<uint64_t>(bank_id) << (kSignalBits + kQualityBits)) | (q << kSignalBits) |
         (static_cast<uint64_t>(signal_id) & kSignalMask);
}

Result<std::unique_ptr<BankMatcher>> BankMatcher::Build(BankStore& store,
                                                        const BankMatcherOptions& options) {
  auto started = std::chrono::steady_clock::now();
  auto state = std::make_unique<State>();
  MODERATO_ASSIGN_OR_RETURN(state->sequence, store.LatestSequence());
  MODERATO_ASSIGN_OR_RETURN(state->banks, store.ListBanks());
  std::unordered_map<std::string, size_t> bank_by_name;
  for (size_t i = 0; i < state->banks.size(); ++i) {
    const Bank& bank = state->banks[i];
    if (bank.id <= 0 || bank.id >= (int64_t{1} << kBankBits)) {
      return FailedPreconditionError("bank id " + std::to_string(bank.id) +
                                     " is outside the matcher's 16-bit range");
    }
    state->bank_by_id[bank.id] = i;
    bank_by_name[bank.name] = i;
    if (bank.enabled) state->pdq_radius = std::max(state->pdq_radius, bank.pdq_threshold);
  }

  // The PDQ index holds the enabled PDQ signals of every bank, enabled or
  // not: it depends only on the signals (whose every change moves the store's
  // sequence), so it can be cached by sequence. Bank settings apply per query.
  bool from_cache = false;
  if (!options.pdq_cache_path.empty() &&
      ReadFileOrEmpty(options.pdq_cache_path + ".seq") == std::to_string(state->sequence)) {
    Result<std::unique_ptr<HammingIndex>> cached = HammingIndex::Load(options.pdq_cache_path);
    if (cached.ok()) {
      state->pdq = std::move(*cached);
      from_cache = true;
    }
  }

  std::vector<uint64_t> pdq_ids;
  std::vector<Hash256> pdq_hashes;
  int64_t seen = 0;
  Status parse_error;
  SignalFilter filter;
  filter.include_disabled = false;
  MODERATO_RETURN_IF_ERROR(store.ForEachSignal(filter, [&](const Signal& signal) {
    if (options.progress && ++seen % 65536 == 0) options.progress(seen);
    auto name_it = bank_by_name.find(signal.bank);
    if (name_it == bank_by_name.end()) return true;
    const Bank* bank_it = &state->banks[name_it->second];
    if (signal.id <= 0 || static_cast<uint64_t>(signal.id) > kSignalMask) {
      parse_error = FailedPreconditionError("signal id " + std::to_string(signal.id) +
                                            " is outside the matcher's 40-bit range");
      return false;
    }
    switch (signal.type) {
      case SignalType::kPdq: {
        if (from_cache) break;
        Result<Hash256> hash = ParseHash256Hex(signal.value);
        if (!hash.ok()) {
          parse_error = DataLossError("stored PDQ signal " + std::to_string(signal.id) + ": " +
                                      hash.status().message());
          return false;
        }
        pdq_ids.push_back(PackPdqId(bank_it->id, signal.quality, signal.id));
        pdq_hashes.push_back(*hash);
        break;
      }
      case SignalType::kUrl: {
        UrlParts parts = SplitCanonicalUrl(signal.value);
        if (parts.bare_host) {
          state->hosts.emplace(std::string(parts.host), std::make_pair(bank_it->id, signal.id));
          ++state->stats.host;
        } else {
          state->exact[static_cast<int>(SignalType::kUrl)].emplace(
              signal.value, std::make_pair(bank_it->id, signal.id));
          ++state->stats.url;
        }
        break;
      }
      case SignalType::kText: {
        Result<TextSignature> sig = ParseTextSignature(signal.value);
        if (!sig.ok()) {
          parse_error = DataLossError("stored text signal " + std::to_string(signal.id) + ": " +
                                      sig.status().message());
          return false;
        }
        auto index = static_cast<uint32_t>(state->texts.size());
        for (uint64_t band : TextSignatureBands(*sig)) state->text_bands.emplace(band, index);
        state->texts.push_back({bank_it->id, signal.id, *sig});
        break;
      }
      default:
        state->exact[static_cast<int>(signal.type)].emplace(signal.value,
                                                            std::make_pair(bank_it->id, signal.id));
        break;
    }
    return true;
  }));
  MODERATO_RETURN_IF_ERROR(parse_error);

  if (!from_cache) {
    MODERATO_ASSIGN_OR_RETURN(state->pdq, HammingIndex::Build(pdq_ids, pdq_hashes));
    if (!options.pdq_cache_path.empty() &&
        static_cast<int64_t>(pdq_ids.size()) >= options.cache_min_pdq) {
      // A cache that cannot be written only costs the next run a rebuild.
      if (state->pdq->Save(options.pdq_cache_path).ok()) {
        std::string seq_tmp = options.pdq_cache_path + ".seq.tmp";
        {
          std::ofstream out(seq_tmp, std::ios::trunc);
          out << state->sequence << '\n';
        }
        std::error_code ec;
        std::filesystem::rename(seq_tmp, options.pdq_cache_path + ".seq", ec);
      }
    }
  }
  state->pdq_snapshot = state->pdq->snapshot();
  state->stats.pdq = static_cast<int64_t>(state->pdq_snapshot->size());
  state->stats.md5 = static_cast<int64_t>(state->exact[static_cast<int>(SignalType::kMd5)].size());
  state->stats.sha256 =
      static_cast<int64_t>(state->exact[static_cast<int>(SignalType::kSha256)].size());
  state->stats.text =
      static_cast<int64_t>(state->exact[static_cast<int>(SignalType::kText)].size());
  state->stats.pdq_from_cache = from_cache;
  state->stats.build_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return std::unique_ptr<BankMatcher>(new BankMatcher(std::move(state)));
}

Result<std::vector<BankMatch>> BankMatcher::Match(const MatchQuery& query,
                                                  const std::optional<std::string>& bank) const {
  const State& s = *state_;
  std::vector<BankMatch> out;
  auto bank_for = [&](int64_t bank_id) -> const Bank* {
    auto it = s.bank_by_id.find(bank_id);
    if (it == s.bank_by_id.end()) return nullptr;
    const Bank& b = s.banks[it->second];
    if (!b.enabled) return nullptr;
    if (bank && !b.suppression && b.name != *bank) return nullptr;
    return &b;
  };
  auto add = [&](const Bank& b, int64_t signal_id, SignalType type, std::string kind, int distance,
                 int variant) {
    BankMatch m;
    m.bank = b.name;
    m.signal_id = signal_id;
    m.type = type;
    m.kind = std::move(kind);
    m.distance = distance;
    m.variant = variant;
    m.suppression = b.suppression;
    out.push_back(std::move(m));
  };

  if (query.pdq.size() > 8) return InvalidArgumentError("at most 8 PDQ variants per query");
  if (!query.pdq.empty()) {
    std::vector<HammingMatch> hits;
    s.pdq_snapshot->Search(query.pdq, s.pdq_radius, &hits);
    for (const HammingMatch& hit : hits) {
      const Bank* b = bank_for(UnpackBankId(hit.id));
      if (b == nullptr || hit.distance > b->pdq_threshold) continue;
      if (query.pdq_quality < b->pdq_quality_min) continue;
      int quality = UnpackQuality(hit.id);
      if (quality >= 0 && quality < b->pdq_quality_min) continue;
      add(*b, UnpackSignalId(hit.id), SignalType::kPdq, "pdq", hit.distance, hit.variant);
    }
  }
  auto exact = [&](SignalType type, const std::string& value, int variant) {
    auto [first, last] = s.exact[static_cast<int>(type)].equal_range(value);
    for (auto it = first; it != last; ++it) {
      if (const Bank* b = bank_for(it->second.first)) {
        add(*b, it->second.second, type, std::string(SignalTypeName(type)), 0, variant);
      }
    }
  };
  if (!query.md5.empty()) exact(SignalType::kMd5, query.md5, 0);
  if (!query.sha256.empty()) exact(SignalType::kSha256, query.sha256, 0);
  if (!query.text_signature.empty()) {
    MODERATO_ASSIGN_OR_RETURN(TextSignature sig, ParseTextSignature(query.text_signature));
    std::vector<uint32_t> candidates;
    for (uint64_t band : TextSignatureBands(sig)) {
      auto [first, last] = s.text_bands.equal_range(band);
      for (auto it = first; it != last; ++it) candidates.push_back(it->second);
    }
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    for (uint32_t index : candidates) {
      const State::KnownText& known = s.texts[index];
      double similarity = TextSimilarity(sig, known.signature);
      if (similarity < kTextMatchThreshold) continue;
      if (const Bank* b = bank_for(known.bank_id)) {
        add(*b, known.signal_id, SignalType::kText, "text", 0, 0);
        out.back().similarity = similarity;
      }
    }
  }
  for (size_t i = 0; i < query.urls.size(); ++i) {
    exact(SignalType::kUrl, query.urls[i], static_cast<int>(i));
    // The host and each parent domain: a bare-host entry covers its subdomains.
    std::string_view host = SplitCanonicalUrl(query.urls[i]).host;
    while (!host.empty()) {
      auto [first, last] = s.hosts.equal_range(std::string(host));
      for (auto it = first; it != last; ++it) {
        if (const Bank* b = bank_for(it->second.first)) {
          add(*b, it->second.second, SignalType::kUrl, "host", 0, static_cast<int>(i));
        }
      }
      size_t dot = host.find('.');
      if (dot == std::string_view::npos || host.front() == '[') break;
      host.remove_prefix(dot + 1);
      if (host.find('.') == std::string_view::npos) break;  // never a bare TLD
    }
  }

  bool suppressed =
      std::any_of(out.begin(), out.end(), [](const BankMatch& m) { return m.suppression; });
  if (suppressed) {
    for (BankMatch& m : out) m.suppressed = !m.suppression;
  }
  bool cancelled_any =
      std::any_of(out.begin(), out.end(), [](const BankMatch& m) { return m.suppressed; });
  if (bank && !cancelled_any) {
    // Suppression banks are consulted for every query; with --bank they are
    // reported only when they cancel a match in that bank.
    std::erase_if(out, [&](const BankMatch& m) { return m.suppression && m.bank != *bank; });
  }
  std::sort(out.begin(), out.end(), [](const BankMatch& a, const BankMatch& b) {
    return std::tie(a.suppressed, a.distance, a.bank, a.signal_id) <
           std::tie(b.suppressed, b.distance, b.bank, b.signal_id);
  });
  return out;
}

}  // namespace moderato
