// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/classify/dataset.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "classify/stable_random.h"
#include "moderato/core/csv.h"
#include "moderato/core/json_depth.h"

namespace moderato {
namespace {

constexpr std::size_t kMaxKeptErrors = 10;

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool Contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// Reads one '\n'-terminated line (without the '\n', and without a trailing
// '\r') of at most `max_bytes` bytes. Returns false at end of input. Sets
// *too_long and discards the rest of the line if it is longer.
bool ReadBoundedLine(std::istream& in, std::size_t max_bytes, std::string* line, bool* too_long) {
  line->clear();
  *too_long = false;
  std::streambuf* buf = in.rdbuf();
  bool any = false;
  while (true) {
    int c = buf->sbumpc();
    if (c == std::char_traits<char>::eof()) break;
    any = true;
    if (c == '\n') break;
    if (line->size() >= max_bytes) {
      *too_long = true;
      continue;
    }
    line->push_back(static_cast<char>(c));
  }
  if (!line->empty() && line->back() == '\r') line->pop_back();
  return any;
}

// Collects examples and enforces the example budget and the malformed-line
// policy shared by both formats.
class Collector {
 public:
  Collector(const LabelledFileOptions& options, std::string_view name)
      : options_(options), name_(name) {}

  // Records a malformed line: fails unless skip_malformed.
  Status Malformed(std::uint64_t line, std::string_view what) {
    std::string message = name_ + ":" + std::to_string(line) + ": " + std::string(what);
    if (!options_.skip_malformed) return InvalidArgumentError(std::move(message));
    ++data_.skipped_malformed;
    if (data_.errors.size() < kMaxKeptErrors) data_.errors.push_back(std::move(message));
    return OkStatus();
  }

  Status Add(std::uint64_t line, std::string_view id, std::string text, std::string_view label,
             std::string_view lang) {
    if (Trim(text).empty()) {
      ++data_.skipped_empty;
      return OkStatus();
    }
    const std::string value = Lower(Trim(label));
    bool positive = Contains(options_.positive_labels, value);
    if (!positive && !options_.negative_labels.empty() &&
        !Contains(options_.negative_labels, value)) {
      ++data_.skipped_unlabelled;
      return OkStatus();
    }
    if (data_.examples.size() >= options_.max_examples) {
      return ResourceExhaustedError(name_ + ":" + std::to_string(line) + ": more than " +
                                    std::to_string(options_.max_examples) +
                                    " examples (max_examples)");
    }
    LabelledExample ex;
    ex.id = options_.source + ":" + (id.empty() ? std::to_string(line) : std::string(id));
    ex.text = std::move(text);
    ex.lang = lang.empty() ? options_.default_lang : Lower(Trim(lang));
    ex.positive = positive;
    ex.source = options_.source;
    data_.examples.push_back(std::move(ex));
    return OkStatus();
  }

  LabelledData Finish() && { return std::move(data_); }

 private:
  const LabelledFileOptions& options_;
  std::string name_;
  LabelledData data_;
};

// Returns the label of a JSON value as text, or nullopt if it has no usable one.
std::optional<std::string> JsonLabel(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return std::string(v.get<bool>() ? "true" : "false");
  if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (d == 0.0 || d == 1.0) return std::to_string(static_cast<int>(d));
  }
  return std::nullopt;
}

Result<LabelledData> ReadJsonl(std::istream& in, const LabelledFileOptions& options,
                               std::string_view name) {
  Collector collector(options, name);
  const std::string lang_key = options.lang_column.empty() ? "lang" : options.lang_column;
  std::string line;
  bool too_long = false;
  for (std::uint64_t line_no = 1; ReadBoundedLine(in, options.max_line_bytes, &line, &too_long);
       ++line_no) {
    if (too_long) {
      return ResourceExhaustedError(std::string(name) + ":" + std::to_string(line_no) +
                                    ": line longer than " + std::to_string(options.max_line_bytes) +
                                    " bytes (max_line_bytes)");
    }
    if (Trim(line).empty()) continue;
    if (internal::JsonNestingDepth(line) > options.max_json_depth) {
      return ResourceExhaustedError(
          std::string(name) + ":" + std::to_string(line_no) + ": JSON nested deeper than " +
          std::to_string(options.max_json_depth) + " levels (max_json_depth)");
    }
    nlohmann::json doc = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) {
      MODERATO_RETURN_IF_ERROR(collector.Malformed(line_no, "not valid JSON"));
      continue;
    }
    if (!doc.is_object()) {
      MODERATO_RETURN_IF_ERROR(collector.Malformed(line_no, "not a JSON object"));
      continue;
    }
    auto text = doc.find(options.text_column);
    if (text == doc.end() || !text->is_string()) {
      MODERATO_RETURN_IF_ERROR(
          collector.Malformed(line_no, "missing string field \"" + options.text_column + "\""));
      continue;
    }
    auto label_it = doc.find(options.label_column);
    std::optional<std::string> label;
    if (label_it == doc.end() || !(label = JsonLabel(*label_it))) {
      MODERATO_RETURN_IF_ERROR(
          collector.Malformed(line_no, "missing or unusable label field \"" + options.label_column +
                                           "\" (want a string, boolean, 0 or 1)"));
      continue;
    }
    std::string lang;
    if (auto it = doc.find(lang_key); it != doc.end() && it->is_string()) {
      lang = it->get<std::string>();
    }
    std::string id;
    if (!options.id_column.empty()) {
      if (auto it = doc.find(options.id_column); it != doc.end()) {
        if (it->is_string()) {
          id = it->get<std::string>();
        } else if (it->is_number_integer()) {
          id = std::to_string(it->get<std::int64_t>());
        }
      }
    }
    MODERATO_RETURN_IF_ERROR(collector.Add(line_no, id, text->get<std::string>(), *label, lang));
  }
  return std::move(collector).Finish();
}

