# `cmake --install`: headers, library, CLI, CMake package and pkg-config file.
include(CMakePackageConfigHelpers)

install(TARGETS nvcast EXPORT nvcastTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY include/nvcast DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")
install(FILES ${PROJECT_BINARY_DIR}/include/nvcast/version.h ${PROJECT_BINARY_DIR}/include/nvcast/features.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/nvcast)
install(EXPORT nvcastTargets NAMESPACE nvcast:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/nvcast)

configure_package_config_file(cmake/nvcastConfig.cmake.in ${PROJECT_BINARY_DIR}/nvcastConfig.cmake
                              INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/nvcast)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/nvcastConfigVersion.cmake COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/nvcastConfig.cmake ${PROJECT_BINARY_DIR}/nvcastConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/nvcast)

# Relative prefix, so the file stays right under `cmake --install --prefix <elsewhere>`.
file(RELATIVE_PATH NVCAST_PC_PREFIX_FROM_PCDIR "${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig" "${CMAKE_INSTALL_PREFIX}")
configure_file(cmake/nvcast.pc.in ${PROJECT_BINARY_DIR}/nvcast.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/nvcast.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
