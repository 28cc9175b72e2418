// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Feeds arbitrary bytes to the counter-library readers: the first byte picks
// JSONL (even) or CSV (odd), the rest is the file. Bad records are fine;
// crashes, budget overruns, accepted items that do not validate, and items
// that change on export -> re-read or on import -> store export -> re-read
// are not.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "moderato/counter/item.h"
#include "moderato/counter/library_io.h"
#include "moderato/store/counter_store.h"

namespace {

// The content an editor controls; the store owns the rest.
moderato::CounterItem Content(moderato::CounterItem item) {
  item.version = item.updated_at = item.approved_at = 0;
  item.updated_by.clear();
  item.approved_by.clear();
  return item;
}

bool SameContent(const std::vector<moderato::CounterItem>& a,
                 const std::vector<moderato::CounterItem>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!(Content(a[i]) == Content(b[i]))) return false;
  }
  return true;
}

moderato::CounterReadResult ReadOrTrap(const std::string& text,
                                       moderato::CounterFileFormat format) {
  std::istringstream in(text);
  auto read = moderato::ReadCounterLibrary(in, format);
  if (!read.ok() || read->error_count != 0) __builtin_trap();
  return std::move(read).value();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto format =
      (data[0] & 1) != 0 ? moderato::CounterFileFormat::kCsv : moderato::CounterFileFormat::kJsonl;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
  moderato::CounterIoOptions options;
  options.max_bytes = 1 << 20;
  options.max_items = 64;
  options.max_errors = 8;
  auto read = moderato::ReadCounterLibrary(in, format, options);
  if (!read.ok()) return 0;
  if (read->errors.size() > options.max_errors || read->error_count < read->errors.size()) {
    __builtin_trap();
  }
  if (read->items.size() > options.max_items) __builtin_trap();
  for (const moderato::CounterItem& item : read->items) {
    if (!moderato::ValidateCounterItem(item).empty()) __builtin_trap();
  }
  if (read->items.empty()) return 0;

  // Export -> re-read gives the same items, in both formats.
  for (auto out_format : {moderato::CounterFileFormat::kJsonl, moderato::CounterFileFormat::kCsv}) {
    std::ostringstream out;
    if (!moderato::WriteCounterItems(read->items, out_format, true, out).ok()) __builtin_trap();
    if (!SameContent(ReadOrTrap(out.str(), out_format).items, read->items)) __builtin_trap();
  }

  // Import -> store export -> re-read gives the same items (in id order), and
  // importing them again changes nothing.
  auto store = moderato::OpenSqliteCounterStore(":memory:");
  if (!store.ok()) __builtin_trap();
  auto imported = (*store)->ImportItems(read->items, "fuzzer", true);
  if (!imported.ok() || imported->added != static_cast<std::int64_t>(read->items.size())) {
    __builtin_trap();
  }
  std::ostringstream exported;
  if (!moderato::ExportCounterLibrary(**store, {}, format, exported).ok()) __builtin_trap();
  std::vector<moderato::CounterItem> expected = read->items;
  std::sort(expected.begin(), expected.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  const moderato::CounterReadResult again = ReadOrTrap(exported.str(), format);
  if (!SameContent(again.items, expected)) __builtin_trap();
  auto reimported = (*store)->ImportItems(again.items, "fuzzer", true);
  if (!reimported.ok() || reimported->unchanged != static_cast<std::int64_t>(expected.size())) {
    __builtin_trap();
  }
  return 0;
}
