// WriteIterable: the seed's write_iterable. Sends discrete items, taken
// lazily from a source, through a connection's write queue, and reports
// each item through for_each.
//
//   WriteIterable writer(
//       connection, ItemsFrom(std::move(requests)),
//       [](const WriteItem& item, WriteFlags flags) {
//         if (flags.sent()) ++completed;      // the whole item is handed off
//         else if (flags.before_send) ...     // about to send its first byte
//         else if (flags.after_send) ...      // its first send call returned
//         else if (flags.not_sent) ...        // the connection ended first
//       },
//       /*before_and_after=*/true);
//   writer.OnWritable();                      // starts it (during kConnecting
//                                             // too: it sends once connected)
//
// After the first OnWritable the connection drives it: its writability and
// its queue's progress. Calling OnWritable on writable events as well (the
// seed's style) is harmless.
//
// One write path: items are appended to the connection's queue (the same
// queue Send uses), with their positions in the byte stream as item
// boundaries. Items are taken from the source only while the connection is
// not write_blocked() (its high watermark), so a source that could yield
// forever is held to the watermark; taking resumes after on_drained. Small
// items appended together leave in one gathered send.
//
// The callback contract (the seed's, exactly):
//   - for_each(item, {}) once, after the whole item was handed to the socket;
//   - with before_and_after, also for_each(item, {.before_send = true}) just
//     before the first send call that carries its first byte, and
//     for_each(item, {.after_send = true}) just after the first send call
//     that moved at least one of its bytes. Per item the order is
//     before_send, after_send, sent (an empty item gets all three once every
//     byte before it was sent);
//   - items go out in the source's order, and sent notices come in that
//     order; item 2's before_send may come before item 1's sent notice when
//     one send carries both;
//   - when the connection ends first (an error, Abort, Close's timeout),
//     every item taken from the source and not completely sent is reported
//     with {.not_sent = true}, in order, after the completed ones. Items the
//     source still holds were never taken and are not reported: the source
//     is not drained (it may be endless).
//
// A source that has nothing yet, but will (a pipelining depth reached, a
// schedule not due): WriteOptions::may_take returns false until then, and
// the owner calls OnWritable() when it turns true.
//
// Work is bounded per event: at most `max_items_per_event` items are taken
// (so a source of endless empty items cannot hold the loop) and at most the
// connection's max_sends_per_event send calls are made; then it waits for
// the next writable event.
//
// for_each and on_finish may close or abort the connection; they must not
// destroy the WriteIterable (destroy it later, e.g. on the next loop turn).
// Destroying the connection first ends the writing without notices.
// One WriteIterable feeds a connection at a time.
//
// Not thread-safe: one loop thread drives it, like the connection.
#ifndef ASYCAMORE_TCPSOCKET_WRITE_ITERABLE_H_
#define ASYCAMORE_TCPSOCKET_WRITE_ITERABLE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/strings/cord.h"
#include "asycamore/export.h"
#include "asycamore/ring_queue.h"
#include "asycamore/system_error.h"
#include "asycamore/tcpsocket/tcp_connection.h"

namespace asycamore {

// One item to send, with a tag of yours to recognise it in for_each.
struct WriteItem {
  WriteItem() = default;
  WriteItem(absl::Cord bytes, std::uint64_t item_tag = 0)  // NOLINT
      : data(std::move(bytes)), tag(item_tag) {}
  WriteItem(std::string bytes, std::uint64_t item_tag = 0)  // NOLINT
      : data(std::move(bytes)), tag(item_tag) {}
  WriteItem(const char* bytes, std::uint64_t item_tag = 0)  // NOLINT
      : data(bytes), tag(item_tag) {}

  absl::Cord data;
  std::uint64_t tag = 0;
};

// What a for_each call reports. All false: the item was sent completely.
struct WriteFlags {
  bool before_send = false;  // its first byte is about to be sent
  bool after_send = false;   // the first send call for it has returned
  bool not_sent = false;     // the connection ended before its last byte

