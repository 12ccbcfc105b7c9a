/* netprobe exporter: see exporter.h. A request's life: the handler parses it
 * on its first call and either answers at once (/, /metrics, an error) or
 * starts a probe and suspends the connection; the probe's end (or its
 * deadline) writes the answer and resumes the connection, and libmicrohttpd
 * calls the handler again to send it. Probes are freed outside their own
 * callbacks (a reap timer), as batch.c does. */
#include <config.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include "dlist.h"
#include "cli.h"
#include "clock.h"
#include "cmd_lookup.h"
#include "exporter.h"
#include "gate.h"
#include "http_mhd.h"
#include "lookup.h"
#include "metrics.h"
#include "promtext.h"
#include "report.h"
#include "run.h"
#include "signals.h"
#include "strbuf.h"

/* The label vocabularies of the exporter's own counters (docs/METRICS.md). */
enum path { PATH_ROOT, PATH_PROBE, PATH_METRICS, PATH_OTHER, NPATHS };
static const char *const path_names[NPATHS] = { "/", "/probe", "/metrics", "other" };
static const unsigned codes[] = { 200, 400, 404, 405, 413, 503 };
#define NCODES (sizeof(codes) / sizeof(codes[0]))
enum kind { KIND_TCP, KIND_UDP, KIND_UNIX, KIND_LOOKUP, NKINDS };
static const char *const kind_names[NKINDS] = { "tcp", "udp", "unix", "lookup" };
enum reason { R_BAD_REQUEST, R_TOO_LARGE, R_BUSY, R_SLOW_CLIENT, NREASONS };
static const char *const reason_names[NREASONS] = {
	"bad_request", "too_large", "busy", "slow_client"
};

struct counters {
	unsigned long long requests[NPATHS][NCODES];
	double seconds[NPATHS];
	unsigned long long probes[NKINDS][2];	/* [kind][success] */
	unsigned long long rejected[NREASONS];
};

struct probe;

/* One HTTP request (libmicrohttpd's per-request pointer). */
struct req {
	struct exporter *ex;
	struct MHD_Connection *conn;
	enum path path;
	double t0;
	unsigned code;			/* the status sent, 0 before */
	bool suspended, ready;		/* ready: the answer below waits to be queued */
	struct probe *probe;		/* running for this request; NULL when none */
	unsigned ready_code;
	const char *ready_type;
	struct np_strbuf body;
};

/* One probe: a job (tcp, udp, unix) or a lookup, on the shared loop. */
struct probe {
	struct exporter *ex;
	struct req *req;		/* waiting for the answer; NULL once answered */
	enum kind kind;
	double t0, timeout_ms;
	bool finished;
	struct np_run_config cfg;	/* the exporter's defaults, the URL's overrides */
	struct np_run_shared sh;
	struct np_target target;
	struct np_job *job;
	struct np_lookup_opts lo;
	struct np_lookup_result lr;
	bool lookup_started;
	struct np_timer deadline;	/* the scrape's timeout: answer by then */
	struct probe *prev, *next;
};

/* One TCP connection to us (libmicrohttpd's socket context). */
struct conn {
	double t0;
	unsigned requests;
};

struct exporter {
	const struct np_exporter_config *cfg;
	struct np_loop loop;
	struct np_http http;
	struct np_resolver resolvers[3];	/* by family: any, IPv4, IPv6; made when needed */
	bool resolver_ok[3];
	struct np_gate gate, dns_gate;
	struct probe *running, *done;		/* probes in flight; finished, to free */
	struct np_timer reap, grace;
	size_t inflight, conns;
	bool stopping;
	sigset_t wait_mask;
	struct counters n;
	unsigned long long btime;	/* the system's boot time (/proc/stat), read once */
};

static unsigned code_index(unsigned code)
{
	for (unsigned i = 0; i < NCODES; i++)
		if (codes[i] == code)
			return i;
	return NCODES;
}

/* ---- answers */

/* Queue an answer now (inside the handler). */
static enum MHD_Result send_answer(struct req *rq, unsigned code, const char *type,
				   const char *body, size_t len)
{
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ok;

	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (code == 405)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	if (rq->ex->stopping)	/* no keep-alive: the grace ends when all are closed */
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
	ok = MHD_queue_response(rq->conn, code, resp);
	MHD_destroy_response(resp);
	if (ok == MHD_YES)
		rq->code = code;
	return ok;
}

