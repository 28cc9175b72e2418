// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// End-to-end tests of `moderato hash`, `moderato bank` and `moderato match`:
// the real binary on the shared PDQ test images and a temporary database.

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/cli_util.h"

namespace moderato {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

const std::string kVectors = std::string(MODERATO_SHARED_DATA_DIR) + "/pdq-vectors";
const std::string kOriginal = kVectors + "/images/bridge-mods/aaa-orig.jpg";
const std::string kRotated = kVectors + "/images/reg-test-input/dih/bridge-2-rotate-90.jpg";
const std::string kUnrelated = kVectors + "/images/reg-test-input/labelme-subset/q0291.jpg";
// expected/core_fullres_no_preresize.csv, the reference's hash of kOriginal.
const std::string kOriginalPdq = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

using CliBankTest = CliDbTest;

TEST_F(CliBankTest, HashPrintsTheReferencePdqAndDigests) {
  CliRun run = Moderato("hash " + kOriginal);
  ASSERT_EQ(run.exit_code, 0);
  std::vector<json> lines = ParseLines(run.out);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["pdq"], kOriginalPdq);
  EXPECT_EQ(lines[0]["quality"], 100);
  EXPECT_EQ(lines[0]["width"], 1600);
  EXPECT_EQ(lines[0]["height"], 1004);
  EXPECT_EQ(lines[0]["md5"].get<std::string>().size(), 32u);
  EXPECT_EQ(lines[0]["sha256"].get<std::string>().size(), 64u);

  run = Moderato("hash --dihedral " + kOriginal);
  lines = ParseLines(run.out);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["dihedral"]["orig"], kOriginalPdq);
  EXPECT_EQ(lines[0]["dihedral"].size(), 8u);
}

TEST_F(CliBankTest, HashWalksDirectoriesAndReportsBadFiles) {
  std::string bad = (dir_ / "broken.jpg").string();
  std::ofstream(bad) << "\xff\xd8\xff not really a jpeg";
  CliRun run = Moderato("hash " + dir_.string() + " " + (dir_ / "missing.png").string());
  EXPECT_EQ(run.exit_code, 1);
  std::vector<json> lines = ParseLines(run.out);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["file"], bad);
  EXPECT_FALSE(lines[0].contains("pdq"));
  EXPECT_TRUE(lines[0].contains("sha256")) << "a file that is not an image still has digests";
  EXPECT_TRUE(lines[1].contains("error"));
}

TEST_F(CliBankTest, AddedImageMatchesItsRotationWithTheVariantNamed) {
  ASSERT_EQ(Moderato("bank create terror" + db_).exit_code, 0);
  CliRun add = Moderato("bank add terror " + kOriginal +
                        " --org ExampleOrg --behaviour glorification --tag test" + db_);
  ASSERT_EQ(add.exit_code, 0);
  ASSERT_EQ(ParseLines(add.out).size(), 3u);  // pdq, md5, sha256

  CliRun match = Moderato("match " + kRotated + db_);
  ASSERT_EQ(match.exit_code, 0);
  std::vector<json> lines = ParseLines(match.out);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["kind"], "pdq");
  EXPECT_NE(lines[0]["variant"], "orig");
  EXPECT_LE(lines[0]["distance"].get<int>(), 31);
  EXPECT_EQ(lines[0]["labels"]["organisation"], "ExampleOrg");
  EXPECT_EQ(lines[0]["labels"]["behaviours"], json::array({"glorification"}));

  // Without the variants the rotated copy is not found.
  EXPECT_TRUE(Moderato("match --no-dihedral " + kRotated + db_).out.empty());
  // The same file matches by PDQ, MD5 and SHA-256.
  lines = ParseLines(Moderato("match " + kOriginal + db_).out);
  EXPECT_EQ(lines.size(), 3u);
  // A hex PDQ query; an unrelated image matches nothing.
  lines = ParseLines(Moderato("match " + kOriginalPdq + db_).out);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["distance"], 0);
  EXPECT_TRUE(Moderato("match " + kUnrelated + db_).out.empty());
}

TEST_F(CliBankTest, EveryBankChangeIsAudited) {
  ASSERT_EQ(Moderato("bank create terror" + db_).exit_code, 0);
  ASSERT_EQ(Moderato("bank add terror --type pdq " + kOriginalPdq + db_).exit_code, 0);
  ASSERT_EQ(Moderato("bank remove terror --type pdq " + kOriginalPdq + db_).exit_code, 0);
  ASSERT_EQ(Moderato("bank delete terror --yes" + db_).exit_code, 0);
  // A failed change writes nothing.
  EXPECT_NE(Moderato("bank remove nope --type pdq " + kOriginalPdq + db_).exit_code, 0);

  std::vector<json> lines = ParseLines(Moderato("audit list" + db_).out);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0]["action"], "bank.create");
  EXPECT_EQ(lines[1]["action"], "bank.signals.add");
  EXPECT_EQ(lines[1]["details"]["added"], 1);
  EXPECT_EQ(lines[2]["action"], "bank.signals.remove");
  EXPECT_EQ(lines[2]["details"]["removed"], 1);
  EXPECT_EQ(lines[3]["action"], "bank.delete");
  for (const json& line : lines) {
    EXPECT_EQ(line["subject"], "bank:terror");
    EXPECT_EQ(line["actor"], "cli");
  }
  EXPECT_EQ(Moderato("audit verify" + db_).exit_code, 0);
}

