// ReadBuffer: the memory reads land in, shared by every connection of a
// thread instead of one buffer per connection (an idle connection then
// holds no read buffer at all). The bytes are handed to the reader's
// callback and are only valid during it, which is what makes sharing safe;
// a read made while the thread's buffer is already lent out (a callback
// that drives another reader) gets a buffer of its own for that call.
#ifndef ASYCAMORE_CORE_SRC_TCPSOCKET_READ_BUFFER_H_
#define ASYCAMORE_CORE_SRC_TCPSOCKET_READ_BUFFER_H_

#include <cstddef>
#include <memory>

namespace asycamore::internal {

class ReadBuffer {
 public:
  // Lends the thread's buffer (grown to `size` bytes if smaller), or a new
  // one when it is already lent.
  explicit ReadBuffer(std::size_t size);
  ~ReadBuffer();

  ReadBuffer(const ReadBuffer&) = delete;
  ReadBuffer& operator=(const ReadBuffer&) = delete;

  char* data() const { return data_; }
  std::size_t size() const { return size_; }

 private:
  char* data_ = nullptr;
  std::size_t size_ = 0;
  bool shared_ = false;
  std::unique_ptr<char[]> own_;
};

}  // namespace asycamore::internal

#endif  // ASYCAMORE_CORE_SRC_TCPSOCKET_READ_BUFFER_H_