/* A one-line text answer: errors say what was wrong in one line. */
static enum MHD_Result send_text(struct req *rq, unsigned code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static enum MHD_Result send_text(struct req *rq, unsigned code, const char *fmt, ...)
{
	char line[600];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	for (int i = 0; i < n; i++)	/* a URL's bytes quoted back: one printable line */
		if ((unsigned char)line[i] < 0x20 || (unsigned char)line[i] >= 0x7f)
			line[i] = '?';
	line[n++] = '\n';
	return send_answer(rq, code, "text/plain; charset=utf-8", line, (size_t)n);
}

static enum MHD_Result refuse(struct req *rq, enum reason why, unsigned code, const char *msg)
{
	rq->ex->n.rejected[why]++;
	return send_text(rq, code, "%s", msg);
}

/* Keep the answer for later (a probe's end): resume the connection, whose
 * handler then sends it. */
static void answer_later(struct req *rq, unsigned code, const char *type)
{
	rq->ready = true;
	rq->ready_code = code;
	rq->ready_type = type;
	if (rq->suspended) {
		rq->suspended = false;
		MHD_resume_connection(rq->conn);
		np_http_kick(&rq->ex->http);
	}
}

/* ---- probes */

static struct np_resolver *resolver_for(struct exporter *ex, int family, struct np_error *err)
{
	int i = family == AF_INET ? 1 : family == AF_INET6 ? 2 : 0;
	struct np_resolve_opts o = ex->cfg->resolve;

	if (!ex->resolver_ok[i]) {
		o.family = family;
		if (np_resolver_init(&ex->resolvers[i], &ex->loop, &o, err) < 0)
			return NULL;
		ex->resolver_ok[i] = true;
	}
	return &ex->resolvers[i];
}

static bool probe_success(const struct probe *p)
{
	if (p->kind == KIND_LOOKUP)
		return np_metrics_lookup_success(&p->lr);
	return !p->job->failed_errno && np_metrics_success(&p->job->result);
}

/* The answer of a probe that ran to its end: docs/METRICS.md's families. */
static void answer_probe(struct probe *p)
{
	struct req *rq = p->req;
	struct np_metrics_ctx ctx = { .duration_s = (np_now_ms() - p->t0) / 1000.0,
				      .timeout_s = p->timeout_ms / 1000.0 };
	struct np_prom prom;
	int rc;

	np_prom_init(&prom, &rq->body);
	if (p->kind == KIND_LOOKUP)
		rc = np_metrics_lookup(&prom, &p->lr, &ctx);
	else if (p->job->failed_errno)
		rc = -1;
	else
		rc = np_metrics_probe(&prom, &p->job->result, &ctx);
	if (rc < 0 || np_prom_finish(&prom) < 0) {
		np_strbuf_reset(&rq->body);
		np_strbuf_printf(&rq->body, "cannot write the metrics: %s\n",
				 p->kind != KIND_LOOKUP && p->job->failed_errno
				 ? strerror(p->job->failed_errno) : np_prom_error(&prom));
		np_prom_free(&prom);
		answer_later(rq, 503, "text/plain; charset=utf-8");
		return;
	}
	np_prom_free(&prom);
	answer_later(rq, 200, NP_PROM_CONTENT_TYPE);
}

/* The scrape's timeout came before the job's end (its DNS phase and its
 * probes have a timeout each): blackbox_exporter's answer for a probe that did
 * not end in time (probe_success 0). The job runs on to its own end (bounded
 * by those timeouts), then is freed. */
static void on_deadline(void *arg)
{
	struct probe *p = arg;
	struct req *rq = p->req;
	struct np_metrics_ctx ctx = { .duration_s = (np_now_ms() - p->t0) / 1000.0,
				      .timeout_s = p->timeout_ms / 1000.0 };
	struct np_prom prom;

	if (!rq)
		return;
	np_prom_init(&prom, &rq->body);
	np_metrics_timed_out(&prom, &ctx);
	np_prom_finish(&prom);
	np_prom_free(&prom);
	p->ex->n.probes[p->kind][0]++;
	p->req = NULL;
	rq->probe = NULL;
	answer_later(rq, 200, NP_PROM_CONTENT_TYPE);
}

static void free_probe(struct probe *p)
{
	if (p->job)
		np_job_free(p->job);
	if (p->lookup_started)
		np_lookup_free(&p->lr);
	free(p);
}

static void reap(void *arg)
{
	struct exporter *ex = arg;

	while (ex->done) {
		struct probe *p = ex->done;

		NP_DLIST_REMOVE(&ex->done, p);
		free_probe(p);
	}
}

/* The probe ended (it may be inside its own start, or a callback). */
static void probe_finished(struct probe *p)
{
	struct exporter *ex = p->ex;

	if (p->finished)
		return;
	p->finished = true;
	np_timer_cancel(&ex->loop, &p->deadline);
	if (p->req) {
		ex->n.probes[p->kind][probe_success(p)]++;
		answer_probe(p);
		p->req->probe = NULL;
		p->req = NULL;
	}
	NP_DLIST_REMOVE(&ex->running, p);
	ex->inflight--;
	NP_DLIST_PUSH(&ex->done, p);
	np_timer_arm(&ex->loop, &ex->reap, 0);
}

static void on_job_done(struct np_job *job, void *arg)
{
	(void)job;
	probe_finished(arg);
}

static void on_lookup_done(void *arg)
{
	probe_finished(arg);
}

/* Start p; -1 (out of memory, or no resolver) with the reason in err. */
static int probe_start(struct probe *p, char *err, size_t errlen)
{
	struct exporter *ex = p->ex;
	struct np_error e = { 0 };
	struct np_resolver *res = resolver_for(ex, p->kind == KIND_LOOKUP ? AF_UNSPEC
					       : p->cfg.resolve.family, &e);

	if (!res) {
		snprintf(err, errlen, "%s", e.message);
		return -1;
	}
	p->sh = (struct np_run_shared){ .cfg = &p->cfg, .loop = &ex->loop, .resolver = res,
					.gate = &ex->gate, .dns_gate = &ex->dns_gate };
	np_timer_init(&p->deadline, on_deadline, p);
	p->t0 = np_now_ms();
	NP_DLIST_PUSH(&ex->running, p);
	ex->inflight++;
	/* a lookup's queries end at its timeout by themselves (lookup.c), with
	 * every family to say so; a job's DNS phase has the resolver's timeout,
	 * then its probes theirs: the scrape's must come first */
	if (p->kind == KIND_LOOKUP) {
		p->lookup_started = true;
		if (np_lookup_start(res, &p->lo, &p->lr, on_lookup_done, p) < 0) {
			p->lookup_started = false;
			goto oom;
		}
		np_resolver_rearm(res);
	} else {
		p->job = np_job_new(&p->sh, &p->target, on_job_done, NULL, p);
		if (!p->job)
			goto oom;
		np_timer_arm(&ex->loop, &p->deadline, p->t0 + p->timeout_ms);
		np_job_start(p->job);
	}
	return 0;
oom:
	NP_DLIST_REMOVE(&ex->running, p);
	ex->inflight--;
	snprintf(err, errlen, "out of memory");
	return -1;
}

/* ---- /probe's parameters */

struct query {
	const char *target, *module, *type, *timeout, *family;
	size_t bytes;
	char err[400];
};

/* A key or value from the URL, for a one-line message: printable ASCII only,
 * cut short. */
static const char *shown(const char *s, char *buf, size_t len)
{
	size_t n = 0;

	for (; *s && n + 4 < len; s++)
		buf[n++] = *s >= 0x20 && *s < 0x7f ? *s : '?';
	if (*s)
		buf[n++] = '.', buf[n++] = '.', buf[n++] = '.';
	buf[n] = '\0';
	return buf;
}

static enum MHD_Result on_argument(void *cls, enum MHD_ValueKind kind, const char *key,
				   const char *value)
{
	struct query *q = cls;
	const char **slot = strcmp(key, "target") == 0 ? &q->target
		: strcmp(key, "module") == 0 ? &q->module
		: strcmp(key, "type") == 0 ? &q->type
		: strcmp(key, "timeout") == 0 ? &q->timeout
		: strcmp(key, "family") == 0 ? &q->family : NULL;
	char k[80];

	(void)kind;
	q->bytes += strlen(key) + (value ? strlen(value) : 0) + 2;
	if (!slot)
		snprintf(q->err, sizeof(q->err), "unknown parameter '%s': /probe takes target, "
			 "module, type, timeout and family", shown(key, k, sizeof(k)));
	else if (*slot)
		snprintf(q->err, sizeof(q->err), "parameter '%s' given twice", key);
	else if (!value || !*value)
		snprintf(q->err, sizeof(q->err), "parameter '%s' needs a value (%s=...)", key, key);
	else
		*slot = value;
	return q->err[0] ? MHD_NO : MHD_YES;
}

#define BAD(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

static int parse_module(const struct query *q, struct probe *p, char *err, size_t errlen)
{
	const char *m = q->module ? q->module : "tcp";
	char v[80];

	for (int k = 0; k < NKINDS; k++)
		if (strcmp(m, kind_names[k]) == 0) {
			p->kind = (enum kind)k;
			return 0;
		}
	BAD("unknown module '%s': use tcp, udp, unix or lookup", shown(m, v, sizeof(v)));
}

/* The probe's timeout: timeout= or -T, less than Prometheus' scrape timeout
 * (less 0.5 s for the answer's way back, as blackbox_exporter does), at most
 * --max-timeout. */
static int parse_timeout(struct exporter *ex, const struct query *q, struct MHD_Connection *c,
			 struct probe *p, char *err, size_t errlen)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						    "X-Prometheus-Scrape-Timeout-Seconds");
	double t = ex->cfg->timeout_ms, scrape;
	char v[80];

	if (q->timeout && np_cli_seconds("timeout", q->timeout, &t, err, errlen) < 0)
		return -1;
	if (h) {
		if (np_cli_seconds("X-Prometheus-Scrape-Timeout-Seconds", h, &scrape, err,
				   errlen) < 0)
			BAD("bad X-Prometheus-Scrape-Timeout-Seconds header '%s': give seconds",
			    shown(h, v, sizeof(v)));
		if (scrape - 500 > 0 && scrape - 500 < t)
			t = scrape - 500;
	}
	p->timeout_ms = t < ex->cfg->max_timeout_ms ? t : ex->cfg->max_timeout_ms;
	return 0;
}

