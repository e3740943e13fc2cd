#include "asycamore/tcpsocket/tcp_connection.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "asycamore/tcpsocket/socket_control.h"
#include "internal.h"

namespace asycamore {

TcpConnection::TcpConnection(EventLoop& loop, NativeSocket socket,
                             ConnectionCloser closer)
    : loop_(&loop),
      socket_(socket),
      state_(socket == kInvalidSocket ? ConnectionState::kClosed
                                      : ConnectionState::kConnected),
      closer_(std::move(closer)) {}

TcpConnection::~TcpConnection() {
  // A connect result being delivered learns through this flag that its
  // target is gone (see ConnectDriver::Deliver).
  if (destroyed_flag_ != nullptr) *destroyed_flag_ = true;
  CancelConnectTimers();
  ReleaseSocket();
}

void TcpConnection::Router::dispatch_event(const Event& event) {
  switch (owner_->state_) {
    case ConnectionState::kConnecting:
      internal::ConnectDriver::OnEvent(*owner_, event);
      return;
    case ConnectionState::kConnected:
      owner_->dispatch_event(event);
      return;
    case ConnectionState::kClosing:
    case ConnectionState::kClosed:
      // Unreachable: the registration ends before these states are left
      // visible to the loop. Dropping is the safe answer anyway.
      return;
  }
}

absl::Status TcpConnection::WatchRead(bool on) {
  if (want_read_ == on) return absl::OkStatus();
  if (socket_ == kInvalidSocket || state_ == ConnectionState::kClosing) {
    if (!on) return absl::OkStatus();
    return absl::FailedPreconditionError(
        absl::StrCat("WatchRead: the connection is ",
                     ConnectionStateName(state_)));
  }
  want_read_ = on;
  absl::Status status = UpdateRegistration();
  if (!status.ok()) want_read_ = !on;
  return status;
}

absl::Status TcpConnection::WatchWrite(bool on) {
  if (want_write_ == on) return absl::OkStatus();
  if (socket_ == kInvalidSocket || state_ == ConnectionState::kClosing) {
    if (!on) return absl::OkStatus();
    return absl::FailedPreconditionError(
        absl::StrCat("WatchWrite: the connection is ",
                     ConnectionStateName(state_)));
  }
  want_write_ = on;
  absl::Status status = UpdateRegistration();
  if (!status.ok()) want_write_ = !on;
  return status;
}

absl::Status TcpConnection::UpdateRegistration() {
  const Interest wanted = (want_read_ ? Interest::kRead : Interest::kNone) |
                          (want_write_ ? Interest::kWrite : Interest::kNone);
  if (wanted == registered_interest_) return absl::OkStatus();
  if (wanted == Interest::kNone) {
    // The dispatcher refuses an empty interest: watching nothing is
    // deregistering.
    absl::Status status = loop_->Deregister(registration_);
    registration_ = RegistrationHandle();
    registered_interest_ = Interest::kNone;
    return status;
  }
  if (!registration_.valid()) {
    absl::StatusOr<RegistrationHandle> handle =
        loop_->Register(socket_, wanted, &router_);
    if (!handle.ok()) return handle.status();
    registration_ = *handle;
  } else {
    if (absl::Status status = loop_->SetInterest(registration_, wanted);
        !status.ok()) {
      return status;
    }
  }
  registered_interest_ = wanted;
  return absl::OkStatus();
}

void TcpConnection::CancelConnectTimers() {
  if (loop_ == nullptr) return;
  if (immediate_timer_.valid()) loop_->CancelTimer(immediate_timer_);
  if (timeout_timer_.valid()) loop_->CancelTimer(timeout_timer_);
  immediate_timer_ = TimerId();
  timeout_timer_ = TimerId();
  connect_completed_at_once_ = false;
}

void TcpConnection::ReleaseSocket() {
  // Deregister before closing: once closed, the descriptor number can be
  // reused by the next socket the process opens.
  if (registration_.valid()) {
    loop_->Deregister(registration_).IgnoreError();
    registration_ = RegistrationHandle();
  }
  registered_interest_ = Interest::kNone;
  want_read_ = false;
  want_write_ = false;
  if (socket_ != kInvalidSocket) {
    CloseNativeSocket(socket_);
    socket_ = kInvalidSocket;
  }
}

void TcpConnection::Close() {
  if (state_ == ConnectionState::kClosed ||
      state_ == ConnectionState::kClosing) {
    return;
  }
  state_ = ConnectionState::kClosing;
  CancelConnectTimers();
  ReleaseSocket();
  state_ = ConnectionState::kClosed;
  if (closer_) {
    // Moved out first: the closer may destroy this connection.
    ConnectionCloser closer = std::move(closer_);
    closer_ = nullptr;
    closer(*this);
  }
}

}  // namespace asycamore
