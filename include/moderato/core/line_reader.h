// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// LineReader reads '\n'-terminated lines from a file descriptor or stream in
// constant memory, with a budget on the length of one line.
//
// A line longer than max_line_bytes is not buffered: Next() reports it with
// kResourceExhausted (naming its line number), skips the rest of it, and the
// following call goes on with the next line. A final line without '\n' is
// returned as a line. A trailing '\r' is removed.
//
// Thread safety: one thread at a time.
//
// Example:
//   moderato::LineReader reader(std::cin);
//   std::string_view line;
//   while (true) {
//     moderato::Result<bool> more = reader.Next(&line);
//     if (!more.ok()) { report(more.status()); continue; }
//     if (!*more) break;
//     use(line, reader.line_number());
//   }

#ifndef MODERATO_CORE_LINE_READER_H_
#define MODERATO_CORE_LINE_READER_H_

#include <cstddef>
#include <cstdint>
#include <istream>
#include <string>
#include <string_view>

#include "moderato/status.h"

namespace moderato {

class LineReader {
 public:
  // Reads from `in`, which must outlive the reader.
  explicit LineReader(std::istream& in, std::size_t max_line_bytes = 1u << 20);

  // Not copyable: holds a stream reference and a buffer.
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // Points `*line` at the next line (valid until the next call) and returns
  // true, or returns false at end of input. Fails with kResourceExhausted for
  // an overlong line (which is skipped) and kUnavailable on a read error.
  Result<bool> Next(std::string_view* line);

  // 1-based number of the line last returned or reported.
  std::uint64_t line_number() const { return line_number_; }
  // Bytes consumed from the stream so far.
  std::uint64_t bytes_read() const { return bytes_read_; }

 private:
  bool Fill();

  std::istream& in_;
  std::size_t max_line_bytes_;
  std::string buffer_;
  std::size_t begin_ = 0;  // start of unconsumed data in buffer_
  std::size_t end_ = 0;    // end of valid data in buffer_
  bool eof_ = false;
  std::uint64_t line_number_ = 0;
  std::uint64_t bytes_read_ = 0;
};

}  // namespace moderato

#endif  // MODERATO_CORE_LINE_READER_H_
