/* src/linesrc.c: lines streamed from files and pipes, whatever their size, and
 * the words of a target line. */
#include <config.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "linesrc.h"

static char path[64];

static void write_file(const char *data, size_t n)
{
	int fd;

	snprintf(path, sizeof(path), "/tmp/np-linesrc-XXXXXX");
	fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	close(fd);
}

/* Read every line of the file, filling whenever asked; the statuses in order. */
static int read_all(struct np_linesrc *ls, enum np_line_status *st, char **lines, int max)
{
	int n = 0;

	for (;;) {
		char *line = NULL;
		enum np_line_status s = np_linesrc_next(ls, &line);

		if (s == NP_LINE_MORE) {
			assert_int_equal(np_linesrc_fill(ls), 0);
			continue;
		}
		if (s == NP_LINE_END || s == NP_LINE_ERROR || n == max)
			return n;
		st[n] = s;
		lines[n++] = s == NP_LINE_OK ? strdup(line) : NULL;
	}
}

static void test_lines(void **state)
{
	static const char data[] = "a 1\n\n# comment\r\nb:2\r\nlast";
	struct np_linesrc ls;
	enum np_line_status st[8];
	char *lines[8];
	int n;

	write_file(data, sizeof(data) - 1);
	assert_int_equal(np_linesrc_open(&ls, path), 0);
	assert_true(ls.regular);
	n = read_all(&ls, st, lines, 8);
	assert_int_equal(n, 5);
	assert_string_equal(lines[0], "a 1");
	assert_string_equal(lines[1], "");
	assert_string_equal(lines[2], "# comment");
	assert_string_equal(lines[3], "b:2");	/* CR of CRLF dropped */
	assert_string_equal(lines[4], "last");	/* no final newline */
	assert_int_equal(ls.lineno, 5);
	for (int i = 0; i < n; i++)
		free(lines[i]);
	np_linesrc_close(&ls);
	unlink(path);
}

/* Lines far longer than the limit, and longer than the read buffer, are bad
 * lines of their own; the lines around them and their numbers are kept. */
static void test_long_lines(void **state)
{
	size_t big = 200 * 1024;
	char *data = malloc(big + 80 * 1024);
	struct np_linesrc ls;
	enum np_line_status st[8];
	char *lines[8];
	size_t off = 0;
	int n;

	off += (size_t)sprintf(data, "first 1\n");
	memset(data + off, 'x', NP_LINE_MAX + 1);
	off += NP_LINE_MAX + 1;
	data[off++] = '\n';
	memset(data + off, 'y', big - off);
	off = big;
	off += (size_t)sprintf(data + off, "\nafter 2\n");
	memset(data + off, 'z', 70 * 1024 - 1);	/* an endless last line */
	off += 70 * 1024 - 1;
	write_file(data, off);
	assert_int_equal(np_linesrc_open(&ls, path), 0);
	n = read_all(&ls, st, lines, 8);
	assert_int_equal(n, 5);
	assert_int_equal(st[4], NP_LINE_LONG);	/* the endless last line */
	assert_int_equal(st[0], NP_LINE_OK);
	assert_string_equal(lines[0], "first 1");
	assert_int_equal(st[1], NP_LINE_LONG);
	assert_int_equal(st[2], NP_LINE_LONG);
	assert_int_equal(st[3], NP_LINE_OK);
	assert_string_equal(lines[3], "after 2");
	assert_int_equal(ls.lineno, 5);
	free(lines[0]);
	free(lines[3]);
	np_linesrc_close(&ls);
	unlink(path);
	free(data);
}

static void test_nul_and_pipe(void **state)
{
	static const char data[] = "ok 1\nbad\0line 2\nok 3\n";
	int fds[2];
	struct np_linesrc ls;
	enum np_line_status st[8];
	char *lines[8];
	int saved = dup(0), n;

	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], data, sizeof(data) - 1), (ssize_t)sizeof(data) - 1);
	close(fds[1]);
	dup2(fds[0], 0);
	close(fds[0]);
	assert_int_equal(np_linesrc_open(&ls, "-"), 0);
	assert_false(ls.regular);
	assert_string_equal(ls.name, "<stdin>");
	n = read_all(&ls, st, lines, 8);
	assert_int_equal(n, 3);
	assert_int_equal(st[1], NP_LINE_NUL);
	assert_string_equal(lines[2], "ok 3");
	free(lines[0]);
	free(lines[2]);
	np_linesrc_close(&ls);
	dup2(saved, 0);
	close(saved);
}

static void test_open_errors(void **state)
{
	struct np_linesrc ls;

	assert_int_equal(np_linesrc_open(&ls, "/nonexistent/np"), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(np_linesrc_open(&ls, "/"), -1);
	assert_int_equal(errno, EISDIR);
}

static void test_words(void **state)
{
	char line[] = "  host.test\t80,443  8000-8010 # a comment";
	char line2[] = "#only a comment";
	char line3[] = "a b c";
	char line4[] = "unix:/p#not-a-comment x";
	char *w[4];

	assert_int_equal(np_linesrc_words(line, w, 4), 3);
	assert_string_equal(w[0], "host.test");
	assert_string_equal(w[1], "80,443");
	assert_string_equal(w[2], "8000-8010");
	assert_int_equal(np_linesrc_words(line2, w, 4), 0);
	assert_int_equal(np_linesrc_words(line3, w, 2), -1);
	assert_int_equal(np_linesrc_words(line4, w, 4), 2);
	assert_string_equal(w[0], "unix:/p#not-a-comment");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_nul_and_pipe),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
