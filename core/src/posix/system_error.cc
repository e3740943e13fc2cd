// System errors on POSIX systems (system_error.h).
//
// Quirks of this OS family:
//   - strerror_r comes in two shapes: GNU's returns a pointer (maybe to a
//     static string), XSI's fills the buffer and returns 0. An overload set
//     takes either result.
//   - The one error value compared here: EBADF from fcntl(F_GETFD), which
//     is what "not an open descriptor" means.
#include "asycamore/system_error.h"

#include <fcntl.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "asycamore/internal/absl_string_view.h"
#include "../open_handle.h"

namespace asycamore {

SystemError LastSystemError() { return errno; }

std::string SystemErrorText(SystemError code) {
  if (code == kNoSystemError) return "no error";
  char buffer[256];
  struct Pick {
    static const char* Text(int result, const char* buffer) {
      return result == 0 ? buffer : "unknown error";
    }
    static const char* Text(const char* result, const char*) { return result; }
  };
  return Pick::Text(::strerror_r(code, buffer, sizeof(buffer)), buffer);
}

absl::Status SystemErrorStatus(SystemError code, std::string_view what) {
  return absl::ErrnoToStatus(code, AbslView(what));
}

namespace internal {

absl::Status CheckHandleOpen(NativeSocket fd) {
  if (::fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
    return absl::InvalidArgumentError(
        "not an open descriptor (closed, or never opened)");
  }
  return absl::OkStatus();
}

}  // namespace internal
}  // namespace asycamore
