/*
 * Compiled twin of egov_core.ingest._tsvector.tsvector_binary_py: a search unit's uni+bigram tokens as
 * PostgreSQL's binary tsvector (what tsvectorsend writes and COPY ... (FORMAT binary) reads).
 *
 * Import spends most of its Python CPU on these tokens (every character yields two); here they cost a
 * few nanoseconds each. The output is byte for byte the pure-Python one (a test compares both on real
 * statutes), so an install without a compiler stores the same values, only more slowly.
 *
 * Layout (tsvectorrecv): int32 lexeme count; per lexeme, in PostgreSQL's order (bytewise, a prefix
 * first, i.e. code point order), its UTF-8 bytes, NUL, uint16 position count, that many uint16
 * positions (ascending, weight bits 0). At most 256 positions per lexeme: the text input keeps the
 * first 256 and binary input refuses more. All integers big-endian.
 *
 * configure(breaks, folds) is called once at import with the Python module's break characters and
 * old-style kanji folds, so both implementations read one definition.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_POSITIONS 256 /* PostgreSQL's MAXNUMPOS */
#define MAX_TEXT 16383    /* PostgreSQL's MAXENTRYPOS - 1: callers slice longer texts */
#define BMP 0x10000

static uint8_t is_break[BMP];  /* 1: the character never starts or ends a token */
static Py_UCS4 fold[BMP];      /* the character itself, or its folded (current) form */
static int configured = 0;

/* Sort ascending: an inlined quicksort (median of three) over insertion sort for short runs; a
 * unit's few hundred occurrences sort several times faster than through qsort's comparator calls. */
static void
sort_u64(uint64_t *v, Py_ssize_t n)
{
    while (n > 24) {
        uint64_t a = v[0], b = v[n / 2], c = v[n - 1];
        uint64_t pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
        Py_ssize_t i = 0, j = n - 1;
        for (;;) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i >= j)
                break;
            uint64_t t = v[i];
            v[i] = v[j];
            v[j] = t;
            i++;
            j--;
        }
        /* Recurse into the smaller part, loop on the larger: stack depth stays logarithmic. */
        Py_ssize_t left = j + 1;
        if (left < n - left) {
            sort_u64(v, left);
            v += left;
            n -= left;
        } else {
            sort_u64(v + left, n - left);
            n = left;
        }
    }
    for (Py_ssize_t i = 1; i < n; i++) {
        uint64_t x = v[i];
        Py_ssize_t j = i - 1;
        while (j >= 0 && v[j] > x) {
            v[j + 1] = v[j];
            j--;
        }
        v[j + 1] = x;
    }
}

static inline int
utf8_len(Py_UCS4 c)
{
    return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
}

