# asycamore_layer(<target> <export-name>): what every layer library of
# asycamore shares. The target is exported as asycamore::<export-name>, is
# PIC (so that a static build links into a consumer's shared library), is
# C++20, is held to the project's warnings, publishes its folder's include/
# (installed under the install prefix's include/), and sees the private
# headers the layers share (core/internal: never installed, never on a
# consumer's path). Call it from the layer's own CMakeLists.txt.
#
# Shared or static follows BUILD_SHARED_LIBS. Either way the symbols are
# hidden but for the public API, which carries ASYCAMORE_<LAYER>_API
# (core/include/asycamore/export.h); a shared library has a version and a
# SONAME: libasycamore_core.so.0.1 while the version is 0.x (any minor
# release may change the ABI), libasycamore_core.so.<major> from 1.0.
if(asycamore_VERSION_MAJOR EQUAL 0)
  set(ASYCAMORE_SOVERSION ${asycamore_VERSION_MAJOR}.${asycamore_VERSION_MINOR})
else()
  set(ASYCAMORE_SOVERSION ${asycamore_VERSION_MAJOR})
endif()

function(asycamore_layer target export_name)
  add_library(asycamore::${export_name} ALIAS ${target})
  set_target_properties(${target} PROPERTIES
    EXPORT_NAME ${export_name}
    POSITION_INDEPENDENT_CODE ON
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    VERSION ${asycamore_VERSION}
    SOVERSION ${ASYCAMORE_SOVERSION}
    # ASYCAMORE_BUILDING_<LAYER> below, in static builds too: then both
    # compile alike (and ccache serves one from the other).
    DEFINE_SYMBOL "")
  string(TOUPPER "${export_name}" layer)
  target_compile_definitions(${target} PRIVATE ASYCAMORE_BUILDING_${layer})
  if(WIN32)
    get_target_property(type ${target} TYPE)
    if(type STREQUAL "STATIC_LIBRARY")
      # No dllimport in the users' code (export.h).
      target_compile_definitions(${target} PUBLIC ASYCAMORE_STATIC)
    endif()
    # The library's own sources include <windows.h> lean and without the
    # min/max macros; the public headers include no Windows header at all
    # (native_socket.h), so the users' choice of these is left alone.
    target_compile_definitions(${target} PRIVATE NOMINMAX WIN32_LEAN_AND_MEAN)
  endif()
  target_compile_features(${target} PUBLIC cxx_std_20)
  target_include_directories(${target}
    PUBLIC
      $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
      $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>
    PRIVATE
      ${asycamore_SOURCE_DIR}/core/internal)
  asycamore_enable_warnings(${target})
  set_property(GLOBAL APPEND PROPERTY ASYCAMORE_LAYERS ${target})
endfunction()
