// The classes the tcpsocket layer sorts system error codes into (the codes
// themselves, their text and statuses are core's: asycamore/system_error.h).
//
// Each operation (read, write, connect, accept) has its own rules: EINTR
// from connect means "in progress", from read it means "try again";
// ECONNABORTED from accept means "take the next one", from write it means
// "the peer is gone". One file per OS family holds the table
// (tcpsocket/src/posix/error_classes.cc for errno,
// tcpsocket/src/windows/error_classes.cc for the WSA codes); no other file
// of the tcpsocket layer compares error values. (The backends and the
// loop's wake-up make their own EINTR/EBADF checks on their own calls; they
// sit below this layer and cannot use it.)
#ifndef ASYCAMORE_TCPSOCKET_ERROR_CLASS_H_
#define ASYCAMORE_TCPSOCKET_ERROR_CLASS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "asycamore/export.h"
#include "asycamore/system_error.h"

namespace asycamore {

// The system call an error code came from.
enum class SocketOp : std::uint8_t {
  kRead,
  kWrite,
  kConnect,       // connect() itself
  kConnectCheck,  // asking whether a pending connect finished (getpeername)
  kAccept,
};

// What the tcpsocket drivers do about an error.
enum class ErrorClass : std::uint8_t {
  kNone,               // not an error
  kWouldBlock,         // wait for readiness, then try again
  kInterrupted,        // a signal arrived: try again at once
  kNoBuffers,          // the kernel is short of memory: retry after a timer,
                       // readiness will not say when
  kInProgress,         // connect: the connect goes on; wait for writability
  kAddressesExhausted, // connect: no local port is free (a load generator's
                       // connections in TIME_WAIT hold them all). The
                       // connect never started and is reported as failed;
                       // connecting again after a delay, on a new
                       // connection, can succeed. (On the BSDs EADDRNOTAVAIL
                       // also means an unusable remote address, such as
                       // port 0: bound the retries.)
  kClosed,             // the peer is gone, refused or unreachable: the
                       // connection is over, which is not a bug
  kAbortedRetry,       // accept: that connection died (or a firewall
                       // refused it) before we took it; take the next one
  kOutOfDescriptors,   // accept: the process or system has no descriptor
                       // left; stop accepting for a while
  kFatal,              // anything else: a bug or a dead socket; stop
};

// Returns the class of `code` returned by `op`. Unknown codes are kFatal.
// The codes that end most calls (would-block, interrupted, in progress) are
// answered without scanning the table; the answer is the table's either way.
//
// A connect failure the caller may retry later on a new connection:
//   ClassifyError(SocketOp::kConnect, connection.connect_error()) ==
//       ErrorClass::kAddressesExhausted
ASYCAMORE_TCPSOCKET_API ErrorClass ClassifyError(SocketOp op, SystemError code);

// Returns "would-block", "interrupted", ... (for messages and test names).
ASYCAMORE_TCPSOCKET_API std::string_view ErrorClassName(ErrorClass error_class);
// Returns "read", "write", "connect", "connect-check" or "accept".
ASYCAMORE_TCPSOCKET_API std::string_view SocketOpName(SocketOp op);

// Returns the symbolic name of a code the table knows ("ECONNREFUSED"), or
// the number as text.
ASYCAMORE_TCPSOCKET_API std::string SystemErrorName(SystemError code);

// Returns the code a connect that ran out of time reports (ETIMEDOUT).
ASYCAMORE_TCPSOCKET_API SystemError TimedOutError();

// Returns the system code that stands for a failure reported only as a
// status, such as the loop refusing to watch a socket, so that it can be
// reported where a code is expected (a connect result, GetSockErr):
// kResourceExhausted gives ENOBUFS, kPermissionDenied EPERM,
// kFailedPrecondition EBADF, anything else EINVAL (the WSA codes on
// Windows); an OK status gives kNoSystemError.
ASYCAMORE_TCPSOCKET_API
SystemError SystemErrorForStatus(const absl::Status& status);

// One row of the classification table. The table lists every code the
// classification names explicitly; codes it does not list are kFatal.
struct ErrorClassEntry {
  SocketOp op;
  SystemError code;
  const char* name;  // "EAGAIN", "WSAEWOULDBLOCK", ...
  ErrorClass error_class;
};

// Returns the classification table of this OS family, so tests can check
// that every code the code names is covered.
ASYCAMORE_TCPSOCKET_API absl::Span<const ErrorClassEntry> ErrorClassTable();

}  // namespace asycamore

#endif  // ASYCAMORE_TCPSOCKET_ERROR_CLASS_H_
