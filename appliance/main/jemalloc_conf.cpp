// jemalloc's settings for the daemon (linked only when jemalloc is; see
// CMakeLists.txt): a background thread hands memory back to the system as
// it ages, so a wave of client actors leaving shows in RSS without a
// malloc_trim walk over the heap (docs/benchmarks.md, "The leave wave").
// MALLOC_CONF in the environment still overrides it.

extern "C" {
// NOLINTNEXTLINE: the name and type jemalloc looks up.
const char* malloc_conf = "background_thread:true";
}
