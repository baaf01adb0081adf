// Generates the MRZ corpus (see mrz_corpus.hpp): pages drawn with cairo/pango, camera effects
// with OpenCV. The check digits come from the product's mrzCheckDigit, which parseMrz verifies.
#include "gatehouse/devices/testing/mrz_corpus.hpp"

#include <pango/pangocairo.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace gatehouse::devices::testing {
namespace {

constexpr double kPxPerMm = 8.0;

std::string pad(std::string s, std::size_t n) {
  if (s.size() > n) s.resize(n);
  s.append(n - s.size(), '<');
  return s;
}

char digit(std::string_view field) { return static_cast<char>('0' + mrzCheckDigit(field)); }
char wrong(char d) { return static_cast<char>('0' + (d - '0' + 3) % 10); }

std::string nameField(const MrzPerson& p, std::size_t n) {
  return pad(transliterate(p.nativeSurname) + "<<" + transliterate(p.nativeGiven), n);
}

std::string iso(const std::string& yymmdd, bool birth) {
  const int yy = std::stoi(yymmdd.substr(0, 2));
  const int year = birth ? (yy > 26 ? 1900 + yy : 2000 + yy) : 2000 + yy;
  return std::to_string(year) + "-" + yymmdd.substr(2, 2) + "-" + yymmdd.substr(4, 2);
}

// Printed documents have no font hinting: glyph shapes must not depend on the pixel size.
PangoLayout* layoutFor(cairo_t* cr) {
  PangoLayout* l = pango_cairo_create_layout(cr);
  cairo_font_options_t* o = cairo_font_options_create();
  cairo_font_options_set_hint_style(o, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_hint_metrics(o, CAIRO_HINT_METRICS_OFF);
  pango_cairo_context_set_font_options(pango_layout_get_context(l), o);
  pango_layout_context_changed(l);
  cairo_font_options_destroy(o);
  return l;
}

void text(cairo_t* cr, const std::string& s, const char* family, double px, double x, double y,
          double letterSpacing = 0) {
  PangoLayout* l = layoutFor(cr);
  PangoFontDescription* f = pango_font_description_from_string(family);
  pango_font_description_set_absolute_size(f, px * PANGO_SCALE);
  pango_layout_set_font_description(l, f);
  if (letterSpacing != 0) {
    PangoAttrList* attrs = pango_attr_list_new();
    pango_attr_list_insert(
        attrs, pango_attr_letter_spacing_new(static_cast<int>(letterSpacing * PANGO_SCALE)));
    pango_layout_set_attributes(l, attrs);
    pango_attr_list_unref(attrs);
  }
  pango_layout_set_text(l, s.c_str(), -1);
  cairo_move_to(cr, x, y);
  pango_cairo_show_layout(cr, l);
  pango_font_description_free(f);
  g_object_unref(l);
}

// OCR-B advance at `px` font size, to print at the ICAO pitch of 2.54 mm.
double ocrbAdvance(cairo_t* cr, double px) {
  PangoLayout* l = layoutFor(cr);
  PangoFontDescription* f = pango_font_description_from_string("OCR B");
  pango_font_description_set_absolute_size(f, px * PANGO_SCALE);
  pango_layout_set_font_description(l, f);
  pango_layout_set_text(l, "<<<<<<<<<<", -1);
  int w = 0, h = 0;
  pango_layout_get_pixel_size(l, &w, &h);
  pango_font_description_free(f);
  g_object_unref(l);
  return w / 10.0;
}

}  // namespace

std::string transliterate(std::string_view utf8) {
  static const std::map<std::uint32_t, const char*> kCyrillic = {
      {0x410, "A"},  {0x411, "B"},  {0x412, "V"},    {0x413, "G"},  {0x414, "D"},  {0x415, "E"},
      {0x401, "E"},  {0x416, "ZH"}, {0x417, "Z"},    {0x418, "I"},  {0x419, "I"},  {0x41A, "K"},
      {0x41B, "L"},  {0x41C, "M"},  {0x41D, "N"},    {0x41E, "O"},  {0x41F, "P"},  {0x420, "R"},
      {0x421, "S"},  {0x422, "T"},  {0x423, "U"},    {0x424, "F"},  {0x425, "KH"}, {0x426, "TS"},
      {0x427, "CH"}, {0x428, "SH"}, {0x429, "SHCH"}, {0x42A, "IE"}, {0x42B, "Y"},  {0x42C, ""},
      {0x42D, "E"},  {0x42E, "IU"}, {0x42F, "IA"},   {0x404, "IE"}, {0x406, "I"},  {0x407, "I"},
      {0x490, "G"}};
  std::string out;
  for (std::size_t i = 0; i < utf8.size();) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) {
      out += std::isalpha(c) ? static_cast<char>(std::toupper(c)) : c == '\'' ? '\0' : '<';
      if (out.back() == '\0') out.pop_back();  // O'NEILL -> ONEILL
      ++i;
      continue;
    }
    if ((c & 0xE0) == 0xC0 && i + 1 < utf8.size()) {
      std::uint32_t cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(utf8[i + 1]) & 0x3Fu);
      if (cp >= 0x430 && cp <= 0x44F) cp -= 0x20;  // lower to upper case
      if (cp >= 0x450 && cp <= 0x45F) cp -= 0x50;  // ё є і ї
      if (cp == 0x491) cp = 0x490;                 // ґ
      auto it = kCyrillic.find(cp);
      out += it != kCyrillic.end() ? it->second : "<";
      i += 2;
      continue;
    }
    out += '<';
    ++i;
  }
  return out;
}

