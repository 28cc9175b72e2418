// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// moderato hash [--dihedral] [--fast] [--preresize] [--orient] FILE|DIR...
//
// One JSON line per file: file, format, width, height, pdq, quality, md5,
// sha256 (and the 8 dihedral variants with --dihedral). Directories are
// walked recursively in name order. A file that cannot be read gets an
// error line and the run goes on (exit 1 at the end).

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/progress.h"
#include "moderato/hash/media.h"
#include "nlohmann/json.hpp"

namespace moderato::cli {
namespace {

struct HashFlags {
  std::vector<std::string> inputs;
  bool dihedral = false;
  bool fast = false;
  bool preresize = false;
  bool orient = false;
  uint64_t max_bytes = uint64_t{64} << 20;
  uint64_t max_pixels = 50'000'000;
  std::string progress = "auto";
};

// Expands directories (recursively, sorted) into files; keeps plain paths.
std::vector<std::string> ExpandInputs(const std::vector<std::string>& inputs) {
  std::vector<std::string> files;
  for (const std::string& input : inputs) {
    std::error_code ec;
    if (!std::filesystem::is_directory(input, ec)) {
      files.push_back(input);
      continue;
    }
    std::vector<std::string> found;
    for (auto it = std::filesystem::recursive_directory_iterator(
             input, std::filesystem::directory_options::skip_permission_denied, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file(ec)) found.push_back(it->path().string());
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

nlohmann::ordered_json HashJson(const std::string& file, const MediaHashes& h) {
  nlohmann::ordered_json j;
  j["file"] = file;
  j["format"] = ImageFormatName(h.format);
  if (h.pdq) {
    j["width"] = h.width;
    j["height"] = h.height;
    j["pdq"] = ToHex(h.pdq->hash);
    j["quality"] = h.pdq->quality;
  }
  j["md5"] = h.digests.md5_hex;
  j["sha256"] = h.digests.sha256_hex;
  j["bytes"] = h.digests.bytes;
  if (h.dihedral) {
    nlohmann::ordered_json variants;
    for (Dihedral d : kAllDihedrals)
      variants[std::string(DihedralName(d))] = ToHex((*h.dihedral)[d]);
    j["dihedral"] = variants;
  }
  if (!h.image_error.ok() && h.format != ImageFormat::kUnknown) {
    j["image_error"] = h.image_error.ToString();
  }
  return j;
}

int RunHash(const HashFlags& flags) {
  MediaHashOptions options;
  options.max_bytes = flags.max_bytes;
  options.decode.max_bytes = flags.max_bytes;
  options.decode.max_pixels = flags.max_pixels;
  options.decode.apply_exif_orientation = flags.orient;
  options.pdq.preresize_512 = flags.preresize;
  options.pdq.mode = flags.fast ? HashMode::kFast : HashMode::kExact;
  options.dihedral = flags.dihedral;

  std::vector<std::string> files = ExpandInputs(flags.inputs);
  Progress progress(ShowProgress(flags.progress, false) && files.size() > 1, files.size());
  progress.CountItems();
  int failed = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    Result<MediaHashes> hashes = HashMediaFile(files[i], options);
    if (hashes.ok()) {
      std::printf("%s\n", HashJson(files[i], *hashes).dump().c_str());
    } else {
      ++failed;
      nlohmann::ordered_json j;
      j["file"] = files[i];
      j["error"] = hashes.status().ToString();
      std::printf("%s\n", j.dump().c_str());
    }
    progress.Update(i + 1, i + 1);
  }
  progress.Finish();
  std::fflush(stdout);
  if (failed > 0) {
    std::fprintf(stderr, "moderato: %d of %zu files could not be hashed\n", failed, files.size());
    return kExitSomeRecordsBad;
  }
  return kExitOk;
}

}  // namespace

void RegisterHash(CLI::App& app, Action* action) {
  auto flags = std::make_shared<HashFlags>();
  CLI::App* cmd =
      app.add_subcommand("hash", "Hash files: PDQ (images), MD5, SHA-256; one JSON line per file");
  cmd->add_option("inputs", flags->inputs, "Files or directories (walked recursively)")->required();
  cmd->add_flag("--dihedral", flags->dihedral,
                "Also print the 8 rotation/flip variants of the PDQ hash");
  cmd->add_flag("--fast", flags->fast,
                "Decode JPEGs at reduced scale (several times faster, within a few bits)");
  cmd->add_flag("--preresize", flags->preresize,
                "Resize to 512x512 first, as the reference pdq-photo-hasher CLI does");
  cmd->add_flag("--orient", flags->orient,
                "Apply the EXIF orientation before hashing (default: the stored pixels)");
  cmd->add_option("--max-bytes", flags->max_bytes, "Largest file to read")->capture_default_str();
  cmd->add_option("--max-pixels", flags->max_pixels, "Largest image (width x height) to decode")
      ->capture_default_str();
  cmd->add_option("--progress", flags->progress,
                  "Progress bar on stderr: auto (only on a terminal), always, never")
      ->capture_default_str();
  cmd->callback([flags, action] { *action = [flags] { return RunHash(*flags); }; });
}

}  // namespace moderato::cli
