# What `cmake --install` puts where (GNUInstallDirs), and the Debian package
# `cpack -G DEB` builds from it (configure with -DCMAKE_INSTALL_PREFIX=/usr).
include(GNUInstallDirs)

# /etc when the prefix is /usr (GNUInstallDirs' rule), else PREFIX/etc.
set(MCPROXY_CONFIG_DIR ${CMAKE_INSTALL_FULL_SYSCONFDIR}/mcproxy)
set(MCPROXY_CONFIG_FILE ${MCPROXY_CONFIG_DIR}/mcproxy.conf)
# Debian 12 keeps units in /lib/systemd/system (lintian: systemd-service-file-outside-lib).
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(default_unit_dir /lib/systemd/system)
else()
  set(default_unit_dir ${CMAKE_INSTALL_PREFIX}/lib/systemd/system)
endif()
set(MCPROXY_SYSTEMD_UNIT_DIR ${default_unit_dir} CACHE PATH "where the systemd unit is installed")

configure_file(${PROJECT_SOURCE_DIR}/conf/mcproxy.service.in ${PROJECT_BINARY_DIR}/conf/mcproxy.service @ONLY)

# Manual pages and the changelog, compressed as Debian wants them (gzip -n:
# no time stamp, so the package is reproducible).
set(compressed)
foreach(page mcproxy.8 mcproxyctl.8 mcproxy.conf.5)
  add_custom_command(OUTPUT ${PROJECT_BINARY_DIR}/man/${page}.gz
                     COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
                     COMMAND gzip -9nc ${PROJECT_SOURCE_DIR}/doc/man/${page} > ${PROJECT_BINARY_DIR}/man/${page}.gz
                     DEPENDS ${PROJECT_SOURCE_DIR}/doc/man/${page} VERBATIM)
  list(APPEND compressed ${PROJECT_BINARY_DIR}/man/${page}.gz)
endforeach()
add_custom_command(OUTPUT ${PROJECT_BINARY_DIR}/doc/changelog.gz
                   COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/doc
                   COMMAND gzip -9nc ${PROJECT_SOURCE_DIR}/conf/debian/changelog > ${PROJECT_BINARY_DIR}/doc/changelog.gz
                   DEPENDS ${PROJECT_SOURCE_DIR}/conf/debian/changelog VERBATIM)
list(APPEND compressed ${PROJECT_BINARY_DIR}/doc/changelog.gz)
add_custom_target(mcproxy_install_files ALL DEPENDS ${compressed})

install(FILES ${PROJECT_BINARY_DIR}/man/mcproxy.8.gz ${PROJECT_BINARY_DIR}/man/mcproxyctl.8.gz
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
install(FILES ${PROJECT_BINARY_DIR}/man/mcproxy.conf.5.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
install(FILES ${PROJECT_SOURCE_DIR}/conf/debian/mcproxy.conf ${PROJECT_SOURCE_DIR}/conf/log4cplus.properties
        DESTINATION ${MCPROXY_CONFIG_DIR})
install(FILES ${PROJECT_BINARY_DIR}/conf/mcproxy.service DESTINATION ${MCPROXY_SYSTEMD_UNIT_DIR})
install(FILES ${PROJECT_SOURCE_DIR}/conf/mcproxyctl.bash-completion
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME mcproxyctl)
install(FILES ${PROJECT_SOURCE_DIR}/conf/debian/copyright ${PROJECT_BINARY_DIR}/doc/changelog.gz
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${PROJECT_SOURCE_DIR}/conf/iptv.conf ${PROJECT_SOURCE_DIR}/conf/two-instances.conf
              ${PROJECT_SOURCE_DIR}/conf/mldv2.conf ${PROJECT_SOURCE_DIR}/conf/pmipv6-mag.conf
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)

# The Debian package: mcproxy_VERSION_ARCH.deb.
set(CPACK_PACKAGE_NAME mcproxy)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "mcproxy maintainers <mcproxy@example.org>" CACHE STRING "the package's Maintainer")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "multicast proxy for IGMP and MLD (RFC 4605)")
set(CPACK_PACKAGE_DESCRIPTION
    "mcproxy is an IGMP/MLD proxy daemon: an IGMP or MLD querier towards its\ndownstream networks, a host towards its upstream, and it programs the\nkernel's multicast forwarding cache. IGMPv1/v2/v3 and MLDv1/v2, several\nproxy instances with their own kernel tables, filter tables, quick leave,\nand runtime control with mcproxyctl.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/mcproxy/mcproxy")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_STRIP_FILES ON)
# Everything under /etc is a conffile: kept on remove, asked about on upgrade.
set(conffiles ${PROJECT_BINARY_DIR}/debian/conffiles)
file(WRITE ${conffiles} "${MCPROXY_CONFIG_DIR}/mcproxy.conf\n${MCPROXY_CONFIG_DIR}/log4cplus.properties\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${conffiles} ${PROJECT_SOURCE_DIR}/conf/debian/postinst
    ${PROJECT_SOURCE_DIR}/conf/debian/prerm ${PROJECT_SOURCE_DIR}/conf/debian/postrm)
# Absolute destinations (/etc, /lib/systemd) go into the package, not the machine.
set(CPACK_SET_DESTDIR ON)
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_GENERATOR DEB)
include(CPack)
