// WakeupFd on Windows (support/wakeup_fd.h): a UDP socket connected to
// itself.
//
// Quirks this file handles:
//  - A UDP socket bound to 127.0.0.1 port 0 and connected to its own
//    address receives what it sends, so one socket does both ends.
//  - No error value is compared: a send that fails because the buffer is
//    full means a datagram is queued already, and the wait wakes anyway.
#include "support/wakeup_fd.h"

#include <winsock2.h>
#include <ws2tcpip.h>

#include "asycamore/system_error.h"

namespace asycamore {

WakeupFd::~WakeupFd() {
  if (read_fd_ != INVALID_SOCKET) ::closesocket(read_fd_);
}

absl::Status WakeupFd::Open() {
  read_fd_ = ::WSASocketW(AF_INET, SOCK_DGRAM, IPPROTO_UDP, nullptr, 0,
                          WSA_FLAG_NO_HANDLE_INHERIT);
  if (read_fd_ == INVALID_SOCKET) {
    return SystemErrorStatus(::WSAGetLastError(), "select wake-up: socket");
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int length = sizeof(address);
  sockaddr* raw = reinterpret_cast<sockaddr*>(&address);
  if (::bind(read_fd_, raw, length) != 0 ||
      ::getsockname(read_fd_, raw, &length) != 0 ||
      ::connect(read_fd_, raw, length) != 0) {
    return SystemErrorStatus(::WSAGetLastError(),
                             "select wake-up: bind/connect 127.0.0.1");
  }
  u_long nonblocking = 1;
  if (::ioctlsocket(read_fd_, FIONBIO, &nonblocking) != 0) {
    return SystemErrorStatus(::WSAGetLastError(),
                             "select wake-up: ioctlsocket(FIONBIO)");
  }
  return absl::OkStatus();
}

void WakeupFd::Signal() {
  if (!pending_.Raise()) return;
  const char byte = 1;
  // A full buffer means a datagram is already queued: nothing is lost.
  ::send(read_fd_, &byte, 1, 0);
}

void WakeupFd::Drain() {
  char buffer[16];
  while (::recv(read_fd_, buffer, sizeof(buffer), 0) > 0) {
  }
  pending_.Clear();
}

}  // namespace asycamore
