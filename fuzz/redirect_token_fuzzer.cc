// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzzes the click-token parser of the redirect beacon (server/redirect_token.h),
// which reads untrusted query strings from end users' browsers. Properties:
//   * ParseClickToken accepts only tokens within kMaxClickTokenBytes;
//   * an accepted token re-signs to a token that parses to the same fields
//     and verifies with the same secret;
//   * VerifyClickToken never accepts the input with a wrong secret, and
//     accepts nothing ParseClickToken rejects.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "server/redirect_token.h"

namespace {

void Fail(const char* what, std::string_view input) {
  std::fprintf(stderr, "redirect_token_fuzzer: %s\ninput: ", what);
  std::fwrite(input.data(), 1, input.size(), stderr);
  std::fputc('\n', stderr);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace moderato::server;  // NOLINT: a fuzzer, not a header
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string secret = "fuzz-secret";
  moderato::Result<ClickToken> parsed = ParseClickToken(input);
  moderato::Result<ClickToken> verified = VerifyClickToken(input, "other", 20'000, 7);
  if (verified.ok()) Fail("verified with a secret that did not sign it", input);
  if (!parsed.ok()) {
    if (VerifyClickToken(input, secret, 20'000, 1'000'000).ok()) {
      Fail("verified a token the parser rejects", input);
    }
    return 0;
  }
  if (input.size() > kMaxClickTokenBytes) Fail("accepted an over-long token", input);
  const std::string again = SignClickToken(*parsed, secret);
  moderato::Result<ClickToken> back = ParseClickToken(again);
  if (!back.ok() || *back != *parsed) Fail("re-signed token does not parse back", input);
  moderato::Result<ClickToken> ok = VerifyClickToken(again, secret, parsed->day, 0);
  if (!ok.ok() || *ok != *parsed) Fail("re-signed token does not verify", input);
  return 0;
}
