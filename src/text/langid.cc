// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0

#include "moderato/text/langid.h"

#include <fasttext/fasttext.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <istream>
#include <streambuf>
#include <utility>
#include <vector>

namespace moderato {
namespace {

// An istream over a string_view without copying it: fastText reads words
// with sbumpc(), and a stringstream would copy every text.
class ViewStreamBuf : public std::streambuf {
 public:
  explicit ViewStreamBuf(std::string_view s) {
    char* p = const_cast<char*>(s.data());  // read-only: the get area is never written
    setg(p, p, p + s.size());
  }
};

// Frequent Darija / Arabizi words, in their normalized form. Kept short on
// purpose: common function words that are rare in French and English.
constexpr std::string_view kArabiziWords[] = {
    "3la",    "3lach",     "3lik",      "3afak",    "3andi", "3ndi",    "ana",       "bghit",
    "bzaf",   "bezaf",     "chno",      "chnou",    "achno", "chwiya",  "daba",      "dyal",
    "dial",   "dyali",     "hadchi",    "hadi",     "hada",  "hadak",   "hamdoulah", "hamdullah",
    "hna",    "inchallah", "inshallah", "nchallah", "kayn",  "kayna",   "khoya",     "khouya",
    "kifach", "kifash",    "lah",       "labas",    "lbas",  "m3a",     "m3ak",      "machi",
    "mashi",  "mazal",     "mzyan",     "mezyan",   "nta",   "nti",     "ntouma",    "rah",
    "rani",   "sahbi",     "sa7bi",     "wach",     "wash",  "walakin", "wallah",    "wlh",
    "wesh",   "ya3ni",     "yallah",    "yalla",    "zwin",  "7ta",     "bghina",    "ghir"};

// Identify(): fastText's top kCandidates labels are read; when the top one is
// foreign and below kWeakTopLabel, the first of ar/fr/en at or above
// kRunnerUpFloor wins.
constexpr std::int32_t kCandidates = 5;
constexpr float kWeakTopLabel = 0.5f;
constexpr float kRunnerUpFloor = 0.1f;

// Digits used as Arabic letters: 2 hamza, 3 ain, 5 kha, 6 ta, 7 ha, 8 gha/qaf, 9 qaf.
bool IsArabiziDigit(char c) { return c == '2' || c == '3' || (c >= '5' && c <= '9'); }

// "2nd", "5km", "3eme", "9pm", "2day": numbers and English textese, not Arabizi.
bool IsNumberLike(std::string_view w) {
  static constexpr std::string_view kTextese[] = {"2day", "2nite", "2moro", "2morrow", "gr8",
                                                  "l8r",  "l8er",  "m8",    "h8",      "w8",
                                                  "mp3",  "mp4",   "p2p"};
  if (std::find(std::begin(kTextese), std::end(kTextese), w) != std::end(kTextese)) return true;
  std::size_t k = 0;
  while (k < w.size() && w[k] >= '0' && w[k] <= '9') ++k;
  if (k == 0) return false;
  static constexpr std::array<std::string_view, 22> kSuffixes = {
      "",   "e",  "er", "re", "eme", "em", "st", "nd",  "rd", "th", "h",
      "am", "pm", "k",  "km", "kg",  "m",  "mn", "min", "s",  "x",  "g"};
  return std::find(kSuffixes.begin(), kSuffixes.end(), w.substr(k)) != kSuffixes.end();
}

bool IsArabiziWord(std::string_view w) {
  if (std::find(std::begin(kArabiziWords), std::end(kArabiziWords), w) != std::end(kArabiziWords)) {
    return true;
  }
  std::size_t letters = 0;
  bool arabizi_digit = false;
  for (char c : w) {
    if (c >= 'a' && c <= 'z') ++letters;
    if (IsArabiziDigit(c)) arabizi_digit = true;
  }
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  std::size_t leading = 0;
  while (leading < w.size() && is_digit(w[leading])) ++leading;
  std::size_t trailing = 0;
  while (trailing < w.size() && is_digit(w[w.size() - 1 - trailing])) ++trailing;
  // Arabizi spells a letter with one digit ("3la", "ma3a", "sa7"); "ar15",
  // "user88", "12oz" and "7z" are model numbers, handles and units.
  if (leading > 1 || trailing > 1 || letters < 2) return false;
  return arabizi_digit && !IsNumberLike(w);
}

std::string MapLabel(std::string_view label) {
  if (label == "ar" || label == "arz" || label == "ary") return "ar";
  if (label == "fr") return "fr";
  if (label == "en") return "en";
  return "other";
}

}  // namespace

double ArabiziScore(std::string_view normalized) {
  std::size_t latin_letters = 0;
  std::size_t other_letters = 0;
  std::size_t words = 0;
  std::size_t arabizi = 0;
  std::size_t k = 0;
  while (k < normalized.size()) {
    unsigned char b = static_cast<unsigned char>(normalized[k]);
    bool ascii_word = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9');
    if (ascii_word) {
      std::size_t end = k;
      std::string word;
      bool has_letter = false;
      while (end < normalized.size()) {
        char c = normalized[end];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) break;
        if (c >= 'a' && c <= 'z') {
          has_letter = true;
          ++latin_letters;
        }
        word += c;
        ++end;
      }
      k = end;
      // A word glued to non-ASCII letters ("caf" + "é") is not a Latin word of its own.
      if (has_letter) {
        ++words;
        if (IsArabiziWord(word)) ++arabizi;
      }
      continue;
    }
    UChar32 c;
    U8_NEXT_OR_FFFD(normalized.data(), k, normalized.size(), c);
    if (c >= 0x80 && u_isalpha(c)) {
      UErrorCode e = U_ZERO_ERROR;
      if (uscript_getScript(c, &e) == USCRIPT_LATIN) {
        ++latin_letters;
      } else {
        ++other_letters;
      }
    }
  }
  if (words == 0) return 0;
  double share = static_cast<double>(arabizi) / static_cast<double>(words);
  double latin =
      static_cast<double>(latin_letters) / static_cast<double>(latin_letters + other_letters);
  return share * latin;
}

