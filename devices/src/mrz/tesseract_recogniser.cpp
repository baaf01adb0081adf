// The Tesseract 5 MRZ recogniser (measured against ours, see docs/decisions/0800): one text line,
// the MRZ characters only, no dictionaries. Tesseract gives no per-glyph alternatives we trust,
// so each character scores 1 and its usual confusable 0.5.
#include <tesseract/baseapi.h>

#include <memory>
#include <mutex>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "mrz_internal.hpp"

namespace gatehouse::devices::mrz {
namespace {

char confusable(char c) {
  switch (c) {
    case '0':
      return 'O';
    case 'O':
      return '0';
    case 'D':
      return '0';
    case '1':
      return 'I';
    case 'I':
      return '1';
    case '5':
      return 'S';
    case 'S':
      return '5';
    case '8':
      return 'B';
    case 'B':
      return '8';
    case '2':
      return 'Z';
    case 'Z':
      return '2';
    default:
      return 0;
  }
}

class TesseractRecogniser final : public MrzRecogniser {
 public:
  explicit TesseractRecogniser(std::unique_ptr<tesseract::TessBaseAPI> api)
      : api_(std::move(api)) {}
  ~TesseractRecogniser() override { api_->End(); }
  const char* name() const override { return "tesseract"; }

  MrzLineScores readLine(const cv::Mat& line) const override {
    cv::Mat padded;
    cv::copyMakeBorder(line, padded, 8, 8, 16, 16, cv::BORDER_REPLICATE);
    std::string text;
    {
      std::lock_guard lock(m_);  // TessBaseAPI is not re-entrant
      api_->SetImage(padded.data, padded.cols, padded.rows, 1, static_cast<int>(padded.step[0]));
      std::unique_ptr<char[]> raw(api_->GetUTF8Text());
      if (raw) text = raw.get();
    }
    MrzLineScores out;
    for (char c : text) {
      const auto at = kMrzAlphabet.find(c);
      if (at == std::string_view::npos) continue;  // blanks and newlines
      GlyphScores g;
      g.score[at] = 1.0f;
      if (char p = confusable(c); p != 0) g.score[kMrzAlphabet.find(p)] = 0.5f;
      out.push_back(g);
    }
    return out;
  }

 private:
  mutable std::mutex m_;
  std::unique_ptr<tesseract::TessBaseAPI> api_;
};

}  // namespace

Result<std::shared_ptr<const MrzRecogniser>> makeTesseractRecogniser() {
  auto api = std::make_unique<tesseract::TessBaseAPI>();
  // Dictionaries only hurt on MRZ text (and load-time variables must be given to Init).
  const std::vector<std::string> names = {"load_system_dawg", "load_freq_dawg"};
  const std::vector<std::string> values = {"0", "0"};
  if (api->Init(nullptr, "eng", tesseract::OEM_LSTM_ONLY, nullptr, 0, &names, &values, false) != 0)
    return makeError("recogniser_unavailable", "tesseract: eng traineddata not found");
  api->SetPageSegMode(tesseract::PSM_SINGLE_LINE);
  api->SetVariable("tessedit_char_whitelist", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<");
  api->SetVariable("debug_file", "/dev/null");
  return std::shared_ptr<const MrzRecogniser>(
      std::make_shared<TesseractRecogniser>(std::move(api)));
}

}  // namespace gatehouse::devices::mrz
