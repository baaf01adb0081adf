// The read-only card of an ID read on "About you", and the notice when the document has expired.
#include "document_card.hpp"

#include <imgui.h>

#include "gatehouse/ui/fonts.hpp"
#include "gatehouse/ui/layout_report.hpp"
#include "gatehouse/ui/theme.hpp"

namespace gatehouse::kiosk::screens {
namespace {

constexpr const char* kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                   "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr const char* kSeparator = "  ·  ";
constexpr const char* kNoBreakSpace = "\xC2\xA0";
constexpr const char* kMask = "•••••";  // the same length for every number: its length is not shown

// A narrow card wraps between parts, never inside one ("No." and its number stay together):
// ImGui does not break at a no-break space.
void append(std::string& line, const std::string& part) {
  if (part.empty()) return;
  if (!line.empty()) line += kSeparator;
  for (char c : part) line += c == ' ' ? std::string(kNoBreakSpace) : std::string(1, c);
}

std::string expiredNotice(const ScreenContext& ctx, const flow::DocumentCard& card) {
  return ctx.tr.format("details.card.expired", {{"date", displayDate(ctx, card.expiry)}});
}

float padding() { return ImGui::GetStyle().FramePadding.x; }

float textHeight(const std::string& s, float wrap) {
  return ImGui::CalcTextSize(s.c_str(), nullptr, false, wrap).y;
}

// Wrapped text that reports itself to the layout report, `wrap` wide from the cursor.
void wrapped(const std::string& s, float wrap) {
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + wrap);
  ui::text(s);
  ImGui::PopTextWrapPos();
}

}  // namespace

std::string displayDate(const ScreenContext& ctx, const flow::CalendarDate& d) {
  if (d.month < 1 || d.month > 12) return {};
  return ctx.tr.format("date.format",
                       {{"day", std::to_string(d.day)},
                        {"month", ctx.t(std::string("date.month.") + kMonths[d.month - 1])},
                        {"year", std::to_string(d.year)}});
}

std::string documentCardLine(const ScreenContext& ctx, const flow::DocumentCard& card) {
  std::string line;
  append(line, ctx.t("details.card." + card.kind));
  append(line, ctx.tr.format("details.card.number", {{"number", kMask + card.numberEnding}}));
  if (!card.nationality.empty())
    append(line, ctx.tr.format("details.card.nationality", {{"code", card.nationality}}));
  if (!card.issuedIn.empty())
    append(line, ctx.tr.format("details.card.issued_in", {{"place", card.issuedIn}}));
  return line;
}

std::string documentCardDates(const ScreenContext& ctx, const flow::DocumentCard& card) {
  std::string line;
  if (card.dateOfBirth.known())
    append(line,
           ctx.tr.format("details.card.born", {{"date", displayDate(ctx, card.dateOfBirth)}}));
  if (card.expiry.known())
    append(line, ctx.tr.format("details.card.expires", {{"date", displayDate(ctx, card.expiry)}}));
  return line;
}

float documentCardHeight(const ScreenContext& ctx, const flow::DocumentCard& card, float width) {
  const float inner = width - 2 * padding();
  const float spacing = ImGui::GetStyle().ItemSpacing.y;
  float h = 2 * padding() + textHeight(documentCardLine(ctx, card), inner);
  const std::string dates = documentCardDates(ctx, card);
  if (!dates.empty()) h += spacing + textHeight(dates, inner);
  if (card.expired) h += spacing + textHeight(expiredNotice(ctx, card), width);
  return h + spacing;
}

void documentCard(const ScreenContext& ctx, const flow::DocumentCard& card, float width) {
  const ui::Palette& p = ui::palette();
  const float pad = padding();
  const float inner = width - 2 * pad;
  const float spacing = ImGui::GetStyle().ItemSpacing.y;
  const std::string line = documentCardLine(ctx, card);
  const std::string dates = documentCardDates(ctx, card);
  float boxH = 2 * pad + textHeight(line, inner);
  if (!dates.empty()) boxH += spacing + textHeight(dates, inner);
  const ImVec2 at = ImGui::GetCursorScreenPos();
  const ImVec2 end(at.x + width, at.y + boxH);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float rounding = ImGui::GetStyle().FrameRounding;
  dl->AddRectFilled(at, end, ImGui::GetColorU32(p.surface), rounding);
  dl->AddRect(at, end, ImGui::GetColorU32(p.border), rounding);
  const float x = ImGui::GetCursorPosX();
  ImGui::SetCursorPos(ImVec2(x + pad, ImGui::GetCursorPosY() + pad));
  wrapped(line, inner);
  if (!dates.empty()) {
    ImGui::SetCursorPosX(x + pad);
    wrapped(dates, inner);
  }
  ImGui::SetCursorScreenPos(ImVec2(at.x, end.y));
  ImGui::Dummy(ImVec2(width, 0));
  if (card.expired) {
    ImGui::PushStyleColor(ImGuiCol_Text, p.danger);
    wrapped(expiredNotice(ctx, card), width);
    ImGui::PopStyleColor();
  }
}

}  // namespace gatehouse::kiosk::screens
