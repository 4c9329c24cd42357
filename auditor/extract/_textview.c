/* The text view's tag stripping (auditor/extract/document.py, _strip_tags_re) in C.
 *
 * Same result as the two regular-expression passes, character for character (tests compare
 * both on the corpus and on random and hostile markup), in one linear walk per pass instead
 * of a regex attempt at every "<". Pass 1 turns block and table-cell tags into line breaks;
 * pass 2 removes comments, noise elements (script, style, ...) with their content, and every
 * other tag. Both work on markup[:end], which ends with the page's last ">".
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

static const char *BLOCK_TAGS[] = {
    "div", "li", "p", "td", "th", "tr", "ul", "table", "tbody", "h1", "h2", "h3", "h4", "h5", "h6",
    "br", "dd", "dt", "dl", "ol", "form", "body", "html", "title", "hr", "address", "article",
    "aside", "blockquote", "caption", "details", "fieldset", "figcaption", "figure", "footer",
    "header", "legend", "main", "nav", "option", "pre", "section", "summary", "tfoot", "thead", NULL};
static Py_ssize_t BLOCK_LENGTHS[sizeof BLOCK_TAGS / sizeof *BLOCK_TAGS];
static const char *NOISE_TAGS[] = {"script", "style", "noscript", "template", "select", "textarea", NULL};

/* \w of Python's re for str patterns (ASCII answered without the Unicode database) */
static int is_word(Py_UCS4 c) {
    if (c < 128) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    return Py_UNICODE_ISALNUM(c);
}


/* The walks below are written once over a character type (a macro "template"): pages are
 * walked in their own storage width (mostly UCS-2 for Chinese pages), without widening. */
#define DEFINE_WALKS(T, SFX)                                                                    \
/* s[0:n] is a block tag spelt lower-case, upper-case or capitalised (the spellings _BLOCK   \
 * knows): lowered into a small buffer once, then compared by length and bytes */            \
