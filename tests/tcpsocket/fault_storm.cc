#include "fault_storm.h"

#include <cstdlib>
#include <iostream>
#include <optional>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"

namespace asycamore::testing {

std::uint64_t FaultStormSeed() {
  static const std::uint64_t seed = [] {
    if (const char* given = std::getenv("ASYCAMORE_FAULT_SEED")) {
      return static_cast<std::uint64_t>(std::strtoull(given, nullptr, 10));
    }
    std::random_device device;
    const std::uint64_t drawn =
        (static_cast<std::uint64_t>(device()) << 32) | device();
    std::cerr << "fault storms: " << SeedTrace(drawn) << "\n";
    return drawn;
  }();
  return seed;
}

std::uint64_t NoSpinBound(std::uint64_t bytes, std::uint64_t messages,
                          const FaultCounts& faults) {
  return 100 + bytes / (16 * 1024) + messages + faults.would_blocks +
         4 * faults.no_buffers;
}

std::string SeedTrace(std::uint64_t seed) {
  return absl::StrFormat("fault seed %d (replay: ASYCAMORE_FAULT_SEED=%d)", seed,
                         seed);
}

FaultStorm::FaultStorm(std::uint64_t seed, FaultRates rates)
    : rates_(rates), state_(seed) {
  injector_.receive = [this](NativeSocket socket, void* buffer,
                             std::size_t size) {
    return Receive(socket, buffer, size);
  };
  injector_.send = [this](NativeSocket socket, const ConstBuffer* buffers,
                          std::size_t count) {
    return Send(socket, buffers, count);
  };
}

std::string FaultStorm::Summary() const {
  return absl::StrFormat(
      "%d EINTR, %d EAGAIN, %d ENOBUFS, %d short reads, %d short writes in "
      "%d calls",
      counts_.interrupts, counts_.would_blocks, counts_.no_buffers,
      counts_.short_reads, counts_.short_writes, counts_.calls);
}

std::uint64_t FaultStorm::Next() {
  // splitmix64: the same sequence on every platform for a given seed.
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

FaultStorm::Fault FaultStorm::Draw() {
  ++counts_.calls;
  double r = static_cast<double>(Next() >> 11) * 0x1p-53;
  if ((r -= rates_.interrupt) < 0) return Fault::kInterrupt;
  if ((r -= rates_.would_block) < 0) return Fault::kWouldBlock;
  if ((r -= rates_.no_buffers) < 0) return Fault::kNoBuffers;
  if ((r -= rates_.short_io) < 0) return Fault::kShort;
  return Fault::kNone;
}

std::optional<IoResult> FaultStorm::Refusal(Fault fault) {
  switch (fault) {
    case Fault::kInterrupt:
      ++counts_.interrupts;
      return IoResult{0, eintr_};
    case Fault::kWouldBlock:
      ++counts_.would_blocks;
      return IoResult{0, eagain_};
    case Fault::kNoBuffers:
      ++counts_.no_buffers;
      return IoResult{0, enobufs_};
    case Fault::kShort:
    case Fault::kNone:
      break;
  }
  return std::nullopt;
}

IoResult FaultStorm::Receive(NativeSocket socket, void* buffer,
                             std::size_t size) {
  const Fault fault = Draw();
  if (std::optional<IoResult> refused = Refusal(fault)) return *refused;
  if (fault == Fault::kShort && size > 1) {
    ++counts_.short_reads;
    return injector_.real.receive(socket, buffer, 1 + Next() % (size - 1));
  }
  return injector_.real.receive(socket, buffer, size);
}

IoResult FaultStorm::Send(NativeSocket socket, const ConstBuffer* buffers,
                          std::size_t count) {
  const Fault fault = Draw();
  if (std::optional<IoResult> refused = Refusal(fault)) return *refused;
  std::size_t offered = 0;
  for (std::size_t i = 0; i < count; ++i) offered += buffers[i].size;
  if (fault == Fault::kShort && offered > 1) {
    ++counts_.short_writes;
    ConstBuffer taken[kMaxSendBuffers];
    const std::size_t n =
        TakeAtMost(buffers, count, 1 + Next() % (offered - 1), taken);
    return injector_.real.send(socket, taken, n);
  }
  return injector_.real.send(socket, buffers, count);
}

void ExpectEveryKindInjected(const FaultCounts& faults) {
  EXPECT_GT(faults.interrupts, 0u);
  EXPECT_GT(faults.would_blocks, 0u);
  EXPECT_GT(faults.no_buffers, 0u);
  EXPECT_GT(faults.short_reads, 0u);
  EXPECT_GT(faults.short_writes, 0u);
}

}  // namespace asycamore::testing
