#include "cli/program_exit.h"

#include <cstdio>

namespace asycamore::cli {

int Fail(const char* program, const absl::Status& status) {
  std::fprintf(stderr, "%s: %s\n", program,
               std::string(status.message()).c_str());
  return kExitCannotRun;
}

int UsageMistake(const char* program, const absl::Status& status,
                 const std::string& usage) {
  std::fprintf(stderr, "%s: %s\n\n%s", program,
               std::string(status.message()).c_str(), usage.c_str());
  return kExitUsage;
}

int PrintHelp(const std::string& usage) {
  std::fputs(usage.c_str(), stdout);
  return 0;
}

}  // namespace asycamore::cli
