// WakeSocket: the Windows counterpart of WakeupFd (wakeup_fd.h), for the
// select backend: there is no pipe to wake a select() with, so a UDP socket
// connected to itself on 127.0.0.1 becomes readable when a datagram is sent
// to it.
#ifndef ASYCAMORE_BACKENDS_SUPPORT_WAKE_SOCKET_H_
#define ASYCAMORE_BACKENDS_SUPPORT_WAKE_SOCKET_H_

#ifdef _WIN32

#include "absl/status/status.h"
#include "asycamore/native_socket.h"
#include "support/wake_flag.h"

namespace asycamore {

class WakeSocket {
 public:
  WakeSocket() = default;
  WakeSocket(const WakeSocket&) = delete;
  WakeSocket& operator=(const WakeSocket&) = delete;
  ~WakeSocket();

  // Creates the socket (nonblocking, not inherited), bound and connected to
  // itself.
  absl::Status Open();

  // The socket to watch for readability.
  NativeSocket socket() const { return socket_; }

  // Makes socket() readable. Thread-safe; a signal that arrives while one is
  // pending costs no system call (wake_flag.h).
  void Signal();

  // Consumes pending signals (on the waiting thread): read, then clear
  // (wake_flag.h says why).
  void Drain();

 private:
  NativeSocket socket_ = kInvalidSocket;
  WakeFlag pending_;
};

}  // namespace asycamore

#endif  // _WIN32
#endif  // ASYCAMORE_BACKENDS_SUPPORT_WAKE_SOCKET_H_