static int parse_family(const struct query *q, struct probe *p, char *err, size_t errlen)
{
	char v[80];

	if (!q->family)
		return 0;
	if (p->kind == KIND_LOOKUP || p->kind == KIND_UNIX)
		BAD("parameter 'family' is for module=tcp and module=udp");
	if (strcmp(q->family, "ip4") == 0)
		p->cfg.resolve.family = AF_INET;
	else if (strcmp(q->family, "ip6") == 0)
		p->cfg.resolve.family = AF_INET6;
	else
		BAD("bad family '%s': use ip4 or ip6", shown(q->family, v, sizeof(v)));
	return 0;
}

static int parse_lookup(const struct query *q, struct probe *p, char *err, size_t errlen)
{
	uint16_t type = NP_RR_A;

	if (np_check_hostname(q->target, err, errlen) < 0)
		return -1;
	if (q->type && np_lookup_parse_type(q->type, &type, err, errlen) < 0)
		return -1;
	snprintf(p->lo.name, sizeof(p->lo.name), "%s", q->target);
	p->lo.types[0] = type;
	p->lo.ntypes = 1;
	p->lo.resolve = p->cfg.resolve;
	p->lo.resolve.timeout_ms = p->timeout_ms;
	return 0;
}

static int parse_target(const struct exporter *ex, const struct query *q, struct probe *p,
			char *err, size_t errlen)
{
	char word[NP_HOST_TEXT_MAX + 16], v[80];
	char *words[] = { word };
	bool is_unix = strncmp(q->target, "unix:", 5) == 0;

	if (q->type)
		BAD("parameter 'type' is for module=lookup");
	if (p->kind == KIND_UNIX && !ex->cfg->allow_unix)
		BAD("module=unix is off: start the exporter with --allow-unix to probe Unix "
		    "sockets");
	if (is_unix != (p->kind == KIND_UNIX))
		BAD("target '%s' %s", shown(q->target, v, sizeof(v)), is_unix
		    ? "is a Unix socket: use module=unix" : "is not unix:/PATH, which module=unix takes");
	snprintf(word, sizeof(word), "%s", q->target);
	if (np_parse_target(1, words, &p->target, err, errlen) < 0)
		return -1;
	if (!is_unix && p->target.nports != 1)
		BAD("target '%s': give one port, HOST:PORT", shown(q->target, v, sizeof(v)));
	p->cfg.tcp = p->kind != KIND_UDP;
	p->cfg.udp = p->kind == KIND_UDP;
	if (p->target.literal_family && p->cfg.resolve.family &&
	    p->target.literal_family != p->cfg.resolve.family)
		BAD("target '%s' is an %s address, but family=%s (or the exporter's %s) asks "
		    "for %s", shown(q->target, v, sizeof(v)),
		    p->target.literal_family == AF_INET ? "IPv4" : "IPv6",
		    p->cfg.resolve.family == AF_INET ? "ip4" : "ip6",
		    p->cfg.resolve.family == AF_INET ? "-4" : "-6",
		    p->cfg.resolve.family == AF_INET ? "IPv4" : "IPv6");
	/* not alone: the exporter's @SERVER and -4/-6 are for the other targets,
	 * as in a batch, and do not make a unix: target a mistake */
	return np_job_check(&p->cfg, &p->target, false, err, errlen);
}

