#include "xml_check.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace asycamore::testing {
namespace {

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '_' || c == ':' || c == '.';
}

class Checker {
 public:
  explicit Checker(std::string_view text) : text_(text) {}

  absl::Status Run() {
    SkipSpace();
    if (text_.substr(at_, 5) == "<?xml") {
      const std::size_t end = text_.find("?>", at_);
      if (end == std::string_view::npos) return Fail("unterminated <?xml");
      at_ = end + 2;
    }
    SkipSpace();
    if (at_ >= text_.size() || text_[at_] != '<')
      return Fail("no root element");
    bool root_done = false;
    while (at_ < text_.size()) {
      if (text_[at_] != '<') {
        if (open_.empty()) {
          if (text_[at_] == ' ' || text_[at_] == '\n') {
            ++at_;
            continue;
          }
          return Fail("text outside the root element");
        }
        if (absl::Status s = Text(); !s.ok()) return s;
        continue;
      }
      if (text_.substr(at_, 4) == "<!--") {
        const std::size_t end = text_.find("-->", at_);
        if (end == std::string_view::npos) return Fail("unterminated comment");
        at_ = end + 3;
        continue;
      }
      if (root_done) return Fail("a second root element");
      if (text_.substr(at_, 2) == "</") {
        at_ += 2;
        const std::string name = Name();
        if (open_.empty() || open_.back() != name) {
          return Fail(absl::StrCat("</", name, "> closes ",
                                   open_.empty() ? "nothing" : open_.back()));
        }
        open_.pop_back();
        SkipSpace();
        if (!Take('>')) return Fail("expected '>'");
        if (open_.empty()) root_done = true;
        continue;
      }
      ++at_;  // <
      const std::string name = Name();
      if (name.empty()) return Fail("a tag without a name");
      if (absl::Status s = Attributes(); !s.ok()) return s;
      if (text_.substr(at_, 2) == "/>") {
        at_ += 2;
        if (open_.empty()) root_done = true;
      } else if (Take('>')) {
        open_.push_back(name);
      } else {
        return Fail(absl::StrCat("<", name, "> is not closed with '>'"));
      }
    }
    if (!open_.empty())
      return Fail(absl::StrCat("<", open_.back(), "> never closed"));
    if (!root_done) return Fail("no root element");
    return absl::OkStatus();
  }

 private:
  absl::Status Fail(std::string_view what) const {
    return absl::InvalidArgumentError(
        absl::StrCat("XML at offset ", at_, ": ", std::string(what)));
  }
  void SkipSpace() {
    while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\n' ||
                                  text_[at_] == '\t' || text_[at_] == '\r')) {
      ++at_;
    }
  }
  bool Take(char c) {
    if (at_ < text_.size() && text_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }
  std::string Name() {
    const std::size_t from = at_;
    while (at_ < text_.size() && IsNameChar(text_[at_])) ++at_;
    return std::string(text_.substr(from, at_ - from));
  }
  // An entity after '&': &lt; &gt; &amp; &quot; &apos; &#123; &#x1F;
  absl::Status Entity() {
    const std::size_t end = text_.find(';', at_);
    if (end == std::string_view::npos || end - at_ > 10) {
      return Fail("a raw '&' (escape it as &amp;)");
    }
    const std::string_view name = text_.substr(at_ + 1, end - at_ - 1);
    const bool known = name == "lt" || name == "gt" || name == "amp" ||
                       name == "quot" || name == "apos" ||
                       (name.size() > 1 && name[0] == '#');
    if (!known)
      return Fail(absl::StrCat("an unknown entity &", std::string(name), ";"));
    at_ = end + 1;
    return absl::OkStatus();
  }
  absl::Status Text() {
    while (at_ < text_.size() && text_[at_] != '<') {
      if (text_[at_] == '&') {
        if (absl::Status s = Entity(); !s.ok()) return s;
      } else {
        ++at_;
      }
    }
    return absl::OkStatus();
  }
  absl::Status Attributes() {
    std::vector<std::string> seen;
    while (true) {
      const std::size_t before = at_;
      SkipSpace();
      if (at_ >= text_.size()) return Fail("unterminated tag");
      if (text_[at_] == '>' || text_[at_] == '/') return absl::OkStatus();
      if (at_ == before) return Fail("no space before an attribute");
      const std::string name = Name();
      if (name.empty()) return Fail("expected an attribute name");
      for (const std::string& s : seen) {
        if (s == name) return Fail(absl::StrCat("attribute ", name, " twice"));
      }
      seen.push_back(name);
      if (!Take('='))
        return Fail(absl::StrCat("attribute ", name, " has no '='"));
      if (at_ >= text_.size() || (text_[at_] != '"' && text_[at_] != '\'')) {
        return Fail(absl::StrCat("attribute ", name, " is not quoted"));
      }
      const char quote = text_[at_++];
      while (at_ < text_.size() && text_[at_] != quote) {
        if (text_[at_] == '<') return Fail("a raw '<' in an attribute");
        if (text_[at_] == '&') {
          if (absl::Status s = Entity(); !s.ok()) return s;
        } else {
          ++at_;
        }
      }
      if (!Take(quote)) return Fail("an unterminated attribute value");
    }
  }

  std::string_view text_;
  std::size_t at_ = 0;
  std::vector<std::string> open_;
};

}  // namespace

absl::Status CheckWellFormedXml(std::string_view text) {
  return Checker(text).Run();
}

}  // namespace asycamore::testing
