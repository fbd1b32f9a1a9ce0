# Per-target build settings shared by every SimCLR target. Nothing here touches global
# flags: targets opt in through simclr_target_defaults().
set(CMAKE_CXX_STANDARD 17)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)
# Qt 6 needs position-independent code; using it everywhere keeps one shared Torch PCH valid.
set(CMAKE_POSITION_INDEPENDENT_CODE ON)
if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  set(CMAKE_BUILD_TYPE RelWithDebInfo CACHE STRING "Build type" FORCE)
endif()

find_program(SIMCLR_CCACHE ccache)
if(SIMCLR_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  # ccache caches PCH users only with this sloppiness (see ccache's "Precompiled headers").
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CMAKE_COMMAND} -E env
      CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
      ${SIMCLR_CCACHE})
endif()

function(simclr_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter)
  if(SIMCLR_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=${SIMCLR_SANITIZE} -fno-omit-frame-pointer)
    target_link_options(${target} PRIVATE -fsanitize=${SIMCLR_SANITIZE})
  endif()
endfunction()

# One precompiled Torch header for every target that includes Torch. Targets reuse it
# (REUSE_FROM), so the 2-core machine compiles torch/torch.h once, not once per target.
function(simclr_use_torch_pch target)
  target_precompile_headers(${target} REUSE_FROM simclr_torch_pch)
  # Executables default to -fPIE, which invalidates a PCH built with -fPIC.
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "EXECUTABLE")
    target_compile_options(${target} PRIVATE -fPIC)
  endif()
  target_compile_options(${target} PRIVATE -Winvalid-pch)
endfunction()
