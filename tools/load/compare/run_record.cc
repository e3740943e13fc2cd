#include "run_record.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "report/views.h"

namespace asycamore::loadcompare {
namespace {

constexpr const char* kColumns[] = {
    "server",     "generator",        "depth",
    "repetition", "connections",      "threads",
    "duration_s", "output_path",      "exit_status",
    "wall_ns",    "generator_cpu_ns", "server_cpu_ns"};
constexpr std::size_t kColumnCount = std::size(kColumns);

}  // namespace

std::string RunRecordHeader() {
  return absl::StrCat(absl::StrJoin(kColumns, "\t"), "\n");
}

absl::StatusOr<std::string> FormatRunRecord(const RunRecord& r) {
  for (const std::string* text : {&r.server, &r.generator, &r.output_path}) {
    if (text->find_first_of("\t\n\r") != std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("FormatRunRecord: '", report::Escaped(*text),
                       "' has a tab or a line break"));
    }
  }
  return absl::StrCat(r.server, "\t", r.generator, "\t", r.depth, "\t",
                      r.repetition, "\t", r.connections, "\t", r.threads, "\t",
                      r.duration_s, "\t", r.output_path, "\t", r.exit_status,
                      "\t", r.wall_ns, "\t", r.generator_cpu_ns, "\t",
                      r.server_cpu_ns, "\n");
}

absl::StatusOr<std::vector<RunRecord>> ParseRunRecords(std::string_view text) {
  std::vector<RunRecord> records;
  int line_number = 0;
  for (absl::string_view line :
       absl::StrSplit(report::ToAbsl(text), '\n', absl::SkipEmpty())) {
    ++line_number;
    const std::vector<absl::string_view> f = absl::StrSplit(line, '\t');
    auto bad = [&](absl::string_view why) {
      return absl::InvalidArgumentError(
          absl::StrCat("runs file line ", line_number, ": ", why));
    };
    if (f.size() != kColumnCount) {
      return bad(absl::StrCat(f.size(), " fields, expected ", kColumnCount));
    }
    if (line_number == 1) {
      if (absl::StrCat(line, "\n") != RunRecordHeader()) {
        return bad("not the runs file header");
      }
      continue;
    }
    RunRecord r;
    r.server = std::string(f[0]);
    r.generator = std::string(f[1]);
    r.output_path = std::string(f[7]);
    if (!absl::SimpleAtoi(f[2], &r.depth) ||
        !absl::SimpleAtoi(f[3], &r.repetition) ||
        !absl::SimpleAtoi(f[4], &r.connections) ||
        !absl::SimpleAtoi(f[5], &r.threads) ||
        !absl::SimpleAtod(f[6], &r.duration_s) ||
        !absl::SimpleAtoi(f[8], &r.exit_status) ||
        !absl::SimpleAtoi(f[9], &r.wall_ns) ||
        !absl::SimpleAtoi(f[10], &r.generator_cpu_ns) ||
        !absl::SimpleAtoi(f[11], &r.server_cpu_ns)) {
      return bad("a number field is not a number");
    }
    records.push_back(std::move(r));
  }
  if (line_number == 0) {
    return absl::InvalidArgumentError("runs file: empty (no header)");
  }
  return records;
}

}  // namespace asycamore::loadcompare
