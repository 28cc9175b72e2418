// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "cli/media_signals.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "moderato/exchange/formats.h"
#include "moderato/hash/text_signature.h"
#include "moderato/hash/url.h"

namespace moderato::cli {
namespace {

constexpr uint64_t kMaxTextFileBytes = uint64_t{4} << 20;

Result<std::string> ReadTextArgument(const std::string& arg) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(arg, ec)) return arg;
  uint64_t size = std::filesystem::file_size(arg, ec);
  if (ec) return UnavailableError("cannot read " + arg + ": " + ec.message());
  if (size > kMaxTextFileBytes) {
    return ResourceExhaustedError(arg + " is larger than " + std::to_string(kMaxTextFileBytes) +
                                  " bytes");
  }
  std::ifstream in(arg, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::vector<Signal> SignalsFromMedia(const MediaHashes& hashes) {
  std::vector<Signal> signals;
  if (hashes.pdq) {
    Signal pdq;
    pdq.type = SignalType::kPdq;
    pdq.value = ToHex(hashes.pdq->hash);
    pdq.quality = hashes.pdq->quality;
    signals.push_back(std::move(pdq));
  }
  Signal md5;
  md5.type = SignalType::kMd5;
  md5.value = hashes.digests.md5_hex;
  signals.push_back(std::move(md5));
  Signal sha256;
  sha256.type = SignalType::kSha256;
  sha256.value = hashes.digests.sha256_hex;
  signals.push_back(std::move(sha256));
  return signals;
}

Result<std::vector<Signal>> SignalsFromArgument(const std::string& arg, const std::string& type,
                                                const ArgumentOptions& options) {
  if (type.empty()) {
    MediaHashOptions media;
    media.pdq.mode = options.fast ? HashMode::kFast : HashMode::kExact;
    MODERATO_ASSIGN_OR_RETURN(MediaHashes hashes, HashMediaFile(arg, media));
    return SignalsFromMedia(hashes);
  }
  std::optional<SignalType> signal_type = ParseSignalType(type);
  if (!signal_type) {
    return InvalidArgumentError("unknown signal type '" + type + "' (pdq, md5, sha256, url, text)");
  }
  Signal signal;
  signal.type = *signal_type;
  switch (*signal_type) {
    case SignalType::kUrl: {
      MODERATO_ASSIGN_OR_RETURN(CanonicalUrl url, CanonicalizeUrl(arg));
      signal.value = url.url;
      break;
    }
    case SignalType::kText: {
      MODERATO_ASSIGN_OR_RETURN(std::string text, ReadTextArgument(arg));
      MODERATO_ASSIGN_OR_RETURN(TextSignature sig, ComputeTextSignature(text));
      signal.value = FormatTextSignature(sig);
      break;
    }
    default: {
      MODERATO_ASSIGN_OR_RETURN(signal.value, CanonicalSignalValue(*signal_type, arg));
      break;
    }
  }
  return std::vector<Signal>{std::move(signal)};
}

}  // namespace moderato::cli
