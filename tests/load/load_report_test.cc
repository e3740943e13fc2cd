// The reports of a run: JSON read back by a strict parser, the SVG checked
// for well-formedness, the text report's wrk-like lines, the progress line.
#include "load_report.h"

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "load_options.h"
#include "load_stats.h"
#include "mini_json.h"
#include "parse_args.h"
#include "progress.h"
#include "xml_check.h"

namespace asycamore {
namespace {

using testing::JsonValue;
using testing::ParseJson;

using testing::OptionsFrom;

// 8 answers of 200 and 2 of 404 over 2 s, a read error, one timeout and
// three requests in flight at the end.
LoadStats SampleStats() {
  absl::StatusOr<LoadStats> s = LoadStats::Create();
  EXPECT_TRUE(s.ok());
  for (int i = 1; i <= 8; ++i) s->RecordResponse(200, i * 100'000);
  s->RecordResponse(404, 5'000'000);
  s->RecordResponse(404, 7'000'000);
  s->AddBytesRead(4096);
  s->RecordConnect(false);
  s->RecordConnect(true);
  s->RecordError(LoadErrorClass::kRead, "recv: Connection reset \"by\" peer\n",
                 1);
  s->RecordUnfinished(1, 3, "no response within 2s");
  s->set_elapsed(absl::Seconds(2));
  return *std::move(s);
}

report::Machine TestMachine() {
  return {.cpu = "Test <CPU> & co",
          .cores = 2,
          .kernel = "Linux",
          .load_before = "0.10 0.20 0.30",
          .load_after = "0.40 0.50 0.60",
          .date = "2024-01-01 00:00 UTC",
          .fd_limit = "1024/4096"};
}

double Number(const JsonValue& root,
              std::initializer_list<std::string_view> path) {
  const JsonValue* v = root.At(path);
  EXPECT_NE(v, nullptr) << *path.begin();
  if (v == nullptr) return -1;
  EXPECT_EQ(v->kind, JsonValue::Kind::kNumber) << *path.begin();
  return v->number;
}

TEST(LoadReportJson, IsValidAndCarriesTheCounts) {
  const LoadOptions o = OptionsFrom(
      {"-c", "4", "-t", "1", "-H", "X-Path: a\\b", "http://h:8080/p?a=1&b=2"});
  const LoadStats s = SampleStats();
  const std::string json = FormatLoadJson({.options = o,
                                           .address = "127.0.0.1:8080",
                                           .stats = s,
                                           .machine = TestMachine()});
  absl::StatusOr<JsonValue> root = ParseJson(json);
  ASSERT_TRUE(root.ok()) << root.status() << "\n" << json;

  EXPECT_EQ(root->Find("tool")->text, "asycamore-load");
  EXPECT_EQ(Number(*root, {"schema_version"}), kLoadJsonSchemaVersion);
  EXPECT_EQ(root->At({"machine", "cpu"})->text, "Test <CPU> & co");
  EXPECT_EQ(root->At({"settings", "url"})->text, "http://h:8080/p?a=1&b=2");
  EXPECT_EQ(root->At({"settings", "address"})->text, "127.0.0.1:8080");
  EXPECT_EQ(Number(*root, {"settings", "connections"}), 4);
  EXPECT_EQ(Number(*root, {"settings", "duration_s"}), 10);
  EXPECT_EQ(root->At({"settings", "requests"})->kind, JsonValue::Kind::kNull);
  EXPECT_EQ(root->At({"settings", "rate"})->kind, JsonValue::Kind::kNull);
  const JsonValue* headers = root->At({"settings", "headers"});
  ASSERT_NE(headers, nullptr);
  ASSERT_EQ(headers->items.size(), 1u);
  EXPECT_EQ(headers->items[0].Find("value")->text, "a\\b");

  EXPECT_EQ(Number(*root, {"elapsed_s"}), 2);
  EXPECT_EQ(Number(*root, {"requests", "responses"}), 10);
  EXPECT_EQ(Number(*root, {"requests", "successes"}), 8);
  EXPECT_EQ(Number(*root, {"requests", "non_2xx"}), 2);
  EXPECT_EQ(Number(*root, {"requests", "failed"}), 2);
  EXPECT_EQ(Number(*root, {"requests", "in_flight_at_end"}), 3);
  EXPECT_EQ(Number(*root, {"requests", "per_second"}), 5);
  EXPECT_EQ(Number(*root, {"requests", "successes_per_second"}), 4);
  EXPECT_NEAR(Number(*root, {"requests", "success_rate"}), 8.0 / 12, 1e-6);
  EXPECT_EQ(Number(*root, {"status_codes", "200"}), 8);
  EXPECT_EQ(Number(*root, {"status_codes", "404"}), 2);
  EXPECT_EQ(root->Find("status_codes")->members.size(), 2u);
  EXPECT_EQ(Number(*root, {"errors", "read", "count"}), 1);
  EXPECT_EQ(root->At({"errors", "read", "sample"})->text,
            "recv: Connection reset \"by\" peer\n");
  EXPECT_EQ(Number(*root, {"errors", "timeout", "requests"}), 1);
  EXPECT_EQ(root->At({"errors", "connect", "sample"})->kind,
            JsonValue::Kind::kNull);
  EXPECT_EQ(Number(*root, {"bytes_read"}), 4096);
  EXPECT_EQ(Number(*root, {"connects"}), 2);
  EXPECT_EQ(Number(*root, {"reconnects"}), 1);
  EXPECT_EQ(root->At({"latency", "measured_from"})->text, "send");
  EXPECT_EQ(Number(*root, {"latency", "count"}), 10);
  EXPECT_EQ(Number(*root, {"latency", "max_ns"}), 7'000'000);
  EXPECT_EQ(Number(*root, {"latency", "min_ns"}), 100'000);
  for (const char* p : {"50", "75", "90", "99", "99.9", "99.99"}) {
    EXPECT_GT(Number(*root, {"latency", "percentiles_ns", p}), 0) << p;
  }
  EXPECT_EQ(Number(*root, {"latency", "percentiles_ns", "99"}), 7'000'000);
}

TEST(LoadReportJson, ACountRunWithARateSaysSo) {
  const LoadOptions o = OptionsFrom({"-n", "1000", "-R", "2.5k", "http://h/"});
  const LoadStats s = SampleStats();
  absl::StatusOr<JsonValue> root =
      ParseJson(FormatLoadJson({.options = o,
                                .address = "127.0.0.1:80",
                                .stats = s,
                                .machine = TestMachine()}));
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_EQ(root->At({"settings", "duration_s"})->kind, JsonValue::Kind::kNull);
  EXPECT_EQ(Number(*root, {"settings", "requests"}), 1000);
  EXPECT_EQ(Number(*root, {"settings", "rate"}), 2500);
  EXPECT_EQ(root->At({"latency", "measured_from"})->text, "intended_send");
}

TEST(LoadReportSvg, IsWellFormedWithMarkupInTheUrlAndMachine) {
  const LoadOptions o = OptionsFrom({"http://h/q?a=1&b=<2>"});
  const LoadStats s = SampleStats();
  const std::string svg = FormatLatencySvg({.options = o,
                                            .address = "127.0.0.1:80",
                                            .stats = s,
                                            .machine = TestMachine()});
  const absl::Status well_formed = testing::CheckWellFormedXml(svg);
  EXPECT_TRUE(well_formed.ok()) << well_formed << "\n" << svg;
  EXPECT_NE(svg.find("<polyline"), std::string::npos);
  EXPECT_NE(svg.find(">99%<"), std::string::npos) << "the nines axis";
  EXPECT_NE(svg.find("max 7.00ms"), std::string::npos);
}

TEST(LoadReportSvg, ARunWithoutResponsesIsWellFormedAndSaysSo) {
  const LoadOptions o = OptionsFrom({"http://h/"});
  absl::StatusOr<LoadStats> s = LoadStats::Create();
  ASSERT_TRUE(s.ok());
  const std::string svg = FormatLatencySvg({.options = o,
                                            .address = "127.0.0.1:80",
                                            .stats = *s,
                                            .machine = TestMachine()});
  EXPECT_TRUE(testing::CheckWellFormedXml(svg).ok()) << svg;
  EXPECT_NE(svg.find("no responses"), std::string::npos);
}

TEST(LoadReportText, HasWrksLinesAndWhatWrkLeavesOut) {
  const LoadOptions o =
      OptionsFrom({"-c", "4", "-t", "1", "--latency", "http://h/"});
  const LoadStats s = SampleStats();
  const std::string text = FormatLoadText({.options = o,
                                           .address = "127.0.0.1:80",
                                           .stats = s,
                                           .machine = TestMachine()});
  for (const char* line :
       {"Running 10s test @ http://h/\n",
        "  1 threads and 4 connections, pipeline depth 1, to 127.0.0.1:80\n",
        "  Latency Distribution\n", "   99.99%",
        "  10 requests in 2.00s, 4.00KB read\n",
        "  Status codes: 200: 8, 404: 2\n",
        "  Non-2xx responses: 2 (not counted as successes)\n",
        "  Errors: connect 0, read 1, write 0, timeout 1, parse 0; 2 requests "
        "failed\n",
        "    read, first: recv: Connection reset", "  In flight at the end: 3",
        "  Connects: 2 (1 reconnects)\n",
        "Requests/sec:       5.00 (2xx: 4.00/s, success rate 66.67%)\n",
        "Transfer/sec:     2.00KB\n",
        "latency measured from each request's send"}) {
    EXPECT_NE(text.find(line), std::string::npos) << "no '" << line << "' in\n"
                                                  << text;
  }
}

TEST(LoadReportText, ARateRunSaysItCorrectsForCoordinatedOmission) {
  const LoadOptions o = OptionsFrom({"-n", "50", "-R", "1000", "http://h/"});
  const LoadStats s = SampleStats();
  const std::string text = FormatLoadText({.options = o,
                                           .address = "127.0.0.1:80",
                                           .stats = s,
                                           .machine = TestMachine()});
  EXPECT_NE(text.find("Running 50 requests @ http://h/"), std::string::npos);
  EXPECT_NE(text.find("intended send time (-R 1000 requests/s: corrected for "
                      "coordinated omission)"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("Latency Distribution"), std::string::npos)
      << "only with --latency";
}

TEST(LoadReportText, LatenciesAndBytesUseWrksUnits) {
  EXPECT_EQ(FormatLatencyNs(845), "845.00ns");
  EXPECT_EQ(FormatLatencyNs(123'450), "123.45us");
  EXPECT_EQ(FormatLatencyNs(1'234'000), "1.23ms");
  EXPECT_EQ(FormatLatencyNs(2.5e9), "2.50s");
  EXPECT_EQ(FormatLatencyNs(90e9), "1.50m");
  EXPECT_EQ(FormatBytes(512), "512.00B");
  EXPECT_EQ(FormatBytes(1536), "1.50KB");
  EXPECT_EQ(FormatBytes(84.27 * 1024 * 1024), "84.27MB");
}

TEST(ProgressLine, ShowsTheRateSinceTheLastLine) {
  const LoadOptions timed = OptionsFrom({"-d", "10s", "http://h/"});
  EXPECT_EQ(
      FormatProgressLine(
          timed, {.elapsed = absl::Seconds(2), .responses = 100'000},
          {.elapsed = absl::Seconds(3), .responses = 330'000, .errors = 4}),
      "[3.0s/10s] 230.0k req/s, 330000 responses, 4 errors");
  const LoadOptions counted = OptionsFrom({"-n", "1M", "http://h/"});
  EXPECT_EQ(FormatProgressLine(counted, {},
                               {.elapsed = absl::Seconds(1), .responses = 500}),
            "[1.0s] 500/1000000 requests, 500 req/s, 0 errors");
}

TEST(ProgressLine, NothingIsDrawnWhenTheOutputIsNotATerminal) {
  const LoadOptions o = OptionsFrom({"http://h/"});
  const std::string path = ::testing::TempDir() + "progress_not_a_tty";
  FILE* file = std::fopen(path.c_str(), "w");
  ASSERT_NE(file, nullptr);
  std::unique_ptr<ProgressSink> sink = MakeProgressSink(o, fileno(file));
  sink->Report({.elapsed = absl::Seconds(1), .responses = 10});
  sink->Finish();
  std::fclose(file);
  FILE* in = std::fopen(path.c_str(), "r");
  ASSERT_NE(in, nullptr);
  EXPECT_EQ(std::fgetc(in), EOF) << "a file is not a terminal";
  std::fclose(in);
}

}  // namespace
}  // namespace asycamore