  bool sent() const { return !before_send && !after_send && !not_sent; }
};

// Yields the next item, or nullopt at the end (the seed's iterable).
using ItemSource = absl::AnyInvocable<std::optional<WriteItem>()>;

// Returns a source that yields `items` in order.
ASYCAMORE_TCPSOCKET_API ItemSource ItemsFrom(std::vector<WriteItem> items);

using WriteCallback = absl::AnyInvocable<void(const WriteItem&, WriteFlags)>;

enum class WriteProgress : std::uint8_t {
  kWriting,  // more to send; the connection's progress drives it
  kDone,     // the source ended and every item was sent
  kFailed,   // the connection ended first (see error())
};

struct WriteOptions {
  // Items taken from the source per event (one OnWritable, one writable
  // event), at most.
  std::size_t max_items_per_event = 1024;
  // Called once when the writing ends (kDone or kFailed).
  absl::AnyInvocable<void(WriteProgress)> on_finish = nullptr;
  // Asked before each item is taken: false holds the source back (nothing
  // is taken and nothing ends) until OnWritable() is called again. Unset:
  // always true. HttpClientSocket holds its pipelining depth with it.
  absl::AnyInvocable<bool()> may_take = nullptr;
};

class ASYCAMORE_TCPSOCKET_API WriteIterable : private internal::WriteObserver {
 public:
  // Prepares to write `items` to `connection`. Nothing is taken or sent
  // until the first OnWritable().
  WriteIterable(TcpConnection& connection, ItemSource items,
                WriteCallback for_each, bool before_and_after = false,
                WriteOptions options = {});
  // Stops feeding the connection (bytes already queued still go out);
  // items not sent are not reported.
  ~WriteIterable() override;

  WriteIterable(const WriteIterable&) = delete;
  WriteIterable& operator=(const WriteIterable&) = delete;

  // Takes items and sends what the socket takes now. Call once to start;
  // the connection calls it again as its queue drains.
  WriteProgress OnWritable();

  WriteProgress progress() const { return progress_; }
  // The error that ended the connection (0 for Abort or a clean close).
  SystemError error() const { return error_; }
  std::uint64_t items_taken() const { return items_taken_; }
  std::uint64_t items_sent() const { return items_sent_; }
  std::uint64_t bytes_sent() const { return bytes_sent_; }
  // Send calls that carried bytes of this writer's items.
  std::uint64_t send_calls() const { return send_calls_; }

 private:
  struct Pending {
    WriteItem item;
    std::uint64_t start = 0;    // position of its first byte in the stream
    std::uint64_t end = 0;      // position after its last byte
    std::uint64_t counted = 0;  // bytes_sent_ includes it up to here
    bool before_reported = false;
    bool after_reported = false;
  };

  // internal::WriteObserver
  void OnSendStarting(std::uint64_t from, std::uint64_t to) override;
  void OnSent(std::uint64_t sent) override;
  void OnRoom() override;
  void OnDropped(SystemError error) override;
  void OnConnectionGone() override;

  bool Attach();
  void Detach();
  bool TakeItem();
  // Reports what the queue's progress completed; may Finish.
  void Settle();
  void Finish(WriteProgress progress);
  void Fail(SystemError error);

  TcpConnection* connection_;
  ItemSource source_;
  WriteCallback for_each_;
  bool before_and_after_;
  WriteOptions options_;
  RingQueue<Pending> pending_;  // taken, not completely sent
  std::size_t before_next_ = 0;  // index of the first item without before_send
  bool attached_ = false;
  bool source_ended_ = false;
  bool in_call_ = false;
  bool in_settle_ = false;
  WriteProgress progress_ = WriteProgress::kWriting;
  SystemError error_ = kNoSystemError;
  std::uint64_t items_taken_ = 0;
  std::uint64_t items_sent_ = 0;
  std::uint64_t bytes_sent_ = 0;
  std::uint64_t send_calls_ = 0;
};

}  // namespace asycamore

#endif  // ASYCAMORE_TCPSOCKET_WRITE_ITERABLE_H_
