// Reports for admins: visitors per day and per hour of week, decision times, denial and
// timeout rates, per kiosk; exported as CSV and PDF. Also the evacuation list PDF.
#pragma once
#include <array>
#include <string>
#include <vector>

#include "gatehouse/console/model.hpp"
#include "gatehouse/core/result.hpp"

namespace gatehouse::console {

struct KioskStats {
  std::string kiosk;
  int visits = 0;
  double avgDecisionS = 0;
  double denialRate = 0;
  double timeoutRate = 0;
};

struct Report {
  TimePoint from{}, to{};
  std::vector<std::pair<std::string, int>> perDay;     // "YYYY-MM-DD", visits
  std::array<std::array<int, 24>, 7> perHourOfWeek{};  // [Mon..Sun][hour], estate time zone
  int visits = 0;
  int decided = 0;  // by a person (resident or guard), not by an invitation
  double avgDecisionS = 0;
  double p90DecisionS = 0;
  double denialRate = 0;   // denied / decided
  double timeoutRate = 0;  // escalated / walk-ins
  std::vector<KioskStats> perKiosk;
};

// From the history rows of [from, to) (GET /api/staff/history), in the console's time zone.
Report buildReport(const std::vector<HistoryRow>& rows, TimePoint from, TimePoint to);
std::string reportCsv(const Report& report);
Status writeReportPdf(const Report& report, const std::string& estateName, const std::string& path);

// The evacuation list: everyone on site with photo, host unit and entry time, one row each.
Status writeEvacuationPdf(const std::vector<OnSiteVisitor>& visitors, const std::string& estateName,
                          TimePoint printedAt, bool fromCache, const std::string& path);

}  // namespace gatehouse::console
