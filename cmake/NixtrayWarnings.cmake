# Warnings are attached to each of our targets, never to the whole build, so
# third-party headers found through imported targets stay quiet (SYSTEM).
function(nixtray_set_warnings target)
  if(MSVC)
    target_compile_options(${target} PRIVATE /W4 /permissive- /utf-8)
    if(NIXTRAY_WERROR)
      target_compile_options(${target} PRIVATE /WX)
    endif()
  else()
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
      -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough
      # GCC 12 warns on C++20 designated initializers that leave members to their default
      # initializers, which is exactly how option structs are meant to be used.
      -Wno-missing-field-initializers)
    if(NIXTRAY_WERROR)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
endfunction()
