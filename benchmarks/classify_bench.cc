// classify/<op>/<code>: ClassifyError for the code that ends most calls of
// each operation (read and accept: would-block; write: interrupted;
// connect: in progress), and classify/read/<code> for a code off the fast
// path (the peer reset), in ns per call. Codes are taken from the OS
// family's table by class, so the names are the system's own.
//
// Issue 11 item 8 found every EAGAIN scanning the table (accept's sits late
// in it); the hot codes are now answered from a few slots per operation, so
// the common rows cost about the same whatever their place in the table.
#include <benchmark/benchmark.h>

#include <string>

#include "asycamore/tcpsocket/error_class.h"
#include "registry.h"

namespace asycamore::bench {
namespace {

// The first code the table gives `op` in `error_class`, with its name.
bool FindCode(SocketOp op, ErrorClass error_class, SystemError& code,
              std::string& name) {
  for (const ErrorClassEntry& entry : ErrorClassTable()) {
    if (entry.op == op && entry.error_class == error_class) {
      code = entry.code;
      name = entry.name;
      return true;
    }
  }
  return false;
}

void Classify(benchmark::State& state, SocketOp op, SystemError code) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(op);
    benchmark::DoNotOptimize(code);
    benchmark::DoNotOptimize(ClassifyError(op, code));
  }
}

}  // namespace

void RegisterClassifyBenchmarks() {
  struct Case {
    SocketOp op;
    ErrorClass error_class;
  };
  for (const Case& c : {Case{SocketOp::kRead, ErrorClass::kWouldBlock},
                        Case{SocketOp::kAccept, ErrorClass::kWouldBlock},
                        Case{SocketOp::kWrite, ErrorClass::kInterrupted},
                        Case{SocketOp::kConnect, ErrorClass::kInProgress},
                        Case{SocketOp::kRead, ErrorClass::kClosed}}) {
    SystemError code = kNoSystemError;
    std::string name;
    if (!FindCode(c.op, c.error_class, code, name)) continue;
    const std::string title =
        "classify/" + std::string(SocketOpName(c.op)) + "/" + name;
    benchmark::RegisterBenchmark(title.c_str(), Classify, c.op, code);
  }
}

}  // namespace asycamore::bench
