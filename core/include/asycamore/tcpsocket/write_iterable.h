// WriteIterable: the seed's write_iterable. Sends discrete items, taken
// lazily from a source, to a connection's socket, and reports each item
// through for_each.
//
//   WriteIterable writer(
//       connection, ItemsFrom(std::move(requests)),
//       [](const WriteItem& item, WriteFlags flags) {
//         if (flags.sent()) ++completed;      // the whole item is handed off
//         else if (flags.before_send) ...     // about to send its first byte
//         else if (flags.after_send) ...      // its first send call returned
//         else if (flags.not_sent) ...        // an error ended the writing
//       },
//       /*before_and_after=*/true);
//   writer.OnWritable();                      // once connected, and on each
//                                             // writable event after that
//
// The callback contract (the seed's, exactly):
//   - for_each(item, {}) once, after the whole item was handed to the socket;
//   - with before_and_after, also for_each(item, {.before_send = true}) just
//     before the first send call that carries its first byte, and
//     for_each(item, {.after_send = true}) just after the first send call
//     that moved at least one of its bytes. Per item the order is
//     before_send, after_send, sent;
//   - items go out in the source's order, and sent notices come in that order.
//     Small items are gathered into one vectored send (up to
//     `gather_bytes` / `max_gather_items`), so item 2's before_send may come
//     before item 1's sent notice; each notice still means what it says;
//   - on an error, every item not completely sent is reported with
//     {.not_sent = true}, in order, after the completed ones: first those
//     already taken from the source, then all the source still yields.
//
// Items are absl::Cord values: a std::string moved into a WriteItem is
// adopted without a copy (abseil keeps large strings as they are), and a
// Cord shares or borrows memory (absl::MakeCordFromExternal), so big
// payloads are never copied by the writer.
//
// Work is bounded: at most `max_sends_per_event` send calls per OnWritable.
// Would-block turns write interest on and waits for writability; ENOBUFS
// turns it off and retries after `no_buffers_backoff`, since readiness says
// nothing about memory. EINTR is retried at once. On an error the connection
// records it (last_error()) and is closed.
//
// for_each may close the connection; it must not destroy the WriteIterable.
// If the connection is closed by something else (a DataReader seeing the
// peer's reset, say), the next OnWritable reports the unsent items.
//
// Not thread-safe: one loop thread drives it, like the connection.
#ifndef ASYCAMORE_TCPSOCKET_WRITE_ITERABLE_H_
#define ASYCAMORE_TCPSOCKET_WRITE_ITERABLE_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/strings/cord.h"
#include "absl/time/time.h"
#include "asycamore/tcpsocket/io_step.h"
#include "asycamore/tcpsocket/system_error.h"
#include "asycamore/tcpsocket/tcp_connection.h"
#include "asycamore/timer_queue.h"

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
  bool not_sent = false;     // an error stopped the writing before its end

  bool sent() const { return !before_send && !after_send && !not_sent; }
};

// Yields the next item, or nullopt at the end (the seed's iterable).
using ItemSource = absl::AnyInvocable<std::optional<WriteItem>()>;

// Returns a source that yields `items` in order.
ItemSource ItemsFrom(std::vector<WriteItem> items);

using WriteCallback = absl::AnyInvocable<void(const WriteItem&, WriteFlags)>;

enum class WriteProgress : std::uint8_t {
  kWriting,  // more to send; it waits for writability or a retry timer
  kDone,     // the source ended and every item was sent
  kFailed,   // an error ended the writing (see error())
};

struct WriteOptions {
  int max_sends_per_event = 16;
  std::size_t gather_bytes = 64 * 1024;     // stop pulling items past this
  std::size_t max_gather_items = 64;        // items in one gathered send
  absl::Duration no_buffers_backoff = absl::Milliseconds(5);
  // Called once when the writing ends (kDone or kFailed).
  absl::AnyInvocable<void(WriteProgress)> on_finish;
};

class WriteIterable {
 public:
  // Prepares to write `items` to `connection`. Nothing is sent until the
  // first OnWritable().
  WriteIterable(TcpConnection& connection, ItemSource items,
                WriteCallback for_each, bool before_and_after = false,
                WriteOptions options = {});
  // Cancels a pending retry; items not sent are not reported.
  ~WriteIterable();

  WriteIterable(const WriteIterable&) = delete;
  WriteIterable& operator=(const WriteIterable&) = delete;

  // Sends what the socket takes now. Call once to start, then for every
  // writable event of the connection while it returns kWriting.
  WriteProgress OnWritable();

  WriteProgress progress() const { return progress_; }
  SystemError error() const { return error_; }
  std::uint64_t items_sent() const { return items_sent_; }
  std::uint64_t bytes_sent() const { return bytes_sent_; }
  std::uint64_t send_calls() const { return send_calls_; }

 private:
  struct Pending {
    WriteItem item;
    std::size_t offset = 0;  // bytes of it already sent
    bool before_reported = false;
    bool after_reported = false;
  };

  void FillWindow();
  std::size_t BuildBuffers(ConstBuffer* buffers, std::size_t& first_items);
  void Advance(std::size_t bytes, std::size_t items_in_call);
  void Fail(SystemError error);
  void Finish(WriteProgress progress);
  void RetryLater();
  bool Dead() const;

  TcpConnection& connection_;
  ItemSource source_;
  WriteCallback for_each_;
  bool before_and_after_;
  WriteOptions options_;
  std::deque<Pending> window_;
  std::size_t window_bytes_ = 0;  // unsent bytes in the window
  bool source_ended_ = false;
  WriteProgress progress_ = WriteProgress::kWriting;
  SystemError error_ = kNoSystemError;
  TimerId retry_timer_;
  bool in_call_ = false;
  std::uint64_t items_sent_ = 0;
  std::uint64_t bytes_sent_ = 0;
  std::uint64_t send_calls_ = 0;
};

}  // namespace asycamore

#endif  // ASYCAMORE_TCPSOCKET_WRITE_ITERABLE_H_