std::string mrzLines(const MrzPerson& p, BrokenDigit broken) {
  const std::string num = pad(p.documentNumber, 9);
  char numCd = digit(num);
  char dobCd = digit(p.dateOfBirth);
  const char expCd = digit(p.expiryDate);
  if (broken == BrokenDigit::documentNumber) numCd = wrong(numCd);
  const std::string nat = pad(p.nationality, 3), state = pad(p.issuingState, 3);
  std::string l1, l2, l3;
  if (p.format == MrzFormat::td1) {
    l1 = "I<" + state + num + numCd + pad(p.optionalData, 15);
    const std::string part =
        p.dateOfBirth + dobCd + p.sex + p.expiryDate + expCd + nat + pad("", 11);
    char comp =
        digit(l1.substr(5, 25) + part.substr(0, 7) + part.substr(8, 7) + part.substr(18, 11));
    l2 = part + comp;
    l3 = nameField(p, 30);
  } else {
    const bool td3 = p.format == MrzFormat::td3;
    l1 = (td3 ? "P<" : "I<") + state + nameField(p, td3 ? 39 : 31);
    const std::string opt = pad(p.optionalData, td3 ? 14 : 7);
    std::string part = num + numCd + nat + p.dateOfBirth + dobCd + p.sex + p.expiryDate + expCd +
                       opt + (td3 ? std::string(1, digit(opt)) : std::string());
    char comp = digit(part.substr(0, 10) + part.substr(13, 7) + part.substr(21));
    l2 = part + comp;
  }
  // Broken after the fact: the issuer's composite no longer matches (or only it is wrong).
  const std::size_t dobAt = p.format == MrzFormat::td1 ? 6 : 19;
  if (broken == BrokenDigit::dateOfBirth) l2[dobAt] = wrong(l2[dobAt]);
  if (broken == BrokenDigit::composite) l2.back() = wrong(l2.back());
  return l1 + "\n" + l2 + "\n" + (l3.empty() ? "" : l3 + "\n");
}

