// IoStep: the result of one driver step (a read or a write, with EINTR
// already retried). Trivially copyable, returned by value on the hot path:
// no allocation, no exceptions.
#ifndef ASYCAMORE_TCPSOCKET_IO_STEP_H_
#define ASYCAMORE_TCPSOCKET_IO_STEP_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "asycamore/export.h"
#include "asycamore/native_socket.h"
#include "asycamore/tcpsocket/error_class.h"
#include "asycamore/tcpsocket/socket_ops.h"

namespace asycamore {

enum class IoStatus : std::uint8_t {
  kOk,          // `bytes` (> 0) were read or written
  kWouldBlock,  // nothing now: wait for readiness (the seed's sentinel)
  kNoBuffers,   // the kernel is short of memory: retry after a short timer
  kEnd,         // read only: the peer sent its last byte (zero-byte read)
  kError,       // the connection is over: see error_class and error
};

struct IoStep {
  IoStatus status = IoStatus::kWouldBlock;
  ErrorClass error_class = ErrorClass::kNone;  // kClosed or kFatal on kError
  SystemError error = kNoSystemError;
  std::size_t bytes = 0;

  bool ok() const { return status == IoStatus::kOk; }
  // Returns true when the peer reset, closed or became unreachable.
  bool peer_gone() const {
    return status == IoStatus::kError && error_class == ErrorClass::kClosed;
  }
};
static_assert(std::is_trivially_copyable_v<IoStep>);

// Returns "ok", "would-block", "no-buffers", "end" or "error".
ASYCAMORE_TCPSOCKET_API std::string_view IoStatusName(IoStatus status);

// Reads once into `buffer` (retrying EINTR) and classifies the outcome.
ASYCAMORE_TCPSOCKET_API
IoStep ReceiveStep(NativeSocket socket, void* buffer, std::size_t size);

// Sends `count` buffers with one call (retrying EINTR) and classifies the
// outcome. A short write is kOk with fewer bytes than offered.
ASYCAMORE_TCPSOCKET_API
IoStep SendStep(NativeSocket socket, const ConstBuffer* buffers,
                std::size_t count);

}  // namespace asycamore

#endif  // ASYCAMORE_TCPSOCKET_IO_STEP_H_
