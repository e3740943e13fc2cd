// TcpConnection: a TCP socket's connection state, the seed's dispatch
// target with a `dispatch_state`. Derive from it and implement
// dispatch_event(); ConnectTcp, ServerAccept, DataReader and WriteIterable
// drive it. It owns the socket, a write queue and the close.
//
//   class Echo : public TcpConnection {
//    public:
//     Echo(EventLoop& loop, OwnedSocket socket, ConnectionCloser closer)
//         : TcpConnection(loop, std::move(socket), std::move(closer),
//                         {.on_write_blocked = [](TcpConnection& c) { c.PauseReading(); },
//                          .on_drained = [](TcpConnection& c) { c.ResumeReading(); }}),
//           reader_(*this, [this](std::string_view data) { (void)Send(data); }) {}
//     void dispatch_event(const Event& event) override {
//       if (event.readable) reader_.OnReadable();  // at the end: flush, FIN, close
//     }
//    private:
//     DataReader reader_;
//   };
//
// States (dispatch_state()):
//
//   kClosed ─ConnectTcp─> kConnecting ─result─> kConnected ─Shutdown()/Close(t)─> kClosing
//      ^                      │ failure             │                              │ queue empty:
//      │                      │                     │                              v FIN sent
//      │                      │                     │                          kFinSent
//      └─ socket closed, ─────┴──── Abort(), an error, Close(t) done ──────────────┘
//         then the closer
//
//   - kConnecting: ConnectTcp started a connect. The next event the target
//     receives is the connect's result, delivered while the state is still
//     kConnecting (the seed's rule: dispatch_event tells a connect result by
//     the state). Success: {readable, !writable, !error} when the connect
//     completed at once (the seed's "immediate connect" event), {writable}
//     when it completed later. Failure: {readable, writable, error};
//     GetSockErr(connection) then says why. After a success the state is
//     kConnected, reading is watched, and whatever Send() queued meanwhile
//     goes out; after a failure the connection is closed unless the target
//     already did so.
//   - kConnected: events are passed to dispatch_event as they come.
//   - kClosing: flushing. Shutdown() or Close() was called and the queue is
//     being sent; Send() is refused from here on.
//   - kFinSent: the queue is empty and the FIN went out; reading goes on.
//   - kClosed: no socket (also the state before ConnectTcp).
//
// What dispatch_event receives. The connection handles writability for its
// own queue: a writable event first flushes the queue (and feeds a
// WriteIterable) and is passed on only if you asked for it with
// WatchWrite(true). Readable is passed on while you watch reading
// (WatchRead(true), DataReader::Start) and reading is not paused; error
// and hangup ride along as hints. After Shutdown(), reads are still
// delivered; after Close(timeout) nothing is: the connection itself reads
// and discards until the peer's end.
//
// Three ways to close:
//   - Shutdown(): flush the queue, then FIN. The peer reads every byte, then
//     the end; you keep reading until its end (a DataReader then closes).
//   - Close(timeout): flush, FIN, wait for the peer's end (discarding what
//     it still sends), then close and run the closer. After `timeout` it
//     closes whatever the state, dropping unsent bytes (dropped_bytes()).
//   - Abort(): close now. Unsent bytes are dropped and reported: the count
//     is returned, and a WriteIterable reports its items not_sent. With
//     reset_on_abort the peer gets a reset (RST) instead of a FIN.
// Errors (a failed send or read, a peer's reset) close as Abort does, with
// last_error() set.
//
// Ownership and lifetime:
//   - The connection owns its socket (an OwnedSocket given to the
//     constructor, or the one ConnectTcp opens) and is the only one to close
//     it: when it reaches kClosed, or in its destructor.
//   - The closer runs once, as the last step of reaching kClosed (never
//     from the destructor), and is dropped then: set it again before
//     reusing the object for another ConnectTcp. It may run inside the connection's own
//     calls (Send, DataReader::OnReadable...), so it must not destroy the
//     connection at once: defer that to a later loop turn, as
//     AcceptingSocket does for the connections it owns.
//   - Destroy a connection on its loop's thread, before the loop, at any
//     time: mid-flush, with a retry timer pending, from its own
//     dispatch_event. It closes the socket, drops the queue and cancels its
//     timers without calling the closer or any callback.
//
// Not thread-safe: everything runs on the loop's thread.
#ifndef ASYCAMORE_TCPSOCKET_TCP_CONNECTION_H_
#define ASYCAMORE_TCPSOCKET_TCP_CONNECTION_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "absl/time/time.h"
#include "asycamore/event.h"
#include "asycamore/event_loop.h"
#include "asycamore/export.h"
#include "asycamore/native_socket.h"
#include "asycamore/system_error.h"
#include "asycamore/tcpsocket/owned_socket.h"
#include "asycamore/tcpsocket/write_queue.h"
#include "asycamore/timer_queue.h"

