#include "workloads/echo_measure.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace asycamore::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Under valgrind a server answers its first message only after a second
// or two of start-up; a stalled one fails the measurement after this.
constexpr int kReplyTimeoutMs = 60000;

absl::Status Errno(const char* call) {
  return absl::InternalError(
      absl::StrCat("echo workload: ", call, ": ", std::strerror(errno)));
}

// Returns the process's nanoseconds on a CPU so far, or 0.
double OnCpuNs(pid_t pid) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/schedstat", static_cast<int>(pid));
  std::FILE* file = std::fopen(path, "r");
  if (file == nullptr) return 0;
  unsigned long long ns = 0;
  if (std::fscanf(file, "%llu", &ns) != 1) ns = 0;
  std::fclose(file);
  return static_cast<double>(ns);
}

// Binds and listens on 127.0.0.1 (any port); returns the socket and port.
absl::Status Listen(int& fd, std::uint16_t& port) {
  fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Errno("socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    return Errno("bind");
  }
  if (::listen(fd, 4096) != 0) return Errno("listen");
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    return Errno("getsockname");
  }
  port = ntohs(address.sin_port);
  return absl::OkStatus();
}

// Starts the server with the listening socket as kEchoListenFd and, when
// `stdout_fd` is not -1, that descriptor as its standard output.
pid_t StartServer(const std::vector<std::string>& argv, int listen_fd,
                  int stdout_fd = -1) {
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  // The child: the listening socket on kEchoListenFd, inherited by exec.
  if (listen_fd == kEchoListenFd) {
    ::fcntl(listen_fd, F_SETFD, 0);
  } else if (::dup2(listen_fd, kEchoListenFd) < 0) {
    ::_exit(126);
  }
  if (stdout_fd >= 0 && ::dup2(stdout_fd, STDOUT_FILENO) < 0) ::_exit(126);
  ::execvp(args[0], args.data());
  ::_exit(127);
}

// Waits for the server to exit on its own (its connections are closed).
absl::Status AwaitServer(pid_t pid, const std::vector<std::string>& argv) {
  const auto give_up = Clock::now() + std::chrono::milliseconds(kReplyTimeoutMs);
  int status = 0;
  for (;;) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) return Errno("waitpid");
    if (Clock::now() > give_up) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return absl::DeadlineExceededError(
          absl::StrCat("echo server did not exit after its connections "
                       "closed: ", absl::StrJoin(argv, " ")));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError(absl::StrCat(
        "echo server failed (",
        WIFEXITED(status) ? absl::StrCat("exit status ", WEXITSTATUS(status))
                          : absl::StrCat("signal ", WTERMSIG(status)),
        "): ", absl::StrJoin(argv, " ")));
  }
  return absl::OkStatus();
}

class EchoClient {
 public:
  // With `reset_on_close` the connections end with a reset (SO_LINGER 0)
  // rather than a FIN, leaving no TIME_WAIT behind: thousands of idle
  // connections would otherwise hold the loopback's ephemeral ports.
  EchoClient(const EchoPlan& plan, pid_t server, bool reset_on_close = false)
      : plan_(plan), server_(server), message_(plan.bytes, 'e'),
        reset_on_close_(reset_on_close) {}
  ~EchoClient() {
    for (int fd : fds_) {
      if (reset_on_close_) {
        const linger now{1, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &now, sizeof now);
      }
      ::close(fd);
    }
    if (epoll_fd_ >= 0) ::close(epoll_fd_);
  }

