/* Lines from a file or a pipe, streamed: a list of a hundred thousand targets is
 * read 64 KiB at a time, never whole. One read() per fill, so a caller on the
 * event loop fills only when the descriptor is readable and never blocks on a
 * slow pipe; a regular file is simply filled when more is needed. */
#ifndef NP_LINESRC_H
#define NP_LINESRC_H

#include <stdbool.h>
#include <stddef.h>

#define NP_LINE_MAX 4096	/* longer lines are bad lines (skipped to their end) */
#define NP_LINE_WORDS 1040	/* a host and 1024 ports, and some room */

struct np_linesrc {
	int fd;
	bool owned;		/* opened here: closed by np_linesrc_close */
	bool regular;		/* a regular file: fill whenever more is needed */
	bool eof;
	bool skipping;		/* inside an overlong line, until its newline */
	char *buf;		/* NP_LINESRC_BUF bytes */
	size_t start, end;	/* unread bytes: buf[start..end) */
	unsigned long lineno;	/* of the line last returned */
	int read_errno;		/* a read error, 0: none */
	char name[256];		/* as given: FILE, or "<stdin>" for - */
};

enum np_line_status {
	NP_LINE_OK,		/* *line is the next line, NUL-terminated, no newline */
	NP_LINE_LONG,		/* the next line was over NP_LINE_MAX bytes: skipped */
	NP_LINE_NUL,		/* the next line holds a NUL byte: skipped */
	NP_LINE_MORE,		/* need input: np_linesrc_fill (when the fd is readable) */
	NP_LINE_END,		/* all lines read */
	NP_LINE_ERROR,		/* read failed: read_errno says why */
};

/* Open path ("-" is standard input). -1 with errno. */
int np_linesrc_open(struct np_linesrc *ls, const char *path);
void np_linesrc_close(struct np_linesrc *ls);
/* The next line; it stays valid until the next call. ls->lineno is its number. */
enum np_line_status np_linesrc_next(struct np_linesrc *ls, char **line);
/* One read(); 0, or -1 with ls->read_errno (EAGAIN/EINTR are not errors). */
int np_linesrc_fill(struct np_linesrc *ls);

/* Split line in place into at most max words (blanks separate; a word that
 * starts with '#' ends the line). The number of words, or -1 if there are more
 * than max. */
int np_linesrc_words(char *line, char *words[], int max);

#endif