/* The URL's parameters into p; -1 with a one-line reason (a 400). */
static int parse_probe(struct exporter *ex, struct MHD_Connection *c, struct probe *p,
		       bool *too_large, char *err, size_t errlen)
{
	struct query q = { 0 };

	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, on_argument, &q);
	if (q.bytes > NP_EXPORTER_MAX_QUERY) {
		*too_large = true;
		BAD("the query is longer than %d bytes", NP_EXPORTER_MAX_QUERY);
	}
	if (q.err[0])
		BAD("%s", q.err);
	if (!q.target)
		BAD("missing parameter 'target': /probe?target=HOST:PORT&module=tcp");
	p->cfg.resolve = ex->cfg->resolve;
	p->cfg.probe.retries = NP_RETRIES_DEFAULT;
	if (parse_module(&q, p, err, errlen) < 0 || parse_family(&q, p, err, errlen) < 0 ||
	    parse_timeout(ex, &q, c, p, err, errlen) < 0)
		return -1;
	p->cfg.probe.timeout_ms = p->timeout_ms;
	if (p->kind == KIND_LOOKUP)
		return parse_lookup(&q, p, err, errlen);
	return parse_target(ex, &q, p, err, errlen);
}

static enum MHD_Result serve_probe(struct exporter *ex, struct req *rq)
{
	struct probe *p;
	bool too_large = false;
	char err[512];

