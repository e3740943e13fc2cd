// The echo workload's server on libevent, written the way a libevent
// server is: an evconnlistener and one bufferevent per connection whose
// read callback moves its input buffer to its output buffer (no copy);
// libevent writes it when the socket reports writable.
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "absl/strings/str_cat.h"
#include "workloads/runners.h"

namespace asycamore::bench {
namespace {

struct Server {
  event_base* base = nullptr;
  std::size_t accepted = 0;
  std::size_t open = 0;
};

void OnReadable(bufferevent* connection, void*) {
  bufferevent_write_buffer(connection, bufferevent_get_input(connection));
}

void OnEvent(bufferevent* connection, short what, void* arg) {
  if ((what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) == 0) return;
  Server& server = *static_cast<Server*>(arg);
  bufferevent_free(connection);
  if (--server.open == 0) event_base_loopbreak(server.base);
}

void OnAccept(evconnlistener*, evutil_socket_t fd, sockaddr*, int, void* arg) {
  Server& server = *static_cast<Server*>(arg);
  bufferevent* connection =
      bufferevent_socket_new(server.base, fd, BEV_OPT_CLOSE_ON_FREE);
  if (connection == nullptr) {
    evutil_closesocket(fd);
    return;
  }
  ++server.accepted;
  ++server.open;
  bufferevent_setcb(connection, OnReadable, nullptr, OnEvent, &server);
  bufferevent_enable(connection, EV_READ | EV_WRITE);
}

}  // namespace

absl::Status ServeEchoLibevent(int listen_fd) {
  Server server;
  server.base = event_base_new();
  if (server.base == nullptr) {
    evutil_closesocket(listen_fd);
    return absl::InternalError("event_base_new failed");
  }
  // Backlog 0: the socket is listening already.
  evconnlistener* listener = evconnlistener_new(
      server.base, OnAccept, &server, LEV_OPT_CLOSE_ON_FREE, 0, listen_fd);
  if (listener == nullptr) {
    event_base_free(server.base);
    evutil_closesocket(listen_fd);
    return absl::InternalError("evconnlistener_new failed");
  }
  event_base_dispatch(server.base);
  evconnlistener_free(listener);
  event_base_free(server.base);
  return absl::OkStatus();
}

}  // namespace asycamore::bench