namespace asycamore {

enum class ConnectionState : std::uint8_t {
  kClosed,
  kConnecting,
  kConnected,
  kClosing,  // flushing the queue before the FIN
  kFinSent,  // FIN sent, still reading
};

// Returns "closed", "connecting", "connected", "closing" or "fin-sent".
ASYCAMORE_TCPSOCKET_API
std::string_view ConnectionStateName(ConnectionState state);

class TcpConnection;

// Called once when a connection has closed (the seed's connection_closer).
// See "Ownership and lifetime" above for when it may destroy it. Move-only,
// like every callback of the library (absl::AnyInvocable): it may own what
// it captures (a unique_ptr, another closer).
using ConnectionCloser = absl::AnyInvocable<void(TcpConnection&)>;

struct ConnectionOptions {
  // Backpressure. When queued_bytes() rises above high_watermark,
  // on_write_blocked runs; when it then falls to low_watermark or below,
  // on_drained runs (Netty's WriteBufferWaterMark defaults). 64 KiB lets
  // one gathered send fill a loopback or LAN socket buffer, yet 10,000
  // stalled connections hold at most about 640 MiB; the 32 KiB gap keeps
  // the pair from firing on every send.
  std::size_t high_watermark = 64 * 1024;
  std::size_t low_watermark = 32 * 1024;
  // Send calls made for one writable event (or one Send), at most, so a
  // peer that takes everything cannot starve the other connections.
  int max_sends_per_event = 16;
  // How long to wait after ENOBUFS / ENOMEM before reading or sending
  // again: readiness does not say when memory is back.
  absl::Duration no_buffers_backoff = absl::Milliseconds(5);
  // Abort() resets the connection (SO_LINGER 0) instead of ending it.
  bool reset_on_abort = false;
  absl::AnyInvocable<void(TcpConnection&)> on_write_blocked = nullptr;
  absl::AnyInvocable<void(TcpConnection&)> on_drained = nullptr;
};

namespace internal {
class ConnectDriver;

// What the connection tells the WriteIterable feeding it (one at a time).
class ASYCAMORE_TCPSOCKET_API WriteObserver {
 public:
  virtual ~WriteObserver() = default;
  // A send call is about to offer the bytes at positions [from, to).
  virtual void OnSendStarting(std::uint64_t from, std::uint64_t to) = 0;
  // The socket took bytes; every position before `sent` is handed off.
  virtual void OnSent(std::uint64_t sent) = 0;
  // The socket is writable (or the retry timer fired): take more items.
  virtual void OnRoom() = 0;
  // The queue was dropped (abort, error, timeout): report what is unsent.
  virtual void OnDropped(SystemError error) = 0;
  // The connection is being destroyed: forget it, report nothing.
  virtual void OnConnectionGone() = 0;
};
}  // namespace internal

class ASYCAMORE_TCPSOCKET_API TcpConnection : public DispatchTarget {
 public:
  // Creates a connection without a socket (kClosed); ConnectTcp gives it
  // one and a loop.
  explicit TcpConnection(ConnectionOptions options = {});

  // Adopts a connected socket (for example an accepted one): the state is
  // kConnected and nothing is watched until WatchRead/WatchWrite.
  TcpConnection(EventLoop& loop, OwnedSocket socket,
                ConnectionCloser closer = nullptr,
                ConnectionOptions options = {});

  // Closes the socket if it is still open, without calling the closer.
  ~TcpConnection() override;

  TcpConnection(const TcpConnection&) = delete;
  TcpConnection& operator=(const TcpConnection&) = delete;

  // The seed's name, kept in snake_case like dispatch_event (event_loop.h
  // says why).
  ConnectionState dispatch_state() const { return state_; }
  NativeSocket socket() const { return socket_.get(); }
  // Returns the loop, or nullptr before ConnectTcp.
  EventLoop* loop() const { return loop_; }

  // Returns the error the connect failed with (it was read from SO_ERROR,
  // which a second read would find empty), or 0.
  SystemError connect_error() const { return connect_error_; }

