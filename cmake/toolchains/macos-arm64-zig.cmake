# macOS arm64 (Apple silicon) compile lane: compiles (no linking) against macOS
# headers with zig. See macos-zig-common.cmake for what it needs and what it
# can do.
#
# Use: cmake -S . -B build/macos-compile-arm64 -G Ninja \
#        -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/macos-arm64-zig.cmake

set(_asycamore_macos_arch arm64)
set(_asycamore_zig_target aarch64-macos)
include("${CMAKE_CURRENT_LIST_DIR}/macos-zig-common.cmake")
