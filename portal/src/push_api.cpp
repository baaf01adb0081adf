// The portal's Web Push API: device subscriptions (list, subscribe, remove), the messages each
// notification kind pushes, and the device-bound nonce of Let in / Deny tokens.
#include <regex>

#include "gatehouse/backend/push_client.hpp"
#include "json_out.hpp"
#include "push.hpp"
#include "webhook_target.hpp"

namespace gatehouse::portal {

namespace {
PushReply reply(int status, const json& j) { return {status, dumpJson(j)}; }
PushReply fail(int status, const std::string& code) { return reply(status, {{"error", code}}); }

std::string topicOf(const std::string& visitId) {
  std::string t;
  for (char ch : visitId)
    if (ch != '-') t += ch;
  return t.substr(0, 32);  // RFC 8030: at most 32 base64url characters
}
}  // namespace

PushMessage composePush(const std::string& kind, const std::string& payloadJson,
                        const std::function<std::string(const std::string&)>& actionToken) {
  PushMessage m;
  json p = json::parse(payloadJson, nullptr, false);
  if (p.is_discarded() || !p.is_object()) return m;
  std::string visit = p.value("visit", std::string());
  std::string visitor = p.value("visitor", std::string("A visitor"));
  json out{{"type", kind}, {"visit", visit}, {"visitor", visitor}, {"tag", "visit-" + visit}};
  if (kind == "visit_request" || kind == "visit_escalated") {
    out["purpose"] = p.value("purpose", std::string());
    out["gate"] = p.value("kiosk", std::string());
    out["token"] = actionToken(visit);
    out["actions"] = true;
    m.urgency = kind == "visit_request" ? "high" : "normal";
    m.topic = topicOf(visit);
    m.ttlSeconds = 300;
  } else if (kind == "visit_decided") {
    out["status"] = p.value("status", std::string());
    out["by"] = p.contains("by") && p["by"].is_string() ? p["by"] : json(nullptr);
    m.urgency = "high";  // it clears a ringing request on every phone of the household
    m.topic = topicOf(visit);
  } else if (kind == "visitor_arrived" || kind == "guest_arrived" || kind == "overstay") {
    out["tag"] = kind + "-" + visit;
  } else {
    return m;
  }
  m.payload = dumpJson(out);
  return m;
}

PushMessage testPushMessage() {
  PushMessage m;
  m.payload = dumpJson({{"type", "test"}, {"tag", "test"}});
  m.ttlSeconds = 60;
  return m;
}

std::string pushNonce(std::int64_t subscriptionId, const std::string& random) {
  return "p" + std::to_string(subscriptionId) + "." + random;
}

std::int64_t pushNonceSubscription(const std::string& nonce) {
  static const std::regex re(R"(^p([0-9]{1,18})\.[A-Za-z0-9_-]+$)");
  std::smatch m;
  if (!std::regex_match(nonce, m, re)) return 0;
  return std::stoll(m[1]);
}

PushReply pushList(backend::Connection& c, const VapidKeys* keys) {
  json list = json::array();
  for (const auto& sub : backend::PushClient(c).subscriptions()) {
    list.push_back({{"id", sub.id},
                    {"label", sub.label},
                    {"created_ms", msOf(sub.createdAt)},
                    {"last_success_ms", msOrNull(sub.lastSuccessAt)},
                    {"last_error", orNull(sub.lastError)},
                    {"failures", sub.failures}});
  }
  return reply(200, {{"enabled", keys != nullptr},
                     {"public_key", keys ? json(keys->publicKey()) : json(nullptr)},
                     {"subscriptions", list}});
}

PushReply pushSubscribe(backend::Connection& c, const std::string& body,
                        const std::vector<std::string>& allowed) {
  json b = json::parse(body, nullptr, false);
  if (b.is_discarded() || !b.is_object()) return fail(400, "bad_json");
  std::string endpoint = b.value("endpoint", std::string());
  json keys = b.contains("keys") && b["keys"].is_object() ? b["keys"] : json::object();
  std::string p256dh = keys.value("p256dh", std::string());
  std::string auth = keys.value("auth", std::string());
  std::string label = b.value("label", std::string());
  while (!p256dh.empty() && p256dh.back() == '=') p256dh.pop_back();
  while (!auth.empty() && auth.back() == '=') auth.pop_back();
  if (endpoint.rfind("https://", 0) != 0 || endpoint.size() > 1000) return fail(422, "endpoint");
  // The webhook rule: a push service is a public host, never this machine or its LAN.
  if (!resolveWebhookTarget(endpoint, allowed)) return fail(422, "endpoint");
  static const std::regex keyRe(R"(^[A-Za-z0-9_-]{87}$)"), authRe(R"(^[A-Za-z0-9_-]{22}$)");
  if (!std::regex_match(p256dh, keyRe) || !std::regex_match(auth, authRe)) return fail(422, "keys");
  if (label.size() > 100) label.resize(100);
  return reply(201, {{"id", backend::PushClient(c).subscribe(endpoint, p256dh, auth, label)}});
}

PushReply pushUnsubscribe(backend::Connection& c, std::int64_t subscriptionId) {
  if (!backend::PushClient(c).unsubscribe(subscriptionId)) return fail(404, "not_found");
  return reply(200, {{"status", "removed"}});
}

std::optional<PushTarget> pushOwnTarget(backend::Connection& c, std::int64_t subscriptionId) {
  return backend::PushClient(c).ownTarget(subscriptionId);
}

}  // namespace gatehouse::portal
