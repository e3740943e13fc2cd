// WriteIterable: a window of items taken lazily from the source, sent with
// gathered send calls, and reported per item as bytes leave the window.
//
// The window holds the items of the next send call: pulled while it holds
// fewer than gather_bytes unsent bytes and max_gather_items items. Each
// send offers every unsent byte of the window (Cord chunks become buffers,
// up to kMaxSendBuffers), and the bytes the kernel took are walked through
// the window in order: an item whose first byte went gets after_send, an
// item whose last byte went gets its sent notice and leaves the window. A
// short write stops inside an item, whose offset says where the next call
// starts: nothing is sent twice or skipped.
#include "asycamore/tcpsocket/write_iterable.h"

#include <algorithm>
#include <utility>

#include "asycamore/event_loop.h"

namespace asycamore {
namespace {

// Clears a flag when the scope ends (for the re-entry guard).
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
    : connection_(connection),
      source_(std::move(items)),
      for_each_(std::move(for_each)),
      before_and_after_(before_and_after),
      options_(std::move(options)) {
  options_.max_gather_items =
      std::clamp<std::size_t>(options_.max_gather_items, 1, kMaxSendBuffers);
  if (options_.max_sends_per_event < 1) options_.max_sends_per_event = 1;
  if (!for_each_) for_each_ = [](const WriteItem&, WriteFlags) {};
}

WriteIterable::~WriteIterable() {
  if (retry_timer_.valid() && connection_.loop() != nullptr) {
    connection_.loop()->CancelTimer(retry_timer_);
  }
}

bool WriteIterable::Dead() const {
  const ConnectionState state = connection_.dispatch_state();
  return state != ConnectionState::kConnected &&
         state != ConnectionState::kConnecting;
}

void WriteIterable::FillWindow() {
  while (!source_ended_ && window_.size() < options_.max_gather_items &&
         window_bytes_ < options_.gather_bytes) {
    std::optional<WriteItem> next;
    if (source_) next = source_();
    if (!next.has_value()) {
      source_ended_ = true;
      break;
    }
    window_bytes_ += next->data.size();
    window_.push_back(Pending{std::move(*next)});
  }
}

std::size_t WriteIterable::BuildBuffers(ConstBuffer* buffers,
                                        std::size_t& items_in_call) {
  std::size_t count = 0;
  items_in_call = 0;
  for (const Pending& pending : window_) {
    if (count == kMaxSendBuffers) break;
    std::size_t skip = pending.offset;
    bool added = pending.offset == pending.item.data.size();  // empty item
    for (absl::string_view chunk : pending.item.data.Chunks()) {
      if (skip >= chunk.size()) {
        skip -= chunk.size();
        continue;
      }
      if (count == kMaxSendBuffers) break;
      buffers[count++] = ConstBuffer{chunk.data() + skip, chunk.size() - skip};
      skip = 0;
      added = true;
    }
    if (added) ++items_in_call;
  }
  return count;
}

void WriteIterable::Advance(std::size_t bytes, std::size_t items_in_call) {
  for (std::size_t done = 0; done < items_in_call && !window_.empty();
       ++done) {
    Pending& pending = window_.front();
    const std::size_t size = pending.item.data.size();
    const std::size_t take = std::min(bytes, size - pending.offset);
    const bool started = take > 0 || size == 0;
    pending.offset += take;
    bytes -= take;
    window_bytes_ -= take;
    bytes_sent_ += take;
    if (started && !pending.after_reported) {
      pending.after_reported = true;
      if (before_and_after_) {
        for_each_(pending.item, WriteFlags{.after_send = true});
        if (Dead()) return;
      }
    }
    if (pending.offset < size) return;  // a short write stopped inside it
    WriteItem item = std::move(pending.item);
    window_.pop_front();
    ++items_sent_;
    for_each_(item, WriteFlags{});
    if (Dead()) return;
  }
}

WriteProgress WriteIterable::OnWritable() {
  if (progress_ != WriteProgress::kWriting || in_call_) return progress_;
  FlagScope guard(in_call_);
  if (Dead()) {
    Fail(connection_.last_error());
    return progress_;
  }
  for (int sends = 0; sends < options_.max_sends_per_event;) {
    FillWindow();
    if (window_.empty()) {
      Finish(WriteProgress::kDone);
      return progress_;
    }
    ConstBuffer buffers[kMaxSendBuffers];
    std::size_t items_in_call = 0;
    const std::size_t count = BuildBuffers(buffers, items_in_call);
    for (std::size_t i = 0; i < items_in_call; ++i) {
      Pending& pending = window_[i];
      if (pending.before_reported) continue;
      pending.before_reported = true;
      if (before_and_after_) {
        for_each_(pending.item, WriteFlags{.before_send = true});
        if (Dead()) {
          Fail(connection_.last_error());
          return progress_;
        }
      }
    }
    if (count == 0) {  // only empty items at the front: nothing to send
      Advance(0, items_in_call);
      if (Dead()) Fail(connection_.last_error());
      continue;
    }
    const IoStep step = SendStep(connection_.socket(), buffers, count);
    ++send_calls_;
    ++sends;
    switch (step.status) {
      case IoStatus::kOk:
        Advance(step.bytes, items_in_call);
        if (Dead()) {
          Fail(connection_.last_error());
          return progress_;
        }
        continue;
      case IoStatus::kWouldBlock:
        connection_.WatchWrite(true).IgnoreError();
        return progress_;
      case IoStatus::kNoBuffers:
        RetryLater();
        return progress_;
      case IoStatus::kEnd:
      case IoStatus::kError:
        Fail(step.error);
        return progress_;
    }
  }
  // The budget is spent: let the other sockets have their turn; writability
  // brings this one back.
  if (absl::Status status = connection_.WatchWrite(true); !status.ok()) {
    Fail(connection_.last_error());
  }
  return progress_;
}

void WriteIterable::RetryLater() {
  // ENOBUFS: readiness would report the socket writable again at once and
  // the loop would spin. Stop watching and come back after a pause.
  connection_.WatchWrite(false).IgnoreError();
  EventLoop* loop = connection_.loop();
  retry_timer_ = loop->RunAfter(options_.no_buffers_backoff, [this] {
    retry_timer_ = TimerId();
    OnWritable();
  });
}

void WriteIterable::Finish(WriteProgress progress) {
  progress_ = progress;
  connection_.WatchWrite(false).IgnoreError();
  if (options_.on_finish) options_.on_finish(progress);
}

void WriteIterable::Fail(SystemError error) {
  progress_ = WriteProgress::kFailed;
  error_ = error;
  if (retry_timer_.valid() && connection_.loop() != nullptr) {
    connection_.loop()->CancelTimer(retry_timer_);
    retry_timer_ = TimerId();
  }
  // Report in order: the window first (items taken from the source, some
  // perhaps partly sent), then whatever the source still had.
  while (!window_.empty()) {
    WriteItem item = std::move(window_.front().item);
    window_.pop_front();
    for_each_(item, WriteFlags{.not_sent = true});
  }
  window_bytes_ = 0;
  while (!source_ended_ && source_) {
    std::optional<WriteItem> next = source_();
    if (!next.has_value()) break;
    for_each_(*next, WriteFlags{.not_sent = true});
  }
  source_ended_ = true;
  if (error != kNoSystemError) connection_.set_last_error(error);
  connection_.Close();
  if (options_.on_finish) options_.on_finish(WriteProgress::kFailed);
}

}  // namespace asycamore
