// The per-backend test fixture: one value-parameterised suite runs against
// every backend this build has, and a backend that cannot run here is
// skipped with its reason, never passed silently.
#ifndef ASYCAMORE_TESTS_SUPPORT_BACKEND_TEST_H_
#define ASYCAMORE_TESTS_SUPPORT_BACKEND_TEST_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/time/time.h"
#include "asycamore/backend_registry.h"
#include "asycamore/event_loop.h"
#include "gtest/gtest.h"

namespace asycamore::testing {

// Returns the names of the built backends, in registry order.
std::vector<std::string> BuiltBackendNamesForTests();

class BackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;

  EventLoop& loop() { return *loop_; }
  // Returns a fresh dispatcher of the backend under test.
  std::unique_ptr<Dispatcher> NewDispatcher();
  // The largest handle value + 1 the backend accepts (0: no such bound; on
  // Windows, select's bound is a count of sockets).
  std::size_t handle_limit() const { return info_->handle_limit; }
  BackendKind kind() const { return info_->kind; }

  std::unique_ptr<EventLoop> loop_;
  const BackendInfo* info_ = nullptr;
};

// Returns why the backend of `info` cannot run here ("backend X cannot run
// here: <probe's reason>"), or an empty string when it can. BackendTest
// skips with this text.
std::string BackendSkipReason(const BackendInfo& info);

// Returns true when the test runs under Wine (the windows-mingw lane), for
// the few checks whose behaviour Wine does not reproduce; each such check
// says so in its skip or log message.
bool RunningUnderWine();

// Returns true when `kind` is kqueue emulated by libkqueue on Linux (the
// linux-libkqueue lane, compile definition ASYCAMORE_KQUEUE_IS_LIBKQUEUE),
// for the few checks that rely on what only a BSD kernel does; each skips
// with the reason. The reasons shared by several tests:
bool RunningOnLibkqueue(BackendKind kind);
inline constexpr const char* kLibkqueueClearsSocketError =
    "libkqueue fills a kevent's fflags by reading SO_ERROR, which clears the "
    "socket's pending error; a BSD kernel copies so_error and leaves it "
    "pending, so the error the socket layer asks for afterwards is gone "
    "under libkqueue";

// Iterates `loop` until `done()` holds or `timeout` passes; returns done().
bool RunUntil(EventLoop& loop, absl::FunctionRef<bool()> done,
              absl::Duration timeout = absl::Seconds(10));

}  // namespace asycamore::testing

// Instantiates `suite` once per built backend; test names end in the
// backend's name, e.g. Backends/DispatcherConformance.ReadReady/epoll.
#define ASYCAMORE_INSTANTIATE_FOR_EACH_BACKEND(suite)                      \
  INSTANTIATE_TEST_SUITE_P(                                                \
      Backends, suite,                                                     \
      ::testing::ValuesIn(::asycamore::testing::BuiltBackendNamesForTests()), \
      [](const ::testing::TestParamInfo<std::string>& info) {              \
        return info.param;                                                 \
      })

#endif  // ASYCAMORE_TESTS_SUPPORT_BACKEND_TEST_H_
