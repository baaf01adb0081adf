// A scanned ID (ICAO MRZ or AAMVA PDF417) fills the visitor's name and a keyed hash of the
// number (the estate's pepper), never the number.
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
  const auto v = visitorFromIdDocument(kMrz, kPepper);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->name, "Anna Maria Eriksson");
  EXPECT_EQ(v->documentType, "mrz");
  EXPECT_EQ(v->documentHash, documentHash(kPepper, "L898902C3"));
  EXPECT_NE(v->documentHash, sha256Hex("L898902C3"));  // not the brute-forceable digest
  EXPECT_EQ(v->documentHash.find("L898902C3"), std::string::npos);
}

TEST(IdScan, WithoutAPepperNoDocumentHashIsKept) {
  const auto v = visitorFromIdDocument(kMrz, "");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->name, "Anna Maria Eriksson");
  EXPECT_TRUE(v->documentHash.empty());
}

TEST(IdScan, AnythingElseIsNotAnId) {
  EXPECT_FALSE(visitorFromIdDocument("GH1:notanid", kPepper));
  EXPECT_FALSE(visitorFromIdDocument("", kPepper));
}

}  // namespace
}  // namespace gatehouse::kiosk
