// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzzes the request decoders of `moderato serve`. The first byte chooses the
// decoder; the rest is its input:
//   0: ParseJsonBody with small limits; an accepted body is an object whose
//      re-serialisation parses again to the same value.
//   1: DecodeBase64 with a budget; the output respects the budget and is
//      exactly 3/4 of the unpadded input length (rounded down).
//   2: ParseMultipart; the content type is derived from the input (its first
//      line is the boundary); every part's data lies inside the body, within
//      the part budget.
// Every input is also routed as a path through a small Router, which must
// return a route or a not-found/405 answer without crashing.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "server/decode.h"
#include "server/http.h"

namespace {

void Fail(const char* what, std::string_view input) {
  std::fprintf(stderr, "request_decode_fuzzer: %s\ninput: ", what);
  std::fwrite(input.data(), 1, input.size(), stderr);
  std::fputc('\n', stderr);
  std::abort();
}

const moderato::server::Router& TestRouter() {
  static const moderato::server::Router* router = [] {
    static moderato::server::Router r;
    moderato::server::Handler h = [](moderato::server::HttpRequest&) {
      return moderato::server::HttpResponse();
    };
    r.Add("GET", "/v1/cases/{id}", "cases.get", h);
    r.Add("GET", "/v1/cases/stats", "cases.stats", h);
    r.Add("POST", "/v1/cases/{id}/claim", "cases.claim", h);
    r.Add("GET", "/", "root", h);
    return &r;
  }();
  return *router;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace moderato::server;  // NOLINT: a fuzzer, not a header
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 3) {
    case 0: {
      JsonLimits limits{.max_bytes = 4096, .max_depth = 8, .max_string_bytes = 256};
      moderato::Result<nlohmann::json> v = ParseJsonBody(input, limits);
      if (v.ok()) {
        if (!v->is_object()) Fail("accepted a non-object", input);
        std::string again = v->dump();
        moderato::Result<nlohmann::json> w =
            ParseJsonBody(again, {.max_bytes = 1 << 20, .max_depth = 8});
        if (!w.ok() || *w != *v) Fail("re-serialised body does not round-trip", input);
      }
      break;
    }
    case 1: {
      constexpr std::size_t kBudget = 1024;
      moderato::Result<std::string> out = DecodeBase64(input, kBudget);
      if (out.ok()) {
        std::size_t digits = input.size();
        while (digits > 0 && input[digits - 1] == '=') --digits;
        if (out->size() > kBudget) Fail("base64 output over budget", input);
        if (out->size() != digits * 3 / 4) Fail("base64 output has the wrong length", input);
      }
      break;
    }
    default: {
      std::size_t eol = input.find('\n');
      std::string_view boundary = input.substr(0, eol == std::string_view::npos ? 0 : eol);
      std::string_view body = eol == std::string_view::npos ? input : input.substr(eol + 1);
      std::string content_type = "multipart/form-data; boundary=\"" + std::string(boundary) + "\"";
      moderato::Result<std::vector<MultipartPart>> parts = ParseMultipart(content_type, body, 8);
      if (parts.ok()) {
        if (parts->size() > 8) Fail("more parts than the budget", input);
        for (const MultipartPart& part : *parts) {
          if (part.data.data() < body.data() ||
              part.data.data() + part.data.size() > body.data() + body.size()) {
            Fail("part data outside the body", input);
          }
        }
      }
      break;
    }
  }
  const std::string_view path(reinterpret_cast<const char*>(data), size);
  for (std::string_view method : {"GET", "POST"}) {
    Router::Match m = TestRouter().Find(method, path);
    if (m.handler == nullptr && m.name != "not_found" && m.name != "method_not_allowed") {
      Fail("no handler but a route name", path);
    }
  }
  return 0;
}
