// Evidence bundles with no database: a good bundle verifies; any tampered byte, file, link,
// signature or key is rejected, by the library and by the gatehouse-verify program.
#include "gatehouse/evidence/bundle.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "gatehouse/core/base64url.hpp"

using namespace gatehouse;
using namespace gatehouse::evidence;
namespace fs = std::filesystem;

namespace {

std::string readAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary | std::ios::ate);
  std::string s(static_cast<std::size_t>(in.tellg()), '\0');
  in.seekg(0);
  in.read(s.data(), static_cast<std::streamsize>(s.size()));
  return s;
}
void writeAll(const fs::path& p, const std::string& s) {
  std::ofstream(p, std::ios::binary | std::ios::trunc) << s;
}

class BundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "gh-bundle-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    key_ = EvidenceKey::generate(7);
    dir_ = (root_ / "bundle").string();
    ASSERT_TRUE(writeBundle(dir_, content(), key_));
  }
  void TearDown() override { fs::remove_all(root_); }

  // Two photos of visit V taken by kiosk 3, with another visit's item between them.
  static BundleContent content(bool swapLinks = false) {
    BundleContent c;
    c.estateName = "Harbour View";
    c.scope = "visit V";
    c.createdAt = "2026-12-01T10:00:00.000000Z";
    const std::string photo1 = std::string("\xFF\xD8 entry \x00 photo", 16), photo2 = "exit photo";
    ChainSegment s;
    s.kioskId = 3;
    s.kioskName = "Gate A";
    std::string prev = "aa";
    const std::string shas[] = {sha256Hex(photo1), sha256Hex("other"), sha256Hex(photo2)};
    const char* kinds[] = {"entry_photo", "entry_photo", "exit_photo"};
    const char* visits[] = {"V", "W", "V"};
    for (int i = 0; i < 3; ++i) {
      ChainLink l{"id" + std::to_string(i),
                  10 + i,
                  visits[i],
                  kinds[i],
                  "2026-11-30T09:0" + std::to_string(i) + ":00.000000Z",
                  shas[i],
                  prev,
                  "",
                  "",
                  i == 1};
      l.chainSha256 = chainHash(l.prevChain, l.sha256, l.visitId, l.kind, l.capturedAt);
      if (i != 1) l.photoPath = "photos/id" + std::to_string(i) + ".jpg";
      prev = l.chainSha256;
      s.links.push_back(l);
    }
    if (swapLinks) std::swap(s.links[0], s.links[2]);
    c.chain.push_back(s);
    c.files = {{"photos/id0.jpg", photo1},
               {"photos/id2.jpg", photo2},
               {"records/visit-V.json", "{\"visit\": \"V\", \"visitor\": \"Vera\"}\n"}};
    return c;
  }
  VerifyReport verify() { return verifyBundle(dir_, key_.publicKey); }

  fs::path root_;
  std::string dir_;
  EvidenceKey key_;
};

