// errno classification for POSIX systems (Linux, the BSDs, macOS): the one
// file in asycamore that compares errno values for the tcpsocket layer.
//
// Quirks of this OS family:
//   - EAGAIN and EWOULDBLOCK are one value on Linux and the BSDs; POSIX
//     allows them to differ, so both are listed when they do.
//   - Linux accept() passes network errors already pending on the new
//     connection (ENETDOWN, EPROTO, ENOPROTOOPT, EHOSTDOWN, ENONET,
//     EHOSTUNREACH, EOPNOTSUPP, ENETUNREACH) back as accept's own error; the
//     man page says to treat them like EAGAIN and retry. They are
//     kAbortedRetry.
//   - Linux accept() also fails with EPERM when a firewall rule (netfilter)
//     refuses the new connection: that connection is gone, the listener is
//     fine, so it is kAbortedRetry too, like ECONNABORTED.
//   - EINTR from connect() means the connect goes on in the background
//     (POSIX): calling connect again would give EALREADY or EISCONN.
//   - connect() fails with EADDRNOTAVAIL (Linux) or EAGAIN (the BSDs, and
//     Linux for a full routing cache) when no ephemeral port is free:
//     kAddressesExhausted, a failed connect the caller may try again later.
//     (EAGAIN means "would block" from connect only for Unix domain
//     sockets, which this layer never opens.)
//   - ENOBUFS from connect() means the connect never started; the connect
//     driver retries it on a timer with a new socket (connect_retry.cc).
//   - ENOMEM from read/write/accept is the same shortage as ENOBUFS.
#include <cerrno>

#include "asycamore/tcpsocket/error_class.h"

namespace asycamore {
namespace {

using enum ErrorClass;
using enum SocketOp;

#define ASY_ENTRY(op, code, cls) ErrorClassEntry{op, code, #code, cls}

// Peer-gone codes shared by read and write.
#define ASY_PEER_GONE(op)                          \
  ASY_ENTRY(op, ECONNRESET, kClosed),              \
      ASY_ENTRY(op, EPIPE, kClosed),               \
      ASY_ENTRY(op, ECONNABORTED, kClosed),        \
      ASY_ENTRY(op, ETIMEDOUT, kClosed),           \
      ASY_ENTRY(op, ENETRESET, kClosed),           \
      ASY_ENTRY(op, ENETUNREACH, kClosed),         \
      ASY_ENTRY(op, EHOSTUNREACH, kClosed),        \
      ASY_ENTRY(op, ENETDOWN, kClosed),            \
      ASY_ENTRY(op, ESHUTDOWN, kClosed),           \
      ASY_ENTRY(op, ENOTCONN, kClosed)

constexpr ErrorClassEntry kTable[] = {
    // read
    ASY_ENTRY(kRead, EAGAIN, kWouldBlock),
#if EWOULDBLOCK != EAGAIN
    ASY_ENTRY(kRead, EWOULDBLOCK, kWouldBlock),
#endif
    ASY_ENTRY(kRead, EINTR, kInterrupted),
    ASY_ENTRY(kRead, ENOBUFS, kNoBuffers),
    ASY_ENTRY(kRead, ENOMEM, kNoBuffers),
    ASY_PEER_GONE(kRead),

    // write
    ASY_ENTRY(kWrite, EAGAIN, kWouldBlock),
#if EWOULDBLOCK != EAGAIN
    ASY_ENTRY(kWrite, EWOULDBLOCK, kWouldBlock),
#endif
    ASY_ENTRY(kWrite, EINTR, kInterrupted),
    ASY_ENTRY(kWrite, ENOBUFS, kNoBuffers),
    ASY_ENTRY(kWrite, ENOMEM, kNoBuffers),
    ASY_PEER_GONE(kWrite),

    // connect: EINTR is "in progress" too, never a reason to call again.
    ASY_ENTRY(kConnect, EINPROGRESS, kInProgress),
    ASY_ENTRY(kConnect, EINTR, kInProgress),
    ASY_ENTRY(kConnect, ECONNREFUSED, kClosed),
    ASY_ENTRY(kConnect, ECONNRESET, kClosed),
    ASY_ENTRY(kConnect, ETIMEDOUT, kClosed),
    ASY_ENTRY(kConnect, ENETUNREACH, kClosed),
    ASY_ENTRY(kConnect, EHOSTUNREACH, kClosed),
    ASY_ENTRY(kConnect, ENETDOWN, kClosed),
    ASY_ENTRY(kConnect, ENOBUFS, kNoBuffers),
    ASY_ENTRY(kConnect, EADDRNOTAVAIL, kAddressesExhausted),
    ASY_ENTRY(kConnect, EAGAIN, kAddressesExhausted),

    // Asking whether a pending connect finished: ENOTCONN means not yet.
    ASY_ENTRY(kConnectCheck, ENOTCONN, kInProgress),
    ASY_ENTRY(kConnectCheck, EINTR, kInterrupted),

    // accept
    ASY_ENTRY(kAccept, EAGAIN, kWouldBlock),
#if EWOULDBLOCK != EAGAIN
    ASY_ENTRY(kAccept, EWOULDBLOCK, kWouldBlock),
#endif
    ASY_ENTRY(kAccept, EINTR, kInterrupted),
    ASY_ENTRY(kAccept, ECONNABORTED, kAbortedRetry),
    ASY_ENTRY(kAccept, EPROTO, kAbortedRetry),
#ifdef __linux__
    // Pending network errors of the new connection (see the header note).
    ASY_ENTRY(kAccept, ENETDOWN, kAbortedRetry),
    ASY_ENTRY(kAccept, ENOPROTOOPT, kAbortedRetry),
    ASY_ENTRY(kAccept, EHOSTDOWN, kAbortedRetry),
    ASY_ENTRY(kAccept, ENONET, kAbortedRetry),
    ASY_ENTRY(kAccept, EHOSTUNREACH, kAbortedRetry),
    ASY_ENTRY(kAccept, EOPNOTSUPP, kAbortedRetry),
    ASY_ENTRY(kAccept, ENETUNREACH, kAbortedRetry),
    // A firewall rule refused this one connection (see the header note).
    ASY_ENTRY(kAccept, EPERM, kAbortedRetry),
#endif
    ASY_ENTRY(kAccept, EMFILE, kOutOfDescriptors),
    ASY_ENTRY(kAccept, ENFILE, kOutOfDescriptors),
    ASY_ENTRY(kAccept, ENOBUFS, kNoBuffers),
    ASY_ENTRY(kAccept, ENOMEM, kNoBuffers),
};

#undef ASY_PEER_GONE
#undef ASY_ENTRY

}  // namespace

absl::Span<const ErrorClassEntry> ErrorClassTable() { return kTable; }

SystemError TimedOutError() { return ETIMEDOUT; }

SystemError SystemErrorForStatus(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk: return kNoSystemError;
    case absl::StatusCode::kResourceExhausted: return ENOBUFS;
    case absl::StatusCode::kPermissionDenied: return EPERM;
    case absl::StatusCode::kFailedPrecondition: return EBADF;
    default: return EINVAL;
  }
}

}  // namespace asycamore
