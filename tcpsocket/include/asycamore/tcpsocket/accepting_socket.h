// ListenTcp, AcceptingSocket and ServerAccept: the seed's server side.
//
//   auto server = ListenTcp("127.0.0.1", 0, {.no_delay = true});  // port 0: any
//   if (!server.ok()) return server.status();
//   (*server)->Start(loop, [](OwnedSocket socket, AcceptingSocket& server_state,
//                             ConnectionCloser connection_closer) {
//     return std::make_unique<EchoConnection>(
//         *server_state.loop(), std::move(socket), std::move(connection_closer));
//   });
//   std::uint16_t port = (*server)->local_port();
//
// Ownership: AcceptingSocket owns the listening socket and the connections
// its factory returned. The factory receives each accepted socket as an
// OwnedSocket: it moves it into the connection it returns (which then owns
// and closes it), or declines by returning nullptr (the socket closes when
// the factory's parameter goes out of scope; nothing can close it twice).
// It may also move the socket elsewhere, e.g. post it to a connection on
// another thread's loop, and return nullptr. The closer the factory passes
// on releases the connection from the server when it closes; the server
// destroys it on a later loop turn (never inside the connection's own
// calls). Destroy the AcceptingSocket before its loop, on the loop's
// thread.
//
// Several loops (multi_loop_server.h does this for a LoopGroup): either
// one AcceptingSocket per loop, each with its own SO_REUSEPORT listener on
// the same port (the kernel picks the listener), or one listener that hands
// each accepted socket to the next loop's AcceptingSocket in turn
// (HandOffTo; those are made without a listener of their own and serve
// what they are handed, AdoptAccepted). Each AcceptingSocket, and the
// connections it owns, belongs to its own loop's thread.
//
// Accepting is bounded and never spins:
//   - at most `max_accepts_per_event` accepts per readiness event, so a
//     flood of connects cannot starve established connections (the
//     listener is level-triggered: what is left is reported again);
//   - ECONNABORTED / EPROTO (the peer gave up while queued), EPERM on Linux
//     (a firewall rule refused that one connection) and EINTR: take the
//     next one;
//   - EMFILE / ENFILE / ENOBUFS / ENOMEM: the listener is deregistered and
//     registered again after `exhaustion_backoff`, so the loop sleeps
//     instead of waking for a connection it cannot take; the pending
//     connections wait in the kernel's queue and are accepted once
//     descriptors are free. (libuv instead closes a reserved descriptor,
//     accepts and drops the pending connections; that sheds load but loses
//     every client queued at that moment and is racy with other threads, so
//     asycamore waits instead.)
#ifndef ASYCAMORE_TCPSOCKET_ACCEPTING_SOCKET_H_
#define ASYCAMORE_TCPSOCKET_ACCEPTING_SOCKET_H_

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "asycamore/event.h"
#include "asycamore/event_loop.h"
#include "asycamore/native_socket.h"
#include "asycamore/system_error.h"
#include "asycamore/tcpsocket/listen_options.h"
#include "asycamore/tcpsocket/owned_socket.h"
#include "asycamore/tcpsocket/socket_address.h"
#include "asycamore/tcpsocket/tcp_connection.h"
#include "asycamore/timer_queue.h"

