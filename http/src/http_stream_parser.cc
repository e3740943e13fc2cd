#include "asycamore/http/http_stream_parser.h"

#include <memory>
#include <utility>

#include "llhttp_parser.h"

namespace asycamore {

HttpStreamParser::HttpStreamParser(
    std::unique_ptr<http_internal::ParserCore> core)
    : core_(std::move(core)) {}

HttpStreamParser::~HttpStreamParser() = default;

absl::Status HttpStreamParser::Feed(std::string_view data) {
  return core_->parser().Feed(data);
}
absl::Status HttpStreamParser::Finish() { return core_->parser().Finish(); }
void HttpStreamParser::Reset() { core_->parser().Reset(); }
HttpParseError HttpStreamParser::error() const {
  return core_->parser().error();
}
bool HttpStreamParser::idle() const { return core_->parser().idle(); }
bool HttpStreamParser::closed() const { return core_->parser().closed(); }
std::uint64_t HttpStreamParser::bytes_fed() const {
  return core_->parser().bytes_fed();
}
std::uint64_t HttpStreamParser::ignored_bytes() const {
  return core_->parser().ignored_bytes();
}

}  // namespace asycamore
