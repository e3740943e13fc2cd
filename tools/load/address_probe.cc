#include "address_probe.h"

#include <memory>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "asycamore/backend_registry.h"
#include "asycamore/event_loop.h"
#include "asycamore/tcpsocket/connect_tcp.h"
#include "asycamore/tcpsocket/sock_err.h"
#include "asycamore/tcpsocket/tcp_connection.h"

namespace asycamore {
namespace {

// One connect attempt: the connect's result is the first event; success
// closes the connection at once (the probe sends nothing).
class Probe : public TcpConnection {
 public:
  void dispatch_event(const Event& event) override {
    if (dispatch_state() != ConnectionState::kConnecting) return;
    if (event.error) {
      failure_ = GetSockErr(*this).text;
    } else {
      connected_ = true;
    }
    Abort();  // the probe sends nothing: close at once
  }
  bool connected() const { return connected_; }
  const std::string& failure() const { return failure_; }

 private:
  bool connected_ = false;
  std::string failure_;
};

}  // namespace

absl::StatusOr<PickedAddress> PickReachableAddress(
    std::span<const SocketAddress> candidates, absl::Duration timeout) {
  if (candidates.empty()) {
    return absl::InvalidArgumentError("PickReachableAddress: no address");
  }
  absl::StatusOr<std::unique_ptr<EventLoop>> loop = CreateEventLoop();
  if (!loop.ok()) return loop.status();
  PickedAddress picked;
  for (const SocketAddress& candidate : candidates) {
    Probe probe;
    absl::Status started =
        ConnectTcp(**loop, probe, candidate, {.timeout = timeout});
    if (started.ok()) started = (*loop)->Run();
    if (!started.ok()) {
      picked.refused.push_back(
          absl::StrCat(candidate.ToString(), ": ", started.message()));
      continue;
    }
    if (probe.connected()) {
      picked.address = candidate;
      return picked;
    }
    picked.refused.push_back(
        absl::StrCat(candidate.ToString(), ": ", probe.failure()));
  }
  return absl::UnavailableError(
      absl::StrCat("no address accepts a connection: ",
                   absl::StrJoin(picked.refused, "; ")));
}

}  // namespace asycamore
