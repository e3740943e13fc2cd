// Linux io_uring backend: readiness from poll requests on a ring.
#ifndef ASYCAMORE_BACKENDS_IO_URING_IO_URING_DISPATCHER_H_
#define ASYCAMORE_BACKENDS_IO_URING_IO_URING_DISPATCHER_H_

#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "asycamore/dispatcher.h"

namespace asycamore {

// Returns OkStatus if this kernel lets the process use io_uring with what
// the backend needs (poll requests, IORING_FEAT_NODROP), else the reason:
// no io_uring (ENOSYS), forbidden (EPERM: the io_uring_disabled sysctl, a
// seccomp filter), or a feature missing. Probed once per process.
absl::Status ProbeIoUring();

// Creates an io_uring dispatcher.
absl::StatusOr<std::unique_ptr<Dispatcher>> CreateIoUringDispatcher();

// For the backend's own tests (tests/conformance/io_uring_test.cc).
namespace io_uring_testing {

struct RingOptions {
  unsigned sq_entries = 256;  // a power of two; small to fill the SQ
  // true: sockets on multishot polls, re-checked after each delivery by an
  // in-place update (slower than the default one-shot polls; see the
  // quirks in io_uring_dispatcher.cc).
  bool multishot = false;
};

absl::StatusOr<std::unique_ptr<Dispatcher>> CreateDispatcher(
    const RingOptions& options);

// Makes ProbeIoUring() and the ring's creation fail as if io_uring_setup
// had returned -error (ENOSYS, EPERM); 0 undoes it. Not thread-safe with
// creating dispatchers at the same time.
void SimulateSetupError(int error);

}  // namespace io_uring_testing
}  // namespace asycamore

#endif  // ASYCAMORE_BACKENDS_IO_URING_IO_URING_DISPATCHER_H_
