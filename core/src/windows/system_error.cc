// System errors and Winsock start-up on Windows.
//
// Quirks of this system:
//   - Socket calls report their error through WSAGetLastError(), not errno;
//     other Win32 calls through GetLastError(). Both share one number space
//     (WSA codes are 10000 and up), so one text and one mapping serve both.
//   - FormatMessage texts end with ".\r\n"; both are trimmed so a message
//     reads "bind: Only one usage of each socket address ... is normally
//     permitted (10048)".
//   - Winsock must be started (WSAStartup) before the first socket call of
//     the process; EnsureWinsock does it once, lazily, from the calls that
//     create dispatchers and sockets.
//   - SOCKETs are handles, not descriptor numbers: CheckHandleOpen asks
//     Winsock about the socket itself (fcntl is POSIX's way), and
//     getsockopt fails with WSAENOTSOCK for a closed or foreign handle. That
//     is the one error value compared here.
#include "asycamore/native_socket.h"

#include <winsock2.h>
#include <windows.h>

#include <cerrno>
#include <string>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "asycamore/system_error.h"
#include "asycamore/internal/absl_string_view.h"
#include "../open_handle.h"

namespace asycamore {

// native_socket.h spells SOCKET without <winsock2.h>; this is the check.
static_assert(std::is_same_v<NativeSocket, SOCKET>);
static_assert(kInvalidSocket == INVALID_SOCKET);
namespace {

// Returns the POSIX errno for a Winsock or Win32 code, or 0 if none fits.
int MatchingErrno(int code) {
  switch (code) {
    case WSAEWOULDBLOCK: return EWOULDBLOCK;
    case WSAEINPROGRESS: return EINPROGRESS;
    case WSAEALREADY: return EALREADY;
    case WSAEINTR: return EINTR;
    case WSAEBADF: return EBADF;
    case WSAEACCES: return EACCES;
    case WSAEFAULT: return EFAULT;
    case WSAEINVAL: return EINVAL;
    case WSAEMFILE: return EMFILE;
    case WSAENOTSOCK: return ENOTSOCK;
    case WSAEDESTADDRREQ: return EDESTADDRREQ;
    case WSAEMSGSIZE: return EMSGSIZE;
    case WSAEPROTOTYPE: return EPROTOTYPE;
    case WSAENOPROTOOPT: return ENOPROTOOPT;
    case WSAEPROTONOSUPPORT: return EPROTONOSUPPORT;
    case WSAEOPNOTSUPP: return EOPNOTSUPP;
    case WSAEAFNOSUPPORT: return EAFNOSUPPORT;
    case WSAEADDRINUSE: return EADDRINUSE;
    case WSAEADDRNOTAVAIL: return EADDRNOTAVAIL;
    case WSAENETDOWN: return ENETDOWN;
    case WSAENETUNREACH: return ENETUNREACH;
    case WSAENETRESET: return ENETRESET;
    case WSAECONNABORTED: return ECONNABORTED;
    case WSAECONNRESET: return ECONNRESET;
    case WSAENOBUFS: return ENOBUFS;
    case WSAEISCONN: return EISCONN;
    case WSAENOTCONN: return ENOTCONN;
    case WSAETIMEDOUT: return ETIMEDOUT;
    case WSAECONNREFUSED: return ECONNREFUSED;
    case WSAENAMETOOLONG: return ENAMETOOLONG;
    case WSAEHOSTUNREACH: return EHOSTUNREACH;
    case WSAESHUTDOWN: return EPIPE;
    case WSAEDISCON: return EPIPE;
    case ERROR_INVALID_HANDLE: return EBADF;
    case ERROR_NOT_ENOUGH_MEMORY: return ENOMEM;
    case ERROR_OUTOFMEMORY: return ENOMEM;
    case ERROR_INVALID_PARAMETER: return EINVAL;
    case ERROR_ACCESS_DENIED: return EACCES;
    case ERROR_NOT_FOUND: return ENOENT;
    case ERROR_OPERATION_ABORTED: return ECANCELED;
    case WAIT_TIMEOUT: return ETIMEDOUT;
    default: return 0;
  }
}

// Returns the system's text for a Win32 or Winsock error code (FormatMessage,
// without the trailing period and line break), or "error <code>" when the
// system has none.
std::string WindowsErrorText(int code) {
  char buffer[512];
  DWORD length = ::FormatMessageA(
      FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, nullptr,
      static_cast<DWORD>(code), MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT),
      buffer, sizeof(buffer), nullptr);
  while (length > 0 && (buffer[length - 1] == '\r' ||
                        buffer[length - 1] == '\n' ||
                        buffer[length - 1] == ' ' ||
                        buffer[length - 1] == '.')) {
    --length;
  }
  if (length == 0) return absl::StrCat("error ", code);
  return std::string(buffer, length);
}

// Returns the absl status code abseil gives the POSIX errno that matches
// `code` (WSAECONNREFUSED as ECONNREFUSED: kUnavailable, ...), so a status
// reads the same on every system. Codes without a POSIX match are kUnknown.
absl::StatusCode WindowsErrorStatusCode(int code) {
  const int posix = MatchingErrno(code);
  return posix == 0 ? absl::StatusCode::kUnknown
                    : absl::ErrnoToStatusCode(posix);
}

}  // namespace

SystemError LastSystemError() { return ::WSAGetLastError(); }

std::string SystemErrorText(SystemError code) {
  if (code == kNoSystemError) return "no error";
  return WindowsErrorText(code);
}

absl::Status SystemErrorStatus(SystemError code, std::string_view what) {
  return absl::Status(WindowsErrorStatusCode(code),
                      absl::StrCat(AbslView(what), ": ",
                                   WindowsErrorText(code), " (", code, ")"));
}

absl::Status internal::CheckHandleOpen(NativeSocket socket) {
  int type = 0;
  int length = sizeof(type);
  if (::getsockopt(socket, SOL_SOCKET, SO_TYPE, reinterpret_cast<char*>(&type),
                   &length) != 0) {
    const int error = ::WSAGetLastError();
    if (error == WSAENOTSOCK) {
      return absl::InvalidArgumentError(
          "not an open socket (closed, or never a socket)");
    }
    return SystemErrorStatus(error, "getsockopt(SO_TYPE)");
  }
  return absl::OkStatus();
}

absl::Status EnsureWinsock() {
  // A function-local static: thread-safe, run once, result kept.
  static const absl::Status started = [] {
    WSADATA data;
    const int error = ::WSAStartup(MAKEWORD(2, 2), &data);
    if (error != 0) return SystemErrorStatus(error, "WSAStartup(2.2)");
    return absl::OkStatus();
  }();
  return started;
}

}  // namespace asycamore
