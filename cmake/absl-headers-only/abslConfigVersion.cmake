# Version check for the header-only abseil stand-in beside this file: reports
# the version the source tree declares in its project() call (abseil's LTS
# date, e.g. 20220623) and, like abseil's own package, accepts any request for
# that version or an older one.

set(PACKAGE_VERSION "")
if(ASYCAMORE_ABSL_SOURCE_DIR AND EXISTS "${ASYCAMORE_ABSL_SOURCE_DIR}/CMakeLists.txt")
  file(STRINGS "${ASYCAMORE_ABSL_SOURCE_DIR}/CMakeLists.txt" _asycamore_project
       REGEX "^project\\(absl ")
  string(REGEX MATCH "VERSION[ \t]+([0-9.]+)" _asycamore_match "${_asycamore_project}")
  set(PACKAGE_VERSION "${CMAKE_MATCH_1}")
  unset(_asycamore_project)
  unset(_asycamore_match)
endif()

if(PACKAGE_VERSION STREQUAL "")
  # No tree: accept, so that abslConfig.cmake runs and says what to do.
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
elseif(PACKAGE_FIND_VERSION AND PACKAGE_VERSION VERSION_LESS PACKAGE_FIND_VERSION)
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
else()
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
  if(PACKAGE_FIND_VERSION AND PACKAGE_VERSION VERSION_EQUAL PACKAGE_FIND_VERSION)
    set(PACKAGE_VERSION_EXACT TRUE)
  endif()
endif()
