// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/match/bank_matcher.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
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

// Everything a query reads apart from the PDQ index, immutable once
// published. Refresh copies it before changing it (copy-on-write), so
// queries in flight keep the tables they started with.
struct MatcherTables {
  std::vector<Bank> banks;
  std::unordered_map<int64_t, size_t> bank_by_id;
  std::unordered_map<std::string, int64_t> bank_id_by_name;
  int pdq_radius = 0;
  // Exact signals: value → (bank id, signal id); bare hosts likewise.
  std::unordered_multimap<std::string, std::pair<int64_t, int64_t>> exact[kSignalTypeCount];
  std::unordered_multimap<std::string, std::pair<int64_t, int64_t>> hosts;
  // Where each exact, host or text signal sits, for removals.
  struct Placement {
    SignalType type;
    bool host;
    std::string key;  // exact or host key; unused for text
    uint32_t text_index;
  };
  std::unordered_map<int64_t, Placement> placement;
  // Known texts: MinHash signatures, found through their LSH band keys. A
  // removed text keeps its slot with bank_id 0 (never matches).
  struct KnownText {
    int64_t bank_id;
    int64_t signal_id;
    TextSignature signature;
  };
  std::vector<KnownText> texts;
  std::unordered_multimap<uint64_t, uint32_t> text_bands;

  Status SetBanks(std::vector<Bank> all) {
    banks = std::move(all);
    bank_by_id.clear();
    pdq_radius = 0;
    for (size_t i = 0; i < banks.size(); ++i) {
      const Bank& bank = banks[i];
      if (bank.id <= 0 || bank.id >= (int64_t{1} << kBankBits)) {
        return FailedPreconditionError("bank id " + std::to_string(bank.id) +
                                       " is outside the matcher's 16-bit range");
      }
      bank_by_id[bank.id] = i;
      // Kept after a bank is deleted: its removals still need its id.
      bank_id_by_name[bank.name] = bank.id;
      if (bank.enabled) pdq_radius = std::max(pdq_radius, bank.pdq_threshold);
    }
    return OkStatus();
  }

  // Adds a non-PDQ signal unless it is present. kDataLoss on a bad value.
  Status AddSignal(int64_t bank_id, const Signal& signal) {
    if (placement.contains(signal.id)) return OkStatus();
    Placement where{signal.type, false, "", 0};
    if (signal.type == SignalType::kText) {
      Result<TextSignature> sig = ParseTextSignature(signal.value);
      if (!sig.ok()) {
        return DataLossError("stored text signal " + std::to_string(signal.id) + ": " +
                             sig.status().message());
      }
      where.text_index = static_cast<uint32_t>(texts.size());
      for (uint64_t band : TextSignatureBands(*sig)) text_bands.emplace(band, where.text_index);
      texts.push_back({bank_id, signal.id, *sig});
    } else if (UrlParts url =
                   signal.type == SignalType::kUrl ? SplitCanonicalUrl(signal.value) : UrlParts{};
               url.bare_host) {
      where.host = true;
      where.key = std::string(url.host);
      hosts.emplace(where.key, std::make_pair(bank_id, signal.id));
    } else {
      where.key = signal.value;
      exact[static_cast<int>(signal.type)].emplace(where.key, std::make_pair(bank_id, signal.id));
    }
    placement.emplace(signal.id, std::move(where));
    return OkStatus();
  }

  void RemoveSignal(int64_t signal_id) {
    auto it = placement.find(signal_id);
    if (it == placement.end()) return;
    const Placement& where = it->second;
    if (where.type == SignalType::kText) {
      texts[where.text_index].bank_id = 0;
    } else {
      auto& map = where.host ? hosts : exact[static_cast<int>(where.type)];
      auto [first, last] = map.equal_range(where.key);
      for (auto e = first; e != last; ++e) {
        if (e->second.second == signal_id) {
          map.erase(e);
          break;
        }
      }
    }
    placement.erase(it);
  }

  void CountInto(BankMatcherStats* stats) const {
    stats->md5 = static_cast<int64_t>(exact[static_cast<int>(SignalType::kMd5)].size());
    stats->sha256 = static_cast<int64_t>(exact[static_cast<int>(SignalType::kSha256)].size());
    stats->url = static_cast<int64_t>(exact[static_cast<int>(SignalType::kUrl)].size());
    stats->host = static_cast<int64_t>(hosts.size());
    stats->text = static_cast<int64_t>(std::count_if(
        texts.begin(), texts.end(), [](const KnownText& t) { return t.bank_id != 0; }));
  }
};

// What one query sees: tables and PDQ snapshot of one moment.
struct MatcherView {
  std::shared_ptr<const MatcherTables> tables;
  std::shared_ptr<const HammingSnapshot> pdq;
  int64_t sequence = 0;
  BankMatcherStats stats;
};