cv::Mat renderPage(const MrzPerson& p, const std::string& mrz) {
  const bool td1 = p.format == MrzFormat::td1, td3 = p.format == MrzFormat::td3;
  const double wMm = td3 ? 125 : td1 ? 85.6 : 105, hMm = td3 ? 88 : td1 ? 54 : 74;
  const int w = static_cast<int>(wMm * kPxPerMm), h = static_cast<int>(hMm * kPxPerMm);
  cairo_surface_t* s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
  cairo_t* cr = cairo_create(s);
  cairo_set_source_rgb(cr, 0.96, 0.94, 0.89);
  cairo_paint(cr);
  cairo_set_source_rgb(cr, 0.88, 0.84, 0.86);  // guilloche: faint, like security printing
  cairo_set_line_width(cr, 1.0);
  for (int k = 0; k < 14; ++k) {
    for (int x = 0; x <= w; x += 4) {
      const double y = h * 0.08 + k * h * 0.045 + 10 * std::sin(x / 37.0 + k);
      x == 0 ? cairo_move_to(cr, x, y) : cairo_line_to(cr, x, y);
    }
    cairo_stroke(cr);
  }
  cairo_set_source_rgb(cr, 0.2, 0.25, 0.45);
  text(cr, td3 ? "PASSPORT  ПАСПОРТ" : "IDENTITY CARD", "DejaVu Sans Bold", 4 * kPxPerMm, 0.3 * w,
       3 * kPxPerMm);
  cairo_set_source_rgb(cr, 0.72, 0.72, 0.74);  // the photo
  cairo_rectangle(cr, 5 * kPxPerMm, 12 * kPxPerMm, 0.22 * w, 0.45 * h);
  cairo_fill(cr);
  cairo_set_source_rgb(cr, 0.1, 0.1, 0.12);
  const double fx = 0.32 * w;
  double fy = 12 * kPxPerMm;
  for (const auto& [label, value] :
       {std::pair<std::string, std::string>{"Surname", p.nativeSurname},
        {"Given names", p.nativeGiven},
        {"Nationality", p.nationality},
        {"Document no.", p.documentNumber}}) {
    text(cr, label, "DejaVu Sans", 2 * kPxPerMm, fx, fy);
    text(cr, value, "DejaVu Sans", 3 * kPxPerMm, fx, fy + 2.2 * kPxPerMm);
    fy += 6.5 * kPxPerMm;
  }
  // MRZ: OCR-B at 2.54 mm pitch, 4.23 mm between lines, lines ending 3 mm above the edge.
  const double pitch = 2.54 * kPxPerMm;
  const double size = 20 * pitch / ocrbAdvance(cr, 20);
  std::vector<std::string> lines;
  for (std::size_t a = 0, b; (b = mrz.find('\n', a)) != std::string::npos; a = b + 1)
    lines.push_back(mrz.substr(a, b - a));
  const double lineGap = 4.23 * kPxPerMm;
  double y = h - 3 * kPxPerMm - static_cast<double>(lines.size()) * lineGap;
  for (const auto& l : lines) {
    text(cr, l, "OCR B", size, (wMm - static_cast<double>(l.size()) * 2.54) / 2 * kPxPerMm, y);
    y += lineGap;
  }
  cairo_surface_flush(s);
  cv::Mat bgra(h, w, CV_8UC4, cairo_image_surface_get_data(s),
               static_cast<std::size_t>(cairo_image_surface_get_stride(s)));
  cv::Mat page;
  cv::cvtColor(bgra, page, cv::COLOR_BGRA2BGR);
  cairo_destroy(cr);
  cairo_surface_destroy(s);
  return page;
}

