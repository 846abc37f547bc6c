#define _GNU_SOURCE 1  /* memmem */
#include "cxmlsec_shims.h"
#include <string.h>

/*
 * The markup scan: one pass over the raw bytes before libxml2 parses them, counting what libxml2 and xmlsec spend
 * per-node work on, and stopping at the first bound exceeded. Linear (every byte is looked at a bounded number of
 * times; memchr/memmem find delimiters) and allocation-free (the namespace scopes live in a fixed array on the
 * stack: libxml2 refuses more than 256 open elements anyway, and so does this scan).
 *
 * It reads just enough XML to count, and gives up (returning OK) at anything it does not expect — a DOCTYPE, a
 * malformed tag, an unterminated comment —: such a document is not well-formed or is refused by the parser, which
 * then stops at or before the same place. So the scan never decides a document is fine that the parser reads
 * differently where it matters, and never refuses one for its syntax (that is the parser's error to report).
 */

#define SCAN_MAX_OPEN 256

static inline int is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* The first `c` at or after b[j] (n when none): most spans in markup are a few bytes, where a memchr call costs more
   than the search, so the first 32 bytes are searched inline (16 at a time with SSE2), the rest with memchr. */
static inline size_t find(const unsigned char *b, size_t n, size_t j, unsigned char c) {
#if defined(__SSE2__)
    const __m128i needle = _mm_set1_epi8((char)c);
    for (int k = 0; k < 2 && j + 16 <= n; k++, j += 16) {
        int mask = _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(b + j)), needle));
        if (mask != 0) return j + (size_t)__builtin_ctz((unsigned)mask);
    }
#else
    size_t stop = n - j > 32 ? j + 32 : n;
    for (; j < stop; j++) if (b[j] == c) return j;
#endif
    if (j >= n) return n;
    const unsigned char *p = memchr(b + j, c, n - j);   /* long text and values: the C library's widest search */
    return p == NULL ? n : (size_t)(p - b);
}

/* Bytes that end a name in a tag: XML white space, '=', '>', '/', quotes; also every other control byte (none may
   appear in a name: the parser refuses them). */
static const unsigned char ends_name[256] = {
    [0] = 1, [1] = 1, [2] = 1, [3] = 1, [4] = 1, [5] = 1, [6] = 1, [7] = 1, [8] = 1, [9] = 1, [10] = 1, [11] = 1,
    [12] = 1, [13] = 1, [14] = 1, [15] = 1, [16] = 1, [17] = 1, [18] = 1, [19] = 1, [20] = 1, [21] = 1, [22] = 1,
    [23] = 1, [24] = 1, [25] = 1, [26] = 1, [27] = 1, [28] = 1, [29] = 1, [30] = 1, [31] = 1, [' '] = 1,
    ['='] = 1, ['>'] = 1, ['/'] = 1, ['"'] = 1, ['\''] = 1,
};

/* The end of the name starting at b[j]: the first byte in `ends_name` (n when none), 16 bytes at a time with SSE2. */
static inline size_t name_end(const unsigned char *b, size_t n, size_t j) {
#if defined(__SSE2__)
    const __m128i space = _mm_set1_epi8(' '), eq = _mm_set1_epi8('='), gt = _mm_set1_epi8('>'), slash = _mm_set1_epi8('/');
    const __m128i dq = _mm_set1_epi8('"'), sq = _mm_set1_epi8('\'');
    for (; j + 16 <= n; j += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(b + j));
        __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(x, space), x);            /* x <= ' ' (unsigned) */
        __m128i hit = _mm_or_si128(_mm_or_si128(control, _mm_cmpeq_epi8(x, eq)),
                                   _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, gt), _mm_cmpeq_epi8(x, slash)),
                                                _mm_or_si128(_mm_cmpeq_epi8(x, dq), _mm_cmpeq_epi8(x, sq))));
        int mask = _mm_movemask_epi8(hit);
        if (mask != 0) return j + (size_t)__builtin_ctz((unsigned)mask);
    }
#endif
    while (j < n && !ends_name[b[j]]) j++;
    return j;
}

static inline size_t skip_spaces(const unsigned char *b, size_t n, size_t j) {
    while (j < n && is_space(b[j])) j++;
    return j;
}

