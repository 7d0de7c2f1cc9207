/*
 * glyphs.h - the few non-letter symbols the console draws, in UTF-8 with
 * an ASCII fallback.
 *
 * Every glyph is exactly one terminal column in both sets, so widgets can
 * lay out columns without measuring them.  screen_init() picks the set
 * from the locale (CM_ASCII=1 forces ASCII); tests call glyphs_init().
 * Draw them with waddstr/mvwaddstr: they are NUL-terminated strings.
 * Nothing here touches ncurses.
 */
#ifndef CM_TUI_GLYPHS_H
#define CM_TUI_GLYPHS_H

#include <stdbool.h>

/* id, UTF-8, ASCII */
#define GLYPH_INFO(_) \
	_(HLINE,      "\u2500", "-") \
	_(VLINE,      "\u2502", "|") \
	_(ULCORNER,   "\u250c", "+") \
	_(URCORNER,   "\u2510", "+") \
	_(LLCORNER,   "\u2514", "+") \
	_(LRCORNER,   "\u2518", "+") \
	_(LTEE,       "\u251c", "+") \
	_(RTEE,       "\u2524", "+") \
	_(TTEE,       "\u252c", "+") \
	_(BTEE,       "\u2534", "+") \
	_(CROSS,      "\u253c", "+") \
	_(SELECT,     "\u25b6", ">") \
	_(CHANGE,     "\u25cf", "*") \
	_(SORT_UP,    "\u25b2", "^") \
	_(SORT_DOWN,  "\u25bc", "v") \
	_(ELLIPSIS,   "\u2026", "~") \
	_(BULLET,     "\u2022", "*") \
	_(SEV_DOT,    "\u25cf", "o") \
	_(SEV_EMPTY,  "\u25cb", ".") \
	_(CRUMB_SEP,  "\u203a", ">") \
	_(SPARK_0,    "\u2581", " ") \
	_(SPARK_1,    "\u2582", ".") \
	_(SPARK_2,    "\u2583", ":") \
	_(SPARK_3,    "\u2584", "-") \
	_(SPARK_4,    "\u2585", "=") \
	_(SPARK_5,    "\u2586", "+") \
	_(SPARK_6,    "\u2587", "*") \
	_(SPARK_7,    "\u2588", "#")

enum glyph {
#define GLYPH_ENUM(id, utf8, ascii) GLYPH_##id,
	GLYPH_INFO(GLYPH_ENUM)
#undef GLYPH_ENUM
	GLYPH_COUNT
};

/* Number of sparkline levels (GLYPH_SPARK_0 .. GLYPH_SPARK_7). */
#define GLYPH_SPARK_LEVELS 8

/* Choose the UTF-8 (true) or ASCII (false) set; ASCII until called. */
void glyphs_init(bool utf8);

/* True when the UTF-8 set is in use. */
bool glyphs_utf8(void);

/* The glyph's text in the current set: static, one column wide. */
const char *glyphs_get(enum glyph g);

/* Sparkline block for level 0..7 (larger levels clamp to 7). */
const char *glyphs_spark(unsigned level);

/*
 * Sparkline level 0..7 of value on a 0..max scale (max <= 0 or a
 * negative value gives 0), for glyphs_spark().
 */
unsigned glyphs_spark_level(double value, double max);

#endif
