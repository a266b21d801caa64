// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "backend/linked_manifest.h"
#include "iface.h"

static bool get_u64(struct json_object *o, const char *key, __u64 max, __u64 *out)
{
	struct json_object *v;
	int64_t i;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return false;
	i = json_object_get_int64(v);
	if (i < 0 || (__u64)i > max)
		return false;
	*out = i;
	return true;
}

static bool get_uint(struct json_object *o, const char *key, unsigned int max, unsigned int *out)
{
	__u64 v;

	if (!get_u64(o, key, max, &v))
		return false;
	*out = v;
	return true;
}

static bool get_str(struct json_object *o, const char *key, char *buf, size_t sz)
{
	struct json_object *v;
	const char *s;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return false;
	s = json_object_get_string(v);
	if (strlen(s) >= sz || strpbrk(s, "\t\n"))
		return false;
	memcpy(buf, s, strlen(s) + 1);
	return true;
}

/* an optional boolean: false when absent or not a boolean */
static bool get_bool(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_boolean) &&
	       json_object_get_boolean(v);
}

/* KEY: an array of XDPL_DISP_SLOTS counts >= 0 (absent: zeros, if optional) */
static bool get_slots(struct json_object *o, const char *key, bool optional, __u64 *out)
{
	struct json_object *a, *v;
	int i;

	if (!json_object_object_get_ex(o, key, &a))
		return optional;
	if (!json_object_is_type(a, json_type_array) ||
	    json_object_array_length(a) != XDPL_DISP_SLOTS)
		return false;
	for (i = 0; i < XDPL_DISP_SLOTS; i++) {
		v = json_object_array_get_idx(a, i);
		if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 0)
			return false;
		out[i] = json_object_get_uint64(v);
	}
	return true;
}

static bool parse_comp(struct json_object *o, struct linked_comp *c)
{
	struct json_object *base;

	memset(c, 0, sizeof(*c));
	if (!json_object_is_type(o, json_type_object) || !get_uint(o, "uid", INT32_MAX, &c->uid) ||
	    !c->uid || !get_uint(o, "slot", XDPL_CHAIN_MAX - 1, &c->slot) ||
	    !get_uint(o, "priority", INT32_MAX, &c->entry.prio) ||
	    !get_uint(o, "actions", UINT32_MAX, &c->entry.actions) ||
	    !get_uint(o, "order", INT32_MAX, &c->entry.order) ||
	    !get_str(o, "name", c->entry.name, sizeof(c->entry.name)) || !c->entry.name[0] ||
	    !get_str(o, "label", c->entry.label, sizeof(c->entry.label)) ||
	    !get_str(o, "pin_dir", c->pin_dir, sizeof(c->pin_dir)))
		return false;
	if (!get_slots(o, "base", false, c->base) ||
	    /* added with byte counters (optional: zeros) */
	    !get_slots(o, "bytes_base", true, c->bytes_base))
		return false;
	/* added with inlining: a manifest without them is still this format */
	c->inlined = get_bool(o, "inlined");
	if (json_object_object_get_ex(o, "call_reason", &base) &&
	    !get_str(o, "call_reason", c->call_reason, sizeof(c->call_reason)))
		return false;
	return true;
}

/* Two components with one uid or one counter slot would share pins or counters. */
static bool comps_distinct(const struct linked_manifest *m)
{
	int i, k;

	for (i = 0; i < m->n; i++) {
		if (m->comps[i].uid >= m->next_uid)
			return false;
		for (k = 0; k < i; k++)
			if (m->comps[k].uid == m->comps[i].uid ||
			    m->comps[k].slot == m->comps[i].slot)
				return false;
	}
	return true;
}

static bool parse_doc(struct json_object *doc, struct linked_manifest *m)
{
	struct json_object *comps, *v;
	unsigned int format;
	char mode[32];
	size_t i, n;

	if (!json_object_is_type(doc, json_type_object) ||
	    !get_uint(doc, "format", INT32_MAX, &format) || format != LINKED_MANIFEST_FORMAT ||
	    !get_uint(doc, "generation", INT32_MAX, &m->generation) || !m->generation ||
	    !get_str(doc, "mode", mode, sizeof(mode)) || mode_parse(mode, &m->mode) ||
	    !get_u64(doc, "netns_ino", UINT64_MAX >> 1, &m->netns_ino) ||
	    !get_uint(doc, "next_uid", INT32_MAX, &m->next_uid))
		return false;
	if (!json_object_object_get_ex(doc, "counters", &v) ||
	    !json_object_is_type(v, json_type_boolean))
		return false;
	m->counters = json_object_get_boolean(v);
	m->no_inline = get_bool(doc, "no_inline");
	m->traced = get_bool(doc, "traced");
	m->bytes = get_bool(doc, "bytes");
	if (!json_object_object_get_ex(doc, "programs", &comps) ||
	    !json_object_is_type(comps, json_type_array))
		return false;
	n = json_object_array_length(comps);
	if (n > XDPL_CHAIN_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!parse_comp(json_object_array_get_idx(comps, i), &m->comps[i]))
			return false;
	m->n = n;
	return comps_distinct(m);
}

