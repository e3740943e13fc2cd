// ListenOptions: how ListenTcp sets up a listening socket.
//
//   auto server = ListenTcp("::", 8080, {.backlog = 1024, .reuse_port = true,
//                                        .dual_stack = true, .no_delay = true});
//
// Every option is applied the same way on every OS, or refused with a
// status naming the call (never silently dropped):
//   - reuse_port: several listeners (one per loop, or per process) bind the
//     same address and the kernel spreads incoming connections over them
//     (Linux SO_REUSEPORT, FreeBSD SO_REUSEPORT_LB, DragonFly SO_REUSEPORT).
//     macOS, OpenBSD and NetBSD have an SO_REUSEPORT that lets the sockets
//     bind but does not spread connections, and Windows has none: there
//     ListenTcp fails with kUnimplemented (ReusePortSpreadsConnections()
//     says so beforehand). Every listener sharing the port must set it.
//   - dual_stack: an IPv6 listener (e.g. on "::") also takes IPv4
//     connections, as IPv4-mapped addresses (IPV6_V6ONLY off). Off by
//     default, and set explicitly either way, because the systems disagree
//     on the default (Linux: dual-stack, Windows and the BSDs: IPv6 only).
//     Asking for it on an IPv4 address is an error.
//   - no_delay: every accepted socket gets TCP_NODELAY (set per accepted
//     socket: not every OS copies it from the listener).
#ifndef ASYCAMORE_TCPSOCKET_LISTEN_OPTIONS_H_
#define ASYCAMORE_TCPSOCKET_LISTEN_OPTIONS_H_

namespace asycamore {

struct ListenOptions {
  // The length of the kernel's queue of connections not yet accepted
  // (nginx's default on Linux; the kernel caps it at its own maximum,
  // net.core.somaxconn on Linux). 0 asks for the system's shortest queue
  // (Linux still queues one connection); negative is refused.
  int backlog = 511;
  // Share the address with other listeners that set it (see above).
  bool reuse_port = false;
  // An IPv6 listener takes IPv4 connections too (see above).
  bool dual_stack = false;
  // Accepted sockets get TCP_NODELAY (Nagle's algorithm off).
  bool no_delay = false;
};

// Returns whether ListenOptions::reuse_port is available on this OS, i.e.
// whether listeners sharing a port get the connections spread over them.
bool ReusePortSpreadsConnections();

}  // namespace asycamore

#endif  // ASYCAMORE_TCPSOCKET_LISTEN_OPTIONS_H_
