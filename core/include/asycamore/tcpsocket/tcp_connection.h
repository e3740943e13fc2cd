// TcpConnection: a TCP socket's connection state, the seed's dispatch
// target with a `dispatch_state`. Derive from it and implement
// dispatch_event(); ConnectTcp, ServerAccept, DataReader and WriteIterable
// drive it.
//
// States (dispatch_state()):
//
//   kClosed ──ConnectTcp──> kConnecting ──connect result──> kConnected
//                               │                               │
//                               └──────────── Close() ──────────┤
//                                                               v
//                                  kClosed <── fd closed ── kClosing
//
//   - kConnecting: ConnectTcp started a connect. The next event the target
//     receives is the connect's result, delivered while the state is still
//     kConnecting (the seed's rule: dispatch_event tells a connect result by
//     the state). Success: {readable, !writable, !error} when the connect
//     completed at once (the seed's "immediate connect" event), {writable}
//     when it completed later. Failure: {readable, writable, error};
//     GetSockErr(connection) then says why. After a success the state is
//     kConnected; after a failure the connection is closed unless the
//     target already did so.
//   - kConnected: events are passed to dispatch_event as they come.
//   - kClosing: Close() is running: the socket is being deregistered and
//     then closed. No event is delivered from here on.
//   - kClosed: no socket (also the state before ConnectTcp).
//
// Readiness interest is kept as two switches, WatchRead and WatchWrite; the
// connection registers, changes or deregisters its socket as they change.
//
// A connection must be destroyed before its loop, on the loop's thread.
// Destroying it closes the socket without calling the closer.
#ifndef ASYCAMORE_TCPSOCKET_TCP_CONNECTION_H_
#define ASYCAMORE_TCPSOCKET_TCP_CONNECTION_H_

#include <cstdint>
#include <functional>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "asycamore/event.h"
#include "asycamore/event_loop.h"
#include "asycamore/native_socket.h"
#include "asycamore/tcpsocket/system_error.h"
#include "asycamore/timer_queue.h"

namespace asycamore {

enum class ConnectionState : std::uint8_t {
  kClosed,
  kConnecting,
  kConnected,
  kClosing,
};

// Returns "closed", "connecting", "connected" or "closing".
absl::string_view ConnectionStateName(ConnectionState state);

class TcpConnection;

// Called once when a connection has closed (the seed's connection_closer).
// It may destroy the connection only if nothing on the call stack uses it
// afterwards; AcceptingSocket's closer defers the destruction to a later
// loop turn for that reason.
using ConnectionCloser = std::function<void(TcpConnection&)>;

namespace internal {
class ConnectDriver;
}  // namespace internal

class TcpConnection : public DispatchTarget {
 public:
  // Creates a connection without a socket (kClosed); ConnectTcp gives it
  // one and a loop.
  TcpConnection() = default;

  // Adopts a connected socket (for example an accepted one): the state is
  // kConnected and nothing is watched until WatchRead/WatchWrite.
  TcpConnection(EventLoop& loop, NativeSocket socket,
                ConnectionCloser closer = nullptr);

  // Closes the socket if it is still open, without calling the closer.
  ~TcpConnection() override;

  TcpConnection(const TcpConnection&) = delete;
  TcpConnection& operator=(const TcpConnection&) = delete;

  ConnectionState dispatch_state() const { return state_; }
  NativeSocket socket() const { return socket_; }
  // Returns the loop, or nullptr before ConnectTcp.
  EventLoop* loop() const { return loop_; }

  // Returns the error the connect failed with (it was read from SO_ERROR,
  // which a second read would find empty), or 0.
  SystemError connect_error() const { return connect_error_; }

  // Returns the error recorded by the driver that closed the connection, or 0.
  SystemError last_error() const { return last_error_; }
  // Records why the connection is ending (drivers call it before Close).
  void set_last_error(SystemError error) { last_error_ = error; }

  // Turns read / write readiness on or off. Fails (with the loop's message)
  // when the socket cannot be registered, e.g. a select backend refusing a
  // descriptor beyond FD_SETSIZE. Does nothing once closing.
  absl::Status WatchRead(bool on);
  absl::Status WatchWrite(bool on);
  bool watching_read() const { return want_read_; }
  bool watching_write() const { return want_write_; }

  // Sets the callback Close() calls last.
  void set_closer(ConnectionCloser closer) { closer_ = std::move(closer); }

  // Closes the connection: state kClosing, the registration ends, the
  // descriptor is closed, state kClosed, then the closer runs. Pending
  // connect timers are cancelled, so no connect result is delivered later.
  // Safe to call again (it does nothing) and from inside dispatch_event.
  void Close();

 private:
  friend class internal::ConnectDriver;

  // Receives the loop's events and routes them: connect results during
  // kConnecting, the target's dispatch_event afterwards.
  class Router : public DispatchTarget {
   public:
    explicit Router(TcpConnection* owner) : owner_(owner) {}
    void dispatch_event(const Event& event) override;

   private:
    TcpConnection* owner_;
  };

  absl::Status UpdateRegistration();
  void CancelConnectTimers();
  void ReleaseSocket();

  EventLoop* loop_ = nullptr;
  NativeSocket socket_ = kInvalidSocket;
  ConnectionState state_ = ConnectionState::kClosed;
  ConnectionCloser closer_;
  Router router_{this};
  RegistrationHandle registration_;
  Interest registered_interest_ = Interest::kNone;
  bool want_read_ = false;
  bool want_write_ = false;
  SystemError connect_error_ = kNoSystemError;
  SystemError last_error_ = kNoSystemError;

  // Connect bookkeeping (see connect_tcp.cc). immediate_timer_ also holds
  // the ENOBUFS retry timer while one is pending (connect_retry.cc).
  std::uint32_t connect_attempt_ = 0;
  bool connect_completed_at_once_ = false;  // connect() returned 0 or failed
  SystemError immediate_error_ = kNoSystemError;
  TimerId immediate_timer_;
  TimerId timeout_timer_;
  // Points at a flag on the stack of a connect delivery, set when this
  // object is destroyed during it.
  bool* destroyed_flag_ = nullptr;
};

}  // namespace asycamore

#endif  // ASYCAMORE_TCPSOCKET_TCP_CONNECTION_H_
