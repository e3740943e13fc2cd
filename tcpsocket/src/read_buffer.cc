// Quirk this file handles:
//   - Windows with mingw-w64 GCC: a thread_local object with a destructor is
//     unsafe. Its storage is emulated (emutls), and at thread exit emutls
//     frees the storage before the C++ destructor runs, which then frees
//     through freed memory and corrupts the heap (msys2 MINGW-packages
//     #2519, GCC bug 80816; seen here as a crash in winpthreads'
//     _pthread_cleanup_dest when a loop thread ended). On Windows the buffer
//     therefore hangs off a fiber-local slot, whose callback frees it at
//     thread exit; the thread_local that caches it is a plain pointer.
#include "read_buffer.h"

#ifdef _WIN32
#include <windows.h>
#endif

namespace asycamore::internal {
namespace {

struct ThreadBuffer {
  std::unique_ptr<char[]> data;
  std::size_t size = 0;
  bool lent = false;
};

#ifdef _WIN32

void WINAPI FreeThreadBuffer(void* buffer) {
  delete static_cast<ThreadBuffer*>(buffer);
}

ThreadBuffer& ThisThreadsBuffer() {
  thread_local ThreadBuffer* cached = nullptr;  // trivially destructible
  if (cached != nullptr) return *cached;
  static const DWORD slot = ::FlsAlloc(&FreeThreadBuffer);
  cached = new ThreadBuffer;
  // Without a slot (none left) the buffer outlives its thread: a leak of
  // one buffer per thread, never a crash.
  if (slot != FLS_OUT_OF_INDEXES) ::FlsSetValue(slot, cached);
  return *cached;
}

#else

ThreadBuffer& ThisThreadsBuffer() {
  thread_local ThreadBuffer buffer;
  return buffer;
}

#endif

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
