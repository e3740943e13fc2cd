// The tcpsocket layer's system calls on Windows (Winsock): the default
// SocketOps table and the socket set-up helpers of socket_control.h (the
// Windows twin of tcpsocket/src/posix/socket_ops.cc, same structure).
//
// Quirks of this system:
//   - Sockets are SOCKET handles closed with closesocket(), made nonblocking
//     with ioctlsocket(FIONBIO), and Winsock must be started first
//     (EnsureWinsock, once per process).
//   - No SIGPIPE exists: a send to a reset connection just fails
//     (WSAECONNRESET), so no flag or socket option is needed.
//   - Handles are inherited by child processes unless told otherwise: new
//     sockets are created with WSA_FLAG_NO_HANDLE_INHERIT and accepted ones
//     lose HANDLE_FLAG_INHERIT (the close-on-exec of POSIX).
//   - An accepted socket inherits the listener's nonblocking mode on
//     Windows; FIONBIO is still set explicitly, as on macOS.
//   - SO_REUSEADDR on Windows lets another socket bind a port that is in
//     use (port stealing), so listeners use SO_EXCLUSIVEADDRUSE instead.
//     TIME_WAIT does not block a new bind on Windows, which is what
//     SO_REUSEADDR is for on POSIX.
//   - Gathered writes are one WSASend with a WSABUF array.
//   - No option spreads connections over listeners sharing a port (there
//     is no SO_REUSEPORT), so ListenOptions::reuse_port is refused.
#include "asycamore/native_socket.h"  // first: it sets NOMINMAX and
                                      // WIN32_LEAN_AND_MEAN before <windows.h>

#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

#include <climits>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "asycamore/system_error.h"
#include "asycamore/tcpsocket/listen_options.h"
#include "asycamore/tcpsocket/socket_address.h"
#include "asycamore/tcpsocket/socket_control.h"
#include "asycamore/tcpsocket/socket_ops.h"

