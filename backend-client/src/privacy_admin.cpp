// gatehouse-admin: retention, purge, legal hold, subject export/erase, evidence key and export.
#include "gatehouse/backend/privacy_admin.hpp"

#include <chrono>
#include <functional>
#include <stdexcept>

#include "gatehouse/backend/evidence_export.hpp"
#include "gatehouse/backend/privacy.hpp"
#include "gatehouse/backend/subject.hpp"
#include "gatehouse/core/document_hash.hpp"

namespace gatehouse::backend {

const char* const kPrivacyUsage = R"(privacy and evidence:
  retention show --estate ID
  retention set --estate ID [--photos-days D] [--id-days D] [--names-days D]
                [--notifications-days D]
  purge [--now TIMESTAMP] [--batch N]      one purge run (the worker runs it periodically)
  hold place|release --visit UUID --reason TEXT
  verify-chain --estate ID [--kiosk ID]   (no --kiosk: the console's chain)
  subject-export --estate ID (--name N | --phone P | --document NUMBER --pepper-file F) --out FILE.tar
  subject-erase --estate ID (--name N | --phone P | --document NUMBER --pepper-file F)
                --confirm ERASE
  evidence-key init --estate ID --out FILE     prints the public key
  evidence-key show --estate ID
  evidence-export (--visit UUID | --kiosk ID --from TS --to TS) --out DIR|FILE.tar [--key FILE]
                                  FILE.tar: the one-file form the server's staff route sends
                                  key file: --key, else $CREDENTIALS_DIRECTORY/evidence-key
)";

namespace {

using Options = std::map<std::string, std::string>;

struct Opts {
  const Options& o;
  std::string get(const std::string& k) const {
    auto it = o.find(k);
    return it == o.end() ? std::string() : it->second;
  }
  std::string need(const std::string& k) const {
    auto v = get(k);
    if (v.empty()) throw std::invalid_argument("missing --" + k);
    return v;
  }
  std::optional<std::int64_t> optInt(const std::string& k) const {
    const auto v = get(k);
    if (v.empty()) return std::nullopt;
    std::size_t used = 0;
    long long n = 0;
    try {
      n = std::stoll(v, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != v.size()) throw std::invalid_argument("--" + k + " must be a whole number");
    return n;
  }
  std::int64_t needInt(const std::string& k) const {
    need(k);
    return *optInt(k);
  }
  std::optional<int> days(const std::string& k) const {
    auto v = optInt(k);
    if (v && (*v < 1 || *v > 3650)) throw std::invalid_argument("--" + k + " must be 1 to 3650");
    return v ? std::optional<int>(static_cast<int>(*v)) : std::nullopt;
  }
  Uuid uuid(const std::string& k) const {
    auto u = Uuid::parse(need(k));
    if (!u) throw std::invalid_argument("--" + k + " is not a UUID");
    return *u;
  }
};

void printRetention(const Retention& r, std::ostream& out) {
  out << "estate " << r.estateId << ": photos " << r.photosDays << " days, ID documents "
      << r.idDataDays << " days, visitor names " << r.namesDays << " days, notifications "
      << r.notificationsDays << " days, expired sessions and tokens at once\n";
}

int retention(Connection& c, const std::string& sub, const Opts& o, std::ostream& out) {
  const auto estate = o.needInt("estate");
  if (sub == "show") {
    printRetention(getRetention(c, estate), out);
  } else if (sub == "set") {
    RetentionChange ch{o.days("photos-days"), o.days("id-days"), o.days("names-days"),
                       o.days("notifications-days")};
    if (!ch.photosDays && !ch.idDataDays && !ch.namesDays && !ch.notificationsDays)
      throw std::invalid_argument("retention set needs at least one --*-days option");
    printRetention(setRetention(c, estate, ch), out);
  } else {
    throw std::invalid_argument("retention needs show or set");
  }
  return 0;
}

int purge(Connection& c, const Opts& o, std::ostream& out) {
  auto now = std::chrono::system_clock::now();
  if (auto ts = o.get("now"); !ts.empty()) {
    const auto secs =
        c.exec("SELECT extract(epoch FROM $1::timestamptz)::float8 AS s", {ts})[0].float64("s");
    now = std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::duration<double>(secs)));
  }
  const auto batch = o.optInt("batch").value_or(100);
  if (batch < 1 || batch > 10000) throw std::invalid_argument("--batch must be 1 to 10000");
  const auto run = runRetentionPurge(c, now, static_cast<int>(batch));
  for (const auto& m : run.messages) out << m << "\n";
  if (run.messages.empty()) out << "nothing to purge\n";
  out << run.batches << " batch(es), longest "
      << static_cast<double>(run.longestBatch.count()) / 1000.0 << " ms\n";
  return 0;
}

int hold(Connection& c, const std::string& sub, const Opts& o, std::ostream& out) {
  const auto visit = o.uuid("visit");
  if (sub == "place") {
    const auto id = placeHold(c, visit, o.need("reason"));  // before any output: it may throw
    out << "hold " << id << " placed on visit " << visit.toString() << "\n";
  } else if (sub == "release") {
    releaseHold(c, visit, o.need("reason"));
    out << "hold on visit " << visit.toString() << " released\n";
  } else {
    throw std::invalid_argument("hold needs place or release");
  }
  return 0;
}

int verifyChainCmd(Connection& c, const Opts& o, std::ostream& out) {
  const auto r = verifyChain(c, o.needInt("estate"), o.optInt("kiosk"));
  if (r.brokenAt) {
    out << "BROKEN at evidence " << r.brokenAt->toString() << "\n";
    return 3;
  }
  out << "chain intact: " << r.items << " item(s), " << r.purged << " purged (kept as hashes)\n";
  return 0;
}

SubjectQuery subject(const Opts& o) {
  SubjectQuery q{o.needInt("estate"), o.get("name"), o.get("phone"), o.get("document"), {}};
  if (!o.get("pepper-file").empty()) {
    auto pepper = readDocumentPepper(o.get("pepper-file"));
    if (!pepper) throw std::invalid_argument(pepper.error().message);
    q.documentPepper = pepper.value();
  }
  return q;
}

int evidenceKey(Connection& c, const std::string& sub, const Opts& o, std::ostream& out) {
  const auto estate = o.needInt("estate");
  if (sub == "init") {
    const auto key = initEvidenceKey(c, estate, o.need("out"));  // before any output
    out << "public_key=" << key << "\n";
  } else if (sub == "show") {
    const auto k = evidencePublicKey(c, estate);
    if (k.empty()) throw std::invalid_argument("estate has no evidence key; run evidence-key init");
    out << "public_key=" << k << "\n";
  } else {
    throw std::invalid_argument("evidence-key needs init or show");
  }
  return 0;
}

int evidenceExportCmd(Connection& c, const Opts& o, std::ostream& out) {
  const auto path = evidence::resolveKeyPath(o.get("key"));
  if (path.empty())
    throw std::invalid_argument("no evidence key: pass --key or set CREDENTIALS_DIRECTORY");
  const auto key = evidence::loadKeyFile(path);
  if (!key) throw std::invalid_argument(key.error().message);
  EvidenceScope scope;
  if (!o.get("visit").empty()) scope.visit = o.uuid("visit");
  scope.kioskId = o.optInt("kiosk");
  scope.from = o.get("from");
  scope.to = o.get("to");
  const auto dir = o.need("out");
  const auto r = exportEvidence(c, scope, *key, dir);
  out << "wrote " << dir << ": " << r.visits << " visit(s), " << r.photos << " photo(s), "
      << r.links << " chain link(s); check with: gatehouse-verify " << dir << " --public-key "
      << evidence::encodePublicKey(key->publicKey) << "\n";
  return 0;
}

}  // namespace

