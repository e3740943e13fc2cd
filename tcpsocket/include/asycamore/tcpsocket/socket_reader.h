// SocketReader: the seed's socket_reader. Each Step reads up to buffer_size
// bytes into a buffer it owns (allocated at the first Step, not before) and
// says what happened: data, would-block (the seed's sentinel), the end
// (zero-byte read), no-buffers or an error. EINTR is retried inside.
//
//   SocketReader reader;                     // 8192-byte steps
//   for (;;) {
//     IoStep step = reader.Step(socket);
//     if (step.ok()) { Consume(reader.data()); continue; }
//     if (step.status == IoStatus::kWouldBlock) break;   // wait for readable
//     ...                                                // end or error
//   }
//
// DataReader does not use it: it reads into a buffer shared by the thread's
// connections, through the same ReceiveStep.
#ifndef ASYCAMORE_TCPSOCKET_SOCKET_READER_H_
#define ASYCAMORE_TCPSOCKET_SOCKET_READER_H_

#include <cstddef>
#include <memory>
#include <string_view>

#include "asycamore/export.h"
#include "asycamore/native_socket.h"
#include "asycamore/tcpsocket/io_step.h"

namespace asycamore {

class ASYCAMORE_TCPSOCKET_API SocketReader {
 public:
  static constexpr std::size_t kDefaultBufferSize = 8192;

  // Creates a reader whose steps read at most `buffer_size` (>= 1) bytes.
  explicit SocketReader(std::size_t buffer_size = kDefaultBufferSize);

  SocketReader(SocketReader&&) = default;
  SocketReader& operator=(SocketReader&&) = default;

  // Reads once from `socket`. On kOk, data() holds the bytes until the next
  // Step.
  IoStep Step(NativeSocket socket);

  // Returns the bytes of the last successful step.
  std::string_view data() const { return {buffer_.get(), last_size_}; }
  std::size_t buffer_size() const { return buffer_size_; }

 private:
  std::size_t buffer_size_;
  std::unique_ptr<char[]> buffer_;
  std::size_t last_size_ = 0;
};

}  // namespace asycamore

#endif  // ASYCAMORE_TCPSOCKET_SOCKET_READER_H_
