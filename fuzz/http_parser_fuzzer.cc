// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzzes the request parsing of `moderato serve`: the bytes are one HTTP/1.1
// request fed to the Beast parser configured exactly as the server
// configures it (header and per-route body limits), then routed. The answer
// must be one the server can give, and a larger header budget must never
// turn an accepted request into a 431.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "server/http.h"

namespace {

const moderato::server::Router& TestRouter() {
  static const moderato::server::Router* router = [] {
    static moderato::server::Router r;
    moderato::server::Handler h = [](moderato::server::HttpRequest&) {
      return moderato::server::HttpResponse();
    };
    r.Add("GET", "/v1/cases/{id}", "cases.get", h);
    r.Add("POST", "/v1/scan", "scan", h, {.max_body_bytes = 64});
    r.Add("POST", "/v1/cases/{id}/claim", "cases.claim", h);
    return &r;
  }();
  return *router;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  moderato::server::HttpServerOptions small;
  small.max_header_bytes = 512;
  small.max_body_bytes = 256;
  const int status = moderato::server::internal::ParseRequestStatus(input, small, TestRouter());
  switch (status) {
    case 0:
    case 200:
    case 400:
    case 404:
    case 405:
    case 413:
    case 431:
      break;
    default:
      std::fprintf(stderr, "http_parser_fuzzer: unexpected status %d\n", status);
      std::abort();
  }
  moderato::server::HttpServerOptions large = small;
  large.max_header_bytes = 64 << 10;
  const int relaxed = moderato::server::internal::ParseRequestStatus(input, large, TestRouter());
  if (status != 431 && relaxed == 431) {
    std::fprintf(stderr, "http_parser_fuzzer: a larger header budget produced 431\n");
    std::abort();
  }
  if (status != 431 && status != relaxed) {
    std::fprintf(stderr, "http_parser_fuzzer: header budget changed %d to %d\n", status, relaxed);
    std::abort();
  }
  return 0;
}
