// Replays files through a fuzz target without a fuzzing engine: every
// regular file under the directories (recursively) or files given on the
// command line is passed to LLVMFuzzerTestOneInput once, and so are its
// prefixes, since truncation is the commonest malformation: every prefix of
// short files, 256 evenly spaced ones of longer files (the parser's unit
// tests already cut every vector at every byte).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

void run(const std::filesystem::path& file, size_t& inputs) {
  std::ifstream in{file, std::ios::binary};
  std::vector<char> bytes{std::istreambuf_iterator<char>{in}, {}};
  constexpr size_t max_prefixes = 256;
  size_t step = bytes.size() <= max_prefixes ? 1 : bytes.size() / max_prefixes;
  for (size_t n = 0; n <= bytes.size(); n += step) {
    // Copy so that ASan catches reads past the end of the input.
    std::vector<uint8_t> input(bytes.begin(), bytes.begin() + n);
    LLVMFuzzerTestOneInput(input.data(), input.size());
    ++inputs;
  }
  if (bytes.size() % step != 0) { // the whole input, always
    std::vector<uint8_t> input(bytes.begin(), bytes.end());
    LLVMFuzzerTestOneInput(input.data(), input.size());
    ++inputs;
  }
}

} // namespace

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  size_t files = 0;
  size_t inputs = 0;
  for (int i = 1; i < argc; ++i) {
    fs::path arg{argv[i]};
    if (fs::is_directory(arg)) {
      for (auto& entry : fs::recursive_directory_iterator(arg))
        if (entry.is_regular_file()) {
          run(entry.path(), inputs);
          ++files;
        }
    } else if (fs::is_regular_file(arg)) {
      run(arg, inputs);
      ++files;
    } else {
      std::fprintf(stderr, "no such file or directory: %s\n", argv[i]);
      return 1;
    }
  }
  std::printf("replayed %zu files (%zu inputs)\n", files, inputs);
  return files > 0 ? 0 : 1;
}
