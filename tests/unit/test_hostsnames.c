/* src/hostsnames.c against its oracle, c-ares 1.18 itself: for hostile hosts
 * files (CRLF, tabs and \v, '#' inside a word, no final newline, a NUL byte,
 * a 10,000-word line, upper case, bytes over 127, a trailing dot), every name
 * c-ares finds an address for in the file must pass the filter; and names the
 * file does not hold are filtered out (else it saves nothing). */
#include <config.h>
#include <arpa/inet.h>
#include <ares.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "hostsnames.h"

static char path[64];
static ares_channel channel;

static void on_info(void *arg, int status, int timeouts, struct ares_addrinfo *res)
{
	*(int *)arg = status == ARES_SUCCESS && res && res->nodes;
	ares_freeaddrinfo(res);
}

/* c-ares' answer from the file alone (lookups "f" answers inside the call) */
static int cares_finds(const char *name)
{
	struct ares_addrinfo_hints hints = { .ai_family = AF_UNSPEC,
					     .ai_flags = ARES_AI_ENVHOSTS | ARES_AI_NOSORT };
	int found = -1;

	ares_getaddrinfo(channel, name, NULL, &hints, on_info, &found);
	assert_int_not_equal(found, -1);
	return found;
}

static struct np_hostsnames *load(const char *text, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
	return np_hostsnames_load();
}

/* a numeric address, which c-ares answers without the file */
static bool is_address(const char *w)
{
	unsigned char a[16];

	return inet_pton(AF_INET, w, a) == 1 || inet_pton(AF_INET6, w, a) == 1;
}

/* every name c-ares finds passes; checked on the words of the file split
 * every way a parser might (space only, any isspace, '#'), and on extras;
 * c-ares must find some name (not an address) in the file, else the case
 * checks nothing */
static void check_sound(struct np_hostsnames *h, const char *text, size_t len,
			const char *const *extra)
{
	static const char *seps[] = { " ", " \t\n\v\f\r", " \t\n\v\f\r#", "\n" };
	size_t hits = 0;

	for (size_t s = 0; s < sizeof(seps) / sizeof(seps[0]); s++) {
		char *copy = malloc(len + 1), *save = NULL;

		assert_non_null(copy);
		memcpy(copy, text, len);
		copy[len] = '\0';
		for (char *w = strtok_r(copy, seps[s], &save); w; w = strtok_r(NULL, seps[s], &save))
			if (cares_finds(w)) {
				hits += !is_address(w);
				assert_true(np_hostsnames_may_hold(h, w));
			}
		free(copy);
	}
	for (; extra && *extra; extra++)
		if (cares_finds(*extra)) {
			hits += !is_address(*extra);
			assert_true(np_hostsnames_may_hold(h, *extra));
		}
	assert_true(hits > 0);
}

#define FILE_CASE(name, text, ...)                                                        \
	static void name(void **state)                                                    \
	{                                                                                 \
		static const char t[] = text;                                              \
		static const char *const extra[] = { __VA_ARGS__, NULL };                  \
		struct np_hostsnames *h = load(t, sizeof(t) - 1);                          \
		check_sound(h, t, sizeof(t) - 1, extra);                                  \
		np_hostsnames_free(h);                                                     \
	}

/* not "localhost" here: c-ares 1.18 leaks its name when it answers it
 * without the file (test_filters checks the filter passes it on) */
FILE_CASE(test_plain, "127.0.0.5 myhost.test myalias.test\n::1 twohost.test\n",
	  "MyHost.Test", "127.0.0.1")
FILE_CASE(test_crlf, "127.0.0.5 crlf.test\r\n127.0.0.6\tcr.test \r\n", "crlf.test\r")
FILE_CASE(test_spaces, "127.0.0.5\tTab.Test\vvt.test\fff.test\n  ::1   sp.test\t\n",
	  "tab.test\vvt.test")
FILE_CASE(test_comments, "127.0.0.5 before#after.test\n# 127.0.0.6 commented.test\n"
	  "127.0.0.7 x.test # y.test\n#\n", "before", "after.test", "commented.test")
