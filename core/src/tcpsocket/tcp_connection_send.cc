// TcpConnection's write path, the one every writer shares (Send, and
// WriteIterable through the observer): the queue, the eager first send,
// the flush on writability, the watermarks and the ENOBUFS retry timer.
//
//   Send: with the queue empty and the connection connected, send at once
//     from the caller's bytes (an echo reply costs one send call, no copy,
//     no allocation); queue only what the socket did not take.
//   Flush: gathered sends of the queue's chunks, at most
//     max_sends_per_event per call; each short write resumes at the first
//     byte not taken. A WriteIterable hears of every send before it starts
//     and after it returns, which is how its per-item notices stay exact.
//   Would-block arms write interest (WantedInterest: bytes are queued);
//     the queue going empty disarms it.
//   ENOBUFS / ENOMEM: write interest off (readiness would report the
//     socket writable at once and spin) and one retry timer. The connection
//     has exactly one: a second shortage while it is pending (reading or
//     writing) joins it, it is cancelled on close and in the destructor.
//   Any other error aborts the connection with the error recorded.
#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "asycamore/tcpsocket/io_step.h"
#include "asycamore/tcpsocket/socket_ops.h"
#include "asycamore/tcpsocket/tcp_connection.h"
#include "internal.h"

namespace asycamore {

bool TcpConnection::SendingAllowed() const {
  return !tearing_down_ && close_mode_ == CloseMode::kNone &&
         (state_ == ConnectionState::kConnected ||
          state_ == ConnectionState::kConnecting);
}

absl::Status TcpConnection::SendRefused(std::size_t size) const {
  return absl::FailedPreconditionError(absl::StrCat(
      "TcpConnection::Send(", size, " bytes): the connection is ",
      internal::AsAbsl(ConnectionStateName(state_)),
      close_mode_ != CloseMode::kNone ? " (its write side is shut)" : ""));
}

absl::Status TcpConnection::Send(std::string_view bytes) {
  if (!SendingAllowed()) return SendRefused(bytes.size());
  if (bytes.empty()) return absl::OkStatus();
  if (state_ == ConnectionState::kConnected && queue_.empty() && !flushing_ &&
      !write_backoff_) {
    const ConstBuffer buffer{bytes.data(), bytes.size()};
    const IoStep step = SendStep(socket_.get(), &buffer, 1);
    ++send_calls_;
    switch (step.status) {
      case IoStatus::kOk:
        queue_.CountSentPast(step.bytes);
        bytes.remove_prefix(step.bytes);
        if (bytes.empty()) return absl::OkStatus();
        break;  // a short write: the socket is full, queue the rest
      case IoStatus::kWouldBlock:
        break;
      case IoStatus::kNoBuffers:
        write_backoff_ = true;
        ArmRetryTimer();
        break;
      case IoStatus::kEnd:
      case IoStatus::kError: {
        const SystemError error = step.error;
        last_error_ = error;
        Teardown();
        return SocketErrorStatus(error, "TcpConnection::Send: send");
      }
    }
    queue_.Append(bytes);
    AliveGuard guard(*this);
    RefreshInterest();
    if (guard.alive()) AfterAppend();
    return absl::OkStatus();
  }
  queue_.Append(bytes);
  AfterAppend();
  return absl::OkStatus();
}

absl::Status TcpConnection::Send(absl::Cord bytes) {
  if (!SendingAllowed()) return SendRefused(bytes.size());
  if (bytes.empty()) return absl::OkStatus();
  const bool was_empty = queue_.empty();
  queue_.Append(std::move(bytes));
  if (was_empty && state_ == ConnectionState::kConnected && !flushing_ &&
      !write_backoff_) {
    AliveGuard guard(*this);
    const FlushResult result = FlushQueue(options_.max_sends_per_event);
    if (!guard.alive()) return absl::OkStatus();
    if (result == FlushResult::kStopped &&
        state_ == ConnectionState::kClosed && last_error_ != kNoSystemError) {
      return SocketErrorStatus(last_error_, "TcpConnection::Send: send");
    }
    if (state_ == ConnectionState::kClosed) return absl::OkStatus();
  }
  AfterAppend();
  return absl::OkStatus();
}

void TcpConnection::AfterAppend() {
  if (write_blocked_ || queue_.size() <= options_.high_watermark) return;
  write_blocked_ = true;
  if (options_.on_write_blocked) options_.on_write_blocked(*this);
}

void TcpConnection::OnWritable() {
  if (observer_ != nullptr) {
    observer_wants_room_ = false;
    observer_->OnRoom();  // it flushes, then takes more items
    return;
  }
  FlushQueue(options_.max_sends_per_event);
}

void TcpConnection::RequestRoom() {
  observer_wants_room_ = true;
  RefreshInterest();
}

TcpConnection::FlushResult TcpConnection::FlushQueue(int max_sends) {
  if (flushing_) return FlushResult::kWaiting;  // the outer flush sends it
  if (!WriteSideOpen() || tearing_down_) return FlushResult::kStopped;
  if (write_backoff_) return FlushResult::kWaiting;
  AliveGuard guard(*this);
  flushing_ = true;
  FlushResult result = FlushResult::kDrained;
  for (int sends = 0; !queue_.empty();) {
    if (sends >= max_sends) {
      result = FlushResult::kBudgetSpent;
      break;
    }
    ConstBuffer buffers[kMaxSendBuffers];
    std::size_t offered = 0;
    std::size_t count = queue_.Peek(buffers, kMaxSendBuffers, offered);
    if (observer_ != nullptr) {
      const std::uint64_t generation = queue_.generation();
      const std::uint64_t from = queue_.sent_position();
      observer_->OnSendStarting(from, from + offered);
      if (!guard.alive()) return FlushResult::kStopped;
      if (!WriteSideOpen() || tearing_down_) {
        result = FlushResult::kStopped;
        break;
      }
      // Its callback may have appended (moving memory the buffers point to).
      if (queue_.generation() != generation) {
        count = queue_.Peek(buffers, kMaxSendBuffers, offered);
      }
    }
    const IoStep step = SendStep(socket_.get(), buffers, count);
    ++sends;
    ++send_calls_;
    if (step.status == IoStatus::kOk) {
      queue_.Consume(step.bytes);
      if (write_blocked_ && queue_.size() <= options_.low_watermark) {
        write_blocked_ = false;
        if (options_.on_drained) {
          options_.on_drained(*this);
          if (!guard.alive()) return FlushResult::kStopped;
        }
      }
      if (observer_ != nullptr) {
        observer_->OnSent(queue_.sent_position());
        if (!guard.alive()) return FlushResult::kStopped;
      }
      if (!WriteSideOpen() || tearing_down_) {
        result = FlushResult::kStopped;
        break;
      }
      continue;
    }
    if (step.status == IoStatus::kWouldBlock) {
      result = FlushResult::kWaiting;
      break;
    }
    if (step.status == IoStatus::kNoBuffers) {
      write_backoff_ = true;
      ArmRetryTimer();
      result = FlushResult::kWaiting;
      break;
    }
    flushing_ = false;
    last_error_ = step.error;
    Teardown();
    return FlushResult::kStopped;
  }
  flushing_ = false;
  if (result == FlushResult::kStopped || state_ == ConnectionState::kClosed) {
    return FlushResult::kStopped;
  }
  if (queue_.empty()) {
    result = FlushResult::kDrained;
    OnQueueEmpty();  // the FIN, if Shutdown or Close asked for one
    if (!guard.alive() || state_ == ConnectionState::kClosed) {
      return FlushResult::kStopped;
    }
  }
  RefreshInterest();
  if (!guard.alive() || state_ == ConnectionState::kClosed) {
    return FlushResult::kStopped;
  }
  return result;
}

void TcpConnection::BackOffReading() {
  read_backoff_ = true;
  ArmRetryTimer();
  RefreshInterest();
}

void TcpConnection::ArmRetryTimer() {
  if (retry_timer_.valid() || loop_ == nullptr) return;  // one, never two
  retry_timer_ = loop_->RunAfter(options_.no_buffers_backoff, [this] {
    retry_timer_ = TimerId();
    OnRetryTimer();
  });
}

void TcpConnection::OnRetryTimer() {
  const bool retry_write = write_backoff_;
  read_backoff_ = false;
  write_backoff_ = false;
  AliveGuard guard(*this);
  // Reading resumes with readiness (level-triggered: data still waiting is
  // reported on the next turn); writing is retried now.
  if (retry_write && WriteSideOpen()) {
    OnWritable();
    if (!guard.alive()) return;
  }
  RefreshInterest();
}

}  // namespace asycamore
