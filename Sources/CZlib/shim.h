#ifndef SWIFT_SAML_CZLIB_SHIM_H
#define SWIFT_SAML_CZLIB_SHIM_H
#include <zlib.h>

/* deflateInit2/inflateInit2 are function-like macros: Swift cannot call them. */
static inline int cz_deflate_init_raw(z_streamp strm, int level) {
    return deflateInit2(strm, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
}
static inline int cz_inflate_init_raw(z_streamp strm) {
    return inflateInit2(strm, -15);
}
#endif
