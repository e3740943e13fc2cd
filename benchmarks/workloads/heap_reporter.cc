#include "workloads/heap_reporter.h"

#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <thread>

namespace asycamore::bench {

absl::Status StartHeapReporter() {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGUSR1);
  // Blocked here, inherited by every thread started later: only sigwait
  // below takes it.
  if (pthread_sigmask(SIG_BLOCK, &signals, nullptr) != 0) {
    return absl::InternalError("StartHeapReporter: pthread_sigmask failed");
  }
  std::thread([signals] {
    for (;;) {
      int signal = 0;
      if (sigwait(&signals, &signal) != 0) return;
      const struct mallinfo2 info = mallinfo2();
      char line[64];
      const int length = std::snprintf(line, sizeof line, "heap %zu\n",
                                       info.uordblks + info.hblkhd);
      if (::write(STDOUT_FILENO, line, static_cast<std::size_t>(length)) != length) {
        return;
      }
    }
  }).detach();
  return absl::OkStatus();
#else
  return absl::UnimplementedError(
      "StartHeapReporter: needs glibc's mallinfo2 (glibc 2.33 or later)");
#endif
}

}  // namespace asycamore::bench
