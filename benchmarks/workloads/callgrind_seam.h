// The instruction-count seam: under valgrind --tool=callgrind, a measured
// section's counters are zeroed at its start and dumped, with a label,
// at its end (callgrind client requests; outside valgrind they cost a few
// instructions that do nothing). tools/scripts/instructions-per-event.sh
// reads the dumps and divides each by the events in its label.
// Without valgrind's headers at build time both calls are empty.
#ifndef ASYCAMORE_BENCHMARKS_WORKLOADS_CALLGRIND_SEAM_H_
#define ASYCAMORE_BENCHMARKS_WORKLOADS_CALLGRIND_SEAM_H_

#include <string>

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define ASYCAMORE_BENCH_HAVE_CALLGRIND 1
#endif

namespace asycamore::bench {

// Returns true when running under valgrind.
inline bool UnderValgrind() {
#ifdef ASYCAMORE_BENCH_HAVE_CALLGRIND
  return RUNNING_ON_VALGRIND != 0;
#else
  return false;
#endif
}

// Starts a counted section (zeroes callgrind's counters).
inline void BeginCountedSection() {
#ifdef ASYCAMORE_BENCH_HAVE_CALLGRIND
  CALLGRIND_ZERO_STATS;
#endif
}

// Ends it: callgrind writes a dump whose trigger reads `label`.
inline void EndCountedSection(const std::string& label) {
#ifdef ASYCAMORE_BENCH_HAVE_CALLGRIND
  CALLGRIND_DUMP_STATS_AT(label.c_str());
#else
  (void)label;
#endif
}

}  // namespace asycamore::bench

#endif  // ASYCAMORE_BENCHMARKS_WORKLOADS_CALLGRIND_SEAM_H_
