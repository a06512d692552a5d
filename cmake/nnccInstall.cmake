# `cmake --install` (and `make install PREFIX=...`): the tools, the public
# headers with the ODS-generated ones they include, the libraries as an
# exported CMake package (find_package(nncc CONFIG), targets nncc::*) and a
# pkg-config file, the bundled targets and the docs (docs/embedding.md).
# After MLIR's and CIRCT's packaging: the package's config finds MLIR the
# same way this build did, so the exported static libraries carry their
# link dependencies.
include(CMakePackageConfigHelpers)

set(NNCC_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/nncc)
set(NNCC_INSTALL_TARGETSDIR ${CMAKE_INSTALL_DATADIR}/nncc/targets)
# The generated dialect headers are included as "nn/NNOps.h.inc" and
# "cim/CIMOps.h.inc": they keep that spelling under include/nncc/ods, which
# the exported targets add to their users' include path.
set(NNCC_INSTALL_ODSDIR ${CMAKE_INSTALL_INCLUDEDIR}/nncc/ods)

# Every library, users before what they use: the order static linking
# needs, which nncc.pc spells out (CMake users get it from the targets).
set(NNCC_LIBRARIES
  NNCCDriver NNCCExport NNCCNNToCIM NNCCNNToSNN NNCCSNNTransforms NNCCCIMTransforms NNCCPPA NNCCSimulation
  NNCCExecution NNCCSchedule NNCCAnalysis NNCCPlacement NNCCData NNCCImport
  NNCCDialectUtils NNCCCIMDialect NNCCSNNDialect NNCCNNDialect NNCCTarget NNCCRuntime
  NNCCSupport)

# nncc::nncc: everything, for users who do not pick libraries.
add_library(NNCCAll INTERFACE)
set_target_properties(NNCCAll PROPERTIES EXPORT_NAME nncc)
target_link_libraries(NNCCAll INTERFACE ${NNCC_LIBRARIES})
target_compile_features(NNCCAll INTERFACE cxx_std_17)

foreach(lib ${NNCC_LIBRARIES})
  target_include_directories(${lib} INTERFACE
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>
    $<INSTALL_INTERFACE:${NNCC_INSTALL_ODSDIR}>)
endforeach()

install(TARGETS nncc nncc-opt RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS ${NNCC_LIBRARIES} NNCCAll EXPORT nnccTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(EXPORT nnccTargets NAMESPACE nncc::
  DESTINATION ${NNCC_INSTALL_CMAKEDIR})

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/nncc
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h")
install(DIRECTORY ${PROJECT_BINARY_DIR}/include/nncc
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h.inc")
foreach(dialect nn cim snn)
  install(DIRECTORY ${PROJECT_BINARY_DIR}/dialects/${dialect}
    DESTINATION ${NNCC_INSTALL_ODSDIR}
    FILES_MATCHING PATTERN "*.h.inc")
endforeach()

install(DIRECTORY ${PROJECT_SOURCE_DIR}/targets/
  DESTINATION ${NNCC_INSTALL_TARGETSDIR}
  FILES_MATCHING PATTERN "*.yaml")
install(FILES ${PROJECT_SOURCE_DIR}/README.md
  DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/
  DESTINATION ${CMAKE_INSTALL_DOCDIR})

# find_package(nncc CONFIG): relocatable (paths relative to the installed
# config file), so `cmake --install --prefix P` works for any P.
configure_package_config_file(
  ${CMAKE_CURRENT_LIST_DIR}/nnccConfig.cmake.in
  ${PROJECT_BINARY_DIR}/nnccConfig.cmake
  INSTALL_DESTINATION ${NNCC_INSTALL_CMAKEDIR}
  PATH_VARS NNCC_INSTALL_TARGETSDIR CMAKE_INSTALL_INCLUDEDIR)
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/nnccConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/nnccConfig.cmake
  ${PROJECT_BINARY_DIR}/nnccConfigVersion.cmake
  DESTINATION ${NNCC_INSTALL_CMAKEDIR})

# nncc.pc: the prefix is found from the file's own place (${pcfiledir}), so
# it is relocatable too.  Static libraries: Libs lists them all, in link
# order, then what they link.
set(NNCC_PC_LIBS "")
foreach(lib ${NNCC_LIBRARIES})
  string(APPEND NNCC_PC_LIBS " -l${lib}")
endforeach()
set(NNCC_PC_REQUIRES "protobuf z3 zlib")
if(NNCC_HAVE_MPI)
  string(APPEND NNCC_PC_REQUIRES " ompi-c")
endif()
file(RELATIVE_PATH NNCC_PC_PREFIX
  /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
string(REGEX REPLACE "/$" "" NNCC_PC_PREFIX "${NNCC_PC_PREFIX}")
configure_file(${CMAKE_CURRENT_LIST_DIR}/nncc.pc.in
  ${PROJECT_BINARY_DIR}/nncc.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/nncc.pc
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
