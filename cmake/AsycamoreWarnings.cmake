# asycamore_enable_warnings(<target>): the project's warning set, as errors
# when ASYCAMORE_WERROR is on (CI presets turn it on).
function(asycamore_enable_warnings target)
  if(MSVC)
    target_compile_options(${target} PRIVATE /W4 $<$<BOOL:${ASYCAMORE_WERROR}>:/WX>)
  else()
    target_compile_options(${target} PRIVATE -Wall -Wextra
      $<$<BOOL:${ASYCAMORE_WERROR}>:-Werror>)
  endif()
endfunction()