	if (ex->stopping)
		return send_text(rq, 503, "the exporter is stopping");
	p = calloc(1, sizeof(*p));
	if (!p)
		return MHD_NO;
	p->ex = ex;
	if (parse_probe(ex, rq->conn, p, &too_large, err, sizeof(err)) < 0) {
		free(p);
		return refuse(rq, too_large ? R_TOO_LARGE : R_BAD_REQUEST, too_large ? 413 : 400, err);
	}
	if (ex->inflight >= ex->cfg->max_probes) {
		free(p);
		snprintf(err, sizeof(err), "busy: %u probes are running (--max-probes)",
			 ex->cfg->max_probes);
		return refuse(rq, R_BUSY, 503, err);
	}
	p->req = rq;
	rq->probe = p;
	if (probe_start(p, err, sizeof(err)) < 0) {
		rq->probe = NULL;
		free_probe(p);
		return send_text(rq, 503, "cannot probe: %s", err);
	}
	if (!rq->ready) {	/* it did not end at once: wait for it */
		rq->suspended = true;
		MHD_suspend_connection(rq->conn);
		return MHD_YES;
	}
	rq->ready = false;
	return send_answer(rq, rq->ready_code, rq->ready_type, np_strbuf_str(&rq->body),
			   rq->body.len);
}

/* ---- /metrics: the exporter's own, and the process collector's */

struct proc_stat {
	double cpu_s, start_s, rss_bytes;
	bool ok;
};

/* The numeric fields of /proc/self/stat, by their number in proc(5), up to
 * 24 (rss); false when it cannot be read. */
static bool stat_fields(unsigned long long f[25])
{
	char buf[1024], *s;
	FILE *fp = fopen("/proc/self/stat", "r");
	size_t n = fp ? fread(buf, 1, sizeof(buf) - 1, fp) : 0;
	int i = 3;

	if (fp)
		fclose(fp);
	buf[n] = '\0';
	s = strrchr(buf, ')');	/* field 2, the command's name, may hold anything */
	for (s = s ? s + 2 : NULL; s && i <= 24; i++) {
		f[i] = strtoull(s, NULL, 10);	/* 0 for field 3, the state letter */
		s = strchr(s, ' ');
		s = s ? s + 1 : NULL;
	}
	return i > 24;
}

/* The system's boot time, since the epoch (/proc/stat btime); 0 unknown. */
static unsigned long long boot_time(void)
{
	char line[256];
	unsigned long long btime = 0;
	FILE *f = fopen("/proc/stat", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "btime %llu", &btime) == 1)
			break;
	if (f)
		fclose(f);
	return btime;
}

