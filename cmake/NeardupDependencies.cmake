# Every dependency is a Debian 12 package (tools/install_deps.sh); nothing is downloaded.
find_package(simdjson CONFIG REQUIRED)  # libsimdjson-dev 3.0.1
find_package(TBB CONFIG REQUIRED)       # libtbb-dev 2021.8
find_package(ZLIB REQUIRED)             # zlib1g-dev
find_package(hwy CONFIG REQUIRED)       # libhwy-dev 1.0.3 (Highway SIMD)
find_package(PkgConfig REQUIRED)
# libxxhash-dev, libzstd-dev and libutf8proc-dev ship only pkg-config files.
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)
pkg_check_modules(UTF8PROC REQUIRED IMPORTED_TARGET libutf8proc)
