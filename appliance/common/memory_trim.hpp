#pragma once

// Handing freed memory back to the system after many objects went away at
// once (client actors leaving memory): glibc keeps freed memory in its
// arenas, so RSS would still show what the box no longer holds.

#include <chrono>

namespace ivm::memory {

/// Returns free heap memory to the system (malloc_trim) `after` from now,
/// on a thread of its own: the caller never waits for the walk over the
/// heap. Calls while one is pending are covered by it, so every call is
/// followed by a trim within `after`, and a wave of calls costs one trim
/// per `after`. True if this call scheduled the trim, false if it found one
/// pending. Does nothing under jemalloc (the daemon's usual allocator),
/// whose background thread returns memory as it ages.
bool trim_soon(std::chrono::milliseconds after = std::chrono::seconds{5});

/// Trims done so far (tests, metrics).
unsigned long trims_done();

} // namespace ivm::memory
