# asycamore_layer(<target> <export-name>): what every layer library of
# asycamore shares. The target is exported as asycamore::<export-name>, is
# PIC (so that a static build links into a consumer's shared library), is
# C++20, is held to the project's warnings, publishes its folder's include/
# (installed under the install prefix's include/), and sees the private
# headers the layers share (core/internal: never installed, never on a
# consumer's path). Call it from the layer's own CMakeLists.txt.
function(asycamore_layer target export_name)
  add_library(asycamore::${export_name} ALIAS ${target})
  set_target_properties(${target} PROPERTIES
    EXPORT_NAME ${export_name}
    POSITION_INDEPENDENT_CODE ON)
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
