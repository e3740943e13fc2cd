// MultiLoopServer: the listeners (one, or one per loop), then an
// AcceptingSocket started on every loop; for hand-off, loop 0's listener
// gets every server as a target, itself included.
#include "asycamore/tcpsocket/multi_loop_server.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "asycamore/internal/absl_string_view.h"
#include "internal.h"

namespace asycamore {

std::string_view SpreadingName(Spreading spreading) {
  return spreading == Spreading::kHandOff ? "handoff" : "reuseport";
}

absl::StatusOr<std::unique_ptr<MultiLoopServer>> MultiLoopServer::Listen(
    LoopGroup& group, std::string_view ip, int port,
    ConnectionFactoryMaker make_factory, const MultiLoopOptions& options) {
  const auto fail = [&](const absl::Status& status) {
    return absl::Status(
        status.code(),
        absl::StrCat("MultiLoopServer::Listen(\"",
                     internal::EscapedForMessage(ip), "\", ", port, ", ",
                     AbslView(SpreadingName(options.spreading)), ", ",
                     group.size(), " loops): ", status.message()));
  };
  if (group.started()) {
    return fail(absl::FailedPreconditionError(
        "the group's threads are started; listen before LoopGroup::Start"));
  }
  if (!make_factory) {
    return fail(absl::InvalidArgumentError("no connection factory maker"));
  }
  std::unique_ptr<MultiLoopServer> server(
      new MultiLoopServer(group, options.spreading));
  if (absl::Status status = server->ListenAll(ip, port, options);
      !status.ok()) {
    return fail(status);
  }
  if (absl::Status status = server->StartAll(make_factory, options.accept);
      !status.ok()) {
    return fail(status);
  }
  return server;
}

absl::Status MultiLoopServer::ListenAll(std::string_view ip, int port,
                                        const MultiLoopOptions& options) {
  ListenOptions listen = options.listen;
  if (spreading_ == Spreading::kReusePort) listen.reuse_port = true;
  absl::StatusOr<std::unique_ptr<AcceptingSocket>> first =
      ListenTcp(ip, port, listen);
  if (!first.ok()) return first.status();
  local_address_ = (*first)->local_address();
  servers_.push_back(*std::move(first));
  for (int i = 1; i < group_.size(); ++i) {
    if (spreading_ == Spreading::kHandOff) {
      // Serves what loop 0's listener hands it; no listener of its own.
      servers_.push_back(std::make_shared<AcceptingSocket>(
          OwnedSocket(), local_address_, listen));
      continue;
    }
    // The port the first listener got (port 0 picked one).
    absl::StatusOr<std::unique_ptr<AcceptingSocket>> next =
        ListenTcp(ip, local_address_.port(), listen);
    if (!next.ok()) {
      return absl::Status(next.status().code(),
                          absl::StrCat("listener ", i, ": ",
                                       next.status().message()));
    }
    servers_.push_back(*std::move(next));
  }
  return absl::OkStatus();
}

absl::Status MultiLoopServer::StartAll(ConnectionFactoryMaker& make_factory,
                                       const AcceptOptions& options) {
  for (int i = 0; i < size(); ++i) {
    if (absl::Status status =
            servers_[i]->Start(group_.loop(i), make_factory(i), options);
        !status.ok()) {
      return absl::Status(status.code(), absl::StrCat("loop ", i, ": ",
                                                      status.message()));
    }
  }
  if (spreading_ == Spreading::kHandOff && size() > 1) {
    std::vector<HandOffTarget> targets;
    targets.reserve(servers_.size());
    for (int i = 0; i < size(); ++i) {
      targets.push_back(HandOffTarget{group_.remote(i), servers_[i]});
    }
    servers_[0]->HandOffTo(std::move(targets));
  }
  return absl::OkStatus();
}

MultiLoopServer::~MultiLoopServer() {
  if (group_.running()) {
    group_.Stop();
    group_.Join().IgnoreError();
  }
  // The listener first: it holds the hand-off targets.
  servers_.clear();
}

int MultiLoopServer::StopAccepting() {
  int reached = 0;
  for (int i = 0; i < size(); ++i) {
    std::weak_ptr<AcceptingSocket> server = servers_[i];
    if (group_.Post(i, [server] {
          if (std::shared_ptr<AcceptingSocket> alive = server.lock()) {
            alive->Stop();
          }
        })) {
      ++reached;
    }
  }
  return reached;
}

}  // namespace asycamore
