// Notification delivery: e-mail and webhook messages for each notification kind, sent by one
// background thread with retries and back-off.
#include "delivery_worker.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace gatehouse::portal {

namespace {

struct Message {
  std::string subject;
  std::string body;
};

Message visitRequestMessage(const Context& ctx, const json& payload, const std::string& visitor,
                            const std::string& link) {
  std::string purpose = payload.value("purpose", std::string());
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

std::pair<OutboundEmail, json> compose(const Context& ctx, const backend::Row& r) {
  auto kind = r.text("kind");
  json payload = json::parse(r.text("payload"), nullptr, false);
  if (payload.is_discarded()) payload = json::object();
  std::string visitor = payload.value("visitor", std::string("a visitor"));
  json hook{{"delivery", r.int64("id")},
            {"notification", r.int64("notification_id")},
            {"kind", kind},
            {"person", r.int64("person_id")},
            {"unit", r.text("unit_label")},
            {"payload", payload}};
  Message m;
  if (kind == "visit_request") {
    std::string link;
    if (auto visit = Uuid::parse(payload.value("visit", std::string()))) {
      link = ctx.baseUrl + "/m#" + ctx.magicLink(*visit, r.int64("person_id"));
      hook["magic_link"] = link;
    }
    m = visitRequestMessage(ctx, payload, visitor, link);
  } else {
    m = messageFor(kind, payload, visitor);
  }
  OutboundEmail mail{
      r.text("target"), m.subject,
      "Hello " + r.text("full_name") + ",\n\n" + m.body + "\n" + ctx.baseUrl + "/\n"};
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
  auto rows = conn.exec("SELECT * FROM gh.portal_delivery_claim(20, interval '2 minutes')");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto r = rows[i];
    auto [mail, hook] = compose(ctx_, r);
    const bool email = r.text("channel") == "email";
    std::string err = email ? sendEmail(cfg, mail)
                            : postWebhook(cfg, r.text("target"),
                                          hook.dump(-1, ' ', false, json::error_handler_t::replace),
                                          ctx_.clock.unixSeconds());
    auto attempts = r.int64("attempts");
    double retry = cfg.deliveryRetrySeconds *
                   static_cast<double>(1LL << std::min<std::int64_t>(attempts - 1, 10));
    // A channel this server does not have is not worth retrying.
    bool hopeless = email && cfg.smtpUrl.empty();
    conn.exec("SELECT gh.portal_delivery_done($1, $2, $3, make_interval(secs => $4), $5)",
              {r.int64("id"), err.empty(), err, retry, hopeless ? 1 : cfg.deliveryMaxAttempts});
    if (!err.empty() && !hopeless)
      spdlog::warn("delivery {} via {} failed (attempt {}): {}", r.int64("id"), r.text("channel"),
                   attempts, err);
  }
  return rows.size();
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
