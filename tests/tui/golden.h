/*
 * golden.h - golden screen files for the screen tests: masks for
 * volatile text, comparison with tests/screens/NAME.txt, a unified line
 * diff when they differ, and rewriting the file on request.
 *
 * vt_assert_golden() compares a terminal's masked screen (vt_golden_text
 * in vt.h) with the file; CM_UPDATE_GOLDEN=1 rewrites the file instead,
 * for review with the version-control diff.  Volatile text (clocks,
 * ports, ages) is replaced by tokens before comparing: vt_mask() keeps a
 * terminal's rules in a struct golden_masks.
 *
 * Not here: the terminal itself (vt.h), and golden files of attributes
 * (assert colours with vt_cell_attrs()).  Misuse fails the running test
 * with fail_msg(), as the rest of the harness does.
 */
#ifndef CM_TESTS_TUI_GOLDEN_H
#define CM_TESTS_TUI_GOLDEN_H

struct vt;
struct golden_masks;

/* What vt_golden_check() found. */
enum vt_golden {
	VT_GOLDEN_MATCH,	/* the file holds exactly this text */
	VT_GOLDEN_UPDATED,	/* CM_UPDATE_GOLDEN=1: file (re)written */
	VT_GOLDEN_DIFFERS,	/* report holds a unified line diff */
	VT_GOLDEN_MISSING,	/* no file and not updating */
	VT_GOLDEN_ERROR,	/* bad name or I/O error; report says which */
};

/* An empty list of masks; free with golden_masks_free(). */
struct golden_masks *golden_masks_new(void);

/* Free the masks and their compiled regexes; NULL is a no-op. */
void golden_masks_free(struct golden_masks *m);

/*
 * Add a mask: every match of the POSIX extended regex (matched per row)
 * becomes token (copied).  A bad regex or more than 32 masks fails the
 * test.
 */
void golden_masks_add(struct golden_masks *m, const char *regex,
    const char *token);

/*
 * text with the masks applied in the order added (m NULL: none); a new
 * string the caller frees.
 */
char *golden_masks_apply(const struct golden_masks *m, const char *text);

/*
 * Compare text with the golden file NAME.txt (NAME: letters, digits,
 * '-', '_', '.', not starting with '.') in $CM_GOLDEN_DIR, else
 * $top_srcdir/tests/screens, else tests/screens.  With CM_UPDATE_GOLDEN
 * set to anything but "" or "0", write text there instead (only when it
 * differs).  *report (may be NULL) gets a diff or message for
 * DIFFERS, MISSING and ERROR, else NULL; caller frees.
 */
enum vt_golden vt_golden_check(const char *name, const char *text,
    char **report);

/*
 * Compare the masked screen with golden NAME; on a difference print the
 * diff and the screen to stderr and fail the test.
 */
void vt_assert_golden(struct vt *vt, const char *name);

#endif
