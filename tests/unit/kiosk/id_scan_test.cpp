// A scanned ID (ICAO MRZ or AAMVA PDF417) fills the visitor's name and a hash of the number, never
// the number.
#include <gtest/gtest.h>

#include "app/device_adapters.hpp"
#include "gatehouse/core/base64url.hpp"

namespace gatehouse::kiosk {
namespace {

TEST(IdScan, PassportMrzFillsTheNameInTitleCaseAndHashesTheNumber) {
  const auto v = visitorFromIdDocument(
      "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
      "L898902C36UTO7408122F1204159ZE184226B<<<<<10");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->name, "Anna Maria Eriksson");
  EXPECT_EQ(v->documentType, "mrz");
  EXPECT_EQ(v->documentHash, sha256Hex("L898902C3"));
  EXPECT_EQ(v->documentHash.find("L898902C3"), std::string::npos);
}

TEST(IdScan, AnythingElseIsNotAnId) {
  EXPECT_FALSE(visitorFromIdDocument("GH1:notanid"));
  EXPECT_FALSE(visitorFromIdDocument(""));
}

}  // namespace
}  // namespace gatehouse::kiosk
