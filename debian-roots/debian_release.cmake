# The Debian release this tree is configured on, from /etc/os-release:
# REPLWATCH_DEBIAN_RELEASE (12 or 13) and REPLWATCH_DEBIAN_CODENAME (bookworm or trixie).
# The .deb carries it in its version (~deb12, ~deb13) and changelog; on Debian 12 the suite
# also builds and tests on Debian 13, in REPLWATCH_DEBIAN13_BUILD_DIR (debian-roots/).
file(STRINGS /etc/os-release os_release_lines REGEX "^(ID|VERSION_ID|VERSION_CODENAME)=")
foreach(line IN LISTS os_release_lines)
  if(line MATCHES "^([A-Z_]+)=\"?([^\"]*)\"?$")
    set(os_release_${CMAKE_MATCH_1} "${CMAKE_MATCH_2}")
  endif()
endforeach()
if(NOT os_release_ID STREQUAL "debian" OR NOT os_release_VERSION_ID MATCHES "^1[23]$")
  message(FATAL_ERROR "replwatch builds on Debian 12 or 13 (their package names and "
                      "CMake files); /etc/os-release says '${os_release_ID}' '${os_release_VERSION_ID}'")
endif()
set(REPLWATCH_DEBIAN_RELEASE ${os_release_VERSION_ID})
set(REPLWATCH_DEBIAN_CODENAME ${os_release_VERSION_CODENAME})
set(REPLWATCH_DEBIAN13_BUILD_DIR ${CMAKE_BINARY_DIR}-deb13)