std::optional<int> runPrivacyCommand(Connection& c, const std::vector<std::string>& positional,
                                     const Options& options, std::ostream& out) {
  const Opts o{options};
  const auto& cmd = positional.at(0);
  const std::string sub = positional.size() > 1 ? positional[1] : "";
  if (cmd == "retention") return retention(c, sub, o, out);
  if (cmd == "purge") return purge(c, o, out);
  if (cmd == "hold") return hold(c, sub, o, out);
  if (cmd == "verify-chain") return verifyChainCmd(c, o, out);
  if (cmd == "evidence-key") return evidenceKey(c, sub, o, out);
  if (cmd == "evidence-export") return evidenceExportCmd(c, o, out);
  if (cmd == "subject-export") {
    const auto r = exportSubject(c, subject(o), o.need("out"));
    out << "wrote " << o.get("out") << ": " << r.visits << " visit(s), " << r.photos
        << " photo(s)\n";
    return 0;
  }
  if (cmd == "subject-erase") {
    if (o.get("confirm") != "ERASE")
      throw std::invalid_argument("subject-erase needs --confirm ERASE");
    const auto r = eraseSubject(c, subject(o));
    out << "anonymised " << r.visits << " visit(s), deleted " << r.photos << " photo(s) and "
        << r.alertPhotos << " alert photo(s)\n";
    return 0;
  }
  return std::nullopt;
}

}  // namespace gatehouse::backend
