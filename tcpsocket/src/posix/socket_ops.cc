// The tcpsocket layer's system calls on POSIX systems: the default
// SocketOps table and the socket set-up helpers of socket_control.h.
//
// Quirks of this OS family:
//   - SIGPIPE: a write to a reset connection raises SIGPIPE, which kills the
//     process by default. Linux and the BSDs take MSG_NOSIGNAL per call;
//     macOS needs SO_NOSIGPIPE on the socket, set at creation (and after
//     accept, which does not inherit it). writev() takes no flags, so
//     gathered writes use sendmsg().
//   - Linux has accept4() (and SOCK_NONBLOCK|SOCK_CLOEXEC for socket()),
//     which set nonblocking and close-on-exec atomically; elsewhere fcntl
//     follows the call (a fork in between could leak the descriptor into a
//     child, which is acceptable where there is no alternative).
//   - Only Linux, DragonFly (SO_REUSEPORT) and FreeBSD (SO_REUSEPORT_LB)
//     spread connections over listeners sharing a port; macOS and the other
//     BSDs accept the option but do not, so reuse_port is refused there.
//   - EINTR from close() must not lead to a second close: on Linux the
//     descriptor is already gone and its number may be reused.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
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

#ifdef MSG_NOSIGNAL
constexpr int kSendFlags = MSG_NOSIGNAL;
#else
constexpr int kSendFlags = 0;  // SO_NOSIGPIPE was set on the socket
#endif

[[maybe_unused]] absl::Status SetCloseOnExecAndNonBlocking(int fd) {
  const int fd_flags = ::fcntl(fd, F_GETFD);
  if (fd_flags == -1 || ::fcntl(fd, F_SETFD, fd_flags | FD_CLOEXEC) == -1) {
    return SystemErrorStatus(errno, "fcntl(F_SETFD, FD_CLOEXEC)");
  }
  const int fl_flags = ::fcntl(fd, F_GETFL);
  if (fl_flags == -1 || ::fcntl(fd, F_SETFL, fl_flags | O_NONBLOCK) == -1) {
    return SystemErrorStatus(errno, "fcntl(F_SETFL, O_NONBLOCK)");
  }
  return absl::OkStatus();
}

[[maybe_unused]] absl::Status SuppressSigpipe([[maybe_unused]] int fd) {
#if defined(SO_NOSIGPIPE)
  // macOS (and the BSDs, where it is harmless): older macOS SDKs lack
  // MSG_NOSIGNAL and newer ones do not document it for send(); the socket
  // option keeps EPIPE an error code either way.
  const int on = 1;
  if (::setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof(on)) != 0) {
    return SystemErrorStatus(errno, "setsockopt(SO_NOSIGPIPE)");
  }
#endif
  return absl::OkStatus();
}

IoResult PosixReceive(NativeSocket socket, void* buffer, std::size_t size) {
  const ssize_t n = ::recv(socket, buffer, size, 0);
  if (n < 0) return {0, errno};
  return {static_cast<std::size_t>(n), 0};
}

IoResult PosixSend(NativeSocket socket, const ConstBuffer* buffers,
                   std::size_t count) {
  ssize_t n;
  if (count == 1) {
    n = ::send(socket, buffers[0].data, buffers[0].size, kSendFlags);
  } else {
    iovec iov[kMaxSendBuffers];
    if (count > kMaxSendBuffers) count = kMaxSendBuffers;
    for (std::size_t i = 0; i < count; ++i) {
      iov[i].iov_base = const_cast<void*>(buffers[i].data);
      iov[i].iov_len = buffers[i].size;
    }
    msghdr message{};
    message.msg_iov = iov;
    message.msg_iovlen = static_cast<decltype(message.msg_iovlen)>(count);
    n = ::sendmsg(socket, &message, kSendFlags);
  }
  if (n < 0) return {0, errno};
  return {static_cast<std::size_t>(n), 0};
}

