// Printable names of the tcpsocket layer's enums.
#include <string_view>

#include "absl/strings/string_view.h"

#include "asycamore/tcpsocket/system_error.h"

namespace asycamore {

std::string_view ErrorClassName(ErrorClass error_class) {
  switch (error_class) {
    case ErrorClass::kNone: return "none";
    case ErrorClass::kWouldBlock: return "would-block";
    case ErrorClass::kInterrupted: return "interrupted";
    case ErrorClass::kNoBuffers: return "no-buffers";
    case ErrorClass::kInProgress: return "in-progress";
    case ErrorClass::kAddressesExhausted: return "addresses-exhausted";
    case ErrorClass::kClosed: return "closed";
    case ErrorClass::kAbortedRetry: return "aborted-retry";
    case ErrorClass::kOutOfDescriptors: return "out-of-descriptors";
    case ErrorClass::kFatal: return "fatal";
  }
  return "?";
}

std::string_view SocketOpName(SocketOp op) {
  switch (op) {
    case SocketOp::kRead: return "read";
    case SocketOp::kWrite: return "write";
    case SocketOp::kConnect: return "connect";
    case SocketOp::kConnectCheck: return "connect-check";
    case SocketOp::kAccept: return "accept";
  }
  return "?";
}

}  // namespace asycamore
