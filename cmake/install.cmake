# vpnsim as a library for other ns-3 programs: `cmake --install` puts the static libraries, the
# headers (include/vpnsim/model/..., include/vpnsim/helper/..., included as in this tree), a CMake
# package (find_package(vpnsim) -> vpnsim::wire, vpnsim::engine, vpnsim::model, vpnsim::helper)
# and a pkg-config file (vpnsim.pc) under the prefix. examples/external-project/ uses them.
include(CMakePackageConfigHelpers)

set(vpnsim_libraries vpnsim-wire vpnsim-engine vpnsim-model vpnsim-helper)
foreach(lib IN LISTS vpnsim_libraries)
  string(REPLACE "vpnsim-" "" short ${lib})
  set_target_properties(${lib} PROPERTIES EXPORT_NAME ${short})
  add_library(vpnsim::${short} ALIAS ${lib})
endforeach()

install(TARGETS ${vpnsim_libraries} EXPORT vpnsimTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${VPNSIM_INSTALL_INCLUDEDIR})
foreach(dir model model/wire model/engine helper)
  file(GLOB headers CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/${dir}/*.h)
  # RunScenario's inside, shared by its own sources only.
  list(FILTER headers EXCLUDE REGEX "/helper/scenario-run\\.h$")
  install(FILES ${headers} DESTINATION ${VPNSIM_INSTALL_INCLUDEDIR}/${dir})
endforeach()

set(vpnsim_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/vpnsim)
install(EXPORT vpnsimTargets NAMESPACE vpnsim:: DESTINATION ${vpnsim_cmake_dir})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/vpnsimConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/vpnsimConfig.cmake
                              INSTALL_DESTINATION ${vpnsim_cmake_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/vpnsimConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/vpnsimConfig.cmake ${PROJECT_BINARY_DIR}/vpnsimConfigVersion.cmake
        DESTINATION ${vpnsim_cmake_dir})

# Relative to the .pc file, so that the installed tree can be moved (or installed with --prefix).
file(RELATIVE_PATH vpnsim_pc_to_prefix /p/${CMAKE_INSTALL_LIBDIR}/pkgconfig /p)
configure_file(${CMAKE_CURRENT_LIST_DIR}/vpnsim.pc.in ${PROJECT_BINARY_DIR}/vpnsim.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/vpnsim.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
