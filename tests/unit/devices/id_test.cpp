// AAMVA and MRZ parsers: ICAO specimens, several AAMVA versions, broken check digits, junk.
#include <gtest/gtest.h>

#include <string>

#include "gatehouse/devices/id_document.hpp"

using namespace gatehouse::devices;

namespace {

const Date kToday{2026, 11, 22};

// Builds an AAMVA file with a correct subfile directory, as an issuer's encoder would.
std::string buildAamva(const std::string& iin, int version, int jurVersion,
                       const std::vector<std::pair<std::string, std::string>>& subfiles) {
  std::string header = "@\n\x1e\rANSI " + iin;
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", version);
  header += buf;
  if (version >= 2) {
    std::snprintf(buf, sizeof buf, "%02d", jurVersion);
    header += buf;
  }
  std::snprintf(buf, sizeof buf, "%02d", static_cast<int>(subfiles.size()));
  header += buf;
  std::size_t offset = header.size() + 10 * subfiles.size();
  std::string dir, body;
  for (const auto& [type, content] : subfiles) {
    const std::string sub = type + content + "\r";
    std::snprintf(buf, sizeof buf, "%04zu", offset);
    dir += type + buf;
    std::snprintf(buf, sizeof buf, "%04zu", sub.size());
    dir += buf;
    body += sub;
    offset += sub.size();
  }
  return header + dir + body;
}

}  // namespace

TEST(Aamva, Version8UsLicenceFromTheStandardExample) {
  // The example of the AAMVA DL/ID card design standard (2016), directory offsets as printed.
  const std::string data =
      "@\n\x1e\rANSI "
      "636000090002DL00410278ZV03190008DLDAQT64235789\nDCSSAMPLE\nDDEN\nDACMICHAEL\nDDFN\n"
      "DADJOHN\nDDGN\nDCUJR\nDCAD\nDCBK\nDCDPH\nDBD06062016\nDBB06061986\nDBA12102024\nDBC1\nDAU068"
      " in\n"
      "DAYBRO\nDAG2300 WEST BROAD STREET\nDAIRICHMOND\nDAJVA\nDAK232690000  "
      "\nDCF2424244747474786102204\n"
      "DCGUSA\nDCK123456789\nDDAF\nDDB06062008\nDDC06062009\nDDD1\rZVZVA01\r";
  auto r = parseAamva(data, kToday);
  ASSERT_TRUE(r) << r.error().message;
  const auto& l = r.value();
  EXPECT_EQ(l.issuerId, "636000");
  EXPECT_EQ(l.aamvaVersion, 9);
  EXPECT_EQ(l.jurisdictionVersion, 0);
  EXPECT_EQ(l.documentType, "DL");
  EXPECT_EQ(l.familyName, "SAMPLE");
  EXPECT_EQ(l.givenNames, "MICHAEL JOHN");
  EXPECT_EQ(l.documentNumber, "T64235789");
  ASSERT_TRUE(l.dateOfBirth);
  EXPECT_EQ(l.dateOfBirth->iso(), "1986-06-06");
  EXPECT_EQ(l.expiryDate->iso(), "2024-12-10");
  EXPECT_EQ(l.issueDate->iso(), "2016-06-06");
  EXPECT_EQ(l.jurisdiction, "VA");
  EXPECT_EQ(l.country, "USA");
  EXPECT_EQ(l.sex, "M");
  EXPECT_TRUE(l.expired);
  EXPECT_EQ(l.elements.at("DAI"), "RICHMOND");
}

TEST(Aamva, Version10ValidLicenceIsNotExpired) {
  const auto data = buildAamva("636014", 10, 1,
                               {{"DL",
                                 "DAQD1234567\nDCSGARCÍA LÓPEZ\nDACMARÍA\nDADJOSÉ\nDBB02291992\n"
                                 "DBA02282030\nDBC2\nDAJCA\nDCGUSA"},
                                {"ZC", "ZCAXYZ"}});
  auto r = parseAamva(data, kToday);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->aamvaVersion, 10);
  EXPECT_EQ(r->jurisdictionVersion, 1);
  EXPECT_EQ(r->familyName, "GARCÍA LÓPEZ");
  EXPECT_EQ(r->givenNames, "MARÍA JOSÉ");
  EXPECT_EQ(r->dateOfBirth->iso(), "1992-02-29");
  EXPECT_EQ(r->expiryDate->iso(), "2030-02-28");
  EXPECT_EQ(r->sex, "F");
  EXPECT_FALSE(r->expired);
}

