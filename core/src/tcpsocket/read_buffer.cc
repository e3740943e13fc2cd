#include "read_buffer.h"

namespace asycamore::internal {
namespace {

struct ThreadBuffer {
  std::unique_ptr<char[]> data;
  std::size_t size = 0;
  bool lent = false;
};

ThreadBuffer& ThisThreadsBuffer() {
  thread_local ThreadBuffer buffer;
  return buffer;
}

}  // namespace

ReadBuffer::ReadBuffer(std::size_t size) : size_(size == 0 ? 1 : size) {
  ThreadBuffer& thread_buffer = ThisThreadsBuffer();
  if (thread_buffer.lent) {
    own_.reset(new char[size_]);
    data_ = own_.get();
    return;
  }
  if (thread_buffer.size < size_) {
    thread_buffer.data.reset(new char[size_]);
    thread_buffer.size = size_;
  }
  thread_buffer.lent = true;
  shared_ = true;
  data_ = thread_buffer.data.get();
}

ReadBuffer::~ReadBuffer() {
  if (shared_) ThisThreadsBuffer().lent = false;
}

}  // namespace asycamore::internal
