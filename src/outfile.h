/* --output FILE: the report written beside FILE under a temporary name, then
 * renamed over it once whole, so a reader (node_exporter's textfile collector,
 * a Nagios passive check script) sees the old content or the new, never half
 * of one. The temporary file is FILE.tmp.PID in FILE's folder (a rename does
 * not cross file systems); a textfile collector reads only *.prom, so it never
 * reads it. Its mode is 0666 less the umask, as any file a shell creates. */
#ifndef NP_OUTFILE_H
#define NP_OUTFILE_H

#include <stddef.h>
#include <stdio.h>

struct np_outfile {
	const char *path;	/* FILE, as given */
	char *tmp;		/* FILE.tmp.PID */
	FILE *f;		/* write the report here */
};

/* --output's argument, checked: 0, or -1 with one line in err (empty). */
int np_outfile_option(const char *arg, const char **path, char *err, size_t errlen);
/* Create the temporary file. 0, or -1 with one line in err (the folder is
 * missing, not writable...). Also ignores SIGXFSZ: a file size limit is then a
 * write error (EFBIG) said in one line, not a killed process. */
int np_outfile_open(struct np_outfile *o, const char *path, char *err, size_t errlen);
/* The report is complete: flush, fsync, close, rename over FILE. 0, or -1 with
 * one line in err and the temporary file removed: FILE keeps its old content. */
int np_outfile_commit(struct np_outfile *o, char *err, size_t errlen);
/* Give up: close and remove the temporary file; FILE is left as it was. */
void np_outfile_abort(struct np_outfile *o);
/* The end of a command that wrote its report into o, code its exit code:
 * commit; or give up when the output failed (the command said so already)
 * or the run failed before writing anything (code 3, nothing written), so
 * FILE keeps its content. Returns code, or 3 with one line in err (else
 * err is "") when the commit failed. */
int np_outfile_end(struct np_outfile *o, int code, char *err, size_t errlen);

#endif
