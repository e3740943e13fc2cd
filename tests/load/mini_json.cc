#include "mini_json.h"

#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace asycamore::testing {
namespace {

class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  absl::StatusOr<JsonValue> Document() {
    absl::StatusOr<JsonValue> value = Value(0);
    if (!value.ok()) return value;
    SkipSpace();
    if (at_ != text_.size()) return Fail("text after the document");
    return value;
  }

 private:
  static constexpr int kMaxDepth = 64;

  absl::Status Fail(std::string_view what) const {
    return absl::InvalidArgumentError(
        absl::StrCat("JSON at offset ", at_, ": ", std::string(what)));
  }
  void SkipSpace() {
    while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\n' ||
                                  text_[at_] == '\r' || text_[at_] == '\t')) {
      ++at_;
    }
  }
  bool Take(char c) {
    SkipSpace();
    if (at_ < text_.size() && text_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }
  bool TakeWord(std::string_view word) {
    if (text_.substr(at_, word.size()) != word) return false;
    at_ += word.size();
    return true;
  }

  absl::StatusOr<JsonValue> Value(int depth) {
    if (depth > kMaxDepth) return Fail("nested too deep");
    SkipSpace();
    if (at_ >= text_.size()) return Fail("unexpected end");
    JsonValue v;
    const char c = text_[at_];
    if (c == '{') return Object(depth);
    if (c == '[') return Array(depth);
    if (c == '"') {
      absl::StatusOr<std::string> s = String();
      if (!s.ok()) return s.status();
      v.kind = JsonValue::Kind::kString;
      v.text = *std::move(s);
      return v;
    }
    if (TakeWord("null")) return v;
    if (TakeWord("true") || TakeWord("false")) {
      v.kind = JsonValue::Kind::kBool;
      v.boolean = text_.substr(at_ - 4, 4) == "true";
      return v;
    }
    return Number();
  }

  absl::StatusOr<JsonValue> Object(int depth) {
    ++at_;  // {
    JsonValue v;
    v.kind = JsonValue::Kind::kObject;
    if (Take('}')) return v;
    do {
      SkipSpace();
      if (at_ >= text_.size() || text_[at_] != '"')
        return Fail("expected a key");
      absl::StatusOr<std::string> key = String();
      if (!key.ok()) return key.status();
      if (!Take(':')) return Fail("expected ':'");
      absl::StatusOr<JsonValue> member = Value(depth + 1);
      if (!member.ok()) return member;
      v.members.emplace_back(*std::move(key), *std::move(member));
    } while (Take(','));
    if (!Take('}')) return Fail("expected ',' or '}'");
    return v;
  }

  absl::StatusOr<JsonValue> Array(int depth) {
    ++at_;  // [
    JsonValue v;
    v.kind = JsonValue::Kind::kArray;
    if (Take(']')) return v;
    do {
      absl::StatusOr<JsonValue> item = Value(depth + 1);
      if (!item.ok()) return item;
      v.items.push_back(*std::move(item));
    } while (Take(','));
    if (!Take(']')) return Fail("expected ',' or ']'");
    return v;
  }

  absl::StatusOr<std::string> String() {
    ++at_;  // "
    std::string out;
    while (at_ < text_.size()) {
      const char c = text_[at_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) {
        return Fail("a control character in a string");
      }
      if (c != '\\') {
        out += c;
        continue;
      }
      if (at_ >= text_.size()) break;
      const char e = text_[at_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          if (at_ + 4 > text_.size()) return Fail("a short \\u escape");
          const std::string hex(text_.substr(at_, 4));
          char* end = nullptr;
          const long code = std::strtol(hex.c_str(), &end, 16);
          if (end != hex.c_str() + 4) return Fail("a bad \\u escape");
          at_ += 4;
          if (code >= 0x80) return Fail("\\u above ASCII (not needed here)");
          out += static_cast<char>(code);
          break;
        }
        default:
          return Fail("an unknown escape");
      }
    }
    return Fail("an unterminated string");
  }

  absl::StatusOr<JsonValue> Number() {
    const std::size_t start = at_;
    if (at_ < text_.size() && text_[at_] == '-') ++at_;
    auto digits = [&] {
      const std::size_t from = at_;
      while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9')
        ++at_;
      return at_ - from;
    };
    const std::size_t first = at_;
    const std::size_t whole = digits();
    if (whole == 0) return Fail("expected a value");
    if (whole > 1 && text_[first] == '0') return Fail("a leading zero");
    if (at_ < text_.size() && text_[at_] == '.') {
      ++at_;
      if (digits() == 0) return Fail("no digit after the point");
    }
    if (at_ < text_.size() && (text_[at_] == 'e' || text_[at_] == 'E')) {
      ++at_;
      if (at_ < text_.size() && (text_[at_] == '+' || text_[at_] == '-')) ++at_;
      if (digits() == 0) return Fail("no digit in the exponent");
    }
    JsonValue v;
    v.kind = JsonValue::Kind::kNumber;
    v.number = std::strtod(
        std::string(text_.substr(start, at_ - start)).c_str(), nullptr);
    return v;
  }

  std::string_view text_;
  std::size_t at_ = 0;
};

}  // namespace

const JsonValue* JsonValue::Find(std::string_view key) const {
  for (const auto& [name, value] : members) {
    if (name == key) return &value;
  }
  return nullptr;
}

const JsonValue* JsonValue::At(
    std::initializer_list<std::string_view> path) const {
  const JsonValue* v = this;
  for (std::string_view key : path) {
    v = v->Find(key);
    if (v == nullptr) return nullptr;
  }
  return v;
}

absl::StatusOr<JsonValue> ParseJson(std::string_view text) {
  return Reader(text).Document();
}

}  // namespace asycamore::testing
