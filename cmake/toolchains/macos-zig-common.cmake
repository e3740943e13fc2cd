# Shared part of the macOS compile-lane toolchains (macos-x86_64-zig.cmake,
# macos-arm64-zig.cmake): cross-compiles for macOS on Linux with zig, whose
# clang carries the macOS libc headers (<sys/event.h> with EVFILT_USER, EV_EOF,
# NOTE_TRIGGER; SO_NOSIGPIPE) and libc++ headers.
#
# Compile only: zig cannot build libc++ for macOS offline, so linking a C++
# program fails. Objects and static libraries build; executables, tests and
# shared libraries do not. ASYCAMORE_COMPILE_ONLY is set ON to say so.
#
# The including file sets, before including this one:
#   _asycamore_macos_arch  CMAKE_SYSTEM_PROCESSOR in Apple's naming (x86_64, arm64)
#   _asycamore_zig_target  zig's target triple (x86_64-macos, aarch64-macos)
#
# Before configuring:
#   tools/scripts/install-zig.sh                          # zig into build/tools/zig
#   tools/scripts/fetch-debian-source.sh abseil libabsl-dev  # build/deps/src/abseil
# Variables (cache or environment):
#   ASYCAMORE_ABSL_SOURCE_DIR  abseil source tree, the folder holding absl/
#                              (default: <repo>/build/deps/src/abseil)
#   ASYCAMORE_ZIG, ASYCAMORE_ZIG_DIR  where the wrappers find zig (environment
#                              only, see tools/zig/zig-env.sh; keep them set for
#                              the build too)

# The repository root, derived from this file's place in it: nothing here names
# a path of one machine.
get_filename_component(_asycamore_root "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)

set(CMAKE_SYSTEM_NAME Darwin)
set(CMAKE_SYSTEM_PROCESSOR "${_asycamore_macos_arch}")

# zig is one binary with subcommands; CMake wants one program per tool.
set(_asycamore_zig_tools "${_asycamore_root}/tools/zig")
set(CMAKE_C_COMPILER "${_asycamore_zig_tools}/zig-cc")
set(CMAKE_CXX_COMPILER "${_asycamore_zig_tools}/zig-c++")
# CMake passes these as --target=<triple> to clang; zig takes the same flag.
set(CMAKE_C_COMPILER_TARGET "${_asycamore_zig_target}")
set(CMAKE_CXX_COMPILER_TARGET "${_asycamore_zig_target}")
# Without these CMake would pick the host's GNU ar, which writes a GNU archive;
# zig's llvm-ar writes the Darwin format for Mach-O members.
set(CMAKE_AR "${_asycamore_zig_tools}/zig-ar" CACHE FILEPATH "Archiver (zig ar)")
set(CMAKE_RANLIB "${_asycamore_zig_tools}/zig-ranlib" CACHE FILEPATH "Ranlib (zig ranlib)")
# CMake insists on install_name_tool for Darwin once a second language (C,
# for llhttp) is enabled; nothing is linked here, so a stand-in that refuses
# to run is enough.
set(CMAKE_INSTALL_NAME_TOOL "${_asycamore_zig_tools}/zig-install-name-tool" CACHE FILEPATH
    "install_name_tool stand-in (compile-only lane)")

# CMake's compiler checks link a test program by default, which cannot work
# here; a static library exercises the compiler without linking.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(ASYCAMORE_COMPILE_ONLY ON CACHE BOOL
    "The toolchain can compile but not link: build no executables or tests")

# abseil: headers from a source tree, never /usr/include (whose system headers
# are Linux's). find_package(absl) finds the header-only stand-in package in
# cmake/absl-headers-only, which defines the absl:: targets over that tree.
if(NOT DEFINED ASYCAMORE_ABSL_SOURCE_DIR)
  if(DEFINED ENV{ASYCAMORE_ABSL_SOURCE_DIR})
    set(ASYCAMORE_ABSL_SOURCE_DIR "$ENV{ASYCAMORE_ABSL_SOURCE_DIR}")
  else()
    set(ASYCAMORE_ABSL_SOURCE_DIR "${_asycamore_root}/build/deps/src/abseil")
  endif()
endif()
# Relative paths are taken from the repository root, as the scripts take them.
get_filename_component(ASYCAMORE_ABSL_SOURCE_DIR "${ASYCAMORE_ABSL_SOURCE_DIR}"
                       ABSOLUTE BASE_DIR "${_asycamore_root}")
set(ASYCAMORE_ABSL_SOURCE_DIR "${ASYCAMORE_ABSL_SOURCE_DIR}" CACHE PATH
    "abseil source tree (holding absl/) for the header-only absl:: targets")
set(absl_DIR "${_asycamore_root}/cmake/absl-headers-only" CACHE PATH
    "Header-only abseil package over ASYCAMORE_ABSL_SOURCE_DIR")

# Search only inside the abseil tree for headers, libraries and packages, so
# that nothing of the Linux host (/usr/include, /usr/lib, GTest's or abseil's
# Linux packages) is picked up by a find_*() call. Programs (python, git) are
# still the host's.
set(CMAKE_FIND_ROOT_PATH "${ASYCAMORE_ABSL_SOURCE_DIR}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# try_compile projects re-read this file in a directory of their own; hand them
# the same choice.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES ASYCAMORE_ABSL_SOURCE_DIR)

# Fail early with the fix in the message, rather than with a compiler
# identification error: once, in the top-level configure (try_compile
# projects include this file again).
get_property(_asycamore_in_try_compile GLOBAL PROPERTY IN_TRY_COMPILE)
if(NOT _asycamore_in_try_compile)
  execute_process(COMMAND "${CMAKE_CXX_COMPILER}" --version
                  RESULT_VARIABLE _asycamore_rc OUTPUT_QUIET
                  ERROR_VARIABLE _asycamore_err)
  if(NOT _asycamore_rc EQUAL 0)
    # The wrapper's message names the fix (run tools/scripts/install-zig.sh).
    string(STRIP "${_asycamore_err}" _asycamore_err)
    message(FATAL_ERROR "${CMAKE_CXX_COMPILER} does not run: ${_asycamore_err}")
  endif()
  if(NOT EXISTS "${ASYCAMORE_ABSL_SOURCE_DIR}/absl/base/options.h")
    message(FATAL_ERROR "no abseil source tree at ${ASYCAMORE_ABSL_SOURCE_DIR}; "
                        "run tools/scripts/fetch-debian-source.sh abseil libabsl-dev")
  endif()
endif()
