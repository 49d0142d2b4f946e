# Warnings for neardup's own targets (not exported).
function(neardup_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wshadow -pedantic)
  if(NEARDUP_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
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
