// HeapReporter: lets another process read this one's heap in use, for
// the echo workload's idle-connection figure. Every server allocates with
// malloc in the end (operator new included), so glibc's mallinfo2 (bytes
// in use, from the arenas and from mmap) measures them all alike, with no
// hook in any of them. A thread of its own waits for SIGUSR1 (blocked in
// every other thread) and answers each with one line, "heap <bytes>", on
// standard output; the server's thread never sees the signal.
#ifndef ASYCAMORE_BENCHMARKS_WORKLOADS_HEAP_REPORTER_H_
#define ASYCAMORE_BENCHMARKS_WORKLOADS_HEAP_REPORTER_H_

#include "absl/status/status.h"

namespace asycamore::bench {

// Starts the reporter thread (it lives until the process exits). Call it
// before the process starts any other thread. Fails where there is no
// mallinfo2 (not glibc).
absl::Status StartHeapReporter();

}  // namespace asycamore::bench

#endif  // ASYCAMORE_BENCHMARKS_WORKLOADS_HEAP_REPORTER_H_
