/* floor.c: the one source of each floor's link check (common/CMakeLists.txt):
 * the floor itself comes in whole from its archive, so this file only has
 * to exist. */
extern int qh_floor_check_unit;
int qh_floor_check_unit;
