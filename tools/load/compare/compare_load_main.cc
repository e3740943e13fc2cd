// asycamore_load_compare: the measuring and reporting half of
// tools/scripts/compare-load.sh (which installs, builds, starts the servers
// and decides what runs when).
//
//   asycamore_load_compare run --record runs.tsv --server nginx
//       --generator wrk --depth 1 --repetition 1 --connections 64
//       --threads 1 --duration 3 --output out.txt --server-pid 1234
//       -- wrk -c 64 -t 1 -d 3s http://127.0.0.1:8080/
//   asycamore_load_compare report --record runs.tsv --out-dir DIR
//       [--server-cpus 1] [--generator-cpus 0] [--server-threads 1]
//       [--load-before "0.50 0.40 0.30"] [--note TEXT]...
//
// `run` runs the command with its stdout in --output, measures it (its own
// CPU time from wait4, the server's process tree from /proc, the wall time)
// and appends one line to the record; it exits with the command's status.
// `report` reads the record and the outputs and writes compare-load.md,
// compare-load.json and compare-load.svg into --out-dir (the Markdown also
// to stdout); it exits 1 when a run had a problem (listed on stderr).
// A bad command line exits 2 with the usage.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "comparison_report.h"
#include "load_comparison.h"
#include "measured_run.h"
#include "report/files.h"
#include "report/machine.h"
#include "run_record.h"

namespace {

namespace lc = asycamore::loadcompare;

constexpr const char* kProgram = "asycamore_load_compare";

constexpr const char* kUsage =
    R"(usage: asycamore_load_compare run --record FILE --server NAME
           --generator NAME --depth N --repetition N --connections N
           --threads N --duration SECONDS --output FILE [--server-pid PID]
           -- COMMAND [ARGS...]
       asycamore_load_compare report --record FILE --out-dir DIR
           [--server-cpus LIST] [--generator-cpus LIST]
           [--server-threads N] [--load-before LOADAVG] [--note TEXT]...
       asycamore_load_compare --help

  run     runs COMMAND with its stdout in --output, measures its CPU time
          (wait4), the server's (--server-pid and its children, /proc) and
          the wall time, appends a line to --record; exits with COMMAND's
          status
  report  reads --record and the outputs it names; writes compare-load.md,
          compare-load.json and compare-load.svg into --out-dir; exits 1
          when a run had a problem. --load-before is the load average when
          the runs started (the report adds the one at its end)
)";

[[noreturn]] void UsageError(const std::string& message) {
  std::fprintf(stderr, "%s: %s\n\n%s", kProgram, message.c_str(), kUsage);
  std::exit(2);
}

// Flags as --name value; `repeated` ones may be given many times.
struct Flags {
  std::map<std::string, std::string> values;
  std::vector<std::string> notes;
  std::vector<std::string> command;  // after "--"
};

Flags ParseFlags(int argc, char** argv, const std::vector<std::string>& known) {
  Flags flags;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") {
      flags.command.assign(argv + i + 1, argv + argc);
      break;
    }
    if (arg.rfind("--", 0) != 0)
      UsageError("unexpected argument '" + arg + "'");
    const std::string name = arg.substr(2);
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      UsageError("unknown flag '" + arg + "' for " + argv[1]);
    }
    if (i + 1 >= argc) UsageError(arg + " needs a value");
    if (name == "note") {
      flags.notes.push_back(argv[++i]);
    } else {
      flags.values[name] = argv[++i];
    }
  }
  return flags;
}

std::string Required(const Flags& flags, const std::string& name) {
  auto it = flags.values.find(name);
  if (it == flags.values.end()) UsageError("--" + name + " is required");
  return it->second;
}

