// API and security tests against the real portal and a real throwaway PostgreSQL.
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "gatehouse/core/pass.hpp"
#include "harness.hpp"
#include "qr_decode.hpp"

namespace gatehouse::portal::testing {
namespace {

TEST_F(PortalTest, HealthzReportsDatabaseAndMigrations) {
  auto res = client().Get("/healthz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  auto j = json::parse(res->body);
  EXPECT_TRUE(j["database"].get<bool>());
  EXPECT_TRUE(j["migrations"].get<bool>());
  EXPECT_TRUE(j["durable_commits"].get<bool>());  // the test cluster keeps acknowledged commits
}

TEST_F(PortalTest, PageIsServedWithSecurityHeadersAndNoInlineScript) {
  auto res = client().Get("/");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  auto csp = res->get_header_value("Content-Security-Policy");
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(res->get_header_value("X-Frame-Options"), "DENY");
  EXPECT_EQ(res->get_header_value("Referrer-Policy"), "no-referrer");
  EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(res->body.find("<script>"), std::string::npos);
  EXPECT_NE(res->body.find("<script src=\"/app.js\""), std::string::npos);
  // Values from the server are put on the page as text, never parsed as HTML.
  for (const char* f : {"app.js", "magic.js", "reset.js", "i18n.js"}) {
    auto js = client().Get((std::string("/") + f).c_str());
    ASSERT_TRUE(js);
    EXPECT_EQ(js->status, 200) << f;
    EXPECT_EQ(js->body.find("innerHTML"), std::string::npos) << f;
    EXPECT_EQ(js->body.find("insertAdjacentHTML"), std::string::npos) << f;
  }
}

TEST_F(PortalTest, WrongPasswordAndUnknownEmailGetTheSameAnswer) {
  auto c = client();
  auto wrong = c.Post("/api/login", R"({"email":"a-101@harbour.example","password":"nope"})",
                      "application/json");
  auto unknown = c.Post("/api/login", R"({"email":"nobody@harbour.example","password":"nope"})",
                        "application/json");
  ASSERT_TRUE(wrong && unknown);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_EQ(unknown->status, 401);
  EXPECT_EQ(wrong->body, unknown->body);
  EXPECT_TRUE(wrong->get_header_value("Set-Cookie").empty());
}

TEST_F(PortalTest, SignInSetsAStrictHttpOnlyCookieAndSignOutEndsTheSession) {
  auto b = signIn("a-101@harbour.example");
  auto c = client();
  auto res =
      c.Post("/api/login", R"({"email":"a-101@harbour.example","password":"gatehouse-demo"})",
             "application/json");
  ASSERT_TRUE(res);
  auto cookie = res->get_header_value("Set-Cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_EQ(cookie.find("Secure"), std::string::npos);  // plain HTTP here; TLS adds Secure
  auto me = get(b, "/api/me");
  ASSERT_TRUE(me);
  EXPECT_EQ(me->status, 200);
  EXPECT_EQ(json::parse(me->body)["unit"], "A-101");
  // Only the token's hash is stored.
  auto token = b.cookie.substr(b.cookie.find('=') + 1);
  EXPECT_EQ(db_.exec("SELECT count(*) FROM gh.portal_session WHERE token_hash = '" + token + "'"),
            "0");
  SseReader sse(portal_->port(), b.cookie);
  ASSERT_TRUE(waitUntil([&] { return portal_->openStreams() == 1; }));
  auto out = post(b, "/api/logout", json::object());
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, 200);
  EXPECT_TRUE(waitUntil([&] { return sse.done(); }));  // the live stream ends with the session
  auto after = get(b, "/api/me");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 401);
}

TEST_F(PortalTest, GuardsCannotUseTheResidentPortal) {
  auto c = client();
  // The resident page says so; without a second factor no staff sign-in works anywhere.
  for (const char* body :
       {R"({"email":"guard1@harbour.example","password":"gatehouse-demo","client":"resident"})",
        R"({"email":"guard1@harbour.example","password":"gatehouse-demo"})"}) {
    auto res = c.Post("/api/login", body, "application/json");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401) << body;
    EXPECT_EQ(json::parse(res->body)["error"], "invalid_credentials");
    EXPECT_TRUE(res->get_header_value("Set-Cookie").empty());
  }
}

TEST_F(PortalTest, StateChangesNeedTheCsrfTokenAndTheSameOrigin) {
  auto b = signIn("a-101@harbour.example");
  auto visit = requestVisit("A-101", "Courier");
  auto c = client();
  auto path = "/api/visits/" + visit.toString() + "/decide";
  auto none = c.Post(path.c_str(), httplib::Headers{{"Cookie", b.cookie}}, R"({"approve":true})",
                     "application/json");
  auto wrong =
      c.Post(path.c_str(), httplib::Headers{{"Cookie", b.cookie}, {"X-CSRF-Token", "guess"}},
             R"({"approve":true})", "application/json");
  auto crossSite = c.Post(
      path.c_str(),
      httplib::Headers{
          {"Cookie", b.cookie}, {"X-CSRF-Token", b.csrf}, {"Origin", "https://evil.example"}},
      R"({"approve":true})", "application/json");
  auto form = c.Post(path.c_str(), httplib::Headers{{"Cookie", b.cookie}, {"X-CSRF-Token", b.csrf}},
                     "approve=true", "application/x-www-form-urlencoded");
  ASSERT_TRUE(none && wrong && crossSite && form);
  EXPECT_EQ(none->status, 403);
  EXPECT_EQ(wrong->status, 403);
  EXPECT_EQ(crossSite->status, 403);
  EXPECT_EQ(form->status, 415);
  EXPECT_EQ(kiosk_->visitStatus(visit).status, backend::VisitStatus::Pending);
  auto ok = post(b, path, {{"approve", true}});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
  EXPECT_EQ(kiosk_->visitStatus(visit).status, backend::VisitStatus::Approved);
}

TEST_F(PortalTest, RepeatedFailuresLockTheAccountWithAClearMessage) {
  auto c = client();
  auto attempt = [&](const char* body) { return c.Post("/api/login", body, "application/json"); };
  for (int i = 0; i < 4; ++i)
    ASSERT_EQ(attempt(R"({"email":"a-102@harbour.example","password":"wrong"})")->status, 401);
  auto last = attempt(R"({"email":"a-102@harbour.example","password":"wrong"})");
  ASSERT_TRUE(last);
  EXPECT_EQ(last->status, 423);
  auto j = json::parse(last->body);
  EXPECT_EQ(j["error"], "locked");
  EXPECT_GT(j["until_ms"].get<std::int64_t>(), clock_.unixSeconds() * 1000);
  // Even the right password is refused while locked.
  auto right =
      c.Post("/api/login", R"({"email":"a-102@harbour.example","password":"gatehouse-demo"})",
             "application/json");
  ASSERT_TRUE(right);
  EXPECT_EQ(right->status, 423);
  // An unknown address locks the same way, so the lock reveals nothing.
  for (int i = 0; i < 4; ++i)
    ASSERT_EQ(attempt(R"({"email":"ghost@harbour.example","password":"wrong"})")->status, 401);
  auto ghost = attempt(R"({"email":"ghost@harbour.example","password":"wrong"})");
  ASSERT_TRUE(ghost);
  EXPECT_EQ(ghost->status, 423);
  // Others are not affected.
  signIn("a-103@harbour.example");
}

class ThrottledPortalTest : public PortalTest {
  void configure(PortalConfig& c) override { c.loginPerMinutePerAddress = 3; }
};
TEST_F(ThrottledPortalTest, OneAddressCannotTryManyAccounts) {
  auto c = client();
  for (int i = 0; i < 3; ++i) {
    auto r =
        c.Post("/api/login",
               json{{"email", "x" + std::to_string(i) + "@e.example"}, {"password", "p"}}.dump(),
               "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401);
  }
  auto r = c.Post("/api/login", R"({"email":"a-101@harbour.example","password":"gatehouse-demo"})",
                  "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 429);
  EXPECT_FALSE(r->get_header_value("Retry-After").empty());
}

TEST_F(PortalTest, NothingRevealsUnitsOrPeopleToStrangers) {
  auto visit = requestVisit("A-101", "Courier");
  auto c = client();
  for (std::string path :
       {"/api/visits/" + visit.toString(), "/api/visits/" + Uuid::random().toString(),
        std::string("/api/visits/pending"), std::string("/api/invitations"),
        "/api/photos/" + Uuid::random().toString(), std::string("/api/events")}) {
    auto r = c.Get(path.c_str());
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 401) << path;
    EXPECT_EQ(json::parse(r->body)["error"], "signed_out") << path;
  }
  auto forgotKnown =
      c.Post("/api/password/forgot", R"({"email":"a-101@harbour.example"})", "application/json");
  auto forgotUnknown =
      c.Post("/api/password/forgot", R"({"email":"nobody@harbour.example"})", "application/json");
  ASSERT_TRUE(forgotKnown && forgotUnknown);
  EXPECT_EQ(forgotKnown->status, forgotUnknown->status);
  EXPECT_EQ(forgotKnown->body, forgotUnknown->body);
}

TEST_F(PortalTest, PendingVisitArrivesLiveAndTheDecisionReachesTheKiosk) {
  auto b = signIn("a-101@harbour.example");
  SseReader sse(portal_->port(), b.cookie);
  ASSERT_TRUE(waitUntil([&] { return portal_->openStreams() == 1; }));
  auto visit = requestVisit("A-101", "Olga Courier", "Parcel");
  ASSERT_TRUE(waitUntil([&] { return sse.contains(visit.toString()); })) << sse.text();
  EXPECT_TRUE(sse.contains("event: visit"));
  EXPECT_TRUE(sse.contains("Olga Courier"));
  EXPECT_TRUE(sse.contains("Main gate"));  // the kiosk's name
  auto list = get(b, "/api/visits/pending");
  ASSERT_TRUE(list);
  auto visits = json::parse(list->body)["visits"];
  ASSERT_EQ(visits.size(), 1u);
  EXPECT_EQ(visits[0]["visitor"], "Olga Courier");
  EXPECT_EQ(visits[0]["purpose"], "Parcel");
  auto r = post(b, "/api/visits/" + visit.toString() + "/decide", {{"approve", true}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  auto st = kiosk_->visitStatus(visit);
  EXPECT_EQ(st.status, backend::VisitStatus::Approved);
  EXPECT_EQ(st.decisionChannel.value_or(""), "resident");
  ASSERT_TRUE(waitUntil([&] { return sse.contains("\"status\":\"approved\""); })) << sse.text();
}

TEST_F(PortalTest, ALateDeciderIsToldWhoDecidedAndWhen) {
  auto first = signIn("a-101.2@harbour.example");
  auto second = signIn("a-101@harbour.example");
  auto visit = requestVisit("A-101", "Piotr Plumber");
  auto r1 = post(first, "/api/visits/" + visit.toString() + "/decide", {{"approve", false}});
  ASSERT_TRUE(r1);
  ASSERT_EQ(r1->status, 200);
  auto r2 = post(second, "/api/visits/" + visit.toString() + "/decide", {{"approve", true}});
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->status, 409);
  auto j = json::parse(r2->body);
  EXPECT_EQ(j["error"], "already_decided");
  EXPECT_EQ(j["visit"]["status"], "denied");
  EXPECT_EQ(j["visit"]["decided_by"], first.me["name"]);
  EXPECT_TRUE(j["visit"]["decided_ms"].is_number());
  EXPECT_EQ(kiosk_->visitStatus(visit).status, backend::VisitStatus::Denied);
}

TEST_F(PortalTest, AResidentCannotSeeDecideOrFetchPhotosOfAnotherUnit) {
  auto visit = requestVisit("A-101", "Private Guest");
  auto photo = addPhoto(visit, backend::EvidenceKind::EntryPhoto, "\xFF\xD8\xFF\xE0 fake jpeg");
  auto owner = signIn("a-101@harbour.example");
  auto ownPhoto = get(owner, "/api/photos/" + photo.toString());
  ASSERT_TRUE(ownPhoto);
  EXPECT_EQ(ownPhoto->status, 200);
  EXPECT_EQ(ownPhoto->get_header_value("Content-Type"), "image/jpeg");
  EXPECT_EQ(ownPhoto->body, "\xFF\xD8\xFF\xE0 fake jpeg");

  auto neighbour = signIn("b-210@harbour.example");
  auto otherEstate = signIn("h-1@hillside.example");
  for (auto* who : {&neighbour, &otherEstate}) {
    SseReader sse(portal_->port(), who->cookie);
    ASSERT_TRUE(waitUntil([&] { return portal_->openStreams() >= 1 && sse.contains(":ok"); }));
    auto v = get(*who, "/api/visits/" + visit.toString());
    ASSERT_TRUE(v);
    EXPECT_EQ(v->status, 404);
    auto p = get(*who, "/api/photos/" + photo.toString());
    ASSERT_TRUE(p);
    EXPECT_EQ(p->status, 404);
    auto d = post(*who, "/api/visits/" + visit.toString() + "/decide", {{"approve", true}});
    ASSERT_TRUE(d);
    EXPECT_EQ(d->status, 404);
    auto rep = post(*who, "/api/visits/" + visit.toString() + "/report", {{"reason", "nosy"}});
    ASSERT_TRUE(rep);
    EXPECT_EQ(rep->status, 404);
    auto pend = get(*who, "/api/visits/pending");
    EXPECT_EQ(json::parse(pend->body)["visits"].size(), 0u);
    auto log = get(*who, "/api/visits");
    EXPECT_EQ(log->body.find("Private Guest"), std::string::npos);
    // A change to the visit is not streamed to them; a later change in their own unit is.
    addPhoto(visit, backend::EvidenceKind::IdScan, "scan");
    backend::VisitRequest marker;
    marker.visitId = Uuid::random();
    marker.visitorName = "Marker Visitor";
    marker.requestedAt = std::chrono::system_clock::now();
    if (who == &neighbour) {
      marker.unitId = unitId("B-210");
      kiosk_->requestVisit(marker);
    } else {
      marker.unitId = unitId("H-1");
      backend::KioskClient hillside(
          db_.urlAs("gatehouse_kiosk"),
          {std::stoll(db_.exec("SELECT id FROM gh.kiosk WHERE name = 'Hillside gate'")),
           "demo-hillside-kiosk-token"});
      hillside.requestVisit(marker);
    }
    ASSERT_TRUE(waitUntil([&] { return sse.contains(marker.visitId.toString()); })) << sse.text();
    EXPECT_FALSE(sse.contains(visit.toString()));
    EXPECT_FALSE(sse.contains("Private Guest"));
  }
  EXPECT_EQ(kiosk_->visitStatus(visit).status, backend::VisitStatus::Pending);
}

TEST_F(PortalTest, HostileVisitorNamesComeBackAsInertJsonText) {
  auto b = signIn("a-101@harbour.example");
  const std::string script = "<script>alert('x')</script><img src=x onerror=alert(1)>";
  const std::string rtl = "\u202E\u200Fevil\u202Cgpj.exe \u2067Ivan\u2069";
  auto v1 = requestVisit("A-101", script, "=HYPERLINK(\"http://evil\")");
  auto v2 = requestVisit("A-101", rtl);
  auto res = get(b, "/api/visits/pending");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json; charset=utf-8");
  EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff");
  auto visits = json::parse(res->body)["visits"];
  ASSERT_EQ(visits.size(), 2u);
  EXPECT_EQ(visits[0]["visitor"], script);
  EXPECT_EQ(visits[1]["visitor"], rtl);
  // A 10 KB name never gets in: the database refuses it and the portal has nothing to show.
  EXPECT_THROW(requestVisit("A-101", std::string(10 * 1024, 'A')), backend::Error);
  EXPECT_EQ(json::parse(get(b, "/api/visits/pending")->body)["visits"].size(), 2u);
  // CSV export defuses formulas.
  auto csv = get(b, "/api/visits.csv");
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->get_header_value("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_NE(csv->body.find("\"'=HYPERLINK(\"\"http://evil\"\")\""), std::string::npos) << csv->body;
  (void)v1;
  (void)v2;
}

// A visitor's face, the visit log and a pass on a shared family phone: every reply that carries
// them says no-store, so no browser cache keeps a copy after the page is closed.
TEST_F(PortalTest, PhotosTheVisitLogAndPassesAreNeverKeptInABrowserCache) {
  auto b = signIn("a-101@harbour.example");
  auto visit = requestVisit("A-101", "Cached Visitor");
  auto photo = addPhoto(visit, backend::EvidenceKind::EntryPhoto, "face-bytes");
  auto today = db_.exec("SELECT to_char(now() AT TIME ZONE 'Europe/London', 'YYYY-MM-DD')");
  auto inv = post(b, "/api/invitations", {{"guest_name", "Cached Guest"}, {"date_from", today}});
  ASSERT_TRUE(inv);
  ASSERT_EQ(inv->status, 201) << inv->body;
  const std::string invId = json::parse(inv->body)["invitation"]["id"];
  auto c = client();
  const auto token = portal_->magicLinkToken(visit, personId("a-101@harbour.example"));
  auto noStore = [](const std::string& what, const httplib::Result& res) {
    ASSERT_TRUE(res) << what;
    EXPECT_EQ(res->status, 200) << what << ": " << res->body;
    EXPECT_EQ(res->get_header_value("Cache-Control"), "no-store") << what;
  };
  noStore("resident photo", get(b, "/api/photos/" + photo.toString()));
  noStore("magic-link photo",
          c.Get(("/api/magic/photo/" + photo.toString()).c_str(), {{"X-Magic-Token", token}}));
  noStore("visit log", get(b, "/api/visits"));
  noStore("visit log CSV", get(b, "/api/visits.csv"));
  noStore("one visit", get(b, "/api/visits/" + visit.toString()));
  noStore("pass QR", get(b, "/api/invitations/" + invId + "/qr.svg"));
  noStore("invitation", get(b, "/api/invitations/" + invId));
}

TEST_F(PortalTest, MagicLinkDecidesOnceOnlyForItsVisitAndExpires) {
  auto person = personId("a-101@harbour.example");
  auto visit = requestVisit("A-101", "Magic Visitor");
  auto other = requestVisit("A-101", "Other Visitor");
  auto token = portal_->magicLinkToken(visit, person);
  auto c = client();
  // The link shows that visit's photo and no other.
  auto mine = addPhoto(visit, backend::EvidenceKind::EntryPhoto, "magic-photo");
  auto theirs = addPhoto(other, backend::EvidenceKind::EntryPhoto, "other-photo");
  auto photo = [&](const Uuid& id, const std::string& t) {
    return c.Get(("/api/magic/photo/" + id.toString()).c_str(), {{"X-Magic-Token", t}});
  };
  auto p1 = photo(mine, token);
  ASSERT_TRUE(p1);
  EXPECT_EQ(p1->status, 200);
  EXPECT_EQ(p1->body, "magic-photo");
  EXPECT_EQ(photo(theirs, token)->status, 404);
  EXPECT_EQ(photo(mine, "x" + token)->status, 404);
  auto view = c.Post("/api/magic/view", json{{"token", token}}.dump(), "application/json");
  ASSERT_TRUE(view);
  EXPECT_EQ(view->status, 200);
  EXPECT_EQ(json::parse(view->body)["visit"]["visitor"], "Magic Visitor");
  // Tampering with the token (e.g. pointing it at another visit) breaks the signature.
  auto tampered = token;
  tampered[5] = tampered[5] == 'A' ? 'B' : 'A';
  auto bad = c.Post("/api/magic/decide", json{{"token", tampered}, {"approve", true}}.dump(),
                    "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 404);
  auto ok = c.Post("/api/magic/decide", json{{"token", token}, {"approve", true}}.dump(),
                   "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
  auto st = kiosk_->visitStatus(visit);
  EXPECT_EQ(st.status, backend::VisitStatus::Approved);
  EXPECT_EQ(st.decisionChannel.value_or(""), "magic_link");
  auto again = c.Post("/api/magic/decide", json{{"token", token}, {"approve", false}}.dump(),
                      "application/json");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 410);
  EXPECT_EQ(json::parse(again->body)["error"], "link_used");
  EXPECT_EQ(kiosk_->visitStatus(visit).status, backend::VisitStatus::Approved);
  EXPECT_EQ(kiosk_->visitStatus(other).status, backend::VisitStatus::Pending);
  // Expiry: a fresh link for the other visit stops working after its lifetime.
  auto late = portal_->magicLinkToken(other, person);
  clock_.advance(std::chrono::minutes(portal_->config().magicLinkMinutes) +
                 std::chrono::seconds(1));
  auto expired = c.Post("/api/magic/decide", json{{"token", late}, {"approve", true}}.dump(),
                        "application/json");
  ASSERT_TRUE(expired);
  EXPECT_EQ(expired->status, 410);
  EXPECT_EQ(json::parse(expired->body)["error"], "link_expired");
  EXPECT_EQ(kiosk_->visitStatus(other).status, backend::VisitStatus::Pending);
}

TEST_F(PortalTest, AMagicLinkForSomeoneElsesVisitDecidesNothing) {
  auto visit = requestVisit("A-101", "Target");
  auto neighbour = personId("b-210@harbour.example");
  auto token = portal_->magicLinkToken(visit, neighbour);  // validly signed, wrong person
  auto r = client().Post("/api/magic/decide", json{{"token", token}, {"approve", true}}.dump(),
                         "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(kiosk_->visitStatus(visit).status, backend::VisitStatus::Pending);
}

TEST_F(PortalTest, RecurringPassIsASignedQrTheKioskAcceptsUntilRevoked) {
  auto b = signIn("a-101@harbour.example");
  auto today = db_.exec("SELECT to_char(now() AT TIME ZONE 'Europe/London', 'YYYY-MM-DD')");
  auto until = db_.exec(
      "SELECT to_char((now() + interval '60 days') AT TIME ZONE 'Europe/London', 'YYYY-MM-DD')");
  auto r = post(b, "/api/invitations",
                {{"kind", "recurring"},
                 {"guest_name", "Nadia Nanny"},
                 {"date_from", today},
                 {"date_until", until},
                 {"weekdays", 127},
                 {"start", "00:00"},
                 {"end", "24:00"}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  auto inv = json::parse(r->body)["invitation"];
  EXPECT_EQ(inv["state"], "active");
  EXPECT_EQ(inv["max_uses"], 0);
  auto id = *Uuid::parse(inv["id"].get<std::string>());

  auto svg = get(b, "/api/invitations/" + id.toString() + "/qr.svg");
  ASSERT_TRUE(svg);
  ASSERT_EQ(svg->status, 200);
  EXPECT_EQ(svg->get_header_value("Content-Type"), "image/svg+xml");
  auto text = decodeQrSvg(svg->body);
  ASSERT_TRUE(text.has_value());
  auto keys = kiosk_->estateKeys();
  auto pass =
      verifyPass(*text, [&](std::int64_t estate, std::uint8_t keyId) -> std::optional<PublicKey> {
        for (auto& k : keys)
          if (k.estateId == estate && k.keyId == keyId) return k.publicKey;
        return std::nullopt;
      });
  ASSERT_TRUE(pass.ok()) << pass.error().code;
  EXPECT_EQ(pass->invitationId, id);
  EXPECT_EQ(pass->guestName, "Nadia Nanny");
  EXPECT_EQ(pass->unitLabel, "A-101");
  EXPECT_EQ(pass->weekdays, 127);

  // The kiosk admits the guest; the portal shows the use.
  backend::InvitationUse use{Uuid::random(), id, "", std::chrono::system_clock::now()};
  auto admitted = kiosk_->useInvitation(use);
  EXPECT_EQ(admitted.status, backend::VisitStatus::Approved);
  auto detail = get(b, "/api/invitations/" + id.toString());
  ASSERT_TRUE(detail);
  auto dj = json::parse(detail->body)["invitation"];
  EXPECT_EQ(dj["uses"], 1);
  ASSERT_EQ(dj["visits"].size(), 1u);
  EXPECT_EQ(dj["visits"][0]["channel"], "invitation");

  // Revoked: the kiosk refuses it; others cannot see, render or revoke it.
  auto neighbour = signIn("b-210@harbour.example");
  EXPECT_EQ(get(neighbour, "/api/invitations/" + id.toString() + "/qr.svg")->status, 404);
  EXPECT_EQ(
      post(neighbour, "/api/invitations/" + id.toString() + "/revoke", json::object())->status,
      404);
  auto rv = post(b, "/api/invitations/" + id.toString() + "/revoke", json::object());
  ASSERT_TRUE(rv);
  EXPECT_EQ(rv->status, 200);
  EXPECT_EQ(json::parse(rv->body)["invitation"]["state"], "revoked");
  backend::InvitationUse again{Uuid::random(), id, "", std::chrono::system_clock::now()};
  try {
    kiosk_->useInvitation(again);
    ADD_FAILURE() << "a revoked pass was accepted";
  } catch (const backend::Error& e) {
    EXPECT_EQ(e.detail(), "revoked");
  }
  auto revoked = kiosk_->revokedInvitations();
  EXPECT_NE(std::find(revoked.begin(), revoked.end(), id), revoked.end());
}

TEST_F(PortalTest, EventCsvMakesOnePassPerGuestOrNoneAtAll) {
  auto b = signIn("a-101@harbour.example");
  auto day = db_.exec(
      "SELECT to_char((now() + interval '3 days') AT TIME ZONE 'Europe/London', 'YYYY-MM-DD')");
  auto r =
      post(b, "/api/invitations/event",
           {{"event_name", "Birthday"},
            {"date", day},
            {"start", "18:00"},
            {"end", "23:00"},
            {"csv", "name,phone\nAnna Smith,+44 7700 900123\n\"Oleg, Jr.\",\nМария Иванова\n"}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  auto list = json::parse(r->body)["invitations"];
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[1]["guest_name"], "Oleg, Jr.");
  EXPECT_EQ(list[2]["guest_name"], "Мария Иванова");
  EXPECT_EQ(list[0]["day_start_min"], 18 * 60);
  EXPECT_EQ(list[0]["max_uses"], 1);
  auto bad = post(b, "/api/invitations/event",
                  {{"event_name", "Party"},
                   {"date", day},
                   {"csv", "Good Guest\n" + std::string(80, 'x') + "\n"}});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 422);
  EXPECT_EQ(json::parse(bad->body)["line"], 2);
  EXPECT_EQ(json::parse(get(b, "/api/invitations")->body)["invitations"].size(), 3u);
}

TEST_F(PortalTest, VisitLogShowsEntryAndExitWithPhotosAndExportsCsv) {
  auto b = signIn("a-101@harbour.example");
  auto visit = requestVisit("A-101", "Log Visitor", "Repairs");
  ASSERT_EQ(post(b, "/api/visits/" + visit.toString() + "/decide", {{"approve", true}})->status,
            200);
  auto entry = addPhoto(visit, backend::EvidenceKind::EntryPhoto, "entry-bytes");
  auto badge = ExitToken::generate(visit);
  kiosk_->checkIn(visit, badge.secretHashHex(), std::chrono::system_clock::now());
  auto exit = addPhoto(visit, backend::EvidenceKind::ExitPhoto, "exit-bytes");
  EXPECT_EQ(kiosk_->checkOut(Uuid::random(), badge, std::chrono::system_clock::now()),
            backend::ExitOutcome::Recorded);
  auto res = get(b, "/api/visits");
  ASSERT_TRUE(res);
  auto visits = json::parse(res->body)["visits"];
  ASSERT_EQ(visits.size(), 1u);
  auto v = visits[0];
  EXPECT_EQ(v["status"], "checked_out");
  EXPECT_TRUE(v["entered_ms"].is_number());
  EXPECT_TRUE(v["exited_ms"].is_number());
  EXPECT_EQ(v["decided_by"], b.me["name"]);
  ASSERT_EQ(v["photos"].size(), 2u);
  EXPECT_EQ(v["photos"][0]["id"], entry.toString());
  EXPECT_EQ(v["photos"][0]["kind"], "entry_photo");
  EXPECT_EQ(v["photos"][1]["id"], exit.toString());
  EXPECT_EQ(get(b, "/api/photos/" + exit.toString())->body, "exit-bytes");
  // Date filter: a range in the past shows nothing.
  auto old = get(b, "/api/visits?from=2020-01-01&to=2020-01-31");
  EXPECT_EQ(json::parse(old->body)["visits"].size(), 0u);
  EXPECT_EQ(get(b, "/api/visits?from=yesterday")->status, 422);
  auto csv = get(b, "/api/visits.csv");
  ASSERT_TRUE(csv);
  EXPECT_NE(csv->body.find("\"Log Visitor\",\"Repairs\",\"checked_out\""), std::string::npos)
      << csv->body;
}

TEST_F(PortalTest, ReportingASuspiciousVisitorAlertsTheGuards) {
  auto b = signIn("a-101@harbour.example");
  auto visit = requestVisit("A-101", "Shady Person");
  auto r = post(b, "/api/visits/" + visit.toString() + "/report",
                {{"reason", "Tried the door handles"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(db_.exec("SELECT count(*) FROM gh.alert WHERE kind = 'report' AND visit_id = '" +
                     visit.toString() + "'"),
            "1");
  EXPECT_EQ(db_.exec("SELECT reason FROM gh.report WHERE visit_id = '" + visit.toString() + "'"),
            "Tried the door handles");
}

TEST_F(PortalTest, NotificationsAreListedAndMarkedRead) {
  auto b = signIn("a-101@harbour.example");
  requestVisit("A-101", "Notified Visitor");
  auto res = get(b, "/api/notifications");
  auto j = json::parse(res->body);
  ASSERT_GE(j["notifications"].size(), 1u);
  EXPECT_EQ(j["notifications"][0]["kind"], "visit_request");
  EXPECT_EQ(j["notifications"][0]["payload"]["visitor"], "Notified Visitor");
  EXPECT_GE(j["unread"].get<int>(), 1);
  auto after = post(b, "/api/notifications/read", {{"all", true}});
  EXPECT_EQ(json::parse(after->body)["unread"], 0);
}

TEST_F(PortalTest, StopClosesLiveStreamsAndRefusesNewWork) {
  auto b = signIn("a-101@harbour.example");
  SseReader sse(portal_->port(), b.cookie);
  ASSERT_TRUE(waitUntil([&] { return portal_->openStreams() == 1; }));
  auto port = portal_->port();
  portal_->stop(std::chrono::seconds(2));
  ASSERT_TRUE(waitUntil([&] { return sse.done(); }));
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(1, 0);
  EXPECT_FALSE(c.Get("/healthz"));
}

}  // namespace
}  // namespace gatehouse::portal::testing

namespace gatehouse::portal::testing {
namespace {

// HTTPS with a configured certificate: the cookie gains Secure and HSTS is sent.
class TlsPortalTest : public PortalTest {
 protected:
  void configure(PortalConfig& c) override {
    dir_ = std::filesystem::temp_directory_path() / ("gh-tls-" + Uuid::random().toString());
    std::filesystem::create_directories(dir_);
    auto cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -keyout '" +
               (dir_ / "key.pem").string() + "' -out '" + (dir_ / "cert.pem").string() +
               "' 2>/dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    c.tlsCert = (dir_ / "cert.pem").string();
    c.tlsKey = (dir_ / "key.pem").string();
  }
  void TearDown() override {
    PortalTest::TearDown();
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
};

TEST_F(TlsPortalTest, ServesHttpsWithSecureCookiesAndHsts) {
  EXPECT_EQ(portal_->url().rfind("https://", 0), 0u);
  httplib::SSLClient c("127.0.0.1", portal_->port());
  c.enable_server_certificate_verification(false);
  auto res =
      c.Post("/api/login", R"({"email":"a-101@harbour.example","password":"gatehouse-demo"})",
             "application/json");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  auto cookie = res->get_header_value("Set-Cookie");
  EXPECT_NE(cookie.find("; Secure"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_FALSE(res->get_header_value("Strict-Transport-Security").empty());
  // Plain HTTP on the TLS port gets nowhere.
  httplib::Client plain("127.0.0.1", portal_->port());
  plain.set_read_timeout(2, 0);
  auto p = plain.Get("/healthz");
  EXPECT_TRUE(!p || p->status != 200);
}

}  // namespace
}  // namespace gatehouse::portal::testing

namespace gatehouse::portal::testing {
namespace {

TEST_F(PortalTest, AGuardsDecisionIsShownAsTheGuards) {
  auto b = signIn("a-101@harbour.example");
  auto visit = requestVisit("A-101", "Guarded Visitor");
  SseReader sse(portal_->port(), b.cookie);
  ASSERT_TRUE(waitUntil([&] { return portal_->openStreams() == 1; }));
  backend::Connection guardConn(db_.urlAs("gatehouse_server"));  // the server, for the guard
  guardConn.asPerson(personId("guard1@harbour.example"), [&](backend::Connection& c) {
    c.exec("SELECT gh.decide_visit($1, true, 'resident phoned the gate', 'guard')", {visit});
  });
  // The open page learns it live, with who decided.
  ASSERT_TRUE(waitUntil([&] { return sse.contains("\"decided_by_role\":\"guard\""); }))
      << sse.text();
  EXPECT_TRUE(sse.contains("Grace Guard"));
  auto r = post(b, "/api/visits/" + visit.toString() + "/decide", {{"approve", false}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 409);
  auto v = json::parse(r->body)["visit"];
  EXPECT_EQ(v["decided_by"], "Grace Guard");
  EXPECT_EQ(v["decided_by_role"], "guard");
  EXPECT_EQ(v["channel"], "guard");
}

TEST_F(PortalTest, DecisionsArrivalsAndOverstaysBecomeNotifications) {
  auto b = signIn("a-102@harbour.example");
  auto visit = requestVisit("A-102", "Lingering Visitor");
  ASSERT_EQ(post(b, "/api/visits/" + visit.toString() + "/decide", {{"approve", true}})->status,
            200);
  auto badge = ExitToken::generate(visit);
  kiosk_->checkIn(visit, badge.secretHashHex(), std::chrono::system_clock::now());
  db_.exec("UPDATE gh.visit SET expected_exit_at = now() - interval '1 minute' WHERE id = '" +
           visit.toString() + "'");
  db_.exec("SELECT gh.run_housekeeping()");
  auto j = json::parse(get(b, "/api/notifications")->body);
  std::vector<std::string> kinds;
  for (auto& n : j["notifications"]) kinds.push_back(n["kind"]);
  std::sort(kinds.begin(), kinds.end());
  EXPECT_EQ(kinds, (std::vector<std::string>{"overstay", "visit_decided", "visit_request",
                                             "visitor_arrived"}));
  EXPECT_EQ(j["unread"], 3);  // the resident's own decision is listed but not news (issue 12)
}

}  // namespace
}  // namespace gatehouse::portal::testing
