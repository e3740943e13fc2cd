// Windows error codes as text and as absl status codes, shared by the
// backends' SystemErrorStatus (system_error.cc) and the tcpsocket layer's
// error_classes.cc. Private to core/src/windows/.
#ifndef ASYCAMORE_CORE_SRC_WINDOWS_WINDOWS_ERROR_H_
#define ASYCAMORE_CORE_SRC_WINDOWS_WINDOWS_ERROR_H_

#include <string>

#include "absl/status/status.h"

namespace asycamore::internal {

// Returns the system's text for a Win32 or Winsock error code (FormatMessage,
// without the trailing period and line break), or "error <code>" when the
// system has none.
std::string WindowsErrorText(int code);

// Returns the absl status code abseil gives the POSIX errno that matches
// `code` (WSAECONNREFUSED as ECONNREFUSED: kUnavailable, ...), so a status
// reads the same on every system. Codes without a POSIX match are kUnknown.
absl::StatusCode WindowsErrorStatusCode(int code);

}  // namespace asycamore::internal

#endif  // ASYCAMORE_CORE_SRC_WINDOWS_WINDOWS_ERROR_H_