namespace asycamore {
namespace {

// recv/send take an int length.
int ClampedLength(std::size_t size) {
  return size > static_cast<std::size_t>(INT_MAX) ? INT_MAX
                                                  : static_cast<int>(size);
}

absl::Status SetNonBlocking(SOCKET socket) {
  u_long on = 1;
  if (::ioctlsocket(socket, FIONBIO, &on) != 0) {
    return SystemErrorStatus(::WSAGetLastError(), "ioctlsocket(FIONBIO)");
  }
  return absl::OkStatus();
}

IoResult WindowsReceive(NativeSocket socket, void* buffer, std::size_t size) {
  const int n =
      ::recv(socket, static_cast<char*>(buffer), ClampedLength(size), 0);
  if (n == SOCKET_ERROR) return {0, ::WSAGetLastError()};
  return {static_cast<std::size_t>(n), 0};
}

IoResult WindowsSend(NativeSocket socket, const ConstBuffer* buffers,
                     std::size_t count) {
  if (count > kMaxSendBuffers) count = kMaxSendBuffers;
  WSABUF wsa_buffers[kMaxSendBuffers];
  for (std::size_t i = 0; i < count; ++i) {
    wsa_buffers[i].buf =
        static_cast<char*>(const_cast<void*>(buffers[i].data));
    wsa_buffers[i].len = static_cast<ULONG>(
        buffers[i].size > ULONG_MAX ? ULONG_MAX : buffers[i].size);
  }
  DWORD sent = 0;
  if (::WSASend(socket, wsa_buffers, static_cast<DWORD>(count), &sent, 0,
                nullptr, nullptr) == SOCKET_ERROR) {
    return {0, ::WSAGetLastError()};
  }
  return {static_cast<std::size_t>(sent), 0};
}

SystemError WindowsConnect(NativeSocket socket, const SocketAddress& address) {
  const int rc = ::connect(
      socket, static_cast<const sockaddr*>(address.sockaddr_data()),
      static_cast<int>(address.sockaddr_size()));
  return rc == 0 ? 0 : ::WSAGetLastError();
}

AcceptedSocket WindowsAccept(NativeSocket listener) {
  const SOCKET accepted = ::accept(listener, nullptr, nullptr);
  if (accepted == INVALID_SOCKET) return {kInvalidSocket, ::WSAGetLastError()};
  u_long on = 1;
  if (::ioctlsocket(accepted, FIONBIO, &on) != 0) {
    const SystemError error = ::WSAGetLastError();
    ::closesocket(accepted);
    return {kInvalidSocket, error};
  }
  // Not inherited by child processes (close-on-exec). A failure here leaves
  // an inheritable socket, which is harmless without child processes.
  ::SetHandleInformation(reinterpret_cast<HANDLE>(accepted),
                         HANDLE_FLAG_INHERIT, 0);
  return {accepted, 0};
}

PendingError WindowsTakePendingError(NativeSocket socket) {
  int pending = 0;
  int size = sizeof(pending);
  if (::getsockopt(socket, SOL_SOCKET, SO_ERROR,
                   reinterpret_cast<char*>(&pending), &size) != 0) {
    return {0, ::WSAGetLastError()};
  }
  return {pending, 0};
}

SystemError WindowsCheckConnected(NativeSocket socket) {
  sockaddr_storage peer;
  int size = sizeof(peer);
  if (::getpeername(socket, reinterpret_cast<sockaddr*>(&peer), &size) != 0) {
    return ::WSAGetLastError();
  }
  return 0;
}

constexpr SocketOps kWindowsSocketOps = {
    .receive = WindowsReceive,
    .send = WindowsSend,
    .connect = WindowsConnect,
    .accept = WindowsAccept,
    .take_pending_error = WindowsTakePendingError,
    .check_connected = WindowsCheckConnected,
};

absl::StatusOr<SocketAddress> NameOf(int(WSAAPI* call)(SOCKET, sockaddr*,
                                                       int*),
                                     const char* call_name,
                                     NativeSocket socket) {
  sockaddr_storage storage;
  int size = sizeof(storage);
  if (call(socket, reinterpret_cast<sockaddr*>(&storage), &size) != 0) {
    return SystemErrorStatus(
        ::WSAGetLastError(),
        absl::StrCat(call_name, "(socket ", SocketNumber(socket), ")"));
  }
  return SocketAddress::FromSockaddr(&storage, static_cast<std::size_t>(size));
}

}  // namespace

const SocketOps& SystemSocketOps() { return kWindowsSocketOps; }

bool ReusePortSpreadsConnections() { return false; }

namespace internal {
const SocketOps* current_socket_ops = &kWindowsSocketOps;
}  // namespace internal

absl::StatusOr<OwnedSocket> OpenTcpSocket(SocketAddress::Family family) {
  if (absl::Status started = EnsureWinsock(); !started.ok()) return started;
  const int domain = family == SocketAddress::Family::kIpv6 ? AF_INET6 : AF_INET;
  const SOCKET socket =
      ::WSASocketW(domain, SOCK_STREAM, IPPROTO_TCP, nullptr, 0,
                   WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
  if (socket == INVALID_SOCKET) {
    return SystemErrorStatus(::WSAGetLastError(), "WSASocket");
  }
  if (absl::Status status = SetNonBlocking(socket); !status.ok()) {
    ::closesocket(socket);
    return status;
  }
  return OwnedSocket(socket);
}

void CloseNativeSocket(NativeSocket socket) {
  if (socket == kInvalidSocket) return;
  ::closesocket(socket);
}

absl::Status ShutdownSend(NativeSocket socket) {
  if (::shutdown(socket, SD_SEND) != 0) {
    return SystemErrorStatus(
        ::WSAGetLastError(),
        absl::StrCat("shutdown(socket ", SocketNumber(socket), ", SD_SEND)"));
  }
  return absl::OkStatus();
}

absl::Status SetResetOnClose(NativeSocket socket) {
  linger option{};
  option.l_onoff = 1;
  option.l_linger = 0;
  if (::setsockopt(socket, SOL_SOCKET, SO_LINGER,
                   reinterpret_cast<const char*>(&option),
                   sizeof(option)) != 0) {
    return SystemErrorStatus(
        ::WSAGetLastError(),
        absl::StrCat("setsockopt(socket ", SocketNumber(socket),
                     ", SO_LINGER 0)"));
  }
  return absl::OkStatus();
}

absl::Status SetNoDelay(NativeSocket socket, bool no_delay) {
  const BOOL on = no_delay ? TRUE : FALSE;
  if (::setsockopt(socket, IPPROTO_TCP, TCP_NODELAY,
                   reinterpret_cast<const char*>(&on), sizeof(on)) != 0) {
    return SystemErrorStatus(
        ::WSAGetLastError(),
        absl::StrCat("setsockopt(socket ", SocketNumber(socket),
                     ", TCP_NODELAY)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<SocketAddress> LocalAddress(NativeSocket socket) {
  return NameOf(::getsockname, "getsockname", socket);
}

absl::StatusOr<SocketAddress> PeerAddress(NativeSocket socket) {
  return NameOf(::getpeername, "getpeername", socket);
}

namespace internal {

// Used by ListenTcp (accepting_socket.cc), declared in internal.h.
absl::Status PrepareListener(NativeSocket socket, const SocketAddress& address,
                             const ListenOptions& options) {
  if (options.reuse_port) {
    return absl::UnimplementedError(
        "setsockopt(SO_REUSEPORT): Windows has no option that spreads "
        "connections over listeners sharing a port; hand accepted sockets "
        "to the loops instead");
  }
  // Windows: SO_EXCLUSIVEADDRUSE, not SO_REUSEADDR (see the file comment).
  const BOOL on = TRUE;
  if (::setsockopt(socket, SOL_SOCKET, SO_EXCLUSIVEADDRUSE,
                   reinterpret_cast<const char*>(&on), sizeof(on)) != 0) {
    return SystemErrorStatus(::WSAGetLastError(),
                             "setsockopt(SO_EXCLUSIVEADDRUSE)");
  }
  if (address.family() == SocketAddress::Family::kIpv6) {
    const DWORD v6_only = options.dual_stack ? 0 : 1;
    if (::setsockopt(socket, IPPROTO_IPV6, IPV6_V6ONLY,
                     reinterpret_cast<const char*>(&v6_only),
                     sizeof(v6_only)) != 0) {
      return SystemErrorStatus(
          ::WSAGetLastError(),
          absl::StrCat("setsockopt(IPV6_V6ONLY ", v6_only, ")"));
    }
  }
  if (::bind(socket, static_cast<const sockaddr*>(address.sockaddr_data()),
             static_cast<int>(address.sockaddr_size())) != 0) {
    return SystemErrorStatus(::WSAGetLastError(), "bind");
  }
  if (::listen(socket, options.backlog) != 0) {
    return SystemErrorStatus(::WSAGetLastError(), "listen");
  }
  return absl::OkStatus();
}

}  // namespace internal
}  // namespace asycamore
