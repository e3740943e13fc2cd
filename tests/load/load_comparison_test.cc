// The load comparison's measuring and reporting half (tools/load/compare):
// reading real wrk and h2load reports, the runs file, best-of and ratios to
// wrk, the reports, and a measured run of a real child process.
#include "load_comparison.h"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "comparison_report.h"
#include "generator_output.h"
#include "gtest/gtest.h"
#include "measured_run.h"
#include "mini_json.h"
#include "process_cpu.h"
#include "run_record.h"
#include "xml_check.h"

namespace asycamore::loadcompare {
namespace {

// wrk 4.1.0 (Debian 12) against nginx at depth 16, as compare-load.sh ran it.
constexpr const char* kWrkReport =
    R"(Running 1s test @ http://127.0.0.1:23554/plaintext
  1 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.23ms    2.02ms  13.33ms   82.32%
    Req/Sec    57.79k     5.10k   63.05k    80.00%
  57504 requests in 1.00s, 8.83MB read
Requests/sec:  57380.12
Transfer/sec:      8.81MB
)";

constexpr const char* kWrkReportWithErrors =
    R"(Running 2m test @ http://127.0.0.1:8080/
  2 threads and 100 connections
  1200 requests in 1.50m, 1.00MB read
  Socket errors: connect 1, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:     13.33
)";

// h2load 1.52.0 (Debian 12), --h1 -m 16, the same run's neighbour.
constexpr const char* kH2loadReport = R"(starting benchmark...
spawning thread #0: 8 total client(s). Timing-based test with 0s of warm-up time and 1s of main duration for measurements.
Application protocol: http/1.1
Main benchmark duration is over for thread #0. Stopping all clients.
Stopped all clients for thread #0

finished in 1.00s, 58815.00 req/s, 9.03MB/s
requests: 58815 total, 58943 started, 58815 done, 58815 succeeded, 0 failed, 0 errored, 0 timeout
status codes: 58815 2xx, 0 3xx, 0 4xx, 0 5xx
traffic: 9.03MB (9469215) total, 6.12MB (6412688) headers (space savings 0.00%), 746.89KB (764816) data
                     min         max         mean         sd        +/- sd
time for request:       51us     13.20ms      2.17ms      2.41ms    79.88%
)";

// h2load when nothing listens: it still exits 0.
constexpr const char* kH2loadRefused = R"(starting benchmark...
finished in 1.00ms, 0.00 req/s, 0B/s
requests: 1 total, 0 started, 0 done, 0 succeeded, 1 failed, 1 errored, 0 timeout
status codes: 0 2xx, 0 3xx, 0 4xx, 0 5xx
)";

TEST(GeneratorOutput, ReadsWrksReport) {
  absl::StatusOr<GeneratorOutput> o =
      ParseGeneratorOutput(OutputFormat::kWrk, kWrkReport);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->responses, 57504u);
  EXPECT_DOUBLE_EQ(o->seconds, 1.0);
  EXPECT_DOUBLE_EQ(o->requests_per_second, 57380.12);
  EXPECT_EQ(o->errors, 0u);
  EXPECT_EQ(o->non_2xx, 0u);
}

TEST(GeneratorOutput, ReadsWrksErrorsAndMinutes) {
  absl::StatusOr<GeneratorOutput> o =
      ParseGeneratorOutput(OutputFormat::kWrk, kWrkReportWithErrors);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_DOUBLE_EQ(o->seconds, 90.0);
  EXPECT_EQ(o->errors, 6u);
  EXPECT_EQ(o->non_2xx, 7u);
}

TEST(GeneratorOutput, ReadsAsycamoreLoadsWrkLikeReport) {
  absl::StatusOr<GeneratorOutput> o =
      ParseGeneratorOutput(OutputFormat::kWrk, R"(
  10 requests in 2.00s, 4.00KB read
  Non-2xx responses: 2 (not counted as successes)
  Errors: connect 0, read 1, write 0, timeout 1, parse 0; 2 requests failed
Requests/sec:       5.00 (2xx: 4.00/s, success rate 66.67%)
)");
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->responses, 10u);
  EXPECT_EQ(o->errors, 2u) << "the error counts, not the failed requests";
  EXPECT_EQ(o->non_2xx, 2u);
  EXPECT_DOUBLE_EQ(o->requests_per_second, 5.0);
}