TEST_F(CliBankTest, ImportIsAllOrNothingAndReportsTheLine) {
  ASSERT_EQ(Moderato("bank create list" + db_).exit_code, 0);
  std::string good = (dir_ / "good.txt").string();
  std::ofstream(good) << "pdq " << kOriginalPdq << "\nmd5 900150983cd24fb0d6963f7d28e17f72\n";
  std::string bad = (dir_ / "bad.txt").string();
  std::ofstream(bad) << "md5 0cc175b9c0f1b6a831c399e269772661\npdq 1234\n";

  CliRun run = Moderato("bank import list " + bad + " --format pytx" + db_);
  EXPECT_EQ(run.exit_code, 4);
  json stats = ParseLines(Moderato("bank stats list --json" + db_).out).at(0);
  EXPECT_EQ(stats["total"], 0) << "a bad line leaves the bank unchanged";

  run = Moderato("bank import list " + good + db_);
  ASSERT_EQ(run.exit_code, 0);
  json summary = ParseLines(run.out).at(0);
  EXPECT_EQ(summary["added"], 2);
  stats = ParseLines(Moderato("bank stats list --json" + db_).out).at(0);
  EXPECT_EQ(stats["total"], 2);
  EXPECT_EQ(stats["pdq"], 1);
  EXPECT_EQ(stats["md5"], 1);
}

TEST_F(CliBankTest, ExportThenImportRoundTrips) {
  ASSERT_EQ(Moderato("bank create a" + db_).exit_code, 0);
  ASSERT_EQ(Moderato("bank add a " + kOriginal + " --tag x" + db_).exit_code, 0);
  ASSERT_EQ(
      Moderato("bank add a --type url https://Example.ORG:443/a/?utm_source=x" + db_).exit_code, 0);
  for (const std::string format : {"csv", "hma-json", "pytx"}) {
    std::string file = (dir_ / ("export." + format)).string();
    ASSERT_EQ(Moderato("bank export a --format " + format + " -o " + file + db_).exit_code, 0)
        << format;
    std::string bank = "copy-" + format;
    CliRun run = Moderato("bank import " + bank + " " + file + " --create" + db_);
    ASSERT_EQ(run.exit_code, 0) << format;
    json stats = ParseLines(Moderato("bank stats " + bank + " --json" + db_).out).at(0);
    EXPECT_EQ(stats["total"], 4) << format;
    EXPECT_EQ(stats["url"], 1) << format;
  }
}

TEST_F(CliBankTest, DbComesFromTheEnvironmentAndBanksAreListed) {
  std::string env = "MODERATO_DB=" + (dir_ / "env.db").string() + " ";
  std::string command = env + std::string(MODERATO_CLI_PATH) + " bank create envbank 2>/dev/null";
  ASSERT_EQ(std::system(command.c_str()), 0);
  std::vector<json> banks =
      ParseLines(Moderato("bank list --json --db " + (dir_ / "env.db").string()).out);
  ASSERT_EQ(banks.size(), 1u);
  EXPECT_EQ(banks[0]["name"], "envbank");
  EXPECT_EQ(banks[0]["pdq_threshold"], 31);
}

TEST_F(CliBankTest, ReadingCommandsDoNotCreateADatabase) {
  std::string missing = (dir_ / "missing.db").string();
  EXPECT_EQ(Moderato("match " + kOriginalPdq + " --db " + missing).exit_code, 3);
  EXPECT_EQ(Moderato("bank list --db " + missing).exit_code, 3);
  EXPECT_FALSE(std::filesystem::exists(missing));
  EXPECT_EQ(Moderato("bank create b --db " + missing).exit_code, 0);
  EXPECT_TRUE(std::filesystem::exists(missing));
}

TEST_F(CliBankTest, ShippedSampleListImportsAndFindsTheRotatedImage) {
  ASSERT_EQ(Moderato("bank create demo" + db_).exit_code, 0);
  CliRun run = Moderato("bank import demo " + std::string(MODERATO_SOURCE_ROOT) +
                        "/data/samples/known-content.pytx" + db_);
  ASSERT_EQ(run.exit_code, 0);
  EXPECT_EQ(ParseLines(run.out).at(0)["added"], 3);
  std::vector<json> lines = ParseLines(Moderato("match " + kRotated + db_).out);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["bank"], "demo");
  EXPECT_LE(lines[0]["distance"].get<int>(), 31);
}

TEST_F(CliBankTest, ErrorsHaveExitCodes) {
  EXPECT_EQ(
      Moderato("bank add nosuchbank --type md5 900150983cd24fb0d6963f7d28e17f72" + db_).exit_code,
      3);
  ASSERT_EQ(Moderato("bank create b" + db_).exit_code, 0);
  EXPECT_EQ(Moderato("bank create b" + db_).exit_code, 2) << "the name exists";
  EXPECT_EQ(Moderato("bank create 'bad name'" + db_).exit_code, 4);
  EXPECT_EQ(Moderato("bank add b --type pdq 12345" + db_).exit_code, 4);
  EXPECT_EQ(Moderato("bank add b --type md5 x --behaviour nonsense" + db_).exit_code, 4);
  EXPECT_THAT(Moderato("match zzz" + db_).out, HasSubstr("error"));
}

}  // namespace
}  // namespace moderato