static int is_block_##SFX(const T *s, Py_ssize_t n) {                                           \
    char lowered[16];                                                                           \
    int lower = 1, up = 1, cap = 1;                                                             \
    if (n >= (Py_ssize_t)sizeof lowered) return 0;                                              \
    for (Py_ssize_t k = 0; k < n; k++) {                                                        \
        Py_UCS4 c = s[k];                                                                       \
        int l = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');                               \
        int u = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');                               \
        if (!l && !u) return 0;                                                                 \
        lower &= l;                                                                             \
        up &= u;                                                                                \
        cap &= k == 0 ? u : l;                                                                  \
        lowered[k] = (char)(u && c >= 'A' ? c - 'A' + 'a' : c);                                 \
    }                                                                                           \
    if (!(lower || up || cap)) return 0;                                                        \
    for (int t = 0; BLOCK_TAGS[t]; t++)                                                         \
        if (BLOCK_LENGTHS[t] == n && BLOCK_TAGS[t][0] == lowered[0]                             \
            && memcmp(BLOCK_TAGS[t], lowered, (size_t)n) == 0) return 1;                        \
    return 0;                                                                                   \
}                                                                                               \
static int any_case_##SFX(const T *s, Py_ssize_t n, const char *word) {                         \
    if ((size_t)n != strlen(word)) return 0;                                                    \
    for (Py_ssize_t k = 0; k < n; k++) {                                                        \
        Py_UCS4 c = s[k];                                                                       \
        if (c >= 'A' && c <= 'Z') c += 'a' - 'A';                                               \
        if (c != (Py_UCS4)word[k]) return 0;                                                    \
    }                                                                                           \
    return 1;                                                                                   \
}                                                                                               \
static Py_ssize_t find_char_##SFX(const T *s, Py_ssize_t from, Py_ssize_t n, Py_UCS4 c) {      \
    for (Py_ssize_t i = from; i < n; i++)                                                       \
        if (s[i] == c) return i;                                                                \
    return -1;                                                                                  \
}                                                                                               \
/* the first "</name" (any case) at or after `from` */                                          \
static Py_ssize_t find_close_##SFX(const T *s, Py_ssize_t from, Py_ssize_t n, const char *name) { \
    Py_ssize_t len = (Py_ssize_t)strlen(name);                                                  \
    for (Py_ssize_t i = from; i + 1 + len < n; i++)                                             \
        if (s[i] == '<' && s[i + 1] == '/' && any_case_##SFX(s + i + 2, len, name)) return i;   \
    return -1;                                                                                  \
}                                                                                               \
static Py_ssize_t word_end_##SFX(const T *s, Py_ssize_t from, Py_ssize_t n) {                   \
    while (from < n && is_word(s[from])) from++;                                                \
    return from;                                                                                \
}                                                                                               \
/* pass 1: </?BLOCK\b[^>]*> becomes "\n" */                                                     \
static Py_ssize_t block_breaks_##SFX(const T *s, Py_ssize_t n, T *out) {                        \
    Py_ssize_t o = 0, i = 0;                                                                    \
    while (i < n) {                                                                             \
        if (s[i] == '<') {                                                                      \
            Py_ssize_t j = i + 1 < n && s[i + 1] == '/' ? i + 2 : i + 1;                        \
            Py_ssize_t k = word_end_##SFX(s, j, n);                                             \
            if (k > j) {                                                                        \
                if (is_block_##SFX(s + j, k - j)) {                                             \
                    Py_ssize_t gt = find_char_##SFX(s, k, n, '>');                              \
                    if (gt >= 0) {                                                              \
                        out[o++] = '\n';                                                        \
                        i = gt + 1;                                                             \
                        continue;                                                               \
                    }                                                                           \
                }                                                                               \
            }                                                                                   \
        }                                                                                       \
        out[o++] = s[i++];                                                                      \
    }                                                                                           \
    return o;                                                                                   \
}                                                                                               \
/* pass 2: comments and noise elements go with their content, other tags alone */               \
static Py_ssize_t strip_##SFX(const T *s, Py_ssize_t n, T *out) {                               \
    Py_ssize_t o = 0, i = 0, last_gt = n - 1;                                                   \
    while (last_gt >= 0 && s[last_gt] != '>') last_gt--;                                        \
    while (i < n) {                                                                             \
        if (s[i] != '<') {                                                                      \
            out[o++] = s[i++];                                                                  \
            continue;                                                                           \
        }                                                                                       \
        if (i + 3 < n && s[i + 1] == '!' && s[i + 2] == '-' && s[i + 3] == '-') {               \
            Py_ssize_t e = i + 4;                                                               \
            while (e + 2 < n && !(s[e] == '-' && s[e + 1] == '-' && s[e + 2] == '>')) e++;      \
            i = e + 2 < n ? e + 3 : n;                                                          \
            continue;                                                                           \
        }                                                                                       \
        Py_ssize_t j = i + 1, k = word_end_##SFX(s, j, n);                                      \
        if (k > j) {                                                                            \
            for (const char **tag = NOISE_TAGS; *tag; tag++) {                                  \
                if (any_case_##SFX(s + j, k - j, *tag)) {                                       \
                    Py_ssize_t close = find_close_##SFX(s, k, n, *tag);                         \
                    if (close < 0) {                                                            \
                        i = n;                                                                  \
                    } else {                                                                    \
                        Py_ssize_t gt = find_char_##SFX(s, close + 2 + (Py_ssize_t)strlen(*tag), n, '>'); \
                        i = gt < 0 ? n : gt + 1;                                                \
                    }                                                                           \
                    goto next;                                                                  \
                }                                                                               \
            }                                                                                   \
        }                                                                                       \
        if (j < n && last_gt > j) {                                                             \
            Py_UCS4 c = s[j];                                                                   \
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '/' || c == '!' || c == '?') { \
                i = find_char_##SFX(s, j + 1, n, '>') + 1;                                      \
                continue;                                                                       \
            }                                                                                   \
        }                                                                                       \
        out[o++] = s[i++];                                                                      \
    next:;                                                                                      \
    }                                                                                           \
    return o;                                                                                   \
}                                                                                               \
static PyObject *walk_##SFX(const T *text, Py_ssize_t end, int lines, int kind) {               \
    T *work = PyMem_New(T, end + 1), *out = lines ? PyMem_New(T, end + 1) : work;               \
    if (!work || !out) {                                                                        \
        PyMem_Free(work);                                                                       \
        if (lines) PyMem_Free(out);                                                             \
        return PyErr_NoMemory();                                                                \
    }                                                                                           \
    Py_ssize_t length;                                                                          \
    if (lines)                                                                                  \
        length = strip_##SFX(work, block_breaks_##SFX(text, end, work), out);                   \
    else                                                                                        \
        length = strip_##SFX(text, end, work);                                                  \
    PyObject *result = PyUnicode_FromKindAndData(kind, out, length);                            \
    PyMem_Free(work);                                                                           \
    if (lines) PyMem_Free(out);                                                                 \
    return result;                                                                              \
}