cv::Mat photograph(const cv::Mat& page, const Distortion& d, cv::Size frame, unsigned seed) {
  cv::RNG rng(seed);
  cv::Mat out(frame, CV_8UC3);
  for (int y = 0; y < out.rows; ++y)  // a desk-like gradient
    out.row(y).setTo(cv::Scalar(70 + 40.0 * y / out.rows, 80 + 30.0 * y / out.rows, 95));
  const double pw = d.pageWidth * frame.width;
  const double ph = pw * page.rows / page.cols;
  const cv::Point2f c(static_cast<float>(frame.width / 2.0 + rng.uniform(-20, 20)),
                      static_cast<float>(frame.height / 2.0 + rng.uniform(-15, 15)));
  const double inset = d.perspective * pw / 2;
  std::vector<cv::Point2f> dst = {
      {static_cast<float>(-pw / 2 + inset), static_cast<float>(-ph / 2)},
      {static_cast<float>(pw / 2 - inset), static_cast<float>(-ph / 2)},
      {static_cast<float>(pw / 2), static_cast<float>(ph / 2)},
      {static_cast<float>(-pw / 2), static_cast<float>(ph / 2)}};
  const double a = d.rotateDeg * CV_PI / 180;
  for (auto& p : dst)
    p = c + cv::Point2f(static_cast<float>(p.x * std::cos(a) - p.y * std::sin(a)),
                        static_cast<float>(p.x * std::sin(a) + p.y * std::cos(a)));
  const std::vector<cv::Point2f> src = {
      {0, 0},
      {static_cast<float>(page.cols), 0},
      {static_cast<float>(page.cols), static_cast<float>(page.rows)},
      {0, static_cast<float>(page.rows)}};
  const cv::Mat H = cv::getPerspectiveTransform(src, dst);
  // A lens blurs before the sensor samples: low-pass the page to its size in the frame, or thin
  // strokes alias away (warpPerspective has no area filter).
  cv::Mat optics = page;
  if (const double k = pw / page.cols; k < 1)
    cv::GaussianBlur(page, optics, cv::Size(0, 0), 0.45 / k);
  cv::warpPerspective(optics, out, H, frame, cv::INTER_LINEAR, cv::BORDER_TRANSPARENT);
  auto onPage = [&](double u, double v) {  // page fractions -> frame point
    std::vector<cv::Point2f> in = {{static_cast<float>(u * page.cols),
                                    static_cast<float>(v * page.rows)}},
                             o;
    cv::perspectiveTransform(in, o, H);
    return cv::Point(o[0]);
  };
  const cv::Scalar skin(120, 150, 205);
  if (d.thumb == 1)
    cv::ellipse(out, onPage(0.95, 0.15), {70, 45}, 30, 0, 360, skin, -1, cv::LINE_AA);
  if (d.thumb == 2)
    cv::ellipse(out, onPage(0.5, 0.92), {90, 55}, 10, 0, 360, skin, -1, cv::LINE_AA);
  if (d.motionPx > 1) {
    cv::Mat k = cv::Mat::ones(1, d.motionPx, CV_32F) / d.motionPx;
    cv::filter2D(out, out, -1, k);
  }
  if (d.blurSigma > 0) cv::GaussianBlur(out, out, cv::Size(0, 0), d.blurSigma);
  cv::Mat f;
  out.convertTo(f, CV_32FC3, d.gain);
  if (d.glare > 0) {  // a lamp's reflection over the lower part of the page
    const cv::Point g = onPage(0.62, 0.7);
    cv::Mat spot(frame, CV_32F, cv::Scalar(0));
    const double sigma = 0.09 * frame.width;
    for (int y = 0; y < frame.height; ++y)
      for (int x = 0; x < frame.width; ++x)
        spot.at<float>(y, x) = static_cast<float>(
            255 * d.glare *
            std::exp(-((x - g.x) * (x - g.x) + (y - g.y) * (y - g.y)) / (2 * sigma * sigma)));
    cv::Mat spot3;
    cv::merge(std::vector<cv::Mat>{spot, spot, spot}, spot3);
    f += spot3;
  }
  cv::Mat noise(frame, CV_32FC3);
  rng.fill(noise, cv::RNG::NORMAL, 0, d.gain < 0.6 ? 6 : 3);
  f += noise;
  f.convertTo(out, CV_8UC3);
  if (d.jpegQuality > 0) {
    std::vector<unsigned char> jpg;
    cv::imencode(".jpg", out, jpg, {cv::IMWRITE_JPEG_QUALITY, d.jpegQuality});
    out = cv::imdecode(jpg, cv::IMREAD_COLOR);
  }
  return out;
}