// Index of `column` in `header`, or an error naming the column.
Result<std::size_t> FindColumn(const std::vector<std::string>& header, std::string_view column,
                               std::string_view name) {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (Trim(header[i]) == column) return i;
  }
  return InvalidArgumentError(std::string(name) + ": CSV header has no column \"" +
                              std::string(column) + "\"");
}

Result<LabelledData> ReadCsv(std::istream& in, const LabelledFileOptions& options,
                             std::string_view name) {
  CsvOptions csv_options;
  csv_options.max_record_bytes = options.max_line_bytes;
  CsvReader reader(in, csv_options);
  CsvRecord record;
  Result<bool> more = reader.Next(&record);
  if (!more.ok()) return more.status().WithContext(std::string(name) + ": header");
  if (!*more) return InvalidArgumentError(std::string(name) + ": empty CSV (no header)");
  const std::vector<std::string> header = record.fields;
  MODERATO_ASSIGN_OR_RETURN(std::size_t text_col, FindColumn(header, options.text_column, name));
  MODERATO_ASSIGN_OR_RETURN(std::size_t label_col, FindColumn(header, options.label_column, name));
  std::size_t lang_col = header.size();
  std::size_t id_col = header.size();
  if (!options.lang_column.empty()) {
    MODERATO_ASSIGN_OR_RETURN(lang_col, FindColumn(header, options.lang_column, name));
  }
  if (!options.id_column.empty()) {
    MODERATO_ASSIGN_OR_RETURN(id_col, FindColumn(header, options.id_column, name));
  }
  const std::size_t needed = std::max(text_col, label_col) + 1;
  Collector collector(options, name);
  while (true) {
    more = reader.Next(&record);
    if (!more.ok()) {
      if (more.status().code() == StatusCode::kResourceExhausted) {
        return more.status().WithContext(std::string(name));
      }
      MODERATO_RETURN_IF_ERROR(collector.Malformed(reader.line(), more.status().message()));
      continue;
    }
    if (!*more) break;
    std::vector<std::string>& f = record.fields;
    if (f.size() < needed || (lang_col < header.size() && f.size() <= lang_col) ||
        (id_col < header.size() && f.size() <= id_col)) {
      MODERATO_RETURN_IF_ERROR(collector.Malformed(
          record.line, "record has " + std::to_string(f.size()) + " fields, header has " +
                           std::to_string(header.size())));
      continue;
    }
    std::string_view lang = lang_col < header.size() ? std::string_view(f[lang_col]) : "";
    std::string_view id = id_col < header.size() ? std::string_view(f[id_col]) : "";
    MODERATO_RETURN_IF_ERROR(
        collector.Add(record.line, id, std::move(f[text_col]), f[label_col], lang));
  }
  return std::move(collector).Finish();
}

Result<std::ifstream> OpenFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) return NotFoundError("cannot open " + path);
  return in;
}

// Reads a shipped CSV with `map` deciding each row: returns false to drop it.
template <typename MapRow>
Status ReadShippedCsv(const std::string& path, MapRow map) {
  MODERATO_ASSIGN_OR_RETURN(std::ifstream in, OpenFile(path));
  CsvReader reader(in);
  CsvRecord record;
  MODERATO_ASSIGN_OR_RETURN(bool more, reader.Next(&record));
  if (!more) return DataLossError(path + ": empty CSV");
  const std::vector<std::string> header = record.fields;
  while (true) {
    Result<bool> next = reader.Next(&record);
    if (!next.ok()) return next.status().WithContext(path);
    if (!*next) break;
    if (record.fields.size() != header.size()) {
      return DataLossError(path + ":" + std::to_string(record.line) + ": expected " +
                           std::to_string(header.size()) + " fields");
    }
    MODERATO_RETURN_IF_ERROR(map(header, record));
  }
  return OkStatus();
}

