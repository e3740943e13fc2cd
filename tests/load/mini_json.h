// A small strict JSON reader (RFC 8259) for the tests: the reports write
// JSON by hand, so the tests read it back with a parser that refuses what a
// real one would (trailing commas, bare NaN, unescaped control characters,
// single quotes) and then look at the values.
#ifndef ASYCAMORE_TESTS_LOAD_MINI_JSON_H_
#define ASYCAMORE_TESTS_LOAD_MINI_JSON_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace asycamore::testing {

struct JsonValue {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool boolean = false;
  double number = 0;
  std::string text = {};                                        // kString
  std::vector<JsonValue> items = {};                            // kArray
  std::vector<std::pair<std::string, JsonValue>> members = {};  // kObject

  // Returns the member called `key` of an object, or nullptr.
  const JsonValue* Find(std::string_view key) const;
  // Follows a path of member names ("requests", "responses"); nullptr when
  // one is missing.
  const JsonValue* At(std::initializer_list<std::string_view> path) const;
};

// Parses one JSON document (whitespace around it allowed, nothing else).
// Errors name the offset.
absl::StatusOr<JsonValue> ParseJson(std::string_view text);

}  // namespace asycamore::testing

#endif  // ASYCAMORE_TESTS_LOAD_MINI_JSON_H_
