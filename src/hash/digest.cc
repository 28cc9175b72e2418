// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/hash/digest.h"

#include <openssl/evp.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace moderato {
namespace {

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

std::string ToLowerHex(const unsigned char* data, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(2 * n, '\0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 15];
  }
  return out;
}

Result<MdCtx> NewContext(const EVP_MD* md, const char* name) {
  if (md == nullptr) return InternalError(std::string("OpenSSL does not provide ") + name);
  MdCtx ctx(EVP_MD_CTX_new());
  if (ctx == nullptr || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1) {
    return InternalError(std::string("OpenSSL cannot initialise ") + name);
  }
  return ctx;
}

Result<std::string> FinalHex(EVP_MD_CTX* ctx, const char* name) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_DigestFinal_ex(ctx, out, &n) != 1) {
    return InternalError(std::string("OpenSSL failed to finish ") + name);
  }
  return ToLowerHex(out, n);
}

Result<std::string> OneShot(const EVP_MD* md, const char* name, std::string_view data) {
  MODERATO_ASSIGN_OR_RETURN(MdCtx ctx, NewContext(md, name));
  if (EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1) {
    return InternalError(std::string("OpenSSL failed to update ") + name);
  }
  return FinalHex(ctx.get(), name);
}

std::string_view AsChars(std::span<const std::byte> data) {
  return {reinterpret_cast<const char*>(data.data()), data.size()};
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> NormalizeHex(std::string_view text, std::size_t want, const char* name) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  if (text.size() != want) {
    return InvalidArgumentError(std::string(name) + " hex must have exactly " +
                                std::to_string(want) + " hex digits, got " +
                                std::to_string(text.size()) + " characters");
  }
  std::string out(text);
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (HexValue(out[i]) < 0) {
      return InvalidArgumentError(std::string(name) + " hex has a non-hex character at offset " +
                                  std::to_string(i));
    }
    if (out[i] >= 'A' && out[i] <= 'F') out[i] = static_cast<char>(out[i] - 'A' + 'a');
  }
  return out;
}

}  // namespace

struct Digester::Impl {
  MdCtx md5;
  MdCtx sha256;
  std::uint64_t bytes = 0;
  bool finished = false;
};

Result<std::string> Md5Hex(std::string_view data) { return OneShot(EVP_md5(), "MD5", data); }
Result<std::string> Md5Hex(std::span<const std::byte> data) { return Md5Hex(AsChars(data)); }
Result<std::string> Sha256Hex(std::string_view data) {
  return OneShot(EVP_sha256(), "SHA-256", data);
}
Result<std::string> Sha256Hex(std::span<const std::byte> data) { return Sha256Hex(AsChars(data)); }

Digester::Digester(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Digester::~Digester() = default;
Digester::Digester(Digester&& other) noexcept = default;
Digester& Digester::operator=(Digester&& other) noexcept = default;

Result<Digester> Digester::Create() {
  auto impl = std::make_unique<Impl>();
  MODERATO_ASSIGN_OR_RETURN(impl->md5, NewContext(EVP_md5(), "MD5"));
  MODERATO_ASSIGN_OR_RETURN(impl->sha256, NewContext(EVP_sha256(), "SHA-256"));
  return Digester(std::move(impl));
}

Status Digester::Update(std::string_view chunk) {
  if (impl_ == nullptr || impl_->finished) {
    return FailedPreconditionError("Digester::Update after Finish");
  }
  if (EVP_DigestUpdate(impl_->md5.get(), chunk.data(), chunk.size()) != 1 ||
      EVP_DigestUpdate(impl_->sha256.get(), chunk.data(), chunk.size()) != 1) {
    return InternalError("OpenSSL failed to update a digest");
  }
  impl_->bytes += chunk.size();
  return OkStatus();
}

Result<FileDigests> Digester::Finish() {
  if (impl_ == nullptr || impl_->finished) {
    return FailedPreconditionError("Digester::Finish called twice");
  }
  impl_->finished = true;
  FileDigests d;
  MODERATO_ASSIGN_OR_RETURN(d.md5_hex, FinalHex(impl_->md5.get(), "MD5"));
  MODERATO_ASSIGN_OR_RETURN(d.sha256_hex, FinalHex(impl_->sha256.get(), "SHA-256"));
  d.bytes = impl_->bytes;
  return d;
}

Result<FileDigests> DigestBytes(std::string_view data) {
  MODERATO_ASSIGN_OR_RETURN(Digester digester, Digester::Create());
  MODERATO_RETURN_IF_ERROR(digester.Update(data));
  return digester.Finish();
}

Result<FileDigests> DigestFile(const std::string& path, std::uint64_t max_bytes) {
  errno = 0;
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (file == nullptr) {
    const int err = errno;
    std::string message = "cannot open " + path + ": " + std::strerror(err);
    if (err == ENOENT) return NotFoundError(std::move(message));
    return UnavailableError(std::move(message));
  }
  MODERATO_ASSIGN_OR_RETURN(Digester digester, Digester::Create());
  std::vector<char> buffer(std::size_t{64} << 10);
  std::uint64_t total = 0;
  for (;;) {
    const std::size_t n = std::fread(buffer.data(), 1, buffer.size(), file.get());
    if (n > 0) {
      total += n;
      if (total > max_bytes) {
        return ResourceExhaustedError(path + " is larger than the digest budget of " +
                                      std::to_string(max_bytes) + " bytes");
      }
      MODERATO_RETURN_IF_ERROR(digester.Update(std::string_view(buffer.data(), n)));
    }
    if (n < buffer.size()) {
      // fread on a directory fails with EISDIR on Linux; treat any error as I/O.
      if (std::ferror(file.get())) {
        return UnavailableError("error reading " + path + ": " + std::strerror(errno));
      }
      break;
    }
  }
  return digester.Finish();
}

Result<std::string> NormalizeMd5Hex(std::string_view text) {
  return NormalizeHex(text, kMd5HexLength, "MD5");
}

Result<std::string> NormalizeSha256Hex(std::string_view text) {
  return NormalizeHex(text, kSha256HexLength, "SHA-256");
}

}  // namespace moderato