/* btime: boot_time(), which does not change while the exporter runs. */
static void read_proc_stat(struct proc_stat *ps, unsigned long long btime)
{
	unsigned long long f[25] = { 0 };
	double tick = (double)sysconf(_SC_CLK_TCK);

	if (tick <= 0 || !stat_fields(f))
		return;
	ps->cpu_s = (double)(f[14] + f[15]) / tick;	/* utime + stime */
	ps->start_s = (double)btime + (double)f[22] / tick;
	ps->rss_bytes = (double)f[24] * (double)sysconf(_SC_PAGESIZE);
	ps->ok = true;
}

static long count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	long n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n - 3;	/* ".", ".." and the directory's own descriptor */
}

static void process_families(struct np_prom *p, unsigned long long btime)
{
	struct proc_stat ps = { 0 };
	struct rlimit rl;
	long fds = count_fds();

	read_proc_stat(&ps, btime);
	if (ps.ok) {
		np_prom_family(p, "process_cpu_seconds_total", NP_PROM_COUNTER,
			       "Total user and system CPU time spent in seconds.");
		np_prom_sample(p, NULL, 0, ps.cpu_s);
		np_prom_family(p, "process_resident_memory_bytes", NP_PROM_GAUGE,
			       "Resident memory size in bytes.");
		np_prom_sample(p, NULL, 0, ps.rss_bytes);
	}
	if (fds >= 0) {
		np_prom_family(p, "process_open_fds", NP_PROM_GAUGE,
			       "Number of open file descriptors.");
		np_prom_sample_int(p, NULL, 0, fds);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		np_prom_family(p, "process_max_fds", NP_PROM_GAUGE,
			       "Maximum number of open file descriptors.");
		np_prom_sample_uint(p, NULL, 0, rl.rlim_cur);
	}
	if (ps.ok) {
		np_prom_family(p, "process_start_time_seconds", NP_PROM_GAUGE,
			       "Start time of the process since unix epoch in seconds.");
		np_prom_sample(p, NULL, 0, ps.start_s);
	}
}

static void exporter_families(struct exporter *ex, struct np_prom *p)
{
	const struct counters *n = &ex->n;
	char code[8];

	np_prom_family(p, "netprobe_exporter_build_info", NP_PROM_GAUGE,
		       "netprobe's version, as a label; always 1");
	np_prom_sample(p, &(struct np_prom_label){ "version", PACKAGE_VERSION }, 1, 1);
	np_prom_family(p, "netprobe_exporter_requests_total", NP_PROM_COUNTER,
		       "HTTP requests answered, by path and status code");
	for (int i = 0; i < NPATHS; i++)
		for (unsigned c = 0; c < NCODES; c++) {
			struct np_prom_label l[] = { { "path", path_names[i] }, { "code", code } };

			snprintf(code, sizeof(code), "%u", codes[c]);
			np_prom_sample_uint(p, l, 2, n->requests[i][c]);
		}
	np_prom_family(p, "netprobe_exporter_request_duration_seconds_total", NP_PROM_COUNTER,
		       "Time spent answering HTTP requests, by path, in seconds");
	for (int i = 0; i < NPATHS; i++)
		np_prom_sample(p, &(struct np_prom_label){ "path", path_names[i] }, 1,
			       n->seconds[i]);
	np_prom_family(p, "netprobe_exporter_probes_total", NP_PROM_COUNTER,
		       "Probes run, by kind and result");
	for (int k = 0; k < NKINDS; k++)
		for (int s = 1; s >= 0; s--) {
			struct np_prom_label l[] = { { "kind", kind_names[k] },
						     { "result", s ? "success" : "failure" } };

			np_prom_sample_uint(p, l, 2, n->probes[k][s]);
		}
	np_prom_family(p, "netprobe_exporter_rejected_total", NP_PROM_COUNTER,
		       "Requests refused before any probe ran, by reason");
	for (int r = 0; r < NREASONS; r++)
		np_prom_sample_uint(p, &(struct np_prom_label){ "reason", reason_names[r] }, 1,
				    n->rejected[r]);
	np_prom_family(p, "netprobe_exporter_probes_in_flight", NP_PROM_GAUGE,
		       "Probes running now");
	np_prom_sample_uint(p, NULL, 0, ex->inflight);
	np_prom_family(p, "netprobe_exporter_probes_max", NP_PROM_GAUGE,
		       "Most probes run at once (--max-probes)");
	np_prom_sample_uint(p, NULL, 0, ex->cfg->max_probes);
	process_families(p, ex->btime);
}