SystemError PosixConnect(NativeSocket socket, const SocketAddress& address) {
  const int rc = ::connect(
      socket, static_cast<const sockaddr*>(address.sockaddr_data()),
      static_cast<socklen_t>(address.sockaddr_size()));
  return rc == 0 ? 0 : errno;
}

AcceptedSocket PosixAccept(NativeSocket listener) {
#if defined(__linux__) || defined(__FreeBSD__) || defined(__NetBSD__) || \
    defined(__OpenBSD__) || defined(__DragonFly__)
  const int fd =
      ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0) return {kInvalidSocket, errno};
  return {fd, 0};
#else
  // macOS: no accept4; the accepted socket does not inherit O_NONBLOCK
  // portably, so set both flags here.
  const int fd = ::accept(listener, nullptr, nullptr);
  if (fd < 0) return {kInvalidSocket, errno};
  if (!SetCloseOnExecAndNonBlocking(fd).ok() || !SuppressSigpipe(fd).ok()) {
    const SystemError error = errno;
    ::close(fd);
    return {kInvalidSocket, error};
  }
  return {fd, 0};
#endif
}

PendingError PosixTakePendingError(NativeSocket socket) {
  int pending = 0;
  socklen_t size = sizeof(pending);
  if (::getsockopt(socket, SOL_SOCKET, SO_ERROR, &pending, &size) != 0) {
    return {0, errno};
  }
  return {pending, 0};
}

SystemError PosixCheckConnected(NativeSocket socket) {
  sockaddr_storage peer;
  socklen_t size = sizeof(peer);
  if (::getpeername(socket, reinterpret_cast<sockaddr*>(&peer), &size) != 0) {
    return errno;
  }
  return 0;
}

// The option that spreads connections over listeners sharing a port:
// Linux and DragonFly balance SO_REUSEPORT listeners, FreeBSD needs
// SO_REUSEPORT_LB (its SO_REUSEPORT, like macOS's and the other BSDs', only
// lets the sockets bind).
#if defined(__linux__) || defined(__DragonFly__)
#define ASYCAMORE_REUSE_PORT_OPTION SO_REUSEPORT
constexpr const char* kReusePortName = "SO_REUSEPORT";
#elif defined(__FreeBSD__) && defined(SO_REUSEPORT_LB)
#define ASYCAMORE_REUSE_PORT_OPTION SO_REUSEPORT_LB
constexpr const char* kReusePortName = "SO_REUSEPORT_LB";
#endif

constexpr SocketOps kPosixSocketOps = {
    .receive = PosixReceive,
    .send = PosixSend,
    .connect = PosixConnect,
    .accept = PosixAccept,
    .take_pending_error = PosixTakePendingError,
    .check_connected = PosixCheckConnected,
};

absl::StatusOr<SocketAddress> NameOf(
    int (*call)(int, sockaddr*, socklen_t*), const char* call_name,
    NativeSocket socket) {
  sockaddr_storage storage;
  socklen_t size = sizeof(storage);
  if (call(socket, reinterpret_cast<sockaddr*>(&storage), &size) != 0) {
    return SystemErrorStatus(errno,
                             absl::StrCat(call_name, "(socket ", socket, ")"));
  }
  return SocketAddress::FromSockaddr(&storage, size);
}

}  // namespace

const SocketOps& SystemSocketOps() { return kPosixSocketOps; }

bool ReusePortSpreadsConnections() {
#ifdef ASYCAMORE_REUSE_PORT_OPTION
  return true;
#else
  return false;
#endif
}

namespace internal {
const SocketOps* current_socket_ops = &kPosixSocketOps;
}  // namespace internal