  // Returns the error that closed the connection (a failed send or read, a
  // reset, ETIMEDOUT when Close's timeout cut a flush short), or 0.
  SystemError last_error() const { return last_error_; }
  // Records why the connection is ending (drivers call it before Abort).
  void set_last_error(SystemError error) { last_error_ = error; }

  // ---- writing ----

  // Appends `bytes` to the write queue. When the queue was empty and the
  // connection is connected, sends at once from `bytes` (copying only what
  // the socket did not take); write interest is armed only after a
  // would-block and disarmed once the queue is empty. During kConnecting
  // the bytes wait and go out once connected. Fails, and queues nothing,
  // once Shutdown/Close/Abort was called or the connection is closed; a
  // send error aborts the connection (the closer runs) and is returned.
  absl::Status Send(std::string_view bytes);
  // The same for a Cord, whose memory is shared, not copied.
  absl::Status Send(absl::Cord bytes);

  // Returns the bytes accepted by Send and not yet handed to the socket.
  std::size_t queued_bytes() const { return queue_.size(); }
  // Returns true from on_write_blocked until on_drained.
  bool write_blocked() const { return write_blocked_; }
  // Returns the bytes dropped unsent by the last Abort, error or timeout.
  std::size_t dropped_bytes() const { return dropped_bytes_; }
  // Counters over the connection's life.
  std::uint64_t bytes_sent() const { return queue_.sent_position(); }
  std::uint64_t send_calls() const { return send_calls_; }

  // ---- reading ----

  // Stops delivering readable events (and reading, for DataReader) until
  // ResumeReading: the kernel's buffer fills and the peer slows down.
  void PauseReading();
  void ResumeReading();
  bool reading_paused() const { return read_paused_; }

  // Returns true while a reader may read: the socket is open, reading is
  // neither paused nor backing off after ENOBUFS, and no Close() is
  // discarding what arrives.
  bool can_read() const;

  // Records that a read returned the end (DataReader calls it): a Close()
  // then finishes as soon as the queue is flushed.
  void OnPeerEnd();
  bool peer_ended() const { return peer_ended_; }

  // Stops read interest until the connection's retry timer fires (a reader
  // that met ENOBUFS calls it). The connection has one retry timer, shared
  // by reading and writing.
  void BackOffReading();

  // ---- readiness interest ----

  // Turns your interest in read / write readiness on or off. Fails (with
  // the loop's message) when the socket cannot be registered, e.g. a
  // select backend refusing a descriptor beyond FD_SETSIZE.
  absl::Status WatchRead(bool on);
  absl::Status WatchWrite(bool on);
  // Your switches.
  bool wants_read() const { return want_read_; }
  bool wants_write() const { return want_write_; }
  // Whether that readiness is watched now, for any reason (your switches,
  // the write queue, a connect or a close in progress).
  bool watching_read() const { return WantsRead(registered_interest_); }
  bool watching_write() const { return WantsWrite(registered_interest_); }

  // ---- closing ----

  // Sets the callback that runs once the connection has closed.
  void set_closer(ConnectionCloser closer) { closer_ = std::move(closer); }

  // Flushes the queue, then sends the FIN (state kClosing, then kFinSent).
  // Reading goes on. Called during kConnecting, it takes effect once
  // connected. Fails only when the connection is closed.
  absl::Status Shutdown();

  // Flushes, sends the FIN, waits for the peer's end (discarding what it
  // sends), then closes and runs the closer; after `timeout` (from this
  // call) it closes at once, dropping what is still queued. During
  // kConnecting it aborts (nothing was sent yet). Safe to call again (the
  // first deadline stays) and from inside dispatch_event.
  void Close(absl::Duration timeout);

  // Closes now: the registration ends, pending timers are cancelled (no
  // connect result is delivered later), unsent bytes are dropped and a
  // WriteIterable reports its items not_sent, the socket is closed (reset
  // with reset_on_abort), the state is kClosed, then the closer runs.
  // Returns the count of bytes dropped. Does nothing once closed.
  std::size_t Abort();

 private:
  friend class internal::ConnectDriver;
  friend class WriteIterable;
  friend class DataReader;

  // Receives the loop's events and routes them: connect results during
  // kConnecting, then the write queue, then the target's dispatch_event.
  class Router : public DispatchTarget {
   public:
    explicit Router(TcpConnection* owner) : owner_(owner) {}
    void dispatch_event(const Event& event) override;