TEST(Aamva, CanadianDatesAreYearFirst) {
  // Ontario (IIN 636012), version 3: DCT holds the given names, dates CCYYMMDD.
  const auto data = buildAamva("636012", 3, 0,
                               {{"DL",
                                 "DAQA1234-56789-01234\nDCSTREMBLAY\nDCTJEAN,LUC\nDBB19800315\n"
                                 "DBA20280102\nDBD20230102\nDAJON"}});
  auto r = parseAamva(data, kToday);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->country, "CAN");
  EXPECT_EQ(r->givenNames, "JEAN LUC");
  EXPECT_EQ(r->dateOfBirth->iso(), "1980-03-15");
  // 20280102 read as CCYYMMDD is 2 Jan 2028; as MMDDCCYY it would be invalid (month 20).
  EXPECT_EQ(r->expiryDate->iso(), "2028-01-02");
  EXPECT_EQ(r->issueDate->iso(), "2023-01-02");
}

TEST(Aamva, CanadianCountryElementWinsOverTheIin) {
  const auto data = buildAamva("636999", 9, 0,
                               {{"DL", "DAQX1\nDCSLEE\nDACAMY\nDBB20010203\nDBA20310405\nDCGCAN"}});
  auto r = parseAamva(data, kToday);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->dateOfBirth->iso(), "2001-02-03");
  EXPECT_EQ(r->expiryDate->iso(), "2031-04-05");
}

TEST(Aamva, Version1FullNameElement) {
  const auto data =
      buildAamva("636010", 1, 0,
                 {{"DL", "DAADOE,JOHN,QUINCY\nDAQD123456\nDBB19700131\nDBA20300131\nDAJFL\nDBCM"}});
  auto r = parseAamva(data, kToday);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->aamvaVersion, 1);
  EXPECT_EQ(r->familyName, "DOE");
  EXPECT_EQ(r->givenNames, "JOHN QUINCY");
  EXPECT_EQ(r->dateOfBirth->iso(), "1970-01-31");  // ambiguous order resolved by validity
  EXPECT_EQ(r->sex, "M");
}

TEST(Aamva, IdCardSubfileAndWrongOffsets) {
  std::string data =
      buildAamva("636020", 5, 0, {{"ID", "DAQ99887766\nDCSROE\nDACRICHARD\nDBB12311999"}});
  data.replace(data.find("ID0"), 6, "ID0999");  // directory points past the end
  auto r = parseAamva(data, kToday);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->documentType, "ID");
  EXPECT_EQ(r->documentNumber, "99887766");
  EXPECT_FALSE(r->expiryDate.has_value());
}

TEST(Aamva, RejectsJunkAndBadDates) {
  EXPECT_EQ(parseAamva("hello", kToday).error().code, "not_aamva");
  EXPECT_EQ(parseAamva("@\n\x1e\rANSI 63", kToday).error().code, "malformed");
  EXPECT_EQ(parseAamva(std::string(kMaxIdInput + 1, '@'), kToday).error().code, "too_large");
  const auto noNumber = buildAamva("636014", 9, 0, {{"DL", "DCSX\nDACY"}});
  EXPECT_EQ(parseAamva(noNumber, kToday).error().code, "malformed");
  const auto badDate = buildAamva("636014", 9, 0, {{"DL", "DAQ1\nDBB13452000"}});
  EXPECT_EQ(parseAamva(badDate, kToday).error().code, "bad_date");
}

// ---- MRZ ----
const char* kTd3 =
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10";
const char* kTd1 =
    "I<UTOD231458907<<<<<<<<<<<<<<<\n"
    "7408122F1204159UTO<<<<<<<<<<<6\n"
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<";
const char* kTd2 =
    "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\n"
    "D231458907UTO7408122F1204159<<<<<<<6";

TEST(Mrz, Td3PassportSpecimen) {
  auto r = parseMrz(kTd3, kToday);
  ASSERT_TRUE(r) << r.error().message;
  const auto& d = r.value();
  EXPECT_EQ(d.format, MrzFormat::td3);
  EXPECT_EQ(d.documentCode, "P<");
  EXPECT_EQ(d.issuingState, "UTO");
  EXPECT_EQ(d.surname, "ERIKSSON");
  EXPECT_EQ(d.givenNames, "ANNA MARIA");
  EXPECT_EQ(d.documentNumber, "L898902C3");
  EXPECT_EQ(d.nationality, "UTO");
  EXPECT_EQ(d.dateOfBirth.iso(), "1974-08-12");
  EXPECT_EQ(d.expiryDate.iso(), "2012-04-15");
  EXPECT_EQ(d.sex, "F");
  EXPECT_EQ(d.optionalData1, "ZE184226B");
  EXPECT_TRUE(d.expired);
}

TEST(Mrz, Td1IdCardSpecimen) {
  auto r = parseMrz(kTd1, kToday);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->format, MrzFormat::td1);
  EXPECT_EQ(r->documentCode, "I<");
  EXPECT_EQ(r->documentNumber, "D23145890");
  EXPECT_EQ(r->surname, "ERIKSSON");
  EXPECT_EQ(r->givenNames, "ANNA MARIA");
  EXPECT_EQ(r->dateOfBirth.iso(), "1974-08-12");
  EXPECT_EQ(r->expiryDate.iso(), "2012-04-15");
  EXPECT_EQ(r->nationality, "UTO");
}

