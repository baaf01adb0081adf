// Writes an evidence bundle: files, chain.json, a manifest of their sha256s, the signature.
#include <sodium.h>

#include <filesystem>
#include <set>

#include "files.hpp"
#include "gatehouse/core/base64url.hpp"
#include "json_model.hpp"

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

}  // namespace

Status writeBundle(const std::string& dir, const BundleContent& content, const EvidenceKey& key) {
  namespace fs = std::filesystem;
  if (auto s = checkPaths(content); !s) return s;
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec))
    return makeError("exists", dir + " exists and is not empty");
  fs::create_directories(dir, ec);
  if (ec) return makeError("io", "cannot create " + dir + ": " + ec.message());

  auto files = content.files;
  files.push_back({"chain.json", nlohmann::json({{"segments", content.chain}}).dump(2) + "\n"});
  for (const auto& f : files)
    if (!detail::writeFile(dir + "/" + f.path, f.bytes, true))
      return makeError("io", "cannot write " + dir + "/" + f.path);

  const std::string manifest = manifestFor(content, files, key).dump(2) + "\n";
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(manifest.data()),
                       manifest.size(), key.secretKey.data());
  if (!detail::writeFile(dir + "/manifest.json", manifest, true) ||
      !detail::writeFile(dir + "/signature", base64urlEncode(sig, sizeof sig) + "\n", true))
    return makeError("io", "cannot write the manifest or signature in " + dir);
  return Ok{};
}

}  // namespace gatehouse::evidence