std::vector<MrzPerson> mrzPeople() {
  using F = MrzFormat;
  return {
      {F::td3, "Eriksson", "Anna Maria", "UTO", "UTO", "L898902C3", "740812", "340415", 'F',
       "ZE184226B"},
      {F::td3, "Иванова", "Наталья Сергеевна", "RUS", "RUS", "751234567", "850301", "310228", 'F',
       ""},
      {F::td3, "Шевченко", "Юрій", "UKR", "UKR", "FE1234567", "920617", "300904", 'M', ""},
      {F::td3, "Mustermann", "Erika", "D", "D", "C01X00T47", "830812", "311031", 'F', ""},
      {F::td3, "O'Neill", "Sean Patrick", "GBR", "GBR", "120382978", "690105", "290713", 'M', ""},
      {F::td1, "Martin", "Camille", "FRA", "FRA", "X4RTBPFW4", "900120", "320309", 'F', ""},
      {F::td1, "De Bruijn", "Willeke Liselotte", "NLD", "NLD", "SPECI2014", "650310", "290309", 'F',
       "999999990"},
      {F::td1, "Бондаренко", "Олександр", "UKR", "UKR", "000123456", "010203", "330405", 'M', ""},
      {F::td1, "Eriksson", "Anna Maria", "UTO", "UTO", "D23145890", "740812", "340415", 'F', ""},
      {F::td2, "Щербаков", "Юрий", "RUS", "RUS", "4509S7812", "771224", "300101", 'M', ""},
      {F::td2, "Kowalska", "Zofia", "POL", "POL", "ZS0B81I25", "981111", "350707", 'F', ""},
      {F::td2, "Eriksson", "Anna Maria", "UTO", "UTO", "D23145890", "740812", "320415", 'F', ""},
  };
}

std::vector<Distortion> mrzDistortions() {
  std::vector<Distortion> d(13);
  d[0].name = "steady";
  d[0].rotateDeg = 2;
  d[1].name = "rot+12", d[1].rotateDeg = 12;
  d[2].name = "rot-20", d[2].rotateDeg = -20;
  d[3].name = "rot+20-persp", d[3].rotateDeg = 20, d[3].perspective = 0.1;
  d[4].name = "persp", d[4].perspective = 0.15, d[4].rotateDeg = -5;
  d[5].name = "blur", d[5].blurSigma = 1.4;
  d[6].name = "motion", d[6].motionPx = 5;
  d[7].name = "low-light", d[7].gain = 0.35;
  d[8].name = "glare", d[8].glare = 0.45;
  d[9].name = "jpeg40", d[9].jpegQuality = 40;
  d[10].name = "thumb", d[10].thumb = 1;
  d[11].name = "combined", d[11].rotateDeg = -10, d[11].perspective = 0.07, d[11].blurSigma = 0.8,
  d[11].jpegQuality = 40, d[11].gain = 0.7;
  d[12].name = "small", d[12].pageWidth = 0.38, d[12].rotateDeg = 6;
  return d;
}

std::vector<MrzPerson> mrzPeople(unsigned variant) {
  auto people = mrzPeople();
  if (variant == 0) return people;
  cv::RNG rng(0x7u + variant * 7919u);
  static constexpr std::string_view kAlnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  auto date = [&](int y0, int y1) {
    char buf[7];
    std::snprintf(buf, sizeof buf, "%02d%02d%02d", rng.uniform(y0, y1) % 100, rng.uniform(1, 13),
                  rng.uniform(1, 29));
    return std::string(buf);
  };
  for (auto& p : people) {
    const std::size_t n = p.documentNumber.size();
    p.documentNumber.clear();
    for (std::size_t i = 0; i < n; ++i)
      p.documentNumber += rng.uniform(0, 3) == 0
                              ? kAlnum[static_cast<std::size_t>(rng.uniform(10, 36))]
                              : static_cast<char>('0' + rng.uniform(0, 10));
    p.dateOfBirth = date(1950, 2008);
    p.expiryDate = date(2027, 2037);
    p.sex = rng.uniform(0, 2) == 0 ? 'F' : 'M';
  }
  // Other name pairs on the same documents: names from another person of the list.
  const auto base = mrzPeople();
  for (std::size_t i = 0; i < people.size(); ++i) {
    const auto& other = base[(i + variant * 5) % base.size()];
    people[i].nativeGiven = other.nativeGiven;
  }
  return people;
}

