/* assets.c: the default hall INI, the sample catalogue and the national
 * rating export map, compiled into
 * the conf floor so that `qhall` and `make demo` work on a machine where nothing
 * is installed.  QH_ASSET_DIR comes from the build; each blob gets a
 * trailing NUL so it can be used as a C string. */
#include "qh/conf.h"

#ifndef QH_ASSET_DIR
#error "QH_ASSET_DIR must name the assets/ directory"
#endif

__asm__(".section .rodata\n"
        ".global qh_asset_hall_ini\n"
        ".type qh_asset_hall_ini, @object\n"
        "qh_asset_hall_ini:\n"
        ".incbin \"" QH_ASSET_DIR "/hall.ini\"\n"
        ".byte 0\n"
        ".size qh_asset_hall_ini, . - qh_asset_hall_ini\n"
        ".global qh_asset_services_csv\n"
        ".type qh_asset_services_csv, @object\n"
        "qh_asset_services_csv:\n"
        ".incbin \"" QH_ASSET_DIR "/services.csv\"\n"
        ".byte 0\n"
        ".size qh_asset_services_csv, . - qh_asset_services_csv\n"
        ".global qh_asset_gbt39046_map\n"
        ".type qh_asset_gbt39046_map, @object\n"
        "qh_asset_gbt39046_map:\n"
        ".incbin \"" QH_ASSET_DIR "/export/gbt39046.map\"\n"
        ".byte 0\n"
        ".size qh_asset_gbt39046_map, . - qh_asset_gbt39046_map\n"
        ".previous\n");
