// Notification delivery: e-mail and webhook messages for each notification kind, sent by one
// background thread with retries and back-off.
#include "delivery_worker.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "gatehouse/backend/delivery_client.hpp"

namespace gatehouse::portal {

namespace {

struct Message {
  std::string subject;
  std::string body;
};

Message visitRequestMessage(const Context& ctx, const json& payload, const std::string& visitor,
                            const std::string& link) {
  const std::string purpose = oneLineQuoted(payload.value("purpose", std::string()));
  return {"Visitor at the gate: " + visitor,
          visitor + " is at " + payload.value("kiosk", std::string("the gate")) +
              " asking to visit you" + (purpose.empty() ? "" : " (" + purpose + ")") +
              ".\n\nApprove or deny (no password needed, valid " +
              std::to_string(ctx.cfg.magicLinkMinutes) + " minutes, works once):\n" + link + "\n"};
}

Message messageFor(const std::string& kind, const json& payload, const std::string& visitor) {
  if (kind == "visit_decided") {
    std::string status = payload.value("status", std::string());
    std::string by = payload.contains("by") && payload["by"].is_string()
                         ? " by " + payload["by"].get<std::string>()
                         : "";
    return {"Visitor " + status + ": " + visitor, visitor + " was " + status + by + ".\n"};
  }
  if (kind == "visitor_arrived" || kind == "guest_arrived")
    return {"Arrived: " + visitor, visitor + " has arrived.\n"};
  if (kind == "visit_escalated")
    return {"Handed to the guard: " + visitor,
            visitor + " waited without an answer and was handed to the guard.\n"};
  if (kind == "overstay")
    return {"Overstay: " + visitor, visitor + " has stayed past the expected exit time.\n"};
  return {"Gatehouse: " + kind, "Something happened: " + kind + ".\n"};
}

std::pair<OutboundEmail, json> compose(const Context& ctx, const backend::Delivery& d) {
  const auto& kind = d.kind;
  json payload = json::parse(d.payloadJson, nullptr, false);
  if (payload.is_discarded()) payload = json::object();
  std::string visitor = payload.contains("visitor") && payload["visitor"].is_string()
                            ? oneLineQuoted(payload["visitor"].get<std::string>())
                            : std::string("a visitor");
  json hook{{"delivery", d.id},    {"notification", d.notificationId},
            {"kind", kind},        {"person", d.personId},
            {"unit", d.unitLabel}, {"payload", payload}};
  Message m;
  if (kind == "visit_request") {
    std::string link;
    if (auto visit = Uuid::parse(payload.value("visit", std::string()))) {
      link = ctx.baseUrl + "/m#" + ctx.magicLink(*visit, d.personId);
      hook["magic_link"] = link;
    }
    m = visitRequestMessage(ctx, payload, visitor, link);
  } else {
    m = messageFor(kind, payload, visitor);
  }
  OutboundEmail mail{d.target, m.subject,
                     "Hello " + d.fullName + ",\n\n" + m.body + "\n" + ctx.baseUrl + "/\n"};
  hook["text"] = mail.body;
  return {mail, hook};
}

}  // namespace

void DeliveryWorker::start() {
  {
    std::lock_guard lock(mu_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { loop(); });
}

void DeliveryWorker::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DeliveryWorker::wake() {
  {
    std::lock_guard lock(mu_);
    wake_ = true;
  }
  cv_.notify_all();
}

std::size_t DeliveryWorker::deliverDue(backend::Connection& conn) {
  const auto& cfg = ctx_.cfg;
  backend::DeliveryClient outbox(conn);
  auto due = outbox.claim(20, std::chrono::minutes(2));
  for (const auto& d : due) {
    auto [mail, hook] = compose(ctx_, d);
    const bool email = d.channel == "email";
    std::string err = email ? sendEmail(cfg, mail)
                            : postWebhook(cfg, d.target, dumpJson(hook), ctx_.clock.unixSeconds());
    double retry = cfg.deliveryRetrySeconds *
                   static_cast<double>(1LL << std::min<std::int64_t>(d.attempts - 1, 10));
    // A channel this server does not have is not worth retrying.
    bool hopeless = email && cfg.smtpUrl.empty();
    outbox.done(d.id, err, std::chrono::duration<double>(retry),
                hopeless ? 1 : cfg.deliveryMaxAttempts);
    if (!err.empty() && !hopeless)
      spdlog::warn("delivery {} via {} failed (attempt {}): {}", d.id, d.channel, d.attempts, err);
  }
  return due.size();
}

void DeliveryWorker::loop() {
  std::unique_ptr<backend::Connection> conn;
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
    }
    std::size_t handled = 0;
    try {
      if (!conn) conn = std::make_unique<backend::Connection>(ctx_.cfg.databaseUrl);
      handled = deliverDue(*conn);
    } catch (const std::exception& e) {
      spdlog::warn("delivery worker: {}", e.what());
      conn.reset();
    }
    if (handled == 0) {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_ || wake_; });
      wake_ = false;
    }
  }
}

}  // namespace gatehouse::portal
