// Replays fuzz inputs without libFuzzer: every file in the directories (or
// the files) named on the command line goes through the target once. Built
// with the ordinary compilers and presets, so that `./run test` runs each
// target over its committed corpus and every crash reproducer, under ASan
// and UBSan in the asan preset.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_input.h"

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  bool optional = false;  // after --if-exists: a missing folder is no error
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--if-exists") {
      optional = true;
      continue;
    }
    fs::path p(argv[i]);
    std::error_code ec;
    if (optional && !fs::exists(p, ec)) continue;
    if (fs::is_directory(p, ec)) {
      for (auto const& e : fs::recursive_directory_iterator(p)) {
        if (e.is_regular_file()) files.push_back(e.path());
      }
    } else if (fs::is_regular_file(p, ec)) {
      files.push_back(p);
    } else {
      std::fprintf(stderr, "no such file or directory: %s\n", argv[i]);
      return 2;
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "no inputs to replay\n");
    return 2;
  }
  for (auto const& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)),
                      std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(reinterpret_cast<std::uint8_t const*>(bytes.data()),
                           bytes.size());
  }
  std::printf("replayed %zu inputs\n", files.size());
  return 0;
}
