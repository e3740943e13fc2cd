// Connections and helpers shared by the tcpsocket tests. They are built on
// the library's own portable calls so the same tests run on every OS.
#ifndef ASYCAMORE_TESTS_TCPSOCKET_TEST_PEER_H_
#define ASYCAMORE_TESTS_TCPSOCKET_TEST_PEER_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "asycamore/event.h"
#include "asycamore/event_loop.h"
#include "asycamore/tcpsocket/tcpsocket.h"

namespace asycamore::testing {

// Records every event it is given, and the state it was in at that moment.
class RecordingConnection : public TcpConnection {
 public:
  explicit RecordingConnection(ConnectionOptions options = {})
      : TcpConnection(std::move(options)) {}
  // Adopts a connected socket.
  RecordingConnection(EventLoop& loop, OwnedSocket socket,
                      ConnectionCloser closer = nullptr,
                      ConnectionOptions options = {})
      : TcpConnection(loop, std::move(socket), std::move(closer),
                      std::move(options)) {}

  void dispatch_event(const Event& event) override {
    events.push_back(event);
    states.push_back(dispatch_state());
    if (on_event) on_event(*this, event);
  }

  std::vector<Event> events;
  std::vector<ConnectionState> states;
  std::function<void(RecordingConnection&, const Event&)> on_event;
};

// Settings for the test connections, copyable so that a factory can hand
// them to every connection it makes (the option structs hold callbacks).
struct StreamSettings {
  std::size_t buffer_size = SocketReader::kDefaultBufferSize;
  int max_reads_per_event = 16;
  bool close_on_end = true;
  std::size_t high_watermark = ConnectionOptions().high_watermark;
  std::size_t low_watermark = ConnectionOptions().low_watermark;
  absl::Duration no_buffers_backoff = ConnectionOptions().no_buffers_backoff;
  // Sends back what arrives, pausing reading while the queue is blocked
  // (the echo pattern of tcp_connection.h).
  bool echo = false;
};

// A connection that reads with DataReader into `received` and writes with
// the connection's own queue.
class StreamConnection : public TcpConnection {
 public:
  StreamConnection(EventLoop& loop, OwnedSocket socket,
                   ConnectionCloser closer = nullptr,
                   const StreamSettings& settings = {});
  explicit StreamConnection(const StreamSettings& settings = {});

  void dispatch_event(const Event& event) override;

  // Queues bytes (TcpConnection::Send); fails the test if they are refused.
  void Send(std::string_view bytes);
  bool all_sent() const { return queued_bytes() == 0; }

  DataReader& reader() { return *reader_; }

  std::string received;
  bool ended = false;                  // the peer's end was read
  IoStep failed_step;                  // the read step that failed, if any
  bool failed = false;
  std::function<void(StreamConnection&, std::string_view)> on_data;
  std::function<void(StreamConnection&)> on_connected;
  std::size_t connect_events = 0;

 private:
  std::unique_ptr<DataReader> MakeReader(const StreamSettings& settings);

  std::unique_ptr<DataReader> reader_;
};

// Returns a factory that builds StreamConnections and remembers them in
// `made` (the server owns them; the pointers stay valid until they close).
ConnectionFactory StreamFactory(std::vector<StreamConnection*>* made,
                                const StreamSettings& settings = {});

// Sets `stop` and joins `thread` when it goes out of scope, however the
// test ends (a failed ASSERT too).
class StopAndJoin {
 public:
  StopAndJoin(std::atomic<bool>& stop, std::thread& thread)
      : stop_(stop), thread_(thread) {}
  ~StopAndJoin() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  StopAndJoin(const StopAndJoin&) = delete;
  StopAndJoin& operator=(const StopAndJoin&) = delete;

 private:
  std::atomic<bool>& stop_;
  std::thread& thread_;
};

// A deterministic byte stream: Fill(n) returns the next n bytes.
class PatternStream {
 public:
  explicit PatternStream(std::uint64_t seed = 1) : state_(seed) {}
  std::string Fill(std::size_t size);

 private:
  std::uint64_t state_;
};

// A running FNV-1a checksum of a byte stream.
class Checksum {
 public:
  void Add(std::string_view bytes);
  std::uint64_t value() const { return hash_; }
  std::uint64_t bytes() const { return bytes_; }

