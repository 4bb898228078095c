// The system's libgpiod (1.6 with the v1 API on Debian 12, or 2.x with the v2 API), found
// through pkg-config. Only the CGpiod facade includes it; Swift code never sees its types.
#include <gpiod.h>