absl::StatusOr<OwnedSocket> OpenTcpSocket(SocketAddress::Family family) {
  const int domain = family == SocketAddress::Family::kIpv6 ? AF_INET6 : AF_INET;
#if defined(SOCK_NONBLOCK) && defined(SOCK_CLOEXEC)
  const int fd = ::socket(domain, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                          IPPROTO_TCP);
  if (fd < 0) return SystemErrorStatus(errno, "socket");
#else
  const int fd = ::socket(domain, SOCK_STREAM, IPPROTO_TCP);
  if (fd < 0) return SystemErrorStatus(errno, "socket");
  if (absl::Status status = SetCloseOnExecAndNonBlocking(fd); !status.ok()) {
    ::close(fd);
    return status;
  }
#endif
  if (absl::Status status = SuppressSigpipe(fd); !status.ok()) {
    ::close(fd);
    return status;
  }
  return OwnedSocket(fd);
}

void CloseNativeSocket(NativeSocket socket) {
  if (socket == kInvalidSocket) return;
  // Linux, the BSDs: the descriptor is released even when close reports
  // EINTR, so never retry (a retry could close a reused number).
  ::close(socket);
}

absl::Status ShutdownSend(NativeSocket socket) {
  if (::shutdown(socket, SHUT_WR) != 0) {
    return SystemErrorStatus(errno,
                             absl::StrCat("shutdown(socket ", socket, ", SHUT_WR)"));
  }
  return absl::OkStatus();
}

absl::Status SetResetOnClose(NativeSocket socket) {
  linger option{};
  option.l_onoff = 1;
  option.l_linger = 0;
  if (::setsockopt(socket, SOL_SOCKET, SO_LINGER, &option, sizeof(option)) !=
      0) {
    return SystemErrorStatus(
        errno, absl::StrCat("setsockopt(socket ", socket, ", SO_LINGER 0)"));
  }
  return absl::OkStatus();
}

absl::Status SetNoDelay(NativeSocket socket, bool no_delay) {
  const int on = no_delay ? 1 : 0;
  if (::setsockopt(socket, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) != 0) {
    return SystemErrorStatus(
        errno, absl::StrCat("setsockopt(socket ", socket, ", TCP_NODELAY)"));
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
  // POSIX: SO_REUSEADDR lets a restarted server bind while old connections
  // sit in TIME_WAIT. (Windows would use SO_EXCLUSIVEADDRUSE instead: there
  // SO_REUSEADDR lets another process steal a bound port.)
  const int on = 1;
  if (::setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0) {
    return SystemErrorStatus(errno, "setsockopt(SO_REUSEADDR)");
  }
  if (options.reuse_port) {
#ifdef ASYCAMORE_REUSE_PORT_OPTION
    if (::setsockopt(socket, SOL_SOCKET, ASYCAMORE_REUSE_PORT_OPTION, &on,
                     sizeof(on)) != 0) {
      return SystemErrorStatus(
          errno, absl::StrCat("setsockopt(", kReusePortName, ")"));
    }
#else
    return absl::UnimplementedError(
        "setsockopt(SO_REUSEPORT): this OS does not spread connections over "
        "listeners sharing a port; hand accepted sockets to the loops instead");
#endif
  }
  if (address.family() == SocketAddress::Family::kIpv6) {
    const int v6_only = options.dual_stack ? 0 : 1;
    if (::setsockopt(socket, IPPROTO_IPV6, IPV6_V6ONLY, &v6_only,
                     sizeof(v6_only)) != 0) {
      return SystemErrorStatus(
          errno, absl::StrCat("setsockopt(IPV6_V6ONLY ", v6_only, ")"));
    }
  }
  if (::bind(socket, static_cast<const sockaddr*>(address.sockaddr_data()),
             static_cast<socklen_t>(address.sockaddr_size())) != 0) {
    return SystemErrorStatus(errno, "bind");
  }
  if (::listen(socket, options.backlog) != 0) {
    return SystemErrorStatus(errno, "listen");
  }
  return absl::OkStatus();
}

}  // namespace internal
}  // namespace asycamore
