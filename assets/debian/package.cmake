# package.cmake: `make deb`, the Debian package, with CPack (included at the
# end of the top-level CMakeLists.txt, after every install() rule).
#
# One package, qhall, holds the four programs and the assets: the library
# is static (each program carries what it uses), the programs share one
# database, one system user, one data directory and one /etc/qhall/hall.ini,
# and every PC of a hall needs the qhall CLI beside its screen (init,
# backups, checks) -- which already pulls in SDL, fontconfig and CUPS for
# the slips.  A package per program would save a counter PC espeak-ng and
# little else, and cost versions that must move in lockstep (README,
# "Packages, files").
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME qhall)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "qhall maintainers <qhall@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "queue-number system for government service halls")
# The long description (CPack puts the summary above it).
set(CPACK_PACKAGE_DESCRIPTION
"qhall issues queue numbers at a touchscreen kiosk (qhall-kiosk), calls
them at the staff's counters (qhall-counter, with the window's rating
pad) and shows and announces them on the hall's wall screen
(qhall-display); the qhall CLI sets the hall up, reports and keeps
backups.  The programs share one SQLite database or a PostgreSQL server.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Staged with DESTDIR and the prefix /usr, whatever the build was
# configured with, so the install(CODE) rule of hall.ini puts it in
# /etc/qhall, as on a real install.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
# Depends: the shared libraries' packages (dpkg-shlibdeps), and what the
# programs open at run time without linking it: the CJK fonts (found
# through fontconfig), espeak-ng's voices, adduser for postinst.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, fonts-noto-cjk, espeak-ng-data")
# lpstat and lp, to see and test the kiosk's printer (the programs print
# through libcups itself).
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "cups-client")
# postinst: the system user qhall and /var/lib/qhall (0750); conffiles:
# /etc/qhall/hall.ini, so an edited one is never overwritten; postrm: on
# purge only an empty /var/lib/qhall goes (the hall's records stay).
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_CURRENT_LIST_DIR}/postinst ${CMAKE_CURRENT_LIST_DIR}/postrm
    ${CMAKE_CURRENT_LIST_DIR}/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# Units go to /lib/systemd/system in the package, as Debian 12's systemd
# packages do, though `make install` puts them under the prefix.
set(CPACK_PRE_BUILD_SCRIPTS ${CMAKE_CURRENT_LIST_DIR}/stage.cmake)
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/deb)
include(CPack)