static enum MHD_Result serve_metrics(struct exporter *ex, struct req *rq)
{
	struct np_prom prom;
	enum MHD_Result ok;

	np_prom_init(&prom, &rq->body);
	exporter_families(ex, &prom);
	if (np_prom_finish(&prom) < 0)
		ok = send_text(rq, 503, "cannot write the metrics: %s", np_prom_error(&prom));
	else
		ok = send_answer(rq, 200, NP_PROM_CONTENT_TYPE, np_strbuf_str(&rq->body),
				 rq->body.len);
	np_prom_free(&prom);
	return ok;
}

static const char root_page[] =
	"<!DOCTYPE html>\n<html><head><title>netprobe exporter</title></head><body>\n"
	"<h1>netprobe exporter " PACKAGE_VERSION "</h1>\n"
	"<p>The Prometheus multi-target exporter of netprobe (blackbox_exporter's pattern): "
	"each scrape of /probe runs one probe and answers with its metrics.</p>\n<ul>\n"
	"<li><a href=\"/probe?target=127.0.0.1:22&amp;module=tcp\">/probe?target=HOST:PORT"
	"&amp;module=tcp|udp|unix|lookup[&amp;type=A][&amp;timeout=S][&amp;family=ip4|ip6]</a></li>\n"
	"<li><a href=\"/metrics\">/metrics</a>: the exporter's own metrics</li>\n"
	"</ul>\n<p>See netprobe-exporter(1).</p>\n</body></html>\n";

/* ---- libmicrohttpd's callbacks */

static enum path path_of(const char *url)
{
	for (int i = 0; i < PATH_OTHER; i++)
		if (strcmp(url, path_names[i]) == 0)
			return (enum path)i;
	return PATH_OTHER;
}

static enum MHD_Result first_call(struct exporter *ex, struct req *rq, const char *method)
{
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return send_text(rq, 405, "method %s not allowed: use GET", method);
	switch (rq->path) {
	case PATH_ROOT:
		return send_answer(rq, 200, "text/html; charset=utf-8", root_page,
				   sizeof(root_page) - 1);
	case PATH_METRICS:
		return serve_metrics(ex, rq);
	case PATH_PROBE:
		return serve_probe(ex, rq);
	default:
		return send_text(rq, 404, "not found: netprobe exporter serves /, /probe and "
				 "/metrics");
	}
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version,
				  const char *upload, size_t *upload_size, void **con_cls)
{
	struct exporter *ex = cls;
	struct req *rq = *con_cls;
	const union MHD_ConnectionInfo *ci;

	(void)version;
	(void)upload;
	if (!rq) {
		rq = calloc(1, sizeof(*rq));
		if (!rq)
			return MHD_NO;
		*con_cls = rq;
		*rq = (struct req){ .ex = ex, .conn = c, .path = path_of(url), .t0 = np_now_ms() };
		np_strbuf_init(&rq->body);
		ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
		if (ci && ci->socket_context)
			((struct conn *)ci->socket_context)->requests++;
		return first_call(ex, rq, method);
	}
	if (*upload_size) {	/* a body nobody asked for (the 405 is queued) */
		*upload_size = 0;
		return MHD_YES;
	}
	if (rq->ready && !rq->code) {	/* resumed: the probe's answer */
		rq->ready = false;
		return send_answer(rq, rq->ready_code, rq->ready_type, np_strbuf_str(&rq->body),
				   rq->body.len);
	}
	return MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct exporter *ex = cls;
	struct req *rq = *con_cls;
	unsigned ci;

	(void)c;
	(void)toe;
	if (!rq)
		return;
	ci = code_index(rq->code);
	if (ci < NCODES)
		ex->n.requests[rq->path][ci]++;
	ex->n.seconds[rq->path] += (np_now_ms() - rq->t0) / 1000.0;
	if (rq->probe)		/* cannot be while suspended; be safe */
		rq->probe->req = NULL;
	np_strbuf_free(&rq->body);
	free(rq);
	*con_cls = NULL;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	struct exporter *ex = cls;
	struct conn *cn = *socket_context;

	(void)c;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		cn = calloc(1, sizeof(*cn));
		if (cn)
			cn->t0 = np_now_ms();
		*socket_context = cn;
		ex->conns++;
		return;
	}
	ex->conns--;
	/* closed before a request came in, and as late as the client timeout:
	 * the timeout closed it */
	if (cn && cn->requests == 0 &&
	    np_now_ms() - cn->t0 >= ex->cfg->client_timeout_s * 1000.0 - 100)
		ex->n.rejected[R_SLOW_CLIENT]++;
	free(cn);
	*socket_context = NULL;
	if (ex->stopping && ex->conns == 0)
		ex->loop.halt = true;
}

