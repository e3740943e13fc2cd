// Table-driven tests of the errno classification: every code the library's
// table names is checked against an expectation written here, and codes it
// does not name are fatal.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "asycamore/system_error.h"
#include "asycamore/tcpsocket/error_class.h"
#include "gtest/gtest.h"

#ifdef _WIN32
#include <winsock2.h>
#else
#include <cerrno>
#endif

namespace asycamore {
namespace {

struct Expected {
  SocketOp op;
  SystemError code;
  const char* name;
  ErrorClass error_class;
};

#define ROW(op, code, cls) \
  Expected { SocketOp::op, code, #code, ErrorClass::cls }

#ifndef _WIN32
// Written from the man pages (recv(2), send(2), connect(2), accept(2)), not
// from the library's table, so a wrong row there shows up here.
const std::vector<Expected>& ExpectedClasses() {
  static const std::vector<Expected> rows = {
      ROW(kRead, EAGAIN, kWouldBlock),
      ROW(kRead, EWOULDBLOCK, kWouldBlock),
      ROW(kRead, EINTR, kInterrupted),
      ROW(kRead, ENOBUFS, kNoBuffers),
      ROW(kRead, ENOMEM, kNoBuffers),
      ROW(kRead, ECONNRESET, kClosed),
      ROW(kRead, EPIPE, kClosed),
      ROW(kRead, ECONNABORTED, kClosed),
      ROW(kRead, ETIMEDOUT, kClosed),
      ROW(kRead, ENETRESET, kClosed),
      ROW(kRead, ENETUNREACH, kClosed),
      ROW(kRead, EHOSTUNREACH, kClosed),
      ROW(kRead, ENETDOWN, kClosed),
      ROW(kRead, ESHUTDOWN, kClosed),
      ROW(kRead, ENOTCONN, kClosed),
      ROW(kRead, EBADF, kFatal),
      ROW(kRead, ENOTSOCK, kFatal),
      ROW(kRead, EFAULT, kFatal),
      ROW(kRead, EINVAL, kFatal),

      ROW(kWrite, EAGAIN, kWouldBlock),
      ROW(kWrite, EWOULDBLOCK, kWouldBlock),
      ROW(kWrite, EINTR, kInterrupted),
      ROW(kWrite, ENOBUFS, kNoBuffers),
      ROW(kWrite, ENOMEM, kNoBuffers),
      ROW(kWrite, EPIPE, kClosed),
      ROW(kWrite, ECONNRESET, kClosed),
      ROW(kWrite, ECONNABORTED, kClosed),
      ROW(kWrite, ETIMEDOUT, kClosed),
      ROW(kWrite, ENETRESET, kClosed),
      ROW(kWrite, ENETUNREACH, kClosed),
      ROW(kWrite, EHOSTUNREACH, kClosed),
      ROW(kWrite, ENETDOWN, kClosed),
      ROW(kWrite, ESHUTDOWN, kClosed),
      ROW(kWrite, ENOTCONN, kClosed),
      ROW(kWrite, EBADF, kFatal),
      ROW(kWrite, EMSGSIZE, kFatal),

      ROW(kConnect, EINPROGRESS, kInProgress),
      ROW(kConnect, EINTR, kInProgress),
      ROW(kConnect, ECONNREFUSED, kClosed),
      ROW(kConnect, ECONNRESET, kClosed),
      ROW(kConnect, ETIMEDOUT, kClosed),
      ROW(kConnect, ENETUNREACH, kClosed),
      ROW(kConnect, EHOSTUNREACH, kClosed),
      ROW(kConnect, ENETDOWN, kClosed),
      ROW(kConnect, ENOBUFS, kNoBuffers),
      // No free ephemeral port: EADDRNOTAVAIL (Linux), EAGAIN (the BSDs).
      ROW(kConnect, EADDRNOTAVAIL, kAddressesExhausted),
      ROW(kConnect, EAGAIN, kAddressesExhausted),
      ROW(kConnect, EALREADY, kFatal),
      ROW(kConnect, EISCONN, kFatal),
      ROW(kConnect, EBADF, kFatal),

      ROW(kConnectCheck, ENOTCONN, kInProgress),
      ROW(kConnectCheck, EINTR, kInterrupted),
      ROW(kConnectCheck, EBADF, kFatal),

      ROW(kAccept, EAGAIN, kWouldBlock),
      ROW(kAccept, EWOULDBLOCK, kWouldBlock),
      ROW(kAccept, EINTR, kInterrupted),
      ROW(kAccept, ECONNABORTED, kAbortedRetry),
      ROW(kAccept, EPROTO, kAbortedRetry),
#ifdef __linux__
      ROW(kAccept, ENETDOWN, kAbortedRetry),
      ROW(kAccept, ENOPROTOOPT, kAbortedRetry),
      ROW(kAccept, EHOSTDOWN, kAbortedRetry),
      ROW(kAccept, ENONET, kAbortedRetry),
      ROW(kAccept, EHOSTUNREACH, kAbortedRetry),
      ROW(kAccept, EOPNOTSUPP, kAbortedRetry),
      ROW(kAccept, ENETUNREACH, kAbortedRetry),
      // "EPERM: Firewall rules forbid connection" (Linux accept(2)).
      ROW(kAccept, EPERM, kAbortedRetry),
#endif
      ROW(kAccept, EMFILE, kOutOfDescriptors),
      ROW(kAccept, ENFILE, kOutOfDescriptors),
      ROW(kAccept, ENOBUFS, kNoBuffers),
      ROW(kAccept, ENOMEM, kNoBuffers),
      ROW(kAccept, EBADF, kFatal),
      ROW(kAccept, EINVAL, kFatal),
      ROW(kAccept, ENOTSOCK, kFatal),
  };
  return rows;
}
#else
// Written from the Winsock reference (recv, send/WSASend, connect, accept,
// "Windows Sockets Error Codes"), not from the library's table.
const std::vector<Expected>& ExpectedClasses() {
  static const std::vector<Expected> rows = {
      ROW(kRead, WSAEWOULDBLOCK, kWouldBlock),
      ROW(kRead, WSAEINTR, kInterrupted),
      ROW(kRead, WSAENOBUFS, kNoBuffers),
      ROW(kRead, WSAECONNRESET, kClosed),
      ROW(kRead, WSAECONNABORTED, kClosed),
      ROW(kRead, WSAETIMEDOUT, kClosed),
      ROW(kRead, WSAENETRESET, kClosed),
      ROW(kRead, WSAENETUNREACH, kClosed),
      ROW(kRead, WSAEHOSTUNREACH, kClosed),
      ROW(kRead, WSAENETDOWN, kClosed),
      ROW(kRead, WSAESHUTDOWN, kClosed),
      ROW(kRead, WSAEDISCON, kClosed),
      ROW(kRead, WSAENOTCONN, kClosed),
      ROW(kRead, WSAENOTSOCK, kFatal),
      ROW(kRead, WSAEFAULT, kFatal),
      ROW(kRead, WSAEINVAL, kFatal),
      ROW(kRead, WSAEMSGSIZE, kFatal),

      ROW(kWrite, WSAEWOULDBLOCK, kWouldBlock),
      ROW(kWrite, WSAEINTR, kInterrupted),
      ROW(kWrite, WSAENOBUFS, kNoBuffers),
      ROW(kWrite, WSAECONNRESET, kClosed),
      ROW(kWrite, WSAECONNABORTED, kClosed),
      ROW(kWrite, WSAETIMEDOUT, kClosed),
      ROW(kWrite, WSAENETRESET, kClosed),
      ROW(kWrite, WSAENETUNREACH, kClosed),
      ROW(kWrite, WSAEHOSTUNREACH, kClosed),
      ROW(kWrite, WSAENETDOWN, kClosed),
      ROW(kWrite, WSAESHUTDOWN, kClosed),
      ROW(kWrite, WSAEDISCON, kClosed),
      ROW(kWrite, WSAENOTCONN, kClosed),
      ROW(kWrite, WSAENOTSOCK, kFatal),
      ROW(kWrite, WSAEMSGSIZE, kFatal),

      // A started nonblocking connect says WSAEWOULDBLOCK; WSAEINPROGRESS
      // is Winsock's "a blocking call is running" and WSAEALREADY a second
      // connect: both are bugs here.
      ROW(kConnect, WSAEWOULDBLOCK, kInProgress),
      ROW(kConnect, WSAEINTR, kInProgress),
      ROW(kConnect, WSAECONNREFUSED, kClosed),
      ROW(kConnect, WSAECONNRESET, kClosed),
      ROW(kConnect, WSAETIMEDOUT, kClosed),
      ROW(kConnect, WSAENETUNREACH, kClosed),
      ROW(kConnect, WSAEHOSTUNREACH, kClosed),
      ROW(kConnect, WSAENETDOWN, kClosed),
      // Exhausted ephemeral ports: "WSAENOBUFS (10055)" (KB 196271).
      ROW(kConnect, WSAENOBUFS, kAddressesExhausted),
      ROW(kConnect, WSAEADDRNOTAVAIL, kAddressesExhausted),
      ROW(kConnect, WSAEINPROGRESS, kFatal),
      ROW(kConnect, WSAEALREADY, kFatal),
      ROW(kConnect, WSAEISCONN, kFatal),
      ROW(kConnect, WSAENOTSOCK, kFatal),

      ROW(kConnectCheck, WSAENOTCONN, kInProgress),
      ROW(kConnectCheck, WSAEINTR, kInterrupted),
      ROW(kConnectCheck, WSAENOTSOCK, kFatal),

      ROW(kAccept, WSAEWOULDBLOCK, kWouldBlock),
      ROW(kAccept, WSAEINTR, kInterrupted),
      // "An incoming connection was indicated, but was subsequently
      // terminated by the remote peer prior to accepting the call."
      ROW(kAccept, WSAECONNRESET, kAbortedRetry),
      ROW(kAccept, WSAECONNABORTED, kAbortedRetry),
      ROW(kAccept, WSAENETDOWN, kAbortedRetry),
      ROW(kAccept, WSAEMFILE, kOutOfDescriptors),
      ROW(kAccept, WSAENOBUFS, kNoBuffers),
      ROW(kAccept, WSAEINVAL, kFatal),
      ROW(kAccept, WSAENOTSOCK, kFatal),
      ROW(kAccept, WSAEOPNOTSUPP, kFatal),
  };
  return rows;
}
#endif

#undef ROW

std::string RowName(SocketOp op, const char* name) {
  return absl::StrCat(std::string(SocketOpName(op)), " ", name);
}

TEST(ErrorClassification, EveryExpectedRowHolds) {
  ASSERT_FALSE(ExpectedClasses().empty())
      << "no expectations were written for this OS family";
  for (const Expected& row : ExpectedClasses()) {
    EXPECT_EQ(ErrorClassName(ClassifyError(row.op, row.code)),
              ErrorClassName(row.error_class))
        << RowName(row.op, row.name);
  }
}

TEST(ErrorClassification, EveryCodeTheLibraryNamesIsExpectedHere) {
  for (const ErrorClassEntry& entry : ErrorClassTable()) {
    bool found = false;
    for (const Expected& row : ExpectedClasses()) {
      if (row.op == entry.op && row.code == entry.code) {
        found = true;
        EXPECT_EQ(ErrorClassName(entry.error_class),
                  ErrorClassName(row.error_class))
            << RowName(entry.op, entry.name);
      }
    }
    EXPECT_TRUE(found) << RowName(entry.op, entry.name)
                       << " is classified by the library but not pinned down "
                          "by this test";
  }
}

TEST(ErrorClassification, ZeroIsNoErrorForEveryOperation) {
  for (SocketOp op : {SocketOp::kRead, SocketOp::kWrite, SocketOp::kConnect,
                      SocketOp::kConnectCheck, SocketOp::kAccept}) {
    EXPECT_EQ(ClassifyError(op, 0), ErrorClass::kNone) << SocketOpName(op);
  }
}

TEST(ErrorClassification, UnknownCodesAreFatal) {
  for (SocketOp op : {SocketOp::kRead, SocketOp::kWrite, SocketOp::kConnect,
                      SocketOp::kConnectCheck, SocketOp::kAccept}) {
    EXPECT_EQ(ClassifyError(op, 987654), ErrorClass::kFatal)
        << SocketOpName(op);
  }
}

TEST(ErrorClassification, TimedOutErrorIsAClosedConnect) {
  EXPECT_EQ(ClassifyError(SocketOp::kConnect, TimedOutError()),
            ErrorClass::kClosed);
}

TEST(ErrorClassification, NamesAndTextAreReadable) {
  EXPECT_EQ(SystemErrorText(0), "no error");
  EXPECT_EQ(SystemErrorName(987654), "987654");
#ifndef _WIN32
  EXPECT_EQ(SystemErrorName(ECONNREFUSED), "ECONNREFUSED");
  EXPECT_FALSE(SystemErrorText(ECONNREFUSED).empty());
  const absl::Status status = SystemErrorStatus(EADDRINUSE, "bind");
  EXPECT_FALSE(status.ok());
  EXPECT_TRUE(absl::StartsWith(status.message(), "bind: ")) << status;
#else
  EXPECT_EQ(SystemErrorName(WSAECONNREFUSED), "WSAECONNREFUSED");
  EXPECT_FALSE(SystemErrorText(WSAECONNREFUSED).empty());
  const absl::Status status = SystemErrorStatus(WSAEADDRINUSE, "bind");
  EXPECT_FALSE(status.ok());
  EXPECT_TRUE(absl::StartsWith(status.message(), "bind: ")) << status;
  // The same status code abseil gives EADDRINUSE on POSIX.
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
#endif
}

constexpr SocketOp kEveryOp[] = {SocketOp::kRead, SocketOp::kWrite,
                                 SocketOp::kConnect, SocketOp::kConnectCheck,
                                 SocketOp::kAccept};

// The class the table alone gives (its first row for the pair, else fatal),
// scanned here so that ClassifyError's fast path is checked against it.
ErrorClass TableClass(SocketOp op, SystemError code) {
  for (const ErrorClassEntry& entry : ErrorClassTable()) {
    if (entry.op == op && entry.code == code) return entry.error_class;
  }
  return ErrorClass::kFatal;
}

TEST(ErrorClassification, FastPathAnswersEveryCodeAsTheTableDoes) {
  std::vector<SystemError> codes;
  for (const ErrorClassEntry& entry : ErrorClassTable()) {
    codes.push_back(entry.code);
  }
  // Every small code too, named by the table or not.
#ifdef _WIN32
  for (SystemError code = WSABASEERR; code < WSABASEERR + 1200; ++code) {
#else
  for (SystemError code = 1; code < 256; ++code) {
#endif
    codes.push_back(code);
  }
  for (SocketOp op : kEveryOp) {
    for (SystemError code : codes) {
      EXPECT_EQ(ErrorClassName(ClassifyError(op, code)),
                ErrorClassName(TableClass(op, code)))
          << SocketOpName(op) << " " << SystemErrorName(code);
    }
  }
}

TEST(ErrorClassification, EveryErrorClassHasItsOwnName) {
  std::vector<std::string> names;
  for (int value = 0; value <= static_cast<int>(ErrorClass::kFatal); ++value) {
    const std::string name(ErrorClassName(static_cast<ErrorClass>(value)));
    EXPECT_NE(name, "?") << value;
    for (const std::string& earlier : names) EXPECT_NE(name, earlier);
    names.push_back(name);
  }
}

// system_error.h used to promise kAlreadyExists for EADDRINUSE; abseil (and
// so ListenTcp on a busy port) says kFailedPrecondition.
TEST(ErrorClassification, AddressInUseIsAFailedPreconditionStatus) {
#ifdef _WIN32
  const absl::Status status = SystemErrorStatus(WSAEADDRINUSE, "bind");
#else
  const absl::Status status = SystemErrorStatus(EADDRINUSE, "bind");
#endif
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
}

// A failure known only as a status (the loop refusing a socket) must still
// be reported with a code whose text says something, never 0.
TEST(ErrorClassification, SystemErrorForStatusGivesARealCodeForEveryFailure) {
  EXPECT_EQ(SystemErrorForStatus(absl::OkStatus()), kNoSystemError);
  for (int value = 1; value <= static_cast<int>(absl::StatusCode::kUnauthenticated);
       ++value) {
    const absl::Status status(static_cast<absl::StatusCode>(value), "refused");
    const SystemError code = SystemErrorForStatus(status);
    EXPECT_NE(code, kNoSystemError) << status;
    EXPECT_NE(SystemErrorText(code), "no error") << status;
  }
#ifdef _WIN32
  EXPECT_EQ(SystemErrorForStatus(absl::ResourceExhaustedError("full")),
            WSAENOBUFS);
#else
  EXPECT_EQ(SystemErrorForStatus(absl::ResourceExhaustedError("full")),
            ENOBUFS);
#endif
}

}  // namespace
}  // namespace asycamore
