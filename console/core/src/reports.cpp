// Reports built from history rows, CSV export, and cairo PDFs (report charts, evacuation list).
#include "gatehouse/console/reports.hpp"

#include <cairo-pdf.h>
#include <cairo.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>
#include <sstream>

#include "gatehouse/console/image.hpp"

namespace gatehouse::console {

namespace {

double median90(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  // percentile_cont(0.9): linear between the two nearest ranks.
  const double pos = 0.9 * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(pos);
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

struct Tally {
  int visits = 0, decided = 0, denied = 0, escalated = 0, walkins = 0;
  double decisionSum = 0;
  std::vector<double> decisions;
  void add(const HistoryRow& h) {
    ++visits;
    const bool byPerson = h.decisionChannel != "invitation";
    if (byPerson) ++walkins;
    if (h.decidedAt && byPerson) {
      ++decided;
      const double s = std::chrono::duration<double>(*h.decidedAt - h.requestedAt).count();
      decisionSum += s;
      decisions.push_back(s);
    }
    if (h.status == "denied") ++denied;
    if (h.escalated) ++escalated;
  }
  double avg() const { return decided ? decisionSum / decided : 0; }
  double denialRate() const { return decided ? static_cast<double>(denied) / decided : 0; }
  double timeoutRate() const { return walkins ? static_cast<double>(escalated) / walkins : 0; }
};

}  // namespace

Report buildReport(const std::vector<HistoryRow>& rows, TimePoint from, TimePoint to) {
  Report r;
  r.from = from;
  r.to = to;
  Tally all;
  std::map<std::string, int> days;
  std::map<std::string, Tally> kiosks;
  for (const auto& h : rows) {
    if (h.requestedAt < from || h.requestedAt >= to) continue;
    all.add(h);
    kiosks[h.kioskName.empty() ? "manual" : h.kioskName].add(h);
    const std::time_t tt = std::chrono::system_clock::to_time_t(h.requestedAt);
    std::tm tm{};
    localtime_r(&tt, &tm);
    char day[16];
    std::strftime(day, sizeof day, "%Y-%m-%d", &tm);
    ++days[day];
    const int dow = (tm.tm_wday + 6) % 7;  // Monday first
    ++r.perHourOfWeek[static_cast<std::size_t>(dow)][static_cast<std::size_t>(tm.tm_hour)];
  }
  r.perDay.assign(days.begin(), days.end());
  r.visits = all.visits;
  r.decided = all.decided;
  r.avgDecisionS = all.avg();
  r.p90DecisionS = median90(all.decisions);
  r.denialRate = all.denialRate();
  r.timeoutRate = all.timeoutRate();
  for (const auto& [name, t] : kiosks)
    r.perKiosk.push_back({name, t.visits, t.avg(), t.denialRate(), t.timeoutRate()});
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
