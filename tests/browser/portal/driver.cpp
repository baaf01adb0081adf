// Browser-test driver: prepares a fresh database with the demo estate, starts the portal in
// process, offers a small control API that plays the kiosk, then runs the node test given on
// the command line and exits with its status.
#include <httplib.h>
#include <spawn.h>
#include <sys/wait.h>
#include <zlib.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "gatehouse/backend/admin.hpp"
#include "gatehouse/backend/kiosk_client.hpp"
#include "gatehouse/core/pass.hpp"
#include "gatehouse/portal/portal.hpp"
#include "gatehouse/testing/signing_key_file.hpp"
#include "gatehouse/testing/test_database.hpp"

extern char** environ;

namespace {

using json = nlohmann::json;
using namespace gatehouse;

// A small synthetic portrait (PNG) so the page has real images to show.
std::string portraitPng(int hue) {
  const int w = 160, h = 160;
  std::string raw;
  for (int y = 0; y < h; ++y) {
    raw += '\0';
    for (int x = 0; x < w; ++x) {
      double dxh = x - 80, dyh = y - 62, dxb = x - 80, dyb = y - 170;
      bool head = dxh * dxh + dyh * dyh < 34 * 34;
      bool body = dxb * dxb / (62.0 * 62.0) + dyb * dyb / (70.0 * 70.0) < 1.0;
      unsigned char r, g, b;
      if (head) {
        r = 236;
        g = 200;
        b = 170;
      } else if (body) {
        r = static_cast<unsigned char>(40 + hue);
        g = 70;
        b = static_cast<unsigned char>(160 - hue / 2);
      } else {
        r = 210;
        g = static_cast<unsigned char>(220 - y / 4);
        b = 235;
      }
      raw += static_cast<char>(r);
      raw += static_cast<char>(g);
      raw += static_cast<char>(b);
    }
  }
  uLongf zlen = compressBound(static_cast<uLong>(raw.size()));
  std::string z(zlen, '\0');
  compress(reinterpret_cast<Bytef*>(z.data()), &zlen, reinterpret_cast<const Bytef*>(raw.data()),
           static_cast<uLong>(raw.size()));
  z.resize(zlen);
  auto be32 = [](std::uint32_t v) {
    return std::string{static_cast<char>(v >> 24), static_cast<char>(v >> 16),
                       static_cast<char>(v >> 8), static_cast<char>(v)};
  };
  auto chunk = [&](const std::string& type, const std::string& data) {
    std::string c = type + data;
    auto crc = crc32(0, reinterpret_cast<const Bytef*>(c.data()), static_cast<uInt>(c.size()));
    return be32(static_cast<std::uint32_t>(data.size())) + c +
           be32(static_cast<std::uint32_t>(crc));
  };
  std::string ihdr = be32(w) + be32(h) + std::string{8, 2, 0, 0, 0};
  return std::string("\x89PNG\r\n\x1a\n", 8) + chunk("IHDR", ihdr) + chunk("IDAT", z) +
         chunk("IEND", "");
}

backend::Evidence photo(const Uuid& visit, backend::EvidenceKind kind, int hue) {
  backend::Evidence e;
  e.evidenceId = Uuid::random();
  e.visitId = visit;
  e.kind = kind;
  e.contentType = "image/png";
  auto png = portraitPng(hue);
  e.data.assign(png.begin(), png.end());
  e.capturedAt = std::chrono::system_clock::now();
  return e;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: portal_browser_driver <command...>\n";
    return 2;
  }
  testing::TestDatabase db;
  backend::Connection admin(db.url());
  auto demo = backend::seedDemo(admin);

  portal::PortalConfig cfg;
  gatehouse::testing::SigningKeyFile keyFile(demo.signingKeys);
  cfg.databaseUrl = db.urlAs("gatehouse_server");
  cfg.signingKeyFile = keyFile.path();
  cfg.port = 0;
  cfg.secret = "browser-test-secret-0123456789abcdef";
  cfg.accessLog = false;
  // Push on (a fresh VAPID key), so the page offers it; SMTP off, so it does not offer email.
  std::string vapidFile = "/tmp/gh-browser-vapid-" + std::to_string(::getpid()) + ".pem";
  std::remove(vapidFile.c_str());
  if (!portal::generateVapidKey(vapidFile)) return 1;
  cfg.vapidKeyFile = vapidFile;
  portal::Portal portal(cfg);
  portal.start();

