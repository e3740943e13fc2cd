// WriteIterable: items taken lazily from the source into the connection's
// write queue, each remembered with the stream positions of its first and
// last byte; the queue's progress (OnSendStarting / OnSent) is turned into
// the per-item notices.
//
// `pending_` holds the items taken and not completely sent, in order. Two
// cursors keep every notice O(1) amortised: `before_next_` is the first
// item whose before_send is not out yet (OnSendStarting starts there), and
// the front is the first item not completely sent (Settle starts there).
// Nothing is ever rescanned from an item's start.
#include "asycamore/tcpsocket/write_iterable.h"

#include <algorithm>
#include <utility>

namespace asycamore {
namespace {

// Sets a flag for a scope (the re-entry guards).
class FlagScope {
 public:
  explicit FlagScope(bool& flag) : flag_(flag) { flag_ = true; }
  ~FlagScope() { flag_ = false; }
  FlagScope(const FlagScope&) = delete;
  FlagScope& operator=(const FlagScope&) = delete;

 private:
  bool& flag_;
};

}  // namespace

ItemSource ItemsFrom(std::vector<WriteItem> items) {
  return [items = std::move(items),
          next = std::size_t{0}]() mutable -> std::optional<WriteItem> {
    if (next == items.size()) return std::nullopt;
    return std::move(items[next++]);
  };
}

WriteIterable::WriteIterable(TcpConnection& connection, ItemSource items,
                             WriteCallback for_each, bool before_and_after,
                             WriteOptions options)
    : connection_(&connection),
      source_(std::move(items)),
      for_each_(std::move(for_each)),
      before_and_after_(before_and_after),
      options_(std::move(options)) {
  if (options_.max_items_per_event < 1) options_.max_items_per_event = 1;
  if (!for_each_) for_each_ = [](const WriteItem&, WriteFlags) {};
}

WriteIterable::~WriteIterable() { Detach(); }

bool WriteIterable::Attach() {
  if (attached_) return true;
  if (connection_->observer_ != nullptr) return false;  // another writer
  connection_->observer_ = this;
  attached_ = true;
  return true;
}

void WriteIterable::Detach() {
  if (attached_ && connection_ != nullptr &&
      connection_->observer_ == this) {
    connection_->observer_ = nullptr;
    connection_->observer_wants_room_ = false;
  }
  attached_ = false;
}

WriteProgress WriteIterable::OnWritable() {
  if (progress_ != WriteProgress::kWriting || in_call_) return progress_;
  if (connection_ == nullptr) return progress_;
  TcpConnection& connection = *connection_;
  if (!attached_ && (!connection.SendingAllowed() || !Attach())) {
    // Closed (or shut) before it started, or another writer feeds it.
    Fail(connection.last_error());
    return progress_;
  }
  FlagScope in_call(in_call_);
  TcpConnection::AliveGuard alive(connection);
  int sends_left = connection.options_.max_sends_per_event;
  std::size_t items_left = options_.max_items_per_event;
  bool held = false;  // may_take said no: wait for the next OnWritable
  for (;;) {
    while (!source_ended_ && items_left > 0 && !connection.write_blocked() &&
           connection.SendingAllowed()) {
      if (options_.may_take && !options_.may_take()) {
        held = true;
        break;
      }
      --items_left;
      if (!TakeItem()) break;
      if (!alive.alive() || progress_ != WriteProgress::kWriting) {
        return progress_;
      }
    }
    Settle();  // empty items at the front
    if (!alive.alive() || progress_ != WriteProgress::kWriting) break;
    if (connection.queue_.empty()) {
      if (!connection.SendingAllowed()) {
        // Shutdown or Close stopped the writing: everything taken went out.
        Fail(connection.last_error());
        break;
      }
      if (held) break;  // the owner calls again when it may take
      if (items_left == 0) {
        // A source of (empty) items that never ends: come back next turn.
        connection.RequestRoom();
        break;
      }
      continue;  // takes another item (or sees the source's end)
    }
    // Connecting: the connection feeds it again once connected.
    if (connection.dispatch_state() == ConnectionState::kConnecting) break;
    if (sends_left <= 0) break;  // bytes are queued: writability brings more
    const std::uint64_t calls_before = connection.send_calls_;
    const TcpConnection::FlushResult flushed =
        connection.FlushQueue(sends_left);
    if (!alive.alive() || progress_ != WriteProgress::kWriting) break;
    sends_left -= static_cast<int>(connection.send_calls_ - calls_before);
    if (flushed != TcpConnection::FlushResult::kDrained) break;
    if (held) break;
    if (items_left == 0 && !source_ended_) {
      connection.RequestRoom();
      break;
    }
  }
  // Items appended after the last flush (the send budget ran out, or the
  // connect is still going on) need write interest like any queued bytes.
  if (alive.alive()) connection.RefreshInterest();
  return progress_;
}

bool WriteIterable::TakeItem() {
  std::optional<WriteItem> next;
  if (source_) next = source_();
  if (!next.has_value()) {
    source_ended_ = true;
    return false;
  }
  if (progress_ != WriteProgress::kWriting || connection_ == nullptr ||
      !connection_->SendingAllowed()) {
    // The source itself ended the connection: this item was taken, so it is
    // reported like the others.
    for_each_(*next, WriteFlags{.not_sent = true});
    Fail(connection_ != nullptr ? connection_->last_error() : kNoSystemError);
    return false;
  }
  TcpConnection& connection = *connection_;
  Pending pending;
  pending.start = connection.queue_.end_position();
  pending.end = pending.start + next->data.size();
  pending.counted = pending.start;
  connection.queue_.Append(next->data);  // shares the Cord's memory
  pending.item = std::move(*next);
  pending_.push_back(std::move(pending));  // no allocation once grown
  ++items_taken_;
  connection.AfterAppend();  // on_write_blocked past the high watermark
  return true;
}

void WriteIterable::OnSendStarting(std::uint64_t from, std::uint64_t to) {
  if (progress_ != WriteProgress::kWriting || pending_.empty()) return;
  if (pending_.front().start < to && pending_.back().end > from) {
    ++send_calls_;
  }
  while (before_next_ < pending_.size()) {
    Pending& pending = pending_[before_next_];
    if (pending.start >= to) break;
    pending.before_reported = true;
    ++before_next_;
    if (before_and_after_) {
      for_each_(pending.item, WriteFlags{.before_send = true});
      if (progress_ != WriteProgress::kWriting) return;
    }
  }
}

void WriteIterable::OnSent(std::uint64_t) { Settle(); }

void WriteIterable::Settle() {
  // A callback below may send more (and so call back in here): the outer
  // loop, which re-reads the position, reports it.
  if (connection_ == nullptr || in_settle_) return;
  FlagScope in_settle(in_settle_);
  while (!pending_.empty() && progress_ == WriteProgress::kWriting) {
    // Re-read each time: a callback may have sent more meanwhile.
    const std::uint64_t sent = connection_->queue_.sent_position();
    Pending& pending = pending_.front();
    const bool empty = pending.start == pending.end;
    if (empty ? pending.start > sent : pending.start >= sent) break;
    const std::uint64_t upto = std::min(pending.end, sent);
    if (upto > pending.counted) {
      bytes_sent_ += upto - pending.counted;
      pending.counted = upto;
    }
    if (!pending.before_reported) {
      pending.before_reported = true;
      if (before_next_ == 0) before_next_ = 1;
      if (before_and_after_) {
        for_each_(pending.item, WriteFlags{.before_send = true});
        continue;  // `pending` may have moved; look again
      }
    }
    if (!pending.after_reported) {
      pending.after_reported = true;
      if (before_and_after_) {
        for_each_(pending.item, WriteFlags{.after_send = true});
        continue;
      }
    }
    if (pending.end > sent) break;  // a short write stopped inside it
    WriteItem item = std::move(pending.item);
    pending_.pop_front();
    if (before_next_ > 0) --before_next_;
    ++items_sent_;
    for_each_(item, WriteFlags{});
  }
  if (progress_ == WriteProgress::kWriting && source_ended_ &&
      pending_.empty()) {
    Finish(WriteProgress::kDone);
  }
}

void WriteIterable::OnRoom() { OnWritable(); }

void WriteIterable::OnDropped(SystemError error) {
  attached_ = false;  // the connection let go of it first
  Fail(error);
}

void WriteIterable::OnConnectionGone() {
  attached_ = false;
  connection_ = nullptr;
  progress_ = WriteProgress::kFailed;
  pending_.clear();
  before_next_ = 0;
}

void WriteIterable::Finish(WriteProgress progress) {
  progress_ = progress;
  Detach();
  if (options_.on_finish) options_.on_finish(progress);
}

void WriteIterable::Fail(SystemError error) {
  if (progress_ != WriteProgress::kWriting) return;
  progress_ = WriteProgress::kFailed;
  error_ = error;
  Detach();
  // In order: what was taken and not completely sent (some perhaps partly).
  // The source is not asked for more: it may never end.
  RingQueue<Pending> unsent = std::move(pending_);
  before_next_ = 0;
  source_ended_ = true;
  for (std::size_t i = 0; i < unsent.size(); ++i) {
    for_each_(unsent[i].item, WriteFlags{.not_sent = true});
  }
  if (options_.on_finish) options_.on_finish(WriteProgress::kFailed);
}

}  // namespace asycamore
