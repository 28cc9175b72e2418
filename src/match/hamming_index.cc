// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Snapshot = immutable MIH base + sorted tombstoned base rows + a sorted
// flat-scanned delta. The writer keeps the same three parts in mutable form.
//
// Compaction protocol (the writer keeps working meanwhile):
//   start  (under mu_): capture base0, the delta entries D0 with their
//          sequence numbers, and the tombstones T0.
//   build  (no lock):   B1 = (base0 - T0) + D0, with fresh MIH tables.
//   finish (under mu_): an entry of D0 still in the delta with the same seq
//          is now in B1, so it leaves the delta; one that was removed (or
//          removed and re-added, with a new seq) is tombstoned in B1.
//          Tombstones added since the start are base0 ids, which B1 keeps,
//          so they stay. If nothing is staged, the result is republished
//          under the current version (same entries, new layout).

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "match/index_file.h"
#include "match/mih_segment.h"
#include "moderato/match/hamming.h"

namespace moderato {

using internal::MihSegment;

namespace {

bool ByDistanceThenId(const HammingMatch& a, const HammingMatch& b) {
  if (a.distance != b.distance) return a.distance < b.distance;
  return a.id < b.id;
}

std::shared_ptr<const MihSegment> EmptySegment() {
  static const std::shared_ptr<const MihSegment> empty = MihSegment::Build({}, {}, 0);
  return empty;
}

}  // namespace

// ---------------------------------------------------------------- snapshot

HammingSnapshot::HammingSnapshot(Key, std::shared_ptr<const MihSegment> base,
                                 std::vector<std::uint32_t> dead_rows,
                                 std::vector<std::uint64_t> delta_ids,
                                 std::vector<Hash256> delta_hashes, std::uint64_t version)
    : base_(std::move(base)),
      dead_rows_(std::move(dead_rows)),
      delta_ids_(std::move(delta_ids)),
      delta_hashes_(std::move(delta_hashes)),
      version_(version) {}

HammingSnapshot::~HammingSnapshot() = default;

std::size_t HammingSnapshot::size() const {
  return base_->size() - dead_rows_.size() + delta_ids_.size();
}

std::span<const std::uint64_t> HammingSnapshot::base_ids() const { return base_->ids(); }
std::span<const Hash256> HammingSnapshot::base_hashes() const { return base_->hashes(); }

bool HammingSnapshot::IsDeadRow(std::uint32_t row) const {
  return std::binary_search(dead_rows_.begin(), dead_rows_.end(), row);
}

void HammingSnapshot::Search(std::span<const Hash256> queries, int radius,
                             std::vector<HammingMatch>* out, SearchStrategy strategy) const {
  MODERATO_CHECK_MSG(queries.size() <= kMaxHammingQueries, "too many queries in one batch");
  out->clear();
  if (queries.empty() || radius < 0) return;
  radius = std::min(radius, 256);
  std::vector<HammingMatch> hits;
  if (base_->size() > 0) {
    const bool mih =
        strategy == SearchStrategy::kMultiIndex ||
        (strategy == SearchStrategy::kAuto && base_->PreferMih(radius, queries.size()));
    if (mih) {
      for (std::size_t v = 0; v < queries.size(); ++v) {
        base_->Search(queries[v], static_cast<std::uint8_t>(v), radius, &hits);
      }
      // One hit per row: the smallest distance, then the lowest variant.
      std::sort(hits.begin(), hits.end(), [](const HammingMatch& a, const HammingMatch& b) {
        if (a.id != b.id) return a.id < b.id;
        if (a.distance != b.distance) return a.distance < b.distance;
        return a.variant < b.variant;
      });
      hits.erase(
          std::unique(hits.begin(), hits.end(),
                      [](const HammingMatch& a, const HammingMatch& b) { return a.id == b.id; }),
          hits.end());
    } else {
      FlatSearch(base_->hashes(), queries, radius, &hits);
    }
    std::span<const std::uint64_t> ids = base_->ids();
    for (const HammingMatch& h : hits) {
      if (!dead_rows_.empty() && IsDeadRow(static_cast<std::uint32_t>(h.id))) continue;
      out->push_back({ids[h.id], h.distance, h.variant});
    }
  }
  if (!delta_hashes_.empty()) {
    FlatSearch(delta_hashes_, queries, radius, &hits);
    for (const HammingMatch& h : hits) out->push_back({delta_ids_[h.id], h.distance, h.variant});
  }
  std::sort(out->begin(), out->end(), ByDistanceThenId);
}

std::optional<Hash256> HammingSnapshot::Find(std::uint64_t id) const {
  if (std::optional<std::uint32_t> row = base_->FindRow(id); row && !IsDeadRow(*row)) {
    return base_->hashes()[*row];
  }
  auto it = std::lower_bound(delta_ids_.begin(), delta_ids_.end(), id);
  if (it != delta_ids_.end() && *it == id) return delta_hashes_[it - delta_ids_.begin()];
  return std::nullopt;
}

std::size_t HammingSnapshot::MemoryBytes() const {
  return sizeof(*this) + base_->MemoryBytes() + dead_rows_.capacity() * sizeof(std::uint32_t) +
         delta_ids_.capacity() * sizeof(std::uint64_t) + delta_hashes_.capacity() * sizeof(Hash256);
}

std::vector<int> HammingSnapshot::substring_widths() const {
  std::vector<int> widths;
  if (base_->size() == 0) return widths;
  for (int i = 0; i < base_->substrings(); ++i) widths.push_back(base_->width(i));
  return widths;
}

// ------------------------------------------------------------------- index

struct HammingIndex::CompactionInput {
  std::shared_ptr<const MihSegment> base;
  std::vector<std::pair<std::uint64_t, DeltaEntry>> delta;  // ascending id
  std::map<std::uint64_t, std::uint32_t> dead;              // id -> row in base
};

namespace {

HammingIndexOptions Sanitize(HammingIndexOptions o) {
  if (o.substring_bits != 0) {
    o.substring_bits =
        std::clamp(o.substring_bits, internal::kMinSubstringBits, internal::kMaxSubstringBits);
  }
  o.max_entries = std::min<std::size_t>(o.max_entries, 0xfffffffeu);
  return o;
}

}  // namespace

HammingIndex::HammingIndex(HammingIndexOptions options)
    : options_(Sanitize(options)), base_(EmptySegment()) {
  std::lock_guard<std::mutex> lock(mu_);
  InstallSnapshot(MakeSnapshotLocked(0));
}

HammingIndex::~HammingIndex() {
  WaitForCompaction();
  if (compactor_.joinable()) compactor_.join();
}

Result<std::unique_ptr<HammingIndex>> HammingIndex::Build(std::span<const std::uint64_t> ids,
                                                          std::span<const Hash256> hashes,
                                                          HammingIndexOptions options) {
  if (ids.size() != hashes.size()) {
    return InvalidArgumentError("Build: " + std::to_string(ids.size()) + " ids but " +
                                std::to_string(hashes.size()) + " hashes");
  }
  std::vector<std::uint64_t> sorted_ids;
  internal::HashVector sorted_hashes;
  if (std::is_sorted(ids.begin(), ids.end())) {
    sorted_ids.assign(ids.begin(), ids.end());
    sorted_hashes.assign(hashes.begin(), hashes.end());
  } else {
    std::vector<std::size_t> order(ids.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return ids[a] < ids[b]; });
    sorted_ids.reserve(ids.size());
    sorted_hashes.reserve(ids.size());
    for (std::size_t i : order) {
      sorted_ids.push_back(ids[i]);
      sorted_hashes.push_back(hashes[i]);
    }
  }
  return BuildSorted(std::move(sorted_ids), std::move(sorted_hashes), options);
}

