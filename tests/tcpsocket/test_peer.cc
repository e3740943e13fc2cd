#include "test_peer.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace asycamore::testing {

StreamConnection::StreamConnection(EventLoop& loop, NativeSocket socket,
                                   ConnectionCloser closer,
                                   DataReaderOptions options)
    : TcpConnection(loop, socket, std::move(closer)),
      reader_(std::make_unique<DataReader>(
          *this,
          [this](absl::string_view data) {
            received.append(data.data(), data.size());
            if (on_data) on_data(*this, data);
          },
          WithHooks(std::move(options)))) {}

StreamConnection::StreamConnection(DataReaderOptions options)
    : reader_(std::make_unique<DataReader>(
          *this,
          [this](absl::string_view data) {
            received.append(data.data(), data.size());
            if (on_data) on_data(*this, data);
          },
          WithHooks(std::move(options)))) {}

DataReaderOptions StreamConnection::WithHooks(DataReaderOptions options) {
  options.on_end = [this, inner = std::move(options.on_end)]() mutable {
    ended = true;
    if (inner) inner();
  };
  options.on_error = [this, inner = std::move(options.on_error)](
                         const IoStep& step) mutable {
    failed = true;
    failed_step = step;
    if (inner) inner(step);
  };
  return options;
}

void StreamConnection::dispatch_event(const Event& event) {
  if (dispatch_state() == ConnectionState::kConnecting) {
    ++connect_events;
    if (!event.error && on_connected) on_connected(*this);
    return;
  }
  if (event.readable) {
    reader_->OnReadable();
    if (dispatch_state() != ConnectionState::kConnected) return;
  }
  if (event.writable) Flush();
}

void StreamConnection::Send(std::string bytes) {
  queue_.push_back(std::move(bytes));
  Flush();
}

void StreamConnection::ShutdownAfterSends() {
  shutdown_after_ = true;
  Flush();
}

void StreamConnection::Flush() {
  if (socket() == kInvalidSocket) return;
  bool bound = !writer_.done();
  while (!queue_.empty()) {
    if (!bound) {
      writer_.Reset(queue_.front());  // deque elements do not move
      bound = true;
    }
    const IoStep step = writer_.Step(socket());
    if (step.ok()) {
      if (writer_.done()) {
        queue_.pop_front();
        bound = false;
      }
      continue;
    }
    if (step.status == IoStatus::kWouldBlock ||
        step.status == IoStatus::kNoBuffers) {
      WatchWrite(true).IgnoreError();
      return;
    }
    set_last_error(step.error);
    Close();
    return;
  }
  WatchWrite(false).IgnoreError();
  if (shutdown_after_) {
    shutdown_after_ = false;
    EXPECT_TRUE(ShutdownSend(socket()).ok());
  }
}

ConnectionFactory StreamFactory(std::vector<StreamConnection*>* made,
                                DataReaderOptions options) {
  return [made, options = std::make_shared<DataReaderOptions>(
                    std::move(options))](NativeSocket socket,
                                         AcceptingSocket& server,
                                         ConnectionCloser closer)
             -> std::unique_ptr<TcpConnection> {
    DataReaderOptions copy;
    copy.buffer_size = options->buffer_size;
    copy.max_reads_per_event = options->max_reads_per_event;
    copy.close_on_end = options->close_on_end;
    copy.no_buffers_backoff = options->no_buffers_backoff;
    auto connection = std::make_unique<StreamConnection>(
        *server.loop(), socket, std::move(closer), std::move(copy));
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

void Checksum::Add(absl::string_view bytes) {
  for (const char byte : bytes) {
    hash_ ^= static_cast<unsigned char>(byte);
    hash_ *= 1099511628211ull;
  }
  bytes_ += bytes.size();
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

SystemError CodeNamed(absl::string_view name) {
#ifdef _WIN32
  // Winsock has no code of these names: the tests mean the Winsock code of
  // the same class for the call they inject into.
  static constexpr std::pair<absl::string_view, absl::string_view>
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
  const std::string wsa = absl::StrCat("WSA", name);
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
