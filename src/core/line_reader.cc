// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/core/line_reader.h"

#include <algorithm>
#include <cstring>

namespace moderato {
namespace {
constexpr std::size_t kChunk = 1u << 16;
}  // namespace

LineReader::LineReader(std::istream& in, std::size_t max_line_bytes)
    : in_(in), max_line_bytes_(std::max<std::size_t>(max_line_bytes, 1)) {
  buffer_.resize(max_line_bytes_ + kChunk + 1);
}

// Moves unconsumed bytes to the front and reads more; returns false if
// nothing more could be read.
bool LineReader::Fill() {
  if (eof_) return false;
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  std::size_t room = buffer_.size() - end_;
  if (room == 0) return false;
  in_.read(buffer_.data() + end_, static_cast<std::streamsize>(std::min(room, kChunk)));
  std::streamsize got = in_.gcount();
  if (got <= 0) {
    eof_ = true;
    return false;
  }
  end_ += static_cast<std::size_t>(got);
  bytes_read_ += static_cast<std::uint64_t>(got);
  return true;
}

Result<bool> LineReader::Next(std::string_view* line) {
  std::size_t scanned = begin_;
  while (true) {
    const char* data = buffer_.data();
    const void* nl = std::memchr(data + scanned, '\n', end_ - scanned);
    if (nl != nullptr) {
      std::size_t pos = static_cast<const char*>(nl) - data;
      std::size_t len = pos - begin_;
      ++line_number_;
      if (len > max_line_bytes_) {
        begin_ = pos + 1;
        return ResourceExhaustedError("line " + std::to_string(line_number_) + " is longer than " +
                                      std::to_string(max_line_bytes_) + " bytes");
      }
      if (len > 0 && data[pos - 1] == '\r') --len;
      *line = std::string_view(data + begin_, len);
      begin_ = pos + 1;
      return true;
    }
    scanned = end_;
    if (end_ - begin_ > max_line_bytes_) {
      // Overlong line: discard input up to and including the next newline.
      ++line_number_;
      std::uint64_t number = line_number_;
      while (true) {
        begin_ = end_ = 0;
        if (!Fill()) break;
        const void* skip = std::memchr(buffer_.data(), '\n', end_);
        if (skip != nullptr) {
          begin_ = static_cast<const char*>(skip) - buffer_.data() + 1;
          break;
        }
      }
      return ResourceExhaustedError("line " + std::to_string(number) + " is longer than " +
                                    std::to_string(max_line_bytes_) + " bytes");
    }
    std::size_t before = begin_;
    if (!Fill()) {
      if (in_.bad()) return UnavailableError("read error");
      if (end_ == begin_) return false;
      // Last line without a newline.
      ++line_number_;
      std::size_t len = end_ - begin_;
      if (len > 0 && buffer_[begin_ + len - 1] == '\r') --len;
      *line = std::string_view(buffer_.data() + begin_, len);
      begin_ = end_;
      return true;
    }
    scanned -= before;  // Fill() moved the data to the front
  }
}

}  // namespace moderato
