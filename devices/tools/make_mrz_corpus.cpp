// Writes the generated MRZ corpus into a directory: one JPEG (quality 95) per case and
// expected.tsv (file, case id, expect_read, surname, given names, number, nationality, birth,
// expiry, MRZ with '\n' escaped).
// Usage: gatehouse-make-mrz-corpus DIR [WIDTHxHEIGHT [CASE-ID-SUBSTRING]].
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <string>

#include "gatehouse/devices/testing/mrz_corpus.hpp"

using namespace gatehouse::devices::testing;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: gatehouse-make-mrz-corpus DIR [WIDTHxHEIGHT [CASE-ID-SUBSTRING]]\n");
    return 2;
  }
  int w = 1280, h = 720;
  if (argc > 2 && std::sscanf(argv[2], "%dx%d", &w, &h) != 2) {
    std::fprintf(stderr, "size must be WIDTHxHEIGHT, e.g. 1280x720\n");
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  std::ofstream tsv(dir / "expected.tsv");
  int n = 0;
  const std::string only = argc > 3 ? argv[3] : "";
  for (const auto& c : mrzCorpus()) {
    if (!only.empty() && c.id.find(only) == std::string::npos) continue;
    char name[32];
    std::snprintf(name, sizeof name, "case_%03d.jpg", n++);
    cv::imwrite((dir / name).string(), renderCase(c, {w, h}), {cv::IMWRITE_JPEG_QUALITY, 95});
    std::string mrz;
    for (char ch : c.mrz) mrz += ch == '\n' ? std::string("\\n") : std::string(1, ch);
    tsv << name << '\t' << c.id << '\t' << (c.expectRead ? 1 : 0) << '\t' << c.surname << '\t'
        << c.givenNames << '\t' << c.documentNumber << '\t' << c.nationality << '\t'
        << c.dateOfBirthIso << '\t' << c.expiryIso << '\t' << mrz << '\n';
  }
  std::printf("%d cases in %s\n", n, dir.c_str());
  return 0;
}