  // Opens `count` more connections (all of the plan's by default).
  absl::Status Connect(std::uint16_t port, std::size_t count = 0) {
    if (count == 0) count = plan_.connections;
    if (epoll_fd_ < 0) epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd_ < 0) return Errno("epoll_create1");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (std::size_t n = 0; n < count; ++n) {
      const std::size_t i = fds_.size();
      const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (fd < 0) return Errno("socket");
      fds_.push_back(fd);
      // Completed by the kernel from the listen backlog.
      if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        return Errno("connect");
      }
      const int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
      epoll_event event{};
      event.events = EPOLLIN;
      event.data.u32 = static_cast<std::uint32_t>(i);
      if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) {
        return Errno("epoll_ctl");
      }
    }
    received_.assign(fds_.size(), 0);
    return absl::OkStatus();
  }

  // One round trip on the newest connection.
  absl::Status RoundTripOnNewest() {
    const int fd = fds_.back();
    if (::send(fd, message_.data(), message_.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(message_.size())) {
      return Errno("send");
    }
    std::size_t received = 0;
    while (received < message_.size()) {
      pollfd ready{fd, POLLIN, 0};
      if (::poll(&ready, 1, kReplyTimeoutMs) <= 0) {
        return absl::DeadlineExceededError("echo workload: no reply to a probe");
      }
      const ssize_t got = ::recv(fd, buffer_, sizeof buffer_, 0);
      if (got < 0 && errno == EAGAIN) continue;
      if (got <= 0) return absl::InternalError("echo workload: the server closed a connection");
      received += static_cast<std::size_t>(got);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<EchoMeasurement> Run(const EchoBudget& budget) {
    const bool counted = budget.round_trips > 0;
    sends_left_ = counted ? budget.round_trips : ~std::uint64_t{0};
    std::vector<bool> warmed(plan_.connections, counted);
    std::size_t cold = counted ? 0 : plan_.connections;
    for (std::size_t i = 0; i < plan_.connections && sends_left_ > 0; ++i) {
      if (absl::Status s = Send(i); !s.ok()) return s;
    }
    EchoMeasurement m;
    enum class Phase { kWarmup, kTimed, kDraining } phase =
        counted ? Phase::kTimed : Phase::kWarmup;
    Clock::time_point phase_end = Clock::now() + absl::ToChronoNanoseconds(budget.warmup);
    Clock::time_point start = Clock::now();
    double cpu_start = 0;
    std::uint64_t completed = 0, completed_at_start = 0;
    epoll_event events[256];
    while (in_flight_ > 0) {
      const int ready = ::epoll_wait(epoll_fd_, events, 256, kReplyTimeoutMs);
      if (ready < 0 && errno == EINTR) continue;
      if (ready < 0) return Errno("epoll_wait");
      if (ready == 0) {
        return absl::DeadlineExceededError(absl::StrCat(
            "echo workload: no reply for ", kReplyTimeoutMs / 1000, " s"));
      }
      for (int e = 0; e < ready; ++e) {
        const std::size_t i = events[e].data.u32;
        const ssize_t got = ::recv(fds_[i], buffer_, sizeof buffer_, 0);
        if (got < 0 && errno == EAGAIN) continue;
        if (got <= 0) {
          return absl::InternalError(
              "echo workload: the server closed a connection");
        }
        received_[i] += static_cast<std::size_t>(got);
        if (received_[i] < plan_.bytes) continue;
        received_[i] -= plan_.bytes;
        --in_flight_;
        ++completed;
        if (!warmed[i]) {
          warmed[i] = true;
          --cold;
        }
        if (phase != Phase::kDraining && sends_left_ > 0) {
          if (absl::Status s = Send(i); !s.ok()) return s;
        }
      }
      if (phase == Phase::kDraining || counted) continue;
      const Clock::time_point now = Clock::now();
      if (phase == Phase::kWarmup && cold == 0 && now >= phase_end) {
        phase = Phase::kTimed;
        start = now;
        phase_end = now + absl::ToChronoNanoseconds(budget.min_time);
        cpu_start = OnCpuNs(server_);
        completed_at_start = completed;
      } else if (phase == Phase::kTimed && now >= phase_end) {
        phase = Phase::kDraining;
        m.server_cpu_ns = cpu_start > 0 ? OnCpuNs(server_) - cpu_start : 0;
        m.wall_ns = std::chrono::duration<double, std::nano>(now - start).count();
        m.round_trips = completed - completed_at_start;
      }
    }
    if (counted) {
      m.round_trips = completed;
      m.wall_ns = std::chrono::duration<double, std::nano>(Clock::now() - start).count();
    }
    return m;
  }

 private:
  absl::Status Send(std::size_t i) {
    // One small message on loopback is never sent short.
    if (::send(fds_[i], message_.data(), message_.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(message_.size())) {
      return Errno("send");
    }
    --sends_left_;
    ++in_flight_;
    return absl::OkStatus();
  }

  EchoPlan plan_;
  pid_t server_;
  std::string message_;
  bool reset_on_close_;
  int epoll_fd_ = -1;
  std::vector<int> fds_;
  std::vector<std::size_t> received_;
  std::uint64_t sends_left_ = 0;
  std::size_t in_flight_ = 0;
  char buffer_[64 * 1024];
};

// Listens, starts the server (standard output on `stdout_fd` unless it
// is -1), runs drive(server, port), whose client must have closed every
// connection when it returns (the server's cue to exit), and waits for the
// server to exit. The first failure is the one returned.
template <typename T, typename Drive>
absl::StatusOr<T> WithServer(const std::vector<std::string>& argv,
                             int stdout_fd, Drive drive) {
  int listen_fd = -1;
  std::uint16_t port = 0;
  if (absl::Status s = Listen(listen_fd, port); !s.ok()) {
    if (listen_fd >= 0) ::close(listen_fd);
    return s;
  }
  const pid_t server = StartServer(argv, listen_fd, stdout_fd);
  ::close(listen_fd);
  if (server < 0) return Errno("fork");
  absl::StatusOr<T> result = drive(server, port);
  absl::Status exited = AwaitServer(server, argv);
  if (!result.ok()) return result.status();
  if (!exited.ok()) return exited;
  return result;
}

// Asks the server for its heap in use (SIGUSR1) and reads the answer.
absl::StatusOr<double> ReadServerHeap(pid_t server, int answers) {
  if (::kill(server, SIGUSR1) != 0) return Errno("kill");
  std::string line;
  char c = 0;
  while (c != '\n') {
    pollfd ready{answers, POLLIN, 0};
    if (::poll(&ready, 1, kReplyTimeoutMs) <= 0 || ::read(answers, &c, 1) != 1) {
      return absl::DeadlineExceededError(
          "echo workload: the server did not report its heap");
    }
    line += c;
  }
  unsigned long long bytes = 0;
  if (std::sscanf(line.c_str(), "heap %llu", &bytes) != 1) {
    return absl::DataLossError(absl::StrCat("echo workload: bad heap report '", line, "'"));
  }
  return static_cast<double>(bytes);
}

}  // namespace

absl::StatusOr<double> MeasureEchoIdleHeap(
    const std::vector<std::string>& server_argv, std::size_t from,
    std::size_t to) {
  if (server_argv.empty() || from == 0 || to <= from) {
    return absl::InvalidArgumentError(
        "MeasureEchoIdleHeap: needs a server command and 0 < from < to");
  }
  int answers[2];
  if (::pipe2(answers, O_CLOEXEC) != 0) return Errno("pipe2");
  absl::StatusOr<double> per_connection = WithServer<double>(
      server_argv, answers[1],
      [&](pid_t server, std::uint16_t port) -> absl::StatusOr<double> {
        ::close(answers[1]);  // the server's copy is its standard output
        answers[1] = -1;
        EchoClient client(EchoPlan{.connections = from, .bytes = 64}, server,
                          /*reset_on_close=*/true);
        absl::StatusOr<double> before, after;
        absl::Status s = client.Connect(port, from);
        if (s.ok()) s = client.RoundTripOnNewest();
        if (s.ok()) before = ReadServerHeap(server, answers[0]);
        if (s.ok()) s = before.status();
        if (s.ok()) s = client.Connect(port, to - from);
        if (s.ok()) s = client.RoundTripOnNewest();
        if (s.ok()) after = ReadServerHeap(server, answers[0]);
        if (s.ok()) s = after.status();
        if (!s.ok()) return s;
        return (*after - *before) / static_cast<double>(to - from);
      });
  ::close(answers[0]);
  if (answers[1] >= 0) ::close(answers[1]);  // the server never started
  return per_connection;
}

absl::StatusOr<EchoMeasurement> MeasureEcho(
    const std::vector<std::string>& server_argv, const EchoPlan& plan,
    const EchoBudget& budget) {
  if (server_argv.empty() || plan.connections == 0 || plan.bytes == 0) {
    return absl::InvalidArgumentError(
        "MeasureEcho: needs a server command, connections and bytes");
  }
  return WithServer<EchoMeasurement>(
      server_argv, -1,
      [&](pid_t server, std::uint16_t port) -> absl::StatusOr<EchoMeasurement> {
        auto client = std::make_unique<EchoClient>(plan, server);
        if (absl::Status s = client->Connect(port); !s.ok()) return s;
        return client->Run(budget);
      });
}

}  // namespace asycamore::bench
