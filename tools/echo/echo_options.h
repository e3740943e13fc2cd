// The command line of asycamore-echo:
//
//   asycamore-echo --port 7000 [--address 127.0.0.1] [--backend epoll]
//                  [--threads 4] [--spreading handoff|reuseport]
//
// The conventions of asycamore-load (load_options.h): a flag takes its value
// as the next argument or after '=' (--port=7000); --help anywhere wins over
// every mistake; a mistake gets InvalidArgument naming the flag as written
// and its value; main() prints it with EchoUsage() on stderr and exits 2.
#ifndef ASYCAMORE_TOOLS_ECHO_ECHO_OPTIONS_H_
#define ASYCAMORE_TOOLS_ECHO_ECHO_OPTIONS_H_

#include <string>

#include "absl/status/statusor.h"
#include "asycamore/tcpsocket/multi_loop_server.h"

namespace asycamore {

struct EchoOptions {
  // --help was given: print EchoUsage() and exit 0; nothing else is set.
  bool help = false;
  int port = -1;                      // --port, required; 0 picks a free port
  std::string address = "127.0.0.1";  // --address, numeric IPv4 or IPv6
  std::string backend = "";           // --backend; empty: the build's default
  int threads = 1;                    // --threads: one event loop each
  // --spreading: how connections reach the loops (multi_loop_server.h).
  Spreading spreading = Spreading::kHandOff;
};

// The most threads --threads accepts (LoopGroup's bound).
inline constexpr int kMaxEchoThreads = 1024;

// Parses argv[1..argc-1]; a pure function of argv (and of the backends this
// build has, which --backend is checked against).
absl::StatusOr<EchoOptions> ParseEchoCommandLine(int argc,
                                                 const char* const* argv);

// Returns the usage text (for --help on stdout, after a mistake on stderr).
std::string EchoUsage();

}  // namespace asycamore

#endif  // ASYCAMORE_TOOLS_ECHO_ECHO_OPTIONS_H_
