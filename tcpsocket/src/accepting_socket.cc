// ListenTcp, AcceptingSocket and ServerAccept (see accepting_socket.h for
// the accepting rules).
#include "asycamore/tcpsocket/accepting_socket.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "asycamore/tcpsocket/error_class.h"
#include "asycamore/tcpsocket/socket_control.h"
#include "asycamore/tcpsocket/socket_ops.h"
#include "internal.h"

namespace asycamore {

// Gives ServerAccept the server's private adopt/release.
struct ServerAcceptAccess {
  static TcpConnection* Adopt(AcceptingSocket& server,
                              std::unique_ptr<TcpConnection> connection) {
    return server.Adopt(std::move(connection));
  }
  static void Release(AcceptingSocket& server, TcpConnection& connection) {
    server.Release(connection);
  }
};

struct AcceptingSocket::Connections {
  absl::flat_hash_map<TcpConnection*, std::unique_ptr<TcpConnection>> owned;
};

AcceptingSocket::AcceptingSocket(OwnedSocket listener,
                                 SocketAddress local_address,
                                 const ListenOptions& options)
    : listener_(std::move(listener)),
      local_address_(local_address),
      listen_options_(options),
      connections_(std::make_unique<Connections>()) {}

std::size_t AcceptingSocket::connection_count() const {
  return connections_->owned.size();
}

AcceptingSocket::~AcceptingSocket() {
  Stop();
  if (bury_timer_.valid() && loop_ != nullptr) loop_->CancelTimer(bury_timer_);
  // Connections are destroyed, not closed: their closers would call back
  // into this half-destroyed server.
  connections_->owned.clear();
  dead_.clear();
  listener_.reset();
}

absl::Status AcceptingSocket::Start(EventLoop& loop, ConnectionFactory factory,
                                    const AcceptOptions& options) {
  if (started_) {
    return absl::FailedPreconditionError(absl::StrCat(
        "AcceptingSocket::Start(", local_address_.ToString(),
        "): already accepting"));
  }
  if (loop_ != nullptr && loop_ != &loop && !connections_->owned.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "AcceptingSocket::Start(", local_address_.ToString(),
        "): its connections live on another loop"));
  }
  absl::StatusOr<RegistrationHandle> handle =
      loop.Register(listener_.get(), Interest::kRead, this);
  if (!handle.ok()) {
    return absl::Status(handle.status().code(),
                        absl::StrCat("AcceptingSocket::Start(",
                                     local_address_.ToString(),
                                     "): ", handle.status().message()));
  }
  loop_ = &loop;
  factory_ = std::move(factory);
  options_ = options;
  if (options_.max_accepts_per_event < 1) options_.max_accepts_per_event = 1;
  registration_ = *handle;
  started_ = true;
  paused_ = false;
  return absl::OkStatus();
}

void AcceptingSocket::Stop() {
  if (loop_ == nullptr) return;
  if (resume_timer_.valid()) loop_->CancelTimer(resume_timer_);
  resume_timer_ = TimerId();
  if (registration_.valid()) {
    loop_->Deregister(registration_).IgnoreError();
    registration_ = RegistrationHandle();
  }
  started_ = false;
  paused_ = false;
}

std::vector<TcpConnection*> AcceptingSocket::OpenConnections() const {
  // A copy: a close that finishes at once releases its connection from the
  // map, so the map cannot be walked while closing.
  std::vector<TcpConnection*> open;
  open.reserve(connections_->owned.size());
  for (const auto& [raw, owned] : connections_->owned) open.push_back(raw);
  return open;
}

void AcceptingSocket::CloseAllConnections(absl::Duration timeout) {
  for (TcpConnection* connection : OpenConnections()) {
    connection->Close(timeout);
  }
}

void AcceptingSocket::AbortAllConnections() {
  for (TcpConnection* connection : OpenConnections()) connection->Abort();
}