int IntFlag(const Flags& flags, const std::string& name, int fallback,
            bool required) {
  auto it = flags.values.find(name);
  if (it == flags.values.end()) {
    if (required) UsageError("--" + name + " is required");
    return fallback;
  }
  int value = 0;
  if (!absl::SimpleAtoi(it->second, &value) || value < 0) {
    UsageError("--" + name + " '" + it->second + "' is not a count");
  }
  return value;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

int Run(int argc, char** argv) {
  const Flags flags = ParseFlags(
      argc, argv,
      {"record", "server", "generator", "depth", "repetition", "connections",
       "threads", "duration", "output", "server-pid"});
  if (flags.command.empty()) UsageError("run: no command after --");
  lc::RunRecord run;
  run.server = Required(flags, "server");
  run.generator = Required(flags, "generator");
  run.depth = IntFlag(flags, "depth", 1, true);
  run.repetition = IntFlag(flags, "repetition", 1, true);
  run.connections = IntFlag(flags, "connections", 0, true);
  run.threads = IntFlag(flags, "threads", 0, true);
  run.output_path = Required(flags, "output");
  if (!absl::SimpleAtod(Required(flags, "duration"), &run.duration_s)) {
    UsageError("--duration '" + Required(flags, "duration") +
               "' is not a number of seconds");
  }
  const std::string record_path = Required(flags, "record");
  const int server_pid = IntFlag(flags, "server-pid", 0, false);

  absl::StatusOr<lc::RunRecord> measured =
      lc::RunMeasured(run, server_pid, flags.command);
  if (!measured.ok()) {
    std::fprintf(stderr, "%s: %s\n", kProgram,
                 std::string(measured.status().message()).c_str());
    return 1;
  }
  absl::StatusOr<std::string> line = lc::FormatRunRecord(*measured);
  if (!line.ok()) {
    std::fprintf(stderr, "%s: %s\n", kProgram,
                 std::string(line.status().message()).c_str());
    return 1;
  }
  std::ofstream record(record_path, std::ios::app);
  if (record.tellp() == 0) record << lc::RunRecordHeader();
  record << *line;
  record.close();
  if (!record) {
    std::fprintf(stderr, "%s: cannot append to %s\n", kProgram,
                 record_path.c_str());
    return 1;
  }
  return measured->exit_status;
}

int Report(int argc, char** argv) {
  const Flags flags =
      ParseFlags(argc, argv,
                 {"record", "out-dir", "server-cpus", "generator-cpus",
                  "server-threads", "load-before", "note"});
  if (!flags.command.empty()) UsageError("report takes no command");
  const std::string record_path = Required(flags, "record");
  const std::string out_dir = Required(flags, "out-dir");
  lc::ComparisonSettings settings;
  settings.server_cpus =
      flags.values.count("server-cpus") ? flags.values.at("server-cpus") : "?";
  settings.generator_cpus = flags.values.count("generator-cpus")
                                ? flags.values.at("generator-cpus")
                                : "?";
  settings.server_threads = IntFlag(flags, "server-threads", 1, false);
  settings.notes = flags.notes;

  absl::StatusOr<std::vector<lc::RunRecord>> records =
      lc::ParseRunRecords(ReadFile(record_path));
  if (!records.ok()) {
    std::fprintf(stderr, "%s: %s: %s\n", kProgram, record_path.c_str(),
                 std::string(records.status().message()).c_str());
    return 1;
  }
  std::vector<lc::RunResult> runs;
  for (const lc::RunRecord& r : *records) {
    runs.push_back(lc::EvaluateRun(r, ReadFile(r.output_path)));
  }
  const std::vector<lc::Cell> cells = lc::Summarise(runs);
  asycamore::report::Machine machine = asycamore::report::DescribeMachine();
  machine.load_after = machine.load_before;
  if (flags.values.count("load-before")) {
    machine.load_before = flags.values.at("load-before");
  }
  const std::string markdown =
      lc::FormatComparisonMarkdown(settings, machine, cells);
  std::fputs(markdown.c_str(), stdout);
  for (const auto& [name, text] :
       {std::pair{"compare-load.md", markdown},
        std::pair{"compare-load.json",
                  lc::FormatComparisonJson(settings, machine, cells)},
        std::pair{"compare-load.svg",
                  lc::FormatComparisonSvg(settings, machine, cells)}}) {
    const std::string path = absl::StrCat(out_dir, "/", name);
    if (absl::Status s = asycamore::report::WriteFile(path, text); !s.ok()) {
      std::fprintf(stderr, "%s: %s\n", kProgram,
                   std::string(s.message()).c_str());
      return 1;
    }
    std::printf("wrote %s\n", path.c_str());
  }
  const std::vector<std::string> problems = lc::Problems(cells);
  for (const std::string& p : problems) {
    std::fprintf(stderr, "%s: problem: %s\n", kProgram, p.c_str());
  }
  return problems.empty() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) UsageError("missing the command: run or report");
  const std::string command = argv[1];
  if (command == "--help" || command == "-h") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (command == "run") return Run(argc, argv);
  if (command == "report") return Report(argc, argv);
  UsageError("unknown command '" + command + "' (run or report)");
}
