#include "asycamore/event_loop.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "loop_control.h"
#include "signal_watcher.h"

namespace asycamore {

bool RemoteLoop::Post(absl::AnyInvocable<void() &&> task) const {
  return control_ != nullptr && control_->Post(std::move(task));
}

bool RemoteLoop::Wake() const {
  return control_ != nullptr && control_->Wake();
}

bool RemoteLoop::Stop() const {
  return control_ != nullptr && control_->Stop();
}

EventLoop::EventLoop(std::unique_ptr<Dispatcher> dispatcher,
                     std::size_t batch_capacity)
    : dispatcher_(std::move(dispatcher)),
      batch_(batch_capacity),
      control_(std::make_shared<internal::LoopControl>(dispatcher_.get())) {}

EventLoop::~EventLoop() {
  // Signals first: the watcher deregisters its pipe from this live loop.
  signals_.reset();
  // From here on no Post/Wake/Stop touches the dispatcher (destroyed after
  // this body). The tasks never run; destroying them may post (refused).
  std::vector<internal::LoopControl::Task> unrun = control_->Close();
  unrun.clear();
}

absl::Status EventLoop::OnSignal(int signal,
                                 absl::AnyInvocable<void()> callback) {
  if (signals_ == nullptr) {
    signals_ = std::make_unique<internal::SignalWatcher>(*this);
  }
  return signals_->Watch(signal, std::move(callback));
}

absl::Status EventLoop::CancelSignal(int signal) {
  if (signals_ == nullptr) {
    signals_ = std::make_unique<internal::SignalWatcher>(*this);
  }
  return signals_->Cancel(signal);
}

EventLoop::Slot* EventLoop::FindLive(RegistrationHandle handle) {
  if (!handle.valid() || handle.slot_ >= slots_.size()) return nullptr;
  Slot& slot = slots_[handle.slot_];
  if (slot.interest == Interest::kNone ||
      slot.generation != handle.generation_) {
    return nullptr;
  }
  return &slot;
}

const EventLoop::Slot* EventLoop::FindLive(RegistrationHandle handle) const {
  return const_cast<EventLoop*>(this)->FindLive(handle);
}

// Says which handle was refused and why, and which socket it was for when
// the loop still knows (the registration that ended last in its slot).
absl::Status EventLoop::StaleHandleError(const char* call,
                                         RegistrationHandle handle) const {
  if (!handle.valid()) {
    return absl::NotFoundError(absl::StrCat(
        "EventLoop::", call,
        "(handle={empty}): the handle was never returned by Register"));
  }
  const std::string named = absl::StrCat("EventLoop::", call, "(handle={slot=",
                                         handle.slot_, ", generation=",
                                         handle.generation_, "}");
  if (handle.slot_ >= slots_.size()) {
    return absl::NotFoundError(absl::StrCat(
        named, "): this loop never made that registration (a handle from "
               "another loop?)"));
  }
  const Slot& slot = slots_[handle.slot_];
  // A live registration's generation is its slot's; each one that ends
  // advances it (modulo 2^30). One step behind: it just ended. At or above
  // the slot's (short of a wrap): it was never made here.
  if (((slot.generation - handle.generation_) & kGenerationMask) == 1) {
    return absl::NotFoundError(absl::StrCat(
        named, ", socket=", SocketNumber(slot.ended_socket),
        "): that registration already ended (deregistered)"));
  }
  if (slot.generation <= handle.generation_) {
    return absl::NotFoundError(absl::StrCat(
        named, "): this loop never made that registration (a handle from "
               "another loop?)"));
  }
  return absl::NotFoundError(absl::StrCat(
      named, "): that registration already ended, and its slot was reused "
             "since"));
}

absl::StatusOr<RegistrationHandle> EventLoop::Register(NativeSocket socket,
                                                       Interest interest,
                                                       DispatchTarget* target) {
  if (target == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("EventLoop::Register(socket=", SocketNumber(socket),
                     "): target is null"));
  }
  std::uint32_t index;
  if (!free_slots_.empty()) {
    index = free_slots_.back();
  } else {
    index = static_cast<std::uint32_t>(slots_.size());
  }
  // A fresh slot starts at generation 0; a reused one already had its
  // generation advanced when it was freed.
  const std::uint32_t generation =
      index < slots_.size() ? slots_[index].generation : 0;
  if (absl::Status s =
          dispatcher_->Add(socket, interest, TokenOf(index, generation));
      !s.ok()) {
    return s;
  }
  if (index < slots_.size()) {
    free_slots_.pop_back();
  } else {
    slots_.emplace_back();
  }
  Slot& slot = slots_[index];
  slot.target = target;
  slot.socket = socket;
  slot.interest = interest;
  slot.generation = generation;
  ++live_registrations_;
  return RegistrationHandle(index, generation);
}

absl::Status EventLoop::SetInterest(RegistrationHandle handle,
                                    Interest interest) {
  Slot* slot = FindLive(handle);
  if (slot == nullptr) return StaleHandleError("SetInterest", handle);
  if (absl::Status s = dispatcher_->Modify(
          slot->socket, interest, TokenOf(handle.slot_, handle.generation_));
      !s.ok()) {
    return s;
  }
  slot->interest = interest;
  return absl::OkStatus();
}