int cxmlsec_scan_markup(const unsigned char *b, size_t n, const cxmlsec_markup_limits *limits) {
    /* declared[d]: namespace declarations on the open element at depth d + 1. */
    int declared[SCAN_MAX_OPEN];
    long nodes = 0;
    long inScope = 0;
    int depth = 0;
    int maxDepth = limits->maxDepth < SCAN_MAX_OPEN ? limits->maxDepth : SCAN_MAX_OPEN;
    size_t i = 0;
    while (i < n) {
        size_t lt = find(b, n, i, '<');
        if (lt >= n) break;
        i = lt + 1;
        if (i >= n) break;
        unsigned char c = b[i];

        if (c == '?' || c == '!') {                         /* PI (and the XML declaration), comment, CDATA */
            const char *end = "?>";
            size_t endLength = 2, skip = 1;
            if (c == '!') {
                if (n - i >= 3 && b[i + 1] == '-' && b[i + 2] == '-') { end = "-->"; endLength = 3; skip = 3; }
                else if (n - i >= 8 && memcmp(b + i, "![CDATA[", 8) == 0) { end = "]]>"; endLength = 3; skip = 8; }
                else return CXMLSEC_MARKUP_OK;              /* DOCTYPE or worse: the parser refuses it */
            }
            if (n - i < skip) return CXMLSEC_MARKUP_OK;
            const unsigned char *e = memmem(b + i + skip, n - i - skip, end, endLength);
            if (e == NULL) return CXMLSEC_MARKUP_OK;
            i = (size_t)(e - b) + endLength;
            if (++nodes > limits->maxNodes) return CXMLSEC_MARKUP_NODES;
            continue;
        }

        if (c == '/') {                 /* end tag: no '<' inside, so the search for the next one skips the rest */
            if (depth == 0) return CXMLSEC_MARKUP_OK;
            depth--;
            inScope -= declared[depth];
            i++;
            continue;
        }

        /* start tag: the name, then name="value" pairs, then > or /> */
        size_t j = i;
        j = name_end(b, n, j);
        if (j == i) return CXMLSEC_MARKUP_OK;
        int attributes = 0, namespaces = 0, selfClosing = 0;
        for (;;) {
            j = skip_spaces(b, n, j);
            if (j >= n) return CXMLSEC_MARKUP_OK;
            if (b[j] == '>') { j++; break; }
            if (b[j] == '/') {
                if (j + 1 < n && b[j + 1] == '>') { selfClosing = 1; j += 2; break; }
                return CXMLSEC_MARKUP_OK;
            }
            size_t start = j;
            j = name_end(b, n, j);
            size_t length = j - start;
            if (length == 0) return CXMLSEC_MARKUP_OK;
            if (j < n && b[j] != '=') j = skip_spaces(b, n, j);
            if (j >= n || b[j] != '=') return CXMLSEC_MARKUP_OK;
            j++;
            if (j < n && b[j] != '"' && b[j] != '\'') j = skip_spaces(b, n, j);
            if (j >= n || (b[j] != '"' && b[j] != '\'')) return CXMLSEC_MARKUP_OK;
            size_t close = find(b, n, j + 1, b[j]);
            if (close >= n) return CXMLSEC_MARKUP_OK;
            j = close + 1;
            if ((length == 5 && memcmp(b + start, "xmlns", 5) == 0) || (length > 6 && memcmp(b + start, "xmlns:", 6) == 0)) {
                if (++namespaces > limits->maxNamespacesPerElement) return CXMLSEC_MARKUP_NAMESPACES;
                if (inScope + namespaces > limits->maxNamespacesInScope) return CXMLSEC_MARKUP_NAMESPACES_IN_SCOPE;
            } else if (++attributes > limits->maxAttributesPerElement) {
                return CXMLSEC_MARKUP_ATTRIBUTES;
            }
            if (nodes + 1 + attributes + namespaces > limits->maxNodes) return CXMLSEC_MARKUP_NODES;
        }
        nodes += 1 + attributes + namespaces;
        if (nodes > limits->maxNodes) return CXMLSEC_MARKUP_NODES;
        if (depth + 1 > maxDepth) return CXMLSEC_MARKUP_DEPTH;
        if (!selfClosing) {
            declared[depth] = namespaces;
            inScope += namespaces;
            depth++;
        }
        i = j;
    }
    return CXMLSEC_MARKUP_OK;
}