 private:
  std::uint64_t hash_ = 1469598103934665603ull;
  std::uint64_t bytes_ = 0;
};

// The other end of a connection, read by hand: a raw nonblocking socket
// whose bytes go into a checksum, `max` bytes per call at most (a slow
// reader when called once per loop turn).
struct RawPeer {
  explicit RawPeer(NativeSocket peer_socket) : socket(peer_socket) {}
  ~RawPeer();
  RawPeer(const RawPeer&) = delete;
  RawPeer& operator=(const RawPeer&) = delete;

  // Reads what is there now, at most `max` bytes; sets `ended` on the end
  // and `reset` on an error. Returns the bytes read.
  std::size_t ReadSome(std::size_t max);

  NativeSocket socket;
  Checksum received;
  bool ended = false;
  bool reset = false;
};

// Makes the kernel's send and receive buffers of `socket` small, so a test
// reaches would-block (and the write queue) with little data.
void ShrinkSocketBuffers(NativeSocket socket, int bytes = 16 * 1024);

// A connection adopted on the first socket of a loopback TCP pair, and the
// pair's other socket as a RawPeer.
struct ConnectionPair {
  std::unique_ptr<RecordingConnection> connection;
  std::unique_ptr<RawPeer> peer;
};
// With `small_buffers`, both sockets get ShrinkSocketBuffers.
ConnectionPair MakeConnectionPair(EventLoop& loop,
                                  ConnectionOptions options = {},
                                  ConnectionCloser closer = nullptr,
                                  bool small_buffers = false);

// A SocketOps table whose entries call scripted functions (set in tests),
// falling back to the real calls. One instance at a time.
struct FaultInjector {
  FaultInjector();
  ~FaultInjector();
  FaultInjector(const FaultInjector&) = delete;
  FaultInjector& operator=(const FaultInjector&) = delete;

  // Each hook gets the real table and the call's arguments; unset hooks
  // make the real call.
  std::function<IoResult(NativeSocket, void*, std::size_t)> receive;
  std::function<IoResult(NativeSocket, const ConstBuffer*, std::size_t)> send;
  std::function<SystemError(NativeSocket, const SocketAddress&)> connect;
  std::function<AcceptedSocket(NativeSocket)> accept;
  std::function<PendingError(NativeSocket)> take_pending_error;
  std::function<SystemError(NativeSocket)> check_connected;

  std::size_t receive_calls = 0;
  std::size_t send_calls = 0;
  std::size_t connect_calls = 0;
  std::size_t accept_calls = 0;
  std::size_t check_connected_calls = 0;

  const SocketOps& real = SystemSocketOps();

 private:
  std::unique_ptr<ScopedSocketOps> scope_;
};

// Copies into `taken` the first `budget` bytes of `buffers` (a short
// write's worth: it may stop inside a buffer); returns the buffer count.
std::size_t TakeAtMost(const ConstBuffer* buffers, std::size_t count,
                       std::size_t budget, ConstBuffer* taken);

// Makes `faults` send as if `peer` had a receive window of `window` bytes:
// a send takes at most what the window has left (bytes sent minus bytes
// the peer read so far), else it would block. The socket stays writable,
// so readiness keeps coming while the peer reads at its own pace: a slow
// reader, without the delayed-ACK stalls tiny kernel buffers cause on
// loopback. Counts the sends of every socket: use it where only one
// connection sends through the library.
void LimitSendsToPeerWindow(FaultInjector& faults, const RawPeer& peer,
                            std::size_t window);

// Returns the code the classification table names `name` ("EINTR"; on
// Windows "WSAEINTR" is found too), for tests that inject errors; fails the
// test if the table lacks it.
SystemError CodeNamed(std::string_view name);

// Returns every code the table puts in `error_class` for `op`, in table
// order (so tests inject each code of a class on every OS family).
std::vector<SystemError> CodesOf(SocketOp op, ErrorClass error_class);

}  // namespace asycamore::testing

#endif  // ASYCAMORE_TESTS_TCPSOCKET_TEST_PEER_H_
