// gatehouse-admin: migrations, demo data, people and kiosks from the command line.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "gatehouse/backend/admin.hpp"
#include "gatehouse/backend/durability.hpp"
#include "gatehouse/backend/migrator.hpp"
#include "gatehouse/backend/ops_admin.hpp"
#include "gatehouse/backend/privacy_admin.hpp"
#include "gatehouse/core/document_hash.hpp"

using namespace gatehouse::backend;
using gatehouse::appendSigningKey;
using gatehouse::SigningKey;
using gatehouse::signingKeyFilePath;

namespace {

constexpr const char* kUsage = R"(usage: gatehouse-admin [--database-url URL] COMMAND [options]

The database URL comes from --database-url, else GATEHOUSE_DATABASE_URL.

commands:
  migrate                         apply pending migrations (each in its own transaction), then
                                  the changed function files (sql/functions), under one lock
  status                          list migrations and function files and whether they are
                                  applied (exit 3 if any is pending); warns when the
                                  server can lose acknowledged commits (fsync, synchronous_commit,
                                  full_page_writes off)
  seed-demo --signing-key-file F [--env-file FILE]
                                  load the demo estate; F gets its pass-signing keys, a file
                                  document-pepper beside F its document pepper (kept if there),
                                  FILE the kiosk ids and tokens
  rotate-key --estate ID --signing-key-file F   new pass-signing key (old ones still verify)
  revoke-key --estate ID --key N                revoke a pass-signing key at once
  export-signing-keys --signing-key-file F      move pre-0303 secrets from the database to F
  rehash-documents --pepper-file F              rekey document hashes stored before the pepper
                                  (HMAC over the old digests; no document number is needed)
  import-residents FILE --estate ID
                                  CSV: unit,building,full_name,email,phone[,password]
  set-password EMAIL              new password read from stdin (one line)
  create-kiosk --estate ID --name NAME [--location L]   prints the kiosk id and its token
  create-estate NAME [--timezone TZ] --signing-key-file F
)";

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;
  std::string get(const std::string& k, const std::string& def = {}) const {
    auto it = options.find(k);
    return it == options.end() ? def : it->second;
  }
  std::string need(const std::string& k) const {
    auto it = options.find(k);
    if (it == options.end() || it->second.empty()) throw std::invalid_argument("missing --" + k);
    return it->second;
  }
};

// The demo's document pepper beside the signing key file (0600), kept when it exists already.
std::string writeDemoPepper(const std::string& keyFile) {
  namespace fs = std::filesystem;
  const fs::path path = fs::path(keyFile).parent_path() / "document-pepper";
  std::error_code ec;
  if (fs::exists(path, ec)) return path.string();
  {
    std::ofstream out(path, std::ios::trunc);
    if (!out) throw std::invalid_argument("cannot write " + path.string());
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write, ec);
    out << gatehouse::newDocumentPepper() << "\n";
    if (!out.flush()) throw std::invalid_argument("cannot write " + path.string());
  }
  return path.string();
}

std::string readLine() {
  std::string s;
  std::getline(std::cin, s);
  if (!s.empty() && s.back() == '\r') s.pop_back();
  return s;
}

// --signing-key-file, else $CREDENTIALS_DIRECTORY/gatehouse-signing-keys.
std::string needKeyFile(const Args& a) {
  const auto f = signingKeyFilePath(a.get("signing-key-file"));
  if (f.empty())
    throw std::invalid_argument("missing --signing-key-file (or $CREDENTIALS_DIRECTORY)");
  return f;
}

int migrate(Connection& c, const Args&) {
  const auto run = Migrator(c).run();
  if (run.migrations == 0 && run.repeatables.empty()) std::cout << "database is up to date\n";
  if (run.migrations) std::cout << "applied " << run.migrations << " migration(s)\n";
  if (!run.repeatables.empty())
    std::cout << "applied " << run.repeatables.size() << " function file(s)\n";
  return 0;
}

