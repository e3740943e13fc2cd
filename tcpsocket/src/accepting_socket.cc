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

namespace {

// Makes the accept call on `listener`: on success `socket` owns the new
// socket (the result's status is then kAccepted, to be completed by the
// caller); otherwise the result says what the failure means.
AcceptResult TakeOne(NativeSocket listener, OwnedSocket& socket) {
  AcceptResult result;
  const AcceptedSocket accepted = CurrentSocketOps().accept(listener);
  if (accepted.error == kNoSystemError) {
    socket.reset(accepted.socket);
    result.status = AcceptStatus::kAccepted;
    return result;
  }
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

// Serves an accepted socket on `server_state`: TCP_NODELAY if asked for,
// the factory, adoption, watching (the part of ServerAccept after the
// accept call, shared with AdoptAccepted).
AcceptResult Deliver(AcceptingSocket& server_state, OwnedSocket socket,
                     ConnectionFactory& connection_factory,
                     ConnectionCloser connection_closer);

}  // namespace

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
  RegistrationHandle registration;
  if (listener_.valid()) {  // without one it serves handed-over sockets only
    absl::StatusOr<RegistrationHandle> handle =
        loop.Register(listener_.get(), Interest::kRead, this);
    if (!handle.ok()) {
      return absl::Status(handle.status().code(),
                          absl::StrCat("AcceptingSocket::Start(",
                                       local_address_.ToString(),
                                       "): ", handle.status().message()));
    }
    registration = *handle;
  }
  loop_ = &loop;
  factory_ = std::move(factory);
  options_ = options;
  if (options_.max_accepts_per_event < 1) options_.max_accepts_per_event = 1;
  registration_ = registration;
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

void AcceptingSocket::Count(const AcceptResult& result) {
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
    case AcceptStatus::kOutOfDescriptors:
      ++stats_.exhaustion_pauses;
      break;
    case AcceptStatus::kError:
      ++stats_.errors;
      break;
    case AcceptStatus::kHandedOff:
      ++stats_.handed_off;
      break;
    case AcceptStatus::kHandOffRefused:
      ++stats_.hand_off_refused;
      break;
    case AcceptStatus::kWouldBlock:
      break;
  }
}

void AcceptingSocket::dispatch_event(const Event& event) {
  (void)event;  // the accept call decides
  ++stats_.readiness_events;
  for (int i = 0; i < options_.max_accepts_per_event; ++i) {
    if (!started_ || paused_) return;
    const AcceptResult result = hand_off_.empty()
                                    ? ServerAccept(*this, factory_, nullptr)
                                    : AcceptAndHandOff();
    Count(result);
    switch (result.status) {
      case AcceptStatus::kWouldBlock:
        return;
      case AcceptStatus::kOutOfDescriptors:
        Pause();
        return;
      case AcceptStatus::kError:
        // The listener itself is in trouble. Readiness would report it again
        // at once, so back off rather than spin.
        Pause();
        return;
      default:
        break;
    }
  }
  // The budget is spent; the level-triggered listener reports the rest on
  // the next turn, after the other sockets had theirs.
}

void AcceptingSocket::HandOffTo(std::vector<HandOffTarget> targets) {
  hand_off_.clear();
  next_hand_off_ = 0;
  for (HandOffTarget& target : targets) {
    const bool here = target.server.lock().get() == this;
    hand_off_.push_back(HandOff{std::move(target), here});
  }
}

AcceptResult AcceptingSocket::AcceptAndHandOff() {
  OwnedSocket socket;
  AcceptResult result = TakeOne(listener_.get(), socket);
  if (!socket.valid()) return result;
  if (next_hand_off_ >= hand_off_.size()) next_hand_off_ = 0;
  const std::size_t index = next_hand_off_++;
  HandOff& next = hand_off_[index];
  if (next.here) return Deliver(*this, std::move(socket), factory_, nullptr);
  // A refused Post destroys the task, and the socket with it: closed.
  const bool posted = next.target.loop.Post(
      [server = next.target.server, socket = std::move(socket)]() mutable {
        if (std::shared_ptr<AcceptingSocket> alive = server.lock()) {
          alive->AdoptAccepted(std::move(socket));
        }
      });
  if (posted) {
    result.status = AcceptStatus::kHandedOff;
    return result;
  }
  // That loop is gone for good: it gets no more sockets (with no target
  // left, this server serves them all).
  hand_off_.erase(hand_off_.begin() + static_cast<std::ptrdiff_t>(index));
  next_hand_off_ = index;
  result.status = AcceptStatus::kHandOffRefused;
  return result;
}

AcceptResult AcceptingSocket::AdoptAccepted(OwnedSocket socket) {
  AcceptResult result;
  if (!started_) {
    result.status = AcceptStatus::kRejected;  // `socket` closes here
  } else {
    result = Deliver(*this, std::move(socket), factory_, nullptr);
  }
  Count(result);
  return result;
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
  OwnedSocket socket;
  const AcceptResult taken = TakeOne(server_state.socket(), socket);
  if (!socket.valid()) return taken;
  return Deliver(server_state, std::move(socket), connection_factory,
                 std::move(connection_closer));
}

namespace {

AcceptResult Deliver(AcceptingSocket& server_state, OwnedSocket socket,
                     ConnectionFactory& connection_factory,
                     ConnectionCloser connection_closer) {
  AcceptResult result;
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

}  // namespace
}  // namespace asycamore
