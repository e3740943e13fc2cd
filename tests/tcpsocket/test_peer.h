// Connections and helpers shared by the tcpsocket tests. They are built on
// the library's own portable calls so the same tests run on every OS.
#ifndef ASYCAMORE_TESTS_TCPSOCKET_TEST_PEER_H_
#define ASYCAMORE_TESTS_TCPSOCKET_TEST_PEER_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "asycamore/event.h"
#include "asycamore/event_loop.h"
#include "asycamore/tcpsocket/tcpsocket.h"

namespace asycamore::testing {

// Records every event it is given, and the state it was in at that moment.
class RecordingConnection : public TcpConnection {
 public:
  RecordingConnection() = default;
  RecordingConnection(EventLoop& loop, NativeSocket socket,
                      ConnectionCloser closer = nullptr)
      : TcpConnection(loop, socket, std::move(closer)) {}

  void dispatch_event(const Event& event) override {
    events.push_back(event);
    states.push_back(dispatch_state());
    if (on_event) on_event(*this, event);
  }

  std::vector<Event> events;
  std::vector<ConnectionState> states;
  std::function<void(RecordingConnection&, const Event&)> on_event;
};

// A connection that reads with DataReader into `received` and writes what
// Send() queues, in order, with a SocketWriter.
class StreamConnection : public TcpConnection {
 public:
  StreamConnection(EventLoop& loop, NativeSocket socket,
                   ConnectionCloser closer = nullptr,
                   DataReaderOptions options = {});
  StreamConnection(DataReaderOptions options = {});

  void dispatch_event(const Event& event) override;

  // Queues bytes to send and sends what the socket takes now.
  void Send(std::string bytes);
  // Ends the sending direction once everything queued went out.
  void ShutdownAfterSends();
  bool all_sent() const { return queue_.empty(); }

  DataReader& reader() { return *reader_; }

  std::string received;
  bool ended = false;                  // the peer's end was read
  IoStep failed_step;                  // the read step that failed, if any
  bool failed = false;
  std::function<void(StreamConnection&, absl::string_view)> on_data;
  std::function<void(StreamConnection&)> on_connected;
  std::size_t connect_events = 0;

 private:
  void Flush();
  DataReaderOptions WithHooks(DataReaderOptions options);

  std::unique_ptr<DataReader> reader_;
  std::deque<std::string> queue_;
  SocketWriter writer_;
  bool shutdown_after_ = false;
};

// Returns a factory that builds StreamConnections and remembers them in
// `made` (the server owns them; the pointers stay valid until they close).
ConnectionFactory StreamFactory(std::vector<StreamConnection*>* made,
                                DataReaderOptions options = {});

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
  void Add(absl::string_view bytes);
  std::uint64_t value() const { return hash_; }
  std::uint64_t bytes() const { return bytes_; }

 private:
  std::uint64_t hash_ = 1469598103934665603ull;
  std::uint64_t bytes_ = 0;
};

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

// Returns the code the classification table names `name` ("EINTR"; on
// Windows "WSAEINTR" is found too), for tests that inject errors; fails the
// test if the table lacks it.
SystemError CodeNamed(absl::string_view name);

// Returns every code the table puts in `error_class` for `op`, in table
// order (so tests inject each code of a class on every OS family).
std::vector<SystemError> CodesOf(SocketOp op, ErrorClass error_class);

}  // namespace asycamore::testing

#endif  // ASYCAMORE_TESTS_TCPSOCKET_TEST_PEER_H_
