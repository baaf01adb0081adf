// gatehouse-devices: field diagnostics for a kiosk's devices. Thin: all logic is in the library.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <opencv2/imgcodecs.hpp>
#include <sstream>
#include <thread>

#include "gatehouse/core/pass.hpp"
#include "gatehouse/devices/barcode.hpp"
#include "gatehouse/devices/config.hpp"
#include "gatehouse/devices/id_document.hpp"
#include "gatehouse/devices/mrz_reader.hpp"

using namespace gatehouse;
using namespace gatehouse::devices;

namespace {

const char* kUsage = R"(usage: gatehouse-devices COMMAND [options]
  list [--server S]                 cameras, USB devices, printer queues
  snapshot [--out F.jpg]            one camera frame + photo-quality verdict
  scan [--formats qr,pdf417,mrz] [--recogniser ocrb|ocrb-one-pass|templates|trained|tesseract] FILE...
                                    decode images: one line per code or MRZ, "format<TAB>text"
                                    (control characters escaped as \n \r \xNN); an MRZ is
                                    printed only when every check digit holds
  parse-id [FILE] [--escaped]       AAMVA or MRZ text (stdin when no FILE) -> JSON; --escaped
                                    also takes a line of scan's output
  badge --out F.pdf [--name N] [--unit U] [--purpose P] [--kiosk K] [--size S]
                    [--photo IMG] [--hours H] [--token GHX1:...]
  print-test [--queue Q] [--server S]  print a test badge and follow the job
common: --config kiosk.toml (its [devices.*] tables; defaults otherwise)
)";

struct Args {
  std::string command;
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;
  bool has(const std::string& k) const { return options.count(k) != 0; }
  std::string get(const std::string& k, const std::string& def = {}) const {
    auto it = options.find(k);
    return it == options.end() ? def : it->second;
  }
};

Args parseArgs(int argc, char** argv) {
  Args a;
  if (argc > 1) a.command = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string s = argv[i];
    if (s.rfind("--", 0) == 0) {
      const std::string key = s.substr(2);
      if (key == "escaped")
        a.options[key] = "1";
      else if (i + 1 < argc)
        a.options[key] = argv[++i];
      else
        a.options[key] = "";
    } else {
      a.positional.push_back(s);
    }
  }
  return a;
}

std::string escape(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if (c == '\\')
      out += "\\\\";
    else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else
      out += static_cast<char>(c);
  }
  return out;
}

std::string unescape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out += s[i];
      continue;
    }
    const char n = s[++i];
    if (n == 'n')
      out += '\n';
    else if (n == 'r')
      out += '\r';
    else if (n == '\\')
      out += '\\';
    else if (n == 'x' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else
      out += n;
  }
  return out;
}

Result<DevicesConfig> config(const Args& a) {
  if (a.has("config")) return loadDevicesConfig(a.get("config"));
  return DevicesConfig{};
}

int fail(const Error& e) {
  std::cerr << "error: " << e.code << ": " << e.message << "\n";
  return 2;
}

int cmdList(const Args& a) {
  auto cfg = config(a);
  if (!cfg) return fail(cfg.error());
  std::cout << "cameras:\n";
  for (const auto& c : listCameras()) std::cout << "  " << c.path << "  " << c.name << "\n";
  std::cout << "usb:\n";
  if (auto usb = listUsbDevices()) {
    for (const auto& d : usb.value()) {
      char ids[16];
      std::snprintf(ids, sizeof ids, "%04x:%04x", d.vendorId, d.productId);
      std::cout << "  " << ids << "  port " << d.port << "  " << d.manufacturer << " " << d.product
                << (d.serial.empty() ? "" : "  serial " + d.serial) << "\n";
    }
  } else {
    std::cout << "  (" << usb.error().message << ")\n";
  }
  std::cout << "printers:\n";
  if (auto printers = listPrinters(a.get("server", cfg->printer.server))) {
    for (const auto& p : printers.value())
      std::cout << "  " << p.name << (p.isDefault ? " (default)" : "") << "  " << p.deviceUri
                << "  " << toString(p.status.state)
                << (p.status.message.empty() ? "" : ": " + p.status.message) << "\n";
  } else {
    std::cout << "  (" << printers.error().message << ")\n";
  }
  return 0;
}

