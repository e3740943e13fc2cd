// HttpServer with several loops on every backend built: each way of
// spreading connections over the loops serves 1,000 connections, every
// answer correct.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "http_server.h"
#include "httpd_client.h"
#include "support/backend_test.h"

namespace asycamore {
namespace {

using testing::ParsedAnswers;
using testing::RawClient;

struct SpreadCase {
  std::string backend;
  Spreading spread;
};

void PrintTo(const SpreadCase& c, std::ostream* os) {
  *os << c.backend << ", " << SpreadingName(c.spread);
}

class HttpServerTest : public ::testing::TestWithParam<SpreadCase> {};

TEST_P(HttpServerTest, FourLoopsServeAThousandConnectionsCorrectly) {
  absl::StatusOr<std::unique_ptr<HttpServer>> server = HttpServer::Start(
      {.port = 0, .threads = 4, .backend = GetParam().backend,
       .spread = GetParam().spread});
  ASSERT_TRUE(server.ok()) << server.status();
  constexpr int kConnections = 1000;
  constexpr int kAtOnce = 100;  // open together (select's FD_SETSIZE)
  for (int first = 0; first < kConnections; first += kAtOnce) {
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = first; i < first + kAtOnce; ++i) {
      clients.push_back(std::make_unique<RawClient>((*server)->port(), nullptr));
      const std::string body = absl::StrCat("connection ", i);
      clients.back()->Send(absl::StrCat(
          "POST /echo HTTP/1.1\r\nContent-Length: ", body.size(), "\r\n\r\n",
          body, "GET /plaintext HTTP/1.1\r\n\r\n"));
    }
    for (int i = first; i < first + kAtOnce; ++i) {
      const ParsedAnswers parsed = clients[i - first]->ReadAnswers(2);
      ASSERT_EQ(parsed.answers.size(), 2u) << "connection " << i;
      EXPECT_EQ(parsed.answers[0].body, absl::StrCat("connection ", i));
      EXPECT_EQ(parsed.answers[1].body, "Hello, World!");
    }
  }
  EXPECT_TRUE((*server)->Shutdown().ok());
}

std::vector<SpreadCase> Cases() {
  std::vector<SpreadCase> cases;
  for (const std::string& backend : testing::BuiltBackendNamesForTests()) {
    for (Spreading spread :
         {Spreading::kHandOff, Spreading::kReusePort}) {
      cases.push_back({backend, spread});
    }
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(
    Backends, HttpServerTest, ::testing::ValuesIn(Cases()),
    [](const ::testing::TestParamInfo<SpreadCase>& info) {
      return absl::StrCat(info.param.backend, "_",
                          std::string(SpreadingName(info.param.spread)));
    });

}  // namespace
}  // namespace asycamore
