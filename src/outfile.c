/* --output FILE, atomically: see outfile.h. */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "outfile.h"

int np_outfile_option(const char *arg, const char **path, char *err, size_t errlen)
{
	if (!*arg) {
		snprintf(err, errlen, "empty --output: give the file to write the report to");
		return -1;
	}
	*path = arg;
	return 0;
}

int np_outfile_open(struct np_outfile *o, const char *path, char *err, size_t errlen)
{
	size_t size = strlen(path) + 32;
	int fd;

	*o = (struct np_outfile){ .path = path };
	o->tmp = malloc(size);
	if (!o->tmp) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	snprintf(o->tmp, size, "%s.tmp.%ld", path, (long)getpid());
	signal(SIGXFSZ, SIG_IGN);
	/* O_EXCL: never write through a name someone else put there */
	fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0 || !(o->f = fdopen(fd, "w"))) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(o->tmp);
		}
		free(o->tmp);
		o->tmp = NULL;
		return -1;
	}
	return 0;
}

void np_outfile_abort(struct np_outfile *o)
{
	if (o->f)
		fclose(o->f);
	if (o->tmp)
		unlink(o->tmp);
	free(o->tmp);
	*o = (struct np_outfile){ .path = o->path };
}

int np_outfile_end(struct np_outfile *o, int code, char *err, size_t errlen)
{
	if (errlen)
		err[0] = '\0';
	if (ferror(o->f) || (code == 3 && ftell(o->f) == 0)) {
		np_outfile_abort(o);
		return 3;
	}
	return np_outfile_commit(o, err, errlen) < 0 ? 3 : code;
}

int np_outfile_commit(struct np_outfile *o, char *err, size_t errlen)
{
	int e = 0;

	if (fflush(o->f) != 0 || ferror(o->f))
		e = errno ? errno : EIO;
	else if (fsync(fileno(o->f)) != 0)
		e = errno;
	if (fclose(o->f) != 0 && !e)
		e = errno;
	o->f = NULL;
	if (!e && rename(o->tmp, o->path) != 0)
		e = errno;
	if (e) {
		snprintf(err, errlen, "cannot write %s: %s", o->path, strerror(e));
		np_outfile_abort(o);
		return -1;
	}
	free(o->tmp);
	o->tmp = NULL;
	return 0;
}
