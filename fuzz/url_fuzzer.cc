// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzzes CanonicalizeUrl() and CanonicalizeHost(): no crash, and the
// invariants of url.h: the canonical URL is printable ASCII starting with
// "https://", it is a fixed point (canonicalising it again gives it back,
// with the same host), it is bounded (3x the input + 16), and the host field
// is exactly the canonical host of the host part.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "moderato/hash/url.h"

namespace {

void Fail(const char* what, std::string_view input, std::string_view got) {
  std::fprintf(stderr, "url_fuzzer: %s\ninput: ", what);
  std::fwrite(input.data(), 1, input.size(), stderr);
  std::fprintf(stderr, "\ngot: ");
  std::fwrite(got.data(), 1, got.size(), stderr);
  std::fputc('\n', stderr);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  moderato::Result<moderato::CanonicalUrl> c = moderato::CanonicalizeUrl(input);
  moderato::CanonicalizeHost(input).status().IgnoreError();
  if (!c.ok()) return 0;
  const std::string& url = c->url;
  if (!url.starts_with("https://")) Fail("no https:// prefix", input, url);
  if (url.size() > 3 * input.size() + 16) Fail("output too long", input, url);
  for (char ch : url) {
    if (ch <= 0x20 || ch >= 0x7F) Fail("non-printable or non-ASCII output", input, url);
  }
  moderato::Result<moderato::CanonicalUrl> again = moderato::CanonicalizeUrl(url);
  if (url.size() <= moderato::UrlOptions{}.max_input_bytes) {
    if (!again.ok()) Fail(again.status().ToString().c_str(), input, url);
    if (again->url != url) Fail("not idempotent", input, again->url);
    if (again->host != c->host) Fail("host not idempotent", input, again->host);
  }
  moderato::Result<std::string> host = moderato::CanonicalizeHost(c->full_host);
  if (!host.ok() || *host != c->host) Fail("CanonicalizeHost(full_host) != host", input, c->host);
  return 0;
}