Result<std::vector<std::size_t>> Columns(const std::vector<std::string>& header,
                                         std::initializer_list<std::string_view> names,
                                         std::string_view path) {
  std::vector<std::size_t> out;
  for (std::string_view n : names) {
    MODERATO_ASSIGN_OR_RETURN(std::size_t i, FindColumn(header, n, path));
    out.push_back(i);
  }
  return out;
}

Status LoadMlma(const std::string& data_dir, std::string_view lang, std::string_view file,
                std::vector<LabelledExample>* out) {
  const std::string path = data_dir + "/mlma/" + std::string(file);
  std::vector<std::size_t> cols;
  return ReadShippedCsv(
      path, [&](const std::vector<std::string>& header, CsvRecord& record) -> Status {
        if (cols.empty()) {
          MODERATO_ASSIGN_OR_RETURN(cols, Columns(header, {"HITId", "tweet", "sentiment"}, path));
        }
        std::string& text = record.fields[cols[1]];
        if (Trim(text).empty()) return OkStatus();
        LabelledExample ex;
        ex.id = "mlma:" + std::string(lang) + ":" + record.fields[cols[0]];
        ex.text = std::move(text);
        ex.lang = std::string(lang);
        ex.positive = Trim(record.fields[cols[2]]) != "normal";
        ex.source = "mlma";
        out->push_back(std::move(ex));
        return OkStatus();
      });
}

Status LoadStormfront(const std::string& data_dir, std::vector<LabelledExample>* out) {
  const std::string path = data_dir + "/stormfront/stormfront_sentences.csv";
  std::vector<std::size_t> cols;
  return ReadShippedCsv(
      path, [&](const std::vector<std::string>& header, CsvRecord& record) -> Status {
        if (cols.empty()) {
          MODERATO_ASSIGN_OR_RETURN(cols, Columns(header, {"file_id", "label", "text"}, path));
        }
        const std::string& label = record.fields[cols[1]];
        if (label != "hate" && label != "noHate") return OkStatus();  // relation, idk/skip
        std::string& text = record.fields[cols[2]];
        if (Trim(text).empty()) return OkStatus();
        LabelledExample ex;
        ex.id = "stormfront:en:" + record.fields[cols[0]];
        ex.text = std::move(text);
        ex.lang = "en";
        ex.positive = label == "hate";
        ex.source = "stormfront";
        out->push_back(std::move(ex));
        return OkStatus();
      });
}

}  // namespace

std::string_view SplitPartName(SplitPart part) {
  switch (part) {
    case SplitPart::kTrain:
      return "train";
    case SplitPart::kDev:
      return "dev";
    case SplitPart::kTest:
      return "test";
  }
  return "train";
}

