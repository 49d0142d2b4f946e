# Warnings for neardup's own targets (not exported).
function(neardup_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wshadow -pedantic)
  if(NEARDUP_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
    # GCC 12 reports -Wrestrict false positives inside std::string's
    # operator+ (GCC bug 105329); keep them visible but not fatal.
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU"
       AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
      target_compile_options(${target} PRIVATE -Wno-error=restrict)
    endif()
  endif()
endfunction()

if(NEARDUP_NATIVE)
  add_compile_options(-march=native)
endif()
if(NEARDUP_SANITIZE)
  add_compile_options(-fsanitize=${NEARDUP_SANITIZE} -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${NEARDUP_SANITIZE})
  # TSan sees TBB's hand-offs only in a libtbb built with -fsanitize=thread;
  # with Debian's it reports races at every pipeline stage and
  # parallel_for join. .ci/tsan builds one.
  if(NEARDUP_SANITIZE MATCHES "thread" AND TBB_DIR MATCHES "^/usr/")
    message(WARNING "NEARDUP_SANITIZE=thread with the system's uninstrumented "
                    "libtbb (${TBB_DIR}): expect false reports. Run .ci/tsan, "
                    "or pass -DTBB_DIR=build-tsan-tbb/prefix/lib/cmake/TBB.")
  endif()
endif()
# Fuzzing: every target gets coverage instrumentation and ASan + UBSan; only
# the fuzz executables link libFuzzer's main (tests/fuzz/CMakeLists.txt).
if(NEARDUP_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "NEARDUP_FUZZ needs clang (e.g. CXX=clang++-16)")
  endif()
  if(NEARDUP_SANITIZE)
    message(FATAL_ERROR "NEARDUP_FUZZ brings its own sanitizers; unset NEARDUP_SANITIZE")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined
                      -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
