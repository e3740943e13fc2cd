// The OS-neutral half of SignalWatcher: the callbacks, the one-owner rule
// and the messages (the per-OS hooks are in posix/ and windows/).
#include "signal_watcher.h"

#include <csignal>
#include <utility>

#include "absl/strings/str_cat.h"

namespace asycamore::internal {
namespace {

absl::Status CheckRange(const char* call, int signal) {
  if (signal < 1 || signal >= kSignalLimit) {
    return absl::InvalidArgumentError(
        absl::StrCat("EventLoop::", call, "(signal ", signal,
                     "): not a signal number (1..", kSignalLimit - 1, ")"));
  }
  return absl::OkStatus();
}

}  // namespace

std::mutex& SignalTableMutex() {
  static std::mutex* const mutex = new std::mutex;  // never destroyed: a
  return *mutex;  // loop destroyed during exit may still need it
}

SignalWatcher*& SignalOwner(int signal) {
  static SignalWatcher* owners[kSignalLimit] = {};
  return owners[signal];
}

std::string SignalName(int signal) {
  switch (signal) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
#ifdef _WIN32
#ifdef SIGBREAK
    case SIGBREAK: return "SIGBREAK";
#endif
#else
    case SIGHUP: return "SIGHUP";
    case SIGQUIT: return "SIGQUIT";
    case SIGUSR1: return "SIGUSR1";
    case SIGUSR2: return "SIGUSR2";
    case SIGPIPE: return "SIGPIPE";
    case SIGALRM: return "SIGALRM";
    case SIGCHLD: return "SIGCHLD";
    case SIGWINCH: return "SIGWINCH";
#endif
    default: return absl::StrCat("signal ", signal);
  }
}

SignalWatcher::~SignalWatcher() {
  {
    std::lock_guard<std::mutex> lock(SignalTableMutex());
    for (int signal = 1; signal < kSignalLimit; ++signal) {
      Entry& entry = entries_[signal];
      if (!entry.owned) continue;
      entry.owned = false;
      Unhook(signal);
      SignalOwner(signal) = nullptr;
    }
  }
  ReleaseResources();
}

bool SignalWatcher::OwnsAny() const {
  for (const Entry& entry : entries_) {
    if (entry.owned) return true;
  }
  return false;
}

absl::Status SignalWatcher::Watch(int signal,
                                  absl::AnyInvocable<void()> callback) {
  if (absl::Status status = CheckRange("OnSignal", signal); !status.ok()) {
    return status;
  }
  const std::string call =
      absl::StrCat("EventLoop::OnSignal(", SignalName(signal), ")");
  if (!callback) return absl::InvalidArgumentError(call + ": no callback");
  std::lock_guard<std::mutex> lock(SignalTableMutex());
  if (SignalWatcher* owner = SignalOwner(signal); owner != nullptr) {
    return absl::AlreadyExistsError(absl::StrCat(
        call, ": ", owner == this ? "this loop" : "another loop",
        " owns it already (one loop per process owns a signal; cancel it "
        "there first)"));
  }
  if (absl::Status status = Hook(signal); !status.ok()) {
    return absl::Status(status.code(),
                        absl::StrCat(call, ": ", status.message()));
  }
  SignalOwner(signal) = this;
  Entry& entry = entries_[signal];
  entry.callback = std::move(callback);
  entry.owned = true;
  ++entry.generation;
  return absl::OkStatus();
}

absl::Status SignalWatcher::Cancel(int signal) {
  if (absl::Status status = CheckRange("CancelSignal", signal); !status.ok()) {
    return status;
  }
  std::lock_guard<std::mutex> lock(SignalTableMutex());
  Entry& entry = entries_[signal];
  if (!entry.owned) {
    return absl::NotFoundError(absl::StrCat("EventLoop::CancelSignal(",
                                            SignalName(signal),
                                            "): this loop does not own it"));
  }
  entry.owned = false;
  ++entry.generation;
  // A callback running now was moved out by Run; this drops the stored one.
  entry.callback = nullptr;
  Unhook(signal);
  SignalOwner(signal) = nullptr;
  return absl::OkStatus();
}

void SignalWatcher::Run(int signal) {
  if (signal < 1 || signal >= kSignalLimit) return;
  Entry& entry = entries_[signal];
  if (!entry.owned || !entry.callback) return;
  // Moved out while it runs, so that it may cancel its own signal (which
  // would otherwise destroy it mid-call); put back unless that happened.
  const std::uint64_t generation = entry.generation;
  absl::AnyInvocable<void()> callback = std::move(entry.callback);
  callback();
  if (entry.owned && entry.generation == generation) {
    entry.callback = std::move(callback);
  }
}

}  // namespace asycamore::internal