/* ---- start and stop */

static void on_grace(void *arg)
{
	((struct exporter *)arg)->loop.halt = true;
}

/* SIGTERM/SIGINT: listen no more, answer every waiting scrape 503, let the
 * answers go out (at most a second), then free what is left. */
static void stop(struct exporter *ex)
{
	ex->stopping = true;
	np_http_quiesce(&ex->http);
	for (struct probe *p = ex->running; p; p = p->next) {
		struct req *rq = p->req;

		p->sh.stopping = true;
		if (!rq)
			continue;
		p->req = NULL;
		rq->probe = NULL;
		np_strbuf_reset(&rq->body);
		np_strbuf_puts(&rq->body, "the exporter is stopping\n");
		answer_later(rq, 503, "text/plain; charset=utf-8");
	}
	ex->loop.stop = NULL;
	ex->loop.halt = ex->conns == 0;
	np_timer_init(&ex->grace, on_grace, ex);
	np_timer_arm(&ex->loop, &ex->grace, np_now_ms() + 1000);
	np_loop_run(&ex->loop);
	np_timer_cancel(&ex->loop, &ex->grace);
}

static void close_all(struct exporter *ex)
{
	np_http_stop(&ex->http);
	for (int i = 0; i < 3; i++)	/* first: late DNS answers find sh.stopping */
		if (ex->resolver_ok[i])
			np_resolver_free(&ex->resolvers[i]);
	while (ex->running) {
		struct probe *p = ex->running;

		NP_DLIST_REMOVE(&ex->running, p);
		np_timer_cancel(&ex->loop, &p->deadline);
		if (p->job)
			np_job_abandon(p->job);
		free_probe(p);
	}
	reap(ex);
	np_timer_cancel(&ex->loop, &ex->reap);
	np_loop_free(&ex->loop);
}

static int open_exporter(struct exporter *ex, const struct np_exporter_config *cfg)
{
	struct np_http_opts ho = {
		.addr = cfg->listen, .addrlen = cfg->listen_len,
		.conn_timeout_s = cfg->client_timeout_s, .max_conns = cfg->max_clients,
		.conn_memory = 32 * 1024, .handler = on_request, .completed = on_completed,
		.notify = on_connection, .cls = ex,
	};
	struct np_error err = { 0 };
	char msg[300];
	size_t budget;

	ex->cfg = cfg;
	if (np_loop_init(&ex->loop) < 0) {
		snprintf(msg, sizeof(msg), "cannot create the event loop: %s", strerror(errno));
		np_report_fatal(msg);
		return 3;
	}
	/* the probes' sockets and the HTTP connections share RLIMIT_NOFILE */
	budget = np_gate_budget();
	np_gate_init(&ex->gate, budget > cfg->max_clients + 16 ? budget - cfg->max_clients : 16);
	np_gate_init(&ex->dns_gate, NP_DNS_INFLIGHT);
	np_timer_init(&ex->reap, reap, ex);
	if (np_http_start(&ex->http, &ex->loop, &ho, &err) < 0) {
		np_report_fatal(err.message);
		np_loop_free(&ex->loop);
		return err.errnum ? 2 : 3;
	}
	return 0;
}

struct exporter *np_exporter_open(const struct np_exporter_config *cfg, int *code)
{
	struct exporter *ex = calloc(1, sizeof(*ex));

	*code = 3;
	if (!ex) {
		np_report_fatal("out of memory");
		return NULL;
	}
	*code = open_exporter(ex, cfg);
	if (*code) {
		free(ex);
		return NULL;
	}
	ex->btime = boot_time();
	if (np_signals_catch_stop(&ex->wait_mask) == 0) {
		ex->loop.stop = &np_stop_signal;
		ex->loop.wait_mask = &ex->wait_mask;
	}
	return ex;
}

int np_exporter_serve(struct exporter *ex)
{
	int code;

	np_loop_hold(&ex->loop);	/* the server: until a signal */
	code = np_loop_run(&ex->loop) < 0 ? 3 : 0;
	if (code)
		np_report_fatal("the event loop failed");
	stop(ex);
	close_all(ex);
	free(ex);
	return code;
}
