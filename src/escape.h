/* The one escaping routine: every byte that comes from the network or from the
 * user passes through it before it is printed, so no reply, path or argument can
 * put a control byte (an ESC sequence, a forged line) on the user's terminal.
 * Also the UTF-8 checks that keep truncated and foreign text valid for JSON. */
#ifndef NP_ESCAPE_H
#define NP_ESCAPE_H

#include <stddef.h>
#include <stdint.h>

enum np_escape_style {
	/* bytes a peer or a user gave (received data, paths, --expect, hosts):
	 * \n \r \t \\ \" and \xHH for every other byte outside printable ASCII */
	NP_ESC_C,
	/* a whole message in our words with user text inside: control and
	 * non-ASCII bytes as \xHH, backslashes and quotes left as they are */
	NP_ESC_CTRL,
	/* dig's DNS character-string: \" \\ and \DDD outside printable ASCII */
	NP_ESC_DNS_TEXT,
	/* dig's DNS label: also . ( ) ; @ $ after a backslash, space as \032 */
	NP_ESC_DNS_LABEL,
	/* for JSON, which carries Unicode: valid UTF-8 kept (the encoder escapes
	 * control characters), each byte that is not UTF-8 as \xHH */
	NP_ESC_UTF8,
};

/* Escape n bytes of s into out, always NUL-terminated when outlen > 0; stops
 * before an escape that would not fit whole. Returns the length written. */
size_t np_escape(const uint8_t *s, size_t n, enum np_escape_style style, char *out,
		 size_t outlen);
/* The length np_escape needs for all of s (without the NUL). */
size_t np_escape_size(const uint8_t *s, size_t n, enum np_escape_style style);
/* np_escape of a C string; returns out. */
const char *np_escape_str(const char *s, enum np_escape_style style, char *out, size_t outlen);

/* The length of the valid UTF-8 character at s (1 to 4), 0 when s does not start
 * one (a stray continuation byte, an overlong form, a surrogate, a cut one). */
size_t np_utf8_char_len(const uint8_t *s, size_t n);
/* Cut a character that a truncation left incomplete at the end of s. */
void np_utf8_trim_end(char *s);

#endif
