#include "asycamore/backend/system_error.h"

#include <fcntl.h>

#include <cerrno>
#include <string>

#include "../absl_string_view.h"

namespace asycamore {

absl::Status SystemErrorStatus(int error, std::string_view what) {
  return absl::ErrnoToStatus(error, AbslView(what));
}

int LastSystemError() { return errno; }

// The one error value compared here: EBADF from fcntl(F_GETFD), which is
// what "not an open descriptor" means.
absl::Status CheckDescriptorOpen(int fd) {
  if (::fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
    return absl::InvalidArgumentError(
        "not an open descriptor (closed, or never opened)");
  }
  return absl::OkStatus();
}

}  // namespace asycamore
