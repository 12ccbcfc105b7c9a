/* --format prometheus: the text exposition format of docs/METRICS.md, its
 * families built by metrics.c. An exposition must keep each family's samples
 * together under one HELP and TYPE, but a batch's targets complete one at a
 * time: so each target's families are rendered as they come and their sample
 * lines filed under their family, and the whole exposition is written at the
 * end, family by family. The cost is the text itself, held until the end:
 * about 1.5 KiB a target plus 0.3 KiB an address tried (10,000 one-address
 * targets: some 20 MB). One target is the same path with one file each. */
#include <config.h>
#include <stdlib.h>
#include <string.h>
#include "metrics.h"
#include "report.h"
#include "report_lookup.h"

/* A family's text so far: HELP and TYPE (from the first target that has it),
 * then every target's samples. In the order the families were first seen; a
 * family one target lacks (no ICMP error there) simply has fewer samples. */
struct family {
	char name[128];
	struct np_strbuf text;
};

/* The targets named so far (several targets): a name seen twice would give
 * every series twice, which node_exporter refuses for the whole file and a
 * Prometheus scrape for the samples. Open addressing over copies. */
struct names {
	char **slot;
	size_t n, cap;		/* cap a power of two, > 2n */
};

struct prom_state {
	FILE *out;
	struct np_report_info info;
	struct names seen;
	struct family *fams;
	size_t nfams, cap;
	bool failed;		/* the writer refused, or memory ran out */
	char message[200];
};

static void *prom_begin(FILE *out, const struct np_report_info *info)
{
	struct prom_state *st = calloc(1, sizeof(*st));

	if (!st)
		return NULL;
	st->out = out;
	st->info = *info;
	return st;
}

