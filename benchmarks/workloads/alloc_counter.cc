// Replaces the global operator new/delete with malloc/free plus two relaxed
// atomic counters. Live bytes use malloc_usable_size, so unsized deletes are
// accounted exactly (the figure includes malloc's rounding, as a real
// program pays it).
#include "workloads/alloc_counter.h"

#if defined(__APPLE__)
#include <malloc/malloc.h>
#elif __has_include(<malloc_np.h>)
#include <malloc_np.h>  // FreeBSD
#else
#include <malloc.h>
#endif

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>

#if defined(__SANITIZE_ADDRESS__)
#define ASYCAMORE_BENCH_NO_ALLOC_COUNTER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ASYCAMORE_BENCH_NO_ALLOC_COUNTER 1
#endif
#endif

namespace asycamore::bench {

#ifdef ASYCAMORE_BENCH_NO_ALLOC_COUNTER
bool AllocationCountingEnabled() { return false; }
AllocationCounts CurrentAllocations() { return {}; }
#else
namespace {

std::atomic<std::uint64_t> g_allocations{0};
std::atomic<std::int64_t> g_live_bytes{0};

}  // namespace

bool AllocationCountingEnabled() { return true; }

AllocationCounts CurrentAllocations() {
  return {g_allocations.load(std::memory_order_relaxed),
          g_live_bytes.load(std::memory_order_relaxed)};
}

namespace {

std::size_t UsableSize(void* p) {
#if defined(__APPLE__)
  return ::malloc_size(p);
#else
  return ::malloc_usable_size(p);
#endif
}

void* CountedAllocate(std::size_t size, std::size_t alignment) {
  if (size == 0) size = 1;
  void* p = nullptr;
  if (alignment > alignof(std::max_align_t)) {
    if (::posix_memalign(&p, alignment, size) != 0) p = nullptr;
  } else {
    p = std::malloc(size);
  }
  if (p != nullptr) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    g_live_bytes.fetch_add(static_cast<std::int64_t>(UsableSize(p)),
                           std::memory_order_relaxed);
  }
  return p;
}

void* CountedNew(std::size_t size, std::size_t alignment) {
  void* p = CountedAllocate(size, alignment);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

void CountedFree(void* p) {
  if (p == nullptr) return;
  g_live_bytes.fetch_sub(static_cast<std::int64_t>(UsableSize(p)),
                         std::memory_order_relaxed);
  std::free(p);
}

constexpr std::size_t kDefault = alignof(std::max_align_t);

}  // namespace
#endif

}  // namespace asycamore::bench

#ifndef ASYCAMORE_BENCH_NO_ALLOC_COUNTER
using asycamore::bench::CountedAllocate;
using asycamore::bench::CountedFree;
using asycamore::bench::CountedNew;
using asycamore::bench::kDefault;

void* operator new(std::size_t size) { return CountedNew(size, kDefault); }
void* operator new[](std::size_t size) { return CountedNew(size, kDefault); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return CountedAllocate(size, kDefault);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return CountedAllocate(size, kDefault);
}
void* operator new(std::size_t size, std::align_val_t align) {
  return CountedNew(size, static_cast<std::size_t>(align));
}
void* operator new[](std::size_t size, std::align_val_t align) {
  return CountedNew(size, static_cast<std::size_t>(align));
}
void* operator new(std::size_t size, std::align_val_t align,
                   const std::nothrow_t&) noexcept {
  return CountedAllocate(size, static_cast<std::size_t>(align));
}
void* operator new[](std::size_t size, std::align_val_t align,
                     const std::nothrow_t&) noexcept {
  return CountedAllocate(size, static_cast<std::size_t>(align));
}
void operator delete(void* p) noexcept { CountedFree(p); }
void operator delete[](void* p) noexcept { CountedFree(p); }
void operator delete(void* p, std::size_t) noexcept { CountedFree(p); }
void operator delete[](void* p, std::size_t) noexcept { CountedFree(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { CountedFree(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  CountedFree(p);
}
void operator delete(void* p, std::align_val_t) noexcept { CountedFree(p); }
void operator delete[](void* p, std::align_val_t) noexcept { CountedFree(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  CountedFree(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
  CountedFree(p);
}
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  CountedFree(p);
}
void operator delete[](void* p, std::align_val_t,
                       const std::nothrow_t&) noexcept {
  CountedFree(p);
}
#endif
