# stage.cmake: CPack runs it on the staged tree before it packs it
# (CPACK_PRE_BUILD_SCRIPTS): systemd units installed under the prefix
# (usr/lib/systemd/system) move to lib/systemd/system.
set(root "${CPACK_TEMPORARY_INSTALL_DIRECTORY}")
if(EXISTS "${root}/usr/lib/systemd/system")
  file(MAKE_DIRECTORY "${root}/lib/systemd")
  file(RENAME "${root}/usr/lib/systemd/system" "${root}/lib/systemd/system")
  foreach(d usr/lib/systemd usr/lib)
    file(GLOB left "${root}/${d}/*")
    if(NOT left)
      file(REMOVE_RECURSE "${root}/${d}")
    endif()
  endforeach()
endif()
