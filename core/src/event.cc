#include "asycamore/event.h"

#include "absl/strings/str_cat.h"

namespace asycamore {

const char* InterestName(Interest interest) {
  switch (interest) {
    case Interest::kNone:
      return "none";
    case Interest::kRead:
      return "read";
    case Interest::kWrite:
      return "write";
    case Interest::kReadWrite:
      return "read|write";
  }
  return "invalid";
}

std::string DescribeEvent(const Event& event) {
  std::string text = absl::StrCat("Event{socket=", SocketNumber(event.socket),
                                  ", token=", event.token);
  if (event.readable) absl::StrAppend(&text, ", readable");
  if (event.writable) absl::StrAppend(&text, ", writable");
  if (event.error) absl::StrAppend(&text, ", error");
  if (event.hangup) absl::StrAppend(&text, ", hangup");
  absl::StrAppend(&text, "}");
  return text;
}

}  // namespace asycamore
