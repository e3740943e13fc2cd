// The one status every POSIX backend returns from Remove() when the socket
// was closed before it was removed (a misuse the dispatcher survives).
#ifndef ASYCAMORE_BACKENDS_SUPPORT_CLOSED_BEFORE_REMOVE_H_
#define ASYCAMORE_BACKENDS_SUPPORT_CLOSED_BEFORE_REMOVE_H_

#ifndef _WIN32

#include "absl/status/status.h"
#include "asycamore/system_error.h"

namespace asycamore {

// Returns OkStatus if `fd` is still open, else FailedPrecondition saying the
// registration was dropped anyway. Call it after removing `fd`.
inline absl::Status ClosedBeforeRemoveCheck(int fd) {
  if (CheckDescriptorOpen(fd).ok()) return absl::OkStatus();
  return absl::FailedPreconditionError(
      "the socket was closed before it was removed (remove first, then "
      "close); the registration is dropped");
}

}  // namespace asycamore

#endif  // _WIN32
#endif  // ASYCAMORE_BACKENDS_SUPPORT_CLOSED_BEFORE_REMOVE_H_
