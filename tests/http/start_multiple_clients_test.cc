// StartMultipleClients over two threads against the misbehaving server
// (on a thread of its own), on every backend: reconnects, exact request
// counts, the deadline, connect failures. Callbacks record into per-thread
// ledgers (what a real caller does), merged after the run. The linux-tsan
// lane runs these.
#include "asycamore/http/start_multiple_clients.h"

#include <atomic>
#include <map>
#include <memory>
#include <thread>
#include <vector>

#include "client_driver.h"
#include "gtest/gtest.h"
#include "support/backend_test.h"
#include "support/sockets.h"
#include "test_http_server.h"

namespace asycamore::testing {
namespace {

using ServerThread = TestHttpServerThread;

// One thread's record of final outcomes, by tag.
struct ThreadLedger {
  std::map<std::uint64_t, int> ended;
  std::map<RequestResult, int> by_result;
  std::map<HttpErrorClass, int> by_class;
  int wrong_body = 0;
  std::thread::id thread;
  bool thread_changed = false;
};

struct Ledgers {
  explicit Ledgers(int threads) : per_thread(threads) {}

  ClientRequestEndCallback Callback() {
    return [this](const ClientPlace& place, HttpRequest& request,
                  const HttpRequestOutcome& outcome) {
      ThreadLedger& mine = per_thread[place.thread];
      if (mine.thread == std::thread::id()) mine.thread = std::this_thread::get_id();
      if (mine.thread != std::this_thread::get_id()) mine.thread_changed = true;
      ++mine.ended[request.tag];
      ++mine.by_result[outcome.result];
      ++mine.by_class[outcome.error.error_class];
      if (outcome.result == RequestResult::kAnswered &&
          outcome.response->body != BodyFor(TargetFor(request.tag))) {
        ++mine.wrong_body;
      }
    };
  }
  // Merged once, after the run.
  std::map<std::uint64_t, int> Ended() const {
    std::map<std::uint64_t, int> all;
    for (const ThreadLedger& t : per_thread) {
      for (auto [tag, n] : t.ended) all[tag] += n;
    }
    return all;
  }
  int Count(RequestResult result) const {
    int n = 0;
    for (const ThreadLedger& t : per_thread) {
      auto it = t.by_result.find(result);
      if (it != t.by_result.end()) n += it->second;
    }
    return n;
  }

