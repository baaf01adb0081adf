// What an ID read shows the visitor on "About you": shown, never stored or sent (decision 0860).
//
// Deliberately not part of VisitorInfo: a VisitRequest (and so the outbox, the server and the
// database) cannot carry any of it. The flow drops it once the visit request leaves, when the
// visitor types a name of their own, and when the session ends.
#pragma once
#include <compare>
#include <string>

namespace gatehouse::flow {

// A calendar date as a document prints it (no time of day, no time zone).
struct CalendarDate {
  int year = 0;  // 0 = not on the document
  int month = 0;
  int day = 0;
  bool known() const { return year > 0; }
  friend auto operator<=>(const CalendarDate&, const CalendarDate&) = default;
};

struct DocumentCard {
  std::string kind;  // passport | id_card | travel_document | driving_licence; "" = no card
  std::string name;  // the name the read filled in: the card shows while the name field holds it
  std::string numberEnding;  // the number's last 3 characters; the rest never leaves the reader
  std::string nationality;   // ICAO 3-letter code (passports, ID cards); "" for a licence
  std::string issuedIn;      // licence: jurisdiction and country ("CA, USA"); "" for an MRZ
  CalendarDate dateOfBirth;
  CalendarDate expiry;
  bool expired = false;  // the expiry is before today on the kiosk's clock (set by the flow)
  bool present() const { return !kind.empty(); }
};

// Overwrites the card's text before it is released, as the session does with the photo bytes.
inline void wipe(DocumentCard& card) {
  for (std::string* s :
       {&card.kind, &card.name, &card.numberEnding, &card.nationality, &card.issuedIn})
    s->assign(s->size(), '\0');
  card = DocumentCard{};
}

}  // namespace gatehouse::flow
