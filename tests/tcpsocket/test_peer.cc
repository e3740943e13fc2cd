#include "test_peer.h"

#include <algorithm>
#include <utility>

#include "gtest/gtest.h"
#include "support/sockets.h"

#ifdef _WIN32
#include <winsock2.h>
#else
#include <sys/socket.h>
#endif

namespace asycamore::testing {

namespace {

ConnectionOptions ConnectionOptionsFor(const StreamSettings& settings) {
  ConnectionOptions options;
  options.high_watermark = settings.high_watermark;
  options.low_watermark = settings.low_watermark;
  options.no_buffers_backoff = settings.no_buffers_backoff;
  if (settings.echo) {
    options.on_write_blocked = [](TcpConnection& self) { self.PauseReading(); };
    options.on_drained = [](TcpConnection& self) { self.ResumeReading(); };
  }
  return options;
}

}  // namespace

StreamConnection::StreamConnection(EventLoop& loop, OwnedSocket socket,
                                   ConnectionCloser closer,
                                   const StreamSettings& settings)
    : TcpConnection(loop, std::move(socket), std::move(closer),
                    ConnectionOptionsFor(settings)),
      reader_(MakeReader(settings)) {}

StreamConnection::StreamConnection(const StreamSettings& settings)
    : TcpConnection(ConnectionOptionsFor(settings)),
      reader_(MakeReader(settings)) {}

std::unique_ptr<DataReader> StreamConnection::MakeReader(
    const StreamSettings& settings) {
  DataReaderOptions options;
  options.buffer_size = settings.buffer_size;
  options.max_reads_per_event = settings.max_reads_per_event;
  options.close_on_end = settings.close_on_end;
  options.on_end = [this] { ended = true; };
  options.on_error = [this](const IoStep& step) {
    failed = true;
    failed_step = step;
  };
  const bool echo = settings.echo;
  return std::make_unique<DataReader>(
      *this,
      [this, echo](std::string_view data) {
        received.append(data);
        if (echo) (void)TcpConnection::Send(data);
        if (on_data) on_data(*this, data);
      },
      std::move(options));
}

void StreamConnection::dispatch_event(const Event& event) {
  if (dispatch_state() == ConnectionState::kConnecting) {
    ++connect_events;
    if (!event.error && on_connected) on_connected(*this);
    return;
  }
  if (event.readable) reader_->OnReadable();
}

void StreamConnection::Send(std::string_view bytes) {
  const absl::Status status = TcpConnection::Send(bytes);
  EXPECT_TRUE(status.ok()) << status;
}

ConnectionFactory StreamFactory(std::vector<StreamConnection*>* made,
                                const StreamSettings& settings) {
  return [made, settings](OwnedSocket socket, AcceptingSocket& server,
                          ConnectionCloser closer)
             -> std::unique_ptr<TcpConnection> {
    auto connection = std::make_unique<StreamConnection>(
        *server.loop(), std::move(socket), std::move(closer), settings);
    if (made != nullptr) made->push_back(connection.get());
    return connection;
  };
}

std::string PatternStream::Fill(std::size_t size) {
  std::string bytes(size, '\0');
  for (char& byte : bytes) {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    byte = static_cast<char>(state_ >> 24);
  }
  return bytes;
}

void Checksum::Add(std::string_view bytes) {
  for (const char byte : bytes) {
    hash_ ^= static_cast<unsigned char>(byte);
    hash_ *= 1099511628211ull;
  }
  bytes_ += bytes.size();
}

RawPeer::~RawPeer() {
  if (socket != kInvalidSocket) CloseSocket(socket);
}

std::size_t RawPeer::ReadSome(std::size_t max) {
  char buffer[16384];
  std::size_t total = 0;
  while (total < max && !ended && !reset) {
    const long got = ReceiveBytes(
        socket, buffer, std::min(sizeof buffer, max - total));
    if (got == 0) {
      ended = true;
    } else if (got < 0) {
      const int error = LastSocketError();
      if (ClassifyError(SocketOp::kRead, error) != ErrorClass::kWouldBlock) {
        reset = true;
      }
      break;
    } else {
      received.Add(std::string_view(buffer, static_cast<std::size_t>(got)));
      total += static_cast<std::size_t>(got);
    }
  }
  return total;
}

void ShrinkSocketBuffers(NativeSocket socket, int bytes) {
  for (int option : {SO_SNDBUF, SO_RCVBUF}) {
    EXPECT_EQ(::setsockopt(socket, SOL_SOCKET, option,
                           reinterpret_cast<const char*>(&bytes), sizeof bytes),
              0);
  }
}

ConnectionPair MakeConnectionPair(EventLoop& loop, ConnectionOptions options,
                                  ConnectionCloser closer, bool small_buffers) {
  const SocketPair pair = MakeTcpLoopbackPair();
  if (small_buffers) {
    ShrinkSocketBuffers(pair.first);
    ShrinkSocketBuffers(pair.second);
  }
  ConnectionPair made;
  made.connection = std::make_unique<RecordingConnection>(
      loop, OwnedSocket(pair.first), std::move(closer), std::move(options));
  made.peer = std::make_unique<RawPeer>(pair.second);
  return made;
}

namespace {

FaultInjector* active_injector = nullptr;

IoResult InjectedReceive(NativeSocket socket, void* buffer, std::size_t size) {
  FaultInjector& f = *active_injector;
  ++f.receive_calls;
  return f.receive ? f.receive(socket, buffer, size)
                   : f.real.receive(socket, buffer, size);
}
IoResult InjectedSend(NativeSocket socket, const ConstBuffer* buffers,
                      std::size_t count) {
  FaultInjector& f = *active_injector;
  ++f.send_calls;
  return f.send ? f.send(socket, buffers, count)
                : f.real.send(socket, buffers, count);
}
SystemError InjectedConnect(NativeSocket socket, const SocketAddress& address) {
  FaultInjector& f = *active_injector;
  ++f.connect_calls;
  return f.connect ? f.connect(socket, address)
                   : f.real.connect(socket, address);
}
AcceptedSocket InjectedAccept(NativeSocket listener) {
  FaultInjector& f = *active_injector;
  ++f.accept_calls;
  return f.accept ? f.accept(listener) : f.real.accept(listener);
}
PendingError InjectedTakePendingError(NativeSocket socket) {
  FaultInjector& f = *active_injector;
  return f.take_pending_error ? f.take_pending_error(socket)
                              : f.real.take_pending_error(socket);
}
SystemError InjectedCheckConnected(NativeSocket socket) {
  FaultInjector& f = *active_injector;
  ++f.check_connected_calls;
  return f.check_connected ? f.check_connected(socket)
                           : f.real.check_connected(socket);
}

constexpr SocketOps kInjectedOps = {
    .receive = InjectedReceive,
    .send = InjectedSend,
    .connect = InjectedConnect,
    .accept = InjectedAccept,
    .take_pending_error = InjectedTakePendingError,
    .check_connected = InjectedCheckConnected,
};

}  // namespace

FaultInjector::FaultInjector() {
  EXPECT_EQ(active_injector, nullptr) << "one FaultInjector at a time";
  active_injector = this;
  scope_ = std::make_unique<ScopedSocketOps>(kInjectedOps);
}

FaultInjector::~FaultInjector() {
  scope_.reset();
  active_injector = nullptr;
}

std::size_t TakeAtMost(const ConstBuffer* buffers, std::size_t count,
                       std::size_t budget, ConstBuffer* taken) {
  std::size_t n = 0;
  for (; n < count && budget > 0; ++n) {
    taken[n] = buffers[n];
    taken[n].size = std::min(taken[n].size, budget);
    budget -= taken[n].size;
  }
  return n;
}

void LimitSendsToPeerWindow(FaultInjector& faults, const RawPeer& peer,
                            std::size_t window) {
  auto sent = std::make_shared<std::uint64_t>(0);
  faults.send = [&faults, &peer, window, sent](NativeSocket socket,
                                               const ConstBuffer* buffers,
                                               std::size_t count) {
    const std::uint64_t in_flight = *sent - peer.received.bytes();
    if (in_flight >= window) return IoResult{0, CodeNamed("EAGAIN")};
    ConstBuffer limited[kMaxSendBuffers];
    const std::size_t n =
        TakeAtMost(buffers, count, window - in_flight, limited);
    const IoResult result = faults.real.send(socket, limited, n);
    *sent += result.bytes;
    return result;
  };
}

SystemError CodeNamed(std::string_view name) {
#ifdef _WIN32
  // Winsock has no code of these names: the tests mean the Winsock code of
  // the same class for the call they inject into.
  static constexpr std::pair<std::string_view, std::string_view>
      kWinsockEquivalents[] = {
          {"EAGAIN", "WSAEWOULDBLOCK"},       // read, write, accept
          {"EINPROGRESS", "WSAEWOULDBLOCK"},  // connect: started
          {"EPIPE", "WSAESHUTDOWN"},          // write: sending side ended
          {"EPROTO", "WSAECONNRESET"},        // accept: reset before taken
          {"ENFILE", "WSAEMFILE"},            // accept: no descriptor left
          {"ENOMEM", "WSAENOBUFS"},           // no buffer memory
      };
  for (const auto& [posix, winsock] : kWinsockEquivalents) {
    if (name == posix) name = winsock;
  }
#endif
  const std::string wsa = "WSA" + std::string(name);
  for (const ErrorClassEntry& entry : ErrorClassTable()) {
    if (entry.name == name || entry.name == wsa) return entry.code;
  }
  ADD_FAILURE() << "the classification table names no " << name;
  return kNoSystemError;
}

std::vector<SystemError> CodesOf(SocketOp op, ErrorClass error_class) {
  std::vector<SystemError> codes;
  for (const ErrorClassEntry& entry : ErrorClassTable()) {
    if (entry.op == op && entry.error_class == error_class) {
      codes.push_back(entry.code);
    }
  }
  EXPECT_FALSE(codes.empty()) << "the table has no " << SocketOpName(op)
                              << " code of class "
                              << ErrorClassName(error_class);
  return codes;
}

}  // namespace asycamore::testing
