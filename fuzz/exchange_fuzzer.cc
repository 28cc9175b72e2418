// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Feeds arbitrary bytes to every hash-list import format. The first byte
// picks the format (0: auto-detect, then pytx, hma-json, tat, stopncii, csv);
// the rest is the input. Errors are fine; crashes, hangs, budget overruns,
// non-canonical values in a batch, and batches whose export does not import
// back to the same signals are not.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "moderato/exchange/formats.h"

namespace {

constexpr std::optional<moderato::ExchangeFormat> kFormats[] = {
    std::nullopt,
    moderato::ExchangeFormat::kPytx,
    moderato::ExchangeFormat::kHmaJson,
    moderato::ExchangeFormat::kTat,
    moderato::ExchangeFormat::kStopNcii,
    moderato::ExchangeFormat::kCsv,
};

// The fields `format` carries through an export and a re-import.
moderato::Signal Carried(moderato::Signal s, moderato::ExchangeFormat format) {
  s.id = 0;
  s.bank.clear();
  if (format == moderato::ExchangeFormat::kPytx) {
    moderato::Signal bare;
    bare.type = s.type;
    bare.value = s.value;
    return bare;
  }
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::optional<moderato::ExchangeFormat> format =
      kFormats[data[0] % (sizeof kFormats / sizeof kFormats[0])];
  std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  moderato::ImportOptions options;
  options.max_bytes = 64 * 1024;
  options.max_record_bytes = 2048;
  options.max_json_depth = 16;
  options.max_records = 2000;
  options.max_errors = 16;
  options.default_type =
      (data[0] & 0x80) ? std::optional(moderato::SignalType::kMd5) : std::nullopt;
  moderato::Result<moderato::ImportBatch> batch =
      moderato::ImportSignalsFromBytes(bytes, format, options);
  if (!batch.ok()) return 0;
  if (batch->errors.size() > options.max_errors) __builtin_trap();
  if (batch->records > options.max_records) __builtin_trap();
  for (const moderato::Signal& s : batch->add) {
    auto canonical = moderato::CanonicalSignalValue(s.type, s.value);
    if (!canonical.ok() || *canonical != s.value) __builtin_trap();
  }
  for (const auto& [type, value] : batch->remove) {
    auto canonical = moderato::CanonicalSignalValue(type, value);
    if (!canonical.ok() || *canonical != value) __builtin_trap();
  }
  if (!batch->ok()) return 0;

  // Round trip in the same format: the re-import must give the same signals.
  std::ostringstream out;
  moderato::ExportOptions export_options;
  export_options.bank = batch->bank;
  auto exported = moderato::ExportSignals(batch->add, batch->format, out, export_options);
  if (!exported.ok() || exported->skipped != 0) __builtin_trap();
  moderato::ImportOptions reimport;
  reimport.max_json_depth = 16;
  reimport.source = options.source;
  auto again = moderato::ImportSignalsFromBytes(out.str(), batch->format, reimport);
  if (!again.ok() || !again->ok() || again->add.size() != batch->add.size()) __builtin_trap();
  for (std::size_t i = 0; i < batch->add.size(); ++i) {
    if (Carried(again->add[i], batch->format) != Carried(batch->add[i], batch->format)) {
      __builtin_trap();
    }
  }
  return 0;
}
