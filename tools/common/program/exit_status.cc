#include "program/exit_status.h"

#include <cstdio>

namespace asycamore::program {

int Fail(const char* program, const absl::Status& status) {
  std::fprintf(stderr, "%s: %s\n", program,
               std::string(status.message()).c_str());
  return kExitFailure;
}

int BadCommandLine(const char* program, const absl::Status& mistake,
                   const std::string& usage) {
  std::fprintf(stderr, "%s: %s\n\n%s", program,
               std::string(mistake.message()).c_str(), usage.c_str());
  return kExitBadCommandLine;
}

int PrintUsage(const std::string& usage) {
  std::fputs(usage.c_str(), stdout);
  return 0;
}

}  // namespace asycamore::program
