// Runs a fuzz entry point over corpus files or directories: the gcc build's way of keeping
// the fuzz targets exercised in CI without libFuzzer.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::size_t runs = 0;
  auto runFile = [&](const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    ++runs;
  };
  for (int i = 1; i < argc; ++i) {
    const fs::path arg(argv[i]);
    if (fs::is_directory(arg)) {
      for (const auto& e : fs::recursive_directory_iterator(arg))
        if (e.is_regular_file()) runFile(e.path());
    } else if (fs::is_regular_file(arg)) {
      runFile(arg);
    } else {
      std::fprintf(stderr, "no such corpus: %s\n", argv[i]);
      return 2;
    }
  }
  // Also the classic edge cases, so an empty corpus still checks something.
  const std::uint8_t edge[] = {0, '@', '\n', 0x1e, '\r', 'A', 'N', 'S', 'I', ' ', '<', 0xff};
  for (std::size_t n = 0; n <= sizeof edge; ++n) LLVMFuzzerTestOneInput(edge, n);
  std::printf("replayed %zu corpus inputs\n", runs);
  return runs > 0 ? 0 : 1;
}