std::string DefaultLidModelPath() {
  const char* env = std::getenv("MODERATO_LID_MODEL");
  if (env != nullptr && *env != '\0') return env;
  return MODERATO_DEFAULT_LID_MODEL;
}

struct LanguageIdentifier::Impl {
  fasttext::FastText model;
};

LanguageIdentifier::LanguageIdentifier(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LanguageIdentifier::~LanguageIdentifier() = default;

Result<std::unique_ptr<LanguageIdentifier>> LanguageIdentifier::Load(std::string_view model_path) {
  std::string path = model_path.empty() ? DefaultLidModelPath() : std::string(model_path);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return NotFoundError("language-identification model not found: " + path +
                         " (run scripts/setup.sh or set MODERATO_LID_MODEL)");
  }
  auto impl = std::make_unique<Impl>();
  try {
    impl->model.loadModel(path);
  } catch (const std::exception& e) {
    return InvalidArgumentError("cannot load fastText model " + path + ": " + e.what());
  }
  return std::unique_ptr<LanguageIdentifier>(new LanguageIdentifier(std::move(impl)));
}

LanguageGuess LanguageIdentifier::Identify(const NormalizedText& text) const {
  LanguageGuess guess;
  guess.lang = "other";
  std::string_view view = text.normalized.text;
  if (view.size() > kMaxIdentifyBytes) {
    std::size_t cut = kMaxIdentifyBytes;
    while (cut > 0 && (static_cast<unsigned char>(view[cut]) & 0xC0) == 0x80) --cut;
    view = view.substr(0, cut);
  }
  bool has_letter = false;
  for (std::size_t k = 0; k < view.size() && !has_letter;) {
    UChar32 c;
    U8_NEXT_OR_FFFD(view.data(), k, view.size(), c);
    has_letter = u_isalpha(c);
  }
  if (!has_letter) return guess;

  // The normalized view holds no newline (whitespace is collapsed), so
  // fastText reads it as one line.
  std::vector<std::pair<fasttext::real, std::string>> predictions;
  auto predict = [&](std::int32_t k) {
    ViewStreamBuf buf(view);
    std::istream in(&buf);
    try {
      impl_->model.predictLine(in, predictions, k, 0.0);
    } catch (const std::exception&) {
      predictions.clear();
    }
  };
  // lid.176 uses a hierarchical softmax: the best label alone is about twice
  // as fast to find as the top five, which only weak foreign guesses need.
  predict(1);
  auto strip = [](std::string_view label) {
    constexpr std::string_view kPrefix = "__label__";
    if (label.substr(0, kPrefix.size()) == kPrefix) label.remove_prefix(kPrefix.size());
    return label;
  };
  if (!predictions.empty()) {
    std::string_view label = strip(predictions[0].second);
    guess.fasttext_label = std::string(label);
    guess.lang = MapLabel(label);
    guess.confidence = std::clamp(static_cast<float>(predictions[0].first), 0.0f, 1.0f);
  }
  // Short slang posts often get a weak foreign top label ("u juul ur ..." ->
  // Estonian); a language of ours close behind is the better guess.
  if (guess.lang == "other" && guess.confidence < kWeakTopLabel) {
    predict(kCandidates);
    for (std::size_t k = 1; k < predictions.size(); ++k) {
      std::string lang = MapLabel(strip(predictions[k].second));
      if (lang != "other" && predictions[k].first >= kRunnerUpFloor) {
        guess.lang = std::move(lang);
        guess.confidence = std::clamp(static_cast<float>(predictions[k].first), 0.0f, 1.0f);
        break;
      }
    }
  }
  if (guess.lang != "ar") {
    double score = ArabiziScore(view);
    if (score >= 0.6 || (score >= 0.3 && guess.confidence < 0.6f)) {
      guess.lang = "arabizi";
      guess.confidence = static_cast<float>(score);
    }
  }
  return guess;
}

}  // namespace moderato
