// A well-formedness check for the SVG the reports write (XML 1.0, the part
// an SVG chart uses): one root element, every tag closed in order,
// attribute values quoted, no raw '<' or '&' in text or attributes, only
// the predefined and numeric entities.
#ifndef ASYCAMORE_TESTS_LOAD_XML_CHECK_H_
#define ASYCAMORE_TESTS_LOAD_XML_CHECK_H_

#include <string_view>

#include "absl/status/status.h"

namespace asycamore::testing {

// Returns OK if `text` is a well-formed document, else an error naming the
// offset and what is wrong.
absl::Status CheckWellFormedXml(std::string_view text);

}  // namespace asycamore::testing

#endif  // ASYCAMORE_TESTS_LOAD_XML_CHECK_H_
