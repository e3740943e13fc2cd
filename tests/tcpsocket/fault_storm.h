// FaultStorm: random faults at the drivers' system-call boundary
// (SocketOps), for runs that move a lot of data: each receive or send may
// be interrupted (EINTR), refused as would-block (EAGAIN), refused for want
// of buffers (ENOBUFS), or cut short (a short read or write). Every fault
// is one the kernel may produce at any call, so a correct reactor loses,
// repeats and reorders nothing, and does not spin.
//
// Seeded and reproducible: the seed is ASYCAMORE_FAULT_SEED when set (to
// replay a failure), else drawn once per process; SeedTrace() puts it in
// every failure message of the test that holds it.
#ifndef ASYCAMORE_TESTS_TCPSOCKET_FAULT_STORM_H_
#define ASYCAMORE_TESTS_TCPSOCKET_FAULT_STORM_H_

#include <cstdint>
#include <optional>
#include <string>

#include "test_peer.h"

namespace asycamore::testing {

// The chance of each fault per call (the rest are real calls).
struct FaultRates {
  double interrupt = 0.05;   // EINTR
  double would_block = 0.05; // EAGAIN
  double no_buffers = 0.004; // ENOBUFS (each costs a backoff timer)
  double short_io = 0.3;     // a read or write of 1..n of the n bytes asked
};

struct FaultCounts {
  std::uint64_t calls = 0;  // receives and sends seen
  std::uint64_t interrupts = 0;
  std::uint64_t would_blocks = 0;
  std::uint64_t no_buffers = 0;
  std::uint64_t short_reads = 0;
  std::uint64_t short_writes = 0;
  std::uint64_t total() const {
    return interrupts + would_blocks + no_buffers + short_reads + short_writes;
  }
};

// The most loop turns a run that moved `bytes` and exchanged `messages`
// (HTTP requests; 0 for a stream) through these faults may take without
// spinning: one per 16 KiB moved (a read's worth), one per message, one per
// EAGAIN (a false would-block costs a wake-up), four per ENOBUFS (the
// backoff timer), and 100 to connect and close. Runs here take a third of
// it or less; a loop woken by readiness it does not act on exceeds it at
// once.
std::uint64_t NoSpinBound(std::uint64_t bytes, std::uint64_t messages,
                          const FaultCounts& faults);

// Fails the test unless each kind of fault was injected at least once (so
// that the storm was one).
void ExpectEveryKindInjected(const FaultCounts& faults);

// ASYCAMORE_FAULT_SEED, or one seed drawn for the whole process.
std::uint64_t FaultStormSeed();

// "fault seed 123 (replay: ASYCAMORE_FAULT_SEED=123)", for SCOPED_TRACE.
std::string SeedTrace(std::uint64_t seed);

class FaultStorm {
 public:
  // Injects into every socket of the process until destroyed (one at a
  // time, as FaultInjector).
  explicit FaultStorm(std::uint64_t seed, FaultRates rates = {});

  const FaultCounts& counts() const { return counts_; }
  // "12 EINTR, 30 EAGAIN, 2 ENOBUFS, 400 short reads, 380 short writes in
  // 5000 calls".
  std::string Summary() const;

 private:
  IoResult Receive(NativeSocket socket, void* buffer, std::size_t size);
  IoResult Send(NativeSocket socket, const ConstBuffer* buffers,
                std::size_t count);
  // The fault for the next call, or kNone for a real call.
  enum class Fault { kNone, kInterrupt, kWouldBlock, kNoBuffers, kShort };
  Fault Draw();
  // The error result of a refusing fault (EINTR, EAGAIN, ENOBUFS), counted.
  std::optional<IoResult> Refusal(Fault fault);
  std::uint64_t Next();

  FaultInjector injector_;
  FaultRates rates_;
  std::uint64_t state_;
  FaultCounts counts_;
  const SystemError eintr_ = CodeNamed("EINTR");
  const SystemError eagain_ = CodeNamed("EAGAIN");
  const SystemError enobufs_ = CodeNamed("ENOBUFS");
};

}  // namespace asycamore::testing

#endif  // ASYCAMORE_TESTS_TCPSOCKET_FAULT_STORM_H_
