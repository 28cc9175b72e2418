// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// Labelled text for training and evaluating the classifier: readers for
// user-supplied JSONL and CSV files, loaders for the shipped corpora in
// ../shared/data, and the seeded, stratified train/dev/test split.
//
// Labelled files are untrusted input and have budgets (LabelledFileOptions):
// a line or CSV record longer than max_line_bytes, more than max_examples
// examples, or JSON nested deeper than max_json_depth fail with
// kResourceExhausted. A malformed line (bad JSON, missing or non-string text,
// missing label, unterminated CSV quote, too few fields) fails with
// kInvalidArgument naming the line, unless skip_malformed is set, in which
// case it is skipped and counted in LabelledData (the first few messages are
// kept). A missing CSV column always fails, naming the column.
//
// The default corpus is MLMA (EN/FR/AR tweets, MIT) and Stormfront (EN forum
// sentences, CC BY-SA 3.0 ES). ARENAS (FR) is evaluation-only: LoadArenas()
// marks every example kTest and LoadDefaultCorpus() never reads it. See
// docs/classifier.md for the label mappings.
//
// The split is stratified by (source, language, label): within each stratum
// the examples are ordered by id, shuffled by a Fisher-Yates shuffle driven by
// std::mt19937_64 (whose output sequence the C++ standard fixes) seeded from
// the split seed and a FNV-1a hash of the stratum name, and cut into
// test / dev / train by the configured fractions. The same seed, data and
// fractions give the same split on every platform and standard library.
//
// Thread safety: free functions with no shared state.
//
// Example:
//   MODERATO_ASSIGN_OR_RETURN(std::vector<moderato::LabelledExample> corpus,
//                             moderato::LoadDefaultCorpus(data_dir));
//   for (const auto& ex : corpus)
//     if (ex.split == moderato::SplitPart::kTest) Score(ex);

#ifndef MODERATO_CLASSIFY_DATASET_H_
#define MODERATO_CLASSIFY_DATASET_H_

#include <cstddef>
#include <cstdint>
#include <istream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "moderato/status.h"

namespace moderato {

enum class SplitPart { kTrain, kDev, kTest };

// Returns "train", "dev" or "test".
std::string_view SplitPartName(SplitPart part);

struct LabelledExample {
  // Stable row key, unique within a corpus: "<source>:<lang>:<row id>" for the
  // shipped corpora, "<source>:<id column or line number>" for files.
  std::string id;
  // The original text, not normalised.
  std::string text;
  // "en", "fr", "ar", ... or "" when unknown.
  std::string lang;
  // True for the harmful class (hateful / extremist / toxic).
  bool positive = false;
  // "mlma", "stormfront", "arenas", or LabelledFileOptions::source.
  std::string source;
  // Split membership; AssignSplits() sets it. Files load as kTrain.
  SplitPart split = SplitPart::kTrain;
};

enum class LabelledFormat { kJsonl, kCsv };

// The label values `moderato train` treats as positive by default
// (compared case-insensitively, surrounding white space ignored).
inline constexpr std::string_view kDefaultPositiveLabels = "1,true,hate,hateful,toxic,positive,yes";

struct LabelledFileOptions {
  LabelledFormat format = LabelledFormat::kJsonl;
  // JSON keys (JSONL) or header names (CSV).
  std::string text_column = "text";
  std::string label_column = "label";
  // Language: JSONL reads this key when present ("lang" if empty); CSV reads
  // this column if non-empty (and fails if the header lacks it).
  std::string lang_column;
  // Optional id key/column; the line number is used when empty or absent.
  std::string id_column;
  // Lower-case label values meaning "positive". JSON booleans map to
  // "true"/"false" and integers to their decimal form before the comparison.
  std::vector<std::string> positive_labels = {"1",     "true",     "hate", "hateful",
                                              "toxic", "positive", "yes"};
  // If non-empty, only these values are negative; rows whose label is in
  // neither list are skipped and counted (e.g. Stormfront's "idk/skip").
  // If empty, every value not in positive_labels is negative.
  std::vector<std::string> negative_labels;
  // Language for rows without one.
  std::string default_lang;
  // Stored in LabelledExample::source and used as the id prefix.
  std::string source = "input";
  // Skip and count malformed lines instead of failing (see the file comment).
  bool skip_malformed = false;

