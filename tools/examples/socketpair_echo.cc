#include <sys/socket.h>
#include <unistd.h>
#include <cstdio>

#include "asycamore/backend_registry.h"
#include "asycamore/event_loop.h"

// Echoes whatever arrives on one end of a socket pair, then stops.
class Echo : public asycamore::DispatchTarget {
 public:
  explicit Echo(int fd) : fd_(fd) {}
  void dispatch_event(const asycamore::Event& event) override {
    char buffer[512];
    ssize_t got = ::recv(fd_, buffer, sizeof buffer, 0);
    if (got > 0) ::send(fd_, buffer, static_cast<size_t>(got), MSG_NOSIGNAL);
    if (got == 0 || event.error) loop->Stop();
  }
  asycamore::EventLoop* loop = nullptr;
 private:
  int fd_;
};

int main() {
  int fds[2];
  ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds);
  auto loop = asycamore::CreateEventLoop({.backend = "poll"});  // "" = default
  if (!loop.ok()) { std::puts(loop.status().ToString().c_str()); return 1; }
  Echo echo(fds[0]);
  echo.loop = loop->get();
  auto handle = (*loop)->Register(fds[0], asycamore::Interest::kRead, &echo);
  (*loop)->RunAfter(absl::Milliseconds(10), [&] { ::send(fds[1], "hi", 2, 0); ::close(fds[1]); });
  if (absl::Status ran = (*loop)->Run(); !ran.ok()) std::puts(ran.ToString().c_str());
  (void)(*loop)->Deregister(*handle);  // deregister before close
  ::close(fds[0]);
}