void AcceptingSocket::dispatch_event(const Event& event) {
  (void)event;  // the accept call decides
  ++stats_.readiness_events;
  for (int i = 0; i < options_.max_accepts_per_event; ++i) {
    if (!started_ || paused_) return;
    const AcceptResult result = ServerAccept(*this, factory_, nullptr);
    if (result.no_delay_failed) ++stats_.no_delay_failures;
    switch (result.status) {
      case AcceptStatus::kAccepted:
        ++stats_.accepted;
        break;
      case AcceptStatus::kRejected:
        ++stats_.rejected;
        break;
      case AcceptStatus::kRetry:
        ++stats_.retried;
        break;
      case AcceptStatus::kWouldBlock:
        return;
      case AcceptStatus::kOutOfDescriptors:
        ++stats_.exhaustion_pauses;
        Pause();
        return;
      case AcceptStatus::kError:
        // The listener itself is in trouble. Readiness would report it again
        // at once, so back off rather than spin.
        ++stats_.errors;
        Pause();
        return;
    }
  }
  // The budget is spent; the level-triggered listener reports the rest on
  // the next turn, after the other sockets had theirs.
}

void AcceptingSocket::Pause() {
  if (registration_.valid()) {
    loop_->Deregister(registration_).IgnoreError();
    registration_ = RegistrationHandle();
  }
  paused_ = true;
  // One resume timer at a time: a second one would be lost to the
  // destructor's cancel and fire into a destroyed server.
  if (resume_timer_.valid()) loop_->CancelTimer(resume_timer_);
  resume_timer_ = loop_->RunAfter(options_.exhaustion_backoff, [this] {
    resume_timer_ = TimerId();
    Resume();
  });
}

void AcceptingSocket::Resume() {
  paused_ = false;
  if (!started_) return;
  absl::StatusOr<RegistrationHandle> handle =
      loop_->Register(listener_.get(), Interest::kRead, this);
  if (!handle.ok()) {
    // Registering can fail for the same shortage (epoll needs memory); try
    // again after the next backoff.
    ++stats_.errors;
    Pause();
    return;
  }
  registration_ = *handle;
}

TcpConnection* AcceptingSocket::Adopt(
    std::unique_ptr<TcpConnection> connection) {
  TcpConnection* raw = connection.get();
  connections_->owned.emplace(raw, std::move(connection));
  return raw;
}

void AcceptingSocket::Release(TcpConnection& connection) {
  auto it = connections_->owned.find(&connection);
  if (it == connections_->owned.end()) return;
  // The connection is probably still on the call stack (its Close runs the
  // closer): destroy it on a later turn.
  dead_.push_back(std::move(it->second));
  connections_->owned.erase(it);
  if (!bury_timer_.valid() && loop_ != nullptr) {
    bury_timer_ = loop_->RunAfter(absl::ZeroDuration(), [this] {
      bury_timer_ = TimerId();
      BuryDead();
    });
  }
}

void AcceptingSocket::BuryDead() {
  std::vector<std::unique_ptr<TcpConnection>> dead = std::move(dead_);
  dead_.clear();
  dead.clear();
}

absl::StatusOr<std::unique_ptr<AcceptingSocket>> ListenTcp(
    std::string_view ip, int port, const ListenOptions& options) {
  const auto fail = [&](const absl::Status& status) {
    return absl::Status(
        status.code(),
        absl::StrCat("ListenTcp(\"", internal::EscapedForMessage(ip), "\", ",
                     port, ", ", options.backlog,
                     options.reuse_port ? ", reuse_port" : "",
                     options.dual_stack ? ", dual_stack" : "",
                     options.no_delay ? ", no_delay" : "", "): ",
                     status.message()));
  };
  if (options.backlog < 0) {
    return fail(absl::InvalidArgumentError("the backlog must not be negative"));
  }
  absl::StatusOr<SocketAddress> address = SocketAddress::Parse(ip, port);
  if (!address.ok()) return fail(address.status());
  if (options.dual_stack &&
      address->family() != SocketAddress::Family::kIpv6) {
    return fail(absl::InvalidArgumentError(
        "dual_stack needs an IPv6 address (\"::\" takes both families)"));
  }
  absl::StatusOr<OwnedSocket> socket = OpenTcpSocket(address->family());
  if (!socket.ok()) return fail(socket.status());
  if (absl::Status status =
          internal::PrepareListener(socket->get(), *address, options);
      !status.ok()) {
    return fail(status);
  }
  absl::StatusOr<SocketAddress> local = LocalAddress(socket->get());
  if (!local.ok()) return fail(local.status());
  return std::make_unique<AcceptingSocket>(*std::move(socket), *local,
                                           options);
}

