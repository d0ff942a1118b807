# Windows packages with CPack, from the build tree of the `windows` preset:
#
#   cmake --build build/windows
#   (cd build/windows && cpack -G NSIS)   # nixtray-<version>-win64.exe, needs makensis (Debian: nsis)
#   (cd build/windows && cpack -G ZIP)    # nixtray-<version>-win64.zip, the same files, no installer
#
# The installer (resources/windows/nsis/NSIS.template.in) is 64-bit, installs per machine to
# "C:\Program Files\nixtray" (no version in the path, so upgrades land in place and the Run value
# stays valid), adds the Start-menu shortcut "nixtray" carrying the AppUserModelID below, and
# optionally the HKCU Run value (/AUTOSTART=1). Its uninstaller removes exactly that and leaves the
# user's settings alone.
#
# The AppUserModelID is set on the shortcut by the installer, not left to wxWidgets'
# wxNotificationMessage::MSWUseToasts(shortcut, appId): in wx 3.2 that needs wxUSE_WINRT, which
# the MinGW build of wxMSW does not have (it always returns false there); and where it works it
# rewrites a shortcut whose ID is missing or different, which a non-elevated tray cannot do to a
# shortcut in the all-users Start menu. With the ID already on the shortcut, wx (or the tray's own
# SetCurrentProcessExplicitAppUserModelID) only has to name the same ID.
if(NOT WIN32)
  return()
endif()

set(CPACK_PACKAGE_NAME nixtray)
set(CPACK_PACKAGE_VENDOR "The nixtray authors")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_FILE_NAME nixtray-${PROJECT_VERSION}-win64)
set(CPACK_PACKAGE_INSTALL_DIRECTORY nixtray)
set(CPACK_PACKAGE_INSTALL_REGISTRY_KEY nixtray)
set(CPACK_GENERATOR NSIS ZIP)
set(CPACK_STRIP_FILES ON)

# Our template, found before CMake's own (resources/windows/nsis/NSIS.template.in).
set(CPACK_MODULE_PATH ${PROJECT_SOURCE_DIR}/resources/windows/nsis)
set(CPACK_NSIS_PACKAGE_NAME nixtray)
set(CPACK_NSIS_DISPLAY_NAME nixtray)
set(CPACK_NSIS_INSTALL_ROOT "$PROGRAMFILES64")
# Variables of our own template (CPack substitutes every CPACK_* variable).
set(CPACK_NIXTRAY_APP_USER_MODEL_ID nixtray.nixtray)
set(CPACK_NIXTRAY_VERSION_4 ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR}.0.0)
if(NOT PROJECT_VERSION_PATCH STREQUAL "")
  set(CPACK_NIXTRAY_VERSION_4 ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR}.${PROJECT_VERSION_PATCH}.0)
endif()

include(CPack)
