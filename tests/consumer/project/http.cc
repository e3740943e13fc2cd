// asycamore::http (and the layers below it): a request is built and a
// response parsed, which runs the llhttp compiled into the library. Exits 0
// when the response's status and body arrived as sent.
#include <cstdio>
#include <optional>
#include <string>

#include "asycamore/http/message_writer.h"
#include "asycamore/http/response_parser.h"

namespace {

class Client : public asycamore::HttpResponseHandler {
 public:
  std::optional<asycamore::HttpMethod> PendingRequestMethod() override {
    return asycamore::HttpMethod::kGet;
  }
  void OnResponse(const asycamore::HttpResponseView& response) override {
    status = response.status_code;
  }
  int status = 0;
};

}  // namespace

int main() {
  auto request = asycamore::BuildHttpRequest({.host = "example.test"});
  if (!request.ok() || request->rfind("GET / HTTP/1.1\r\n", 0) != 0) return 1;
  Client client;
  asycamore::HttpResponseParser parser(client);
  if (!parser.Feed("HTTP/1.1 204 No Content\r\n\r\n").ok()) return 1;
  if (client.status != 204) return 1;
  std::printf("http: built a request, parsed a %d\n", client.status);
  return 0;
}
