// Glyphs of an upright MRZ line: OCR-B renderings and per-glyph features, shared by the
// recognisers and the build-time training tool.
#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "mrz_internal.hpp"

namespace gatehouse::devices::mrz {
namespace {

constexpr const char* kFontFamily = "OCR B";

int nearestWidth(std::size_t n) {
  int best = 0;
  for (int w : {30, 36, 44})
    if (std::abs(static_cast<int>(n) - w) <= 5 &&
        (best == 0 || std::abs(static_cast<int>(n) - w) < std::abs(static_cast<int>(n) - best)))
      best = w;
  return best;
}

// Centre x of the ink between x0 and x1 (falls back to the middle of the cell).
double inkCentre(const cv::Mat& ink, int x0, int x1, int top, int bottom) {
  x0 = std::clamp(x0, 0, ink.cols - 1);
  x1 = std::clamp(x1, x0 + 1, ink.cols);
  cv::Mat cols;
  cv::reduce(ink(cv::Range(top, bottom), cv::Range(x0, x1)), cols, 0, cv::REDUCE_SUM, CV_64F);
  double sum = 0, moment = 0;
  for (int x = 0; x < cols.cols; ++x) {
    sum += cols.at<double>(x);
    moment += cols.at<double>(x) * x;
  }
  return sum > 0 ? x0 + moment / sum : (x0 + x1) / 2.0;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

double medianGap(const std::vector<cv::Rect>& boxes) {
  std::vector<double> gaps;
  for (std::size_t i = 1; i < boxes.size(); ++i)
    gaps.push_back(std::max(0, boxes[i].x - (boxes[i - 1].x + boxes[i - 1].width)));
  return median(gaps);
}

// Neighbours that touch (blur, JPEG) form one component: cut it at the line's pitch.
std::vector<cv::Rect> splitTouching(const std::vector<cv::Rect>& boxes) {
  std::vector<double> centres, widths;
  for (const auto& b : boxes) widths.push_back(b.width);
  for (std::size_t i = 1; i < boxes.size(); ++i)
    centres.push_back((boxes[i].x + boxes[i].width / 2.0) -
                      (boxes[i - 1].x + boxes[i - 1].width / 2.0));
  const double pitch = median(centres), width = median(widths);
  if (pitch <= 0) return boxes;
  std::vector<cv::Rect> out;
  for (const auto& b : boxes) {
    const int k = static_cast<int>(std::lround((b.width + pitch - width) / pitch));
    if (b.width < 1.5 * width || k < 2) {
      out.push_back(b);
      continue;
    }
    const double w = static_cast<double>(b.width) / k;
    for (int i = 0; i < k; ++i)
      out.emplace_back(b.x + static_cast<int>(i * w), b.y, static_cast<int>(w), b.height);
  }
  return out;
}

struct Pango {
  cairo_surface_t* surface = nullptr;
  cairo_t* cr = nullptr;
  PangoLayout* layout = nullptr;
  PangoFontDescription* font = nullptr;
  ~Pango() {
    if (font) pango_font_description_free(font);
    if (layout) g_object_unref(layout);
    if (cr) cairo_destroy(cr);
    if (surface) cairo_surface_destroy(surface);
  }
};

}  // namespace

Result<cv::Mat> renderText(const std::string& text, double capHeight) {
  Pango p;
  const int w = static_cast<int>(capHeight * (static_cast<double>(text.size()) + 3)),
            h = static_cast<int>(capHeight * 3);
  p.surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
  p.cr = cairo_create(p.surface);
  cairo_set_source_rgb(p.cr, 1, 1, 1);
  cairo_paint(p.cr);
  p.layout = pango_cairo_create_layout(p.cr);
  cairo_font_options_t* o = cairo_font_options_create();  // shapes as printed, not hinted
  cairo_font_options_set_hint_style(o, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_hint_metrics(o, CAIRO_HINT_METRICS_OFF);
  pango_cairo_context_set_font_options(pango_layout_get_context(p.layout), o);
  pango_layout_context_changed(p.layout);
  cairo_font_options_destroy(o);
  p.font = pango_font_description_from_string(kFontFamily);
  pango_font_description_set_absolute_size(p.font, capHeight * 1.4 * PANGO_SCALE);
  pango_layout_set_font_description(p.layout, p.font);
  PangoFont* loaded = pango_context_load_font(pango_layout_get_context(p.layout), p.font);
  if (loaded == nullptr) return makeError("recogniser_unavailable", "no font OCR B");
  PangoFontDescription* got = pango_font_describe(loaded);
  const std::string family = pango_font_description_get_family(got);
  pango_font_description_free(got);
  g_object_unref(loaded);
  if (family != kFontFamily)
    return makeError("recogniser_unavailable",
                     "font OCR B not installed (fonts-ocr-b); got " + family);
  pango_layout_set_text(p.layout, text.c_str(), static_cast<int>(text.size()));
  cairo_set_source_rgb(p.cr, 0, 0, 0);
  cairo_move_to(p.cr, capHeight, capHeight * 0.5);
  pango_cairo_show_layout(p.cr, p.layout);
  cairo_surface_flush(p.surface);
  cv::Mat bgra(h, w, CV_8UC4, cairo_image_surface_get_data(p.surface),
               static_cast<std::size_t>(cairo_image_surface_get_stride(p.surface)));
  cv::Mat gray;
  cv::cvtColor(bgra, gray, cv::COLOR_BGRA2GRAY);
  return gray;
}

std::vector<std::vector<cv::Mat>> lineFeatures(const cv::Mat& line, int expected, int shift) {
  const cv::Mat ink = inkImage(line);
  cv::Mat bin;
  const double t = cv::threshold(ink, bin, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
  if (t < 20) cv::threshold(ink, bin, 20, 255, cv::THRESH_BINARY);
  auto boxes = glyphBoxes(bin);
  if (boxes.size() < 2) return {};
  int maxH = 0;
  for (const auto& b : boxes) maxH = std::max(maxH, b.height);
  std::vector<int> tops, bottoms;
  for (const auto& b : boxes)
    if (b.height >= 0.75 * maxH) tops.push_back(b.y), bottoms.push_back(b.y + b.height);
  std::nth_element(tops.begin(), tops.begin() + tops.size() / 2, tops.end());
  std::nth_element(bottoms.begin(), bottoms.begin() + bottoms.size() / 2, bottoms.end());
  const int top = tops[tops.size() / 2], bottom = bottoms[bottoms.size() / 2];
  if (bottom - top < 8) return {};

  boxes = splitTouching(boxes);
  const int n = expected > 0 ? expected : nearestWidth(boxes.size());
  if (n == 0 || (expected > 0 && static_cast<int>(boxes.size()) != expected)) return {};
  const double x0 = boxes.front().x, x1 = boxes.back().x + boxes.back().width;
  const double gap = medianGap(boxes);
  std::vector<double> centres;
  if (static_cast<int>(boxes.size()) == n) {
    for (const auto& b : boxes) centres.push_back(b.x + b.width / 2.0);
  } else {  // glyphs touch or broke apart: cut the line into equal cells
    const double cell = (x1 - x0 + gap) / n;
    for (int i = 0; i < n; ++i)
      centres.push_back(inkCentre(ink, static_cast<int>(x0 + i * cell),
                                  static_cast<int>(x0 + (i + 1) * cell), top, bottom));
  }
  if (centres.size() < 2) return {};
  const double pitch = (centres[centres.size() - 1] - centres[0]) / std::max(1, n - 1);
  const bool own = static_cast<int>(boxes.size()) == n;
  std::vector<std::vector<cv::Mat>> out;
  for (std::size_t i = 0; i < centres.size(); ++i) {
    const double c = centres[i];
    const int left = own ? boxes[i].x - 1 : 0, right = own ? boxes[i].x + boxes[i].width + 1 : 0;
    out.emplace_back();
    for (int dx = -shift; dx <= shift; ++dx) {
      const cv::Rect cell(static_cast<int>(std::lround(c - pitch / 2)) + dx, 0,
                          static_cast<int>(std::lround(pitch)), ink.rows);
      out.back().push_back(glyphFeature(ink, cell, top, bottom, left, right));
    }
  }
  return out;
}

void softmaxRows(cv::Mat& z) {
  for (int r = 0; r < z.rows; ++r) {
    cv::Mat row = z.row(r);
    double hi = 0;
    cv::minMaxLoc(row, nullptr, &hi);
    cv::exp(row - hi, row);
    row /= cv::sum(row)[0];
  }
}

cv::Mat trainedInput(const cv::Mat& glyphFeature) {
  cv::Mat row = glyphFeature.clone().reshape(1, 1);  // zero mean, unit norm already
  cv::Mat out(1, kTrainedInputs, CV_32F);
  row.copyTo(out.colRange(0, kTrainedInputs - 1));
  out.at<float>(kTrainedInputs - 1) = 1.0f;  // bias
  return out;
}

}  // namespace gatehouse::devices::mrz
