// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Banks of known content and the signals in them: the data model shared by
// the store, the matcher, the exchange formats and the faces. No SQL here:
// the SQL lives behind BankStore (store.h).
//
// A bank is a named collection of signals (a PDQ hash, an MD5 or SHA-256 of
// the bytes, a text near-duplicate signature, a URL), each with labels: the
// organisation it belongs to, behaviours (glorification, recruitment,
// instruction, imminent_threat, ...) and free tags. A *suppression* bank
// holds known false positives: a match in it cancels matches elsewhere.
//
// Thread safety: value types.

#ifndef MODERATO_STORE_BANKS_H_
#define MODERATO_STORE_BANKS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moderato {

enum class SignalType : uint8_t {
  kPdq = 0,     // 64 lowercase hex digits (Hash256)
  kMd5 = 1,     // 32 lowercase hex digits of the file's bytes
  kSha256 = 2,  // 64 lowercase hex digits of the file's bytes
  kText = 3,    // text near-duplicate signature (hash/text_signature.h)
  kUrl = 4,     // canonical URL (hash/url.h)
};
inline constexpr int kSignalTypeCount = 5;

// "pdq", "md5", "sha256", "text", "url": the names used in every file format
// and on the command line.
std::string_view SignalTypeName(SignalType type);
// Accepts the names above, case-insensitively, plus common aliases from other
// exchanges ("photo_pdq", "video_md5", "sha-256", "uri", "text_signature").
std::optional<SignalType> ParseSignalType(std::string_view name);

// Behaviour labels with a documented meaning (docs/banks.md). Free tags are
// separate; behaviours outside this list are rejected on input so that
// filters and reports stay consistent.
inline constexpr std::string_view kBehaviours[] = {"glorification",   "recruitment", "instruction",
                                                   "imminent_threat", "incitement",  "propaganda",
                                                   "financing",       "threat"};
bool IsKnownBehaviour(std::string_view behaviour);

struct Bank {
  int64_t id = 0;    // assigned by the store
  std::string name;  // unique; [A-Za-z0-9_.-]{1,64}
  std::string description;
  bool enabled = true;
  bool suppression = false;  // matches here cancel matches in other banks
  int pdq_threshold = 31;    // inclusive Hamming radius, 0..63
  int pdq_quality_min = 50;  // signals and queries below this quality are ignored
  int64_t created_at = 0;    // Unix seconds, set by the store
  // "" = global (visible to every organisation), else the owning organisation.
  std::string owner;
};

// Checks the name charset and the ranges above; the message names the field.
// Returns an empty string when valid.
std::string ValidateBank(const Bank& bank);

struct SignalLabels {
  std::string organisation;             // e.g. a UN-listed group's name; may be empty
  std::vector<std::string> behaviours;  // from kBehaviours
  std::vector<std::string> tags;        // free tags
  friend bool operator==(const SignalLabels&, const SignalLabels&) = default;
};

struct Signal {
  int64_t id = 0;    // assigned by the store; unique across banks
  std::string bank;  // bank name
  SignalType type = SignalType::kPdq;
  std::string value;  // canonical text form for `type` (see SignalType)
  SignalLabels labels;
  std::string source;       // where it came from: "tat", "gifct", "manual", a file name
  std::string external_id;  // the id in the source list, if any
  int quality = -1;         // PDQ quality when known, else -1
  int64_t added_at = 0;     // Unix seconds; the store sets it when 0
  bool enabled = true;
  friend bool operator==(const Signal&, const Signal&) = default;
};

}  // namespace moderato

#endif  // MODERATO_STORE_BANKS_H_