TEST(GeneratorOutput, ReadsH2loadsReport) {
  absl::StatusOr<GeneratorOutput> o =
      ParseGeneratorOutput(OutputFormat::kH2load, kH2loadReport);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->responses, 58815u) << "done, not started";
  EXPECT_DOUBLE_EQ(o->requests_per_second, 58815.0);
  EXPECT_EQ(o->errors, 0u);
  o = ParseGeneratorOutput(OutputFormat::kH2load, kH2loadRefused);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->responses, 0u);
  EXPECT_EQ(o->errors, 2u);
  EXPECT_DOUBLE_EQ(o->seconds, 0.001);
}

TEST(GeneratorOutput, SomethingElseIsNotAReport) {
  EXPECT_FALSE(ParseGeneratorOutput(OutputFormat::kWrk, "").ok());
  EXPECT_FALSE(ParseGeneratorOutput(OutputFormat::kWrk, kH2loadReport).ok());
  EXPECT_FALSE(ParseGeneratorOutput(OutputFormat::kH2load, kWrkReport).ok());
  EXPECT_FALSE(ParseGeneratorOutput(OutputFormat::kWrk,
                                    "unable to connect to 127.0.0.1:1\n")
                   .ok());
}

// wrk --latency: the distribution's 99% line, and its 99.9% neighbour that
// must not be taken for it.
constexpr const char* kWrkLatencyReport =
    R"(Running 1s test @ http://127.0.0.1:23554/plaintext
  1 threads and 64 connections
  Latency Distribution
     50%  250.00us
     99%    1.50ms
     99.9%  9.00ms
  1000 requests in 1.00s, 8.83MB read
Requests/sec:   1000.00
)";

TEST(GeneratorOutput, ReadsTheP99OfALatencyDistribution) {
  auto wrk = ParseGeneratorOutput(OutputFormat::kWrk, kWrkLatencyReport);
  ASSERT_TRUE(wrk.ok()) << wrk.status();
  EXPECT_DOUBLE_EQ(wrk->p99_seconds, 1.5e-3);
  auto without = ParseGeneratorOutput(OutputFormat::kWrk, kWrkReport);
  ASSERT_TRUE(without.ok());
  EXPECT_EQ(without->p99_seconds, 0) << "no distribution, no p99";
}

RunRecord Record(std::string generator, int depth, int repetition,
                 std::int64_t generator_cpu_ns, std::int64_t server_cpu_ns) {
  return {.server = "nginx",
          .generator = std::move(generator),
          .depth = depth,
          .repetition = repetition,
          .connections = 64,
          .threads = 1,
          .duration_s = 3,
          .output_path = "runs/x.txt",
          .exit_status = 0,
          .wall_ns = 3'000'000'000,
          .generator_cpu_ns = generator_cpu_ns,
          .server_cpu_ns = server_cpu_ns};
}

// A good run answering `responses` in 3 s.
RunResult GoodRun(std::string generator, int depth, int repetition,
                  std::uint64_t responses, std::int64_t generator_cpu_ns,
                  std::int64_t server_cpu_ns = 1'000'000'000) {
  RunResult r;
  r.record = Record(std::move(generator), depth, repetition, generator_cpu_ns,
                    server_cpu_ns);
  r.output = GeneratorOutput{.responses = responses,
                             .seconds = 3,
                             .requests_per_second = responses / 3.0};
  return r;
}