TEST_F(BundleTest, AGoodBundleVerifiesAndSaysWhatItProves) {
  const auto r = verify();
  ASSERT_TRUE(r.ok) << (r.problems.empty() ? "" : r.problems.front());
  EXPECT_EQ(r.photos, 2);
  EXPECT_EQ(r.links, 3);
  EXPECT_EQ(r.purged, 1);
  std::string all;
  for (const auto& p : r.proven) all += p + "\n";
  EXPECT_NE(all.find("photos/id0.jpg (entry_photo of visit V) was taken by kiosk 3 (Gate A) at "
                     "2026-11-30T09:00:00.000000Z"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("Nothing in this bundle was changed"), std::string::npos) << all;
}

TEST_F(BundleTest, EveryChangedRemovedReorderedOrAddedByteInEveryPartIsDetected) {
  const std::vector<std::string> parts = {"manifest.json",  "signature",
                                          "chain.json",     "records/visit-V.json",
                                          "photos/id0.jpg", "photos/id2.jpg"};
  for (const auto& part : parts) {
    const auto path = fs::path(dir_) / part;
    const auto original = readAll(path);
    ASSERT_GT(original.size(), 4u) << part;
    const std::size_t at = original.size() / 2;
    std::string changed = original, removed = original, reordered = original, added = original;
    changed[at] = static_cast<char>(changed[at] ^ 0x01);
    removed.erase(at, 1);
    std::size_t j = 0;  // swap two neighbouring bytes that differ
    while (j + 1 < original.size() && original[j] == original[j + 1]) ++j;
    std::swap(reordered[j], reordered[j + 1]);
    added.insert(at, 1, 'x');
    for (const auto& [how, bytes] :
         std::vector<std::pair<std::string, std::string>>{{"changed", changed},
                                                          {"removed", removed},
                                                          {"reordered", reordered},
                                                          {"added", added}}) {
      writeAll(path, bytes);
      EXPECT_FALSE(verify().ok) << "a " << how << " byte in " << part << " went unnoticed";
      writeAll(path, original);
    }
    EXPECT_TRUE(verify().ok) << part;
  }
}

TEST_F(BundleTest, ARemovedOrAddedFileIsDetected) {
  const auto photo = fs::path(dir_) / "photos/id2.jpg";
  const auto bytes = readAll(photo);
  fs::remove(photo);
  auto r = verify();
  ASSERT_FALSE(r.ok);
  EXPECT_NE(r.problems.front().find("photos/id2.jpg is listed in the manifest but missing"),
            std::string::npos)
      << r.problems.front();
  writeAll(photo, bytes);
  writeAll(fs::path(dir_) / "photos/extra.jpg", "planted");
  r = verify();
  ASSERT_FALSE(r.ok);
  EXPECT_NE(r.problems.front().find("photos/extra.jpg is in the bundle but not in the signed"),
            std::string::npos)
      << r.problems.front();
}

TEST_F(BundleTest, ReorderedChainLinksFailEvenWhenProperlySigned) {
  const auto dir = (root_ / "reordered").string();
  ASSERT_TRUE(writeBundle(dir, content(true), key_));
  const auto r = verifyBundle(dir, key_.publicKey);
  ASSERT_FALSE(r.ok);
  EXPECT_NE(r.problems.front().find("does not follow the link before it"), std::string::npos)
      << r.problems.front();
}

TEST_F(BundleTest, AWrongSignatureOrAnotherEstatesBundleIsRejected) {
  // Another estate's key signed a bundle: checked against our estate's key it fails.
  const auto other = EvidenceKey::generate(8);
  const auto dir = (root_ / "other").string();
  ASSERT_TRUE(writeBundle(dir, content(), other));
  EXPECT_TRUE(verifyBundle(dir, std::nullopt).ok);  // intact, but by whom?
  auto r = verifyBundle(dir, key_.publicKey);
  ASSERT_FALSE(r.ok);
  EXPECT_NE(r.problems.front().find("not by the expected key"), std::string::npos);
  // A valid signature by the other key, pasted into our bundle.
  fs::copy_file(fs::path(dir) / "signature", fs::path(dir_) / "signature",
                fs::copy_options::overwrite_existing);
  r = verify();
  ASSERT_FALSE(r.ok);
  EXPECT_NE(r.problems.front().find("signature does not match"), std::string::npos);
}

TEST_F(BundleTest, KeyFilesRoundTripAndAreNeverOverwritten) {
  const auto path = (root_ / "evidence-key").string();
  ASSERT_TRUE(saveKeyFile(path, key_));
  EXPECT_EQ((fs::status(path).permissions() & fs::perms::all),
            fs::perms::owner_read | fs::perms::owner_write);
  const auto again = saveKeyFile(path, EvidenceKey::generate(7));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "exists");
  const auto loaded = loadKeyFile(path);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->publicKey, key_.publicKey);
  EXPECT_EQ(loaded->estateId, 7);
  writeAll(path + ".bad", "not a key\n");
  EXPECT_EQ(loadKeyFile(path + ".bad").error().code, "bad_key");
  EXPECT_FALSE(decodePublicKey("short"));
}

TEST_F(BundleTest, BadBundlePathsAreRefusedWhenWriting) {
  auto c = content();
  c.files.push_back({"../escape.txt", "x"});
  const auto s = writeBundle((root_ / "bad").string(), c, key_);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, "bad_path");
  EXPECT_EQ(writeBundle(dir_, content(), key_).error().code, "exists");
}

// The archive form (what the server's staff route sends): one file, the same bundle.
class ArchiveTest : public BundleTest {
 protected:
  void SetUp() override {
    BundleTest::SetUp();
    auto bytes = archiveBundle(content(), key_);
    ASSERT_TRUE(bytes);
    archive_ = *bytes;
    file_ = (root_ / "bundle.tar").string();
    writeAll(file_, archive_);
  }
  VerifyReport verifyBytes(const std::string& bytes) {
    writeAll(file_, bytes);
    return verifyBundle(file_, key_.publicKey);
  }
  // The archive's entries (header + padded data), split by the size in each header.
  std::vector<std::string> entries() const {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (archive_[at] != '\0') {
      const std::size_t size = std::stoul(archive_.substr(at + 124, 11), nullptr, 8);
      const std::size_t len = 512 + (size + 511) / 512 * 512;
      out.push_back(archive_.substr(at, len));
      at += len;
    }
    return out;
  }
  std::string archive_, file_;
};

