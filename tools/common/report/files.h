// Writing a report file.
#ifndef ASYCAMORE_TOOLS_COMMON_REPORT_FILES_H_
#define ASYCAMORE_TOOLS_COMMON_REPORT_FILES_H_

#include <string>

#include "absl/status/status.h"

namespace asycamore::report {

// Writes `contents` to `path`, creating the parent directories. Fails naming
// the path and the reason.
absl::Status WriteFile(const std::string& path, const std::string& contents);

}  // namespace asycamore::report

#endif  // ASYCAMORE_TOOLS_COMMON_REPORT_FILES_H_