FILE_CASE(test_no_newline, "127.0.0.5 last.test", "last.test")
FILE_CASE(test_nul, "127.0.0.5 nul\0junk\n127.0.0.6 joined.test\n", "nul127.0.0.6",
	  "nul", "joined.test", "junk")
FILE_CASE(test_upper_and_bytes, "127.0.0.5 UPPER.TEST caf\xc3\xa9.test \xff\xfe.test\n",
	  "upper.test", "CAF\xc3\xa9.TEST", "caf\xc3\x89.test")
FILE_CASE(test_dots, "127.0.0.5 dot.test. nodot.test\n1.2.3 digits.test\n", "dot.test",
	  "nodot.test.", "1.2.3.4", "::1")
FILE_CASE(test_bad_lines, "notanaddr bad.test\n127.0.0.5\n\n   \n::ffff:1.2.3.4 v4m.test\n",
	  "bad.test", "v4m.test")

static void test_long_line(void **state)
{
	size_t cap = 10000 * 16 + 32, len;
	char *t = malloc(cap);
	static const char *const extra[] = { "a9999.test", "a1.test", NULL };

	assert_non_null(t);
	len = (size_t)snprintf(t, cap, "127.0.0.5");
	for (int i = 0; i < 10000; i++)
		len += (size_t)snprintf(t + len, cap - len, " a%d.test", i);
	t[len++] = '\n';
	struct np_hostsnames *h = load(t, len);

	assert_non_null(h);
	check_sound(h, t, len, extra);
	assert_false(np_hostsnames_may_hold(h, "a10000.test"));
	np_hostsnames_free(h);
	free(t);
}

/* the filter must also filter: names absent from the file skip c-ares */
static void test_filters(void **state)
{
	static const char t[] = "127.0.0.5 myhost.test myalias.test # gone.test\n";
	struct np_hostsnames *h = load(t, sizeof(t) - 1);

	assert_non_null(h);
	assert_false(np_hostsnames_may_hold(h, "n1.bench.test"));
	assert_false(np_hostsnames_may_hold(h, "myhost.tes"));
	assert_false(np_hostsnames_may_hold(h, "myhost.test."));
	assert_true(np_hostsnames_may_hold(h, "MYALIAS.test"));
	assert_true(np_hostsnames_may_hold(h, "gone.test"));	/* more than c-ares: harmless */
	assert_true(np_hostsnames_may_hold(h, "localhost"));	/* c-ares answers it anyway */
	assert_true(np_hostsnames_may_hold(h, "10.1.2.3"));	/* c-ares fakes numeric names */
	np_hostsnames_free(h);
}

/* no filter to trust: every name goes to c-ares */
static void test_no_filter(void **state)
{
	static const char t[] = "127.0.0.5 x.test\n";

	setenv("HOSTALIASES", path, 1);
	assert_null(load(t, sizeof(t) - 1));
	unsetenv("HOSTALIASES");
	setenv("CARES_HOSTS", "/nonexistent/hosts", 1);
	assert_null(np_hostsnames_load());
	setenv("CARES_HOSTS", "/", 1);	/* a directory */
	assert_null(np_hostsnames_load());
	assert_true(np_hostsnames_may_hold(NULL, "anything.test"));
	setenv("CARES_HOSTS", path, 1);
}

static int setup(void **state)
{
	struct ares_options ao = { .lookups = (char *)"f" };
	int fd;

	snprintf(path, sizeof(path), "/tmp/np-hostsnames-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	close(fd);
	setenv("CARES_HOSTS", path, 1);
	unsetenv("HOSTALIASES");
	ares_library_init(ARES_LIB_INIT_ALL);
	return ares_init_options(&channel, &ao, ARES_OPT_LOOKUPS) == ARES_SUCCESS ? 0 : -1;
}

static int teardown(void **state)
{
	ares_destroy(channel);
	ares_library_cleanup();
	unlink(path);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_spaces),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_no_newline),
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_upper_and_bytes),
		cmocka_unit_test(test_dots),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_no_filter),
	};

	return cmocka_run_group_tests_name("hostsnames", tests, setup, teardown);
}