TEST(Mrz, Td2Specimen) {
  auto r = parseMrz(kTd2, kToday);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->format, MrzFormat::td2);
  EXPECT_EQ(r->documentNumber, "D23145890");
  EXPECT_EQ(r->surname, "ERIKSSON");
}

TEST(Mrz, ReaderFormattingIsAccepted) {
  // CRLF, trailing blanks, or one unbroken string of 88 characters.
  std::string crlf = std::string("  ") + kTd3;
  crlf.replace(crlf.find('\n'), 1, "  \r\n");
  EXPECT_TRUE(parseMrz(crlf + "\r\n", kToday));
  std::string joined = kTd3;
  joined.erase(joined.find('\n'), 1);
  EXPECT_TRUE(parseMrz(joined, kToday));
}

TEST(Mrz, ExtendedDocumentNumberTd1) {
  // Document number longer than 9: check digit position holds '<', number continues in the
  // optional data and ends with its check digit.
  std::string l1 = "I<UTOD23145890<7349<<<<<<<<<<<";
  const std::string full = "D23145890734";
  const int cd = mrzCheckDigit(full);
  l1 = "I<UTOD23145890<734" + std::to_string(cd) + std::string(11, '<');
  std::string l2 = "7408122F1204159UTO<<<<<<<<<<<";
  const std::string composite =
      l1.substr(5, 25) + l2.substr(0, 7) + l2.substr(8, 7) + l2.substr(18, 11);
  l2 += std::to_string(mrzCheckDigit(composite));
  auto r = parseMrz(l1 + "\n" + l2 + "\nERIKSSON<<ANNA<MARIA<<<<<<<<<<", kToday);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->documentNumber, full);
}

TEST(Mrz, EveryBrokenCheckDigitIsAnErrorNamingTheField) {
  struct Case {
    const char* base;
    int line;
    std::size_t pos;
    const char* field;
  };
  const Case cases[] = {
      {kTd3, 1, 9, "document number"}, {kTd3, 1, 19, "date of birth"},
      {kTd3, 1, 27, "date of expiry"}, {kTd3, 1, 42, "personal number"},
      {kTd3, 1, 43, "composite"},      {kTd1, 0, 14, "document number"},
      {kTd1, 1, 6, "date of birth"},   {kTd1, 1, 14, "date of expiry"},
      {kTd1, 1, 29, "composite"},      {kTd2, 1, 9, "document number"},
      {kTd2, 1, 35, "composite"},
  };
  for (const auto& c : cases) {
    std::string text = c.base;
    std::size_t lineStart = 0;
    for (int i = 0; i < c.line; ++i) lineStart = text.find('\n', lineStart) + 1;
    char& digit = text[lineStart + c.pos];
    digit = digit == '9' ? '0' : static_cast<char>(digit == '<' ? '3' : digit + 1);
    auto r = parseMrz(text, kToday);
    ASSERT_FALSE(r) << c.field;
    EXPECT_EQ(r.error().code, "bad_check_digit") << c.field;
    EXPECT_NE(r.error().message.find(c.field), std::string::npos) << r.error().message;
  }
}

TEST(Mrz, DataChangeWithoutDigitChangeIsCaught) {
  std::string t = kTd3;
  t[t.find("7408122")] = '8';  // birth year 84 instead of 74
  EXPECT_EQ(parseMrz(t, kToday).error().code, "bad_check_digit");
}

TEST(Mrz, RejectsWrongShapesAndCharacters) {
  EXPECT_EQ(parseMrz("P<UTO", kToday).error().code, "not_mrz");
  EXPECT_EQ(parseMrz("a\nb\nc\nd\ne", kToday).error().code, "not_mrz");
  std::string lower = kTd3;
  lower[2] = 'u';
  EXPECT_EQ(parseMrz(lower, kToday).error().code, "bad_character");
}

TEST(Mrz, CheckDigitOfKnownFields) {
  EXPECT_EQ(mrzCheckDigit("L898902C3"), 6);
  EXPECT_EQ(mrzCheckDigit("740812"), 2);
  EXPECT_EQ(mrzCheckDigit("120415"), 9);
  EXPECT_EQ(mrzCheckDigit("a"), -1);
}

TEST(IdDocument, DetectsFormatAndWritesJson) {
  auto mrz = parseIdDocument(kTd3, kToday);
  ASSERT_TRUE(mrz);
  ASSERT_TRUE(mrz->mrz);
  const auto json = toJson(mrz.value());
  EXPECT_NE(json.find("\"surname\": \"ERIKSSON\""), std::string::npos) << json;
  const auto aamva = buildAamva("636014", 9, 0, {{"DL", "DAQ1\nDCSX\nDACY"}});
  auto a = parseIdDocument(aamva, kToday);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_TRUE(a->aamva);
  EXPECT_NE(toJson(a.value()).find("\"kind\": \"aamva\""), std::string::npos);
}
