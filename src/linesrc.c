/* Streamed line reading for --file: see linesrc.h. */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "linesrc.h"

#define NP_LINESRC_BUF (64 * 1024)

int np_linesrc_open(struct np_linesrc *ls, const char *path)
{
	struct stat st;

	*ls = (struct np_linesrc){ .fd = -1 };
	if (strcmp(path, "-") == 0) {
		ls->fd = STDIN_FILENO;
		snprintf(ls->name, sizeof(ls->name), "<stdin>");
	} else {
		ls->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (ls->fd < 0)
			return -1;
		ls->owned = true;
		snprintf(ls->name, sizeof(ls->name), "%s", path);
	}
	if (fstat(ls->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		np_linesrc_close(ls);
		errno = EISDIR;
		return -1;
	}
	ls->regular = fstat(ls->fd, &st) == 0 && S_ISREG(st.st_mode);
	ls->buf = malloc(NP_LINESRC_BUF);
	if (!ls->buf) {
		np_linesrc_close(ls);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void np_linesrc_close(struct np_linesrc *ls)
{
	if (ls->owned && ls->fd >= 0)
		close(ls->fd);
	free(ls->buf);
	ls->buf = NULL;
	ls->fd = -1;
}

int np_linesrc_fill(struct np_linesrc *ls)
{
	ssize_t n;

	if (ls->eof || ls->read_errno)
		return ls->read_errno ? -1 : 0;
	if (ls->start > 0) {	/* keep the unread part at the front */
		memmove(ls->buf, ls->buf + ls->start, ls->end - ls->start);
		ls->end -= ls->start;
		ls->start = 0;
	}
	if (ls->end == NP_LINESRC_BUF) {	/* a line longer than the buffer: drop it */
		ls->skipping = true;
		ls->end = 0;
	}
	n = read(ls->fd, ls->buf + ls->end, NP_LINESRC_BUF - ls->end);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		ls->read_errno = errno;
		return -1;
	}
	if (n == 0)
		ls->eof = true;
	ls->end += (size_t)n;
	return 0;
}

enum np_line_status np_linesrc_next(struct np_linesrc *ls, char **line)
{
	char *p = ls->buf + ls->start;
	char *nl = memchr(p, '\n', ls->end - ls->start);
	size_t len;
	bool was_skipping = ls->skipping;

	if (ls->read_errno)
		return NP_LINE_ERROR;
	if (!nl) {
		if (!ls->eof)
			return NP_LINE_MORE;
		if (ls->start == ls->end && !was_skipping)
			return NP_LINE_END;
		nl = ls->buf + ls->end;	/* a last line without a newline */
		if (ls->end == NP_LINESRC_BUF) {	/* no room for its NUL */
			ls->start = ls->end;
			ls->skipping = false;
			ls->lineno++;
			return NP_LINE_LONG;
		}
	}
	len = (size_t)(nl - p);
	ls->start = nl < ls->buf + ls->end ? (size_t)(nl - ls->buf) + 1 : ls->end;
	ls->lineno++;
	ls->skipping = false;
	if (was_skipping || len > NP_LINE_MAX)
		return NP_LINE_LONG;
	if (memchr(p, '\0', len))
		return NP_LINE_NUL;
	*nl = '\0';
	if (len && p[len - 1] == '\r')	/* a file written on Windows */
		p[len - 1] = '\0';
	*line = p;
	return NP_LINE_OK;
}

int np_linesrc_words(char *line, char *words[], int max)
{
	int n = 0;
	char *p = line;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\v' || *p == '\f')
			p++;
		if (!*p || *p == '#')
			return n;
		if (n == max)
			return -1;
		words[n++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\v' && *p != '\f')
			p++;
		if (*p)
			*p++ = '\0';
	}
}
