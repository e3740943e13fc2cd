#include "report/machine.h"

#include <stdlib.h>
#include <sys/resource.h>
#include <sys/utsname.h>

#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "report/json.h"

namespace asycamore::report {
namespace {

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    absl::string_view view(line);
    if (absl::ConsumePrefix(&view, "model name")) {
      view = absl::StripLeadingAsciiWhitespace(view);
      absl::ConsumePrefix(&view, ":");
      return std::string(absl::StripAsciiWhitespace(view));
    }
  }
  return "unknown";
}

}  // namespace

Machine DescribeMachine() {
  Machine machine;
  machine.cpu = CpuModel();
  machine.cores = std::thread::hardware_concurrency();
  utsname names{};
  if (::uname(&names) == 0) {
    machine.kernel =
        absl::StrCat(names.sysname, " ", names.release, " ", names.machine);
  }
  double load[3];
  if (::getloadavg(load, 3) == 3) {
    machine.load_before =
        absl::StrFormat("%.2f %.2f %.2f", load[0], load[1], load[2]);
  }
  machine.date = absl::FormatTime("%Y-%m-%d %H:%M UTC", absl::Now(),
                                  absl::UTCTimeZone());
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    machine.fd_limit = absl::StrCat(limit.rlim_cur, "/", limit.rlim_max);
  }
  return machine;
}

std::string MachineSummary(const Machine& machine) {
  return absl::StrCat(machine.cpu, ", ", machine.cores, " cores, ",
                      machine.kernel);
}

std::string MachineJson(const Machine& machine) {
  return absl::StrCat(
      "{\"cpu\": ", JsonString(machine.cpu), ", \"cores\": ", machine.cores,
      ", \"kernel\": ", JsonString(machine.kernel),
      ", \"load_before\": ", JsonString(machine.load_before),
      ", \"load_after\": ", JsonString(machine.load_after),
      ", \"date\": ", JsonString(machine.date),
      ", \"open_file_limit\": ", JsonString(machine.fd_limit), "}");
}

}  // namespace asycamore::report