namespace asycamore {

class AcceptingSocket;

// Builds the connection for an accepted socket (the seed's
// connection_factory(sock, serverstate, connection_closer)). The socket is
// nonblocking and close-on-exec; move it into the returned connection, and
// pass `connection_closer` to TcpConnection's constructor so the server
// learns when it closes. Returning nullptr refuses the connection (the
// socket closes with the parameter unless it was moved elsewhere). Called
// once per connection; move-only (absl::AnyInvocable), so it may own state.
using ConnectionFactory = absl::AnyInvocable<std::unique_ptr<TcpConnection>(
    OwnedSocket socket, AcceptingSocket& server_state,
    ConnectionCloser connection_closer)>;

struct AcceptOptions {
  // Accepts made for one readiness event of the listener, at most.
  int max_accepts_per_event = 32;
  // How long to stop accepting after running out of descriptors or memory.
  absl::Duration exhaustion_backoff = absl::Milliseconds(100);
};

// Counters an AcceptingSocket keeps, for tests and monitoring.
struct AcceptStats {
  std::uint64_t readiness_events = 0;  // listener events handled
  std::uint64_t accepted = 0;          // connections handed to the factory
  std::uint64_t retried = 0;           // ECONNABORTED, EPROTO, EPERM, EINTR
  std::uint64_t rejected = 0;          // factory returned none, or registering failed
  std::uint64_t exhaustion_pauses = 0; // times accepting stopped (EMFILE...)
  std::uint64_t errors = 0;            // other accept failures
  // Accepted sockets that refused TCP_NODELAY (ListenOptions::no_delay);
  // they are served anyway, with Nagle's algorithm on.
  std::uint64_t no_delay_failures = 0;
  // Hand-off (HandOffTo): sockets posted to another loop's server, and
  // sockets closed because that loop was gone (never leaked).
  std::uint64_t handed_off = 0;
  std::uint64_t hand_off_refused = 0;
};

// Where a hand-off listener sends accepted sockets (HandOffTo): a server
// started on that loop, and the loop's handle.
struct HandOffTarget {
  RemoteLoop loop;
  std::weak_ptr<AcceptingSocket> server;
};

// What one ServerAccept call did.
enum class AcceptStatus : std::uint8_t {
  kAccepted,           // `connection` was made and adopted
  kWouldBlock,         // no connection is waiting
  kRetry,              // that connection died queued, or EINTR: try again
  kRejected,           // the factory refused it or it could not be watched
  kOutOfDescriptors,   // EMFILE, ENFILE, ENOBUFS, ENOMEM: back off
  kError,              // any other failure of accept
  kHandedOff,          // posted to another loop's server (HandOffTo)
  kHandOffRefused,     // that loop was gone: the socket was closed
};

struct AcceptResult {
  AcceptStatus status = AcceptStatus::kWouldBlock;
  SystemError error = kNoSystemError;
  TcpConnection* connection = nullptr;  // on kAccepted, owned by server_state
  // ListenOptions::no_delay was asked for and setsockopt refused it (the
  // connection went on with Nagle's algorithm).
  bool no_delay_failed = false;
};

class AcceptingSocket : public DispatchTarget {
 public:
  // Adopts a bound, listening, nonblocking socket (ListenTcp makes one);
  // `options` are the ones it was made with (no_delay applies to each
  // accepted socket). Without a listener (OwnedSocket()) it only serves
  // sockets handed to it (AdoptAccepted); `local_address` then names the
  // listener that hands them on.
  AcceptingSocket(OwnedSocket listener, SocketAddress local_address,
                  const ListenOptions& options = {});
  // Stops accepting, destroys the connections it owns (without calling
  // their closers) and closes the listening socket.
  ~AcceptingSocket() override;

  AcceptingSocket(const AcceptingSocket&) = delete;
  AcceptingSocket& operator=(const AcceptingSocket&) = delete;

  // Starts accepting on `loop`: each connection is built by `factory` and
  // starts watched for reading. Without a listener it starts taking
  // handed-over sockets only.
  absl::Status Start(EventLoop& loop, ConnectionFactory factory,
                     const AcceptOptions& options = {});

  // Stops accepting (the listening socket stays open; Start again resumes).
  // A stopped server also refuses handed-over sockets (AdoptAccepted).
  void Stop();

  // From now on, hands each socket it accepts to the next of `targets` in
  // turn (round-robin, this server may be one of them and then serves it at
  // once): posted through the target's loop, served there by
  // AdoptAccepted. A socket whose loop is gone (Post refused), or whose
  // server is gone by the time the task runs, is closed, never leaked; the
  // first is counted in hand_off_refused. Empty: serve every socket here
  // again. The loop's thread only.
  void HandOffTo(std::vector<HandOffTarget> targets);

  // Serves a socket accepted elsewhere as if it was accepted here:
  // TCP_NODELAY if this server's options ask for it, the factory, adoption,
  // watching; counted in stats(). Refused (kRejected, the socket closes)
  // unless the server is started. The loop's thread only.
  AcceptResult AdoptAccepted(OwnedSocket socket);

