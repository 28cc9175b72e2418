// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "match/index_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <bit>
#include <cerrno>
#include <cstring>
#include <string>
#include <type_traits>

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace moderato::internal {
namespace {

static_assert(std::endian::native == std::endian::little,
              "the index file is little-endian and read by copying words");
static_assert(sizeof(Hash256) == 32 && std::is_trivially_copyable_v<Hash256>);

constexpr std::size_t kEntryBytes = sizeof(std::uint64_t) + sizeof(Hash256);

struct Header {
  std::uint32_t version = 0;
  std::uint32_t header_bytes = 0;
  std::uint64_t count = 0;
  std::uint64_t ids_offset = 0;
  std::uint64_t hashes_offset = 0;
  std::uint64_t file_bytes = 0;
  std::uint64_t payload_checksum = 0;
  std::uint64_t header_checksum = 0;
};

template <typename T>
T LoadLe(const unsigned char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

template <typename T>
void StoreLe(unsigned char* p, T v) {
  std::memcpy(p, &v, sizeof(T));
}

std::array<unsigned char, kIndexHeaderBytes> EncodeHeader(const Header& h) {
  std::array<unsigned char, kIndexHeaderBytes> b{};
  std::memcpy(b.data(), kIndexMagic, 8);
  StoreLe(b.data() + 8, h.version);
  StoreLe(b.data() + 12, h.header_bytes);
  StoreLe(b.data() + 16, h.count);
  StoreLe(b.data() + 24, h.ids_offset);
  StoreLe(b.data() + 32, h.hashes_offset);
  StoreLe(b.data() + 40, h.file_bytes);
  StoreLe(b.data() + 48, h.payload_checksum);
  StoreLe(b.data() + 56, XXH3_64bits(b.data(), 56));
  return b;
}

// A random-access byte source: a file descriptor or a memory buffer.
class Source {
 public:
  virtual ~Source() = default;
  virtual std::uint64_t size() const = 0;
  // Reads exactly n bytes at offset (callers keep offset + n <= size()).
  virtual Status Read(std::uint64_t offset, void* dst, std::size_t n) const = 0;
};

class MemorySource : public Source {
 public:
  explicit MemorySource(std::string_view bytes) : bytes_(bytes) {}
  std::uint64_t size() const override { return bytes_.size(); }
  Status Read(std::uint64_t offset, void* dst, std::size_t n) const override {
    if (n > 0) std::memcpy(dst, bytes_.data() + offset, n);
    return OkStatus();
  }

 private:
  std::string_view bytes_;
};

std::string ErrnoText(int err) { return std::strerror(err); }

class FileSource : public Source {
 public:
  FileSource(int fd, std::uint64_t size, std::string path)
      : fd_(fd), size_(size), path_(std::move(path)) {}
  ~FileSource() override { ::close(fd_); }
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;
  std::uint64_t size() const override { return size_; }
  Status Read(std::uint64_t offset, void* dst, std::size_t n) const override {
    auto* p = static_cast<unsigned char*>(dst);
    while (n > 0) {
      const std::size_t chunk = std::min<std::size_t>(n, std::size_t{1} << 30);
      const ssize_t got = ::pread(fd_, p, chunk, static_cast<off_t>(offset));
      if (got < 0) {
        if (errno == EINTR) continue;
        return UnavailableError(path_ + ": read failed: " + ErrnoText(errno));
      }
      if (got == 0) return DataLossError(path_ + ": file shrank while being read");
      p += got;
      offset += static_cast<std::uint64_t>(got);
      n -= static_cast<std::size_t>(got);
    }
    return OkStatus();
  }

 private:
  int fd_;
  std::uint64_t size_;
  std::string path_;
};

Result<IndexFileContents> ReadFrom(const Source& src, bool verify_checksums,
                                   std::size_t max_entries) {
  const std::uint64_t size = src.size();
  if (size < kIndexHeaderBytes) {
    return DataLossError("index file truncated: " + std::to_string(size) +
                         " bytes, the header alone needs 64");
  }
  std::array<unsigned char, kIndexHeaderBytes> raw;
  MODERATO_RETURN_IF_ERROR(src.Read(0, raw.data(), raw.size()));
  if (std::memcmp(raw.data(), kIndexMagic, 8) != 0) {
    return DataLossError("not a Moderato Hamming index (bad magic)");
  }
  Header h;
  h.version = LoadLe<std::uint32_t>(raw.data() + 8);
  h.header_bytes = LoadLe<std::uint32_t>(raw.data() + 12);
  h.count = LoadLe<std::uint64_t>(raw.data() + 16);
  h.ids_offset = LoadLe<std::uint64_t>(raw.data() + 24);
  h.hashes_offset = LoadLe<std::uint64_t>(raw.data() + 32);
  h.file_bytes = LoadLe<std::uint64_t>(raw.data() + 40);
  h.payload_checksum = LoadLe<std::uint64_t>(raw.data() + 48);
  h.header_checksum = LoadLe<std::uint64_t>(raw.data() + 56);
  if (verify_checksums && XXH3_64bits(raw.data(), 56) != h.header_checksum) {
    return DataLossError("index header checksum mismatch");
  }
  if (h.version != kIndexFormatVersion) {
    return DataLossError("unsupported index format version " + std::to_string(h.version) +
                         " (this build reads version 1)");
  }
  if (h.header_bytes != kIndexHeaderBytes) {
    return DataLossError("bad header size " + std::to_string(h.header_bytes));
  }
  // The count is checked against the real file size before any allocation.
  const std::uint64_t max_count = (size - kIndexHeaderBytes) / kEntryBytes;
  if (h.count > max_count) {
    return DataLossError("index claims " + std::to_string(h.count) + " entries but the file (" +
                         std::to_string(size) + " bytes) holds at most " +
                         std::to_string(max_count));
  }
  if (h.count > max_entries) {
    return DataLossError("index holds " + std::to_string(h.count) +
                         " entries, above the limit of " + std::to_string(max_entries));
  }
  const std::uint64_t expected_size = kIndexHeaderBytes + h.count * kEntryBytes;
  if (h.ids_offset != kIndexHeaderBytes || h.hashes_offset != kIndexHeaderBytes + h.count * 8 ||
      h.file_bytes != expected_size) {
    return DataLossError("index section table is inconsistent with its entry count");
  }
  if (size != expected_size) {
    return DataLossError("index file is " + std::to_string(size) + " bytes, expected " +
                         std::to_string(expected_size) +
                         (size < expected_size ? " (truncated)" : " (trailing bytes)"));
  }
  IndexFileContents out;
  const std::size_t count = static_cast<std::size_t>(h.count);
  out.ids.resize(count);
  out.hashes.resize(count);
  MODERATO_RETURN_IF_ERROR(src.Read(h.ids_offset, out.ids.data(), count * sizeof(std::uint64_t)));
  MODERATO_RETURN_IF_ERROR(src.Read(h.hashes_offset, out.hashes.data(), count * sizeof(Hash256)));
  if (verify_checksums) {
    XXH3_state_t state;
    XXH3_64bits_reset(&state);
    XXH3_64bits_update(&state, out.ids.data(), count * sizeof(std::uint64_t));
    XXH3_64bits_update(&state, out.hashes.data(), count * sizeof(Hash256));
    if (XXH3_64bits_digest(&state) != h.payload_checksum) {
      return DataLossError("index payload checksum mismatch");
    }
  }
  for (std::size_t i = 1; i < count; ++i) {
    if (out.ids[i] <= out.ids[i - 1]) {
      return DataLossError("index ids are not strictly ascending at entry " + std::to_string(i));
    }
  }
  return out;
}

// Buffered writer that checksums everything after the header.
class Writer {
 public:
  Writer(int fd, std::string path) : fd_(fd), path_(std::move(path)) {
    XXH3_64bits_reset(&state_);
    buffer_.reserve(kBufferBytes);
  }
  void Append(const void* data, std::size_t n) {
    XXH3_64bits_update(&state_, data, n);
    const auto* p = static_cast<const unsigned char*>(data);
    buffer_.insert(buffer_.end(), p, p + n);
    if (buffer_.size() >= kBufferBytes) Flush();
  }
  void Flush() {
    if (status_.ok() && !buffer_.empty()) status_ = WriteAll(buffer_.data(), buffer_.size());
    buffer_.clear();
  }
  Status WriteAll(const void* data, std::size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    while (n > 0) {
      const ssize_t put = ::write(fd_, p, n);
      if (put < 0) {
        if (errno == EINTR) continue;
        return UnavailableError(path_ + ": write failed: " + ErrnoText(errno));
      }
      p += put;
      n -= static_cast<std::size_t>(put);
    }
    return OkStatus();
  }
  std::uint64_t digest() const { return XXH3_64bits_digest(&state_); }
  const Status& status() const { return status_; }

 private:
  static constexpr std::size_t kBufferBytes = std::size_t{1} << 20;
  int fd_;
  std::string path_;
  XXH3_state_t state_;
  std::vector<unsigned char> buffer_;
  Status status_;
};

std::string DirName(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

Status WriteIndexFile(const std::string& path, std::size_t count, const EntryVisitor& visit) {
  std::string tmp = path + ".tmp.XXXXXX";
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) return UnavailableError(path + ": cannot create temporary file: " + ErrnoText(errno));
  auto fail = [&](Status s) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return s;
  };
  Header h;
  h.version = kIndexFormatVersion;
  h.header_bytes = kIndexHeaderBytes;
  h.count = count;
  h.ids_offset = kIndexHeaderBytes;
  h.hashes_offset = kIndexHeaderBytes + count * sizeof(std::uint64_t);
  h.file_bytes = kIndexHeaderBytes + count * kEntryBytes;
  Writer w(fd, tmp);
  const std::array<unsigned char, kIndexHeaderBytes> placeholder{};
  if (Status s = w.WriteAll(placeholder.data(), placeholder.size()); !s.ok()) return fail(s);
  std::size_t seen = 0;
  visit([&](std::uint64_t id, const Hash256&) {
    w.Append(&id, sizeof(id));
    ++seen;
  });
  visit([&](std::uint64_t, const Hash256& hash) { w.Append(hash.words.data(), sizeof(Hash256)); });
  w.Flush();
  if (!w.status().ok()) return fail(w.status());
  if (seen != count) return fail(InternalError("entry count changed while saving"));
  h.payload_checksum = w.digest();
  const std::array<unsigned char, kIndexHeaderBytes> header = EncodeHeader(h);
  if (::pwrite(fd, header.data(), header.size(), 0) != static_cast<ssize_t>(header.size())) {
    return fail(UnavailableError(tmp + ": header write failed: " + ErrnoText(errno)));
  }
  if (::fchmod(fd, 0644) != 0 || ::fsync(fd) != 0) {
    return fail(UnavailableError(tmp + ": fsync failed: " + ErrnoText(errno)));
  }
  if (::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return UnavailableError(tmp + ": close failed: " + ErrnoText(errno));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return UnavailableError(path + ": rename failed: " + ErrnoText(err));
  }
  const int dir = ::open(DirName(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    const int rc = ::fsync(dir);
    ::close(dir);
    if (rc != 0) return UnavailableError(path + ": directory fsync failed: " + ErrnoText(errno));
  }
  return OkStatus();
}

Result<IndexFileContents> ReadIndexFile(const std::string& path, bool verify_checksums,
                                        std::size_t max_entries) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) return NotFoundError(path + ": no such index file");
    return UnavailableError(path + ": cannot open: " + ErrnoText(err));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return UnavailableError(path + ": cannot stat: " + ErrnoText(err));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return DataLossError(path + ": not a regular file");
  }
  const FileSource src(fd, static_cast<std::uint64_t>(st.st_size), path);
  Result<IndexFileContents> r = ReadFrom(src, verify_checksums, max_entries);
  if (!r.ok() && r.status().code() == StatusCode::kDataLoss) {
    return r.status().WithContext(path);
  }
  return r;
}

Result<IndexFileContents> ParseIndexFile(std::string_view bytes, bool verify_checksums,
                                         std::size_t max_entries) {
  return ReadFrom(MemorySource(bytes), verify_checksums, max_entries);
}

}  // namespace moderato::internal