absl::StatusOr<std::unique_ptr<AcceptingSocket>> ListenTcp(std::string_view ip,
                                                           int port,
                                                           int backlog) {
  return ListenTcp(ip, port, ListenOptions{.backlog = backlog});
}

AcceptResult ServerAccept(AcceptingSocket& server_state,
                          ConnectionFactory& connection_factory,
                          ConnectionCloser connection_closer) {
  AcceptResult result;
  const AcceptedSocket accepted =
      CurrentSocketOps().accept(server_state.socket());
  if (accepted.error != kNoSystemError) {
    result.error = accepted.error;
    switch (ClassifyError(SocketOp::kAccept, accepted.error)) {
      case ErrorClass::kWouldBlock:
        result.status = AcceptStatus::kWouldBlock;
        break;
      case ErrorClass::kInterrupted:
      case ErrorClass::kAbortedRetry:
        result.status = AcceptStatus::kRetry;
        break;
      case ErrorClass::kOutOfDescriptors:
      case ErrorClass::kNoBuffers:
        result.status = AcceptStatus::kOutOfDescriptors;
        break;
      default:
        result.status = AcceptStatus::kError;
        break;
    }
    return result;
  }

  OwnedSocket socket(accepted.socket);
  if (server_state.listen_options().no_delay &&
      !SetNoDelay(socket.get(), true).ok()) {
    result.no_delay_failed = true;
  }
  AcceptingSocket* server = &server_state;
  // Without an extra closer the lambda holds one pointer, which fits
  // AnyInvocable's inline storage: no allocation per connection.
  ConnectionCloser closer;
  if (connection_closer) {
    closer = [server, extra = std::move(connection_closer)](
                 TcpConnection& connection) mutable {
      extra(connection);
      ServerAcceptAccess::Release(*server, connection);
    };
  } else {
    closer = [server](TcpConnection& connection) {
      ServerAcceptAccess::Release(*server, connection);
    };
  }
  std::unique_ptr<TcpConnection> made;
  if (connection_factory) {
    made = connection_factory(std::move(socket), server_state,
                              std::move(closer));
  }
  if (made == nullptr) {
    // The factory's OwnedSocket closed the socket (or it was handed on).
    result.status = AcceptStatus::kRejected;
    return result;
  }
  TcpConnection* connection =
      ServerAcceptAccess::Adopt(server_state, std::move(made));
  if (connection->dispatch_state() == ConnectionState::kClosed) {
    // The factory closed it already (its closer found nothing to release).
    ServerAcceptAccess::Release(server_state, *connection);
    result.status = AcceptStatus::kRejected;
    return result;
  }
  if (!connection->wants_read() && !connection->wants_write()) {
    if (absl::Status status = connection->WatchRead(true); !status.ok()) {
      // E.g. a select backend refusing a descriptor beyond FD_SETSIZE.
      connection->Abort();
      ServerAcceptAccess::Release(server_state, *connection);
      result.status = AcceptStatus::kRejected;
      return result;
    }
  }
  result.status = AcceptStatus::kAccepted;
  result.connection = connection;
  return result;
}

}  // namespace asycamore
