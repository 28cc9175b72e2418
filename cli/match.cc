// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// moderato match [--bank B] [--db PATH] FILE|HEX|URL...
//
// Each argument is a query: a file is hashed (PDQ with its 8 dihedral
// variants, MD5, SHA-256); 64 hex digits are a PDQ hash and a SHA-256; 32 hex
// digits an MD5; anything with "://" or a dot and a slash a URL. --text TEXT
// queries a text's near-duplicate signature. One JSON line per match:
// query, bank, signal id, type, kind, distance, variant, labels, suppressed.

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/defaults.h"
#include "cli/media_signals.h"
#include "moderato/exchange/formats.h"
#include "moderato/hash/text_signature.h"
#include "moderato/hash/url.h"
#include "moderato/match/bank_matcher.h"
#include "nlohmann/json.hpp"

namespace moderato::cli {
namespace {

struct MatchFlags {
  std::string db;
  std::string bank;
  std::vector<std::string> queries;
  std::vector<std::string> texts;
  std::string type;
  bool fast = false;
  bool no_dihedral = false;
  bool stats = false;
};

bool IsHex(const std::string& s) {
  return s.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
}

// Builds the query for one argument.
Result<MatchQuery> QueryFor(const std::string& arg, const MatchFlags& flags) {
  MatchQuery query;
  std::string type = flags.type;
  std::error_code ec;
  bool is_file = std::filesystem::is_regular_file(arg, ec);
  if (type.empty() && is_file) {
    MediaHashOptions options;
    options.pdq.mode = flags.fast ? HashMode::kFast : HashMode::kExact;
    options.dihedral = !flags.no_dihedral;
    MODERATO_ASSIGN_OR_RETURN(MediaHashes hashes, HashMediaFile(arg, options));
    if (hashes.dihedral) {
      query.pdq.assign(hashes.dihedral->hashes.begin(), hashes.dihedral->hashes.end());
      query.pdq_quality = hashes.dihedral->quality;
    } else if (hashes.pdq) {
      query.pdq.push_back(hashes.pdq->hash);
      query.pdq_quality = hashes.pdq->quality;
    }
    query.md5 = hashes.digests.md5_hex;
    query.sha256 = hashes.digests.sha256_hex;
    return query;
  }
  if (type.empty()) {
    if (arg.size() == 64 && IsHex(arg)) {
      type = "pdq+sha256";
    } else if (arg.size() == 32 && IsHex(arg)) {
      type = "md5";
    } else if (arg.find("://") != std::string::npos ||
               (arg.find('.') != std::string::npos && arg.find('/') != std::string::npos)) {
      type = "url";
    } else {
      return NotFoundError("'" + arg + "' is not a file, a hex hash or a URL");
    }
  }
  if (type == "pdq+sha256") {
    MODERATO_ASSIGN_OR_RETURN(Hash256 hash, ParseHash256Hex(arg));
    query.pdq.push_back(hash);
    query.sha256 = ToHex(hash);
    return query;
  }
  MODERATO_ASSIGN_OR_RETURN(std::vector<Signal> signals, SignalsFromArgument(arg, type, {}));
  for (const Signal& s : signals) {
    switch (s.type) {
      case SignalType::kPdq: {
        MODERATO_ASSIGN_OR_RETURN(Hash256 hash, ParseHash256Hex(s.value));
        query.pdq.push_back(hash);
        break;
      }
      case SignalType::kMd5:
        query.md5 = s.value;
        break;
      case SignalType::kSha256:
        query.sha256 = s.value;
        break;
      case SignalType::kUrl:
        query.urls.push_back(s.value);
        break;
      case SignalType::kText:
        query.text_signature = s.value;
        break;
    }
  }
  return query;
}

nlohmann::ordered_json MatchJson(const std::string& query, const MatchQuery& q, const BankMatch& m,
                                 BankStore& store) {
  nlohmann::ordered_json j;
  j["query"] = query;
  j["bank"] = m.bank;
  j["signal_id"] = m.signal_id;
  j["type"] = SignalTypeName(m.type);
  j["kind"] = m.kind;
  j["distance"] = m.distance;
  if (m.kind == "pdq") {
    j["variant"] = q.pdq.size() == 8 ? DihedralName(static_cast<Dihedral>(m.variant)) : "orig";
  }
  if (m.kind == "text") j["similarity"] = m.similarity;
  Result<Signal> signal = store.GetSignal(m.signal_id);
  if (signal.ok()) {
    j["value"] = signal->value;
    nlohmann::ordered_json labels;
    labels["organisation"] = signal->labels.organisation;
    labels["behaviours"] = signal->labels.behaviours;
    labels["tags"] = signal->labels.tags;
    j["labels"] = labels;
    j["source"] = signal->source;
    if (!signal->external_id.empty()) j["external_id"] = signal->external_id;
  }
  j["suppression_bank"] = m.suppression;
  j["suppressed"] = m.suppressed;
  return j;
}

int RunMatch(const MatchFlags& flags) {
  std::string db = ResolveDbPath(flags.db);
  MODERATO_ASSIGN_OR_RETURN_EXIT(auto store, OpenBankStore(flags.db, /*create=*/false));
  if (!flags.bank.empty()) MODERATO_RETURN_EXIT_IF_ERROR(store->GetBank(flags.bank).status());
  BankMatcherOptions options;
  if (db != ":memory:") options.pdq_cache_path = db + ".pdq-index";
  MODERATO_ASSIGN_OR_RETURN_EXIT(auto matcher, BankMatcher::Build(*store, options));
  if (flags.stats) {
    const BankMatcherStats& s = matcher->stats();
    std::fprintf(stderr,
                 "matcher: %lld pdq, %lld md5, %lld sha256, %lld url, %lld host, %lld text; "
                 "built in %.2fs%s\n",
                 static_cast<long long>(s.pdq), static_cast<long long>(s.md5),
                 static_cast<long long>(s.sha256), static_cast<long long>(s.url),
                 static_cast<long long>(s.host), static_cast<long long>(s.text), s.build_seconds,
                 s.pdq_from_cache ? " (PDQ index from cache)" : "");
  }
  std::optional<std::string> bank;
  if (!flags.bank.empty()) bank = flags.bank;

  struct Named {
    std::string label;
    Result<MatchQuery> query;
  };
  std::vector<Named> queries;
  for (const std::string& arg : flags.queries) queries.push_back({arg, QueryFor(arg, flags)});
  for (const std::string& text : flags.texts) {
    Result<std::vector<Signal>> sig = SignalsFromArgument(text, "text", {});
    MatchQuery q;
    if (sig.ok()) q.text_signature = (*sig)[0].value;
    queries.push_back({text.size() > 60 ? text.substr(0, 60) + "..." : text,
                       sig.ok() ? Result<MatchQuery>(q) : Result<MatchQuery>(sig.status())});
  }

  int bad = 0;
  int64_t matched = 0;
  for (const Named& named : queries) {
    if (!named.query.ok()) {
      ++bad;
      nlohmann::ordered_json j;
      j["query"] = named.label;
      j["error"] = named.query.status().ToString();
      std::printf("%s\n", j.dump().c_str());
      continue;
    }
    MODERATO_ASSIGN_OR_RETURN_EXIT(std::vector<BankMatch> matches,
                                   matcher->Match(*named.query, bank));
    if (!matches.empty()) ++matched;
    for (const BankMatch& m : matches) {
      std::printf("%s\n", MatchJson(named.label, *named.query, m, *store).dump().c_str());
    }
  }
  std::fflush(stdout);
  std::fprintf(stderr, "%zu queries, %lld matched\n", queries.size(),
               static_cast<long long>(matched));
  return bad > 0 ? kExitSomeRecordsBad : kExitOk;
}

}  // namespace

void RegisterMatch(CLI::App& app, Action* action) {
  auto flags = std::make_shared<MatchFlags>();
  CLI::App* cmd = app.add_subcommand(
      "match", "Match files, hashes or URLs against the banks; one JSON line per match");
  cmd->add_option("queries", flags->queries,
                  "Files (hashed: PDQ with 8 rotation/flip variants, MD5, SHA-256), hex hashes "
                  "(64 digits: PDQ and SHA-256; 32: MD5) or URLs");
  cmd->add_option("--text", flags->texts, "A text to match by near-duplicate signature");
  cmd->add_option("--db", flags->db, "SQLite database (else $MODERATO_DB, else ./moderato.db)");
  cmd->add_option("--bank", flags->bank, "Only this bank (suppression banks still apply)");
  cmd->add_option("--type", flags->type,
                  "Treat every query as this signal type: pdq, md5, sha256, url, text");
  cmd->add_flag("--fast", flags->fast, "Hash JPEGs in fast mode");
  cmd->add_flag("--no-dihedral", flags->no_dihedral,
                "Match the image as stored only, not its rotations and flips");
  cmd->add_flag("--stats", flags->stats, "Print the matcher's size and build time on stderr");
  cmd->callback([flags, action] {
    if (flags->queries.empty() && flags->texts.empty()) {
      throw CLI::ValidationError("match", "give at least one FILE, HEX, URL or --text");
    }
    *action = [flags] { return RunMatch(*flags); };
  });
}

}  // namespace moderato::cli
