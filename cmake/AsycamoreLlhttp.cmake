# llhttp, Node.js's HTTP/1.1 parser, compiled from the C sources Debian ships
# in the package node-llhttp (never copied into this repository):
#   /usr/share/llhttp/{llhttp.c,api.c,http.c}
#   /usr/share/include/llhttp/llhttp.h
#
# Included from the top-level CMakeLists.txt (file scope, so enable_language
# applies to the whole project). Two steps:
#
#   include(AsycamoreLlhttp)     finds the sources quietly: sets
#                                ASYCAMORE_LLHTTP_FOUND, and the cache variables
#                                ASYCAMORE_LLHTTP_SOURCE_DIR (folder of
#                                llhttp.c, api.c, http.c) and
#                                ASYCAMORE_LLHTTP_INCLUDE_DIR (folder of
#                                llhttp.h); set either to point elsewhere
#                                (e.g. a checkout of the llhttp release).
#   asycamore_add_llhttp()       (a macro: file scope) fails with the package
#                                name when the sources are missing, enables C
#                                and defines the private object library
#                                asycamore_llhttp.
#   asycamore_link_llhttp(<t>)   compiles those objects into <t> (the HTTP
#                                library) and gives <t>'s sources llhttp.h.
#                                Nothing of llhttp is exported: an installed
#                                asycamore::http carries the objects inside.
#
# The sources are plain C99 and target-independent, so the cross lanes
# (mingw, zig for macOS) compile the host's copy: the search ignores
# CMAKE_FIND_ROOT_PATH, which those toolchains confine to their sysroots.

set(_asycamore_llhttp_hint "install the Debian package node-llhttp "
    "(tools/scripts/install-linux-deps.sh does), or set "
    "ASYCAMORE_LLHTTP_SOURCE_DIR and ASYCAMORE_LLHTTP_INCLUDE_DIR to an "
    "llhttp 8.x release's src/ and include/ folders")

find_path(ASYCAMORE_LLHTTP_SOURCE_DIR
  NAMES llhttp.c
  PATHS /usr/share/llhttp /usr/local/share/llhttp
  NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH
  DOC "Folder holding llhttp's C sources (llhttp.c, api.c, http.c)")
find_path(ASYCAMORE_LLHTTP_INCLUDE_DIR
  NAMES llhttp.h
  PATHS /usr/share/include/llhttp /usr/local/share/include/llhttp
  NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH
  DOC "Folder holding llhttp.h")

set(ASYCAMORE_LLHTTP_FOUND OFF)
if(ASYCAMORE_LLHTTP_SOURCE_DIR AND ASYCAMORE_LLHTTP_INCLUDE_DIR
   AND EXISTS "${ASYCAMORE_LLHTTP_SOURCE_DIR}/api.c"
   AND EXISTS "${ASYCAMORE_LLHTTP_SOURCE_DIR}/http.c")
  set(ASYCAMORE_LLHTTP_FOUND ON)
endif()

macro(asycamore_add_llhttp)
  if(NOT ASYCAMORE_LLHTTP_FOUND)
    string(CONCAT _asycamore_llhttp_message
      "llhttp sources not found (looked for llhttp.c, api.c, http.c in "
      "ASYCAMORE_LLHTTP_SOURCE_DIR='${ASYCAMORE_LLHTTP_SOURCE_DIR}' and llhttp.h "
      "in ASYCAMORE_LLHTTP_INCLUDE_DIR='${ASYCAMORE_LLHTTP_INCLUDE_DIR}'): "
      ${_asycamore_llhttp_hint} "; or configure with -DASYCAMORE_BUILD_HTTP=OFF")
    message(FATAL_ERROR "${_asycamore_llhttp_message}")
  endif()
  file(STRINGS "${ASYCAMORE_LLHTTP_INCLUDE_DIR}/llhttp.h" _asycamore_llhttp_major
       REGEX "^#define LLHTTP_VERSION_MAJOR [0-9]+")
  string(REGEX REPLACE ".* ([0-9]+)$" "\\1" _asycamore_llhttp_major
         "${_asycamore_llhttp_major}")
  # The glue relies on 8.x's callbacks (on_method, on_version) and on
  # on_headers_complete's skip-body return.
  if(NOT _asycamore_llhttp_major EQUAL 8)
    message(FATAL_ERROR "llhttp.h in ${ASYCAMORE_LLHTTP_INCLUDE_DIR} is version "
                        "'${_asycamore_llhttp_major}', the HTTP layer needs 8.x: "
                        ${_asycamore_llhttp_hint})
  endif()

  # The C compiler must match the C++ one: a sanitizer build links with
  # clang++, and gcc's implicit C libraries (its own libasan) would clash
  # with clang's runtime ("incompatible ASan runtimes"). Toolchain files and
  # CC still decide when they say something.
  if(NOT CMAKE_C_COMPILER AND NOT DEFINED ENV{CC})
    get_filename_component(_asycamore_cxx_dir "${CMAKE_CXX_COMPILER}" DIRECTORY)
    get_filename_component(_asycamore_cxx_name "${CMAKE_CXX_COMPILER}" NAME)
    string(REGEX REPLACE "clang\\+\\+" "clang" _asycamore_c_name "${_asycamore_cxx_name}")
    string(REGEX REPLACE "g\\+\\+" "gcc" _asycamore_c_name "${_asycamore_c_name}")
    if(NOT _asycamore_c_name STREQUAL _asycamore_cxx_name
       AND EXISTS "${_asycamore_cxx_dir}/${_asycamore_c_name}")
      set(CMAKE_C_COMPILER "${_asycamore_cxx_dir}/${_asycamore_c_name}")
    endif()
  endif()
  enable_language(C)
  add_library(asycamore_llhttp OBJECT
    "${ASYCAMORE_LLHTTP_SOURCE_DIR}/llhttp.c"
    "${ASYCAMORE_LLHTTP_SOURCE_DIR}/api.c"
    "${ASYCAMORE_LLHTTP_SOURCE_DIR}/http.c")
  target_include_directories(asycamore_llhttp PRIVATE "${ASYCAMORE_LLHTTP_INCLUDE_DIR}")
  set_target_properties(asycamore_llhttp PROPERTIES
    C_STANDARD 99
    C_STANDARD_REQUIRED ON
    C_EXTENSIONS OFF
    # Compiled into asycamore_http, which a consumer may link into a
    # shared library; and none of its symbols leaves a shared asycamore_http.
    POSITION_INDEPENDENT_CODE ON
    C_VISIBILITY_PRESET hidden)
  # Third-party code: its warnings are not ours to fix, and never errors.
  if(MSVC)
    target_compile_options(asycamore_llhttp PRIVATE /w)
  else()
    target_compile_options(asycamore_llhttp PRIVATE -w)
  endif()
  # An embedding project compiles it only when it builds asycamore::http.
  if(NOT PROJECT_IS_TOP_LEVEL)
    set_target_properties(asycamore_llhttp PROPERTIES EXCLUDE_FROM_ALL ON)
  endif()
  message(STATUS "llhttp ${_asycamore_llhttp_major}.x: sources in "
                 "${ASYCAMORE_LLHTTP_SOURCE_DIR}, header in ${ASYCAMORE_LLHTTP_INCLUDE_DIR}")
endmacro()

# SYSTEM: llhttp.h's warnings are not ours, in the C++ that includes it.
function(asycamore_link_llhttp target)
  target_sources(${target} PRIVATE $<TARGET_OBJECTS:asycamore_llhttp>)
  target_include_directories(${target} SYSTEM PRIVATE "${ASYCAMORE_LLHTTP_INCLUDE_DIR}")
endfunction()