// Exit 3 when a migration or function file is pending or edited.
int status(Connection& c, const Args&) {
  bool bad = false;
  for (const auto& s : Migrator(c).status()) {
    std::cout << (s.checksumMismatch ? "EDITED "
                  : s.applied        ? "applied "
                                     : "pending ")
              << s.migration.name << (s.applied ? "  " + s.appliedAt : "") << "\n";
    bad = bad || s.checksumMismatch || !s.applied;
  }
  for (const auto& s : Migrator(c).repeatableStatus()) {
    std::cout << (!s.applied  ? "pending "
                  : s.changed ? "changed "
                              : "applied ")
              << "functions/" << s.file.name << (s.applied ? "  " + s.appliedAt : "") << "\n";
    bad = bad || s.pending();
  }
  for (const auto& problem : checkDurability(c).problems)
    std::cout << "WARNING " << problem
              << ": acknowledged commits can be lost on a crash (see docs/OPERATIONS.md)\n";
  return bad ? 3 : 0;
}

int seedDemoEstate(Connection& c, const Args& a) {
  const auto keyFile = needKeyFile(a);
  const auto d = seedDemo(c);
  for (const auto& k : d.signingKeys)
    if (auto ok = appendSigningKey(keyFile, k); !ok)
      throw std::invalid_argument(ok.error().message);
  const auto pepperFile = writeDemoPepper(keyFile);
  std::cout << "document pepper in " << pepperFile << "\n";
  std::cout << "demo estate 'Harbour View' id " << d.estateId << ": " << d.residentEmails.size()
            << " residents, " << d.guardEmails.size() << " guards, 1 admin, " << d.kiosks.size()
            << " kiosks\n"
            << "logins (password '" << d.residentPassword << "'): " << d.residentEmails.front()
            << " .. " << d.residentEmails.back() << ", " << d.guardEmails.front() << ", "
            << d.adminEmail << "\n";
  if (auto file = a.get("env-file"); !file.empty()) {
    std::ofstream out(file);
    out << "GATEHOUSE_DEMO_ESTATE_ID=" << d.estateId << "\n";
    for (std::size_t i = 0; i < d.kiosks.size(); ++i)
      out << "GATEHOUSE_DEMO_KIOSK" << i + 1 << "_ID=" << d.kiosks[i].kioskId << "\n"
          << "GATEHOUSE_DEMO_KIOSK" << i + 1 << "_TOKEN=" << d.kiosks[i].token << "\n";
  }
  return 0;
}

const std::string& argument(const Args& a, const char* what) {
  if (a.positional.size() < 2)
    throw std::invalid_argument(a.positional[0] + " needs " + std::string(what));
  return a.positional[1];
}

int importResidentsFile(Connection& c, const Args& a) {
  const auto& file = argument(a, "a FILE");
  std::ifstream in(file);
  if (!in) throw std::invalid_argument("cannot open " + file);
  const int n = importResidents(c, std::stoll(a.need("estate")), in);
  std::cout << "imported " << n << " resident(s)\n";
  return 0;
}

int setPasswordFromStdin(Connection& c, const Args& a) {
  setPassword(c, argument(a, "an EMAIL"), readLine());
  std::cout << "password set\n";
  return 0;
}

int createKioskCmd(Connection& c, const Args& a) {
  const auto k = createKiosk(c, std::stoll(a.need("estate")), a.need("name"), a.get("location"));
  std::cout << "kiosk_id=" << k.kioskId << "\nkiosk_token=" << k.token << "\n";
  return 0;
}

void appendKey(const std::string& keyFile, const SigningKey& key) {
  if (auto ok = appendSigningKey(keyFile, key); !ok)
    throw std::invalid_argument(ok.error().message);
}

int createEstateCmd(Connection& c, const Args& a) {
  const auto& name = argument(a, "a NAME");
  const auto keyFile = needKeyFile(a);
  SigningKey key;
  const auto id = createEstate(c, name, a.get("timezone", "UTC"), key);
  appendKey(keyFile, key);
  std::cout << "estate_id=" << id << "\nkey_id=" << int(key.keyId) << " (secret in " << keyFile
            << ")\n";
  return 0;
}