std::vector<Distortion> mrzDistortions(unsigned variant) {
  auto ds = mrzDistortions();
  if (variant == 0) return ds;
  cv::RNG rng(0x51u + variant * 104729u);
  for (auto& d : ds) {  // same kinds of damage, other amounts (the sign of an angle kept)
    d.rotateDeg *= rng.uniform(0.8, 1.0);
    d.rotateDeg += rng.uniform(-2.0, 2.0);
    d.perspective *= rng.uniform(0.8, 1.2);
    d.blurSigma *= rng.uniform(0.85, 1.1);
    if (d.motionPx > 0) d.motionPx = rng.uniform(4, 6);
    if (d.gain < 1) d.gain *= rng.uniform(0.9, 1.15);
    d.glare *= rng.uniform(0.85, 1.1);
    if (d.jpegQuality > 0) d.jpegQuality = rng.uniform(38, 50);
    d.pageWidth *= rng.uniform(0.95, 1.1);
  }
  return ds;
}

std::vector<MrzCase> mrzCorpus(unsigned variant) {
  std::vector<MrzCase> out;
  const auto people = mrzPeople(variant);
  const auto distortions = mrzDistortions(variant);
  const std::string prefix = variant == 0 ? "" : "t" + std::to_string(variant) + "-";
  auto add = [&](std::size_t pi, BrokenDigit broken, const Distortion& d, bool expectRead) {
    const MrzPerson& p = people[pi];
    MrzCase c{
        prefix + std::to_string(pi) + "-" + toString(p.format) + "-" + p.issuingState + "-" +
            d.name +
            (broken != BrokenDigit::none ? "-broken" + std::to_string(static_cast<int>(broken))
                                         : ""),
        p,
        broken,
        d,
        mrzLines(p, broken),
        expectRead,
        transliterate(p.nativeSurname),
        transliterate(p.nativeGiven),
        p.documentNumber,
        p.nationality,
        iso(p.dateOfBirth, true),
        iso(p.expiryDate, false)};
    for (auto& ch : c.givenNames)
      if (ch == '<') ch = ' ';
    for (auto& ch : c.surname)
      if (ch == '<') ch = ' ';
    if (p.format == MrzFormat::td1) c.distortion.pageWidth *= 0.85;  // cards are smaller
    out.push_back(std::move(c));
  };
  for (std::size_t pi = 0; pi < people.size(); ++pi)
    for (const auto& d : distortions) add(pi, BrokenDigit::none, d, true);
  // Broken check digits: printed on otherwise perfect documents, under easy and hard light.
  for (std::size_t pi : {0u, 3u, 6u, 9u})
    for (auto broken :
         {BrokenDigit::documentNumber, BrokenDigit::dateOfBirth, BrokenDigit::composite})
      for (std::size_t di : {0u, 9u}) add(pi, broken, distortions[di], false);
  Distortion covered;
  covered.name = "thumb-on-mrz", covered.thumb = 2;
  for (std::size_t pi : {1u, 5u, 10u}) add(pi, BrokenDigit::none, covered, false);
  return out;
}

cv::Mat renderCase(const MrzCase& c, cv::Size frame) {
  unsigned seed = 0;
  for (char ch : c.id) seed = seed * 31 + static_cast<unsigned char>(ch);
  return photograph(renderPage(c.person, c.mrz), c.distortion, frame, seed);
}

}  // namespace gatehouse::devices::testing
