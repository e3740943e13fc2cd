// asycamore::core alone: the dispatcher contract, the loop and its timers,
// with a dispatcher of the program's own (core names no backend). The
// dispatcher reports one readable event for each socket added; the loop
// must deliver it to the right target, then run a timer, then return from
// Run() once nothing is left. Exits 0 when all of that happened.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

#include "asycamore/dispatcher.h"
#include "asycamore/event_loop.h"

namespace {

class ScriptedDispatcher : public asycamore::Dispatcher {
 public:
  // It reports itself as poll: a user's backend takes one of the known kinds.
  ScriptedDispatcher()
      : Dispatcher(asycamore::BackendKind::kPoll, ClosedHandles::kBySystem) {}
  void Wake() override {}

 protected:
  absl::Status AddToBackend(asycamore::NativeSocket socket,
                            asycamore::Interest, std::uint64_t) override {
    due_.push_back(socket);
    return absl::OkStatus();
  }
  absl::Status ModifyInBackend(asycamore::NativeSocket, asycamore::Interest,
                               asycamore::Interest, std::uint64_t) override {
    return absl::OkStatus();
  }
  absl::Status RemoveFromBackend(asycamore::NativeSocket,
                                 asycamore::Interest) override {
    return absl::OkStatus();
  }
  absl::Status WaitForEvents(absl::Duration timeout,
                             asycamore::EventBatch& batch) override {
    batch.Clear();
    for (asycamore::NativeSocket socket : due_) {
      const Registration* registration = FindRegistration(socket);
      if (registration == nullptr || batch.full()) continue;
      batch.Push({.token = registration->token, .readable = true});
    }
    due_.clear();
    if (batch.empty() && timeout != absl::InfiniteDuration()) {
      std::this_thread::sleep_for(
          absl::ToChronoMilliseconds(std::min(timeout, absl::Milliseconds(5))));
    }
    return absl::OkStatus();
  }

 private:
  std::vector<asycamore::NativeSocket> due_;
};

class Target : public asycamore::DispatchTarget {
 public:
  void dispatch_event(const asycamore::Event& event) override {
    if (event.readable) ++events;
  }
  int events = 0;
};

}  // namespace

int main() {
  asycamore::EventLoop loop(std::make_unique<ScriptedDispatcher>());
  Target target;
  auto handle = loop.Register(7, asycamore::Interest::kRead, &target);
  if (!handle.ok()) {
    std::fprintf(stderr, "%s\n", handle.status().ToString().c_str());
    return 1;
  }
  bool fired = false;
  loop.RunAfter(absl::Milliseconds(1), [&] {
    fired = true;
    (void)loop.Deregister(*handle);  // then nothing is left: Run returns
  });
  if (absl::Status ran = loop.Run(); !ran.ok()) {
    std::fprintf(stderr, "%s\n", ran.ToString().c_str());
    return 1;
  }
  if (target.events != 1 || !fired) {
    std::fprintf(stderr, "events=%d fired=%d\n", target.events, fired);
    return 1;
  }
  std::printf("core: one event, one timer, on a dispatcher of its own\n");
  return 0;
}
