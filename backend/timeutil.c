/*
 * timeutil.c - epoch milliseconds and RFC 3339 text.  See timeutil.h.
 *
 * The calendar arithmetic is done by hand (days from civil date and back,
 * proleptic Gregorian) so that neither direction depends on the process
 * time zone, the locale or a libc's timegm().  Formatting always writes UTC
 * with exactly three fraction digits.  Parsing follows the RFC 3339
 * date-time grammar: a 'T' (or 't') between date and time, seconds
 * required, any number of fraction digits (truncated to milliseconds), and
 * 'Z' or a numeric offset.  It does not accept leap seconds (":60"),
 * ISO 8601 variants (no separators, week dates, a space instead of 'T') or
 * years outside 0000-9999.
 */
#include "config.h"

#include "timeutil.h"

#include <stdbool.h>
#include <string.h>
#include <time.h>

/* 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z in epoch ms. */
#define TIME_MIN_MS INT64_C(-62167219200000)
#define TIME_MAX_MS INT64_C(253402300799999)

#define MS_PER_DAY INT64_C(86400000)

int64_t
time_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
time_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t
time_days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Inverse of time_days_from_civil. */
static void
time_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static bool
time_is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
time_days_in_month(int64_t y, int m)
{
	static const int days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m == 2 && time_is_leap(y))
		return 29;
	return days[m - 1];
}

/* Write v as exactly n decimal digits at p (v fits, v >= 0). */
static char *
time_put_digits(char *p, int64_t v, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + n;
}

void
time_format_rfc3339(int64_t ms, char out[TIME_RFC3339_LEN])
{
	int64_t days, rem, y;
	int m, d;
	char *p = out;

	/* Four-digit years only: clamp rather than print a bad string. */
	if (ms < TIME_MIN_MS)
		ms = TIME_MIN_MS;
	if (ms > TIME_MAX_MS)
		ms = TIME_MAX_MS;
	days = ms / MS_PER_DAY;
	rem = ms % MS_PER_DAY;
	if (rem < 0) {
		rem += MS_PER_DAY;
		days--;
	}
	time_civil_from_days(days, &y, &m, &d);
	/* Digits by hand: fixed width, no locale, nothing to truncate. */
	p = time_put_digits(p, y, 4);
	*p++ = '-';
	p = time_put_digits(p, m, 2);
	*p++ = '-';
	p = time_put_digits(p, d, 2);
	*p++ = 'T';
	p = time_put_digits(p, rem / 3600000, 2);
	*p++ = ':';
	p = time_put_digits(p, rem / 60000 % 60, 2);
	*p++ = ':';
	p = time_put_digits(p, rem / 1000 % 60, 2);
	*p++ = '.';
	p = time_put_digits(p, rem % 1000, 3);
	*p++ = 'Z';
	*p = '\0';
}

/* Read exactly n decimal digits at *p into *v and advance *p. */
static bool
time_digits(const char **p, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return false;
		*v = *v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return true;
}

/* Expect the character c (either case when it is a letter) at *p. */
static bool
time_expect(const char **p, char c)
{
	char got = **p;

	if (got >= 'a' && got <= 'z')
		got = (char)(got - 'a' + 'A');
	if (got != c)
		return false;
	(*p)++;
	return true;
}

enum cm_status
time_parse_rfc3339(const char *s, int64_t *ms, struct cm_err *err)
{
	const char *p = s;
	int year, mon, day, hour, min, sec, oh = 0, om = 0;
	int frac = 0, scale = 100, sign = 0;
	int64_t v;

	*ms = 0;
	if (s == NULL || *s == '\0')
		return cm_err_set(err, CM_VALIDATION, NULL,
		    "time is empty; expected RFC 3339 like "
		    "2026-12-04T15:50:03Z");
	if (!time_digits(&p, 4, &year) || !time_expect(&p, '-') ||
	    !time_digits(&p, 2, &mon) || !time_expect(&p, '-') ||
	    !time_digits(&p, 2, &day) || !time_expect(&p, 'T') ||
	    !time_digits(&p, 2, &hour) || !time_expect(&p, ':') ||
	    !time_digits(&p, 2, &min) || !time_expect(&p, ':') ||
	    !time_digits(&p, 2, &sec))
		goto syntax;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			goto syntax;
		/* Any number of digits; keep ms, truncate the rest. */
		for (; *p >= '0' && *p <= '9'; p++) {
			frac += (*p - '0') * scale;
			scale /= 10;
		}
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		p++;
		if (!time_digits(&p, 2, &oh) || !time_expect(&p, ':') ||
		    !time_digits(&p, 2, &om))
			goto syntax;
	} else {
		goto syntax;
	}
	if (*p != '\0')
		goto syntax;

	if (mon < 1 || mon > 12)
		return cm_err_set(err, CM_VALIDATION, NULL,
		    "time has month %02d; months are 01 to 12", mon);
	if (day < 1 || day > time_days_in_month(year, mon))
		return cm_err_set(err, CM_VALIDATION, NULL,
		    "time has day %02d, which %04d-%02d does not have",
		    day, year, mon);
	if (hour > 23 || min > 59 || sec > 59)
		return cm_err_set(err, CM_VALIDATION, NULL,
		    "time of day %02d:%02d:%02d is out of range",
		    hour, min, sec);
	if (oh > 23 || om > 59)
		return cm_err_set(err, CM_VALIDATION, NULL,
		    "time zone offset %02d:%02d is out of range", oh, om);

	v = time_days_from_civil(year, mon, day) * MS_PER_DAY +
	    ((int64_t)hour * 3600 + min * 60 + sec) * 1000 + frac;
	v -= (int64_t)sign * ((int64_t)oh * 3600 + om * 60) * 1000;
	*ms = v;
	return CM_OK;

syntax:
	return cm_err_set(err, CM_VALIDATION, NULL,
	    "time is not RFC 3339; expected a form like "
	    "2026-12-04T15:50:03Z or 2026-12-04T15:50:03.5+02:00");
}
