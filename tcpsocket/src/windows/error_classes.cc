// Winsock error classification: the one file in asycamore that compares WSA
// error codes for the tcpsocket layer (the Windows twin of
// tcpsocket/src/posix/error_classes.cc, same classes, same structure).
//
// Quirks of this system:
//   - Socket calls report errors through WSAGetLastError(), not errno, and
//     with their own codes: WSAEWOULDBLOCK is the one "would block" code
//     (there is no separate EAGAIN).
//   - A nonblocking connect() that has started reports WSAEWOULDBLOCK, not
//     EINPROGRESS (WSAEINPROGRESS means something else on Windows: a
//     blocking call is already running on the thread). WSAEINTR is "in
//     progress" too, as on POSIX: never call connect again.
//   - accept() reports WSAECONNRESET when the connection was reset before it
//     was taken (POSIX says ECONNABORTED): take the next one. There is no
//     twin of Linux's EPERM (a firewall refusing one connection): the
//     Windows firewall drops the SYN before the connection reaches the
//     listen queue, and only WSAAccept's condition function (which this
//     layer does not use) refuses a queued one, with WSAECONNREFUSED.
//   - connect() reports exhausted ephemeral ports as WSAENOBUFS ("no buffer
//     space", Microsoft KB 196271) or WSAEADDRNOTAVAIL: both are
//     kAddressesExhausted, a failed connect the caller may try again later.
//     So unlike POSIX's ENOBUFS, WSAENOBUFS from connect is not retried
//     inside the connect driver: a few milliseconds do not free a port.
//   - A send on a connection that was shut down reports WSAESHUTDOWN, one
//     whose peer is gone WSAECONNRESET or WSAECONNABORTED; there is no EPIPE
//     and no SIGPIPE.
//   - WSAEMFILE is the only "out of descriptors" code (no ENFILE).
#include "asycamore/native_socket.h"

#include <winsock2.h>

#include "asycamore/tcpsocket/error_class.h"

namespace asycamore {
namespace {

using enum ErrorClass;
using enum SocketOp;

#define ASY_ENTRY(op, code, cls) ErrorClassEntry{op, code, #code, cls}

// Peer-gone codes shared by read and write.
#define ASY_PEER_GONE(op)                          \
  ASY_ENTRY(op, WSAECONNRESET, kClosed),           \
      ASY_ENTRY(op, WSAECONNABORTED, kClosed),     \
      ASY_ENTRY(op, WSAETIMEDOUT, kClosed),        \
      ASY_ENTRY(op, WSAENETRESET, kClosed),        \
      ASY_ENTRY(op, WSAENETUNREACH, kClosed),      \
      ASY_ENTRY(op, WSAEHOSTUNREACH, kClosed),     \
      ASY_ENTRY(op, WSAENETDOWN, kClosed),         \
      ASY_ENTRY(op, WSAESHUTDOWN, kClosed),        \
      ASY_ENTRY(op, WSAEDISCON, kClosed),          \
      ASY_ENTRY(op, WSAENOTCONN, kClosed)

constexpr ErrorClassEntry kTable[] = {
    // read
    ASY_ENTRY(kRead, WSAEWOULDBLOCK, kWouldBlock),
    ASY_ENTRY(kRead, WSAEINTR, kInterrupted),
    ASY_ENTRY(kRead, WSAENOBUFS, kNoBuffers),
    ASY_PEER_GONE(kRead),

    // write
    ASY_ENTRY(kWrite, WSAEWOULDBLOCK, kWouldBlock),
    ASY_ENTRY(kWrite, WSAEINTR, kInterrupted),
    ASY_ENTRY(kWrite, WSAENOBUFS, kNoBuffers),
    ASY_PEER_GONE(kWrite),

    // connect: WSAEWOULDBLOCK is Winsock's "in progress"; WSAEINTR too.
    ASY_ENTRY(kConnect, WSAEWOULDBLOCK, kInProgress),
    ASY_ENTRY(kConnect, WSAEINTR, kInProgress),
    ASY_ENTRY(kConnect, WSAECONNREFUSED, kClosed),
    ASY_ENTRY(kConnect, WSAECONNRESET, kClosed),
    ASY_ENTRY(kConnect, WSAETIMEDOUT, kClosed),
    ASY_ENTRY(kConnect, WSAENETUNREACH, kClosed),
    ASY_ENTRY(kConnect, WSAEHOSTUNREACH, kClosed),
    ASY_ENTRY(kConnect, WSAENETDOWN, kClosed),
    ASY_ENTRY(kConnect, WSAENOBUFS, kAddressesExhausted),
    ASY_ENTRY(kConnect, WSAEADDRNOTAVAIL, kAddressesExhausted),

    // Asking whether a pending connect finished: WSAENOTCONN means not yet.
    ASY_ENTRY(kConnectCheck, WSAENOTCONN, kInProgress),
    ASY_ENTRY(kConnectCheck, WSAEINTR, kInterrupted),

    // accept
    ASY_ENTRY(kAccept, WSAEWOULDBLOCK, kWouldBlock),
    ASY_ENTRY(kAccept, WSAEINTR, kInterrupted),
    ASY_ENTRY(kAccept, WSAECONNRESET, kAbortedRetry),
    ASY_ENTRY(kAccept, WSAECONNABORTED, kAbortedRetry),
    ASY_ENTRY(kAccept, WSAENETDOWN, kAbortedRetry),
    ASY_ENTRY(kAccept, WSAEMFILE, kOutOfDescriptors),
    ASY_ENTRY(kAccept, WSAENOBUFS, kNoBuffers),
};

#undef ASY_PEER_GONE
#undef ASY_ENTRY

}  // namespace

absl::Span<const ErrorClassEntry> ErrorClassTable() { return kTable; }

SystemError TimedOutError() { return WSAETIMEDOUT; }

SystemError SystemErrorForStatus(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk: return kNoSystemError;
    case absl::StatusCode::kResourceExhausted: return WSAENOBUFS;
    case absl::StatusCode::kPermissionDenied: return WSAEACCES;
    case absl::StatusCode::kFailedPrecondition: return WSAENOTSOCK;
    default: return WSAEINVAL;
  }
}

}  // namespace asycamore
