// Verifies an evidence bundle from its files alone: signature, file hashes, chain, photos.
#include <sodium.h>

#include <filesystem>
#include <map>
#include <set>

#include "files.hpp"
#include "gatehouse/core/base64url.hpp"
#include "json_model.hpp"
#include "tar.hpp"

namespace gatehouse::evidence {

namespace {

// The bundle's files, read once from a directory or an archive.
struct Source {
  std::map<std::string, std::string> files;  // path -> bytes
  std::vector<std::string> order;            // an archive's entry order; empty for a directory
  std::vector<std::string> problems;         // entries that are not plain files, bad archives
  const std::string* find(const std::string& path) const {
    auto it = files.find(path);
    return it == files.end() ? nullptr : &it->second;
  }
};

Source fromDirectory(const std::string& dir) {
  Source s;
  for (const auto& path : detail::listTree(dir)) {
    auto bytes = path.find(" (not a regular file)") == std::string::npos
                     ? detail::readFile(dir + "/" + path)
                     : std::nullopt;
    if (bytes)
      s.files[path] = std::move(*bytes);
    else
      s.problems.push_back(path + " is in the bundle but not in the signed manifest");
  }
  return s;
}

Source fromArchive(const std::string& file) {
  Source s;
  const auto bytes = detail::readFile(file);
  if (!bytes) return s.problems.push_back("cannot read " + file), s;
  auto tar = detail::readTar(*bytes);
  s.problems = std::move(tar.problems);
  for (auto& f : tar.files) {
    s.order.push_back(f.path);
    if (!s.files.emplace(f.path, std::move(f.bytes)).second)
      s.problems.push_back("the archive holds " + f.path + " twice");
  }
  return s;
}

struct Ctx {
  const Source& src;
  VerifyReport report;
  std::map<std::string, std::string> fileSha;  // path -> sha256 the manifest lists
  void fail(std::string why) { report.problems.push_back(std::move(why)); }
};

// The signature over manifest.json's exact bytes, by the expected key (or the one it names).
bool checkSignature(Ctx& c, const std::string& manifest, const nlohmann::json& m,
                    const std::optional<PublicKey>& expected) {
  const auto named = decodePublicKey(m.value("public_key", ""));
  if (!named) return c.fail("the manifest names no valid public key"), false;
  if (expected && *expected != *named)
    c.fail("the bundle says it is signed by key " + fingerprint(*named) +
           ", not by the expected key " + fingerprint(*expected) +
           " (another estate's bundle, or a substituted key)");
  const PublicKey key = expected ? *expected : *named;
  const auto* sigFile = c.src.find("signature");
  if (!sigFile) return c.fail("the signature file is missing"), false;
  std::string sigText = *sigFile;
  while (!sigText.empty() && sigText.back() == '\n') sigText.pop_back();
  const auto sig = base64urlDecode(sigText);
  if (!sig || sig->size() != crypto_sign_BYTES)
    return c.fail("the signature file is not one base64url Ed25519 signature"), false;
  if (crypto_sign_verify_detached(sig->data(),
                                  reinterpret_cast<const unsigned char*>(manifest.data()),
                                  manifest.size(), key.data()) != 0)
    return c.fail("the signature does not match the manifest under key " + fingerprint(key)), false;
  return true;
}

// Every listed file is present with its size and sha256, and nothing else is in the bundle;
// an archive holds them in the signed order.
void checkFiles(Ctx& c, const nlohmann::json& m) {
  std::set<std::string> listed{"manifest.json", "signature"};
  std::vector<std::string> order{"manifest.json", "signature"};
  for (const auto& f : m.at("files")) {
    const auto path = f.at("path").get<std::string>();
    if (!detail::safeRelativePath(path) || !listed.insert(path).second) {
      c.fail("the manifest lists a bad or repeated path '" + path + "'");
      continue;
    }
    order.push_back(path);
    c.fileSha[path] = f.at("sha256").get<std::string>();
    const auto* bytes = c.src.find(path);
    if (!bytes) {
      c.fail(path + " is listed in the manifest but missing");
    } else if (bytes->size() != f.at("size").get<std::size_t>()) {
      c.fail(path + " has " + std::to_string(bytes->size()) + " bytes, the manifest says " +
             std::to_string(f.at("size").get<std::size_t>()));
    } else if (sha256Hex(*bytes) != c.fileSha[path]) {
      c.fail(path + " was changed: its sha256 differs from the manifest");
    }
  }
  for (const auto& [path, bytes] : c.src.files)
    if (!listed.count(path)) c.fail(path + " is in the bundle but not in the signed manifest");
  if (!c.src.order.empty() && c.src.order != order)
    c.fail("the archive's files are not in the order of the signed manifest");
}

void checkSegment(Ctx& c, const ChainSegment& s, std::set<std::string>& photosSeen) {
  const std::string who = s.kioskId ? "kiosk " + std::to_string(*s.kioskId) +
                                          (s.kioskName.empty() ? "" : " (" + s.kioskName + ")")
                                    : "the console";
  for (std::size_t i = 0; i < s.links.size(); ++i) {
    const auto& l = s.links[i];
    ++c.report.links;
    if (i > 0 && (l.prevChain != s.links[i - 1].chainSha256 || l.seq <= s.links[i - 1].seq))
      c.fail("link " + l.id + " of " + who + " does not follow the link before it");
    if (!linkHolds(l)) c.fail("link " + l.id + " of " + who + " does not hash to its chain value");
    if (l.purged) ++c.report.purged;
    if (l.photoPath.empty()) continue;
    photosSeen.insert(l.photoPath);
    auto it = c.fileSha.find(l.photoPath);
    if (it == c.fileSha.end()) {
      c.fail("link " + l.id + " points to " + l.photoPath + ", which the manifest does not list");
    } else if (it->second != l.sha256) {
      c.fail(l.photoPath + " is not the photo link " + l.id + " records");
    } else {
      ++c.report.photos;
      c.report.proven.push_back(l.photoPath + " (" + l.kind + " of visit " + l.visitId +
                                ") was taken by " + who + " at " + l.capturedAt + "; it is item " +
                                std::to_string(l.seq) + " of that chain");
    }
  }
}

void checkChain(Ctx& c) {
  const auto* text = c.src.find("chain.json");
  if (!text || !c.fileSha.count("chain.json")) return c.fail("chain.json is missing");
  std::vector<ChainSegment> segments;
  try {
    nlohmann::json::parse(*text).at("segments").get_to(segments);
  } catch (const std::exception& e) {
    return c.fail(std::string("chain.json is not a valid chain: ") + e.what());
  }
  std::set<std::string> photosSeen;
  for (const auto& s : segments) checkSegment(c, s, photosSeen);
  for (const auto& [path, sha] : c.fileSha)
    if (path.rfind("photos/", 0) == 0 && !photosSeen.count(path))
      c.fail(path + " is not attached to any chain link");
}

}  // namespace

VerifyReport verifyBundle(const std::string& path, const std::optional<PublicKey>& expectedKey) {
  if (sodium_init() < 0) return {false, {"libsodium failed to initialise"}, {}, 0, 0, 0};
  std::error_code ec;
  const Source src =
      std::filesystem::is_directory(path, ec) ? fromDirectory(path) : fromArchive(path);
  Ctx c{src, {}, {}};
  const auto* manifest = src.find("manifest.json");
  if (!manifest) {
    c.report.problems = src.problems;
    c.report.problems.push_back(path + " holds no manifest.json");
    return c.report;
  }
  for (const auto& p : src.problems) c.fail(p);
  nlohmann::json m;
  try {
    m = nlohmann::json::parse(*manifest);
    if (m.value("format", "") != kBundleFormat)
      c.fail("the manifest is not " + std::string(kBundleFormat));
    const bool signedOk = checkSignature(c, *manifest, m, expectedKey);
    checkFiles(c, m);
    if (signedOk) checkChain(c);
  } catch (const std::exception& e) {
    c.fail(std::string("the manifest is not valid: ") + e.what());
  }
  c.report.ok = c.report.problems.empty();
  if (c.report.ok) {
    const auto& est = m.at("estate");
    c.report.proven.insert(
        c.report.proven.begin(),
        "Nothing in this bundle was changed, added or removed since it was signed by key " +
            m.value("key_fingerprint", "") + " of estate " +
            std::to_string(est.value("id", std::int64_t{0})) + " (" + est.value("name", "") +
            ") at " + m.value("created_at", "") + ".");
    if (!expectedKey)
      c.report.proven.push_back(
          "The key was taken from the bundle itself: pass --public-key with the estate's "
          "published key to prove who signed it.");
  } else {
    c.report.proven.clear();
  }
  return c.report;
}

}  // namespace gatehouse::evidence
