// Report queries (as an admin, under RLS), CSV export, and cairo PDFs (report charts, evacuation
// list).
#include "gatehouse/console/reports.hpp"

#include <cairo-pdf.h>
#include <cairo.h>

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "gatehouse/console/image.hpp"
#include "time_util.hpp"

namespace gatehouse::console {

using backend::Connection;

Report loadReport(Connection& conn, std::int64_t personId, TimePoint from, TimePoint to) {
  Report r;
  r.from = from;
  r.to = to;
  const std::string f = std::to_string(detail::toEpoch(from)),
                    t = std::to_string(detail::toEpoch(to));
  conn.asPerson(personId, [&](Connection& tx) {
    const std::string range =
        " FROM gh.visit v JOIN gh.estate e ON e.id = v.estate_id WHERE v.estate_id = gh.my_estate()"
        " AND v.requested_at >= to_timestamp($1::float8) AND v.requested_at < "
        "to_timestamp($2::float8)";
    auto days = tx.exec(
        "SELECT to_char(v.requested_at AT TIME ZONE e.timezone, 'YYYY-MM-DD') AS d, count(*) AS n" +
            range + " GROUP BY 1 ORDER BY 1",
        {f, t});
    for (std::size_t i = 0; i < days.size(); ++i)
      r.perDay.emplace_back(days[i].text("d"), static_cast<int>(days[i].int64("n")));
    auto hours = tx.exec(
        "SELECT extract(isodow FROM v.requested_at AT TIME ZONE e.timezone)::int AS dow,"
        " extract(hour FROM v.requested_at AT TIME ZONE e.timezone)::int AS h, count(*) AS n" +
            range + " GROUP BY 1, 2",
        {f, t});
    for (std::size_t i = 0; i < hours.size(); ++i) {
      r.perHourOfWeek[static_cast<std::size_t>(hours[i].int64("dow") - 1)]
                     [static_cast<std::size_t>(hours[i].int64("h"))] =
          static_cast<int>(hours[i].int64("n"));
    }
    auto tot = tx.exec(
        "SELECT count(*) AS n,"
        " count(*) FILTER (WHERE v.decided_at IS NOT NULL AND v.decision_channel <> 'invitation') "
        "AS decided,"
        " coalesce(avg(extract(epoch FROM v.decided_at - v.requested_at)) FILTER (WHERE "
        "v.decision_channel <> 'invitation'), 0)::float8 AS avg_s,"
        " coalesce(percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM v.decided_at - "
        "v.requested_at))"
        "   FILTER (WHERE v.decided_at IS NOT NULL AND v.decision_channel <> 'invitation'), "
        "0)::float8 AS p90_s,"
        " count(*) FILTER (WHERE v.status = 'denied') AS denied,"
        " count(*) FILTER (WHERE v.escalated_at IS NOT NULL) AS escalated,"
        " count(*) FILTER (WHERE v.invitation_id IS NULL) AS walkins" +
            range,
        {f, t});
    const auto row = tot[0];
    r.visits = static_cast<int>(row.int64("n"));
    r.decided = static_cast<int>(row.int64("decided"));
    r.avgDecisionS = row.float64("avg_s");
    r.p90DecisionS = row.float64("p90_s");
    r.denialRate = r.decided ? static_cast<double>(row.int64("denied")) / r.decided : 0;
    const auto walkins = row.int64("walkins");
    r.timeoutRate =
        walkins ? static_cast<double>(row.int64("escalated")) / static_cast<double>(walkins) : 0;
    auto kiosks = tx.exec(
        "SELECT coalesce(k.name, 'manual') AS kiosk, count(*) AS n,"
        " coalesce(avg(extract(epoch FROM v.decided_at - v.requested_at)) FILTER (WHERE "
        "v.decision_channel <> 'invitation'), 0)::float8 AS avg_s,"
        " count(*) FILTER (WHERE v.status = 'denied') AS denied,"
        " count(*) FILTER (WHERE v.decided_at IS NOT NULL AND v.decision_channel <> 'invitation') "
        "AS decided,"
        " count(*) FILTER (WHERE v.escalated_at IS NOT NULL) AS escalated,"
        " count(*) FILTER (WHERE v.invitation_id IS NULL) AS walkins"
        " FROM gh.visit v JOIN gh.estate e ON e.id = v.estate_id LEFT JOIN gh.kiosk k ON k.id = "
        "v.kiosk_id"
        " WHERE v.estate_id = gh.my_estate() AND v.requested_at >= to_timestamp($1::float8)"
        " AND v.requested_at < to_timestamp($2::float8) GROUP BY 1 ORDER BY 1",
        {f, t});
    for (std::size_t i = 0; i < kiosks.size(); ++i) {
      const auto k = kiosks[i];
      KioskStats s;
      s.kiosk = k.text("kiosk");
      s.visits = static_cast<int>(k.int64("n"));
      s.avgDecisionS = k.float64("avg_s");
      const auto kDecided = k.int64("decided"), kWalkins = k.int64("walkins");
      s.denialRate =
          kDecided ? static_cast<double>(k.int64("denied")) / static_cast<double>(kDecided) : 0;
      s.timeoutRate =
          kWalkins ? static_cast<double>(k.int64("escalated")) / static_cast<double>(kWalkins) : 0;
      r.perKiosk.push_back(s);
    }
  });
  return r;
}

namespace {
std::string fmt(double v, int decimals = 1) {
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", decimals, v);
  return b;
}
std::string csvField(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string o = "\"";
  for (char c : s) o += c == '"' ? std::string("\"\"") : std::string(1, c);
  return o + "\"";
}
const char* kDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
}  // namespace

std::string reportCsv(const Report& r) {
  std::ostringstream o;
  o << "section,key,value\n";
  o << "summary,visits," << r.visits << "\n";
  o << "summary,decided," << r.decided << "\n";
  o << "summary,avg_decision_s," << fmt(r.avgDecisionS) << "\n";
  o << "summary,p90_decision_s," << fmt(r.p90DecisionS) << "\n";
  o << "summary,denial_rate," << fmt(r.denialRate, 4) << "\n";
  o << "summary,timeout_rate," << fmt(r.timeoutRate, 4) << "\n";
  for (const auto& [day, n] : r.perDay) o << "per_day," << day << "," << n << "\n";
  for (int d = 0; d < 7; ++d) {
    for (int h = 0; h < 24; ++h) {
      if (const int n = r.perHourOfWeek[static_cast<std::size_t>(d)][static_cast<std::size_t>(h)];
          n) {
        o << "per_hour_of_week," << kDays[d] << " " << (h < 10 ? "0" : "") << h << ":00," << n
          << "\n";
      }
    }
  }
  o << "\nkiosk,visits,avg_decision_s,denial_rate,timeout_rate\n";
  for (const auto& k : r.perKiosk) {
    o << csvField(k.kiosk) << "," << k.visits << "," << fmt(k.avgDecisionS) << ","
      << fmt(k.denialRate, 4) << "," << fmt(k.timeoutRate, 4) << "\n";
  }
  return o.str();
}

namespace {

struct Pdf {
  cairo_surface_t* surface;
  cairo_t* cr;
  explicit Pdf(const std::string& path)
      : surface(cairo_pdf_surface_create(path.c_str(), 595.0, 842.0)), cr(cairo_create(surface)) {}
  ~Pdf() {
    cairo_destroy(cr);
    cairo_surface_destroy(surface);
  }
  Status finish(const std::string& path) {
    cairo_surface_finish(surface);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
      return makeError("pdf", path + ": " + cairo_status_to_string(cairo_surface_status(surface)));
    }
    return Ok{};
  }
  void font(double size, bool bold = false) {
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
  }
  void text(double x, double y, const std::string& s) {
    cairo_move_to(cr, x, y);
    cairo_show_text(cr, s.c_str());
  }
};

// Draws a decoded photo into the box, keeping its aspect ratio.
void drawPhoto(cairo_t* cr, const Photo& photo, double x, double y, double w, double h) {
  auto img = decodeImage(photo);
  cairo_save(cr);
  if (!img) {
    cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
    cairo_rectangle(cr, x, y, w, h);
    cairo_fill(cr);
    cairo_restore(cr);
    return;
  }
  cairo_surface_t* s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, img->width, img->height);
  cairo_surface_flush(s);
  unsigned char* data = cairo_image_surface_get_data(s);
  const int stride = cairo_image_surface_get_stride(s);
  for (int row = 0; row < img->height; ++row) {
    auto* dst = reinterpret_cast<std::uint32_t*>(data + row * stride);
    for (int col = 0; col < img->width; ++col) {
      const auto* p = &img->pixels[(static_cast<std::size_t>(row) * img->width + col) * 4];
      dst[col] =
          (static_cast<std::uint32_t>(p[0]) << 16) | (static_cast<std::uint32_t>(p[1]) << 8) | p[2];
    }
  }
  cairo_surface_mark_dirty(s);
  const double scale = std::min(w / img->width, h / img->height);
  cairo_translate(cr, x, y);
  cairo_scale(cr, scale, scale);
  cairo_set_source_surface(cr, s, 0, 0);
  cairo_paint(cr);
  cairo_restore(cr);
  cairo_surface_destroy(s);
}

}  // namespace