static size_t name_hash(const char *s)
{
	size_t h = 14695981039346656037u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

static char **name_slot(char **slot, size_t cap, const char *s)
{
	size_t i = name_hash(s) & (cap - 1);

	while (slot[i] && strcmp(slot[i], s) != 0)
		i = (i + 1) & (cap - 1);
	return &slot[i];
}

/* 1 when s is new (and now remembered), 0 when seen before, -1 out of memory. */
static int name_add(struct names *ns, const char *s)
{
	char **at;

	if (2 * (ns->n + 1) >= ns->cap) {
		size_t cap = ns->cap ? 2 * ns->cap : 64;
		char **slot = calloc(cap, sizeof(*slot));

		if (!slot)
			return -1;
		for (size_t i = 0; i < ns->cap; i++)
			if (ns->slot[i])
				*name_slot(slot, cap, ns->slot[i]) = ns->slot[i];
		free(ns->slot);
		ns->slot = slot;
		ns->cap = cap;
	}
	at = name_slot(ns->slot, ns->cap, s);
	if (*at)
		return 0;
	if (!(*at = strdup(s)))
		return -1;
	ns->n++;
	return 1;
}

static void names_free(struct names *ns)
{
	for (size_t i = 0; i < ns->cap; i++)
		free(ns->slot[i]);
	free(ns->slot);
}

static void fail(struct prom_state *st, const char *why)
{
	if (!st->failed)
		snprintf(st->message, sizeof(st->message), "%s", why);
	st->failed = true;
}

/* The bucket of family name; a new one is put at index `at` (just after the
 * family written before it in this target's text), so the order stays
 * METRICS.md's even when the first target lacks a family a later one has. */
static struct family *family_at(struct prom_state *st, const char *name, size_t len,
				size_t at)
{
	struct family *f;

	for (size_t i = 0; i < st->nfams; i++)
		if (strlen(st->fams[i].name) == len && memcmp(st->fams[i].name, name, len) == 0)
			return &st->fams[i];
	if (len >= sizeof(f->name))
		return NULL;
	if (st->nfams == st->cap) {
		size_t cap = st->cap ? 2 * st->cap : 32;
		struct family *n = realloc(st->fams, cap * sizeof(*n));

		if (!n)
			return NULL;
		st->fams = n;
		st->cap = cap;
	}
	memmove(&st->fams[at + 1], &st->fams[at], (st->nfams - at) * sizeof(*f));
	st->nfams++;
	f = &st->fams[at];
	memcpy(f->name, name, len);
	f->name[len] = '\0';
	np_strbuf_init(&f->text);
	return f;
}

/* File one target's exposition, family by family: a "# HELP name" line opens
 * a family (the writer puts HELP first, then TYPE, then its samples); HELP and
 * TYPE are kept from the first target only. The text is the writer's own, so
 * it is well-formed: no sample line starts with '#', no value holds a newline. */
static void file_families(struct prom_state *st, const char *text)
{
	struct family *cur = NULL;
	bool keep_comments = false;
	size_t next = 0;

	while (*text) {
		const char *eol = strchr(text, '\n');
		size_t n = eol ? (size_t)(eol - text) + 1 : strlen(text);

		if (strncmp(text, "# HELP ", 7) == 0) {
			const char *name = text + 7;
			size_t len = strcspn(name, " \n");

			cur = family_at(st, name, len, next);
			if (!cur) {
				fail(st, "out of memory");
				return;
			}
			next = (size_t)(cur - st->fams) + 1;
			keep_comments = cur->text.len == 0;
		}
		if (cur && (text[0] != '#' || keep_comments))
			np_strbuf_append(&cur->text, text, n);
		text += n;
	}
}

static void prom_target(void *state, const struct np_target_result *r)
{
	struct prom_state *st = state;
	struct np_metrics_ctx ctx = {
		.duration_s = np_metrics_duration(r),
		.timeout_s = st->info.timeout_ms / 1e3,
		.expect = st->info.expect,
		.target = st->info.several ? r->target->input : NULL,
	};
	struct np_strbuf text = NP_STRBUF_INIT;
	struct np_prom p;
	char msg[NP_HOST_TEXT_MAX + 128];

	if (ctx.target) {
		int added = name_add(&st->seen, ctx.target);

		if (added < 0) {
			fail(st, "out of memory");
			return;
		}
		if (added == 0) {
			snprintf(msg, sizeof(msg), "%s: the target comes twice: its second "
				 "result is left out of the exposition (the same series twice)",
				 ctx.target);
			np_report_fatal(msg);
			return;
		}
	}
	np_prom_init(&p, &text);
	np_metrics_probe(&p, r, &ctx);
	if (np_prom_finish(&p) < 0)
		fail(st, np_prom_error(&p));
	else
		file_families(st, np_strbuf_str(&text));
	np_prom_free(&p);
	np_strbuf_free(&text);
}

static void prom_end(void *state, const struct np_run_summary *s)
{
	struct prom_state *st = state;
	char msg[256];

	for (size_t i = 0; i < st->nfams; i++)
		if (st->fams[i].text.failed)
			fail(st, "out of memory");
	if (st->failed) {	/* never half an exposition: nothing, and exit 3 */
		snprintf(msg, sizeof(msg), "cannot build the Prometheus exposition: %s",
			 st->message);
		np_report_fatal(msg);
		if (st->info.exit_code)
			*st->info.exit_code = 3;
	}
	for (size_t i = 0; i < st->nfams; i++) {
		if (!st->failed)
			fputs(np_strbuf_str(&st->fams[i].text), st->out);
		np_strbuf_free(&st->fams[i].text);
	}
	(void)s;
	names_free(&st->seen);
	free(st->fams);
	free(st);
}

const struct np_reporter np_reporter_prom = {
	.begin = prom_begin,
	.target = prom_target,
	/* .round: with --count the exposition is the whole run's, written at the end;
	 * .bad_line: said on stderr (batch.c), exit code 3: nothing to expose */
	.end = prom_end,
};

int np_report_lookup_prom(FILE *out, const struct np_lookup_result *r)
{
	const struct np_lookup_reply *rep = r->nreplies ? &r->replies[0] : NULL;
	struct np_metrics_ctx ctx = {
		.duration_s = rep ? np_metrics_seconds(rep->time_ms) : 0,
		.timeout_s = r->opts->resolve.timeout_ms / 1e3,
	};
	struct np_strbuf text = NP_STRBUF_INIT;
	struct np_prom p;
	char msg[256];
	int rc;

	np_prom_init(&p, &text);
	np_metrics_lookup(&p, r, &ctx);
	rc = np_prom_finish(&p);
	if (rc < 0) {
		snprintf(msg, sizeof(msg), "cannot build the Prometheus exposition: %s",
			 np_prom_error(&p));
		np_report_fatal(msg);
	} else {
		fputs(np_strbuf_str(&text), out);
	}
	np_prom_free(&p);
	np_strbuf_free(&text);
	return rc;
}
