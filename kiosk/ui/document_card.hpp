// The read-only card "About you" shows after an ID read: kind, masked number, nationality, dates.
#pragma once
#include <string>

#include "gatehouse/flow/document_card.hpp"
#include "screen.hpp"

namespace gatehouse::kiosk::screens {

// A date in the kiosk's language ("12 Aug 1974", "12 авг. 1974").
std::string displayDate(const ScreenContext& ctx, const flow::CalendarDate& date);
// The card's lines as the visitor reads them (the layout test and the e2e look for these).
std::string documentCardLine(const ScreenContext& ctx, const flow::DocumentCard& card);
std::string documentCardDates(const ScreenContext& ctx, const flow::DocumentCard& card);
// Draws the card, `width` wide, and under it the notice when the document has expired.
void documentCard(const ScreenContext& ctx, const flow::DocumentCard& card, float width);
// The height documentCard() takes at `width` (reach mode places controls below it).
float documentCardHeight(const ScreenContext& ctx, const flow::DocumentCard& card, float width);

}  // namespace gatehouse::kiosk::screens
