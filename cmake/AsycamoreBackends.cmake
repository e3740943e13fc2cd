# Which readiness backends this build compiles, and which is the default.
#
#   ASYCAMORE_BACKENDS         list, e.g. "epoll;poll;select". Default: every
#                              backend the target system supports (on Linux,
#                              io_uring when liburing is found).
#   ASYCAMORE_DEFAULT_BACKEND  one of them. Default: the first in preference
#                              order.
#
# Every compiled backend is also selectable at run time (backend_registry.h).

set(_asycamore_known_backends select poll epoll kqueue iocp io_uring)

if(WIN32)
  set(_asycamore_supported iocp select)
elseif(CMAKE_SYSTEM_NAME STREQUAL "Linux")
  set(_asycamore_supported epoll poll select)
  # io_uring needs liburing (Debian: liburing-dev). Its kernel support is
  # probed at run time (backends/io_uring/); it comes after epoll, so epoll
  # stays the default.
  find_path(ASYCAMORE_LIBURING_INCLUDE_DIR liburing.h)
  find_library(ASYCAMORE_LIBURING_LIBRARY NAMES uring)
  if(ASYCAMORE_LIBURING_INCLUDE_DIR AND ASYCAMORE_LIBURING_LIBRARY)
    list(INSERT _asycamore_supported 1 io_uring)
  endif()
  # kqueue on Linux only through libkqueue, a userspace emulation, to run the
  # kqueue backend's code in tests (cmake/AsycamoreLibkqueue.cmake).
  set(ASYCAMORE_KQUEUE_PROVIDER "" CACHE STRING
    "Set to \"libkqueue\" to build the kqueue backend on Linux over libkqueue")
  if(ASYCAMORE_KQUEUE_PROVIDER STREQUAL "libkqueue")
    list(APPEND _asycamore_supported kqueue)
  elseif(NOT ASYCAMORE_KQUEUE_PROVIDER STREQUAL "")
    message(FATAL_ERROR "ASYCAMORE_KQUEUE_PROVIDER: unknown provider "
      "'${ASYCAMORE_KQUEUE_PROVIDER}' (known: libkqueue)")
  endif()
elseif(APPLE OR CMAKE_SYSTEM_NAME MATCHES "BSD|DragonFly")
  set(_asycamore_supported kqueue poll select)
else()
  set(_asycamore_supported poll select)
endif()

set(ASYCAMORE_BACKENDS "${_asycamore_supported}" CACHE STRING
  "Readiness backends to compile (supported here: ${_asycamore_supported})")
list(GET _asycamore_supported 0 _asycamore_preferred)
set(_asycamore_default_guess "")
foreach(_backend IN LISTS _asycamore_supported)
  if(_backend IN_LIST ASYCAMORE_BACKENDS AND _asycamore_default_guess STREQUAL "")
    set(_asycamore_default_guess ${_backend})
  endif()
endforeach()
set(ASYCAMORE_DEFAULT_BACKEND "${_asycamore_default_guess}" CACHE STRING
  "The backend CreateDispatcher() and CreateEventLoop() use when none is named")

if(ASYCAMORE_BACKENDS STREQUAL "")
  message(FATAL_ERROR "ASYCAMORE_BACKENDS is empty; supported here: ${_asycamore_supported}")
endif()
foreach(_backend IN LISTS ASYCAMORE_BACKENDS)
  if(NOT _backend IN_LIST _asycamore_known_backends)
    message(FATAL_ERROR "ASYCAMORE_BACKENDS: unknown backend '${_backend}' "
      "(known: ${_asycamore_known_backends})")
  endif()
  if(_backend STREQUAL "io_uring" AND CMAKE_SYSTEM_NAME STREQUAL "Linux" AND
     NOT _backend IN_LIST _asycamore_supported)
    message(FATAL_ERROR "ASYCAMORE_BACKENDS: 'io_uring' needs liburing, which "
      "was not found (install liburing-dev: tools/scripts/install-linux-deps.sh)")
  endif()
  if(NOT _backend IN_LIST _asycamore_supported)
    message(FATAL_ERROR "ASYCAMORE_BACKENDS: '${_backend}' cannot be built for "
      "${CMAKE_SYSTEM_NAME} (supported: ${_asycamore_supported})")
  endif()
endforeach()
if(NOT ASYCAMORE_DEFAULT_BACKEND IN_LIST ASYCAMORE_BACKENDS)
  message(FATAL_ERROR "ASYCAMORE_DEFAULT_BACKEND '${ASYCAMORE_DEFAULT_BACKEND}' "
    "is not among the built backends (${ASYCAMORE_BACKENDS})")
endif()
message(STATUS "asycamore backends: ${ASYCAMORE_BACKENDS} (default: ${ASYCAMORE_DEFAULT_BACKEND})")
