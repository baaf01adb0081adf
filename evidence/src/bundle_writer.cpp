// Writes an evidence bundle: files, chain.json, a manifest of their sha256s, the signature.
#include <sodium.h>

#include <filesystem>
#include <set>

#include "files.hpp"
#include "gatehouse/core/base64url.hpp"
#include "json_model.hpp"
#include "tar.hpp"

namespace gatehouse::evidence {

namespace {

Status checkPaths(const BundleContent& content) {
  std::set<std::string> seen{"manifest.json", "signature", "chain.json"};
  for (const auto& f : content.files) {
    if (!detail::safeRelativePath(f.path))
      return makeError("bad_path", "bundle path '" + f.path + "' is not a plain relative path");
    if (!seen.insert(f.path).second)
      return makeError("bad_path", "bundle path '" + f.path + "' is used twice");
  }
  return Ok{};
}

nlohmann::json manifestFor(const BundleContent& content, const std::vector<BundleFile>& files,
                           const EvidenceKey& key) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& f : files)
    list.push_back({{"path", f.path}, {"sha256", sha256Hex(f.bytes)}, {"size", f.bytes.size()}});
  return {{"format", kBundleFormat},
          {"estate", {{"id", key.estateId}, {"name", content.estateName}}},
          {"public_key", encodePublicKey(key.publicKey)},
          {"key_fingerprint", fingerprint(key.publicKey)},
          {"scope", content.scope},
          {"created_at", content.createdAt},
          {"files", list}};
}

// Every file of the bundle in its signed order: manifest.json, signature, then the manifest's
// list (the content's files, chain.json).
Result<std::vector<BundleFile>> signedFiles(const BundleContent& content, const EvidenceKey& key) {
  if (auto s = checkPaths(content); !s) return s.error();
  auto files = content.files;
  files.push_back({"chain.json", nlohmann::json({{"segments", content.chain}}).dump(2) + "\n"});
  const std::string manifest = manifestFor(content, files, key).dump(2) + "\n";
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(manifest.data()),
                       manifest.size(), key.secretKey.data());
  files.insert(files.begin(), {{"manifest.json", manifest},
                               {"signature", base64urlEncode(sig, sizeof sig) + "\n"}});
  return files;
}

}  // namespace

Status writeBundle(const std::string& dir, const BundleContent& content, const EvidenceKey& key) {
  namespace fs = std::filesystem;
  auto files = signedFiles(content, key);
  if (!files) return files.error();
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec))
    return makeError("exists", dir + " exists and is not empty");
  fs::create_directories(dir, ec);
  if (ec) return makeError("io", "cannot create " + dir + ": " + ec.message());
  for (const auto& f : *files)
    if (!detail::writeFile(dir + "/" + f.path, f.bytes, true))
      return makeError("io", "cannot write " + dir + "/" + f.path);
  return Ok{};
}

Result<std::string> archiveBundle(const BundleContent& content, const EvidenceKey& key) {
  auto files = signedFiles(content, key);
  if (!files) return files.error();
  for (const auto& f : *files)
    if (f.path.size() > 99)
      return makeError("bad_path", "bundle path '" + f.path + "' is too long for an archive");
  return detail::writeTar(*files);
}

}  // namespace gatehouse::evidence
