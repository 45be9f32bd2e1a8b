/*
 * header_alone.c: each public header compiles on its own, first in its
 * translation unit (built once per header, as C11 and as C++; see
 * tests/meson.build), and its version macro matches the library's.
 */
#include HEADER
#include HEADER /* twice: the include guard works */

#include <shellsim.h>

int main(void)
{
    return shellsim_version_number() == SHELLSIM_VERSION_NUMBER ? 0 : 1;
}
