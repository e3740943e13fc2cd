// SignalWatcher on Windows: console control events. The system runs the
// control handler on a thread of its own, where it may lock and post, so
// it posts the owner's callback to its loop; there is no pipe.
//
// Quirks this file handles:
//   - Only Ctrl+C (CTRL_C_EVENT, as SIGINT) and Ctrl+Break
//     (CTRL_BREAK_EVENT, as SIGBREAK) are signals a console program can
//     take this way; other numbers are refused. The close, logoff and
//     shutdown events are left to the default handler, which ends the
//     process.
//   - Handlers form a chain: ours is added with the first signal claimed
//     and removed with the last one given up, which leaves the chain as it
//     was (the previous disposition). It returns FALSE for an event nobody
//     owns, so the next handler (by default: exit) takes it.
#include "asycamore/native_socket.h"  // first: NOMINMAX, WIN32_LEAN_AND_MEAN

#include <windows.h>

#include <csignal>

#include "absl/strings/str_cat.h"
#include "asycamore/system_error.h"
#include "../signal_watcher.h"

namespace asycamore::internal {
namespace {

#ifndef SIGBREAK
#define SIGBREAK 21  // MSVC's and MinGW's number
#endif

int hooked_signals = 0;  // under the table mutex

BOOL WINAPI PostConsoleEvent(DWORD event) {
  int signal = 0;
  if (event == CTRL_C_EVENT) {
    signal = SIGINT;
  } else if (event == CTRL_BREAK_EVENT) {
    signal = SIGBREAK;
  } else {
    return FALSE;
  }
  std::lock_guard<std::mutex> lock(SignalTableMutex());
  SignalWatcher* owner = SignalOwner(signal);
  if (owner == nullptr) return FALSE;
  owner->PostRun(signal);
  return TRUE;
}

}  // namespace

void SignalWatcher::PostRun(int signal) {
  // The watcher lives as long as its loop, and a task runs only while the
  // loop does; a loop being destroyed refuses the post.
  loop_.remote().Post([this, signal] { Run(signal); });
}

absl::Status SignalWatcher::Hook(int signal) {
  if (signal != SIGINT && signal != SIGBREAK) {
    return absl::UnimplementedError(
        "only SIGINT (Ctrl+C) and SIGBREAK (Ctrl+Break) reach a Windows "
        "console program");
  }
  if (hooked_signals == 0 && !::SetConsoleCtrlHandler(PostConsoleEvent, TRUE)) {
    return SystemErrorStatus(static_cast<SystemError>(::GetLastError()),
                             "SetConsoleCtrlHandler");
  }
  ++hooked_signals;
  return absl::OkStatus();
}

void SignalWatcher::Unhook(int signal) {
  (void)signal;
  if (--hooked_signals == 0) ::SetConsoleCtrlHandler(PostConsoleEvent, FALSE);
}

void SignalWatcher::ReleaseResources() {}

void SignalWatcher::dispatch_event(const Event& event) { (void)event; }

}  // namespace asycamore::internal
