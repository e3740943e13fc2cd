// Socket helpers for tests: connected pairs, TCP loopback, descriptor limits.
#ifndef ASYCAMORE_TESTS_SUPPORT_SOCKETS_H_
#define ASYCAMORE_TESTS_SUPPORT_SOCKETS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "asycamore/native_socket.h"

namespace asycamore::testing {

struct SocketPair {
  NativeSocket first = kInvalidSocket;
  NativeSocket second = kInvalidSocket;
};

// Returns a connected, nonblocking stream pair (AF_UNIX on POSIX; TCP over
// 127.0.0.1 where socketpair is missing). Fails the test on error.
SocketPair MakeSocketPair();

// Returns a connected, nonblocking TCP pair over 127.0.0.1.
SocketPair MakeTcpLoopbackPair();

// Returns a new IPv4 TCP socket, neither bound nor connected.
NativeSocket OpenUnconnectedSocket();

// Returns a 127.0.0.1 port on which nothing listens (bound, then closed).
std::uint16_t UnusedLoopbackPort();

// Starts a nonblocking connect to 127.0.0.1:`port`; returns the socket.
NativeSocket StartLoopbackConnect(std::uint16_t port);

// Returns the pending SO_ERROR of `socket` (0 if none).
int PendingSocketError(NativeSocket socket);

// Returns the SO_ERROR value of a refused connect (ECONNREFUSED, or
// WSAECONNREFUSED on Windows).
int ConnectionRefusedError();

// Makes the next close of `socket` send a reset (SO_LINGER, zero timeout).
void ResetOnClose(NativeSocket socket);

void CloseSocket(NativeSocket socket);
void ClosePair(const SocketPair& pair);

// Sends/receives raw bytes; returns the system call's result.
long SendBytes(NativeSocket socket, const void* data, std::size_t size);
long ReceiveBytes(NativeSocket socket, void* data, std::size_t size);
// Reads until nothing is left (or the peer closed); returns the byte count.
std::size_t DrainSocket(NativeSocket socket);
// Writes until the socket would block; returns the byte count.
std::size_t FillSocket(NativeSocket socket);

// Raises the soft limit on open descriptors to at least `wanted` (bounded by
// the hard limit). Returns the new soft limit.
std::size_t RaiseFileLimit(std::size_t wanted);

// Moves `socket` to descriptor number `target` (POSIX dup2); returns the
// new handle or kInvalidSocket if not possible (always on Windows).
NativeSocket MoveToDescriptor(NativeSocket socket, long target);

// Returns a connected, nonblocking pair whose first socket has the handle
// value `target`, which must have just been freed (POSIX: dup2; Windows:
// sockets are created until the system hands that value out again). On
// failure `first` is kInvalidSocket.
SocketPair MakeSocketPairAt(NativeSocket target);

}  // namespace asycamore::testing

#endif  // ASYCAMORE_TESTS_SUPPORT_SOCKETS_H_
