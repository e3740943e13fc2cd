#include "http_server.h"

#include <utility>

#include "asycamore/backend_registry.h"

namespace asycamore {

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(
    HttpdOptions options) {
  std::unique_ptr<HttpServer> server(new HttpServer(std::move(options)));
  const std::string backend = server->options_.backend;
  absl::StatusOr<std::unique_ptr<LoopGroup>> group = LoopGroup::Create(
      server->options_.threads,
      [&backend](int) { return CreateEventLoop({.backend = backend}); });
  if (!group.ok()) return group.status();
  server->group_ = *std::move(group);
  server->loops_.resize(static_cast<std::size_t>(server->group_->size()));
  // Before Start the loops are this thread's to set up.
  for (int i = 0; i < server->group_->size(); ++i) {
    server->loops_[i].shared = std::make_unique<HttpdLoop>(
        server->group_->loop(i), server->options_.connection);
  }
  absl::StatusOr<std::unique_ptr<MultiLoopServer>> listeners =
      MultiLoopServer::Listen(
          *server->group_, server->options_.address, server->options_.port,
          [&server](int index) {
            return HttpdConnectionFactory(*server->loops_[index].shared);
          },
          {.spreading = server->options_.spread,
           // An answer leaves as soon as it is written, not after the
           // previous one's ACK.
           .listen = {.backlog = server->options_.backlog, .no_delay = true}});
  if (!listeners.ok()) return listeners.status();
  server->listeners_ = *std::move(listeners);
  server->port_ = server->listeners_->local_port();
  if (absl::Status s = server->group_->Start(); !s.ok()) return s;
  server->started_ = true;
  return server;
}

HttpServer::HttpServer(HttpdOptions options) : options_(std::move(options)) {}

HttpServer::~HttpServer() { Shutdown().IgnoreError(); }

absl::Status HttpServer::Shutdown() {
  if (shut_down_) return absl::OkStatus();
  shut_down_ = true;
  if (!started_) {
    // Start failed: no thread ran, the loops are this thread's.
    CloseWhatIsLeft();
    return absl::OkStatus();
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    loops_draining_ = group_->size();
  }
  for (int i = 0; i < group_->size(); ++i) {
    if (!group_->Post(i, [this, i] { BeginDrain(i); })) LoopDrained();
  }
  {
    std::unique_lock<std::mutex> lock(mutex_);
    drained_.wait_for(lock, absl::ToChronoMilliseconds(options_.drain_timeout),
                      [this] { return loops_draining_ == 0; });
  }
  group_->Stop();
  absl::Status joined = group_->Join();
  // After Join the loops are this thread's again.
  CloseWhatIsLeft();
  return joined;
}

void HttpServer::CloseWhatIsLeft() {
  // The connections (with their listeners) before what they share.
  for (PerLoop& per_loop : loops_) {
    if (per_loop.drain_check.valid()) {
      per_loop.shared->loop().CancelTimer(per_loop.drain_check);
    }
  }
  listeners_.reset();
  for (PerLoop& per_loop : loops_) per_loop.shared.reset();
}

void HttpServer::BeginDrain(int index) {
  PerLoop& per_loop = loops_[index];
  listeners_->server(index).Stop();  // also refuses sockets handed over
  per_loop.shared->DrainAll();
  // Closed connections are destroyed on a later turn: look again until
  // none is left (a few turns, or the peers' ends).
  absl::StatusOr<TimerId> check =
      per_loop.shared->loop().RunEvery(absl::Milliseconds(5), [this, index] {
        PerLoop& p = loops_[index];
        if (p.shared->connection_count() > 0) return;
        p.shared->loop().CancelTimer(p.drain_check);
        p.drain_check = TimerId();
        LoopDrained();
      });
  if (check.ok()) per_loop.drain_check = *check;
}

void HttpServer::LoopDrained() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (--loops_draining_ == 0) drained_.notify_all();
}

}  // namespace asycamore
