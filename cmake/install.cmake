# Install rules: headers, the exported logto::logto target, logtoConfig.cmake + version file, the
# Find modules for dependencies that ship no CMake package, and a pkg-config file.
include(CMakePackageConfigHelpers)

set(LOGTO_CMAKE_DIR "${CMAKE_INSTALL_DATADIR}/cmake/logto" CACHE STRING "Where logtoConfig.cmake is installed")

install(TARGETS logto EXPORT logtoTargets)
install(DIRECTORY "${LOGTO_INCLUDE_DIR}/logto" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(EXPORT logtoTargets NAMESPACE logto:: DESTINATION "${LOGTO_CMAKE_DIR}")

configure_package_config_file("${CMAKE_CURRENT_SOURCE_DIR}/cmake/logtoConfig.cmake.in"
                              "${CMAKE_CURRENT_BINARY_DIR}/logtoConfig.cmake" INSTALL_DESTINATION "${LOGTO_CMAKE_DIR}")
write_basic_package_version_file("${CMAKE_CURRENT_BINARY_DIR}/logtoConfigVersion.cmake"
                                 COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)
install(FILES "${CMAKE_CURRENT_BINARY_DIR}/logtoConfig.cmake" "${CMAKE_CURRENT_BINARY_DIR}/logtoConfigVersion.cmake"
              "${CMAKE_CURRENT_SOURCE_DIR}/cmake/FindMbedTLS.cmake" "${CMAKE_CURRENT_SOURCE_DIR}/cmake/Findpicojson.cmake"
        DESTINATION "${LOGTO_CMAKE_DIR}")

configure_file("${CMAKE_CURRENT_SOURCE_DIR}/cmake/logto.pc.in" "${CMAKE_CURRENT_BINARY_DIR}/logto.pc" @ONLY)
install(FILES "${CMAKE_CURRENT_BINARY_DIR}/logto.pc" DESTINATION "${CMAKE_INSTALL_DATADIR}/pkgconfig")
