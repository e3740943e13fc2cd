// HttpServer: asycamore-httpd as a library, so that the tests run it in
// their own process. N event loops on N threads (LoopGroup), each with its
// HttpdLoop; a MultiLoopServer spreads the connections over the loops,
// either by one listener handing each accepted socket to the next loop in
// turn (Spreading::kHandOff) or by one SO_REUSEPORT listener per loop
// (kReusePort); multi_loop_server.h says which to pick.
//
//   auto server = HttpServer::Start({.port = 0, .threads = 4});
//   if (!server.ok()) return server.status();
//   ... (*server)->port() ...
//   (*server)->Shutdown();  // stop accepting, finish the answers owed, join
#ifndef ASYCAMORE_TOOLS_HTTPD_HTTP_SERVER_H_
#define ASYCAMORE_TOOLS_HTTPD_HTTP_SERVER_H_

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "asycamore/loop_group.h"
#include "asycamore/tcpsocket/multi_loop_server.h"
#include "httpd_connection.h"

namespace asycamore {

struct HttpdOptions {
  std::string address = "127.0.0.1";  // numeric IPv4 or IPv6
  int port = 8080;                     // 0: any free port (see port())
  int threads = 1;                     // event loops, one thread each
  std::string backend = "";            // empty: the build's default
  Spreading spread = Spreading::kHandOff;
  int backlog = 4096;
  HttpdConnectionOptions connection = {};
  // How long Shutdown waits for connections to finish the answers they owe
  // before it closes what is left.
  absl::Duration drain_timeout = absl::Seconds(5);
};

class HttpServer {
 public:
  // Creates the loops, listens and starts the threads. Fails, starting
  // nothing, with a status naming the option at fault (a backend not built,
  // an address that cannot be bound...).
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(
      HttpdOptions options);

  // Shuts down if Shutdown was not called.
  ~HttpServer();

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The port listened on (the chosen one when options.port was 0).
  std::uint16_t port() const { return port_; }
  const HttpdOptions& options() const { return options_; }

  // Stops accepting; every connection finishes the answers it owes and
  // closes (HttpdConnection::Drain), for drain_timeout at most; then stops
  // and joins the loops and closes whatever is left. Returns the first
  // error a loop met, or OK. Call it from a thread that is not one of the
  // server's loops; a second call does nothing.
  absl::Status Shutdown();

 private:
  struct PerLoop {
    std::unique_ptr<HttpdLoop> shared;
    TimerId drain_check;
  };

  explicit HttpServer(HttpdOptions options);
  // Runs on loop `index`: stops its listener and drains its connections,
  // then reports (LoopDrained) once none is left.
  void BeginDrain(int index);
  void LoopDrained();
  // Destroys the servers, their connections and the HttpdLoops, on the
  // thread that owns the loops (before Start, or after Join).
  void CloseWhatIsLeft();

  HttpdOptions options_;
  std::unique_ptr<LoopGroup> group_;
  std::vector<PerLoop> loops_;
  std::unique_ptr<MultiLoopServer> listeners_;
  std::uint16_t port_ = 0;
  bool started_ = false;
  bool shut_down_ = false;
  std::mutex mutex_;  // guards loops_draining_
  std::condition_variable drained_;
  int loops_draining_ = 0;
};

}  // namespace asycamore

#endif  // ASYCAMORE_TOOLS_HTTPD_HTTP_SERVER_H_