TEST(RunRecord, RoundTripsThroughTheRunsFile) {
  const RunRecord a = Record("wrk", 16, 2, 123, -1);
  absl::StatusOr<std::string> line = FormatRunRecord(a);
  ASSERT_TRUE(line.ok()) << line.status();
  absl::StatusOr<std::vector<RunRecord>> back =
      ParseRunRecords(RunRecordHeader() + *line);
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_EQ(back->size(), 1u);
  const RunRecord& b = (*back)[0];
  EXPECT_EQ(b.generator, "wrk");
  EXPECT_EQ(b.depth, 16);
  EXPECT_EQ(b.repetition, 2);
  EXPECT_EQ(b.duration_s, 3);
  EXPECT_EQ(b.output_path, "runs/x.txt");
  EXPECT_EQ(b.wall_ns, 3'000'000'000);
  EXPECT_EQ(b.generator_cpu_ns, 123);
  EXPECT_EQ(b.server_cpu_ns, -1);
}

TEST(RunRecord, RefusesTabsAndABadFile) {
  RunRecord r = Record("wrk", 1, 1, 1, 1);
  r.output_path = "a\tb";
  EXPECT_FALSE(FormatRunRecord(r).ok());
  EXPECT_FALSE(ParseRunRecords("").ok());
  EXPECT_FALSE(ParseRunRecords("not\ta\theader\n").ok());
  EXPECT_FALSE(ParseRunRecords(RunRecordHeader() +
                               "nginx\twrk\tx\t1\t1\t1\t1\tp\t0\t1\t1\t1\n")
                   .ok());
}

TEST(LoadComparison, TheBestOfTheGoodRunsIsComparedWithWrks) {
  RunResult failed = GoodRun("h2load", 1, 3, 900'000, 1'000'000'000);
  failed.problem = "h2load exited with 1";
  const std::vector<RunResult> runs = {
      GoodRun("wrk", 1, 1, 600'000, 3'000'000'000),     // 200k/s, 5 us/request
      GoodRun("h2load", 1, 1, 540'000, 2'700'000'000),  // 180k/s, 5 us
      GoodRun("h2load", 1, 2, 570'000, 2'280'000'000),  // 190k/s, 4 us
      GoodRun("wrk", 1, 2, 660'000, 2'970'000'000),     // 220k/s, 4.5 us
      failed,                                           // not counted
      GoodRun("wrk", 16, 1, 900'000, 1'800'000'000,
              -1),  // 300k/s, 2 us, no server
  };
  const std::vector<Cell> cells = Summarise(runs);
  ASSERT_EQ(cells.size(), 3u);
  const Cell& wrk = cells[0];
  const Cell& h2load = cells[1];
  EXPECT_EQ(wrk.generator, "wrk");
  EXPECT_EQ(wrk.good_runs, 2);
  EXPECT_DOUBLE_EQ(wrk.best_requests_per_second, 220'000);
  EXPECT_DOUBLE_EQ(wrk.best_generator_cpu_ns, 4'500);
  EXPECT_DOUBLE_EQ(wrk.ratio_requests_per_second, 1);
  EXPECT_EQ(h2load.good_runs, 2);
  EXPECT_EQ(h2load.runs.size(), 3u);
  EXPECT_DOUBLE_EQ(h2load.best_requests_per_second, 190'000);
  EXPECT_DOUBLE_EQ(h2load.ratio_requests_per_second, 190.0 / 220);
  EXPECT_DOUBLE_EQ(h2load.ratio_generator_cpu, 4.0 / 4.5);
  EXPECT_DOUBLE_EQ(h2load.generator_cpu_use, 2.28 / 3);
  const Cell& deep = cells[2];
  EXPECT_EQ(deep.depth, 16);
  EXPECT_EQ(deep.best_server_cpu_ns, 0) << "not measured";
  EXPECT_EQ(deep.ratio_server_cpu, 0);
}

TEST(LoadComparison, OtherServersAreComparedWithNginxAtTheSameDepthAndGenerator) {
  RunResult nginx = GoodRun("wrk", 1, 1, 600'000, 1, 2'400'000'000);
  nginx.output->p99_seconds = 2e-3;
  RunResult httpd = GoodRun("wrk", 1, 1, 660'000, 1, 1'980'000'000);
  httpd.record.server = "asycamore-httpd";
  httpd.output->p99_seconds = 1e-3;
  RunResult unmatched = GoodRun("h2load", 16, 1, 900'000, 1);
  unmatched.record.server = "asycamore-httpd";
  const std::vector<Cell> cells = Summarise({nginx, httpd, unmatched});
  ASSERT_EQ(cells.size(), 3u);
  EXPECT_DOUBLE_EQ(cells[0].server_ratio_requests_per_second, 1);
  EXPECT_DOUBLE_EQ(cells[1].server_ratio_requests_per_second, 1.1);
  EXPECT_DOUBLE_EQ(cells[1].server_ratio_server_cpu, 3000.0 / 4000);
  EXPECT_DOUBLE_EQ(cells[1].best_p99_seconds, 1e-3);
  EXPECT_EQ(cells[2].server_ratio_requests_per_second, 0) << "no nginx cell";
  const std::string markdown = FormatComparisonMarkdown({}, {}, cells);
  EXPECT_NE(markdown.find("| asycamore-httpd | 1 | wrk | 220.0k | 200.0k |"),
            std::string::npos)
      << markdown;
}

TEST(LoadComparison, ARunIsJudgedByItsExitItsReportAndItsErrors) {
  RunRecord r = Record("h2load", 1, 1, 1, 1);
  EXPECT_TRUE(EvaluateRun(r, kH2loadReport).good());
  EXPECT_NE(EvaluateRun(r, kH2loadRefused).problem.find("no response"),
            std::string::npos);
  EXPECT_NE(EvaluateRun(r, "garbage").problem.find("not an h2load report"),
            std::string::npos);
  r.exit_status = 127;
  EXPECT_NE(EvaluateRun(r, "").problem.find("exited with 127"),
            std::string::npos);
  r = Record("wrk", 1, 1, 1, 1);
  EXPECT_NE(EvaluateRun(r, kWrkReportWithErrors).problem.find("6 errors and 7"),
            std::string::npos);
}

TEST(ComparisonReport, JsonMarkdownAndSvgCarryTheCells) {
  const std::vector<Cell> cells =
      Summarise({GoodRun("wrk", 1, 1, 600'000, 3'000'000'000),
                 GoodRun("h2load", 1, 1, 540'000, 2'700'000'000),
                 GoodRun("wrk", 16, 1, 900'000, 1'800'000'000),
                 GoodRun("h2load", 16, 1, 810'000, 2'430'000'000)});
  const ComparisonSettings settings{
      .server_cpus = "1",
      .generator_cpus = "0",
      .server_threads = 1,
      .notes = {"asycamore-load skipped: \"why\" <here>"}};
  const report::Machine machine{.cpu = "CPU & co", .cores = 2};

  absl::StatusOr<testing::JsonValue> json =
      testing::ParseJson(FormatComparisonJson(settings, machine, cells));
  ASSERT_TRUE(json.ok()) << json.status();
  const testing::JsonValue* list = json->Find("cells");
  ASSERT_NE(list, nullptr);
  ASSERT_EQ(list->items.size(), 4u);
  EXPECT_EQ(list->items[1].Find("generator")->text, "h2load");
  EXPECT_DOUBLE_EQ(list->items[1].Find("ratio_requests_per_second")->number,
                   0.9);
  EXPECT_EQ(list->items[1].Find("runs")->items.size(), 1u);
  EXPECT_EQ(json->Find("notes")->items[0].text,
            "asycamore-load skipped: \"why\" <here>");

  const std::string markdown =
      FormatComparisonMarkdown(settings, machine, cells);
  EXPECT_NE(
      markdown.find("| nginx | 1 | h2load | 180.0k | 0.900 | 5.00 \u00b5s | "
                    "1.000 |"),
      std::string::npos)
      << markdown;
  EXPECT_NE(markdown.find("- asycamore-load skipped"), std::string::npos);

  const std::string svg = FormatComparisonSvg(settings, machine, cells);
  const absl::Status well_formed = testing::CheckWellFormedXml(svg);
  EXPECT_TRUE(well_formed.ok()) << well_formed << "\n" << svg;
  EXPECT_NE(svg.find("depth 16</tspan>"),
            std::string::npos)
      << svg;
}

TEST(MeasuredRun, RecordsTheChildsStatusOutputAndCpu) {
  const std::string output = ::testing::TempDir() + "measured_run_output";
  RunRecord run = Record("sh", 1, 1, 0, 0);
  run.output_path = output;
  absl::StatusOr<RunRecord> r = RunMeasured(
      run, ::getpid(),
      {"sh", "-c",
       "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; echo hi; exit 3"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_status, 3);
  EXPECT_GT(r->generator_cpu_ns, 0) << "the loop used some CPU";
  EXPECT_GT(r->wall_ns, 0);
  EXPECT_GE(r->server_cpu_ns, 0) << "this process stood in for the server";
  std::ifstream in(output);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "hi\n");
}

TEST(MeasuredRun, ACommandThatCannotStartExits127) {
  RunRecord run = Record("none", 1, 1, 0, 0);
  run.output_path = ::testing::TempDir() + "measured_run_missing";
  absl::StatusOr<RunRecord> r =
      RunMeasured(run, 0, {"/nonexistent/generator", "-c", "1"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_status, 127);
  EXPECT_EQ(r->server_cpu_ns, -1) << "no server given";
}

TEST(ProcessTreeCpu, CountsThisProcessAndRefusesAMissingOne) {
  absl::StatusOr<std::int64_t> mine = ProcessTreeCpuNs(::getpid());
  ASSERT_TRUE(mine.ok()) << mine.status();
  EXPECT_GT(*mine, 0);
  // Pids are below /proc/sys/kernel/pid_max (at most 2^22).
  EXPECT_EQ(ProcessTreeCpuNs(1 << 30).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace asycamore::loadcompare