int rotateKeyCmd(Connection& c, const Args& a) {
  const auto keyFile = needKeyFile(a);
  const auto key = rotateEstateKey(c, std::stoll(a.need("estate")));
  appendKey(keyFile, key);
  std::cout << "key_id=" << int(key.keyId) << " signs new passes (secret in " << keyFile
            << "); older keys verify until their passes expire\n";
  return 0;
}

int revokeKeyCmd(Connection& c, const Args& a) {
  revokeEstateKey(c, std::stoll(a.need("estate")),
                  static_cast<std::uint8_t>(std::stoi(a.need("key"))));
  std::cout << "key revoked; kiosks drop it at their next key refresh\n";
  return 0;
}

int rehashDocumentsCmd(Connection& c, const Args& a) {
  auto pepper = gatehouse::readDocumentPepper(a.need("pepper-file"));
  if (!pepper) throw std::invalid_argument(pepper.error().message);
  const auto n = rehashDocuments(c, pepper.value());
  std::cout << "rekeyed " << n.visitors << " visitor and " << n.watchlist
            << " watchlist document hash(es)\n";
  return 0;
}

int exportSigningKeysCmd(Connection& c, const Args& a) {
  const auto keyFile = needKeyFile(a);
  std::cout << "moved " << exportLegacySigningKeys(c, keyFile) << " key(s) to " << keyFile << "\n";
  return 0;
}

using Command = int (*)(Connection&, const Args&);
const std::map<std::string, Command>& commands() {
  static const std::map<std::string, Command> table = {
      {"migrate", migrate},
      {"status", status},
      {"seed-demo", seedDemoEstate},
      {"import-residents", importResidentsFile},
      {"set-password", setPasswordFromStdin},
      {"create-kiosk", createKioskCmd},
      {"create-estate", createEstateCmd},
      {"rotate-key", rotateKeyCmd},
      {"revoke-key", revokeKeyCmd},
      {"rehash-documents", rehashDocumentsCmd},
      {"export-signing-keys", exportSigningKeysCmd},
  };
  return table;
}

int run(const Args& a) {
  if (a.positional.empty()) throw std::invalid_argument("no command");
  const auto& cmd = a.positional[0];
  const auto url = resolveDatabaseUrl(a.get("database-url"));
  if (url.empty())
    throw std::invalid_argument("no database: pass --database-url or set GATEHOUSE_DATABASE_URL");
  if (isOpsCommand(cmd, a.options)) return runOpsCommand(url, a.positional, a.options, std::cin);
  Connection c(url);
  if (auto it = commands().find(cmd); it != commands().end()) return it->second(c, a);
  if (auto rc = runPrivacyCommand(c, a.positional, a.options, std::cout)) return *rc;
  throw std::invalid_argument("unknown command " + cmd);
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string s = argv[i];
    if (s == "-h" || s == "--help") {
      std::cout << kUsage << kPrivacyUsage << kOpsUsage;
      return 0;
    }
    if (s.rfind("--", 0) == 0) {
      const auto eq = s.find('=');
      if (eq != std::string::npos)
        a.options[s.substr(2, eq - 2)] = s.substr(eq + 1);
      else if (i + 1 < argc && !isOpsFlag(s.substr(2)))
        a.options[s.substr(2)] = argv[++i];
      else
        a.options[s.substr(2)] = "";
    } else {
      a.positional.push_back(s);
    }
  }
  try {
    return run(a);
  } catch (const std::invalid_argument& e) {
    std::cerr << "gatehouse-admin: " << e.what() << "\n\n" << kUsage << kPrivacyUsage << kOpsUsage;
    return 2;
  } catch (const Error& e) {
    std::cerr << "gatehouse-admin: " << toString(e.kind()) << ": " << e.what() << "\n";
    return 1;
  }
}
