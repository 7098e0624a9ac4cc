// How long one glibc malloc_trim(0) holds the heap after a wave of frees
// (docs/benchmarks.md, "The leave wave, bounded; then jemalloc"):
//   g++ -O2 bench/malloc_trim_probe.cpp -o /tmp/trim && /tmp/trim
// 3 million small blocks, 90 % freed, then one trim, timed.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <malloc.h>
#include <random>
#include <vector>
int main() {
  std::vector<void*> v;
  std::mt19937 rng(1);
  for (int i = 0; i < 3000000; ++i)
    v.push_back(malloc(64 + rng() % 400));
  for (size_t i = 0; i < v.size(); ++i)
    if (i % 10 != 0) {
      free(v[i]);
      v[i] = nullptr;
    }
  auto t0 = std::chrono::steady_clock::now();
  malloc_trim(0);
  auto t1 = std::chrono::steady_clock::now();
  printf("trim %.1f ms\n",
         std::chrono::duration<double, std::milli>(t1 - t0).count());
}
