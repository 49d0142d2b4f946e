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
endif()
