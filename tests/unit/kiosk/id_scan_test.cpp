// A scanned ID (ICAO MRZ or AAMVA PDF417) fills the visitor's name and a keyed hash of the
// number (the estate's pepper), never the number; the card it shows has the kind, the number's
// last 3 characters, nationality and dates.
#include <gtest/gtest.h>

#include "app/device_adapters.hpp"
#include "gatehouse/core/base64url.hpp"
#include "gatehouse/core/document_hash.hpp"

namespace gatehouse::kiosk {
namespace {

const char* kMrz =
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10";
const std::string kPepper = "harbour-view-pepper-0123456789abcdef";

TEST(IdScan, PassportMrzFillsTheNameInTitleCaseAndHashesTheNumberWithThePepper) {
  const auto read = visitorFromIdDocument(kMrz, kPepper);
  ASSERT_TRUE(read);
  const auto* v = &read->visitor;
  EXPECT_EQ(v->name, "Anna Maria Eriksson");
  EXPECT_EQ(v->documentType, "mrz");
  EXPECT_EQ(v->documentHash, documentHash(kPepper, "L898902C3"));
  EXPECT_NE(v->documentHash, sha256Hex("L898902C3"));  // not the brute-forceable digest
  EXPECT_EQ(v->documentHash.find("L898902C3"), std::string::npos);
}

TEST(IdScan, WithoutAPepperNoDocumentHashIsKept) {
  const auto read = visitorFromIdDocument(kMrz, "");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->visitor.name, "Anna Maria Eriksson");
  EXPECT_TRUE(read->visitor.documentHash.empty());
}

// Everything a card holds, in one string: the full number must not be in it.
std::string everything(const flow::DocumentCard& c) {
  return c.kind + "|" + c.name + "|" + c.numberEnding + "|" + c.nationality + "|" + c.issuedIn;
}

TEST(IdScan, APassportShowsItsKindTheNumbersLastThreeNationalityAndDates) {
  const auto read = visitorFromIdDocument(kMrz, kPepper);
  ASSERT_TRUE(read);
  const flow::DocumentCard& c = read->card;
  EXPECT_EQ(c.kind, "passport");
  EXPECT_EQ(c.name, "Anna Maria Eriksson");  // the card shows while the name field holds this
  EXPECT_EQ(c.numberEnding, "2C3");
  EXPECT_EQ(c.nationality, "UTO");
  EXPECT_EQ(c.issuedIn, "");
  EXPECT_EQ(c.dateOfBirth, (flow::CalendarDate{1974, 8, 12}));
  EXPECT_EQ(c.expiry, (flow::CalendarDate{2012, 4, 15}));
  EXPECT_FALSE(c.expired) << "the flow judges expiry on the kiosk's clock, not the adapter";
  EXPECT_EQ(everything(c).find("L898902C3"), std::string::npos);
  EXPECT_EQ(everything(c).find("L898902"), std::string::npos);
}

TEST(IdScan, AnIdCardAndAVisaAreToldApartFromAPassport) {
  const char* td1 =
      "I<UTOD231458907<<<<<<<<<<<<<<<\n"
      "7408122F1204159UTO<<<<<<<<<<<6\n"
      "ERIKSSON<<ANNA<MARIA<<<<<<<<<<";
  const auto card = visitorFromIdDocument(td1, kPepper);
  ASSERT_TRUE(card);
  EXPECT_EQ(card->card.kind, "id_card");
  EXPECT_EQ(card->card.numberEnding, "890");
  EXPECT_EQ(card->visitor.documentType, "mrz");
  const char* visa =
      "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
      "L898902C36UTO7408122F1204159ZE184226B<<<<<10";
  const auto travel = visitorFromIdDocument(visa, kPepper);
  ASSERT_TRUE(travel);
  EXPECT_EQ(travel->card.kind, "travel_document");
}

const std::string kLicence =
    "@\n\x1e\rANSI 636014080102DL00410288ZC03290024DLDAQD1234562\nDCSSAMPLE\nDDEN\nDACJANE\n"
    "DBB19700101\nDBA20300101\nDAJCA\nDCGUSA\n\r";

TEST(IdScan, ALicenceShowsWhereItWasIssuedInsteadOfANationality) {
  const auto read = visitorFromIdDocument(kLicence, kPepper);
  ASSERT_TRUE(read);
  const flow::DocumentCard& c = read->card;
  EXPECT_EQ(read->visitor.name, "Jane Sample");
  EXPECT_EQ(read->visitor.documentHash, documentHash(kPepper, "636014:D1234562"));
  EXPECT_EQ(c.kind, "driving_licence");
  EXPECT_EQ(c.numberEnding, "562");
  EXPECT_EQ(c.nationality, "");
  EXPECT_EQ(c.issuedIn, "CA, USA");
  EXPECT_EQ(c.dateOfBirth, (flow::CalendarDate{1970, 1, 1}));
  EXPECT_EQ(c.expiry, (flow::CalendarDate{2030, 1, 1}));
  EXPECT_EQ(everything(c).find("D1234562"), std::string::npos);
  EXPECT_EQ(everything(c).find("1234562"), std::string::npos);
}

TEST(IdScan, AStateIdCardIsAnIdCard) {
  std::string id = kLicence;
  id.replace(id.find("DL0041"), 2, "ID");
  id.replace(id.find("DLDAQ"), 2, "ID");
  const auto read = visitorFromIdDocument(id, kPepper);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->card.kind, "id_card");
}

TEST(IdScan, AnythingElseIsNotAnId) {
  EXPECT_FALSE(visitorFromIdDocument("GH1:notanid", kPepper));
  EXPECT_FALSE(visitorFromIdDocument("", kPepper));
}

}  // namespace
}  // namespace gatehouse::kiosk
