// Regressions first found in the kqueue backend (issue 11), checked on every
// built backend: the rules they pin are the contract's, not kqueue's.
#ifndef _WIN32
#include <fcntl.h>
#include <unistd.h>
#endif

#include <memory>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "asycamore/dispatcher.h"
#include "gtest/gtest.h"
#include "support/backend_test.h"
#include "support/sockets.h"

namespace asycamore::testing {
namespace {

// Each test makes its own dispatcher (NewDispatcher); the fixture owns the
// sockets, closed after the dispatcher is gone.
class KqueueRegressionTest : public BackendTest {
 protected:
  void TearDown() override {
    for (NativeSocket socket : open_) CloseSocket(socket);
  }

  SocketPair OpenPair() {
    const SocketPair pair = MakeSocketPair();
    open_.push_back(pair.first);
    open_.push_back(pair.second);
    return pair;
  }
  void CloseNow(NativeSocket socket) {
    std::erase(open_, socket);
    CloseSocket(socket);
  }

  // Waits with `batch` until the registration with `token` is reported or
  // two seconds pass; returns its event. A failed Wait is a test failure
  // (reported once).
  static std::optional<Event> WaitFor(Dispatcher& dispatcher,
                                      std::uint64_t token, EventBatch& batch) {
    const absl::Time deadline = absl::Now() + absl::Seconds(2);
    absl::Status first_failure;
    while (absl::Now() < deadline) {
      const absl::Status waited =
          dispatcher.Wait(absl::Milliseconds(50), batch);
      if (!waited.ok() && first_failure.ok()) first_failure = waited;
      for (const Event& event : batch) {
        if (event.token == token) {
          EXPECT_TRUE(first_failure.ok()) << first_failure;
          return event;
        }
      }
    }
    EXPECT_TRUE(first_failure.ok()) << first_failure;
    return std::nullopt;
  }

  std::vector<NativeSocket> open_;
};

// kqueue queued additions for the next wait. Two sockets added and then
// closed before it (misuse, but one the contract survives) made that wait's
// first addition fail into the one slot of a one-event batch and the second
// find no room, so kevent() failed as a whole, and the queue was cleared
// with the third addition never applied: once the caller had removed the
// dead registrations, every wait looked normal and the healthy socket was
// silently never watched.
TEST_P(KqueueRegressionTest,
       KqueueDropsChangesItNeverAppliedAfterAFailedKevent) {
  const std::unique_ptr<Dispatcher> dispatcher = NewDispatcher();
  ASSERT_NE(dispatcher, nullptr);
  const SocketPair doomed[] = {OpenPair(), OpenPair()};
  const SocketPair healthy = OpenPair();
  ASSERT_TRUE(dispatcher->Add(doomed[0].first, Interest::kRead, 1).ok());
  ASSERT_TRUE(dispatcher->Add(doomed[1].first, Interest::kRead, 2).ok());
  ASSERT_TRUE(dispatcher->Add(healthy.first, Interest::kRead, 3).ok());
  CloseNow(doomed[0].first);  // misuse: closed before Remove
  CloseNow(doomed[1].first);
  ASSERT_EQ(SendBytes(healthy.second, "x", 1), 1);

  // One wait while the closed sockets are registered (the old kqueue
  // submitted the three additions in it), then the caller cleans up.
  EventBatch one_event(1);
  std::optional<Event> event;
  const absl::Status first =
      dispatcher->Wait(absl::Milliseconds(50), one_event);
  EXPECT_TRUE(first.ok()) << first;
  for (const Event& reported : one_event) {
    if (reported.token == 3) event = reported;
  }
  (void)dispatcher->Remove(doomed[0].first);  // may say "closed first"
  (void)dispatcher->Remove(doomed[1].first);
  if (!event.has_value())
    event = WaitFor(*dispatcher, 3, one_event);
  ASSERT_TRUE(event.has_value())
      << "a socket added after two that were closed is never watched";
  EXPECT_EQ(event->token, 3u);
  EXPECT_TRUE(event->readable);
}

#ifndef _WIN32
// kqueue's Add queued its filter for the next wait, so Add accepted a
// descriptor the system then refused: the refusal came back from a later
// Wait as an error event nobody expected, or (libkqueue, when that wait timed
// out) not at all, and the descriptor was never watched. A directory is
// refused by libkqueue and epoll; poll, select and a BSD kernel's kqueue (its
// vnode filter: bytes left to read) watch it and report it readable. Either
// answer is right, as long as Add gives it and keeps to it.
TEST_P(KqueueRegressionTest, KqueueAcceptsAnAddTheSystemRefusesLater) {
  const std::unique_ptr<Dispatcher> dispatcher = NewDispatcher();
  ASSERT_NE(dispatcher, nullptr);
  const int directory = ::open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(directory, 0);
  const absl::Status added = dispatcher->Add(directory, Interest::kRead, 5);
  if (added.ok()) {
    EventBatch batch(8);
    const std::optional<Event> event = WaitFor(*dispatcher, 5, batch);
    EXPECT_TRUE(event.has_value()) << "Add accepted it, but it is not watched";
    if (event.has_value()) {
      EXPECT_TRUE(event->readable);
      EXPECT_FALSE(event->error) << "Add accepted it; a wait refused it";
    }
    EXPECT_TRUE(dispatcher->Remove(directory).ok());
  } else {
    EXPECT_NE(added.message().find("Dispatcher::Add"), absl::string_view::npos)
        << added;
    EXPECT_FALSE(dispatcher->IsRegistered(directory));
  }
  ::close(directory);

  // Either way the dispatcher goes on serving sockets.
  const SocketPair pair = OpenPair();
  ASSERT_TRUE(dispatcher->Add(pair.first, Interest::kRead, 6).ok());
  ASSERT_EQ(SendBytes(pair.second, "x", 1), 1);
  EventBatch batch(8);
  const std::optional<Event> event = WaitFor(*dispatcher, 6, batch);
  ASSERT_TRUE(event.has_value());
  EXPECT_FALSE(event->error);
}
#endif  // _WIN32

ASYCAMORE_INSTANTIATE_FOR_EACH_BACKEND(KqueueRegressionTest);

}  // namespace
}  // namespace asycamore::testing