DEFINE_WALKS(Py_UCS1, 1)
DEFINE_WALKS(Py_UCS2, 2)
DEFINE_WALKS(Py_UCS4, 4)

static PyObject *strip_tags(PyObject *self, PyObject *args) {
    PyObject *markup;
    Py_ssize_t end;
    int lines;
    if (!PyArg_ParseTuple(args, "Unp", &markup, &end, &lines) || PyUnicode_READY(markup) < 0) return NULL;
    if (end < 0 || end > PyUnicode_GET_LENGTH(markup)) {
        PyErr_SetString(PyExc_ValueError, "end out of range");
        return NULL;
    }
    const void *data = PyUnicode_DATA(markup);
    switch (PyUnicode_KIND(markup)) {
    case PyUnicode_1BYTE_KIND: return walk_1((const Py_UCS1 *)data, end, lines, PyUnicode_1BYTE_KIND);
    case PyUnicode_2BYTE_KIND: return walk_2((const Py_UCS2 *)data, end, lines, PyUnicode_2BYTE_KIND);
    default: return walk_4((const Py_UCS4 *)data, end, lines, PyUnicode_4BYTE_KIND);
    }
}

static PyMethodDef methods[] = {
    {"strip_tags", strip_tags, METH_VARARGS,
     "strip_tags(markup, end, lines) -> markup[:end] with block tags as line breaks (if lines) and "
     "every other tag, comment and noise element removed."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_textview", NULL, -1, methods};

static PyObject *names(const char **list) {
    PyObject *tuple = PyTuple_New(0);
    for (int t = 0; tuple && list[t]; t++) {
        PyObject *name = PyUnicode_FromString(list[t]);
        if (!name || _PyTuple_Resize(&tuple, t + 1) < 0) {
            Py_XDECREF(name);
            Py_XDECREF(tuple);
            return NULL;
        }
        PyTuple_SET_ITEM(tuple, t, name);
    }
    return tuple;
}

/* The tag lists are exported so that a test holds them equal to document.py's. */
PyMODINIT_FUNC PyInit__textview(void) {
    for (int t = 0; BLOCK_TAGS[t]; t++) BLOCK_LENGTHS[t] = (Py_ssize_t)strlen(BLOCK_TAGS[t]);
    PyObject *m = PyModule_Create(&module);
    const char **lists[] = {BLOCK_TAGS, NOISE_TAGS};
    const char *attributes[] = {"BLOCK_TAGS", "NOISE_TAGS"};
    for (int i = 0; m && i < 2; i++) {
        PyObject *tuple = names(lists[i]);
        if (!tuple || PyModule_AddObjectRef(m, attributes[i], tuple) < 0) {
            Py_XDECREF(tuple);
            Py_CLEAR(m);
            break;
        }
        Py_DECREF(tuple);
    }
    return m;
}
