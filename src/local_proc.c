/* The /proc fallback: /proc/net/{tcp,tcp6,udp,udp6} when sock_diag is not
 * there, and /proc/PID/fd to name the process that owns a socket inode. The
 * addresses in /proc/net are the raw 32-bit words printed as host integers. */
#include <config.h>
#include <ctype.h>
#include <dirent.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "local.h"
#include "sockaddr.h"

static int hexword(const char *s, uint32_t *out)
{
	char buf[9], *end;

	memcpy(buf, s, 8);
	buf[8] = '\0';
	*out = (uint32_t)strtoul(buf, &end, 16);
	return end == buf + 8 ? 0 : -1;
}

int np_local_parse_proc_line(const char *line, int family, int proto, uint16_t port,
			     struct np_local_socket *s)
{
	char local[64], remote[64];
	unsigned st, lport, rport;
	unsigned long uid, inode;
	size_t words = family == AF_INET ? 1 : 4;

	if (sscanf(line, " %*u: %63[0-9A-Fa-f]:%x %63[0-9A-Fa-f]:%x %x %*s %*s %*s %lu %*d %lu",
		   local, &lport, remote, &rport, &st, &uid, &inode) != 7)
		return 0;
	if (lport != port || strlen(local) != 8 * words)
		return 0;
	if (proto == IPPROTO_TCP ? st != 0x0A : rport != 0)	/* LISTEN; unconnected UDP */
		return 0;
	memset(s, 0, sizeof(*s));
	s->proto = proto;
	s->v6only = -1;		/* /proc/net says neither this nor the bound device */
	s->pid = -1;
	s->uid = (long)uid;
	s->inode = inode;
	s->addr.ss_family = (sa_family_t)family;
	for (size_t i = 0; i < words; i++) {
		uint32_t w;

		if (hexword(local + 8 * i, &w) < 0)
			return 0;
		if (family == AF_INET)
			memcpy(&((struct sockaddr_in *)&s->addr)->sin_addr, &w, 4);
		else
			memcpy((uint8_t *)&((struct sockaddr_in6 *)&s->addr)->sin6_addr + 4 * i, &w, 4);
	}
	np_sockaddr_set_port(&s->addr, port);
	return 1;
}

int np_local_from_proc(uint16_t port, struct np_local_result *r)
{
	static const struct { const char *path; int family, proto; } files[] = {
		{ "/proc/net/tcp", AF_INET, IPPROTO_TCP }, { "/proc/net/tcp6", AF_INET6, IPPROTO_TCP },
		{ "/proc/net/udp", AF_INET, IPPROTO_UDP }, { "/proc/net/udp6", AF_INET6, IPPROTO_UDP },
	};
	int readable = 0;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		FILE *f = fopen(files[i].path, "r");
		char line[512];

		if (!f)
			continue;
		readable++;
		while (fgets(line, sizeof(line), f) && r->nsocks < NP_LOCAL_MAX)
			r->nsocks += (size_t)np_local_parse_proc_line(line, files[i].family,
								      files[i].proto, port,
								      &r->socks[r->nsocks]);
		fclose(f);
	}
	return readable ? 0 : -1;
}

static void owner_of(struct np_local_result *r, unsigned long inode, long pid)
{
	for (size_t i = 0; i < r->nsocks; i++) {
		struct np_local_socket *s = &r->socks[i];
		char path[64];
		FILE *f;

		if (s->inode != inode || s->pid >= 0)
			continue;
		s->pid = pid;
		snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
		if ((f = fopen(path, "r"))) {
			/* a process names itself, any bytes but NUL: kept as they are
			 * (the reporters escape them), but the kernel's final newline */
			size_t n = fread(s->comm, 1, sizeof(s->comm) - 1, f);

			s->comm[n] = '\0';
			if (n && s->comm[n - 1] == '\n')
				s->comm[n - 1] = '\0';
			fclose(f);
		}
	}
}

static size_t unowned(const struct np_local_result *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nsocks; i++)
		n += r->socks[i].pid < 0 && r->socks[i].inode;
	return n;
}

void np_local_find_owners(struct np_local_result *r)
{
	DIR *proc = opendir("/proc");
	struct dirent *p;

	if (!proc)
		return;
	/* Bounded by the process table; stops as soon as every socket is named. */
	while (unowned(r) && (p = readdir(proc))) {
		char fdpath[300];
		DIR *fds;
		struct dirent *d;

		if (!isdigit((unsigned char)p->d_name[0]))
			continue;
		snprintf(fdpath, sizeof(fdpath), "/proc/%s/fd", p->d_name);
		if (!(fds = opendir(fdpath)))
			continue;	/* another user's process: not ours to see */
		while ((d = readdir(fds))) {
			char link[600], target[64];
			ssize_t n;
			unsigned long inode;

			snprintf(link, sizeof(link), "%s/%s", fdpath, d->d_name);
			n = readlink(link, target, sizeof(target) - 1);
			if (n <= 0)
				continue;
			target[n] = '\0';
			if (sscanf(target, "socket:[%lu]", &inode) == 1)
				owner_of(r, inode, atol(p->d_name));
		}
		closedir(fds);
	}
	closedir(proc);
}