static inline char *
put_utf8(char *p, Py_UCS4 c)
{
    if (c < 0x80) {
        *p++ = (char)c;
    } else if (c < 0x800) {
        *p++ = (char)(0xC0 | (c >> 6));
        *p++ = (char)(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        *p++ = (char)(0xE0 | (c >> 12));
        *p++ = (char)(0x80 | ((c >> 6) & 0x3F));
        *p++ = (char)(0x80 | (c & 0x3F));
    } else {
        *p++ = (char)(0xF0 | (c >> 18));
        *p++ = (char)(0x80 | ((c >> 12) & 0x3F));
        *p++ = (char)(0x80 | ((c >> 6) & 0x3F));
        *p++ = (char)(0x80 | (c & 0x3F));
    }
    return p;
}

static inline char *
put_u16(char *p, unsigned v)
{
    *p++ = (char)((v >> 8) & 0xFF);
    *p++ = (char)(v & 0xFF);
    return p;
}

/*
 * A token occurrence packed in one integer, so one sort orders lexemes as PostgreSQL does and each
 * lexeme's positions ascending: first character (21 bits), second character + 1 (0 for a unigram, so a
 * unigram sorts before every bigram it starts; 21 bits), position (14 bits).
 */
#define KEY(a, b1) (((uint64_t)(a) << 21 | (uint64_t)(b1)) << 14)
#define LEXEME(x) ((x) >> 14)
#define POSITION(x) ((unsigned)((x) & 0x3FFF))

static PyObject *
tsvector_binary(PyObject *self, PyObject *arg)
{
    if (!configured) {
        PyErr_SetString(PyExc_RuntimeError, "_ctsvector.configure() was not called");
        return NULL;
    }
    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "tsvector_binary() takes a str");
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(arg);
    if (n > MAX_TEXT) {
        PyErr_SetString(PyExc_ValueError, "text longer than 16383 characters (slice it first)");
        return NULL;
    }
    int kind = PyUnicode_KIND(arg);
    const void *data = PyUnicode_DATA(arg);
    uint64_t stack[1024];
    uint64_t *occ = stack;
    if (2 * n > (Py_ssize_t)(sizeof(stack) / sizeof(stack[0]))) {
        occ = PyMem_Malloc(sizeof(uint64_t) * (size_t)(2 * n));
        if (occ == NULL)
            return PyErr_NoMemory();
    }
    Py_ssize_t m = 0;
    Py_UCS4 prev = 0;
    int have_prev = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c < BMP) {
            if (is_break[c]) {
                have_prev = 0;
                continue;
            }
            c = fold[c];
        }
        occ[m++] = KEY(c, 0) | (uint64_t)(i + 1);
        if (have_prev)
            occ[m++] = KEY(prev, (uint64_t)c + 1) | (uint64_t)i;
        prev = c;
        have_prev = 1;
    }
    sort_u64(occ, m);

    /* Size first, then one allocation. */
    Py_ssize_t size = 4, lexemes = 0;
    for (Py_ssize_t i = 0; i < m;) {
        uint64_t lex = LEXEME(occ[i]);
        Py_ssize_t j = i;
        while (j < m && LEXEME(occ[j]) == lex)
            j++;
        Py_ssize_t npos = j - i < MAX_POSITIONS ? j - i : MAX_POSITIONS;
        Py_UCS4 a = (Py_UCS4)(lex >> 21), b1 = (Py_UCS4)(lex & 0x1FFFFF);
        size += utf8_len(a) + (b1 ? utf8_len(b1 - 1) : 0) + 1 + 2 + 2 * npos;
        lexemes++;
        i = j;
    }
    PyObject *out = PyBytes_FromStringAndSize(NULL, size);
    if (out == NULL) {
        if (occ != stack)
            PyMem_Free(occ);
        return NULL;
    }
    char *p = PyBytes_AS_STRING(out);
    *p++ = (char)((lexemes >> 24) & 0xFF);
    *p++ = (char)((lexemes >> 16) & 0xFF);
    *p++ = (char)((lexemes >> 8) & 0xFF);
    *p++ = (char)(lexemes & 0xFF);
    for (Py_ssize_t i = 0; i < m;) {
        uint64_t lex = LEXEME(occ[i]);
        Py_ssize_t j = i;
        while (j < m && LEXEME(occ[j]) == lex)
            j++;
        Py_ssize_t npos = j - i < MAX_POSITIONS ? j - i : MAX_POSITIONS;
        Py_UCS4 a = (Py_UCS4)(lex >> 21), b1 = (Py_UCS4)(lex & 0x1FFFFF);
        p = put_utf8(p, a);
        if (b1)
            p = put_utf8(p, b1 - 1);
        *p++ = 0;
        p = put_u16(p, (unsigned)npos);
        for (Py_ssize_t k = i; k < i + npos; k++)
            p = put_u16(p, POSITION(occ[k]));
        i = j;
    }
    if (occ != stack)
        PyMem_Free(occ);
    return out;
}

static PyObject *
configure(PyObject *self, PyObject *args)
{
    PyObject *breaks, *folds;
    if (!PyArg_ParseTuple(args, "UO!:configure", &breaks, &PyDict_Type, &folds))
        return NULL;
    memset(is_break, 0, sizeof(is_break));
    for (Py_UCS4 c = 0; c < BMP; c++)
        fold[c] = c;
    Py_ssize_t n = PyUnicode_GET_LENGTH(breaks);
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ_CHAR(breaks, i);
        if (c >= BMP) {
            PyErr_SetString(PyExc_ValueError, "break characters must lie in the BMP");
            return NULL;
        }
        is_break[c] = 1;
    }
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    while (PyDict_Next(folds, &pos, &key, &value)) {
        long from = PyLong_AsLong(key);
        if (from == -1 && PyErr_Occurred())
            return NULL;
        if (!PyUnicode_Check(value) || PyUnicode_GET_LENGTH(value) != 1 || from < 0 || from >= BMP) {
            PyErr_SetString(PyExc_ValueError, "folds map a BMP code point to one character");
            return NULL;
        }
        Py_UCS4 to = PyUnicode_READ_CHAR(value, 0);
        if (to >= BMP || is_break[to] || is_break[from]) {
            PyErr_SetString(PyExc_ValueError, "a fold must not involve a break character");
            return NULL;
        }
        fold[from] = to;
    }
    configured = 1;
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"tsvector_binary", tsvector_binary, METH_O,
     "tsvector_binary(text) -> bytes: the binary tsvector of NFKC-normalised, lower-cased text "
     "(old-style kanji are folded here)."},
    {"configure", configure, METH_VARARGS, "configure(breaks, folds): the break characters and kanji folds."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_ctsvector", NULL, -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC
PyInit__ctsvector(void)
{
    return PyModule_Create(&module);
}