  std::vector<ThreadLedger> per_thread;
};

// Connection c yields tags c*1000 .. c*1000+count-1, then ends.
ClientSetupFactory CountedSources(int count) {
  return [count](const ClientContext& context) -> ClientSetup {
    return {.source = [next = 0, count,
                       base = context.place.connection * 1000]() mutable
            -> std::optional<HttpRequest> {
      if (next == count) return std::nullopt;
      return MakeRequest(static_cast<std::uint64_t>(base + next++));
    }};
  };
}

class StartMultipleClientsTest : public BackendTest {
 protected:
  LoopFactory Loops() {
    return [backend = GetParam()](int) {
      return CreateEventLoop({.backend = backend});
    };
  }
};

TEST_P(StartMultipleClientsTest, TwoThreadsReconnectAndAnswerEveryRequestOnce) {
  // The server closes each connection after 3 responses, with requests
  // pipelined behind them: they come back and go again on a new connection.
  ServerThread server(GetParam(), {.end_after = 3});
  Ledgers ledgers(2);
  auto result = StartMultipleClients(
      {.address = SocketAddress::Loopback4(server.port()),
       .connections = 4,
       .threads = 2,
       .loop_factory = Loops(),
       .client = {.pipeline_depth = 4},
       .max_attempts = 10,
       .source_factory = CountedSources(25),
       .on_request_end = ledgers.Callback()});
  ASSERT_TRUE(result.ok()) << result.status();
  server.Join();
  EXPECT_EQ(result->taken, 100u);
  EXPECT_EQ(result->taken, result->answered + result->failed + result->not_sent);
  EXPECT_EQ(result->answered, 100u);
  EXPECT_GT(result->retried, 0u);
  EXPECT_GE(result->connects, 4u * 25 / 3);
  const auto ended = ledgers.Ended();
  EXPECT_EQ(ended.size(), 100u);
  for (auto [tag, n] : ended) EXPECT_EQ(n, 1) << "request " << tag;
  for (const ThreadLedger& t : ledgers.per_thread) {
    EXPECT_EQ(t.wrong_body, 0);
    EXPECT_FALSE(t.thread_changed);
  }
  EXPECT_NE(ledgers.per_thread[0].thread, ledgers.per_thread[1].thread);
}

TEST_P(StartMultipleClientsTest, MaxRequestsTakesExactlyThatManyFromEndlessSources) {
  ServerThread server(GetParam(), {});
  Ledgers ledgers(2);
  auto result = StartMultipleClients(
      {.address = SocketAddress::Loopback4(server.port()),
       .connections = 3,
       .threads = 2,
       .loop_factory = Loops(),
       .client = {.pipeline_depth = 4},
       .max_requests = 1001,
       .source_factory =
           [](const ClientContext& context) -> ClientSetup {
             return {.source = [next = std::uint64_t{0},
                                c = context.place.connection]() mutable {
               return std::optional<HttpRequest>(
                   MakeRequest(static_cast<std::uint64_t>(c) * 100000 + next++));
             }};
           },
       .on_request_end = ledgers.Callback()});
  ASSERT_TRUE(result.ok()) << result.status();
  server.Join();
  EXPECT_EQ(result->taken, 1001u);
  EXPECT_EQ(result->answered, 1001u);
  EXPECT_EQ(server.server().requests(), 1001u);  // never more sent than asked
  EXPECT_EQ(ledgers.Count(RequestResult::kAnswered), 1001);
}

TEST_P(StartMultipleClientsTest, DeadlineFailsTheUnansweredAndAccountsForAll) {
  ServerThread server(GetParam(), {.respond = [](const SeenRequest&) {
    return std::string();  // never answers
  }});
  Ledgers ledgers(2);
  auto result = StartMultipleClients(
      {.address = SocketAddress::Loopback4(server.port()),
       .connections = 2,
       .threads = 2,
       .loop_factory = Loops(),
       .client = {.pipeline_depth = 3},
       .duration = absl::Milliseconds(150),
       .source_factory = CountedSources(10),
       .on_request_end = ledgers.Callback()});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->taken, 6u);  // the depth on each connection
  EXPECT_EQ(result->failed, 6u);
  EXPECT_EQ(result->taken, result->answered + result->failed + result->not_sent);
  int stopped = 0;
  for (const ThreadLedger& t : ledgers.per_thread) {
    auto it = t.by_class.find(HttpErrorClass::kStopped);
    if (it != t.by_class.end()) stopped += it->second;
  }
  EXPECT_EQ(stopped, 6);
}

TEST_P(StartMultipleClientsTest, RefusedConnectsGiveUpAfterTheLimitAndTakeNothing) {
  std::atomic<int> refused{0};
  auto result = StartMultipleClients(
      {.address = SocketAddress::Loopback4(UnusedLoopbackPort()),
       .connections = 2,
       .threads = 2,
       .loop_factory = Loops(),
       .reconnect_backoff = absl::Milliseconds(1),
       .max_connect_failures = 3,
       .source_factory = CountedSources(5),
       .on_connection_end =
           [&refused](const ClientPlace&, const HttpConnectionEnd& end) {
             if (end.error_class == HttpErrorClass::kConnectRefused) ++refused;
           }});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->connect_failures, 6u);
  EXPECT_EQ(refused.load(), 6);
  EXPECT_EQ(result->taken, 0u);
  EXPECT_EQ(result->connects, 0u);
}

TEST(StartMultipleClientsOptions, OutOfRangeOptionsAreRefusedByName) {
  auto result = StartMultipleClients({.address = SocketAddress::Loopback4(1),
                                      .connections = 0,
                                      .source_factory = CountedSources(1)});
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("connections = 0"),
            std::string_view::npos)
      << result.status();
}

ASYCAMORE_INSTANTIATE_FOR_EACH_BACKEND(StartMultipleClientsTest);

}  // namespace
}  // namespace asycamore::testing