  std::mutex kioskMu;
  backend::KioskClient kiosk(db.urlAs("gatehouse_kiosk"),
                             {demo.kiosks[0].kioskId, demo.kiosks[0].token});
  std::map<std::string, ExitToken> badges;

  httplib::Server control;
  auto reply = [](httplib::Response& res, const json& j, int status = 200) {
    res.status = status;
    res.set_content(j.dump(), "application/json");
  };
  control.Post("/request-visit", [&](const httplib::Request& req, httplib::Response& res) {
    auto b = json::parse(req.body);
    std::lock_guard lock(kioskMu);
    backend::VisitRequest r;
    r.visitId = Uuid::random();
    r.unitId = std::stoll(db.exec("SELECT id FROM gh.unit WHERE label = '" +
                                  b.value("unit", std::string("A-101")) + "'"));
    r.visitorName = b.value("name", std::string("Visitor"));
    r.purpose = b.value("purpose", std::string());
    r.requestedAt = std::chrono::system_clock::now();
    kiosk.requestVisit(r);
    if (b.value("photo", false))
      kiosk.addEvidence(photo(r.visitId, backend::EvidenceKind::EntryPhoto, 60));
    reply(res, {{"visit", r.visitId.toString()}});
  });
  control.Get("/visit-status", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(kioskMu);
    auto st = kiosk.visitStatus(*Uuid::parse(req.get_param_value("id")));
    reply(res,
          {{"status", backend::toString(st.status)}, {"channel", st.decisionChannel.value_or("")}});
  });
  control.Post("/enter-and-leave", [&](const httplib::Request& req, httplib::Response& res) {
    auto id = *Uuid::parse(json::parse(req.body)["visit"].get<std::string>());
    std::lock_guard lock(kioskMu);
    auto badge = ExitToken::generate(id);
    kiosk.checkIn(id, badge.secretHashHex(), std::chrono::system_clock::now());
    kiosk.addEvidence(photo(id, backend::EvidenceKind::ExitPhoto, 180));
    auto out = kiosk.checkOut(Uuid::random(), badge, std::chrono::system_clock::now());
    reply(res, {{"outcome", backend::toString(out)}});
  });
  control.Post("/verify-pass", [&](const httplib::Request& req, httplib::Response& res) {
    auto text = json::parse(req.body)["text"].get<std::string>();
    std::lock_guard lock(kioskMu);
    auto keys = kiosk.estateKeys();
    auto pass =
        verifyPass(text, [&](std::int64_t estate, std::uint8_t keyId) -> std::optional<PublicKey> {
          for (auto& k : keys)
            if (k.estateId == estate && k.keyId == keyId) return k.publicKey;
          return std::nullopt;
        });
    if (!pass) return reply(res, {{"error", pass.error().code}}, 422);
    reply(res, {{"invitation", pass->invitationId.toString()},
                {"guest", pass->guestName},
                {"unit", pass->unitLabel},
                {"weekdays", pass->weekdays},
                {"day_start", pass->dayStartMinute},
                {"day_end", pass->dayEndMinute}});
  });
  control.Post("/use-invitation", [&](const httplib::Request& req, httplib::Response& res) {
    auto id = *Uuid::parse(json::parse(req.body)["invitation"].get<std::string>());
    std::lock_guard lock(kioskMu);
    try {
      auto v = kiosk.useInvitation({Uuid::random(), id, "", std::chrono::system_clock::now()});
      reply(res, {{"status", backend::toString(v.status)}});
    } catch (const backend::Error& e) {
      reply(res, {{"error", e.detail()}}, 409);
    }
  });
  control.Get("/magic-link", [&](const httplib::Request& req, httplib::Response& res) {
    auto visit = *Uuid::parse(req.get_param_value("visit"));
    auto person = std::stoll(
        db.exec("SELECT id FROM gh.person WHERE email = '" + req.get_param_value("email") + "'"));
    reply(res, {{"url", portal.url() + "/m#" + portal.magicLinkToken(visit, person)}});
  });
  // What a push to a (registered) device of `email` would carry; the browser test delivers it
  // to the service worker through the DevTools protocol, as no push service is reachable here.
  control.Post("/push-payload", [&](const httplib::Request& req, httplib::Response& res) {
    auto b = json::parse(req.body);
    auto visit = *Uuid::parse(b["visit"].get<std::string>());
    auto person = std::stoll(
        db.exec("SELECT id FROM gh.person WHERE email = '" + b["email"].get<std::string>() + "'"));
    auto sub = std::stoll(db.exec(
        "INSERT INTO gh.push_subscription (estate_id, person_id, endpoint, p256dh, auth, label) "
        "SELECT estate_id, id, 'https://push.invalid/' || gen_random_uuid(), repeat('A', 87), "
        "repeat('A', 22), 'browser' FROM gh.person WHERE id = " +
        std::to_string(person) + " RETURNING id"));
    std::string type = b.value("type", std::string("visit_request"));
    json p{{"type", type},
           {"visit", visit.toString()},
           {"visitor", b.value("visitor", std::string("Visitor"))},
           {"tag", "visit-" + visit.toString()}};
    if (type == "visit_request") {
      p["purpose"] = b.value("purpose", std::string());
      p["gate"] = "Main gate";
      p["actions"] = true;
      p["token"] = portal.pushActionToken(visit, person, sub);
    } else {
      p["status"] = b.value("status", std::string("approved"));
      p["by"] = b.value("by", std::string());
    }
    reply(res, {{"data", p.dump()}});
  });
  control.Post("/estate-guest-info", [&](const httplib::Request& req, httplib::Response& res) {
    auto b = json::parse(req.body);
    admin.exec("UPDATE gh.estate SET guest_address = $1, guest_directions = $2",
               {b.value("address", std::string()), b.value("directions", std::string())});
    reply(res, {{"ok", true}});
  });
  control.Post("/expire-invitation", [&](const httplib::Request& req, httplib::Response& res) {
    auto id = *Uuid::parse(json::parse(req.body)["invitation"].get<std::string>());
    admin.exec("UPDATE gh.invitation SET valid_until = now() WHERE id = $1", {id});
    reply(res, {{"ok", true}});
  });
  control.Post("/escalate", [&](const httplib::Request& req, httplib::Response& res) {
    auto id = *Uuid::parse(json::parse(req.body)["visit"].get<std::string>());
    admin.exec("SELECT gh.escalate($1)", {id});
    reply(res, {{"ok", true}});
  });
  control.Post("/decide-by-link", [&](const httplib::Request& req, httplib::Response& res) {
    auto b = json::parse(req.body);
    auto visit = *Uuid::parse(b["visit"].get<std::string>());
    auto person = std::stoll(
        db.exec("SELECT id FROM gh.person WHERE email = '" + b["email"].get<std::string>() + "'"));
    httplib::Client c("127.0.0.1", portal.port());
    auto r = c.Post("/api/magic/decide",
                    json{{"token", portal.magicLinkToken(visit, person)}, {"approve", true}}.dump(),
                    "application/json");
    reply(res, {{"status", r ? r->status : 0}});
  });
  control.set_exception_handler(
      [&](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          reply(res, {{"error", e.what()}}, 500);
        }
      });
  int controlPort = control.bind_to_any_port("127.0.0.1");
  std::thread controlThread([&] { control.listen_after_bind(); });

  std::string portalUrl = portal.url();
  std::string controlUrl = "http://127.0.0.1:" + std::to_string(controlPort);
  setenv("PORTAL_URL", portalUrl.c_str(), 1);
  setenv("CONTROL_URL", controlUrl.c_str(), 1);
  std::cout << "driver: portal " << portalUrl << ", control " << controlUrl << std::endl;

  pid_t pid = 0;
  int rc = posix_spawnp(&pid, argv[1], nullptr, nullptr, argv + 1, environ);
  int status = 1;
  if (rc != 0) {
    std::cerr << "driver: cannot start " << argv[1] << "\n";
  } else {
    waitpid(pid, &status, 0);
    status = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
  }
  control.stop();
  controlThread.join();
  portal.stop(std::chrono::seconds(2));
  std::remove(vapidFile.c_str());
  return status;
}
