#include "support/backend_test.h"

#include <string>

#ifdef _WIN32
#include <windows.h>

#include "asycamore/system_error.h"
#endif

namespace asycamore::testing {

std::vector<std::string> BuiltBackendNamesForTests() {
  std::vector<std::string> names;
  for (const BackendInfo& info : BuiltBackends()) {
    names.emplace_back(BackendName(info.kind));
  }
  return names;
}

std::string BackendSkipReason(const BackendInfo& info) {
  const absl::Status available = info.probe();
  if (available.ok()) return "";
  return std::string("backend ") + std::string(BackendName(info.kind)) +
         " cannot run here: " + std::string(available.message());
}

bool RunningUnderWine() {
#ifdef _WIN32
  // Wine's ntdll exports wine_get_version; Windows' does not.
  HMODULE ntdll = ::GetModuleHandleW(L"ntdll.dll");
  return ntdll != nullptr &&
         ::GetProcAddress(ntdll, "wine_get_version") != nullptr;
#else
  return false;
#endif
}

bool RunningOnLibkqueue(BackendKind kind) {
#ifdef ASYCAMORE_KQUEUE_IS_LIBKQUEUE
  return kind == BackendKind::kKqueue;
#else
  (void)kind;
  return false;
#endif
}

void BackendTest::SetUp() {
#ifdef _WIN32
  const absl::Status started = EnsureWinsock();
  ASSERT_TRUE(started.ok()) << started;
#endif
  const std::optional<BackendKind> kind = BackendKindFromName(GetParam());
  ASSERT_TRUE(kind.has_value()) << GetParam();
  absl::StatusOr<const BackendInfo*> info = FindBackend(*kind);
  ASSERT_TRUE(info.ok()) << info.status();
  info_ = *info;
  if (const std::string reason = BackendSkipReason(*info_); !reason.empty()) {
    GTEST_SKIP() << reason;
  }
  absl::StatusOr<std::unique_ptr<EventLoop>> loop =
      CreateEventLoop({.backend = GetParam()});
  ASSERT_TRUE(loop.ok()) << loop.status();
  loop_ = *std::move(loop);
  ASSERT_EQ(loop_->backend_name(), GetParam());
}

std::unique_ptr<Dispatcher> BackendTest::NewDispatcher() {
  absl::StatusOr<std::unique_ptr<Dispatcher>> dispatcher =
      CreateDispatcher(GetParam());
  EXPECT_TRUE(dispatcher.ok()) << dispatcher.status();
  return dispatcher.ok() ? *std::move(dispatcher) : nullptr;
}

bool RunUntil(EventLoop& loop, absl::FunctionRef<bool()> done,
              absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!done()) {
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) return false;
    absl::StatusOr<IterationResult> pass =
        loop.Iterate(std::min(left, absl::Milliseconds(50)));
    if (!pass.ok()) {
      ADD_FAILURE() << "Iterate failed: " << pass.status();
      return false;
    }
  }
  return true;
}

}  // namespace asycamore::testing
