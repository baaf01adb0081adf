// Alerts that carry a photo (0610/0611): the kinds "no visitor gets stuck" raises, the photo
// stored with the alert once however often the kiosk resends, and bad photos refused by name.
#include "backend_fixture.hpp"

using namespace gatehouse;
using namespace gatehouse::backend;
using namespace gatehouse::backend::test;

namespace {

class KioskAlertPhoto : public BackendTest {
 protected:
  std::string detailOf(const std::function<void()>& f) {
    try {
      f();
    } catch (const backend::Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::InvalidInput) << e.what();
      return e.detail();
    }
    return "no error";
  }
  static Bytes jpeg(std::size_t size) {
    Bytes b(size, 0x42);
    b[0] = 0xFF;
    b[1] = 0xD8;
    b[2] = 0xFF;
    return b;
  }
};

}  // namespace

TEST_F(KioskAlertPhoto, TheGuardGetsThePhotoOnceHoweverOftenTheKioskResends) {
  const Uuid event = Uuid::random();
  const Bytes photo = jpeg(5000);
  const auto id =
      kiosk_->raiseAlert(event, "face_not_found", std::nullopt, R"({"tries":3})", photo);
  EXPECT_EQ(kiosk_->raiseAlert(event, "face_not_found", std::nullopt, R"({"tries":3})", photo), id);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.alert WHERE kind = 'face_not_found'"), 1);
  auto row = owner_->exec("SELECT photo_jpeg, kiosk_id FROM gh.alert WHERE id = $1", {id});
  EXPECT_EQ(row[0].bytes("photo_jpeg"), photo);
  EXPECT_EQ(row[0].int64("kiosk_id"), demo_.kiosks[0].kioskId);
}

TEST_F(KioskAlertPhoto, CallingAGuardAndALostBadgeAreAlertKindsWithOrWithoutAPhoto) {
  kiosk_->raiseAlert(Uuid::random(), "guard_called", std::nullopt, R"({"screen":"welcome"})",
                     Bytes{});
  kiosk_->raiseAlert(Uuid::random(), "guard_called", std::nullopt, R"({"screen":"photo_review"})",
                     jpeg(100));
  kiosk_->raiseAlert(Uuid::random(), "lost_badge", std::nullopt, R"({"screen":"scan_badge"})");
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.alert WHERE kind = 'guard_called'"), 2);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.alert WHERE photo_jpeg IS NOT NULL AND kind = "
                  "'guard_called'"),
            1);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.alert WHERE kind = 'lost_badge'"), 1);
}

TEST_F(KioskAlertPhoto, ABadPhotoOrKindIsRefusedByNameAndWritesNothing) {
  const auto before = count("SELECT count(*) AS n FROM gh.alert");
  Bytes png{0x89, 'P', 'N', 'G', 1, 2, 3};
  EXPECT_EQ(detailOf([&] {
              kiosk_->raiseAlert(Uuid::random(), "guard_called", std::nullopt, "{}", png);
            }),
            "photo");
  EXPECT_EQ(detailOf([&] {
              kiosk_->raiseAlert(Uuid::random(), "guard_called", std::nullopt, "{}",
                                 jpeg(2 * 1024 * 1024 + 1));
            }),
            "photo");
  EXPECT_EQ(detailOf([&] {
              kiosk_->raiseAlert(Uuid::random(), "selfie", std::nullopt, "{}", jpeg(100));
            }),
            "alert_kind");
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.alert"), before);
}
