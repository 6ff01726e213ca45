# Sanitizer and fuzzing builds (tests/fuzz/, docs/ARCHITECTURE.md "Robustness").
#
#   -DCREDSIM_SANITIZE=ON  every target (library, app, tests) with AddressSanitizer and
#                          UndefinedBehaviorSanitizer; the first report aborts (make test-sanitize).
#   -DCREDSIM_FUZZ=ON      libFuzzer targets in tests/fuzz (needs clang: CMAKE_CXX_COMPILER=clang++-14);
#                          everything is instrumented for coverage, ASan and UBSan (make fuzz).
option(CREDSIM_SANITIZE "Build everything with AddressSanitizer + UndefinedBehaviorSanitizer" OFF)
option(CREDSIM_FUZZ "Build the libFuzzer targets (clang only)" OFF)

set(CREDSIM_SANITIZER_FLAGS -fsanitize=address,undefined -fno-omit-frame-pointer
    -fno-sanitize-recover=all)

if(CREDSIM_SANITIZE OR CREDSIM_FUZZ)
  add_compile_options(${CREDSIM_SANITIZER_FLAGS})
  add_link_options(${CREDSIM_SANITIZER_FLAGS})
  # Assertions stay on whatever the build type.
  add_compile_definitions(CREDSIM_CHECKED=1)
endif()

if(CREDSIM_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "CREDSIM_FUZZ needs clang (libFuzzer): configure with "
                        "-DCMAKE_CXX_COMPILER=clang++-14 (Debian packages clang-14, libclang-rt-14-dev)")
  endif()
  # Coverage instrumentation everywhere; only the fuzz targets link libFuzzer's main().
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
