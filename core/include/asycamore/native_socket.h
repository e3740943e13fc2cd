// The operating system's socket handle, named once for the whole library.
//
// POSIX descriptors are small dense ints; Windows SOCKETs are opaque
// pointer-sized values. Code above the backends uses NativeSocket and
// kInvalidSocket only, never `int` or `SOCKET` directly.
#ifndef ASYCAMORE_NATIVE_SOCKET_H_
#define ASYCAMORE_NATIVE_SOCKET_H_

#include <cstdint>

namespace asycamore {

#ifdef _WIN32
// SOCKET is UINT_PTR and INVALID_SOCKET is ~0, spelt here without
// <winsock2.h>: no public header of asycamore includes a Windows header, so
// the user's NOMINMAX, WIN32_LEAN_AND_MEAN and include order are left as
// they are (core/src/windows/system_error.cc checks the types match).
using NativeSocket = std::uintptr_t;
inline constexpr NativeSocket kInvalidSocket = ~NativeSocket{0};
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