struct BankMatcher::State {
  std::unique_ptr<HammingIndex> pdq;  // the writer; thread-safe
  std::mutex refresh_mu;              // one Refresh at a time
  mutable std::mutex view_mu;         // guards `view` (held only to copy the pointer)
  std::shared_ptr<const MatcherView> view;

  std::shared_ptr<const MatcherView> Current() const {
    std::lock_guard lock(view_mu);
    return view;
  }
  void Publish(std::shared_ptr<const MatcherView> next) {
    std::lock_guard lock(view_mu);
    view = std::move(next);
  }
};

BankMatcher::BankMatcher(std::unique_ptr<State> state) : state_(std::move(state)) {}
BankMatcher::~BankMatcher() = default;

std::vector<Bank> BankMatcher::banks() const { return state_->Current()->tables->banks; }
BankMatcherStats BankMatcher::stats() const { return state_->Current()->stats; }
int64_t BankMatcher::sequence() const { return state_->Current()->sequence; }

uint64_t BankMatcher::PackPdqId(int64_t bank_id, int quality, int64_t signal_id) {
  uint64_t q = quality < 0 ? 0 : static_cast<uint64_t>(std::min(quality, 100) + 1);
  return (static_cast<uint64_t>(bank_id) << (kSignalBits + kQualityBits)) | (q << kSignalBits) |
         (static_cast<uint64_t>(signal_id) & kSignalMask);
}

namespace {

Status CheckSignalId(int64_t id) {
  if (id <= 0 || static_cast<uint64_t>(id) > kSignalMask) {
    return FailedPreconditionError("signal id " + std::to_string(id) +
                                   " is outside the matcher's 40-bit range");
  }
  return OkStatus();
}

Result<Hash256> StoredPdq(const Signal& signal) {
  Result<Hash256> hash = ParseHash256Hex(signal.value);
  if (!hash.ok()) {
    return DataLossError("stored PDQ signal " + std::to_string(signal.id) + ": " +
                         hash.status().message());
  }
  return hash;
}

// Removes a PDQ signal whose quality is no longer known (it left the store):
// its packed id is one of 102 (quality unknown or 0..100).
void RemovePdq(HammingIndex& index, int64_t bank_id, int64_t signal_id) {
  for (int quality = -1; quality <= 100; ++quality) {
    if (index.Remove(BankMatcher::PackPdqId(bank_id, quality, signal_id))) return;
  }
}

}  // namespace

Result<std::unique_ptr<BankMatcher>> BankMatcher::Build(BankStore& store,
                                                        const BankMatcherOptions& options) {
  auto started = std::chrono::steady_clock::now();
  auto state = std::make_unique<State>();
  auto tables = std::make_shared<MatcherTables>();
  auto view = std::make_shared<MatcherView>();
  // The sequence is read first: a change made during the scan below is then
  // both in the scan and in the next Refresh, which applies it idempotently.
  MODERATO_ASSIGN_OR_RETURN(view->sequence, store.LatestSequence());
  MODERATO_ASSIGN_OR_RETURN(std::vector<Bank> banks, store.ListBanks());
  MODERATO_RETURN_IF_ERROR(tables->SetBanks(std::move(banks)));

  // The PDQ index holds the enabled PDQ signals of every bank, enabled or
  // not: it depends only on the signals (whose every change moves the store's
  // sequence), so it can be cached by sequence. Bank settings apply per query.
  bool from_cache = false;
  if (!options.pdq_cache_path.empty() &&
      ReadFileOrEmpty(options.pdq_cache_path + ".seq") == std::to_string(view->sequence)) {
    Result<std::unique_ptr<HammingIndex>> cached = HammingIndex::Load(options.pdq_cache_path);
    if (cached.ok()) {
      state->pdq = std::move(*cached);
      from_cache = true;
    }
  }

  std::vector<uint64_t> pdq_ids;
  std::vector<Hash256> pdq_hashes;
  int64_t seen = 0;
  Status scan_error;
  SignalFilter filter;
  filter.include_disabled = false;
  MODERATO_RETURN_IF_ERROR(store.ForEachSignal(filter, [&](const Signal& signal) {
    if (options.progress && ++seen % 65536 == 0) options.progress(seen);
    auto bank = tables->bank_id_by_name.find(signal.bank);
    if (bank == tables->bank_id_by_name.end()) return true;
    scan_error = CheckSignalId(signal.id);
    if (!scan_error.ok()) return false;
    if (signal.type == SignalType::kPdq) {
      if (from_cache) return true;
      Result<Hash256> hash = StoredPdq(signal);
      if (!hash.ok()) {
        scan_error = hash.status();
        return false;
      }
      pdq_ids.push_back(PackPdqId(bank->second, signal.quality, signal.id));
      pdq_hashes.push_back(*hash);
      return true;
    }
    scan_error = tables->AddSignal(bank->second, signal);
    return scan_error.ok();
  }));
  MODERATO_RETURN_IF_ERROR(scan_error);

  if (!from_cache) {
    MODERATO_ASSIGN_OR_RETURN(state->pdq, HammingIndex::Build(pdq_ids, pdq_hashes));
    if (!options.pdq_cache_path.empty() &&
        static_cast<int64_t>(pdq_ids.size()) >= options.cache_min_pdq) {
      // A cache that cannot be written only costs the next run a rebuild.
      if (state->pdq->Save(options.pdq_cache_path).ok()) {
        std::string seq_tmp = options.pdq_cache_path + ".seq.tmp";
        {
          std::ofstream out(seq_tmp, std::ios::trunc);
          out << view->sequence << '\n';
        }
        std::error_code ec;
        std::filesystem::rename(seq_tmp, options.pdq_cache_path + ".seq", ec);
      }
    }
  }
  view->pdq = state->pdq->snapshot();
  view->stats.pdq = static_cast<int64_t>(view->pdq->size());
  tables->CountInto(&view->stats);
  view->stats.pdq_from_cache = from_cache;
  view->stats.build_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  view->tables = std::move(tables);
  state->view = std::move(view);
  return std::unique_ptr<BankMatcher>(new BankMatcher(std::move(state)));
}

