// SPDX-License-Identifier: GPL-2.0-only
#include <inttypes.h>
#include <stdlib.h>
#include "json_writer.h"

#define JW_MAX_DEPTH 32

struct json_writer {
	FILE *out;
	int depth;
	bool first[JW_MAX_DEPTH]; /* no element yet at this depth */
	bool after_name;	  /* a key was written; its value follows without a comma */
};

struct json_writer *jw_new(FILE *out)
{
	struct json_writer *jw = calloc(1, sizeof(*jw));

	if (jw) {
		jw->out = out;
		jw->first[0] = true;
	}
	return jw;
}

void jw_destroy(struct json_writer **jw)
{
	if (!*jw)
		return;
	fputc('\n', (*jw)->out);
	fflush((*jw)->out);
	free(*jw);
	*jw = NULL;
}

/* Separate this element from the previous one at the same depth. */
static void begin_value(struct json_writer *jw)
{
	if (jw->after_name) {
		jw->after_name = false;
		return;
	}
	if (!jw->first[jw->depth])
		fputc(',', jw->out);
	jw->first[jw->depth] = false;
}

static void put_escaped(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = *s;

		switch (c) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		default:
			if (c < 0x20)
				fprintf(out, "\\u%04x", c);
			else
				fputc(c, out);
		}
	}
	fputc('"', out);
}

static void open_container(struct json_writer *jw, char c)
{
	begin_value(jw);
	fputc(c, jw->out);
	if (jw->depth < JW_MAX_DEPTH - 1)
		jw->depth++;
	jw->first[jw->depth] = true;
}

static void close_container(struct json_writer *jw, char c)
{
	if (jw->depth > 0)
		jw->depth--;
	fputc(c, jw->out);
}

void jw_start_object(struct json_writer *jw)
{
	open_container(jw, '{');
}

void jw_end_object(struct json_writer *jw)
{
	close_container(jw, '}');
}

void jw_start_array(struct json_writer *jw)
{
	open_container(jw, '[');
}

void jw_end_array(struct json_writer *jw)
{
	close_container(jw, ']');
}

void jw_name(struct json_writer *jw, const char *name)
{
	begin_value(jw);
	put_escaped(jw->out, name);
	fputc(':', jw->out);
	jw->after_name = true;
}

void jw_string(struct json_writer *jw, const char *s)
{
	begin_value(jw);
	put_escaped(jw->out, s ? s : "");
}

void jw_uint(struct json_writer *jw, uint64_t v)
{
	begin_value(jw);
	fprintf(jw->out, "%" PRIu64, v);
}

void jw_int(struct json_writer *jw, int64_t v)
{
	begin_value(jw);
	fprintf(jw->out, "%" PRId64, v);
}

void jw_float(struct json_writer *jw, double v)
{
	begin_value(jw);
	fprintf(jw->out, "%.3f", v);
}

void jw_bool(struct json_writer *jw, bool v)
{
	begin_value(jw);
	fputs(v ? "true" : "false", jw->out);
}

void jw_null(struct json_writer *jw)
{
	begin_value(jw);
	fputs("null", jw->out);
}

void jw_string_field(struct json_writer *jw, const char *name, const char *s)
{
	jw_name(jw, name);
	jw_string(jw, s);
}

void jw_uint_field(struct json_writer *jw, const char *name, uint64_t v)
{
	jw_name(jw, name);
	jw_uint(jw, v);
}

void jw_int_field(struct json_writer *jw, const char *name, int64_t v)
{
	jw_name(jw, name);
	jw_int(jw, v);
}

void jw_float_field(struct json_writer *jw, const char *name, double v)
{
	jw_name(jw, name);
	jw_float(jw, v);
}

void jw_bool_field(struct json_writer *jw, const char *name, bool v)
{
	jw_name(jw, name);
	jw_bool(jw, v);
}