  // Budgets (kResourceExhausted when exceeded).
  std::size_t max_line_bytes = std::size_t{1} << 20;
  std::size_t max_examples = 5'000'000;
  int max_json_depth = 32;
};

// Splits a comma-separated list ("a, B,c") into trimmed, lower-cased,
// non-empty values.
std::vector<std::string> ParseLabelList(std::string_view list);

struct LabelledData {
  std::vector<LabelledExample> examples;
  std::size_t skipped_malformed = 0;   // only with skip_malformed
  std::size_t skipped_unlabelled = 0;  // label in neither list (negative_labels set)
  std::size_t skipped_empty = 0;       // text empty or only white space
  // The first few malformed-line messages ("<name>:<line>: ..."), at most 10.
  std::vector<std::string> errors;
};

// Reads labelled examples from `in` in options.format. `name` prefixes error
// messages. Fails as described in the file comment.
Result<LabelledData> ReadLabelledData(std::istream& in, const LabelledFileOptions& options,
                                      std::string_view name = "<input>");

// Opens `path` and calls ReadLabelledData. Fails with kNotFound if the file
// cannot be opened.
Result<LabelledData> LoadLabelledFile(const std::string& path, const LabelledFileOptions& options);

struct SplitOptions {
  std::uint64_t seed = 20260101;
  double dev_fraction = 0.1;   // of each stratum, rounded to nearest
  double test_fraction = 0.1;  // of each stratum, rounded to nearest
};

// Sets `split` on every example, stratified and seeded as described in the
// file comment. Fails with kInvalidArgument if a fraction is negative or they
// sum to more than 1.
Status AssignSplits(std::span<LabelledExample> examples, const SplitOptions& options = {});

// Where a corpus came from and under what terms; recorded in model sidecars.
struct DataSourceInfo {
  std::string name;     // "mlma", "stormfront", "arenas"
  std::string files;    // paths relative to the data directory
  std::string licence;  // SPDX-like name
  std::string citation;
  std::string note;  // mapping and obligations (e.g. ShareAlike)
};

// The sources LoadDefaultCorpus() reads, in order.
std::vector<DataSourceInfo> DefaultCorpusSources();
// The ARENAS evaluation set.
DataSourceInfo ArenasSource();

// Loads MLMA (en_dataset_with_stop_words.csv, fr_dataset.csv, ar_dataset.csv;
// sentiment == "normal" -> negative, anything else -> positive) and
// Stormfront (stormfront_sentences.csv; hate -> positive, noHate -> negative,
// relation and idk/skip dropped) from `data_dir` and assigns splits with
// `split`. Rows with empty text are dropped. Never reads ARENAS. Fails with
// kNotFound if a file is missing, kInvalidArgument/kDataLoss if one is
// malformed (the shipped files are not).
Result<std::vector<LabelledExample>> LoadDefaultCorpus(const std::string& data_dir,
                                                       const SplitOptions& split = {});

// Loads ARENAS SCHEMA A1 (arenas_fr/arenas_schema_a1_fr.csv, 298 French
// tweets): positive if any of the five extreme-speech parameters
// (intolerance, superiority_of_in_group, hostility_to_out_group,
// polarization_othering, perceived_threat) is 1. Every example is kTest,
// source "arenas", lang "fr". Evaluation only: never train on it.
Result<std::vector<LabelledExample>> LoadArenas(const std::string& data_dir);

}  // namespace moderato

#endif  // MODERATO_CLASSIFY_DATASET_H_
