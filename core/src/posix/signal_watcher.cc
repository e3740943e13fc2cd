// SignalWatcher on POSIX: a self-pipe per loop. The sigaction handler only
// writes the signal's number into the pipe of the loop that owns it (write
// is async-signal-safe); the loop reads the pipe and runs the callbacks on
// its own thread.
//
// Quirks this file handles:
//   - A handler may run on any thread, at any moment, also while a loop
//     gives the signal up: each handler counts itself in `handlers_running`
//     around its use of the pipe, and giving up first unhooks (restores the
//     previous action, clears the descriptor), then waits for that count to
//     be zero, so no handler writes into a pipe after it was closed (its
//     number could belong to another file by then).
//   - The descriptors are stored plus one: the table is zero-initialised
//     before any constructor runs, and 0 is a valid descriptor (stdin).
//   - errno is saved and restored around the write: the handler interrupts
//     code that may be about to read it.
//   - A full pipe drops the byte: deliveries coalesce, as POSIX signals do.
//   - macOS has no pipe2: pipe, then fcntl for O_NONBLOCK and FD_CLOEXEC.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <thread>

#include "asycamore/system_error.h"
#include "../signal_watcher.h"

namespace asycamore::internal {
namespace {

std::atomic<int> write_fd_plus_one[kSignalLimit];
std::atomic<int> handlers_running{0};
// The actions replaced by Hook, restored by Unhook (under the table mutex).
struct sigaction previous_actions[kSignalLimit];

static_assert(std::atomic<int>::is_always_lock_free,
              "the signal handler needs lock-free atomics");

extern "C" void WriteSignalToPipe(int signal) {
  const int saved_errno = errno;
  handlers_running.fetch_add(1);
  const int fd = write_fd_plus_one[signal].load() - 1;
  if (fd >= 0) {
    const unsigned char byte = static_cast<unsigned char>(signal);
    [[maybe_unused]] const ssize_t written = ::write(fd, &byte, 1);
  }
  handlers_running.fetch_sub(1);
  errno = saved_errno;
}

void WaitForRunningHandlers() {
  while (handlers_running.load() != 0) std::this_thread::yield();
}

absl::Status MakePipe(int fds[2]) {
#ifdef __APPLE__
  if (::pipe(fds) != 0) return SystemErrorStatus(errno, "pipe");
  for (int i = 0; i < 2; ++i) {
    if (::fcntl(fds[i], F_SETFD, FD_CLOEXEC) != 0 ||
        ::fcntl(fds[i], F_SETFL, ::fcntl(fds[i], F_GETFL) | O_NONBLOCK) != 0) {
      const int error = errno;
      ::close(fds[0]);
      ::close(fds[1]);
      return SystemErrorStatus(error, "fcntl(self-pipe)");
    }
  }
  return absl::OkStatus();
#else
  if (::pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) {
    return SystemErrorStatus(errno, "pipe2");
  }
  return absl::OkStatus();
#endif
}

}  // namespace

absl::Status SignalWatcher::Hook(int signal) {
  if (read_fd_ < 0) {
    int fds[2];
    if (absl::Status status = MakePipe(fds); !status.ok()) return status;
    read_fd_ = fds[0];
    write_fd_ = fds[1];
  }
  if (!registration_.valid()) {
    absl::StatusOr<RegistrationHandle> handle =
        loop_.Register(read_fd_, Interest::kRead, this);
    if (!handle.ok()) return handle.status();
    registration_ = *handle;
  }
  write_fd_plus_one[signal].store(write_fd_ + 1);
  struct sigaction action = {};
  action.sa_handler = WriteSignalToPipe;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  if (::sigaction(signal, &action, &previous_actions[signal]) != 0) {
    const int error = errno;  // e.g. EINVAL for SIGKILL and SIGSTOP
    write_fd_plus_one[signal].store(0);
    if (!OwnsAny()) {
      loop_.Deregister(registration_).IgnoreError();
      registration_ = RegistrationHandle();
    }
    return SystemErrorStatus(error, "sigaction");
  }
  return absl::OkStatus();
}

void SignalWatcher::Unhook(int signal) {
  ::sigaction(signal, &previous_actions[signal], nullptr);
  write_fd_plus_one[signal].store(0);
  WaitForRunningHandlers();
  if (OwnsAny() || !registration_.valid()) return;
  // Nothing left to watch: let Run() end, and drop the bytes of signals
  // given up (a later claim must not see them).
  loop_.Deregister(registration_).IgnoreError();
  registration_ = RegistrationHandle();
  unsigned char drain[64];
  while (::read(read_fd_, drain, sizeof(drain)) > 0) {
  }
}

void SignalWatcher::ReleaseResources() {
  if (registration_.valid()) {
    loop_.Deregister(registration_).IgnoreError();
    registration_ = RegistrationHandle();
  }
  if (read_fd_ >= 0) ::close(read_fd_);
  if (write_fd_ >= 0) ::close(write_fd_);
  read_fd_ = write_fd_ = -1;
}

void SignalWatcher::dispatch_event(const Event& event) {
  (void)event;  // the read decides
  unsigned char signals[64];
  // Bounded like every reader: what is left is reported again next turn.
  for (int reads = 0; reads < 4 && registration_.valid(); ++reads) {
    const ssize_t n = ::read(read_fd_, signals, sizeof(signals));
    if (n <= 0) return;  // EAGAIN (or EINTR: the next turn retries)
    for (ssize_t i = 0; i < n; ++i) Run(signals[i]);
  }
}

}  // namespace asycamore::internal