Result<std::unique_ptr<HammingIndex>> HammingIndex::BuildSorted(std::vector<std::uint64_t> ids,
                                                                internal::HashVector hashes,
                                                                HammingIndexOptions options) {
  auto index = std::make_unique<HammingIndex>(options);
  if (ids.size() > index->options_.max_entries) {
    return ResourceExhaustedError("Build: " + std::to_string(ids.size()) +
                                  " entries exceed max_entries " +
                                  std::to_string(index->options_.max_entries));
  }
  for (std::size_t i = 1; i < ids.size(); ++i) {
    if (ids[i] == ids[i - 1]) {
      return InvalidArgumentError("Build: duplicate id " + std::to_string(ids[i]));
    }
  }
  std::shared_ptr<const MihSegment> base =
      MihSegment::Build(std::move(ids), std::move(hashes), index->options_.substring_bits);
  {
    std::lock_guard<std::mutex> lock(index->mu_);
    index->base_ = std::move(base);
    index->published_version_ = 1;
    index->InstallSnapshot(index->MakeSnapshotLocked(1));
  }
  return index;
}

bool HammingIndex::LiveLocked(std::uint64_t id) const {
  if (delta_.contains(id)) return true;
  return base_->FindRow(id).has_value() && !dead_.contains(id);
}

