/* For the unit tests of the JSON reporters: run the project's validator
 * (tests/helpers/validate_json.py, python3-jsonschema) on what they built.
 * Include after cmocka.h. */
#ifndef NP_TEST_VALIDATE_SCHEMA_H
#define NP_TEST_VALIDATE_SCHEMA_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include <jansson.h>

/* doc (taken) against docs/netprobe.schema.json, or against its $defs/DEF when
 * def is not NULL; numbers written as np_json_print writes them.  Returns the
 * validator's exit status: 0 valid, 1 invalid (its reasons on stderr, in the
 * test's log).  Skips the test when run outside make check (no top_srcdir or
 * PYTHON3 in the environment: no paths to the validator) or when jsonschema
 * cannot be imported (77). */
static inline int validate_schema(json_t *doc, const char *def)
{
	const char *srcdir = getenv("top_srcdir"), *py = getenv("PYTHON3");
	char schema_file[] = "/tmp/np-schema-XXXXXX", doc_file[] = "/tmp/np-json-XXXXXX";
	char schema_path[1024], ref[64], cmd[3072];
	json_t *full, *schema;
	int rc;

	if (!srcdir || !py) {
		json_decref(doc);
		skip();
	}
	snprintf(schema_path, sizeof(schema_path), "%s/docs/netprobe.schema.json", srcdir);
	if (def) {	/* a schema of its own: the $defs, and a $ref to one of them */
		full = json_load_file(schema_path, 0, NULL);
		assert_non_null(full);
		snprintf(ref, sizeof(ref), "#/$defs/%s", def);
		schema = json_pack("{s:O, s:O, s:s}", "$schema", json_object_get(full, "$schema"),
				   "$defs", json_object_get(full, "$defs"), "$ref", ref);
		json_decref(full);
		close(mkstemp(schema_file));
		assert_int_equal(json_dump_file(schema, schema_file, 0), 0);
		json_decref(schema);
	}
	close(mkstemp(doc_file));
	assert_int_equal(json_dump_file(doc, doc_file, JSON_INDENT(1) | JSON_REAL_PRECISION(12)), 0);
	json_decref(doc);
	snprintf(cmd, sizeof(cmd), "'%s' '%s/tests/helpers/validate_json.py' '%s' < '%s'", py,
		 srcdir, def ? schema_file : schema_path, doc_file);
	rc = system(cmd);
	if (def)
		unlink(schema_file);
	unlink(doc_file);
	if (WIFEXITED(rc) && WEXITSTATUS(rc) == 77)
		skip();
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

#endif
