// The operating system's socket handle, named once for the whole library.
//
// POSIX descriptors are small dense ints; Windows SOCKETs are opaque
// pointer-sized values. Code above the backends uses NativeSocket and
// kInvalidSocket only, never `int` or `SOCKET` directly.
#ifndef ASYCAMORE_NATIVE_SOCKET_H_
#define ASYCAMORE_NATIVE_SOCKET_H_

#include <cstdint>

#ifdef _WIN32
// Keep <windows.h> (pulled in by winsock2.h) from defining min/max macros
// and the rarely used APIs in every file that includes asycamore.
#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <winsock2.h>
#endif

namespace asycamore {

#ifdef _WIN32
using NativeSocket = SOCKET;
inline constexpr NativeSocket kInvalidSocket = INVALID_SOCKET;
#else
using NativeSocket = int;
inline constexpr NativeSocket kInvalidSocket = -1;
#endif

// Returns a printable number for a socket handle (for messages and logs):
// the descriptor on POSIX, the handle value on Windows. The invalid socket
// prints as -1 on both (INVALID_SOCKET is ~0), never as 18446744073709551615.
inline std::int64_t SocketNumber(NativeSocket socket) {
  return static_cast<std::int64_t>(socket);
}

}  // namespace asycamore

#endif  // ASYCAMORE_NATIVE_SOCKET_H_
