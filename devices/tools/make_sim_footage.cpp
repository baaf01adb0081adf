// Generates the simulated camera's demo footage (assets/sim/checkin): a visitor facing the
// camera, then holding up a QR invitation pass, then an ID card with an AAMVA PDF417.
// The face comes from a Debian package (see scripts/make-sim-footage); codes are rendered here.
#include <cstdio>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>

#include "gatehouse/core/pass.hpp"
#include "gatehouse/devices/barcode.hpp"

using namespace gatehouse;
using namespace gatehouse::devices;

namespace {

cv::Mat background() {
  cv::Mat bg(480, 640, CV_8UC3);
  for (int y = 0; y < bg.rows; ++y)
    bg.row(y).setTo(cv::Scalar(150 + y / 8, 140 + y / 10, 120 + y / 12));
  cv::rectangle(bg, {0, 380}, {640, 480}, cv::Scalar(90, 100, 110), -1);  // counter
  return bg;
}

void paste(cv::Mat& dst, const cv::Mat& src, cv::Point at) {
  const cv::Rect r = cv::Rect(at, src.size()) & cv::Rect(0, 0, dst.cols, dst.rows);
  src(cv::Rect(r.x - at.x, r.y - at.y, r.width, r.height)).copyTo(dst(r));
}

cv::Mat card(const cv::Mat& code, cv::Size size, const std::string& title, cv::Scalar color) {
  cv::Mat c(size, CV_8UC3, cv::Scalar(250, 250, 250));
  cv::rectangle(c, {0, 0}, {size.width, 34}, color, -1);
  cv::putText(c, title, {10, 25}, cv::FONT_HERSHEY_SIMPLEX, 0.7, cv::Scalar(255, 255, 255), 2,
              cv::LINE_AA);
  cv::Mat bgr;
  cv::cvtColor(code, bgr, cv::COLOR_GRAY2BGR);
  paste(c, bgr, {(size.width - bgr.cols) / 2, 40});
  cv::rectangle(c, {0, 0}, {size.width - 1, size.height - 1}, cv::Scalar(60, 60, 60), 2);
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s FACE_IMAGE OUT_DIR\n", argv[0]);
    return 2;
  }
  cv::Mat face = cv::imread(argv[1], cv::IMREAD_COLOR);
  if (face.empty()) {
    std::fprintf(stderr, "cannot read %s\n", argv[1]);
    return 1;
  }
  std::filesystem::create_directories(argv[2]);
  // Head and shoulders of the portrait, 300 px tall for the close-up, 230 px when holding a card.
  const cv::Rect crop = cv::Rect(face.cols / 6, 0, face.cols * 2 / 3, face.rows * 3 / 4) &
                        cv::Rect(0, 0, face.cols, face.rows);
  cv::Mat person = face(crop);
  cv::Mat big, small;
  const cv::Rect head = cv::Rect(face.cols / 4, 0, face.cols / 2, face.rows / 2) &
                        cv::Rect(0, 0, face.cols, face.rows);
  cv::resize(face(head), big, cv::Size(), 420.0 / head.height, 420.0 / head.height, cv::INTER_AREA);
  cv::resize(person, small, cv::Size(), 250.0 / person.rows, 250.0 / person.rows, cv::INTER_AREA);

  // A demo invitation pass signed with a throwaway key (verification needs the estate's key;
  // parsing works without it) and a sample licence.
  InvitationPass pass;
  pass.estateId = 1;
  pass.invitationId = Uuid::random();
  pass.validFrom = 1'800'000'000;
  pass.validUntil = pass.validFrom + 30 * 86400;
  pass.guestName = "Eileen Collins";
  pass.unitLabel = "B-1204";
  const std::string passText = encodePass(pass, KeyPair::generate().secretKey);
  const std::string licence =
      "@\n\x1e\rANSI "
      "636014090002DL00410160ZC02010020DLDAQD7654321\nDCSCOLLINS\nDACEILEEN\nDADMARIE\n"
      "DBB11191956\nDBA11192031\nDBD11192023\nDBC2\nDAJCA\nDCGUSA\rZCZCAGATEHOUSE\r";

  const cv::Mat qr = encodeCode(CodeFormat::qr, passText, 4, 3).value();
  const cv::Mat pdf = encodeCode(CodeFormat::pdf417, licence, 2, 3).value();
  const cv::Mat passCard =
      card(qr, {qr.cols + 30, qr.rows + 60}, "GATEHOUSE PASS", cv::Scalar(121, 78, 31));
  const cv::Mat idCard = card(pdf, {std::max(pdf.cols + 20, 300), pdf.rows + 70}, "DRIVER LICENSE",
                              cv::Scalar(40, 90, 40));

  int n = 0;
  auto write = [&](const cv::Mat& frame) {
    char name[64];
    std::snprintf(name, sizeof name, "/frame_%03d.jpg", n++);
    cv::imwrite(std::string(argv[2]) + name, frame, {cv::IMWRITE_JPEG_QUALITY, 85});
  };
  for (int i = 0; i < 3; ++i) {  // photo: face close-up, small sway
    cv::Mat f = background();
    paste(f, big, {(640 - big.cols) / 2 + i * 6 - 6, 480 - big.rows + i * 2});
    write(f);
  }
  for (int i = 0; i < 3; ++i) {  // invitation pass held up to the camera
    cv::Mat f = background();
    paste(f, small, {20 + i * 4, 480 - small.rows});
    paste(f, passCard, {640 - passCard.cols - 30 - i * 5, 60 + i * 4});
    write(f);
  }
  for (int i = 0; i < 3; ++i) {  // ID card held up
    cv::Mat f = background();
    paste(f, small, {10 + i * 4, 480 - small.rows});
    paste(f, idCard, {640 - idCard.cols - 20 - i * 4, 120 + i * 3});
    write(f);
  }
  std::printf("%d frames in %s\n", n, argv[2]);
  return 0;
}