   private:
    TcpConnection* owner_;
  };

  // Learns, on the stack of a call that runs callbacks, whether the
  // connection was destroyed meanwhile. Guards nest.
  class AliveGuard {
   public:
    explicit AliveGuard(TcpConnection& connection)
        : connection_(&connection), outer_(connection.guards_) {
      // GCC 12 at -O2 and above warns that the address of a local guard
      // outlives it (-Wdangling-pointer); it does not: the destructor
      // unlinks it, or the connection's destructor clears the chain first.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdangling-pointer"
#endif
      connection.guards_ = this;
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic pop
#endif
    }
    ~AliveGuard() {
      if (alive_) connection_->guards_ = outer_;
    }
    AliveGuard(const AliveGuard&) = delete;
    AliveGuard& operator=(const AliveGuard&) = delete;
    bool alive() const { return alive_; }

   private:
    friend class TcpConnection;
    TcpConnection* connection_;
    AliveGuard* outer_;
    bool alive_ = true;
  };

  enum class CloseMode : std::uint8_t {
    kNone,
    kShutdown,  // Shutdown(): reads still go to dispatch_event
    kClose,     // Close(timeout): reads are discarded until the peer's end
  };
  enum class FlushResult : std::uint8_t {
    kDrained,      // the queue is empty
    kWaiting,      // would block, or backing off after ENOBUFS
    kBudgetSpent,  // max_sends_per_event reached; writability brings more
    kStopped,      // the connection closed (or cannot send now)
  };

  void Route(const Event& event);
  // Feeds the WriteIterable (which flushes) or flushes the queue.
  void OnWritable();
  FlushResult FlushQueue(int max_sends);
  void AfterAppend();
  void OnQueueEmpty();
  void OnConnected();
  void DiscardIncoming();
  void ArmRetryTimer();
  void OnRetryTimer();
  void RequestRoom();  // a WriteIterable wants OnRoom even with no queue
  bool SendingAllowed() const;
  absl::Status SendRefused(std::size_t size) const;
  absl::Status Watch(bool& want, bool on, const char* call);
  bool WriteSideOpen() const;
  Interest WantedInterest() const;
  absl::Status UpdateRegistration();
  // Applies WantedInterest(); a failure aborts the connection.
  void RefreshInterest();
  void CancelTimers();
  void CancelConnectTimers();
  void ReleaseSocket();
  // Drops the queue, closes the socket, then runs the closer.
  void Teardown();

  EventLoop* loop_ = nullptr;
  OwnedSocket socket_;
  ConnectionState state_ = ConnectionState::kClosed;
  CloseMode close_mode_ = CloseMode::kNone;
  ConnectionCloser closer_;
  ConnectionOptions options_;
  Router router_{this};
  RegistrationHandle registration_;
  Interest registered_interest_ = Interest::kNone;
  Interest connect_interest_ = Interest::kNone;  // while the connect runs
  bool want_read_ = false;
  bool want_write_ = false;
  bool read_paused_ = false;
  bool read_backoff_ = false;   // ENOBUFS: until the retry timer fires
  bool write_backoff_ = false;  // ENOBUFS: until the retry timer fires
  bool peer_ended_ = false;
  bool write_blocked_ = false;
  bool flushing_ = false;
  bool tearing_down_ = false;
  bool observer_wants_room_ = false;
  SystemError connect_error_ = kNoSystemError;
  SystemError last_error_ = kNoSystemError;
  WriteQueue queue_;
  internal::WriteObserver* observer_ = nullptr;
  std::size_t dropped_bytes_ = 0;
  std::uint64_t send_calls_ = 0;
  TimerId retry_timer_;     // ENOBUFS, reading and writing: one per connection
  AliveGuard* guards_ = nullptr;

  // Connect bookkeeping (see connect_tcp.cc).
  std::uint32_t connect_attempt_ = 0;
  bool connect_completed_at_once_ = false;  // connect() returned 0 or failed
  SystemError immediate_error_ = kNoSystemError;
  // The connect's one pending timer: the delivery of an immediate result on
  // the next turn, or the ENOBUFS retry (connect_retry.cc).
  TimerId connect_timer_;
  TimerId timeout_timer_;  // the connect's timeout, then Close's deadline
};

}  // namespace asycamore

#endif  // ASYCAMORE_TCPSOCKET_TCP_CONNECTION_H_
