// SignalWatcher: EventLoop::OnSignal's machinery, one per loop (made on the
// first OnSignal, destroyed with the loop). The callbacks and the
// process-wide table of owners are shared code (signal_watcher.cc); how a
// signal reaches the loop is per OS:
//   - POSIX (posix/signal_watcher.cc): a sigaction handler writes the
//     signal's number into the loop's self-pipe, whose read end the loop
//     watches; the callback runs when the loop reads it.
//   - Windows (windows/signal_watcher.cc): a console control handler (its
//     own thread, made by the system) posts the callback to the loop.
#ifndef ASYCAMORE_SRC_SIGNAL_WATCHER_H_
#define ASYCAMORE_SRC_SIGNAL_WATCHER_H_

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "asycamore/event_loop.h"

namespace asycamore::internal {

// Signal numbers the table holds: 1 .. kSignalLimit - 1 (FreeBSD numbers
// its real-time signals up to 128; Linux to 64; macOS to 31).
inline constexpr int kSignalLimit = 129;

class SignalWatcher final : public DispatchTarget {
 public:
  explicit SignalWatcher(EventLoop& loop) : loop_(loop) {}
  // Gives up every signal it owns, restoring their dispositions.
  ~SignalWatcher() override;

  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

  absl::Status Watch(int signal, absl::AnyInvocable<void()> callback);
  absl::Status Cancel(int signal);

  // Runs the callback of `signal` if this loop still owns it (the loop's
  // thread). The callback may cancel or claim signals, its own included.
  void Run(int signal);

  // POSIX: the self-pipe is readable.
  void dispatch_event(const Event& event) override;
#ifdef _WIN32
  // Posts Run(signal) to the loop (the console handler's thread).
  void PostRun(int signal);
#endif

 private:
  struct Entry {
    absl::AnyInvocable<void()> callback = nullptr;
    std::uint64_t generation = 0;  // changes with every claim and cancel
    bool owned = false;
  };

  // Per OS: makes deliveries of `signal` reach this loop / stops that and
  // restores the previous disposition. Called under the table's mutex.
  absl::Status Hook(int signal);
  void Unhook(int signal);
  // Per OS: the watcher's own resources (POSIX: the pipe), released by the
  // destructor after every signal is unhooked.
  void ReleaseResources();
  bool OwnsAny() const;

  EventLoop& loop_;
  std::vector<Entry> entries_ = std::vector<Entry>(kSignalLimit);
#ifndef _WIN32
  int read_fd_ = -1;
  int write_fd_ = -1;
  RegistrationHandle registration_;
#endif
};

// The process-wide table: which watcher owns each signal. Every access
// holds SignalTableMutex() (a std::mutex: TSan sees it).
std::mutex& SignalTableMutex();
SignalWatcher*& SignalOwner(int signal);

// "SIGINT", "SIGTERM"... or "signal 42", for messages.
std::string SignalName(int signal);

}  // namespace asycamore::internal

#endif  // ASYCAMORE_SRC_SIGNAL_WATCHER_H_
