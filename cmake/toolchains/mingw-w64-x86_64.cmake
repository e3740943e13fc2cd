# Cross-compiles for 64-bit Windows with Debian's mingw-w64 GCC (posix threading
# model, so std::thread, std::mutex and abseil's synchronization work) and runs
# the results under Wine through tools/scripts/wine-run.sh.
#
# Use: cmake -S . -B build/windows-mingw \
#        -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/mingw-w64-x86_64.cmake
# tools/scripts/install-windows-toolchain.sh installs the compilers and Wine;
# tools/scripts/build-windows-deps.sh builds abseil, GoogleTest and Google
# Benchmark into the prefix searched here.
#
# Variables (cache or environment):
#   ASYCAMORE_WINDOWS_DEPS_PREFIX  where the cross-built dependencies are:
#                                  -D...=<path> if given, else the environment
#                                  variable of that name (the one
#                                  build-windows-deps.sh installs into), else
#                                  <repo>/build/deps/windows-mingw, as the
#                                  script's default. Read when a build tree is
#                                  first configured and kept in its cache (so a
#                                  re-run of CMake from ninja, without the
#                                  variable, does not switch prefixes); pass
#                                  -D to change it later. The windows-mingw
#                                  preset does not pin it.
#   ASYCAMORE_MINGW_SUFFIX         compiler name suffix (default "-posix"; the
#                                  "-win32" flavour lacks std::thread).

# The repository root, derived from this file's place in it: nothing here names
# a path of one machine.
get_filename_component(_asycamore_root "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)

set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(_asycamore_triple x86_64-w64-mingw32)

if(NOT DEFINED ASYCAMORE_MINGW_SUFFIX)
  if(DEFINED ENV{ASYCAMORE_MINGW_SUFFIX})
    set(ASYCAMORE_MINGW_SUFFIX "$ENV{ASYCAMORE_MINGW_SUFFIX}")
  else()
    set(ASYCAMORE_MINGW_SUFFIX "-posix")
  endif()
endif()

if(NOT DEFINED ASYCAMORE_WINDOWS_DEPS_PREFIX)
  if(DEFINED ENV{ASYCAMORE_WINDOWS_DEPS_PREFIX})
    set(_asycamore_deps_prefix "$ENV{ASYCAMORE_WINDOWS_DEPS_PREFIX}")
  else()
    set(_asycamore_deps_prefix "${_asycamore_root}/build/deps/windows-mingw")
  endif()
  set(ASYCAMORE_WINDOWS_DEPS_PREFIX "${_asycamore_deps_prefix}" CACHE PATH
    "Prefix of the mingw-built abseil, GoogleTest and benchmark (tools/scripts/build-windows-deps.sh)")
endif()
# Relative paths are taken from the repository root, as the scripts take them.
get_filename_component(ASYCAMORE_WINDOWS_DEPS_PREFIX "${ASYCAMORE_WINDOWS_DEPS_PREFIX}"
                       ABSOLUTE BASE_DIR "${_asycamore_root}")

# try_compile projects re-read this file in a directory of their own; hand them
# the same choices.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES
     ASYCAMORE_MINGW_SUFFIX ASYCAMORE_WINDOWS_DEPS_PREFIX)

set(CMAKE_C_COMPILER "${_asycamore_triple}-gcc${ASYCAMORE_MINGW_SUFFIX}")
set(CMAKE_CXX_COMPILER "${_asycamore_triple}-g++${ASYCAMORE_MINGW_SUFFIX}")
set(CMAKE_RC_COMPILER "${_asycamore_triple}-windres")

# Link everything statically: a program that needs libstdc++-6.dll,
# libgcc_s_seh-1.dll or libwinpthread-1.dll fails under Wine without a word
# when those DLLs are not beside it.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-static")
set(CMAKE_MODULE_LINKER_FLAGS_INIT "-static")

# Headers, libraries and CMake packages come from the mingw sysroot and the
# dependency prefix only; programs (code generators, tools) from the host.
set(CMAKE_FIND_ROOT_PATH "/usr/${_asycamore_triple}" "${ASYCAMORE_WINDOWS_DEPS_PREFIX}")
list(APPEND CMAKE_PREFIX_PATH "${ASYCAMORE_WINDOWS_DEPS_PREFIX}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# CTest, try_run and gtest_discover_tests run the .exe files through Wine.
set(CMAKE_CROSSCOMPILING_EMULATOR "${_asycamore_root}/tools/scripts/wine-run.sh")
