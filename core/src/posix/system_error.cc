#include "asycamore/backend/system_error.h"

#include <fcntl.h>

#include <cerrno>
#include <string>

namespace asycamore {

absl::Status SystemErrorStatus(int error, absl::string_view what) {
  return absl::ErrnoToStatus(error, what);
}

int LastSystemError() { return errno; }

absl::Status CheckDescriptorOpen(int fd) {
  if (::fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
    return absl::InvalidArgumentError(
        "not an open descriptor (closed, or never opened)");
  }
  return absl::OkStatus();
}

}  // namespace asycamore
