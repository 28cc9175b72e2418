// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/hash/digest.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace moderato {
namespace {

struct KnownDigest {
  std::string input;
  const char* md5;
  const char* sha256;
};

// RFC 1321 appendix A.5 and FIPS 180-2 appendix B test strings.
const KnownDigest kKnown[] = {
    {"", "d41d8cd98f00b204e9800998ecf8427e",
     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    {"a", "0cc175b9c0f1b6a831c399e269772661",
     "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"},
    {"abc", "900150983cd24fb0d6963f7d28e17f72",
     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {"message digest", "f96b697d7cb7938d525a2f31aaf161d0",
     "f7846f55cf23e14eebeab5b4e1550cad5b509e3348fbc4efa3a1413d393cb650"},
    {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "8215ef0796a20bcaaae116d3876c664a",
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    {std::string(1000000, 'a'), "7707d6ae4e027c70eea2a935c2296f21",
     "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
};

class TempFile {
 public:
  explicit TempFile(const std::string& contents) {
    path_ =
        (std::filesystem::temp_directory_path() /
         ("moderato_digest_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++)))
            .string();
    std::ofstream out(path_, std::ios::binary);
    out << contents;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  std::string path_;
};

TEST(DigestTest, KnownMd5AndSha256Vectors) {
  for (const KnownDigest& k : kKnown) {
    SCOPED_TRACE(k.input.substr(0, 20));
    EXPECT_EQ(Md5Hex(k.input).value(), k.md5);
    EXPECT_EQ(Sha256Hex(k.input).value(), k.sha256);
    FileDigests d = DigestBytes(k.input).value();
    EXPECT_EQ(d.md5_hex, k.md5);
    EXPECT_EQ(d.sha256_hex, k.sha256);
    EXPECT_EQ(d.bytes, k.input.size());
  }
}

TEST(DigestTest, ByteSpanOverloadAgreesWithStringView) {
  const std::string s = "abc";
  std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(s.data()), s.size());
  EXPECT_EQ(Md5Hex(bytes).value(), Md5Hex(s).value());
  EXPECT_EQ(Sha256Hex(bytes).value(), Sha256Hex(s).value());
}

TEST(DigestTest, StreamingInPiecesEqualsOneShot) {
  const std::string text = "The quick brown fox jumps over the lazy dog, repeatedly. ";
  std::string whole;
  Digester d = Digester::Create().value();
  for (int i = 0; i < 500; ++i) {
    ASSERT_TRUE(d.Update(text.substr(0, static_cast<std::size_t>(i) % text.size())).ok());
    whole += text.substr(0, static_cast<std::size_t>(i) % text.size());
  }
  FileDigests streamed = d.Finish().value();
  EXPECT_EQ(streamed, DigestBytes(whole).value());
}

TEST(DigestTest, DigesterRefusesUseAfterFinish) {
  Digester d = Digester::Create().value();
  ASSERT_TRUE(d.Finish().ok());
  EXPECT_EQ(d.Update("x").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(d.Finish().status().code(), StatusCode::kFailedPrecondition);
}

TEST(DigestTest, FileDigestsMatchBytesAcrossChunks) {
  const std::string contents = kKnown[5].input + "tail";  // > 64 KiB: several chunks
  TempFile f(contents);
  FileDigests d = DigestFile(f.path()).value();
  EXPECT_EQ(d, DigestBytes(contents).value());
  EXPECT_EQ(d.bytes, contents.size());
}

TEST(DigestTest, FileOfExactlyBudgetPassesAndOneMoreByteFails) {
  TempFile f(std::string(100000, 'z'));
  EXPECT_TRUE(DigestFile(f.path(), 100000).ok());
  Result<FileDigests> over = DigestFile(f.path(), 99999);
  EXPECT_EQ(over.status().code(), StatusCode::kResourceExhausted);
}

TEST(DigestTest, EmptyFileHasEmptyDigests) {
  TempFile f("");
  FileDigests d = DigestFile(f.path(), 0).value();
  EXPECT_EQ(d.md5_hex, kKnown[0].md5);
  EXPECT_EQ(d.sha256_hex, kKnown[0].sha256);
  EXPECT_EQ(d.bytes, 0u);
}

TEST(DigestTest, MissingFileIsNotFoundAndDirectoryIsUnavailable) {
  EXPECT_EQ(DigestFile("/nonexistent/moderato/file").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(DigestFile(std::filesystem::temp_directory_path().string()).status().code(),
            StatusCode::kUnavailable);
}

TEST(DigestHexTest, NormalisesCaseAndTrimsWhitespace) {
  EXPECT_EQ(NormalizeMd5Hex("900150983CD24FB0D6963F7D28E17F72").value(),
            "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(NormalizeMd5Hex(" 900150983cd24fb0d6963f7d28e17f72\r\n").value(),
            "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(NormalizeSha256Hex("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD")
                .value(),
            kKnown[2].sha256);
}

TEST(DigestHexTest, RejectsWrongLengthWithTheLength) {
  Result<std::string> r = NormalizeMd5Hex("abc");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("32"), std::string::npos);
  EXPECT_NE(r.status().message().find("got 3"), std::string::npos);
  EXPECT_FALSE(NormalizeMd5Hex("").ok());
  EXPECT_FALSE(NormalizeSha256Hex(kKnown[2].md5).ok());  // an MD5 is not a SHA-256
  EXPECT_FALSE(NormalizeMd5Hex(kKnown[2].sha256).ok());  // and vice versa
}

TEST(DigestHexTest, RejectsNonHexWithTheOffset) {
  Result<std::string> r = NormalizeMd5Hex("900150983cd24fb0d6963f7d28e17g72");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("offset 29"), std::string::npos);
  EXPECT_FALSE(NormalizeMd5Hex("0x0150983cd24fb0d6963f7d28e17f72").ok());
  EXPECT_FALSE(NormalizeMd5Hex("900150983cd24fb0 6963f7d28e17f72").ok());
  EXPECT_FALSE(NormalizeMd5Hex(std::string("900150983cd24fb0\0d6963f7d28e17f7", 32)).ok());
}

}  // namespace
}  // namespace moderato
