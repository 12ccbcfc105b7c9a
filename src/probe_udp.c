/* UDP: the datagram client. connect() on a datagram socket sends nothing; it only
 * fixes the peer, so the kernel can hand us the ICMP errors that come back (and,
 * with IP_RECVERR, who sent them). A datagram back means open; ICMP port
 * unreachable means closed; silence proves nothing: open_filtered. We send what a
 * server answers: a DNS query on 53, an NTP request on 123, else --send or an
 * empty datagram, and resend it a bounded number of times within the timeout;
 * to a host that rate-limits its ICMP errors, at the pace udp_pace.c sets. */
#include <config.h>
#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "clock.h"
#include "probe.h"
#include "recverr.h"

/* ". IN NS", ID 0x6e70 ("np"), no recursion: every DNS server answers it. */
static const uint8_t dns_query[] = {
	0x6e, 0x70, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x02, 0x00, 0x01,
};

/* An NTP v4 client request (LI 0, VN 4, mode 3) and 47 zero bytes. */
static const uint8_t ntp_request[48] = { 0x23 };

static void payload(const struct np_probe *p, const uint8_t **data, size_t *len)
{
	uint16_t port = np_sockaddr_port((const struct sockaddr *)&p->res->sa);

	if (p->opts->send) {
		*data = p->opts->send;
		*len = p->opts->send_len;
	} else if (port == 53) {
		*data = dns_query;
		*len = sizeof(dns_query);
	} else if (port == 123) {
		*data = ntp_request;
		*len = sizeof(ntp_request);
	} else {
		*data = (const uint8_t *)"";
		*len = 0;
	}
}

static double deadline(const struct np_probe *p)
{
	return p->t_start + p->opts->timeout_ms;
}

/* One datagram; paced: sent by the host's pacer. -1: the probe is finished. */
static int datagram(struct np_probe *p, bool paced)
{
	const uint8_t *data;
	size_t len;

	payload(p, &data, &len);
	if (send(p->fd, data, len, 0) < 0 && errno != EAGAIN) {
		int err = errno;

		np_recverr_read(p->fd, &p->res->icmp);
		if (p->pace && p->res->icmp.set)
			np_udp_pace_answered(p->pace, p, true);
		np_probe_fail(p, err);
		return -1;
	}
	p->res->tries++;
	p->res->xchg.sent += len;
	if (p->pace)
		np_udp_pace_sent(p->pace, p, paced);
	return 0;
}

static void paced_datagram(struct np_probe *p)
{
	datagram(p, true);
}

/* The probe's own schedule: the tries evenly spread over the timeout. Set the
 * timer for the next one, or for the end. */
static void send_try(struct np_probe *p)
{
	double slot = p->opts->timeout_ms / (p->opts->retries + 1);

	if (datagram(p, false) < 0)
		return;
	np_timer_arm(p->loop, &p->timer, p->res->tries <= p->opts->retries
		     ? p->t_start + slot * p->res->tries : deadline(p));
}

static void udp_start(struct np_probe *p)
{
	const struct sockaddr *sa = (const struct sockaddr *)&p->res->sa;

	if (np_probe_socket(p) < 0)
		return;
	np_recverr_enable(p->fd, sa->sa_family);
	if (connect(p->fd, sa, p->res->salen) < 0) {
		np_probe_fail(p, errno);
		return;
	}
	np_probe_note_local(p);
	if (np_probe_self_connected(p)) {
		np_probe_finish(p, NP_STATE_CLOSED);
		return;
	}
	p->res->xchg.used = true;
	if (p->pace && np_udp_pace_join(p->pace, p, paced_datagram) < 0) {
		np_probe_fail(p, errno);
		return;
	}
	if (np_probe_watch(p, NP_EV_READ) == 0)
		send_try(p);
}

/* An ICMP error came back: the kind says closed, filtered or unreachable. */
static void icmp_error(struct np_probe *p, int errnum)
{
	np_recverr_read(p->fd, &p->res->icmp);
	np_probe_fail(p, errnum);
}

static void udp_on_ready(struct np_probe *p, uint32_t events)
{
	uint8_t dgram[2048];
	ssize_t n = recv(p->fd, dgram, sizeof(dgram), 0);
	int err = n < 0 ? errno : 0;

	if (err == EAGAIN || err == EINTR)
		return;
	if (p->pace)
		np_udp_pace_answered(p->pace, p, n < 0);
	if (n >= 0) {
		p->t_phase = p->t_start;	/* reply_ms counts from the first send */
		np_exchange_absorb(p, dgram, (size_t)n);
		if (p->opts->expect && !p->res->xchg.matched) {
			char endpoint[NP_ENDPOINT_LEN];

			np_probe_endpoint(p, endpoint, sizeof(endpoint));
			np_error_set(&p->res->err, "MISMATCH", "%s answered %zd bytes without \"%s\"",
				     endpoint, n, p->opts->expect);
			np_probe_finish(p, NP_STATE_MISMATCH);
			return;
		}
		np_probe_finish(p, NP_STATE_OPEN);
		return;
	}
	icmp_error(p, err);
}

static void udp_on_timeout(struct np_probe *p)
{
	if (np_now_ms() >= deadline(p) - 1) {
		p->res->icmp_rate_limited = p->pace && np_udp_pace_suspect(p->pace, p);
		np_probe_fail(p, ETIMEDOUT);
	} else if (p->pace && np_udp_pace_limiting(p->pace)) {
		np_timer_arm(p->loop, &p->timer, deadline(p));	/* the pacer resends */
	} else if (p->res->tries <= p->opts->retries) {
		send_try(p);
	} else {
		np_timer_arm(p->loop, &p->timer, deadline(p));
	}
}

const struct np_transport np_transport_udp = {
	.name = "udp",
	.socktype = SOCK_DGRAM,
	.start = udp_start,
	.on_ready = udp_on_ready,
	.on_timeout = udp_on_timeout,
	.classify = np_udp_classify,
};
