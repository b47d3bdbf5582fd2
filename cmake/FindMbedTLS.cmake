# FindMbedTLS.cmake: fallback for mbedTLS builds that ship no CMake package (Debian 12's 2.28 ships
# neither a CMake config nor a .pc file). Creates the same imported targets as mbedTLS 3.x's config:
#   MbedTLS::mbedcrypto, MbedTLS::mbedx509, MbedTLS::mbedtls
# Result variables: MbedTLS_FOUND, MbedTLS_INCLUDE_DIR, MbedTLS_VERSION.
include(FindPackageHandleStandardArgs)

find_path(MbedTLS_INCLUDE_DIR NAMES mbedtls/version.h)
find_library(MbedTLS_CRYPTO_LIBRARY NAMES mbedcrypto)
find_library(MbedTLS_X509_LIBRARY NAMES mbedx509)
find_library(MbedTLS_TLS_LIBRARY NAMES mbedtls)

if(MbedTLS_INCLUDE_DIR)
  foreach(_logto_header build_info.h version.h)
    if(EXISTS "${MbedTLS_INCLUDE_DIR}/mbedtls/${_logto_header}")
      file(STRINGS "${MbedTLS_INCLUDE_DIR}/mbedtls/${_logto_header}" _logto_version_line
           REGEX "^#define[ \t]+MBEDTLS_VERSION_STRING[ \t]+\"[0-9.]+\"")
      if(_logto_version_line)
        string(REGEX REPLACE ".*\"([0-9.]+)\".*" "\\1" MbedTLS_VERSION "${_logto_version_line}")
        break()
      endif()
    endif()
  endforeach()
endif()

find_package_handle_standard_args(MbedTLS
  REQUIRED_VARS MbedTLS_INCLUDE_DIR MbedTLS_CRYPTO_LIBRARY MbedTLS_X509_LIBRARY MbedTLS_TLS_LIBRARY
  VERSION_VAR MbedTLS_VERSION)

if(MbedTLS_FOUND)
  if(NOT TARGET MbedTLS::mbedcrypto)
    add_library(MbedTLS::mbedcrypto UNKNOWN IMPORTED)
    set_target_properties(MbedTLS::mbedcrypto PROPERTIES IMPORTED_LOCATION "${MbedTLS_CRYPTO_LIBRARY}"
                          INTERFACE_INCLUDE_DIRECTORIES "${MbedTLS_INCLUDE_DIR}")
  endif()
  if(NOT TARGET MbedTLS::mbedx509)
    add_library(MbedTLS::mbedx509 UNKNOWN IMPORTED)
    set_target_properties(MbedTLS::mbedx509 PROPERTIES IMPORTED_LOCATION "${MbedTLS_X509_LIBRARY}"
                          INTERFACE_LINK_LIBRARIES MbedTLS::mbedcrypto)
  endif()
  if(NOT TARGET MbedTLS::mbedtls)
    add_library(MbedTLS::mbedtls UNKNOWN IMPORTED)
    set_target_properties(MbedTLS::mbedtls PROPERTIES IMPORTED_LOCATION "${MbedTLS_TLS_LIBRARY}"
                          INTERFACE_LINK_LIBRARIES MbedTLS::mbedx509)
  endif()
endif()
mark_as_advanced(MbedTLS_INCLUDE_DIR MbedTLS_CRYPTO_LIBRARY MbedTLS_X509_LIBRARY MbedTLS_TLS_LIBRARY)
