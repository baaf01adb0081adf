// Verifies an evidence bundle from its files alone: signature, file hashes, chain, photos.
#include <sodium.h>

#include <map>
#include <set>

#include "files.hpp"
#include "gatehouse/core/base64url.hpp"
#include "json_model.hpp"

namespace gatehouse::evidence {

namespace {

struct Ctx {
  std::string dir;
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
  auto sigText = detail::readFile(c.dir + "/signature");
  if (!sigText) return c.fail("the signature file is missing"), false;
  while (!sigText->empty() && sigText->back() == '\n') sigText->pop_back();
  const auto sig = base64urlDecode(*sigText);
  if (!sig || sig->size() != crypto_sign_BYTES)
    return c.fail("the signature file is not one base64url Ed25519 signature"), false;
  if (crypto_sign_verify_detached(sig->data(),
                                  reinterpret_cast<const unsigned char*>(manifest.data()),
                                  manifest.size(), key.data()) != 0)
    return c.fail("the signature does not match the manifest under key " + fingerprint(key)), false;
  return true;
}

// Every listed file is present with its size and sha256, and nothing else is in the bundle.
void checkFiles(Ctx& c, const nlohmann::json& m) {
  std::set<std::string> listed{"manifest.json", "signature"};
  for (const auto& f : m.at("files")) {
    const auto path = f.at("path").get<std::string>();
    if (!detail::safeRelativePath(path) || !listed.insert(path).second) {
      c.fail("the manifest lists a bad or repeated path '" + path + "'");
      continue;
    }
    c.fileSha[path] = f.at("sha256").get<std::string>();
    const auto bytes = detail::readFile(c.dir + "/" + path);
    if (!bytes) {
      c.fail(path + " is listed in the manifest but missing");
    } else if (bytes->size() != f.at("size").get<std::size_t>()) {
      c.fail(path + " has " + std::to_string(bytes->size()) + " bytes, the manifest says " +
             std::to_string(f.at("size").get<std::size_t>()));
    } else if (sha256Hex(*bytes) != c.fileSha[path]) {
      c.fail(path + " was changed: its sha256 differs from the manifest");
    }
  }
  for (const auto& path : detail::listTree(c.dir))
    if (!listed.count(path)) c.fail(path + " is in the bundle but not in the signed manifest");
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
  const auto text = detail::readFile(c.dir + "/chain.json");
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

VerifyReport verifyBundle(const std::string& dir, const std::optional<PublicKey>& expectedKey) {
  if (sodium_init() < 0) return {false, {"libsodium failed to initialise"}, {}, 0, 0, 0};
  Ctx c{dir, {}, {}};
  const auto manifest = detail::readFile(dir + "/manifest.json");
  if (!manifest) return {false, {dir + "/manifest.json is missing"}, {}, 0, 0, 0};
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
