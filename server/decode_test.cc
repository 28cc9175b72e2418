// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "server/decode.h"

#include <random>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace moderato::server {
namespace {

using ::testing::HasSubstr;

TEST(ParseJsonBodyTest, ParsesAnObject) {
  Result<nlohmann::json> v = ParseJsonBody(R"({"text": "hi", "n": [1, 2]})", {});
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ((*v)["text"], "hi");
  EXPECT_EQ((*v)["n"].size(), 2u);
}

TEST(ParseJsonBodyTest, RejectsEmptyAndNonObjectBodies) {
  for (std::string_view body : {"", "  \r\n", "[1]", "\"x\"", "3", "null"}) {
    Result<nlohmann::json> v = ParseJsonBody(body, {});
    ASSERT_FALSE(v.ok()) << body;
    EXPECT_EQ(v.status().code(), StatusCode::kInvalidArgument) << body;
  }
}

TEST(ParseJsonBodyTest, RejectsInvalidUtf8) {
  Result<nlohmann::json> v = ParseJsonBody("{\"a\": \"\xC3\x28\"}", {});
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(v.status().message(), "body is not valid UTF-8");
}

TEST(ParseJsonBodyTest, RejectsDeepNestingBeforeParsing) {
  // Far deeper than any stack could survive if parsed recursively.
  std::string deep = "{\"a\":" + std::string(1'000'000, '[');
  Result<nlohmann::json> v = ParseJsonBody(deep, {.max_bytes = 2 << 20});
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(v.status().message(), HasSubstr("max_depth (32)"));

  std::string ok = "{\"a\":" + std::string(30, '[') + std::string(30, ']') + "}";
  EXPECT_TRUE(ParseJsonBody(ok, {}).ok());
}

TEST(ParseJsonBodyTest, EnforcesByteAndStringBudgets) {
  Result<nlohmann::json> big = ParseJsonBody(R"({"a": "0123456789"})", {.max_bytes = 10});
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.status().code(), StatusCode::kResourceExhausted);

  JsonLimits limits;
  limits.max_string_bytes = 4;
  EXPECT_TRUE(ParseJsonBody(R"({"ab": ["abcd"]})", limits).ok());
  EXPECT_FALSE(ParseJsonBody(R"({"ab": ["abcde"]})", limits).ok());
  EXPECT_FALSE(ParseJsonBody(R"({"abcde": 1})", limits).ok());
}

TEST(ParseJsonBodyTest, RejectsMalformedJson) {
  for (std::string_view body : {"{", "{\"a\":}", "{\"a\":1,}", "{} {}", "{\"a\":\"\\ud800\"}"}) {
    Result<nlohmann::json> v = ParseJsonBody(body, {});
    ASSERT_FALSE(v.ok()) << body;
    EXPECT_EQ(v.status().code(), StatusCode::kInvalidArgument) << body;
  }
}

TEST(DecodeBase64Test, DecodesBothAlphabetsWithOrWithoutPadding) {
  EXPECT_EQ(*DecodeBase64("", 10), "");
  EXPECT_EQ(*DecodeBase64("Zm9vYmFy", 10), "foobar");
  EXPECT_EQ(*DecodeBase64("Zm9vYg==", 10), "foob");
  EXPECT_EQ(*DecodeBase64("Zm9vYg", 10), "foob");
  EXPECT_EQ(*DecodeBase64("Zm9vYmE=", 10), "fooba");
  EXPECT_EQ(*DecodeBase64("Zm9vYmE", 10), "fooba");
  EXPECT_EQ(*DecodeBase64("-_-_", 10), "\xFB\xFF\xBF");
  EXPECT_EQ(*DecodeBase64("+/+/", 10), "\xFB\xFF\xBF");
}

TEST(DecodeBase64Test, RejectsMalformedInput) {
  for (std::string_view text : {"Zm9v YmFy", "Zm9vYmFy\n", "Zm9=vYmFy", "Zm9vY===", "Zm9vY",
                                "Zm9vYg=", "Zm9vYh==", "Zm9*"}) {
    Result<std::string> r = DecodeBase64(text, 100);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << text;
  }
}

TEST(DecodeBase64Test, ChecksTheBudgetBeforeDecoding) {
  // The characters are invalid too, but the size check comes first.
  Result<std::string> r = DecodeBase64(std::string(4000, '*'), 100);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(DecodeBase64("Zm9vYmFy", 6).ok());
  EXPECT_FALSE(DecodeBase64("Zm9vYmFy", 5).ok());
}

