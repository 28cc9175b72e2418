// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Decoders for request bodies, each with a budget: JSON objects, base64
// payloads (images sent inline) and multipart/form-data uploads.
//
// Every function is linear in its input, never recurses on input structure
// beyond the configured JSON depth, and returns kInvalidArgument for
// malformed input and kResourceExhausted for input over budget.
//
// Thread safety: pure functions.
//
// Example:
//   MODERATO_ASSIGN_OR_RETURN(nlohmann::json body, ParseJsonBody(req.body, {}));
//   MODERATO_ASSIGN_OR_RETURN(std::string image,
//                             DecodeBase64(body["image"].get<std::string>(), 8 << 20));

#ifndef MODERATO_SERVER_DECODE_H_
#define MODERATO_SERVER_DECODE_H_

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "moderato/result.h"

namespace moderato::server {

struct JsonLimits {
  // Larger bodies fail with kResourceExhausted.
  std::size_t max_bytes = 1 << 20;
  // Deeper nesting of arrays and objects fails with kInvalidArgument; the
  // check runs before parsing, so deep input cannot exhaust the stack.
  int max_depth = 32;
  // Longer strings (values or keys, in decoded bytes) fail with
  // kInvalidArgument. 0: no limit beyond max_bytes.
  std::size_t max_string_bytes = 0;
};

// Returns the JSON object in `body`. Fails with kResourceExhausted if the
// body is larger than limits.max_bytes; with kInvalidArgument if it is empty,
// not valid UTF-8 ("body is not valid UTF-8"), nested deeper than
// limits.max_depth, not valid JSON, holds a string longer than
// limits.max_string_bytes, or its top level is not an object.
Result<nlohmann::json> ParseJsonBody(std::string_view body, const JsonLimits& limits);

// Returns the bytes encoded in `text`, base64 in the standard (+/) or
// URL-safe (-_) alphabet; padding is optional but, when present, must be
// complete. Fails with kInvalidArgument on any other character (including
// whitespace), a misplaced '=', an impossible length or non-zero trailing
// bits; with kResourceExhausted, before decoding, if the result would exceed
// `max_decoded_bytes`.
Result<std::string> DecodeBase64(std::string_view text, std::size_t max_decoded_bytes);

// One part of a multipart/form-data body. `data` points into the body passed
// to ParseMultipart(): it is valid as long as that body is.
struct MultipartPart {
  std::string name;          // Content-Disposition name (required)
  std::string filename;      // Content-Disposition filename, or ""
  std::string content_type;  // Content-Type; "text/plain" when absent (RFC 7578 4.4)
  std::string_view data;
};

// Each part's header block may hold at most this many bytes.
inline constexpr std::size_t kMaxMultipartHeaderBytes = 8 << 10;

// Returns the parts of a multipart/form-data body (RFC 7578, RFC 2046 5.1)
// in order. `content_type_header` is the request's Content-Type, with a
// quoted or unquoted boundary parameter. A preamble and an epilogue are
// ignored. Fails with kInvalidArgument if the content type is not
// multipart/form-data with a valid boundary, if a part lacks a form-data
// Content-Disposition with a name, if header lines are malformed, or if the
// body is truncated; with kResourceExhausted if there are more than
// `max_parts` parts or a part's headers exceed kMaxMultipartHeaderBytes.
Result<std::vector<MultipartPart>> ParseMultipart(std::string_view content_type_header,
                                                  std::string_view body,
                                                  std::size_t max_parts = 32);

}  // namespace moderato::server

#endif  // MODERATO_SERVER_DECODE_H_