Status HammingIndex::Add(std::uint64_t id, const Hash256& hash) {
  std::lock_guard<std::mutex> lock(mu_);
  if (LiveLocked(id)) {
    return FailedPreconditionError("id " + std::to_string(id) + " is already in the index");
  }
  const std::size_t live = base_->size() - dead_.size() + delta_.size();
  if (live >= options_.max_entries) {
    return ResourceExhaustedError("the index is full (max_entries " +
                                  std::to_string(options_.max_entries) + ")");
  }
  delta_[id] = DeltaEntry{hash, next_seq_++};
  dirty_ = true;
  return OkStatus();
}

bool HammingIndex::Remove(std::uint64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (delta_.erase(id) > 0) {
    dirty_ = true;
    return true;
  }
  if (std::optional<std::uint32_t> row = base_->FindRow(id);
      row.has_value() && dead_.emplace(id, *row).second) {
    dirty_ = true;
    return true;
  }
  return false;
}

std::shared_ptr<const HammingSnapshot> HammingIndex::MakeSnapshotLocked(
    std::uint64_t version) const {
  std::vector<std::uint32_t> dead_rows;
  dead_rows.reserve(dead_.size());
  // dead_ ascends by id and base rows ascend by id, so rows come out sorted.
  for (const auto& [id, row] : dead_) dead_rows.push_back(row);
  std::vector<std::uint64_t> ids;
  std::vector<Hash256> hashes;
  ids.reserve(delta_.size());
  hashes.reserve(delta_.size());
  for (const auto& [id, entry] : delta_) {
    ids.push_back(id);
    hashes.push_back(entry.hash);
  }
  return std::make_shared<const HammingSnapshot>(HammingSnapshot::Key(), base_,
                                                 std::move(dead_rows), std::move(ids),
                                                 std::move(hashes), version);
}

void HammingIndex::InstallSnapshot(std::shared_ptr<const HammingSnapshot> snap) {
  std::shared_ptr<const HammingSnapshot> old;
  {
    std::lock_guard<std::mutex> lock(snapshot_mu_);
    old = std::exchange(snapshot_, std::move(snap));
  }
  // `old` (possibly the last owner of a large base) dies outside the lock.
}

std::shared_ptr<const HammingSnapshot> HammingIndex::snapshot() const {
  std::lock_guard<std::mutex> lock(snapshot_mu_);
  return snapshot_;
}

void HammingIndex::PublishLocked() {
  ++published_version_;
  dirty_ = false;
  InstallSnapshot(MakeSnapshotLocked(published_version_));
}

bool HammingIndex::NeedsCompactionLocked() const {
  const std::size_t dead_limit = std::max(options_.max_delta, base_->size() / 8);
  return delta_.size() > options_.max_delta || dead_.size() > dead_limit;
}

HammingIndex::CompactionInput HammingIndex::StartCompactionLocked() {
  compacting_ = true;
  CompactionInput in;
  in.base = base_;
  in.delta.reserve(delta_.size());
  for (const auto& [id, entry] : delta_) in.delta.emplace_back(id, entry);
  in.dead = dead_;
  return in;
}

void HammingIndex::Publish() {
  std::unique_lock<std::mutex> lock(mu_);
  PublishLocked();
  if (compacting_ || !NeedsCompactionLocked()) return;
  CompactionInput input = StartCompactionLocked();
  if (options_.background_compaction) {
    // A finished compactor only has to return; joining it here is brief.
    if (compactor_.joinable()) compactor_.join();
    compactor_ =
        std::thread([this, in = std::move(input)]() mutable { RunCompaction(std::move(in)); });
  } else {
    lock.unlock();
    RunCompaction(std::move(input));
  }
}