int cmdSnapshot(const Args& a) {
  auto cfg = config(a);
  if (!cfg) return fail(cfg.error());
  auto cam = makeCamera(cfg->camera);
  if (!cam) return fail(cam.error());
  std::string lastEvent;
  cam.value()->setEventCallback(
      [&](const CameraEvent& e) { std::cerr << toString(e.state) << ": " << e.message << "\n"; });
  cam.value()->start();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  std::optional<Frame> f;
  while (!(f = cam.value()->latest()) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  cam.value()->stop();
  if (!f)
    return fail(makeError("no_frame", "no frame from " + cam.value()->describe() + " within 5 s"));
  const std::string out = a.get("out", "snapshot.jpg");
  cv::imwrite(out, f->image);
  std::cout << out << " " << f->image.cols << "x" << f->image.rows << "\n";
  if (auto checker = PhotoQualityChecker::create(cfg->photo)) {
    const auto q = checker.value()->check(f->image);
    std::cout << "photo: " << (q.ok() ? "ok" : reasonCode(*q.primary())) << " (sharpness "
              << q.sharpness << ", brightness " << q.brightness << ")\n";
  }
  return 0;
}

// "qr,mrz" -> the code formats, and whether MRZs are read too (mrz is no barcode format).
Result<std::pair<CodeFormats, bool>> scanFormats(const Args& a) {
  if (!a.has("formats"))
    return std::pair{
        CodeFormat::qr | CodeFormat::pdf417 | CodeFormat::dataMatrix | CodeFormat::aztec, true};
  std::string list = a.get("formats");
  bool mrz = false;
  for (std::size_t at; (at = list.find("mrz")) != std::string::npos;) {
    list.erase(at, 3);
    mrz = true;
  }
  CodeFormats formats;
  if (list.find_first_not_of(", ") != std::string::npos) {
    auto f = parseCodeFormats(list);
    if (!f) return f.error();
    formats = f.value();
  }
  return std::pair{formats, mrz};
}

int cmdScan(const Args& a) {
  if (a.positional.empty()) return fail(makeError("usage", "scan needs at least one image file"));
  DecodeOptions o;
  o.thorough = true;
  auto formats = scanFormats(a);
  if (!formats) return fail(formats.error());
  o.formats = formats->first;
  std::shared_ptr<const MrzRecogniser> recogniser;
  if (formats->second) {
    auto r = makeMrzRecogniser(a.get("recogniser", "ocrb"));
    if (!r) return fail(r.error());
    recogniser = r.value();
  }
  int found = 0;
  bool unreadable = false;
  for (const auto& file : a.positional) {
    const cv::Mat img = cv::imread(file, cv::IMREAD_COLOR);
    if (img.empty()) {
      std::cerr << file << ": cannot read image\n";
      unreadable = true;
      continue;
    }
    const std::string prefix = a.positional.size() > 1 ? file + "\t" : "";
    for (const auto& c : decodeCodes(img, o)) {
      std::cout << prefix << toString(c.format) << "\t" << escape(c.text) << "\n";
      ++found;
    }
    if (!recogniser) continue;
    const auto m = readMrzImage(img, *recogniser, Date::today());
    if (m.accepted) {
      std::cout << prefix << "mrz\t" << escape(m.accepted->text) << "\n";
      ++found;
    }
  }
  return unreadable ? 2 : found > 0 ? 0 : 1;
}

int cmdParseId(const Args& a) {
  std::string text;
  if (!a.positional.empty()) {
    std::ifstream in(a.positional[0], std::ios::binary);
    if (!in) return fail(makeError("not_found", "cannot read " + a.positional[0]));
    std::stringstream ss;
    ss << in.rdbuf();
    text = ss.str();
  } else {
    std::stringstream ss;
    ss << std::cin.rdbuf();
    text = ss.str();
  }
  if (a.has("escaped")) {
    // A line of scan's output: "[file<TAB>]format<TAB>text".
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    if (const auto tab = text.rfind('\t'); tab != std::string::npos) text = text.substr(tab + 1);
    text = unescape(text);
  }
  auto doc = parseIdDocument(text, Date::today());
  if (!doc) {
    std::cout << "{\"error\": \"" << doc.error().code << "\", \"message\": \""
              << escape(doc.error().message) << "\"}\n";
    return 1;
  }
  std::cout << toJson(doc.value()) << "\n";
  return 0;
}

Result<RenderedBadge> demoBadge(const Args& a, const DevicesConfig& cfg) {
  BadgeData d;
  d.visitorName = a.get("name", "Test Visitor");
  d.hostUnit = a.get("unit", "A-101");
  d.purpose = a.get("purpose", "Printer test");
  d.kioskName = a.get("kiosk", "gatehouse-devices");
  d.issuedAt = std::chrono::system_clock::now();
  d.validUntil = d.issuedAt + std::chrono::hours(a.has("hours") ? std::stoi(a.get("hours")) : 4);
  if (a.has("photo")) d.photo = cv::imread(a.get("photo"), cv::IMREAD_COLOR);
  d.exitQrText = a.get("token", ExitToken::generate(Uuid::random()).encode());
  BadgeLayout layout = cfg.badge;
  if (a.has("size")) {
    auto s = badgeSizeFromString(a.get("size"));
    if (!s) return s.error();
    layout = layoutFor(s.value());
  }
  return renderBadge(d, layout);
}

int cmdBadge(const Args& a) {
  auto cfg = config(a);
  if (!cfg) return fail(cfg.error());
  if (!a.has("out")) return fail(makeError("usage", "badge needs --out FILE.pdf"));
  auto badge = demoBadge(a, cfg.value());
  if (!badge) return fail(badge.error());
  std::ofstream(a.get("out"), std::ios::binary) << badge->pdf;
  std::cout << a.get("out") << " (" << badge->pdf.size() << " bytes, name " << badge->nameFontPt
            << " pt)\n";
  return 0;
}

int cmdPrintTest(const Args& a) {
  auto cfg = config(a);
  if (!cfg) return fail(cfg.error());
  PrinterConfig pc = cfg->printer;
  if (a.has("queue")) pc.queue = a.get("queue");
  if (a.has("server")) pc.server = a.get("server");
  auto printer = makePrinter(pc);
  if (!printer) return fail(printer.error());
  auto badge = demoBadge(a, cfg.value());
  if (!badge) return fail(badge.error());
  PrintRequest r;
  r.badgeKey = "print-test-" + Uuid::random().toString();
  r.title = "Gatehouse print test";
  r.document = badge->pdf;
  const PrintStatus s = printer.value()->print(r, [](const PrintStatus& st) {
    std::cout << "job " << st.jobId << ": " << toString(st.state)
              << (st.message.empty() ? "" : " (" + st.message + ")") << "\n";
  });
  std::cout << describe(s.state) << "\n";
  return s.state == PrintState::completed ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const Args a = parseArgs(argc, argv);
  if (a.command == "list") return cmdList(a);
  if (a.command == "snapshot") return cmdSnapshot(a);
  if (a.command == "scan") return cmdScan(a);
  if (a.command == "parse-id") return cmdParseId(a);
  if (a.command == "badge") return cmdBadge(a);
  if (a.command == "print-test") return cmdPrintTest(a);
  std::cerr << kUsage;
  return a.command.empty() || a.command == "help" || a.command == "--help" ? 0 : 2;
}