Status writeEvacuationPdf(const std::vector<OnSiteVisitor>& visitors, const std::string& estateName,
                          TimePoint printedAt, bool fromCache, const std::string& path) {
  Pdf pdf(path);
  auto* cr = pdf.cr;
  auto header = [&](int page) {
    cairo_set_source_rgb(cr, 0, 0, 0);
    pdf.font(18, true);
    pdf.text(40, 50, "Evacuation list - " + estateName);
    pdf.font(10);
    pdf.text(40, 68,
             "Printed " + formatTime(printedAt, true) + " - " + std::to_string(visitors.size()) +
                 " visitor(s) on site" +
                 (fromCache ? " - FROM LOCAL CACHE (database unreachable)" : "") + " - page " +
                 std::to_string(page));
    pdf.font(10, true);
    pdf.text(110, 92, "Visitor");
    pdf.text(300, 92, "Host unit");
    pdf.text(380, 92, "Entered");
    pdf.text(470, 92, "Gate");
  };
  int page = 1;
  header(page);
  double y = 100;
  const double rowH = 64;
  for (const auto& v : visitors) {
    if (y + rowH > 800) {
      cairo_show_page(cr);
      header(++page);
      y = 100;
    }
    drawPhoto(cr, v.photo, 40, y + 4, 56, 56);
    cairo_set_source_rgb(cr, 0, 0, 0);
    pdf.font(12, true);
    pdf.text(110, y + 26, v.visitorName);
    pdf.font(10);
    if (!v.phone.empty()) pdf.text(110, y + 42, v.phone);
    pdf.font(12);
    pdf.text(300, y + 26, v.unitLabel);
    pdf.text(380, y + 26, formatTime(v.enteredAt, true));
    pdf.font(10);
    pdf.text(470, y + 26, v.kioskName);
    cairo_set_source_rgb(cr, 0.7, 0.7, 0.7);
    cairo_move_to(cr, 40, y + rowH);
    cairo_line_to(cr, 555, y + rowH);
    cairo_set_line_width(cr, 0.5);
    cairo_stroke(cr);
    y += rowH;
  }
  if (visitors.empty()) {
    pdf.font(12);
    pdf.text(40, 120, "Nobody is checked in.");
  }
  cairo_show_page(cr);
  return pdf.finish(path);
}