Result<int64_t> BankMatcher::Refresh(BankStore& store, int64_t max_changes) {
  std::lock_guard refresh_lock(state_->refresh_mu);
  std::shared_ptr<const MatcherView> current = state_->Current();
  MODERATO_ASSIGN_OR_RETURN(std::vector<Bank> banks, store.ListBanks());
  // Copy-on-write: queries in flight keep the old tables.
  auto tables = std::make_shared<MatcherTables>(*current->tables);
  MODERATO_RETURN_IF_ERROR(tables->SetBanks(std::move(banks)));
  auto view = std::make_shared<MatcherView>(*current);
  // Sequences only grow, so this bounds the pending changes before any is applied.
  MODERATO_ASSIGN_OR_RETURN(int64_t latest, store.LatestSequence());
  if (latest - view->sequence > max_changes) {
    return ResourceExhaustedError("up to " + std::to_string(latest - view->sequence) +
                                  " changes to apply, more than " + std::to_string(max_changes) +
                                  "; build a new matcher instead");
  }

  constexpr int64_t kPage = 10000;
  int64_t applied = 0;
  for (;;) {
    MODERATO_ASSIGN_OR_RETURN(std::vector<SignalChange> changes,
                              store.ChangesSince(view->sequence, kPage));
    if (changes.empty()) break;
    for (const SignalChange& change : changes) {
      view->sequence = change.sequence;
      ++applied;
      auto bank = tables->bank_id_by_name.find(change.bank);
      int64_t bank_id = bank == tables->bank_id_by_name.end() ? 0 : bank->second;
      // Whatever the kind, the signal's state now is what counts: the store
      // is read, so replaying a change twice does no harm.
      Result<Signal> signal = store.GetSignal(change.signal_id);
      bool live = signal.ok() && signal->enabled && tables->bank_id_by_name.contains(signal->bank);
      if (!signal.ok() && signal.status().code() != StatusCode::kNotFound) {
        return signal.status();
      }
      if (!live) {
        if (bank_id != 0) RemovePdq(*state_->pdq, bank_id, change.signal_id);
        tables->RemoveSignal(change.signal_id);
        continue;
      }
      MODERATO_RETURN_IF_ERROR(CheckSignalId(signal->id));
      int64_t live_bank = tables->bank_id_by_name.at(signal->bank);
      if (signal->type == SignalType::kPdq) {
        MODERATO_ASSIGN_OR_RETURN(Hash256 hash, StoredPdq(*signal));
        Status added = state_->pdq->Add(PackPdqId(live_bank, signal->quality, signal->id), hash);
        if (!added.ok() && added.code() != StatusCode::kFailedPrecondition) return added;
      } else {
        MODERATO_RETURN_IF_ERROR(tables->AddSignal(live_bank, *signal));
      }
    }
  }
  state_->pdq->Publish();
  view->pdq = state_->pdq->snapshot();
  view->stats.pdq = static_cast<int64_t>(view->pdq->size());
  tables->CountInto(&view->stats);
  view->tables = std::move(tables);
  state_->Publish(std::move(view));
  return applied;
}

Result<std::vector<BankMatch>> BankMatcher::Match(const MatchQuery& query,
                                                  const std::optional<std::string>& bank) const {
  std::shared_ptr<const MatcherView> view = state_->Current();
  const MatcherTables& s = *view->tables;
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
    view->pdq->Search(query.pdq, s.pdq_radius, &hits);
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
      const MatcherTables::KnownText& known = s.texts[index];
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