TEST_F(ArchiveTest, AnArchiveVerifiesLikeTheDirectoryAndTarUnpacksIt) {
  auto r = verifyBundle(file_, key_.publicKey);
  EXPECT_TRUE(r.ok) << (r.problems.empty() ? "" : r.problems.front());
  EXPECT_EQ(r.photos, 2);
  EXPECT_EQ(r.links, 3);
  EXPECT_EQ(entries().size(), 6u);  // manifest, signature, two photos, the record, chain.json
  const auto out = root_ / "unpacked";
  fs::create_directories(out);
  ASSERT_EQ(std::system(("tar -xf " + file_ + " -C " + out.string()).c_str()), 0);
  EXPECT_TRUE(verifyBundle(out.string(), key_.publicKey).ok);
  EXPECT_EQ(readAll(out / "photos/id0.jpg"), readAll(fs::path(dir_) / "photos/id0.jpg"));
}

TEST_F(ArchiveTest, EveryChangedByteOfTheArchiveIsDetected) {
  // Every byte of every header and of the padding and trailer, and a spread of data bytes.
  int tried = 0;
  for (std::size_t at = 0; at < archive_.size(); ++at) {
    const bool data = archive_[at] != '\0' && at % 512 >= 1 && archive_[at - 1] != '\0';
    if (data && at % 7 != 0) continue;
    std::string changed = archive_;
    changed[at] = static_cast<char>(changed[at] ^ 0x20);
    EXPECT_FALSE(verifyBytes(changed).ok) << "a changed byte at " << at << " went unnoticed";
    ++tried;
  }
  EXPECT_GT(tried, 1000);
  EXPECT_TRUE(verifyBytes(archive_).ok);
}

TEST_F(ArchiveTest, TruncatedExtendedReorderedOrDuplicatedArchivesAreRejected) {
  auto e = entries();
  const std::string trailer(1024, '\0');
  std::string reordered, duplicated, dropped;
  for (std::size_t i = 0; i < e.size(); ++i) {
    reordered += e[i == 3 ? 4 : i == 4 ? 3 : i];
    duplicated += e[i] + (i == 2 ? e[i] : "");
    if (i != 2) dropped += e[i];
  }
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"truncated", archive_.substr(0, archive_.size() - 700)},
      {"extended", archive_ + std::string(512, '\0')},
      {"junk after the end", archive_ + "x"},
      {"reordered", reordered + trailer},
      {"duplicated", duplicated + trailer},
      {"dropped", dropped + trailer},
      {"empty", ""}};
  for (const auto& [how, bytes] : cases) {
    const auto r = verifyBytes(bytes);
    EXPECT_FALSE(r.ok) << how;
    EXPECT_FALSE(r.problems.empty()) << how;
  }
}

TEST_F(ArchiveTest, AnotherEstatesArchiveIsRejected) {
  auto other = archiveBundle(content(), EvidenceKey::generate(8));
  ASSERT_TRUE(other);
  EXPECT_FALSE(verifyBytes(*other).ok);
  writeAll(file_, *other);
  EXPECT_TRUE(verifyBundle(file_, std::nullopt).ok);  // integrity only, by the key it names
}

TEST_F(BundleTest, TheVerifyProgramAcceptsAGoodBundleAndRejectsATamperedOne) {
  const std::string bin =
      std::string(std::getenv("GATEHOUSE_BINARY_DIR")) + "/evidence/gatehouse-verify";
  const std::string cmd = "env -u GATEHOUSE_DATABASE_URL -u PGHOST " + bin + " " + dir_ +
                          " --public-key " + encodePublicKey(key_.publicKey) + " > " +
                          (root_ / "out.txt").string();
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_NE(readAll(root_ / "out.txt").find("VERIFIED"), std::string::npos);
  writeAll(fs::path(dir_) / "records/visit-V.json", "{\"visit\": \"V\", \"visitor\": \"Eve\"}\n");
  EXPECT_NE(std::system(cmd.c_str()), 0);
  EXPECT_NE(readAll(root_ / "out.txt").find("REJECTED"), std::string::npos);
  EXPECT_NE(std::system((bin + " " + dir_ + " --public-key nonsense > /dev/null 2>&1").c_str()), 0);

  const auto tar = (root_ / "bundle.tar").string();
  writeAll(tar, *archiveBundle(content(), key_));
  const std::string onTar =
      bin + " " + tar + " --public-key " + encodePublicKey(key_.publicKey) + " > /dev/null";
  EXPECT_EQ(std::system(onTar.c_str()), 0);
  auto bytes = readAll(tar);
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 1);
  writeAll(tar, bytes);
  EXPECT_NE(std::system(onTar.c_str()), 0);
}

}  // namespace