  // Closes every connection this server owns with Close(timeout): each
  // flushes its queue, sends the FIN and waits for its peer's end at most
  // `timeout` (their closers run as they finish).
  void CloseAllConnections(absl::Duration timeout);
  // Aborts every connection this server owns (their closers run now).
  void AbortAllConnections();

  NativeSocket socket() const { return listener_.get(); }
  const SocketAddress& local_address() const { return local_address_; }
  const ListenOptions& listen_options() const { return listen_options_; }
  std::uint16_t local_port() const { return local_address_.port(); }
  EventLoop* loop() const { return loop_; }
  bool accepting() const { return started_; }
  // Returns true while accepting is paused after running out of descriptors.
  bool paused() const { return paused_; }
  std::size_t connection_count() const;
  const AcceptStats& stats() const { return stats_; }

  // Handles readiness of the listener: up to max_accepts_per_event accepts.
  void dispatch_event(const Event& event) override;

 private:
  friend struct ServerAcceptAccess;

  void Pause();
  void Resume();
  std::vector<TcpConnection*> OpenConnections() const;
  // Accepts one socket and hands it to the next hand-off target.
  AcceptResult AcceptAndHandOff();
  void Count(const AcceptResult& result);
  // Takes ownership of a connection the factory made.
  TcpConnection* Adopt(std::unique_ptr<TcpConnection> connection);
  // Moves a closed connection to the graveyard, emptied on a later turn.
  void Release(TcpConnection& connection);
  void BuryDead();

  OwnedSocket listener_;
  SocketAddress local_address_;
  ListenOptions listen_options_;
  EventLoop* loop_ = nullptr;
  ConnectionFactory factory_;
  AcceptOptions options_;
  RegistrationHandle registration_;
  bool started_ = false;
  bool paused_ = false;
  TimerId resume_timer_;
  TimerId bury_timer_;
  AcceptStats stats_;
  struct HandOff {
    HandOffTarget target;
    bool here = false;  // the target is this server
  };
  std::vector<HandOff> hand_off_;
  std::size_t next_hand_off_ = 0;
  // The connections it owns, by address (a hash map, defined in the .cc so
  // that this header does not carry one into every user's translation unit).
  struct Connections;
  std::unique_ptr<Connections> connections_;
  std::vector<std::unique_ptr<TcpConnection>> dead_;
};

// Creates a listening TCP socket on `ip` (numeric IPv4 or IPv6, "::1"
// included) and `port` (0 picks a free port; read it from local_port()):
// nonblocking, close-on-exec, SO_REUSEADDR on POSIX, the options of
// listen_options.h, then bind and listen with options.backlog. A port
// outside 0..kMaxPort, a negative backlog and dual_stack on an IPv4 address
// are refused. Errors name the call and the input (the backlog, then each
// option that is on), e.g.
// `ListenTcp("127.0.0.1", 8080, 511, reuse_port): bind: Address already in use`.
absl::StatusOr<std::unique_ptr<AcceptingSocket>> ListenTcp(
    std::string_view ip, int port, const ListenOptions& options = {});
// The seed's form: ListenTcp(ip, port, {.backlog = backlog}).
absl::StatusOr<std::unique_ptr<AcceptingSocket>> ListenTcp(std::string_view ip,
                                                           int port,
                                                           int backlog);

// Accepts one connection on `server_state`'s listener (the seed's
// server_accept), builds it with `connection_factory`, hands it
// `connection_closer`, adopts it into `server_state` and watches it for
// reading (after TCP_NODELAY, if its ListenOptions ask for it).
// AcceptingSocket calls this for each readiness event; call it directly only
// to drive accepting yourself.
AcceptResult ServerAccept(AcceptingSocket& server_state,
                          ConnectionFactory& connection_factory,
                          ConnectionCloser connection_closer);

}  // namespace asycamore

#endif  // ASYCAMORE_TCPSOCKET_ACCEPTING_SOCKET_H_
