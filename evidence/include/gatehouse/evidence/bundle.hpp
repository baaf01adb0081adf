// Evidence bundles: a directory of records, photos and chain links, a manifest of sha256s and
// an Ed25519 signature over the manifest. Written by gatehouse-admin, checked by gatehouse-verify.
//
//   BUNDLE/manifest.json   format, estate, signing key, scope, [{path, sha256, size}] of every file
//   BUNDLE/signature       base64url Ed25519 signature of manifest.json's exact bytes
//   BUNDLE/chain.json      per kiosk, the consecutive chain links from the first to the last
//                          item of the bundle (items of other visits appear as hashes only)
//   BUNDLE/records/*.json  visit records;  BUNDLE/photos/*  the photos the chain points to
//
// The same files travel as one download (the server's staff route) in a canonical ustar
// archive, BUNDLE.tar: manifest.json, signature, then the manifest's files in its order.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gatehouse/core/result.hpp"
#include "gatehouse/evidence/chain.hpp"
#include "gatehouse/evidence/key.hpp"

namespace gatehouse::evidence {

inline constexpr const char* kBundleFormat = "gatehouse-evidence-bundle/1";

struct ChainSegment {
  std::optional<std::int64_t> kioskId;  // nullopt: the estate's console chain
  std::string kioskName;
  std::vector<ChainLink> links;  // consecutive, in chain order
};

struct BundleFile {
  std::string path;  // relative, e.g. "photos/<id>.jpg"
  std::string bytes;
};

struct BundleContent {
  std::string estateName;
  std::string scope;      // what was exported, in words
  std::string createdAt;  // UTC
  std::vector<BundleFile> files;
  std::vector<ChainSegment> chain;
};

// Writes the bundle into `dir` (created; must not exist or be empty).
Status writeBundle(const std::string& dir, const BundleContent& content, const EvidenceKey& key);

// The bundle as one archive file's bytes (see above); `tar -xf` unpacks it into the directory form.
Result<std::string> archiveBundle(const BundleContent& content, const EvidenceKey& key);

struct VerifyReport {
  bool ok = false;
  std::vector<std::string> problems;  // why it failed, one sentence each
  std::vector<std::string> proven;    // what it proves, in plain words
  int photos = 0;
  int links = 0;
  int purged = 0;
};

// Checks the signature (against `expectedKey` when given, else the key the bundle names, which
// proves integrity only), every file's size and sha256, that no file was added or removed, the
// chain order and every link. Reads only files; no database. `path` is a bundle directory or
// an archive file; an archive must also be byte for byte one archiveBundle could have written.
VerifyReport verifyBundle(const std::string& path, const std::optional<PublicKey>& expectedKey);

}  // namespace gatehouse::evidence