std::vector<std::string> ParseLabelList(std::string_view list) {
  std::vector<std::string> out;
  while (!list.empty()) {
    std::size_t comma = list.find(',');
    std::string_view item = Trim(list.substr(0, comma));
    if (!item.empty()) out.push_back(Lower(item));
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return out;
}

Result<LabelledData> ReadLabelledData(std::istream& in, const LabelledFileOptions& options,
                                      std::string_view name) {
  if (options.format == LabelledFormat::kCsv) return ReadCsv(in, options, name);
  return ReadJsonl(in, options, name);
}

Result<LabelledData> LoadLabelledFile(const std::string& path, const LabelledFileOptions& options) {
  MODERATO_ASSIGN_OR_RETURN(std::ifstream in, OpenFile(path));
  return ReadLabelledData(in, options, path);
}

Status AssignSplits(std::span<LabelledExample> examples, const SplitOptions& options) {
  if (!(options.dev_fraction >= 0 && options.test_fraction >= 0 &&
        options.dev_fraction + options.test_fraction <= 1.0)) {
    return InvalidArgumentError("split fractions must be >= 0 and sum to at most 1");
  }
  std::map<std::string, std::vector<std::size_t>> strata;
  for (std::size_t i = 0; i < examples.size(); ++i) {
    const LabelledExample& ex = examples[i];
    strata[ex.source + "/" + ex.lang + "/" + (ex.positive ? "1" : "0")].push_back(i);
  }
  for (auto& [key, rows] : strata) {
    // Order by id first so the split does not depend on the input order.
    std::stable_sort(rows.begin(), rows.end(),
                     [&](std::size_t a, std::size_t b) { return examples[a].id < examples[b].id; });
    std::mt19937_64 rng(options.seed ^ internal::Fnv1a64(key));
    internal::StableShuffle(std::span<std::size_t>(rows), rng);
    const double n = static_cast<double>(rows.size());
    const auto n_test = static_cast<std::size_t>(std::llround(n * options.test_fraction));
    const auto n_dev = std::min(rows.size() - n_test,
                                static_cast<std::size_t>(std::llround(n * options.dev_fraction)));
    for (std::size_t i = 0; i < rows.size(); ++i) {
      examples[rows[i]].split = i < n_test           ? SplitPart::kTest
                                : i < n_test + n_dev ? SplitPart::kDev
                                                     : SplitPart::kTrain;
    }
  }
  return OkStatus();
}

std::vector<DataSourceInfo> DefaultCorpusSources() {
  return {
      {"mlma", "mlma/en_dataset_with_stop_words.csv, mlma/fr_dataset.csv, mlma/ar_dataset.csv",
       "MIT",
       "Ousidhoum et al., Multilingual and Multi-Aspect Hate Speech Analysis, EMNLP 2019 "
       "(HKUST-KnowComp/MLMA_hate_speech @ 4798369)",
       "binary mapping recommended by the authors: sentiment == \"normal\" -> negative, "
       "anything else -> positive"},
      {"stormfront", "stormfront/stormfront_sentences.csv", "CC-BY-SA-3.0-ES",
       "de Gibert, Perez, Garcia-Pablos, Cuadros, Hate Speech Dataset from a White Supremacy "
       "Forum, ALW2 @ EMNLP 2018 (Vicomtech/hate-speech-dataset @ b802137)",
       "hate -> positive, noHate -> negative, relation and idk/skip dropped. ShareAlike: a model "
       "trained on this data is an adaptation; redistribute it under CC BY-SA 3.0 (or a "
       "compatible BY-SA licence) with this attribution"},
  };
}

DataSourceInfo ArenasSource() {
  return {"arenas", "arenas_fr/arenas_schema_a1_fr.csv",
          "CC0-1.0 (annotations; tweet text is third-party)",
          "EU ARENAS project, SCHEMA A1 (diniaouri/Context-Aware-Graph-Structure-Learning-for-"
          "Extremist-Narratives @ 7ee8bc1)",
          "evaluation only, never trained on: positive if any of intolerance, "
          "superiority_of_in_group, hostility_to_out_group, polarization_othering, "
          "perceived_threat is 1"};
}

Result<std::vector<LabelledExample>> LoadDefaultCorpus(const std::string& data_dir,
                                                       const SplitOptions& split) {
  std::vector<LabelledExample> out;
  MODERATO_RETURN_IF_ERROR(LoadMlma(data_dir, "en", "en_dataset_with_stop_words.csv", &out));
  MODERATO_RETURN_IF_ERROR(LoadMlma(data_dir, "fr", "fr_dataset.csv", &out));
  MODERATO_RETURN_IF_ERROR(LoadMlma(data_dir, "ar", "ar_dataset.csv", &out));
  MODERATO_RETURN_IF_ERROR(LoadStormfront(data_dir, &out));
  MODERATO_RETURN_IF_ERROR(AssignSplits(out, split));
  return out;
}

Result<std::vector<LabelledExample>> LoadArenas(const std::string& data_dir) {
  const std::string path = data_dir + "/arenas_fr/arenas_schema_a1_fr.csv";
  std::vector<LabelledExample> out;
  std::vector<std::size_t> cols;
  MODERATO_RETURN_IF_ERROR(ReadShippedCsv(
      path, [&](const std::vector<std::string>& header, CsvRecord& record) -> Status {
        if (cols.empty()) {
          MODERATO_ASSIGN_OR_RETURN(
              cols, Columns(header,
                            {"row_id", "text", "intolerance", "superiority_of_in_group",
                             "hostility_to_out_group", "polarization_othering", "perceived_threat"},
                            path));
        }
        std::string& text = record.fields[cols[1]];
        if (Trim(text).empty()) return OkStatus();
        LabelledExample ex;
        ex.id = "arenas:fr:" + record.fields[cols[0]];
        ex.text = std::move(text);
        ex.lang = "fr";
        for (std::size_t i = 2; i < cols.size(); ++i) {
          if (Trim(record.fields[cols[i]]) == "1") ex.positive = true;
        }
        ex.source = "arenas";
        ex.split = SplitPart::kTest;
        out.push_back(std::move(ex));
        return OkStatus();
      }));
  return out;
}

}  // namespace moderato