// Round trip against a straightforward encoder.
TEST(DecodeBase64Test, InvertsAnEncoder) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    std::string bytes(rng() % 40, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    std::string encoded;
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
      unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
      if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
      if (i + 2 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 2]);
      const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
      for (std::size_t k = 0; k < 4; ++k) {
        encoded.push_back(k <= n ? kAlphabet[(v >> (18 - 6 * k)) & 63] : '=');
      }
    }
    Result<std::string> decoded = DecodeBase64(encoded, bytes.size());
    ASSERT_TRUE(decoded.ok()) << encoded << " " << decoded.status();
    EXPECT_EQ(*decoded, bytes);
  }
}

constexpr std::string_view kMultipartBody =
    "preamble\r\n"
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"text\"\r\n"
    "\r\n"
    "hello\r\n"
    "--XyZ\r\n"
    "content-disposition: form-data; name=\"image\"; filename=\"a \\\"b\\\".png\"\r\n"
    "Content-Type: image/png\r\n"
    "\r\n"
    "\x89PNG\r\n--X\r\n"
    "--XyZ--\r\n"
    "epilogue";

TEST(ParseMultipartTest, ParsesPartsWithQuotedOrBareBoundary) {
  for (std::string_view ct : {"multipart/form-data; boundary=XyZ",
                              "Multipart/Form-Data; charset=utf-8; boundary=\"XyZ\""}) {
    Result<std::vector<MultipartPart>> parts = ParseMultipart(ct, kMultipartBody);
    ASSERT_TRUE(parts.ok()) << parts.status();
    ASSERT_EQ(parts->size(), 2u);
    EXPECT_EQ((*parts)[0].name, "text");
    EXPECT_EQ((*parts)[0].filename, "");
    EXPECT_EQ((*parts)[0].content_type, "text/plain");
    EXPECT_EQ((*parts)[0].data, "hello");
    EXPECT_EQ((*parts)[1].name, "image");
    EXPECT_EQ((*parts)[1].filename, "a \"b\".png");
    EXPECT_EQ((*parts)[1].content_type, "image/png");
    EXPECT_EQ((*parts)[1].data, "\x89PNG\r\n--X");
  }
}

TEST(ParseMultipartTest, RejectsBadContentTypesAndBodies) {
  const std::string_view ct = "multipart/form-data; boundary=b";
  struct Case {
    std::string_view content_type, body;
  };
  for (const Case& c : {
           Case{"application/json", "--b--"},
           Case{"multipart/form-data", "--b--"},
           Case{"multipart/form-data; boundary=\"unterminated", "--b--"},
           Case{ct, "no boundary at all"},
           Case{ct, "--b\r\nContent-Disposition: form-data; name=a\r\n\r\ntruncated"},
           Case{ct, "--b\r\nContent-Disposition: attachment; name=a\r\n\r\nx\r\n--b--"},
           Case{ct, "--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--"},
           Case{ct, "--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--"},
           Case{ct, "--b\r\nno colon here\r\n\r\nx\r\n--b--"},
           Case{ct, "--bjunk\r\n"},
       }) {
    Result<std::vector<MultipartPart>> parts = ParseMultipart(c.content_type, c.body);
    ASSERT_FALSE(parts.ok()) << c.content_type << " | " << c.body;
    EXPECT_EQ(parts.status().code(), StatusCode::kInvalidArgument) << c.body;
  }
}

TEST(ParseMultipartTest, EnforcesPartAndHeaderBudgets) {
  std::string body;
  for (int i = 0; i < 3; ++i) body += "--b\r\nContent-Disposition: form-data; name=p\r\n\r\nx\r\n";
  body += "--b--";
  EXPECT_TRUE(ParseMultipart("multipart/form-data; boundary=b", body, 3).ok());
  Result<std::vector<MultipartPart>> parts =
      ParseMultipart("multipart/form-data; boundary=b", body, 2);
  ASSERT_FALSE(parts.ok());
  EXPECT_EQ(parts.status().code(), StatusCode::kResourceExhausted);

  std::string fat = "--b\r\nContent-Disposition: form-data; name=p\r\nX-Pad: " +
                    std::string(kMaxMultipartHeaderBytes, 'a') + "\r\n\r\nx\r\n--b--";
  parts = ParseMultipart("multipart/form-data; boundary=b", fat);
  ASSERT_FALSE(parts.ok());
  EXPECT_EQ(parts.status().code(), StatusCode::kResourceExhausted);
}

TEST(ParseMultipartTest, AcceptsAnEmptyForm) {
  Result<std::vector<MultipartPart>> parts =
      ParseMultipart("multipart/form-data; boundary=b", "--b--\r\n");
  ASSERT_TRUE(parts.ok());
  EXPECT_TRUE(parts->empty());
}

}  // namespace
}  // namespace moderato::server
