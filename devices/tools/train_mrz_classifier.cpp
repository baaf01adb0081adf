// Build step: trains the MRZ glyph classifier (a small MLP: PCA-whitened glyph feature, one ReLU
// layer, softmax; minibatch Adam) on OCR-B lines rendered with camera damage, and writes its
// weights as a C++ source embedded in gatehouse_devices. Deterministic (fixed seed, one thread).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "mrz/mrz_internal.hpp"

namespace mrz = gatehouse::devices::mrz;
using gatehouse::devices::kMrzAlphabet;

namespace {

constexpr int kLines = 1000;          // damaged lines rendered
constexpr int kHeldOutEvery = 8;      // every 8th line is held out to measure the model
constexpr int kLineLength = 44;       // glyphs per line (a TD3 line)
constexpr uint64_t kSeed = 0x4d525a;  // fixed: the same model on every build
constexpr int kPca = 96;              // whitened principal components fed to the hidden layer
constexpr int kEpochs = 14;
constexpr int kBatch = 64;
constexpr double kLearningRate = 2e-3;  // Adam, brought down over the last epochs
constexpr float kSmoothing = 0.05f;     // target mass spread over all classes: no certainty

// A random MRZ-like line: every character about equally often, some short '<' runs.
std::string randomLine(cv::RNG& rng) {
  std::string s;
  while (s.size() < kLineLength) {
    if (rng.uniform(0, 30) == 0)
      s.append(static_cast<std::size_t>(rng.uniform(2, 4)), '<');
    else
      s += kMrzAlphabet[static_cast<std::size_t>(rng.uniform(0, 37))];
  }
  s.resize(kLineLength);
  return s;
}

// The damage the camera does, at the size the text has in the frame: rotation residue after
// deskew, perspective residue (shear, glyphs wider or narrower), scale, defocus or motion, low
// light, glare, sensor noise, JPEG.
cv::Mat damage(const cv::Mat& sharp64, cv::RNG& rng) {
  cv::Mat img = sharp64;
  const double residue = rng.uniform(-1.5, 1.5);
  if (std::abs(residue) > 0.2) {
    const cv::Point2f c(static_cast<float>(img.cols) / 2, static_cast<float>(img.rows) / 2);
    cv::warpAffine(img, img, cv::getRotationMatrix2D(c, residue, 1.0), img.size(), cv::INTER_LINEAR,
                   cv::BORDER_REPLICATE);
  }
  const double shear = rng.uniform(-0.12, 0.12);
  if (std::abs(shear) > 0.02) {
    const cv::Mat m = (cv::Mat_<double>(2, 3) << 1, shear, -shear * img.rows / 2, 0, 1, 0);
    cv::warpAffine(img, img, m, img.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  }
  const double cap = rng.uniform(9.0, 30.0), aspect = rng.uniform(0.85, 1.15);
  cv::resize(img, img, cv::Size(), aspect * cap / 64, cap / 64, cv::INTER_AREA);
  img.convertTo(img, CV_32F);
  const int optics = rng.uniform(0, 3);  // sharp, defocused or moving
  if (optics == 1) cv::GaussianBlur(img, img, cv::Size(0, 0), rng.uniform(0.3, 1.8));
  if (optics == 2) {
    const int len = rng.uniform(2, 6);
    cv::Mat k = cv::Mat::zeros(len, len, CV_32F);
    const int direction = rng.uniform(0, 4);  // along the line (twice as often), diagonal, across
    if (direction == 2)
      for (int i = 0; i < len; ++i) k.at<float>(i, i) = 1.0f / static_cast<float>(len);
    else if (direction == 3)
      k.col(len / 2).setTo(1.0f / static_cast<float>(len));
    else
      k.row(len / 2).setTo(1.0f / static_cast<float>(len));
    cv::filter2D(img, img, -1, k);
  }
  const double gain = rng.uniform(0, 4) == 0 ? rng.uniform(0.3, 0.6) : rng.uniform(0.7, 1.1);
  img = img * gain + rng.uniform(-10.0, 20.0);
  if (rng.uniform(0, 5) == 0) {  // a lamp's reflection over part of the line
    const double cx = rng.uniform(0.0, 1.0) * img.cols, r = rng.uniform(0.2, 0.6) * img.cols;
    const double strength = rng.uniform(0.3, 0.6) * 255;
    for (int x = 0; x < img.cols; ++x) {
      const double d = std::abs(x - cx) / r;
      if (d < 1) img.col(x) += strength * (1 - d * d);
    }
  }
  cv::Mat noise(img.size(), CV_32F);
  rng.fill(noise, cv::RNG::NORMAL, 0, rng.uniform(1.0, 7.0));
  img += noise;
  cv::Mat u8;
  img.convertTo(u8, CV_8U);
  if (rng.uniform(0, 2) == 0) {
    std::vector<uchar> jpg;
    cv::imencode(".jpg", u8, jpg, {cv::IMWRITE_JPEG_QUALITY, rng.uniform(35, 70)});
    u8 = cv::imdecode(jpg, cv::IMREAD_GRAYSCALE);
  }
  const double k = mrz::kLineHeight / cap;
  cv::resize(u8, u8, cv::Size(), k, k, cv::INTER_CUBIC);
  return u8;
}

// Rendered glyph features (rows, 600 columns) and their class indices.
struct Samples {
  cv::Mat x;
  std::vector<int> y;
};

// The training and held-out glyphs of kLines damaged lines.
bool render(cv::RNG& rng, Samples& train, Samples& held, int& lines) {
  for (int i = 0; i < kLines; ++i) {
    const std::string text = randomLine(rng);
    auto sharp = mrz::renderText(text, 64);
    if (!sharp) {
      std::fprintf(stderr, "%s\n", sharp.error().message.c_str());
      return false;
    }
    const auto glyphs = mrz::lineFeatures(damage(sharp.value(), rng), kLineLength, 1);
    if (glyphs.size() != kLineLength) continue;  // the cutter lost this line: nothing to learn
    ++lines;
    Samples& to = i % kHeldOutEvery == kHeldOutEvery - 1 ? held : train;
    for (std::size_t g = 0; g < glyphs.size(); ++g) {
      // one of the three offsets the recogniser tries
      const auto& f = glyphs[g][static_cast<std::size_t>(rng.uniform(0, 3))];
      to.x.push_back(f.clone().reshape(1, 1));
      to.y.push_back(static_cast<int>(kMrzAlphabet.find(text[g])));
    }
  }
  return !train.y.empty() && !held.y.empty();
}

// x with a column of ones appended (the next layer's bias).
cv::Mat withBias(const cv::Mat& x) {
  cv::Mat out;
  cv::hconcat(x, cv::Mat::ones(x.rows, 1, CV_32F), out);
  return out;
}

// The network: hidden = relu([x 1] w1), p = softmax([hidden 1] w2).
struct Mlp {
  cv::Mat w1, w2;
  cv::Mat forward(const cv::Mat& x, cv::Mat* hidden = nullptr) const {
    cv::Mat h = withBias(x) * w1;
    h = cv::max(h, 0.0f);
    cv::Mat z = withBias(h) * w2;
    mrz::softmaxRows(z);
    if (hidden) *hidden = h;
    return z;
  }
};

// One Adam step on w with gradient g (m, v: the moments).
struct Adam {
  cv::Mat m, v;
  void step(cv::Mat& w, const cv::Mat& g, double lr, int t) {
    if (m.empty()) m = cv::Mat::zeros(w.size(), CV_32F), v = m.clone();
    m = 0.9 * m + 0.1 * g;
    v = 0.999 * v + 0.001 * g.mul(g);
    const double c1 = 1 - std::pow(0.9, t), c2 = 1 - std::pow(0.999, t);
    cv::Mat denom;
    cv::sqrt(v / c2, denom);
    w -= (lr / c1) * m / (denom + 1e-8);
  }
};

// Share of samples whose most probable class is their label.
double hitRate(const Mlp& net, const Samples& s) {
  const cv::Mat p = net.forward(s.x);
  int hits = 0;
  for (int r = 0; r < p.rows; ++r) {
    cv::Point got;
    cv::minMaxLoc(p.row(r), nullptr, nullptr, nullptr, &got);
    hits += got.x == s.y[static_cast<std::size_t>(r)];
  }
  return static_cast<double>(hits) / p.rows;
}

// Minibatch Adam on the cross-entropy of x (whitened) against the labels.
Mlp train(const cv::Mat& x, const std::vector<int>& y, cv::RNG& rng) {
  Mlp net;
  net.w1.create(x.cols + 1, mrz::kTrainedHidden, CV_32F);
  net.w2.create(mrz::kTrainedHidden + 1, 37, CV_32F);
  rng.fill(net.w1, cv::RNG::NORMAL, 0, std::sqrt(2.0 / x.cols));  // He initialisation
  rng.fill(net.w2, cv::RNG::NORMAL, 0, std::sqrt(1.0 / mrz::kTrainedHidden));
  net.w1.row(x.cols).setTo(0.01);
  net.w2.row(mrz::kTrainedHidden).setTo(0);
  Adam a1, a2;
  std::vector<int> order(static_cast<std::size_t>(x.rows));
  for (int i = 0; i < x.rows; ++i) order[static_cast<std::size_t>(i)] = i;
  int t = 0;
  for (int epoch = 0; epoch < kEpochs; ++epoch) {
    for (int i = x.rows - 1; i > 0; --i) std::swap(order[i], order[rng.uniform(0, i + 1)]);
    const double lr = kLearningRate * (epoch < kEpochs - 4 ? 1 : (kEpochs - epoch) / 4.0);
    for (int b = 0; b + kBatch <= x.rows; b += kBatch) {
      cv::Mat xb(kBatch, x.cols, CV_32F), yb(kBatch, 37, CV_32F, cv::Scalar(kSmoothing / 37));
      for (int r = 0; r < kBatch; ++r) {
        const int s = order[static_cast<std::size_t>(b + r)];
        x.row(s).copyTo(xb.row(r));
        yb.at<float>(r, y[static_cast<std::size_t>(s)]) += 1 - kSmoothing;
      }
      cv::Mat h;
      const cv::Mat p = net.forward(xb, &h);
      const cv::Mat dz2 = (p - yb) / kBatch;
      const cv::Mat g2 = withBias(h).t() * dz2;
      cv::Mat dh = dz2 * net.w2.rowRange(0, mrz::kTrainedHidden).t();
      dh.setTo(0, h <= 0);
      const cv::Mat g1 = withBias(xb).t() * dh;
      ++t;
      a1.step(net.w1, g1, lr, t);
      a2.step(net.w2, g2, lr, t);
    }
  }
  return net;
}

// The whitening (mean, projection onto the principal axes scaled to unit variance) folded
// into the first layer, so the embedded network takes the raw glyph feature plus a 1.
cv::Mat foldWhitening(const cv::PCA& pca, const cv::Mat& scale, const cv::Mat& w1) {
  cv::Mat proj = pca.eigenvectors.t();  // 600 x kPca
  for (int c = 0; c < proj.cols; ++c) proj.col(c) *= scale.at<float>(c);
  cv::Mat out(proj.rows + 1, w1.cols, CV_32F);
  const cv::Mat wx = w1.rowRange(0, kPca);
  cv::Mat(proj * wx).copyTo(out.rowRange(0, proj.rows));
  cv::Mat(w1.row(kPca) - pca.mean * proj * wx).copyTo(out.row(proj.rows));
  return out;
}

void writeArray(std::ofstream& out, const char* name, const cv::Mat& w) {
  out << "const float " << name << "[] = {\n";
  char buf[32];
  for (int r = 0; r < w.rows; ++r) {
    for (int c = 0; c < w.cols; ++c) {
      std::snprintf(buf, sizeof buf, "%.9gf,", static_cast<double>(w.at<float>(r, c)));
      out << buf;
    }
    out << "\n";
  }
  out << "};\n";
}

bool writeSource(const std::string& path, const cv::Mat& w1, const cv::Mat& w2) {
  std::ofstream out(path);
  out << "// Generated by gatehouse-train-mrz-classifier at build time; do not edit.\n"
         "#include \"mrz/mrz_internal.hpp\"\n"
         "namespace gatehouse::devices::mrz {\n";
  writeArray(out, "kTrainedLayer1", w1);
  writeArray(out, "kTrainedLayer2", w2);
  out << "}  // namespace gatehouse::devices::mrz\n";
  return static_cast<bool>(out);
}

double seconds(double since) {
  return (static_cast<double>(cv::getTickCount()) - since) / cv::getTickFrequency();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: gatehouse-train-mrz-classifier OUT.cpp\n");
    return 2;
  }
  cv::setNumThreads(1);  // one summation order: the same weights on every build
  cv::RNG rng(kSeed);
  const double t0 = static_cast<double>(cv::getTickCount());
  Samples trainSet, held;
  int lines = 0;
  if (!render(rng, trainSet, held, lines)) return 1;
  const double renderSeconds = seconds(t0);
  const double t1 = static_cast<double>(cv::getTickCount());
  const cv::PCA pca(trainSet.x.rowRange(0, std::min(trainSet.x.rows, 8000)), cv::noArray(),
                    cv::PCA::DATA_AS_ROW, kPca);
  cv::Mat scale(1, kPca, CV_32F);
  for (int c = 0; c < kPca; ++c)
    scale.at<float>(c) = static_cast<float>(1 / std::sqrt(pca.eigenvalues.at<float>(c) + 1e-6f));
  const auto whiten = [&](const cv::Mat& x) {
    cv::Mat z = pca.project(x);
    for (int r = 0; r < z.rows; ++r) cv::Mat(z.row(r).mul(scale)).copyTo(z.row(r));
    return z;
  };
  const Mlp net = train(whiten(trainSet.x), trainSet.y, rng);
  Mlp folded{foldWhitening(pca, scale, net.w1), net.w2};
  const double trainRate = hitRate(folded, trainSet), heldRate = hitRate(folded, held);
  std::printf("glyphs classified right: %.1f %% of %d training, %.1f %% of %d held out\n",
              100 * trainRate, trainSet.x.rows, 100 * heldRate, held.x.rows);
  if (heldRate < 0.8) {
    std::fprintf(stderr, "the classifier does not learn to read held-out glyphs\n");
    return 1;
  }
  if (!writeSource(argv[1], folded.w1, folded.w2)) {
    std::fprintf(stderr, "cannot write %s\n", argv[1]);
    return 1;
  }
  std::printf("%d lines rendered in %.1f s, trained in %.1f s\n", lines, renderSeconds,
              seconds(t1));
  return 0;
}
