/* Reading what an empty NOERROR answer means (RFC 1034 4.3.2, RFC 2308 2.2):
 * a negative answer carries the SOA of the zone that holds the name; a
 * referral carries the NS records of a zone below, with AA clear, from a server
 * that did not recurse; a chain that stops at a name the server holds no zone
 * for, unanswered by a server that did not recurse, is incomplete. */
#include <config.h>
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "dnsanswer.h"

#define FLAG_AA 0x0400
#define FLAG_RD 0x0100
#define FLAG_RA 0x0080

/* The reader after the question section; -1 when the message is too broken. */
static int skip_questions(struct np_dns_reader *rd, const uint8_t *msg, size_t len,
			  struct np_dns_header *h)
{
	char name[NP_DNS_TEXT_MAX];
	uint16_t type, rclass;

	if (np_dns_reader_init(rd, msg, len, h) != NP_DNS_OK)
		return -1;
	for (unsigned i = 0; i < h->qdcount; i++)
		if (np_dns_read_question(rd, name, sizeof(name), &type, &rclass) != NP_DNS_OK)
			return -1;
	return 0;
}

static int skip_records(struct np_dns_reader *rd, unsigned n)
{
	struct np_dns_rr rr;

	for (unsigned i = 0; i < n; i++)
		if (np_dns_read_rr(rd, &rr) != NP_DNS_OK)
			return -1;
	return 0;
}

int np_dns_chain_end(const uint8_t *msg, size_t len, const char *qname, char *final,
		     size_t finallen, size_t *links)
{
	struct np_dns_reader rd;
	struct np_dns_header h;
	size_t answers;
	bool found = true;

	snprintf(final, finallen, "%s", qname);
	*links = 0;
	if (skip_questions(&rd, msg, len, &h) < 0)
		return -1;
	answers = rd.off;
	while (found && *links < NP_DNS_CHAIN_MAX) {
		found = false;
		rd.off = answers;
		for (unsigned i = 0; i < h.ancount && !found; i++) {
			struct np_dns_rr rr;
			size_t off;

			if (np_dns_read_rr(&rd, &rr) != NP_DNS_OK)
				return -1;
			if (rr.type != NP_RR_CNAME || rr.rclass != 1 || !np_dns_name_eq(rr.name, final))
				continue;
			off = rr.rdata;
			if (np_dns_read_name(msg, len, &off, final, finallen) != NP_DNS_OK)
				return -1;
			(*links)++;
			found = true;
		}
	}
	return 0;
}

static void add_nameserver(struct np_dns_referral *ref, const struct np_dns_reader *rd,
			   const struct np_dns_rr *rr)
{
	char name[NP_DNS_TEXT_MAX];
	size_t off = rr->rdata;

	if (np_dns_read_name(rd->msg, rd->len, &off, name, sizeof(name)) != NP_DNS_OK)
		return;
	if (ref->nns == NP_REFERRAL_MAX_NS) {
		ref->ns_dropped++;
		return;
	}
	ref->ns[ref->nns].nglue = 0;
	snprintf(ref->ns[ref->nns++].name, NP_NAME_TEXT, "%s", name);
}

/* Glue: an A or AAAA record in ADDITIONAL for one of the name servers. */
static void add_glue(struct np_dns_referral *ref, const struct np_dns_reader *rd,
		     const struct np_dns_rr *rr)
{
	int family = np_rr_family(rr->type);

	if (rr->rclass != 1 || rr->rdlength != (family == AF_INET ? 4 : 16))
		return;
	for (size_t i = 0; i < ref->nns; i++) {
		struct np_dns_nameserver *ns = &ref->ns[i];

		if (!np_dns_name_eq(ns->name, rr->name) || ns->nglue == NP_REFERRAL_MAX_GLUE)
			continue;
		inet_ntop(family, rd->msg + rr->rdata, ns->glue[ns->nglue++], INET6_ADDRSTRLEN);
	}
}

/* AUTHORITY: the NS records of the closest zone above final, and whether an SOA
 * says final's own zone is here. -1 when the section is broken. */
static int read_authority(struct np_dns_reader *rd, unsigned n, const char *final,
			  struct np_dns_referral *ref, bool *soa)
{
	for (unsigned i = 0; i < n; i++) {
		struct np_dns_rr rr;

		if (np_dns_read_rr(rd, &rr) != NP_DNS_OK)
			return -1;
		if (rr.rclass != 1 || !np_dns_name_is_under(final, rr.name))
			continue;
		if (rr.type == NP_RR_SOA)
			*soa = true;
		if (rr.type != NP_RR_NS)
			continue;
		if (!ref->zone[0])
			snprintf(ref->zone, sizeof(ref->zone), "%s", rr.name);
		if (np_dns_name_eq(rr.name, ref->zone))
			add_nameserver(ref, rd, &rr);
	}
	return 0;
}

enum np_dns_empty np_dns_classify_empty(const uint8_t *msg, size_t len, const char *final,
					size_t links, struct np_dns_referral *ref)
{
	struct np_dns_reader rd;
	struct np_dns_header h;
	bool soa = false, recursed;

	/* not a memset of the whole 10 KB: every AAAA NODATA of a batch comes here,
	 * and only the first nns servers are ever read */
	ref->zone[0] = '\0';
	ref->nns = ref->ns_dropped = 0;
	if (skip_questions(&rd, msg, len, &h) < 0 || skip_records(&rd, h.ancount) < 0 ||
	    read_authority(&rd, h.nscount, final, ref, &soa) < 0)
		return NP_EMPTY_NODATA;
	for (unsigned i = 0; i < h.arcount; i++) {
		struct np_dns_rr rr;

		if (np_dns_read_rr(&rd, &rr) != NP_DNS_OK)
			break;
		if (np_rr_family(rr.type))
			add_glue(ref, &rd, &rr);
	}
	/* RD is echoed in the reply: RA and RD both set means it recursed for us */
	recursed = (h.flags & FLAG_RA) && (h.flags & FLAG_RD);
	if (soa || recursed)
		return NP_EMPTY_NODATA;
	if (ref->nns && !(h.flags & FLAG_AA))
		return NP_EMPTY_REFERRAL;
	return links ? NP_EMPTY_INCOMPLETE : NP_EMPTY_NODATA;
}
