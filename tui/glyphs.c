/*
 * glyphs.c - the UTF-8 and ASCII glyph sets.  See glyphs.h.
 *
 * A process draws with one set, chosen once at start-up, so the choice
 * is a static flag rather than something passed to every draw call.
 */
#include "config.h"

#include "tui/glyphs.h"

static const char *const glyph_utf8[GLYPH_COUNT] = {
#define GLYPH_UTF8(id, utf8, ascii) [GLYPH_##id] = utf8,
	GLYPH_INFO(GLYPH_UTF8)
#undef GLYPH_UTF8
};

static const char *const glyph_ascii[GLYPH_COUNT] = {
#define GLYPH_ASCII(id, utf8, ascii) [GLYPH_##id] = ascii,
	GLYPH_INFO(GLYPH_ASCII)
#undef GLYPH_ASCII
};

static bool glyph_use_utf8;

void
glyphs_init(bool utf8)
{
	glyph_use_utf8 = utf8;
}

bool
glyphs_utf8(void)
{
	return glyph_use_utf8;
}

const char *
glyphs_get(enum glyph g)
{
	if ((int)g < 0 || g >= GLYPH_COUNT)
		return "?";
	return glyph_use_utf8 ? glyph_utf8[g] : glyph_ascii[g];
}

const char *
glyphs_spark(unsigned level)
{
	if (level >= GLYPH_SPARK_LEVELS)
		level = GLYPH_SPARK_LEVELS - 1;
	return glyphs_get((enum glyph)(GLYPH_SPARK_0 + level));
}

unsigned
glyphs_spark_level(double value, double max)
{
	double level;

	/* "!(x > 0)" also catches NaN. */
	if (!(max > 0) || !(value > 0))
		return 0;
	if (value >= max)
		return GLYPH_SPARK_LEVELS - 1;
	level = value / max * GLYPH_SPARK_LEVELS;
	if (level >= GLYPH_SPARK_LEVELS - 1)
		return GLYPH_SPARK_LEVELS - 1;
	return (unsigned)level;
}
