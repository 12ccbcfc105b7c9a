/* Why a word set is a sound filter (c-ares 1.18 ares__readaddrinfo): a line is
 * cut at '#', split at isspace() (C locale: space \t \n \v \f \r), and a name
 * matches when strcasecmp() equals it to the line's second or a later word.
 * Every such word is also a maximal run of bytes that are neither isspace()
 * nor '#' anywhere in the file, so the set of those runs, case-folded, holds
 * every name c-ares could match (and some it would not: those still go to
 * c-ares). Two things break that: a NUL byte (ares__read_line joins the text
 * before it with the next line) and HOSTALIASES (c-ares renames single-label
 * names first); with either there is no filter. Names c-ares answers without
 * the file, "localhost" and all-digit dotted quads, are always passed on. */
#include <config.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "hostsnames.h"

#define NP_HOSTS_MAX (64u << 20)	/* a bigger hosts file: no filter */

struct np_hostsnames {
	char *text;		/* the file, case-folded, words NUL-terminated */
	uint32_t *slots;	/* open addressing: word offset + 1, 0 = empty */
	size_t mask;
};

static bool is_sep(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' ||
	       c == '#';
}

static unsigned char fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;	/* strcasecmp, C locale */
}

static size_t hash(const char *s, size_t n)
{
	size_t h = 14695981039346656037u;	/* FNV-1a */

	for (size_t i = 0; i < n; i++)
		h = (h ^ fold((unsigned char)s[i])) * 1099511628211u;
	return h;
}

static char *read_all(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *buf = NULL;
	size_t got = 0;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uintmax_t)st.st_size < NP_HOSTS_MAX)
		buf = malloc((size_t)st.st_size + 1);
	while (buf && got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n <= 0) {	/* an error, or the file shrank under us */
			free(buf);
			buf = NULL;
		} else {
			got += (size_t)n;
		}
	}
	close(fd);
	if (buf && memchr(buf, '\0', got)) {
		free(buf);
		return NULL;
	}
	if (buf)
		buf[got] = '\0';
	*len = got;
	return buf;
}

static void insert(struct np_hostsnames *h, size_t off, size_t n)
{
	size_t i = hash(h->text + off, n) & h->mask;

	while (h->slots[i]) {
		if (strcmp(h->text + h->slots[i] - 1, h->text + off) == 0)
			return;
		i = (i + 1) & h->mask;
	}
	h->slots[i] = (uint32_t)off + 1;
}

struct np_hostsnames *np_hostsnames_load(void)
{
	const char *path = getenv("CARES_HOSTS");
	struct np_hostsnames *h;
	size_t len, words = 0, cap = 16;

	if (getenv("HOSTALIASES"))
		return NULL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->text = read_all(path ? path : "/etc/hosts", &len);
	if (!h->text) {
		free(h);
		return NULL;
	}
	for (size_t i = 0; i < len; i++) {
		h->text[i] = (char)fold((unsigned char)h->text[i]);
		if (!is_sep((unsigned char)h->text[i]) &&
		    (i == 0 || is_sep((unsigned char)h->text[i - 1])))
			words++;
	}
	while (cap < 2 * words)
		cap *= 2;
	h->mask = cap - 1;
	h->slots = calloc(cap, sizeof(*h->slots));
	if (!h->slots) {
		np_hostsnames_free(h);
		return NULL;
	}
	for (size_t i = 0; i < len;) {
		size_t start = i;

		if (is_sep((unsigned char)h->text[i])) {
			h->text[i++] = '\0';
			continue;
		}
		while (i < len && !is_sep((unsigned char)h->text[i]))
			i++;
		size_t n = i - start;

		if (i < len)
			h->text[i++] = '\0';	/* text[len] is already one */
		insert(h, start, n);
	}
	return h;
}

void np_hostsnames_free(struct np_hostsnames *h)
{
	if (!h)
		return;
	free(h->slots);
	free(h->text);
	free(h);
}

/* c-ares' fake_addrinfo: digits and dots make an IPv4 address, a ':' an IPv6 one */
static bool looks_numeric(const char *name)
{
	return strchr(name, ':') || name[strspn(name, "0123456789.")] == '\0';
}

bool np_hostsnames_may_hold(const struct np_hostsnames *h, const char *name)
{
	size_t n = strlen(name), i;

	if (!h || strcmp(name, "localhost") == 0 || looks_numeric(name))
		return true;
	for (i = hash(name, n) & h->mask; h->slots[i]; i = (i + 1) & h->mask)
		if (strcasecmp(h->text + h->slots[i] - 1, name) == 0)
			return true;
	return false;
}