void HammingIndex::Compact() {
  std::unique_lock<std::mutex> lock(mu_);
  compaction_done_.wait(lock, [this] { return !compacting_; });
  PublishLocked();
  CompactionInput input = StartCompactionLocked();
  lock.unlock();
  RunCompaction(std::move(input));
}

void HammingIndex::WaitForCompaction() {
  std::unique_lock<std::mutex> lock(mu_);
  compaction_done_.wait(lock, [this] { return !compacting_; });
}

void HammingIndex::RunCompaction(CompactionInput in) {
  // B1 = (base0 - T0) + D0, merged in id order.
  const MihSegment& base0 = *in.base;
  std::span<const std::uint64_t> ids0 = base0.ids();
  std::span<const Hash256> hashes0 = base0.hashes();
  const std::size_t total = base0.size() - in.dead.size() + in.delta.size();
  std::vector<std::uint64_t> ids;
  internal::HashVector hashes;
  ids.reserve(total);
  hashes.reserve(total);
  auto dead = in.dead.begin();
  std::size_t row = 0;
  std::size_t d = 0;
  while (row < ids0.size() || d < in.delta.size()) {
    if (row < ids0.size()) {
      while (dead != in.dead.end() && dead->first < ids0[row]) ++dead;
      if (dead != in.dead.end() && dead->first == ids0[row]) {
        ++row;
        continue;
      }
    }
    if (d == in.delta.size() || (row < ids0.size() && ids0[row] < in.delta[d].first)) {
      ids.push_back(ids0[row]);
      hashes.push_back(hashes0[row]);
      ++row;
    } else {
      ids.push_back(in.delta[d].first);
      hashes.push_back(in.delta[d].second.hash);
      ++d;
    }
  }
  std::shared_ptr<const MihSegment> base1 =
      MihSegment::Build(std::move(ids), std::move(hashes), options_.substring_bits);

  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::uint64_t, std::uint32_t> dead1;
  for (const auto& [id, old_row] : dead_) {
    if (!in.dead.contains(id)) dead1.emplace(id, *base1->FindRow(id));
  }
  for (const auto& [id, entry] : in.delta) {
    auto it = delta_.find(id);
    if (it != delta_.end() && it->second.seq == entry.seq) {
      delta_.erase(it);
    } else {
      dead1.emplace(id, *base1->FindRow(id));
    }
  }
  base_ = std::move(base1);
  dead_ = std::move(dead1);
  if (!dirty_) InstallSnapshot(MakeSnapshotLocked(published_version_));
  compacting_ = false;
  ++compactions_;
  compaction_done_.notify_all();
}

Status HammingIndex::Save(const std::string& path) const {
  std::shared_ptr<const HammingSnapshot> snap = snapshot();
  return internal::WriteIndexFile(path, snap->size(), [&](const auto& fn) { snap->ForEach(fn); });
}

Result<std::unique_ptr<HammingIndex>> HammingIndex::Load(const std::string& path,
                                                         HammingIndexOptions options) {
  options = Sanitize(options);
  MODERATO_ASSIGN_OR_RETURN(
      internal::IndexFileContents c,
      internal::ReadIndexFile(path, options.verify_checksums, options.max_entries));
  // Ids were validated strictly ascending, so this neither sorts nor fails.
  return BuildSorted(std::move(c.ids), std::move(c.hashes), options);
}

Result<std::unique_ptr<HammingIndex>> HammingIndex::Parse(std::string_view bytes,
                                                          HammingIndexOptions options) {
  options = Sanitize(options);
  MODERATO_ASSIGN_OR_RETURN(
      internal::IndexFileContents c,
      internal::ParseIndexFile(bytes, options.verify_checksums, options.max_entries));
  return BuildSorted(std::move(c.ids), std::move(c.hashes), options);
}

std::uint64_t HammingIndex::compactions() const {
  std::lock_guard<std::mutex> lock(mu_);
  return compactions_;
}

std::size_t HammingIndex::MemoryBytes() const {
  std::size_t bytes = snapshot()->MemoryBytes();
  std::lock_guard<std::mutex> lock(mu_);
  // std::map and std::set nodes: payload plus about 32 bytes of links.
  bytes += delta_.size() * (sizeof(std::uint64_t) + sizeof(DeltaEntry) + 32);
  bytes += dead_.size() * (sizeof(std::uint64_t) + sizeof(std::uint32_t) + 36);
  return bytes;
}

}  // namespace moderato