Status writeReportPdf(const Report& r, const std::string& estateName, const std::string& path) {
  Pdf pdf(path);
  auto* cr = pdf.cr;
  cairo_set_source_rgb(cr, 0, 0, 0);
  pdf.font(18, true);
  pdf.text(40, 50, "Visitor report - " + estateName);
  pdf.font(10);
  pdf.text(40, 68, formatTime(r.from, true) + " to " + formatTime(r.to, true));
  pdf.font(11);
  double y = 95;
  for (const auto& line :
       {"Visits: " + std::to_string(r.visits), "Decided by a person: " + std::to_string(r.decided),
        "Time to decision: average " + formatDuration(r.avgDecisionS) + ", p90 " +
            formatDuration(r.p90DecisionS),
        "Denial rate: " + fmt(r.denialRate * 100) +
            " %   Timeout rate: " + fmt(r.timeoutRate * 100) + " %"}) {
    pdf.text(40, y, line);
    y += 16;
  }
  // Visitors per day: bars.
  y += 10;
  pdf.font(12, true);
  pdf.text(40, y, "Visitors per day");
  y += 10;
  int maxDay = 1;
  for (const auto& d : r.perDay) maxDay = std::max(maxDay, d.second);
  const double chartH = 120, chartW = 515;
  const double barW = r.perDay.empty() ? 0 : chartW / static_cast<double>(r.perDay.size());
  for (std::size_t i = 0; i < r.perDay.size(); ++i) {
    const double h = chartH * r.perDay[i].second / maxDay;
    cairo_set_source_rgb(cr, 0.2, 0.4, 0.8);
    cairo_rectangle(cr, 40 + static_cast<double>(i) * barW + 1, y + chartH - h,
                    std::max(barW - 2, 1.0), h);
    cairo_fill(cr);
  }
  y += chartH + 14;
  cairo_set_source_rgb(cr, 0, 0, 0);
  pdf.font(8);
  if (!r.perDay.empty()) {
    pdf.text(40, y, r.perDay.front().first);
    pdf.text(500, y, r.perDay.back().first);
  }
  // Per hour of week: a heat map.
  y += 24;
  pdf.font(12, true);
  pdf.text(40, y, "Visitors per hour of the week");
  y += 10;
  int maxCell = 1;
  for (const auto& d : r.perHourOfWeek)
    for (int n : d) maxCell = std::max(maxCell, n);
  pdf.font(8);
  for (int d = 0; d < 7; ++d) {
    cairo_set_source_rgb(cr, 0, 0, 0);
    pdf.text(40, y + d * 16 + 11, kDays[d]);
    for (int h = 0; h < 24; ++h) {
      const double v =
          static_cast<double>(
              r.perHourOfWeek[static_cast<std::size_t>(d)][static_cast<std::size_t>(h)]) /
          maxCell;
      cairo_set_source_rgb(cr, 1 - 0.8 * v, 1 - 0.6 * v, 1 - 0.2 * v);
      cairo_rectangle(cr, 70 + h * 20, y + d * 16, 19, 15);
      cairo_fill(cr);
    }
  }
  y += 7 * 16 + 12;
  cairo_set_source_rgb(cr, 0, 0, 0);
  for (int h = 0; h < 24; h += 3) pdf.text(70 + h * 20, y, std::to_string(h) + ":00");
  y += 28;
  pdf.font(12, true);
  pdf.text(40, y, "Per kiosk");
  y += 18;
  pdf.font(10, true);
  pdf.text(40, y, "Kiosk");
  pdf.text(220, y, "Visits");
  pdf.text(290, y, "Avg decision");
  pdf.text(390, y, "Denied");
  pdf.text(460, y, "Timed out");
  pdf.font(10);
  for (const auto& k : r.perKiosk) {
    y += 15;
    pdf.text(40, y, k.kiosk);
    pdf.text(220, y, std::to_string(k.visits));
    pdf.text(290, y, formatDuration(k.avgDecisionS));
    pdf.text(390, y, fmt(k.denialRate * 100) + " %");
    pdf.text(460, y, fmt(k.timeoutRate * 100) + " %");
  }
  cairo_show_page(cr);
  return pdf.finish(path);
}

}  // namespace gatehouse::console
