# The kqueue backend on Linux, over libkqueue (a userspace kqueue(2) built on
# epoll; BSD-2-Clause). For the linux-libkqueue test lane: it runs the
# backend's code here, it is not a BSD or macOS kernel. Included by
# backends/CMakeLists.txt when ASYCAMORE_KQUEUE_PROVIDER is "libkqueue";
# tools/scripts/libkqueue-lane.sh builds libkqueue and then this preset.
#
#   ASYCAMORE_LIBKQUEUE_PREFIX  where libkqueue is installed
#                               (lib/libkqueue.a or .so,
#                               include/kqueue/sys/event.h); empty: the
#                               system's default paths.

set(ASYCAMORE_LIBKQUEUE_PREFIX "" CACHE PATH
  "Install prefix of libkqueue (empty: the system's default paths)")
if(ASYCAMORE_LIBKQUEUE_PREFIX)
  set(_asycamore_libkqueue_where
    PATHS "${ASYCAMORE_LIBKQUEUE_PREFIX}" NO_DEFAULT_PATH)
else()
  set(_asycamore_libkqueue_where "")
endif()
# libkqueue installs its header as include/kqueue/sys/event.h, so that it
# never shadows a system one; the backend includes <sys/event.h>.
find_path(ASYCAMORE_LIBKQUEUE_INCLUDE_DIR sys/event.h
  PATH_SUFFIXES kqueue include/kqueue ${_asycamore_libkqueue_where})
# The static library first: nothing to locate at run time.
find_library(ASYCAMORE_LIBKQUEUE_LIBRARY NAMES libkqueue.a kqueue
  PATH_SUFFIXES lib ${_asycamore_libkqueue_where})
if(NOT ASYCAMORE_LIBKQUEUE_INCLUDE_DIR OR NOT ASYCAMORE_LIBKQUEUE_LIBRARY)
  message(FATAL_ERROR "ASYCAMORE_KQUEUE_PROVIDER=libkqueue: libkqueue not found "
    "(prefix: '${ASYCAMORE_LIBKQUEUE_PREFIX}'; header: "
    "${ASYCAMORE_LIBKQUEUE_INCLUDE_DIR}, library: ${ASYCAMORE_LIBKQUEUE_LIBRARY}). "
    "tools/scripts/libkqueue-lane.sh builds it for the linux-libkqueue preset.")
endif()
message(STATUS "asycamore kqueue provider: libkqueue (${ASYCAMORE_LIBKQUEUE_LIBRARY})")

# SYSTEM: libkqueue's header is not held to our warning flags.
target_include_directories(asycamore_backends SYSTEM PRIVATE "${ASYCAMORE_LIBKQUEUE_INCLUDE_DIR}")
target_link_libraries(asycamore_backends PRIVATE "${ASYCAMORE_LIBKQUEUE_LIBRARY}" Threads::Threads)
# Tells the in-tree tests that kqueue is emulated, for the checks that rely on
# what only a BSD kernel does (each skips with its reason). Not exported.
target_compile_definitions(asycamore_backends PUBLIC
  $<BUILD_INTERFACE:ASYCAMORE_KQUEUE_IS_LIBKQUEUE=1>)
