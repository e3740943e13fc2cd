# A stand-in for abseil's CMake package, for compile-only cross lanes (the
# macOS lane): every absl:: library target becomes a header-only INTERFACE
# target over an abseil *source* tree. Nothing is built or linked, so nothing
# of abseil needs compiling; a lane that links must use a real abseil build.
#
# Found by find_package(absl) when absl_DIR points here (the macOS toolchain
# files do that), so the project's CMakeLists needs no lane-specific branch.
#
# Input: ASYCAMORE_ABSL_SOURCE_DIR, the source tree (the folder holding absl/),
# e.g. Debian's, unpacked by tools/scripts/fetch-debian-source.sh abseil.

if(TARGET absl::base)
  return() # already defined by an earlier find_package(absl) in this scope
endif()

if(NOT ASYCAMORE_ABSL_SOURCE_DIR OR
   NOT EXISTS "${ASYCAMORE_ABSL_SOURCE_DIR}/absl/base/options.h")
  set(absl_FOUND FALSE)
  set(absl_NOT_FOUND_MESSAGE
      "ASYCAMORE_ABSL_SOURCE_DIR ('${ASYCAMORE_ABSL_SOURCE_DIR}') holds no abseil "
      "source tree; run: tools/scripts/fetch-debian-source.sh abseil libabsl-dev")
  return()
endif()

# Every library the tree declares, read from its absl_cc_library() calls, so
# the list follows the abseil version instead of being kept by hand. Test-only
# libraries are included too: an unused target costs nothing.
file(GLOB_RECURSE _asycamore_absl_lists
     "${ASYCAMORE_ABSL_SOURCE_DIR}/absl/*/CMakeLists.txt")
set(_asycamore_absl_names "")
foreach(_asycamore_list IN LISTS _asycamore_absl_lists)
  file(READ "${_asycamore_list}" _asycamore_text)
  string(REGEX MATCHALL "absl_cc_library\\([ \t\r\n]*NAME[ \t\r\n]+[A-Za-z0-9_]+"
         _asycamore_calls "${_asycamore_text}")
  foreach(_asycamore_call IN LISTS _asycamore_calls)
    string(REGEX REPLACE ".*[ \t\r\n]([A-Za-z0-9_]+)$" "\\1"
           _asycamore_name "${_asycamore_call}")
    list(APPEND _asycamore_absl_names "${_asycamore_name}")
  endforeach()
endforeach()
list(REMOVE_DUPLICATES _asycamore_absl_names)
if(NOT "base" IN_LIST _asycamore_absl_names)
  set(absl_FOUND FALSE)
  set(absl_NOT_FOUND_MESSAGE
      "found no absl_cc_library(NAME base) under ${ASYCAMORE_ABSL_SOURCE_DIR}/absl")
  return()
endif()

# Imported targets' include directories are SYSTEM ones: abseil's headers do
# not trip the project's -Wall -Wextra -Werror.
foreach(_asycamore_name IN LISTS _asycamore_absl_names)
  add_library(absl::${_asycamore_name} INTERFACE IMPORTED)
  set_target_properties(absl::${_asycamore_name} PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${ASYCAMORE_ABSL_SOURCE_DIR}")
endforeach()

unset(_asycamore_absl_lists)
unset(_asycamore_absl_names)
unset(_asycamore_list)
unset(_asycamore_text)
unset(_asycamore_calls)
unset(_asycamore_call)
unset(_asycamore_name)
set(absl_FOUND TRUE)