absl::Status EventLoop::Deregister(RegistrationHandle handle) {
  Slot* slot = FindLive(handle);
  if (slot == nullptr) return StaleHandleError("Deregister", handle);
  const absl::Status removed = dispatcher_->Remove(slot->socket);
  // The dispatcher forgets the socket even when removal reported an error,
  // so the slot is always freed: its events must never be delivered again.
  slot->ended_socket = slot->socket;
  slot->target = nullptr;
  slot->socket = kInvalidSocket;
  slot->interest = Interest::kNone;
  slot->generation = (slot->generation + 1) & kGenerationMask;
  free_slots_.push_back(handle.slot_);
  --live_registrations_;
  return removed;
}

bool EventLoop::IsRegistered(RegistrationHandle handle) const {
  return FindLive(handle) != nullptr;
}

Interest EventLoop::InterestOf(RegistrationHandle handle) const {
  const Slot* slot = FindLive(handle);
  return slot == nullptr ? Interest::kNone : slot->interest;
}

TimerId EventLoop::RunAfter(absl::Duration delay,
                            absl::AnyInvocable<void()> callback) {
  return timers_.Schedule(SaturatingDeadline(SteadyClock::now(), delay),
                          SteadyClock::duration::zero(), std::move(callback));
}

absl::StatusOr<TimerId> EventLoop::RunEvery(
    absl::Duration period, absl::AnyInvocable<void()> callback) {
  if (period <= absl::ZeroDuration() || period == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("EventLoop::RunEvery(period=", absl::FormatDuration(period),
                     "): the period must be positive and finite"));
  }
  const SteadyTime now = SteadyClock::now();
  const SteadyTime first = SaturatingDeadline(now, period);
  // first - now is the period, or less when it saturated (then the timer
  // never fires anyway).
  return timers_.Schedule(first, first - now, std::move(callback));
}

void EventLoop::Post(absl::AnyInvocable<void() &&> task) {
  control_->Post(std::move(task));
}

void EventLoop::Wake() { control_->Wake(); }

// The one lookup per event: the token's slot decides whether the event is
// still wanted (its generation, its interest) and who gets it. The batch is
// the loop's own, so each event is completed in place.
// `inline` lets the compiler fold it into Iterate, its one caller: a
// function frame less per pass (callgrind: 22 instructions per pass).
inline void EventLoop::DispatchBatch(IterationResult& result) {
  Event* const events = batch_.storage();
  const std::size_t count = batch_.size();
  // Every token in the batch was made before the wait, so its slot index is
  // below the count now; slots made by the targets come later.
  const std::size_t slot_count = slots_.size();
  for (std::size_t i = 0; i < count; ++i) {
    Event& event = events[i];
    const auto index = static_cast<std::uint32_t>(event.token);
    const auto generation = static_cast<std::uint32_t>(event.token >> 32);
    // Every token this loop's registrations report was made by Register
    // from a slot, and slots are never taken away; a dispatcher handed to
    // the constructor with registrations of its own could report others.
    if (index >= slot_count) [[unlikely]] continue;
    const Slot& slot = slots_[index];
    // A registration that ended earlier in this batch has a new generation
    // (a free slot's never matches this loop's events, and its interest,
    // kNone, masks everything away), and one whose interest changed gets
    // nothing it no longer asked for.
    if (slot.generation != generation) continue;
    event.socket = slot.socket;
    event.readable &= WantsRead(slot.interest);
    event.writable &= WantsWrite(slot.interest);
    if (!(event.readable | event.writable)) continue;
    slot.target->dispatch_event(event);
    ++result.events;
  }
}

absl::StatusOr<IterationResult> EventLoop::Iterate(absl::Duration timeout) {
  if (iterating_) {
    return absl::FailedPreconditionError(
        "EventLoop::Iterate: called from inside a callback of the same loop");
  }
  iterating_ = true;
  IterationResult result;
  // Timers scheduled from here on (dispatch, timer and task phases) wait for
  // a later pass.
  const TimerMark scheduled_before_this_pass = timers_.Mark();

  // The common pass (no task queued, no timer) reads two flags and waits.
  absl::Duration wait = timeout;
  if (control_->HasQueuedTasks()) {
    wait = absl::ZeroDuration();
  } else if (!timers_.empty()) {
    const absl::Duration until_timer =
        absl::FromChrono(*timers_.NextDeadline() - SteadyClock::now());
    wait = std::min(wait, std::max(until_timer, absl::ZeroDuration()));
  }

  absl::Status waited = dispatcher_->Wait(wait, batch_);
  if (!waited.ok()) {
    iterating_ = false;
    return waited;
  }
  DispatchBatch(result);
  // Skip the clock read and the calls when there is nothing to run: this is
  // paid on every iteration.
  if (!timers_.empty()) {
    result.timers =
        timers_.RunExpired(SteadyClock::now(), scheduled_before_this_pass);
  }
  if (control_->HasQueuedTasks()) result.tasks = control_->RunQueuedTasks();
  iterating_ = false;
  return result;
}

absl::Status EventLoop::Run() {
  absl::Status status;
  while (!control_->StopRequested()) {
    if (live_registrations_ == 0 && timers_.empty() &&
        !control_->HasQueuedTasks()) {
      break;
    }
    absl::StatusOr<IterationResult> pass = Iterate(absl::InfiniteDuration());
    if (!pass.ok()) {
      status = pass.status();
      break;
    }
  }
  control_->ClearStopRequest();
  return status;
}

void EventLoop::Stop() { control_->Stop(); }

}  // namespace asycamore