int linked_manifest_parse(const char *text, size_t len, struct linked_manifest *m)
{
	struct json_tokener *tok;
	struct json_object *doc;
	bool ok;

	memset(m, 0, sizeof(*m));
	if (len > LINKED_MANIFEST_MAX || len > INT32_MAX)
		return -EBADMSG;
	tok = json_tokener_new();
	if (!tok)
		return -ENOMEM;
	doc = json_tokener_parse_ex(tok, text, len);
	/* a complete document and nothing but blanks after it */
	ok = doc && json_tokener_get_error(tok) == json_tokener_success;
	if (ok) {
		size_t used = json_tokener_get_parse_end(tok);

		for (; used < len && ok; used++)
			ok = strchr(" \t\r\n", text[used]) && text[used];
	}
	ok = ok && parse_doc(doc, m);
	json_object_put(doc);
	json_tokener_free(tok);
	if (!ok) {
		memset(m, 0, sizeof(*m));
		return -EBADMSG;
	}
	return 0;
}

static struct json_object *format_comp(const struct linked_comp *c)
{
	struct json_object *o = json_object_new_object(), *base = json_object_new_array();
	int i;

	json_object_object_add(o, "uid", json_object_new_int64(c->uid));
	json_object_object_add(o, "slot", json_object_new_int64(c->slot));
	json_object_object_add(o, "name", json_object_new_string(c->entry.name));
	json_object_object_add(o, "label", json_object_new_string(c->entry.label));
	json_object_object_add(o, "priority", json_object_new_int64(c->entry.prio));
	json_object_object_add(o, "actions", json_object_new_int64(c->entry.actions));
	json_object_object_add(o, "order", json_object_new_int64(c->entry.order));
	json_object_object_add(o, "pin_dir", json_object_new_string(c->pin_dir));
	for (i = 0; i < XDPL_DISP_SLOTS; i++)
		json_object_array_add(base, json_object_new_uint64(c->base[i]));
	json_object_object_add(o, "base", base);
	base = json_object_new_array();
	for (i = 0; i < XDPL_DISP_SLOTS; i++)
		json_object_array_add(base, json_object_new_uint64(c->bytes_base[i]));
	json_object_object_add(o, "bytes_base", base);
	json_object_object_add(o, "inlined", json_object_new_boolean(c->inlined));
	json_object_object_add(o, "call_reason", json_object_new_string(c->call_reason));
	return o;
}

int linked_manifest_format(const struct linked_manifest *m, char **out, size_t *len)
{
	struct json_object *doc = json_object_new_object(), *comps = json_object_new_array();
	const char *s;
	int i;

	if (!doc || !comps) {
		json_object_put(doc);
		json_object_put(comps);
		return -ENOMEM;
	}
	json_object_object_add(doc, "format", json_object_new_int(LINKED_MANIFEST_FORMAT));
	json_object_object_add(doc, "generation", json_object_new_int64(m->generation));
	json_object_object_add(doc, "mode", json_object_new_string(mode_name(m->mode)));
	json_object_object_add(doc, "counters", json_object_new_boolean(m->counters));
	json_object_object_add(doc, "no_inline", json_object_new_boolean(m->no_inline));
	json_object_object_add(doc, "traced", json_object_new_boolean(m->traced));
	json_object_object_add(doc, "bytes", json_object_new_boolean(m->bytes));
	json_object_object_add(doc, "netns_ino", json_object_new_int64(m->netns_ino));
	json_object_object_add(doc, "next_uid", json_object_new_int64(m->next_uid));
	for (i = 0; i < m->n; i++)
		json_object_array_add(comps, format_comp(&m->comps[i]));
	json_object_object_add(doc, "programs", comps);
	s = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED);
	*out = s ? strdup(s) : NULL;
	if (*out)
		*len = strlen(*out);
	json_object_put(doc);
	return *out ? 0 : -ENOMEM;
}
