/* bench/listeners.c: the TCP listeners of bench/batch.sh.
 *
 *     listeners [-b BACKLOG] [-l SECONDS] [-c COUNTFILE] PORT...
 *
 * For every PORT, one socket on 0.0.0.0 and one on [::] (IPV6_V6ONLY), so
 * every 127.x.y.z and ::1 accepts.  One epoll loop accepts every connection
 * and closes it at once; nothing is read or written.  Prints "ready" on
 * stdout when all sockets listen.  On SIGTERM/SIGINT, or after SECONDS
 * (default 3600: bounded), writes the number of connections accepted to
 * COUNTFILE (also on SIGUSR1, and keeps going) and exits.
 *
 * It is meant to run inside batch.sh's private network namespace only:
 * binding 0.0.0.0 there exposes nothing.  C, not Python, so that accepting
 * 20,000 connections a second costs it little CPU: batch.sh prints its CPU
 * time and the kernel's listen-queue overflow counters to show that the
 * listener is not what limits a run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_SOCKS 64

static volatile sig_atomic_t stop, dump;
static unsigned long long accepted;
static const char *countfile;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		dump = 1;
	else
		stop = 1;
}

static void write_count(void)
{
	FILE *f;

	if (!countfile)
		return;
	f = fopen(countfile, "w");
	if (!f)
		return;
	fprintf(f, "%llu\n", accepted);
	fclose(f);
}

static int listen_on(int family, int port, int backlog)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, one = 1;

	memset(&ss, 0, sizeof ss);
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons((unsigned short)port);
		sin->sin_addr.s_addr = htonl(INADDR_ANY);
		len = sizeof *sin;
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((unsigned short)port);
		sin6->sin6_addr = in6addr_any;
		len = sizeof *sin6;
	}
	fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, backlog) < 0) {
		fprintf(stderr, "listeners: port %d: %s\n", port, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int main(int argc, char **argv)
{
	int backlog = 65535, lifetime = 3600, ep, opt, i, n = 0;
	struct epoll_event ev, evs[MAX_SOCKS];
	struct sigaction sa;

	while ((opt = getopt(argc, argv, "b:l:c:")) != -1) {
		switch (opt) {
		case 'b': backlog = atoi(optarg); break;
		case 'l': lifetime = atoi(optarg); break;
		case 'c': countfile = optarg; break;
		default:
			fprintf(stderr, "usage: listeners [-b BACKLOG] [-l SECONDS] [-c COUNTFILE] PORT...\n");
			return 2;
		}
	}
	if (optind >= argc || (argc - optind) * 2 > MAX_SOCKS || lifetime < 1) {
		fprintf(stderr, "listeners: 1 to %d ports, lifetime >= 1\n", MAX_SOCKS / 2);
		return 2;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	alarm((unsigned)lifetime);

	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		return 1;
	for (i = optind; i < argc; i++) {
		int port = atoi(argv[i]), fam;

		if (port < 1 || port > 65535) {
			fprintf(stderr, "listeners: bad port %s\n", argv[i]);
			return 2;
		}
		for (fam = 0; fam < 2; fam++) {
			int fd = listen_on(fam ? AF_INET6 : AF_INET, port, backlog);

			if (fd < 0)
				return 1;
			ev.events = EPOLLIN;
			ev.data.fd = fd;
			if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0)
				return 1;
			n++;
		}
	}
	printf("ready\n");
	fflush(stdout);

	while (!stop) {
		int k = epoll_wait(ep, evs, n, 1000);

		if (dump) {
			dump = 0;
			write_count();
		}
		for (i = 0; i < k; i++) {
			int c;

			/* drain the accept queue: one wakeup, many connections */
			while ((c = accept4(evs[i].data.fd, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
				close(c);
				accepted++;
			}
		}
	}
	write_count();
	return 0;
}
